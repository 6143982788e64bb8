"""The FastAPI application factory: one store per process, errors as `{"detail": ...}`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import errors
from service.auth import READ_ACCESS, load_tokens
from service.errors import BodyTooLarge, error_response
from service.fairdp import registry_routes as fairdp_registry_routes
from service.fairdp import routes as fairdp_routes
from service.json_bodies import JsonBodyCheck
from service.lineage import routes as lineage_routes
from service.links import trusted_networks
from service.nodes import routes as node_routes
from service.openlineage import routes as openlineage_routes
from service.ops import metrics
from service.ops.logs import RequestId, use_json_logs
from service.prov import routes as prov_routes
from service.provena import routes as provena_routes
from service.records import routes as record_routes
from service.routes import health
from service.runs import routes as run_routes
from service.settings import Settings
from service.store import Store
from service.supervision import RestartFlag
from service.ui import mount as mount_ui

DESCRIPTION = """
W3C PROV lineage service on Neo4j. Provena-compatible paths sit at the root, FAIR Data
Pipeline-compatible paths under `/api/`, native ones under `/lineage`, `/prov`, `/runs`,
`/records` and `/nodes`. Every error is JSON `{"detail": ...}`. A lineage explorer for people
is at [/ui/](/ui/).
"""


class BodyLimit:
    """Answer 413 as soon as a request body passes the limit, without reading the rest."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        await error_response(BodyTooLarge(self.max_bytes))(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    tokens = load_tokens(settings)  # a bad token line stops the start, not the first request
    trusted_networks(settings.trusted_proxies)  # so does a bad trusted proxy address

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.log_format == "json":
            use_json_logs()  # here, as uvicorn has set up its loggers by now
        if tokens.open:
            logging.getLogger("provgraph").warning(
                "No PROVGRAPH_TOKENS or PROVGRAPH_TOKENS_FILE: open mode, every caller is "
                "'anonymous' with the admin role."
            )
        store = Store(settings)
        await store.open()
        app.state.store = store
        try:
            yield
        finally:
            await store.close()

    # /docs and /redoc with Swagger UI and ReDoc served by the app itself (under
    # /static-offline-docs), so they work on machines without internet.
    app = FastAPIOffline(
        title="provgraph",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.tokens = tokens
    if settings.restart_flag:  # a worker of `provgraph serve --workers N`
        app.state.supervisor = RestartFlag(settings.restart_flag)

    errors.install(app)

    app.include_router(health.router)
    app.include_router(metrics.router)
    # Every router that touches data needs `dependencies=READ_ACCESS` (tests/unit/test_auth.py
    # checks); its writing routes take `WriterDep` on top.
    app.include_router(provena_routes.router, dependencies=READ_ACCESS)
    app.include_router(record_routes.router, dependencies=READ_ACCESS)
    app.include_router(fairdp_routes.router, dependencies=READ_ACCESS)
    app.include_router(fairdp_registry_routes.router, dependencies=READ_ACCESS)
    app.include_router(run_routes.router, dependencies=READ_ACCESS)
    app.include_router(lineage_routes.explore_router, dependencies=READ_ACCESS)
    app.include_router(lineage_routes.lineage_router, dependencies=READ_ACCESS)
    app.include_router(prov_routes.router, dependencies=READ_ACCESS)
    app.include_router(openlineage_routes.router, dependencies=READ_ACCESS)
    app.include_router(node_routes.router, dependencies=READ_ACCESS)
    mount_ui(app)
    app.add_middleware(JsonBodyCheck)  # inside BodyLimit: it never reads past the limit
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestId)
    app.add_middleware(metrics.RequestMetrics, root=app)  # outermost: counts every answer
    return app
