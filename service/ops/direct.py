"""The command line without a running service: Neo4j found as `provgraph serve` finds it, and
the API itself run inside the command's own process.

`--direct` commands (`import`, `export`, `lineage`) send their requests to the very app
`serve` runs, on a Unix socket in a private folder, as one admin caller with a token made
for this run: so a direct import passes the same validation, PROV rules, idempotency and
write path as one over HTTP, and nothing else can reach that app.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from service.local_neo4j import LocalNeo4j
from service.ops.api import ApiError, client
from service.settings import Settings

log = logging.getLogger("provgraph")
STARTUP_S = 120.0


@contextmanager
def neo4j_settings(
    settings: Settings, data_dir: Path | None = None, bolt_port: int | None = None
) -> Iterator[Settings]:
    """The settings with a Neo4j to talk to: `NEO4J_URI` when set, else the local Neo4j of
    `provgraph serve` (the running one, or one started for this command and stopped after)."""
    if settings.neo4j_uri:
        yield settings
        return
    local = LocalNeo4j(
        data_dir or settings.data_dir,
        settings.cache_dir,
        bolt_port=bolt_port if bolt_port is not None else settings.neo4j_bolt_port,
        heap=settings.neo4j_heap,
        pagecache=settings.neo4j_pagecache,
    )
    connection = local.status()
    owned = connection is None
    if connection is None:
        log.info("No NEO4J_URI given: starting the local Neo4j in %s", local.data_dir)
        connection = local.start()
    try:
        yield settings.model_copy(
            update={
                "neo4j_uri": connection.uri,
                "neo4j_user": connection.user,
                "neo4j_password": connection.password,
            }
        )
    finally:
        if owned:
            local.stop()


def check_caller(name: str) -> str:
    if not name or ":" in name or "," in name or name != name.strip():
        raise ApiError(f"--as {name!r}: a caller name is non-empty, without ':' or ','")
    return name


@contextmanager
def in_process_api(settings: Settings, caller: str) -> Iterator[httpx.Client]:
    """A client of the app served inside this process, acting as `caller` (admin role).

    Records written get `created_by` = `caller`, and idempotency keys are the caller's, as
    if that caller had sent them to the service; the default `anonymous` is who every caller
    is when the service runs without tokens.
    """
    from service.app import create_app

    token = secrets.token_urlsafe(32)
    app_settings = settings.model_copy(
        update={
            "tokens": f"{check_caller(caller)}:admin:{token}",
            "tokens_file": None,
            "anonymous_read": False,
            # Links in answers name the service as `serve` would be reached, not the socket.
            "public_url": settings.public_url or f"http://{settings.host}:{settings.port}",
        }
    )
    folder = tempfile.mkdtemp(prefix="provgraph-direct-")  # 0700: this user only
    socket_path = os.path.join(folder, "api.sock")
    config = uvicorn.Config(
        create_app(app_settings),
        uds=socket_path,
        log_level="warning",
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="provgraph-in-process-api", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise ApiError("the in-process API did not start (see the log lines above)")
            time.sleep(0.05)
        transport = httpx.HTTPTransport(uds=socket_path, retries=0)
        with client("http://provgraph.invalid", token, transport=transport) as http:
            health = http.get("/health")
            if health.status_code != 200:
                detail = health.json().get("neo4j", {}).get("uri") or settings.neo4j_uri
                raise ApiError(f"cannot reach Neo4j at {detail}: {health.json().get('detail')}")
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
