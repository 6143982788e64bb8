"""OpenLineage events -> PROV graphs, without a database."""

from __future__ import annotations

import itertools
import json

import pytest

from graph_model import ProvGraph
from service.errors import InvalidInput
from service.openlineage.mapping import (
    OL,
    dataset_id,
    event_graph,
    job_id,
    parse_event,
    run_event_graph,
    run_node_id,
    settle,
    unversioned_inputs,
    version_id,
)
from service.openlineage.models import DatasetEvent, JobEvent, RunEvent
from tests.openlineage_events import dataset, new_run_id, run_event

RUN = "0190f3c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f"  # a UUIDv7


def edges(graph: ProvGraph, type_: str) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in graph.edges if e.type == type_}


def test_kind_is_told_by_shape_whatever_the_schema_url() -> None:
    wrong = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent"
    run = run_event("START", RUN) | {"schemaURL": wrong}
    assert isinstance(parse_event(run), RunEvent)
    static = {"eventTime": "2026-11-01T10:00:00Z", "dataset": dataset("s3://b", "k")}
    assert isinstance(parse_event(static), DatasetEvent)
    job = {"eventTime": "2026-11-01T10:00:00Z", "job": {"namespace": "n", "name": "j"}}
    assert isinstance(parse_event(job), JobEvent)


def test_lenient_times_and_ids() -> None:
    event = run_event(None, RUN.upper(), time="2026-11-01T10:00:00.123456789")
    parsed = parse_event(event)
    assert isinstance(parsed, RunEvent)
    assert parsed.run.runId == RUN
    assert parsed.eventTime.isoformat() == "2026-11-01T10:00:00.123456+00:00"
    assert parse_event(run_event("COMPLETE", RUN, time="2026-11-01T12:00:00+02:00")).eventTime


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda e: e["run"].pop("runId"), ["body", "run", "runId"]),
        (lambda e: e["run"].update(runId="run-1"), ["body", "run", "runId"]),
        (lambda e: e["job"].pop("namespace"), ["body", "job", "namespace"]),
        (lambda e: e.pop("eventTime"), ["body", "eventTime"]),
        (lambda e: e.update(eventTime="yesterday"), ["body", "eventTime"]),
        (lambda e: e.update(eventTime="9999-12-31T23:00:00-05:00"), ["body", "eventTime"]),
        (lambda e: e["inputs"][0].pop("name"), ["body", "inputs", 0, "name"]),
        (lambda e: e["outputs"][0].update(namespace=""), ["body", "outputs", 0, "namespace"]),
    ],
)
def test_what_the_graph_needs_is_checked_naming_the_path(change, path) -> None:  # type: ignore[no-untyped-def]
    event = run_event(
        "START", RUN, inputs=[dataset("s3://b", "in")], outputs=[dataset("s3://b", "out")]
    )
    change(event)
    with pytest.raises(InvalidInput) as raised:
        parse_event(event)
    assert path in [error["loc"] for error in raised.value.detail]


def test_ids() -> None:
    assert dataset_id("s3://bucket", "raw/a.csv") == "s3://bucket/raw/a.csv"
    assert dataset_id("hdfs://nn:8020", "/user/a") == "hdfs://nn:8020/user/a"
    assert dataset_id("file://", "/tmp/a") == "file:///tmp/a"
    assert dataset_id("postgres://db:5432", "shop.public.orders") == (
        "postgres://db:5432/shop.public.orders"
    )
    assert job_id("a/b", "c") != job_id("a", "b/c")
    assert version_id("s3://b/k", "v1") == "openlineage/versions/s3%3A%2F%2Fb%2Fk/v1"


