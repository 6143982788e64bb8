"""What the fault tests share: a killed local Neo4j brought back, and the checks after it."""

from __future__ import annotations

import time

import httpx
from neo4j import GraphDatabase

import cypher
from service.local_neo4j import LocalNeo4j

NODES_PER_RUN, EDGES_PER_RUN = 7, 8  # model_run(n): run, template, 2 datasets, 2 agents, study


def bolt_port(uri: str) -> int:
    return int(uri.rsplit(":", 1)[1])


def restart(neo4j: LocalNeo4j, port: int) -> LocalNeo4j:
    """Reap a killed instance and start a new one on the same data folder and port, so the
    API's driver, which keeps the URI it was given, finds it again without a restart."""
    neo4j.stop()
    again = LocalNeo4j(
        neo4j.data_dir,
        neo4j.cache_dir,
        bolt_port=port,
        auth=neo4j.auth,
        heap=neo4j.heap,
        pagecache=neo4j.pagecache,
    )
    again.start()
    return again


def wait_for_status(url: str, status: int, within_s: float) -> float:
    """Seconds until GET `url` answers `status`; an AssertionError after `within_s`."""
    started = time.monotonic()
    while time.monotonic() - started < within_s:
        try:
            if httpx.get(url, timeout=within_s).status_code == status:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer {status} within {within_s} s")


def whole_records(uri: str) -> set[str]:
    """The ids of the records in the database, after checking that each one is whole (all
    nodes and relations of a Provena run) and that no node is left without a record."""
    with GraphDatabase.driver(uri) as driver:
        rows, _, _ = driver.execute_query(cypher.load("testing/record_completeness"))
        orphans, _, _ = driver.execute_query(cypher.load("testing/orphan_nodes"))
    whole = (NODES_PER_RUN, EDGES_PER_RUN)
    partial = [dict(row) for row in rows if (row["nodes"], row["edges"]) != whole]
    assert not partial, f"records not whole: {partial[:5]} ({len(partial)} in all)"
    assert orphans[0]["orphans"] == 0, f"{orphans[0]['orphans']} nodes no record asserts"
    return {row["record"] for row in rows}
