"""What the writer sends Neo4j for a batch: one node row per id with every record asserting
it, one relation row per relation, and the clashes inside a batch caught before Neo4j."""

import asyncio

import pytest

from graph_model import ACTIVITY, AGENT, ENTITY, PROV, Edge, Node, ProvGraph, Relation
from prov_export.values import decode_attributes, encode_attributes
from service.errors import Conflict
from service.records.repository import (
    GraphRows,
    RecordToWrite,
    check_unique_generation,
    edge_rows,
    node_writes,
)


def record(record_id: str, *nodes: Node, edges: tuple[Edge, ...] = ()) -> RecordToWrite:
    graph = ProvGraph()
    for node in nodes:
        graph.add_node(node)
    for edge in edges:
        graph.add_edge(edge)
    return RecordToWrite(record_id, "model_run", graph, "{}", "tester")


def test_a_node_named_by_two_records_is_one_row_asserted_by_both() -> None:
    first = record("r1", Node("d", (ENTITY,), "Dataset", label="first"), Node("a", (AGENT,)))
    second = record("r2", Node("d", (ENTITY, AGENT), None, label="second"))
    writes = node_writes([first, second])
    assert [write.id for write in writes] == ["a", "d"]  # one lock order: by id
    row = writes[1].row(1)
    assert row["classes"] == ["Agent", "Entity"]
    assert (row["kind"], row["label"]) == ("Dataset", "first")
    assert [said["record"] for said in row["asserts"]] == ["r1", "r2"]
    assert [said["classes"] for said in row["asserts"]] == [["Entity"], ["Entity", "Agent"]]


def test_two_records_giving_one_id_two_meanings_conflict_before_neo4j() -> None:
    first = record("r1", Node("x", (ENTITY,), "Dataset"))
    second = record("r2", Node("x", (ACTIVITY,), "ModelRun"))
    with pytest.raises(Conflict) as raised:
        node_writes([first, second])
    assert "'x'" in raised.value.detail and "'r1'" in raised.value.detail
    assert "'r2'" in raised.value.detail


def test_one_relation_asserted_by_two_records_is_one_row() -> None:
    used = Edge(Relation.USED, "run", "d")
    keyed = Edge(Relation.ACTED_ON_BEHALF_OF, "m", "o", key="run-2")
    rows = edge_rows(
        [record("r1", edges=(used,)), record("r2", edges=(Edge(Relation.USED, "run", "d"), keyed))]
    )
    assert [(row["type"], row["records"]) for row in rows] == [
        ("USED", ["r1", "r2"]),
        ("ACTED_ON_BEHALF_OF", ["r2"]),
    ]
    assert [row["i"] for row in rows] == [0, 1]


def test_relations_reusing_an_id_with_other_keys_stay_two_rows() -> None:
    # Imported documents key a relation by its id and its content (prov_export.document).
    one = Edge(Relation.USED, "a", "e", key="ex:u1 sha256:1", relation_id="ex:u1")
    other = Edge(Relation.USED, "a", "e", key="ex:u1 sha256:2", relation_id="ex:u1")
    rows = edge_rows([record("doc1", edges=(one,)), record("doc2", edges=(other,))])
    assert [row["records"] for row in rows] == [["doc1"], ["doc2"]]


def generating(record_id: str, kind: str, activity: str) -> RecordToWrite:
    written = record(
        record_id,
        Node("out", (ENTITY,), "Dataset"),
        Node(activity, (ACTIVITY,)),
        edges=(Edge(Relation.WAS_GENERATED_BY, "out", activity),),
    )
    written.kind = kind
    return written


def check_new(batch: list[RecordToWrite]) -> None:
    """Unique generation where every generated entity is new to the write: nothing to look
    up in Neo4j, so no transaction is needed."""
    asyncio.run(check_unique_generation(None, batch, edge_rows(batch), created={"out"}))  # type: ignore[arg-type]


def test_a_new_entity_generated_twice_in_one_batch_conflicts_without_neo4j() -> None:
    batch = [generating("r1", "model_run", "run-a"), generating("r2", "model_run", "run-b")]
    with pytest.raises(Conflict) as raised:
        check_new(batch)
    assert "in this request (['run-a', 'run-b'])" in raised.value.detail


def test_imported_documents_may_generate_a_new_entity_twice() -> None:
    check_new([generating("d1", "prov_document", "a1"), generating("d2", "prov_document", "a2")])


def test_only_sources_of_relations_that_may_be_looked_up_are_locked() -> None:
    # A run's output is the source of its generation: locked, so two writers cannot both
    # generate it. The modeller, source only of a relation keyed by the run itself, and the
    # input, a target, are written only if the run changes them (merge_nodes).
    run = record(
        "run-1",
        Node("run-1", (ACTIVITY,)),
        Node("in", (ENTITY,)),
        Node("out", (ENTITY,)),
        Node("modeller", (AGENT,)),
        Node("org", (AGENT,)),
        edges=(
            Edge(Relation.USED, "run-1", "in"),
            Edge(Relation.WAS_GENERATED_BY, "out", "run-1"),
            Edge(Relation.ACTED_ON_BEHALF_OF, "modeller", "org", key="run-1"),
        ),
    )
    rows = GraphRows.of([run])
    locked = {row["id"] for row in rows.nodes if row["lock"]}
    assert locked == {"run-1", "out"}


def test_what_a_record_says_is_sent_once_when_it_is_the_rows_own() -> None:
    # merge_nodes stores the row's attributes on an ASSERTS link that is sent without any.
    first = [(PROV["label"], "a")]
    alone = node_writes([record("r1", Node("d", (ENTITY,), attributes=first))])[0].row(0)
    assert alone["asserts"][0]["attrs"] is None and alone["attrs"] is not None
    same = record("r2", Node("d", (ENTITY,), attributes=first))
    other = record("r3", Node("d", (ENTITY,), attributes=[(PROV["label"], "b")]))
    row = node_writes([same, other])[0].row(0)
    assert [said["attrs"] for said in row["asserts"]] == [
        encode_attributes(first),
        encode_attributes([(PROV["label"], "b")]),
    ]
    assert decode_attributes(row["attrs"]) == [(PROV["label"], "a"), (PROV["label"], "b")]