def test_run_job_producer_datasets_and_versions() -> None:
    event = parse_event(
        run_event(
            "COMPLETE",
            RUN,
            inputs=[
                dataset("s3://b", "in"),
                dataset("s3://b", "pinned", version={"datasetVersion": "7"}),
            ],
            outputs=[dataset("s3://b", "out", schema={"fields": [{"name": "a"}]})],
        )
    )
    assert isinstance(event, RunEvent)
    assert unversioned_inputs(event) == ["s3://b/in"]
    mapped = run_event_graph(event, {"s3://b/in": "openlineage/versions/x/1"})
    graph, run, job = mapped.graph, run_node_id(RUN), job_id("airflow", "etl.load")
    out_version = version_id("s3://b/out", f"run:{RUN}")
    assert mapped.run == run
    assert edges(graph, "USED") == {
        (run, job),
        (run, "openlineage/versions/x/1"),
        (run, version_id("s3://b/pinned", "7")),
    }
    assert edges(graph, "WAS_GENERATED_BY") == {(out_version, run)}
    assert (out_version, "s3://b/out") in edges(graph, "SPECIALIZATION_OF")
    association = next(e for e in graph.edges if e.type == "WAS_ASSOCIATED_WITH")
    assert association.target == event.producer
    assert graph.nodes[job].kind == "Plan"
    facets = [v for k, v in graph.nodes[out_version].attributes if k == OL["datasetFacet"]]
    assert [json.loads(v) for v in facets] == [{"schema": {"fields": [{"name": "a"}]}}]


def test_parent_column_lineage_ownership_and_malformed_facets() -> None:
    parent = new_run_id()
    lineage = {
        "fields": {
            "total": {
                "inputFields": [
                    {"namespace": "s3://b", "name": "in", "field": "price"},
                    {"namespace": "s3://b", "name": "in", "field": 5},  # malformed: skipped
                ]
            },
            "bad": "not an object",
        }
    }
    event = run_event(
        "START",
        RUN,
        inputs=[dataset("s3://b", "in")],
        outputs=[dataset("s3://b", "out", columnLineage=lineage)],
        run_facets={
            "parent": {"run": {"runId": parent}, "job": {"namespace": "airflow", "name": "etl"}},
            "spark.logicalPlan": {"plan": [1, 2]},
        },
        job_facets={"ownership": {"owners": [{"name": "team:data"}]}, "sql": "not an object"},
    )
    graph = event_graph(parse_event(event)).graph
    run = run_node_id(RUN)
    assert edges(graph, "WAS_INFORMED_BY") == {(run, run_node_id(parent))}
    out_field = "openlineage/fields/s3%3A%2F%2Fb%2Fout/total"
    in_field = "openlineage/fields/s3%3A%2F%2Fb%2Fin/price"
    assert edges(graph, "WAS_DERIVED_FROM") == {(out_field, in_field)}
    assert ("s3://b/out", out_field) in edges(graph, "HAD_MEMBER")
    assert (run, "openlineage/owners/team%3Adata") in edges(graph, "WAS_ASSOCIATED_WITH")
    kept = {
        v for k, v in graph.nodes[job_id("airflow", "etl.load")].attributes if k == OL["jobFacet"]
    }
    assert json.dumps({"sql": "not an object"}) in {json.dumps(json.loads(v)) for v in kept}
    run_facets = [json.loads(v) for k, v in graph.nodes[run].attributes if k == OL["runFacet"]]
    assert {"spark.logicalPlan": {"plan": [1, 2]}} in run_facets


def test_a_run_that_uses_and_generates_one_version_is_refused() -> None:
    same = dataset("s3://b", "t", version={"datasetVersion": "3"})
    with pytest.raises(InvalidInput):
        event_graph(parse_event(run_event("COMPLETE", RUN, inputs=[same], outputs=[same])))


@pytest.mark.parametrize(
    ("events", "state", "start", "end"),
    [
        ([("START", 1.0), ("COMPLETE", 5.0)], "COMPLETE", 1.0, 5.0),
        ([("START", 1.0), ("RUNNING", 3.0)], "RUNNING", 1.0, None),
        ([("START", 1.0), ("FAIL", 4.0), ("OTHER", 9.0)], "FAIL", 1.0, 4.0),
        ([("COMPLETE", 5.0), ("COMPLETE", 3.0)], "COMPLETE", 3.0, 5.0),  # later end wins
        ([("START", 1.0), ("COMPLETE", 5.0), ("FAIL", 5.0)], "FAIL", 1.0, 5.0),
        ([("bogus", 2.0)], "OTHER", 2.0, None),
    ],
)
def test_settled_state_in_any_order(events, state, start, end) -> None:  # type: ignore[no-untyped-def]
    for order in itertools.permutations(events):
        settled = settle(order)
        assert (settled.state, settled.start_time, settled.end_time) == (state, start, end)
