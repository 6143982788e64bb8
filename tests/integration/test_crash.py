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
from tests.faults import bolt_port, restart, whole_records
from tests.payloads import model_run


def test_kill_mid_batch_leaves_only_whole_records(tmp_path: Path) -> None:
    settings = Settings()
    neo4j = LocalNeo4j(tmp_path / "data", settings.cache_dir, bolt_port=0, auth=False)
    connection = neo4j.start()
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

        neo4j = restart(neo4j, bolt_port(connection.uri))
        assert 0 < len(whole_records(connection.uri)) < len(records)
    finally:
        neo4j.stop()
