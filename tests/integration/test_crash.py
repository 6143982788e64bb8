"""Neo4j killed in the middle of a batch: after a restart no record is half-written."""

import os
import signal
import threading
import time
from pathlib import Path

import httpx
from neo4j import GraphDatabase

import cypher
from service.local_neo4j import LocalNeo4j
from service.settings import Settings
from tests.conftest import ServedApp
from tests.payloads import model_run

NODES_PER_RUN, EDGES_PER_RUN = 7, 8  # model_run(n): run, template, 2 datasets, 2 agents, study


def test_kill_mid_batch_leaves_only_whole_records(tmp_path: Path) -> None:
    settings = Settings()
    neo4j = LocalNeo4j(tmp_path / "data", settings.cache_dir, bolt_port=0, auth=False)
    connection = neo4j.start()
    port = int(connection.uri.rsplit(":", 1)[1])
    try:
        with ServedApp(Settings(neo4j_uri=connection.uri)) as app:
            records = [model_run(n) for n in range(8000)]
            outcome: dict[str, object] = {}

            def send_batch() -> None:
                try:
                    outcome["status"] = httpx.post(
                        f"{app.url}/model_run/register_batch",
                        json={"records": records},
                        timeout=300,
                    ).status_code
                except httpx.HTTPError as error:
                    outcome["error"] = error

            sender = threading.Thread(target=send_batch)
            sender.start()
            committed = 0
            with GraphDatabase.driver(connection.uri) as driver:
                deadline = time.monotonic() + 600
                while not committed and time.monotonic() < deadline and sender.is_alive():
                    rows, _, _ = driver.execute_query(cypher.load("testing/graph_counts"))
                    committed = rows[0]["records"]
                    time.sleep(0.02)
            os.kill(connection.pid, signal.SIGKILL)
            assert 0 < committed < len(records), f"the kill must land mid-batch: {outcome}"
            sender.join(timeout=120)
            assert outcome.get("status") in (None, 503), outcome  # never a 2xx or a 500

        neo4j.stop()
        neo4j = LocalNeo4j(tmp_path / "data", settings.cache_dir, bolt_port=port, auth=False)
        neo4j.start()
        with GraphDatabase.driver(connection.uri) as driver:
            rows, _, _ = driver.execute_query(cypher.load("testing/record_completeness"))
            orphans, _, _ = driver.execute_query(cypher.load("testing/orphan_nodes"))
        assert 0 < len(rows) < len(records)
        assert {(r["nodes"], r["edges"]) for r in rows} == {(NODES_PER_RUN, EDGES_PER_RUN)}
        assert orphans[0]["orphans"] == 0
    finally:
        neo4j.stop()
