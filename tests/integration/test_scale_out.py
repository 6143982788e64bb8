"""Scale-out on one machine: two API processes on one Neo4j answer alike, one of them
through a `neo4j://` routing URI (how a cluster or Aura is reached)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from service.local_neo4j import free_port
from tests.conftest import Neo4jUnderTest
from tests.payloads import model_run, seed_code_run

PUBLIC = "https://lineage.example.org/"  # every replica writes links under one base


@contextmanager
def api_process(uri: str, server: Neo4jUnderTest, log: Path) -> Iterator[str]:
    """`provgraph serve` as its own process on `uri`; its URL while it runs."""
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": uri,
        "NEO4J_USER": server.user,
        "PROVGRAPH_PORT": str(port),
        "PROVGRAPH_PUBLIC_URL": PUBLIC,
    }
    env.pop("NEO4J_PASSWORD", None)
    if server.password:
        env["NEO4J_PASSWORD"] = server.password
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve"], env=env, stdout=out, stderr=out
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=60)


@pytest.fixture()
def two_apis(
    neo4j_server: Neo4jUnderTest, clean_graph: None, tmp_path: Path
) -> Iterator[list[httpx.Client]]:
    routing = neo4j_server.uri.replace("bolt://", "neo4j://", 1)
    assert routing.startswith("neo4j://")
    with ExitStack() as stack:
        urls = [
            stack.enter_context(api_process(neo4j_server.uri, neo4j_server, tmp_path / "a.log")),
            stack.enter_context(api_process(routing, neo4j_server, tmp_path / "b.log")),
        ]
        clients = [stack.enter_context(httpx.Client(base_url=u, timeout=120)) for u in urls]
        yield clients


def test_two_processes_one_neo4j_same_answers(two_apis: list[httpx.Client]) -> None:
    bolt, routing = two_apis
    assert routing.get("/health").json()["neo4j"]["uri"].startswith("neo4j://")
    run_ids = []
    code_runs = []
    for n in range(6):  # alternating writers
        writer = two_apis[n % 2]
        answer = writer.post("/model_run/register", json=model_run(f"scale-{n}"))
        assert answer.status_code == 200, answer.text
        run_ids.append(answer.json()["record_info"]["id"])
        code_run = seed_code_run() | {
            "uuid": f"00000000-0000-4000-9000-{n:012d}",
            "outputs": [f"https://example.org/scale/out-{n}"],
        }
        created = writer.post("/api/code_run/", json=code_run)
        assert created.status_code == 201, created.text
        code_runs.append(created.json()["url"])
    # A code run's integer id comes from the one graph, whichever process wrote it.
    assert len(set(code_runs)) == 6
    # The same request to either process gets the same answer.
    reads: list[tuple[str, dict[str, str | int]]] = [
        ("/runs", {"limit": 100}),
        ("/api/code_run/", {"page_size": 100}),
        ("/lineage", {"id": "10378.1/output-scale-3", "direction": "upstream", "depth": 4}),
        ("/explore/upstream", {"starting_id": "10378.1/output-scale-4", "depth": 3}),
        ("/prov", {"id": run_ids[1], "scope": "record"}),
        ("/prov", {"scope": "all", "format": "provn"}),
        *((f"/records/{run_id}", {}) for run_id in run_ids),
    ]
    for path, params in reads:
        answers = [api.get(path, params=params) for api in (bolt, routing, routing, bolt)]
        assert {a.status_code for a in answers} == {200}, (path, answers[0].text)
        assert len({a.content for a in answers}) == 1, path
    # An idempotent replay sent to the other process is recognised there too.
    key = {"Idempotency-Key": "scale-out-replay"}
    first = bolt.post("/model_run/register", json=model_run("replay"), headers=key)
    again = routing.post("/model_run/register", json=model_run("replay"), headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["record_info"]["id"] == first.json()["record_info"]["id"]
