"""The writer's statements plan without Eager: each row streams from the UNWIND to the
write, as in a bare driver's `UNWIND … CREATE` (an Eager operator would hold every row of
the batch in memory first, and it made the old relation upsert several times slower)."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

import cypher

# The statements a batch sends with a row per node or relation. Not here: merge_nodes, which
# returns rows from a writing statement (Neo4j 5.26 puts an Eager before the results of any
# such statement) and reads each node's state in the statement that MERGEs it (more Eagers);
# upsert_edges, which reads relations and writes them in one statement, for the few relations
# that may be there already; the one-row statements.
WRITES = ["records/create_edges"]


def operators(plan: dict[str, Any]) -> list[str]:
    """Every operator of a plan, without the `@neo4j` database suffix."""
    children = plan.get("children", [])
    return [plan["operatorType"].split("@")[0], *(op for c in children for op in operators(c))]


@pytest.mark.parametrize("statement", WRITES)
def test_write_statement_plans_without_eager(db: Driver, statement: str) -> None:
    parameters = {"records": [], "nodes": [], "edges": [], "rows": [], "name": "n", "id": "r"}
    summary = db.execute_query(f"EXPLAIN {cypher.load(statement)}", parameters).summary
    assert summary.plan is not None
    found = operators(summary.plan)
    assert not [op for op in found if op.startswith("Eager")], found


def test_code_run_listing_collects_no_matches(db: Driver) -> None:
    # The page is read in the index's order and stops at the page size; the count counts.
    parameters = {"input": None, "output": None, "run_date": None, "before": 10, "limit": 5}
    summary = db.execute_query(
        f"EXPLAIN {cypher.load('records/list_code_runs')}", parameters
    ).summary
    assert summary.plan is not None
    found = operators(summary.plan)
    assert not [op for op in found if "LabelScan" in op or op in ("Sort", "Top")], found
