"""What the tests read straight from Neo4j, beside the API: counts and edges of the graph."""

from neo4j import Driver

import cypher


def counts(db: Driver) -> dict[str, int]:
    """How many PROV nodes, distinct node ids, relations and records there are."""
    records, _, _ = db.execute_query(cypher.load("testing/graph_counts"))
    found: dict[str, int] = records[0].data()
    return found


def all_edges(db: Driver) -> set[tuple[str, str, str]]:
    """Every relation between PROV nodes as (source id, type, target id)."""
    records, _, _ = db.execute_query(cypher.load("testing/all_edges"))
    return {(r["source"], r["type"], r["target"]) for r in records}
