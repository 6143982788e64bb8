"""`GET /metrics` (Prometheus text) and JSON logs with request ids, on the real app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from service.local_neo4j import free_port
from tests.conftest import ServedApp
from tests.openlineage_events import new_run_id, run_event
from tests.payloads import model_run, prov_json_document, seed_code_run

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: httpx.Client) -> Samples:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counters_move_with_requests(client: httpx.Client) -> None:
    before = scrape(client)
    assert value(before, "provgraph_neo4j_available") == 1.0

    registered = client.post("/model_run/register", json=model_run("metrics-1"))
    assert registered.status_code == 200, registered.text
    run_id = registered.json()["record_info"]["id"]
    batch = client.post(
        "/model_run/register_batch",
        json={"records": [model_run("metrics-2"), model_run("metrics-3")]},
    )
    assert batch.status_code == 200 and batch.json()["status"]["success"], batch.text
    code_run = seed_code_run() | {"uuid": "6a4bd6c2-8a43-4a2b-9d8c-0e9e2c7c5e11"}
    assert client.post("/api/code_run/", json=code_run).status_code == 201
    assert client.post("/api/code_run/", json=code_run).status_code == 200  # a replay
    document = prov_json_document(4, prefix="metrics")
    assert client.post("/prov", json=document).status_code == 201
    event = run_event("COMPLETE", new_run_id())
    assert client.post("/api/v1/lineage", json=event).status_code == 201
    exported = client.get("/prov", params={"id": run_id, "scope": "record"})
    assert exported.status_code == 200
    assert client.get(f"/records/{run_id}").status_code == 200
    assert client.get("/records/no-such-record").status_code == 404
    assert client.get("/no/such/path").status_code == 404

    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "provgraph_http_requests_total"
    assert moved(requests, method="POST", route="/model_run/register", status="200") == 1
    assert moved(requests, method="POST", route="/api/code_run/", status="201") == 1
    assert moved(requests, method="POST", route="/api/code_run/", status="200") == 1
    # Labelled by route template, not by the id asked for.
    assert moved(requests, method="GET", route="/records/{record_id:path}", status="200") == 1
    assert moved(requests, method="GET", route="/records/{record_id:path}", status="404") == 1
    assert moved(requests, method="GET", route="<unmatched>", status="404") == 1
    assert not any(run_id in str(labels) for _, labels in after)
    latency = "provgraph_http_request_duration_seconds_count"
    assert moved(latency, method="POST", route="/model_run/register", status="200") == 1
    assert (
        moved(
            "provgraph_http_request_duration_seconds_bucket",
            method="POST",
            route="/model_run/register",
            status="200",
            le="+Inf",
        )
        == 1
    )
    written = "provgraph_records_written_total"
    assert moved(written, dialect="model_run") == 3
    assert moved(written, dialect="code_run") == 1  # the replay wrote nothing
    assert moved(written, dialect="prov_document") == 1
    assert moved(written, dialect="openlineage_event") == 1
    assert moved("provgraph_export_bytes_total", route="/prov") == len(exported.content)
    assert moved("provgraph_neo4j_transaction_seconds_count", mode="write", outcome="ok") >= 5
    assert moved("provgraph_neo4j_transaction_seconds_count", mode="read", outcome="ok") >= 1


def test_request_id_is_taken_or_minted(client: httpx.Client) -> None:
    given = client.get("/health", headers={"X-Request-ID": "trace-42"})
    assert given.headers["x-request-id"] == "trace-42"
    minted = {client.get("/health").headers["x-request-id"] for _ in range(2)}
    assert len(minted) == 2 and all(len(r) == 32 for r in minted)
    # A header that is no sane id (too long) is replaced, not echoed.
    replaced = client.get("/", headers={"X-Request-ID": "x" * 200})
    assert replaced.headers["x-request-id"] != "x" * 200


def test_json_logs_one_object_a_line_with_request_ids(
    test_settings: object, served_app: ServedApp, tmp_path: Path
) -> None:
    """`provgraph serve` as a real process with PROVGRAPH_LOG_FORMAT=json, on the test
    Neo4j: every line it logs is one JSON object, and the lines of a request carry its id."""
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": test_settings.neo4j_uri,  # type: ignore[attr-defined]
        "PROVGRAPH_LOG_FORMAT": "json",
        "PROVGRAPH_PORT": str(port),
    }
    env.pop("NEO4J_PASSWORD", None)
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve"],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.5)
            answer = httpx.get(f"{url}/records/missing", headers={"X-Request-ID": "req-json-1"})
            assert answer.status_code == 404
            assert answer.headers["x-request-id"] == "req-json-1"
        finally:
            process.terminate()
            process.wait(timeout=60)
    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    assert lines
    parsed = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in parsed)
    tagged = [entry for entry in parsed if entry.get("request_id") == "req-json-1"]
    assert tagged, lines
    assert any("/records/missing" in entry["message"] for entry in tagged)
