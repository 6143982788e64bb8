"""Large imports in bounded memory: written, or a clear 413 with nothing written, and the
Neo4j process survives; writes get their own timeout, and one that runs out is rolled back."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from neo4j import Driver, GraphDatabase

import cypher
from service.local_neo4j import LocalNeo4j
from service.settings import Settings
from tests.conftest import Neo4jUnderTest, ServedApp
from tests.faults import wait_for_status
from tests.payloads import prov_json_document

PROV_JSON = {"content-type": "application/json"}
# A shared test machine may be slow: neither a timeout nor a slow ping is what is tested here.
SLOW_MACHINE = {"write_timeout_s": 900.0, "unavailable_after_s": 15.0}


def post_document(http: httpx.Client, records: int) -> tuple[httpx.Response, str]:
    prefix = f"big-{uuid.uuid4().hex[:8]}"
    body = json.dumps(prov_json_document(records, prefix))
    return http.post("/prov", content=body, headers=PROV_JSON, timeout=900), prefix


def nodes_of(db: Driver, prefix: str) -> int:
    rows, _, _ = db.execute_query(
        cypher.load("testing/nodes_under_iri"), iri=f"https://example.org/{prefix}/"
    )
    return int(rows[0]["nodes"])


def neo4j_pid(server: Neo4jUnderTest) -> int | None:
    """The test Neo4j's process id when the session launched it (else it is not ours)."""
    running = server.local.status() if server.local else None
    return running.pid if running else None


@contextmanager
def app_with(settings: Settings, **changes: object) -> Iterator[httpx.Client]:
    with ServedApp(settings.model_copy(update=changes)) as app:
        wait_for_status(f"{app.url}/health", 200, 300)  # its schema applied, on a slow machine
        with httpx.Client(base_url=app.url, timeout=900) as http:
            yield http


def test_documents_up_to_the_limit_are_written_and_one_over_it_is_refused_first(
    db: Driver, neo4j_server: Neo4jUnderTest, test_settings: Settings, clean_graph: None
) -> None:
    limit = test_settings.max_records
    pid = neo4j_pid(neo4j_server)
    with app_with(test_settings, **SLOW_MACHINE) as client:
        for records in (1_000, 10_000, 100_000, limit + 1):
            answer, prefix = post_document(client, records)
            if records <= limit:
                assert answer.status_code == 201, (records, answer.text[:500])
                written = answer.json()
                assert written["nodes"] + written["edges"] == records
                assert nodes_of(db, prefix) == written["nodes"]
                assert client.get(f"/records/{written['id']}").status_code == 200
            else:
                assert answer.status_code == 413, (records, answer.text[:500])
                detail = answer.json()["detail"]
                assert f"{records:,}" in detail and "PROVGRAPH_MAX_RECORDS" in detail, detail
                assert "split" in detail
                assert nodes_of(db, prefix) == 0, "nothing of a refused document is written"
            assert neo4j_pid(neo4j_server) == pid, f"Neo4j restarted after {records} records"
        assert client.get("/health").status_code == 200


def test_a_write_over_neo4j_transaction_memory_is_413_with_nothing_written(
    tmp_path: Path,
) -> None:
    # Its own Neo4j with a small transaction limit, so that an ordinary document meets it
    # the way a huge one meets the default limit; the API's own cap lifted.
    neo4j = LocalNeo4j(
        tmp_path / "data", Settings().cache_dir, bolt_port=0, auth=False, transaction_max="16m"
    )
    connection = neo4j.start()
    try:
        # The cap is set with app_with (model_copy): Settings(max_records=...) would be
        # ignored, as a field with an env alias takes only that alias as a keyword.
        settings = Settings(neo4j_uri=connection.uri)
        with (
            app_with(settings, **SLOW_MACHINE, max_records=10**6) as http,
            GraphDatabase.driver(connection.uri) as db,
        ):
            answer, prefix = post_document(http, 10_000)
            assert answer.status_code == 413, answer.text[:500]
            detail = answer.json()["detail"]
            assert "10,000 PROV records" in detail and "db.memory.transaction.max" in detail
            assert "nothing was written" in detail.lower() and "split" in detail, detail
            assert "PROVGRAPH_NEO4J_HEAP" in detail, detail
            assert nodes_of(db, prefix) == 0
            assert neo4j.status() == connection, "the same Neo4j process"
            small, _ = post_document(http, 100)
            assert small.status_code == 201, "smaller writes still go through"
    finally:
        neo4j.stop()


def test_writes_have_their_own_timeout_and_one_that_runs_out_is_rolled_back(
    test_settings: Settings, db: Driver, clean_graph: None
) -> None:
    # A read timeout far below what the write takes does not cut an admitted write.
    with app_with(test_settings, **{**SLOW_MACHINE, "query_timeout_s": 0.5}) as http:
        answer, prefix = post_document(http, 20_000)
        assert answer.status_code == 201, answer.text[:500]
        assert nodes_of(db, prefix) == answer.json()["nodes"]
    # A write timeout below it does, and the write is rolled back.
    with app_with(test_settings, **{**SLOW_MACHINE, "write_timeout_s": 0.5}) as http:
        answer, prefix = post_document(http, 20_000)
        assert answer.status_code == 504, answer.text[:500]
        detail = answer.json()["detail"]
        assert "rolled back" in detail and "nothing was written" in detail, detail
        assert "PROVGRAPH_WRITE_TIMEOUT" in detail
        assert nodes_of(db, prefix) == 0
