"""OpenLineage in, on the real app and Neo4j: the real `openlineage-python` client (HTTP
transport, api_key auth) emits; the graph is checked through `/lineage`, `/prov` (parsed
back with `prov`) and the Marquez-shaped reads."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from neo4j import Driver
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import (
    DatasetEvent,
    InputDataset,
    Job,
    JobEvent,
    OutputDataset,
    Run,
    RunEvent,
    RunState,
    StaticDataset,
)
from openlineage.client.facet_v2 import (
    column_lineage_dataset,
    documentation_dataset,
    ownership_job,
    parent_run,
    schema_dataset,
)
from openlineage.client.transport.http import (
    ApiKeyTokenProvider,
    HttpCompression,
    HttpConfig,
    HttpTransport,
)
from prov.constants import PROV_ATTR_ENDTIME, PROV_ATTR_STARTTIME
from prov.model import ProvActivity, ProvDocument

import cypher
from prov_export.document import documents_equal
from prov_export.formats import get_format
from prov_export.ids import IdPolicy
from service.openlineage.mapping import OL, dataset_id, field_id, job_id, run_node_id
from service.settings import Settings
from tests.conftest import ServedApp
from tests.openlineage_events import dataset, new_run_id, run_event
from tests.payloads import model_run, seed_code_run

WRITER, ADMIN = "ol-writer-key", "ol-admin-key"
PRODUCER = "https://example.org/pipelines/nightly"
POLICY = IdPolicy()


@pytest.fixture(scope="module")
def secured_app(test_settings: Settings) -> Iterator[ServedApp]:
    tokens = f"pipeline:write:{WRITER},boss:admin:{ADMIN}"
    with ServedApp(test_settings.model_copy(update={"tokens": tokens})) as app:
        yield app


@pytest.fixture()
def api(secured_app: ServedApp, clean_graph: None) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {ADMIN}"}
    with httpx.Client(base_url=secured_app.url, timeout=120, headers=headers) as http:
        yield http


def emitter(app: ServedApp, gzipped: bool = False) -> OpenLineageClient:
    """The OpenLineage client as a pipeline configures it: HTTP transport, api_key auth."""
    config = HttpConfig(
        url=app.url,
        auth=ApiKeyTokenProvider({"apiKey": WRITER}),
        compression=HttpCompression.GZIP if gzipped else None,
        # The client's default of 5 s is too short on a loaded 2-core machine; a timed-out
        # event would be sent again and still be written after the test moved on.
        timeout=120,
    )
    return OpenLineageClient(transport=HttpTransport(config))


@pytest.fixture()
def ol(secured_app: ServedApp, api: httpx.Client) -> OpenLineageClient:
    return emitter(secured_app)


def lineage(api: httpx.Client, node: str, direction: str = "upstream") -> dict[str, Any]:
    response = api.get("/lineage", params={"id": node, "direction": direction})
    assert response.status_code == 200, response.text
    return dict(response.json())


def node_ids(answer: dict[str, Any]) -> set[str]:
    return {node["id"] for node in answer["nodes"]}


def prov(api: httpx.Client, **params: Any) -> ProvDocument:
    response = api.get("/prov", params={"format": "json", **params})
    assert response.status_code == 200, response.text
    return get_format("json").parse(response.text)


def activity(document: ProvDocument, node: str) -> ProvActivity:
    found = document.get_record(POLICY.qualified_name(node))
    assert found, f"{node} is not in the document"
    record = found[0]
    assert isinstance(record, ProvActivity)
    return record


def values(record: Any, name: str) -> set[Any]:
    return {value for key, value in record.attributes if key.uri == OL[name].uri}


def t(hour: int, day: int = 1) -> str:
    return f"2026-11-{day:02d}T{hour:02d}:00:00.000Z"


def run_ev(
    state: RunState,
    time: str,
    run: Run,
    job: Job,
    inputs: list[InputDataset] | None = None,
    outputs: list[OutputDataset] | None = None,
) -> RunEvent:
    return RunEvent(
        eventType=state,
        eventTime=time,
        run=run,
        job=job,
        producer=PRODUCER,
        inputs=inputs or [],
        outputs=outputs or [],
    )


def two_in_two_out() -> tuple[list[InputDataset], list[OutputDataset]]:
    schema = schema_dataset.SchemaDatasetFacet(
        fields=[schema_dataset.SchemaDatasetFacetFields(name="id", type="BIGINT")]
    )
    inputs = [
        InputDataset("s3://landing", "orders/2026-11-01.csv"),
        InputDataset("postgres://crm:5432", "crm.public.customers"),
    ]
    outputs = [
        OutputDataset("postgres://dw:5432", "dw.public.orders", facets={"schema": schema}),
        OutputDataset("postgres://dw:5432", "dw.public.customers"),
    ]
    return inputs, outputs


def test_start_and_complete_with_two_inputs_and_two_outputs(
    ol: OpenLineageClient, api: httpx.Client
) -> None:
    run_id, job = new_run_id(), Job("airflow", "nightly.load_orders")
    inputs, outputs = two_in_two_out()
    for state, hour in ((RunState.START, 1), (RunState.COMPLETE, 2)):
        ol.emit(run_ev(state, t(hour), Run(run_id), job, inputs, outputs))

    run = run_node_id(run_id)
    orders = dataset_id("postgres://dw:5432", "dw.public.orders")
    upstream = lineage(api, orders)
    found = node_ids(upstream)
    assert {run, job_id("airflow", "nightly.load_orders")} <= found
    assert {"s3://landing/orders/2026-11-01.csv", "postgres://crm:5432/crm.public.customers"} <= (
        found
    )
    versions = [n for n in upstream["nodes"] if n["kind"] == "DatasetVersion"]
    assert len(versions) == 1  # START and COMPLETE wrote one version
    assert {"source": versions[0]["id"], "target": run, "type": "wasGeneratedBy"} in [
        {k: e[k] for k in ("source", "target", "type")} for e in upstream["edges"]
    ]

    document = prov(api, id=orders, scope="upstream")
    exported = activity(document, run)
    assert exported.get_attribute(PROV_ATTR_STARTTIME) == {_dt("2026-11-01T01:00:00+00:00")}
    assert exported.get_attribute(PROV_ATTR_ENDTIME) == {_dt("2026-11-01T02:00:00+00:00")}
    assert values(exported, "state") == {"COMPLETE"}
    associations = [r for r in document.get_records() if r.get_type().localpart == "Association"]
    assert any(str(r.formal_attributes[1][1].uri) == PRODUCER for r in associations)

    # Marquez-shaped reads.
    namespaces = {n["name"] for n in api.get("/api/v1/namespaces").json()["namespaces"]}
    assert {"airflow", "s3://landing", "postgres://crm:5432", "postgres://dw:5432"} <= namespaces
    jobs = api.get("/api/v1/namespaces/airflow/jobs").json()
    assert jobs["totalCount"] == 1
    listed = jobs["jobs"][0]
    assert listed["id"] == {"namespace": "airflow", "name": "nightly.load_orders"}
    assert {(d["namespace"], d["name"]) for d in listed["inputs"]} == {
        ("s3://landing", "orders/2026-11-01.csv"),
        ("postgres://crm:5432", "crm.public.customers"),
    }
    assert len(listed["outputs"]) == 2
    assert listed["latestRun"]["id"] == run_id
    assert listed["latestRun"]["state"] == "COMPLETED"
    runs = api.get("/api/v1/namespaces/airflow/jobs/nightly.load_orders/runs").json()
    assert runs["totalCount"] == 1
    assert runs["runs"][0]["durationMs"] == 3_600_000
    assert len(runs["runs"][0]["outputDatasetVersions"]) == 2
    datasets = api.get("/api/v1/namespaces/postgres:%2F%2Fdw:5432/datasets").json()
    assert datasets["totalCount"] == 2
    shown = {d["name"]: d for d in datasets["datasets"]}
    assert shown["dw.public.orders"]["fields"][0]["name"] == "id"
    assert shown["dw.public.orders"]["facets"]["schema"]["fields"][0]["type"] == "BIGINT"
    graph = api.get(
        "/api/v1/lineage", params={"nodeId": "dataset:postgres://dw:5432:dw.public.orders"}
    ).json()["graph"]
    by_id = {node["id"]: node for node in graph}
    job_node = by_id["job:airflow:nightly.load_orders"]
    assert job_node["type"] == "JOB"
    assert len(job_node["inEdges"]) == 2 and len(job_node["outEdges"]) == 2
    assert by_id["dataset:s3://landing:orders/2026-11-01.csv"]["outEdges"] == [
        {
            "origin": "dataset:s3://landing:orders/2026-11-01.csv",
            "destination": "job:airflow:nightly.load_orders",
        }
    ]


def _dt(text: str) -> Any:
    import datetime

    return datetime.datetime.fromisoformat(text)


def test_a_failed_run(ol: OpenLineageClient, api: httpx.Client) -> None:
    run_id, job = new_run_id(), Job("airflow", "nightly.flaky")
    ol.emit(run_ev(RunState.START, t(1), Run(run_id), job))
    ol.emit(run_ev(RunState.FAIL, t(3), Run(run_id), job))
    runs = api.get("/api/v1/namespaces/airflow/jobs/nightly.flaky/runs").json()["runs"]
    assert [(r["state"], r["durationMs"]) for r in runs] == [("FAILED", 7_200_000)]
    exported = activity(prov(api, id=run_node_id(run_id), scope="upstream"), run_node_id(run_id))
    assert values(exported, "state") == {"FAIL"}


def test_a_parent_and_child_run(ol: OpenLineageClient, api: httpx.Client) -> None:
    dag_run, task_run = new_run_id(), new_run_id()
    dag, task = Job("airflow", "nightly"), Job("airflow", "nightly.extract")
    parent = parent_run.ParentRunFacet(
        run=parent_run.Run(runId=dag_run), job=parent_run.Job(namespace="airflow", name="nightly")
    )
    ol.emit(run_ev(RunState.START, t(1), Run(dag_run), dag))
    ol.emit(
        run_ev(
            RunState.COMPLETE,
            t(2),
            Run(task_run, facets={"parent": parent}),
            task,
            outputs=[OutputDataset("s3://lake", "extract/part-0")],
        )
    )
    upstream = lineage(api, run_node_id(task_run))
    informed = [e for e in upstream["edges"] if e["type"] == "wasInformedBy"]
    assert [(e["source"], e["target"]) for e in informed] == [
        (run_node_id(task_run), run_node_id(dag_run))
    ]
    assert job_id("airflow", "nightly") in node_ids(upstream)
    child = activity(prov(api, id=run_node_id(task_run), scope="upstream"), run_node_id(task_run))
    kept = [json.loads(v) for v in values(child, "runFacet")]
    assert any(f.get("parent", {}).get("run", {}).get("runId") == dag_run for f in kept)
    jobs = api.get("/api/v1/namespaces/airflow/jobs").json()["jobs"]
    assert {j["name"]: j["parentJobName"] for j in jobs}["nightly.extract"] == "nightly"


def test_column_lineage_gives_a_columns_upstream_columns(
    ol: OpenLineageClient, api: httpx.Client
) -> None:
    facet = column_lineage_dataset.ColumnLineageDatasetFacet(
        fields={
            "revenue": column_lineage_dataset.Fields(
                inputFields=[
                    column_lineage_dataset.InputField("postgres://dw:5432", "dw.sales", "price"),
                    column_lineage_dataset.InputField("postgres://dw:5432", "dw.sales", "qty"),
                ],
                transformationType="AGGREGATION",
            )
        }
    )
    ol.emit(
        run_ev(
            RunState.COMPLETE,
            t(4),
            Run(new_run_id()),
            Job("dbt", "marts.revenue"),
            inputs=[InputDataset("postgres://dw:5432", "dw.sales")],
            outputs=[
                OutputDataset("postgres://dw:5432", "dw.revenue", facets={"columnLineage": facet})
            ],
        )
    )
    revenue = field_id("postgres://dw:5432/dw.revenue", "revenue")
    upstream = lineage(api, revenue)
    derived = {
        (e["source"], e["target"]) for e in upstream["edges"] if e["type"] == "wasDerivedFrom"
    }
    sales = "postgres://dw:5432/dw.sales"
    assert derived == {(revenue, field_id(sales, "price")), (revenue, field_id(sales, "qty"))}
    document = prov(api, id=revenue, scope="upstream")
    derivations = [r for r in document.get_records() if r.get_type().localpart == "Derivation"]
    assert len(derivations) == 2
    assert all(values(r, "transformationType") == {"AGGREGATION"} for r in derivations)


def test_dataset_and_job_events(ol: OpenLineageClient, api: httpx.Client) -> None:
    docs = documentation_dataset.DocumentationDatasetFacet(description="every order")
    ol.emit(
        DatasetEvent(
            eventTime=t(5),
            producer=PRODUCER,
            dataset=StaticDataset("s3://lake", "orders", facets={"documentation": docs}),
        )
    )
    owners = ownership_job.OwnershipJobFacet(owners=[ownership_job.Owner(name="team:data")])
    ol.emit(
        JobEvent(
            eventTime=t(5),
            producer=PRODUCER,
            job=Job("airflow", "planned", facets={"ownership": owners}),
            inputs=[InputDataset("s3://lake", "orders")],
        )
    )
    datasets = api.get("/api/v1/namespaces/s3:%2F%2Flake/datasets").json()["datasets"]
    assert [(d["name"], d["description"]) for d in datasets] == [("orders", "every order")]
    jobs = api.get("/api/v1/namespaces/airflow/jobs").json()["jobs"]
    assert [j["name"] for j in jobs] == ["planned"]
    assert jobs[0]["facets"]["ownership"]["owners"][0]["name"] == "team:data"
    document = prov(api, scope="all")
    plan = document.get_record(POLICY.qualified_name(job_id("airflow", "planned")))[0]
    assert {json.loads(v)["name"] for v in values(plan, "jobInput")} == {"orders"}


def whole_graph(api: httpx.Client) -> ProvDocument:
    return prov(api, scope="all")


def test_reverse_order_and_duplicates_give_the_same_graph(
    secured_app: ServedApp, api: httpx.Client, db: Driver
) -> None:
    run_id = new_run_id()
    io: dict[str, Any] = {
        "inputs": [dataset("s3://landing", "a"), dataset("s3://landing", "b")],
        "outputs": [dataset("s3://lake", "c"), dataset("s3://lake", "d")],
    }
    events = [
        run_event("START", run_id, time=t(1), **io),
        run_event("RUNNING", run_id, time=t(2), **io, run_facets={"progress": {"pct": 50}}),
        run_event("COMPLETE", run_id, time=t(3), **io),
    ]
    writer = {"Authorization": f"Bearer {WRITER}"}

    def send(order: list[dict[str, Any]]) -> None:
        for event in order:
            response = api.post("/api/v1/lineage", json=event, headers=writer)
            assert response.status_code == 201, response.text

    send(events)
    in_order = whole_graph(api)
    marquez_in_order = api.get("/api/v1/namespaces/airflow/jobs/etl.load/runs").json()
    with db.session() as session:
        session.run(cypher.load("admin/wipe_all")).consume()
    send(events[::-1] + events[::-1])
    reversed_twice = whole_graph(api)
    assert documents_equal(in_order, reversed_twice)
    marquez_reversed = api.get("/api/v1/namespaces/airflow/jobs/etl.load/runs").json()
    for answer in (marquez_in_order, marquez_reversed):
        for run in answer["runs"]:
            run.pop("createdAt"), run.pop("updatedAt")
    assert marquez_in_order == marquez_reversed
    assert marquez_reversed["runs"][0]["state"] == "COMPLETED"
    records, _, _ = db.execute_query(cypher.load("testing/graph_counts"))
    assert records[0]["records"] == 3  # the second three were duplicates: nothing written


def test_a_daily_job_writes_three_versions_of_its_table(
    ol: OpenLineageClient, api: httpx.Client, db: Driver
) -> None:
    table = OutputDataset("postgres://dw:5432", "dw.public.daily")
    job = Job("airflow", "daily.rollup")
    runs = []
    for day in (1, 2, 3):
        run_id = new_run_id()
        runs.append(run_id)
        source = InputDataset("s3://landing", f"events/{day}.json")
        for state, hour in ((RunState.START, 1), (RunState.COMPLETE, 2)):
            ol.emit(run_ev(state, t(hour, day), Run(run_id), job, [source], [table]))
    table_id = dataset_id("postgres://dw:5432", "dw.public.daily")
    upstream = lineage(api, table_id)
    found = node_ids(upstream)
    assert {run_node_id(r) for r in runs} <= found
    assert {f"s3://landing/events/{day}.json" for day in (1, 2, 3)} <= found
    versions = [n["id"] for n in upstream["nodes"] if n["kind"] == "DatasetVersion"]
    assert len(versions) == 3
    generations, _, _ = db.execute_query(
        "MATCH (v:Node {kind: 'DatasetVersion'})-[:WAS_GENERATED_BY]->(a) "
        "RETURN v.id AS version, count(a) AS generators"
    )
    assert sorted(r["generators"] for r in generations) == [1, 1, 1]  # unique generation
    # A reader on day 2 at noon takes the version written on day 2.
    reader = new_run_id()
    ol.emit(
        run_ev(
            RunState.COMPLETE,
            t(12, 2),
            Run(reader),
            Job("airflow", "daily.report"),
            [InputDataset("postgres://dw:5432", "dw.public.daily")],
        )
    )
    used = [e["target"] for e in lineage(api, run_node_id(reader))["edges"] if e["type"] == "used"]
    assert f"openlineage/versions/postgres%3A%2F%2Fdw%3A5432%2Fdw.public.daily/run%3A{runs[1]}" in (
        used
    )
    downstream = node_ids(lineage(api, table_id, "downstream"))
    assert run_node_id(reader) in downstream


def test_bad_events_name_the_path_and_write_nothing(api: httpx.Client, db: Driver) -> None:
    writer = {"Authorization": f"Bearer {WRITER}"}
    good = run_event("START", new_run_id(), inputs=[dataset("s3://b", "in")])
    cases = [
        ({**good, "run": {}}, ["body", "run", "runId"]),
        ({**good, "run": {"runId": "42"}}, ["body", "run", "runId"]),
        ({**good, "job": {"name": "x"}}, ["body", "job", "namespace"]),
        ({**good, "inputs": [{"namespace": "s3://b"}]}, ["body", "inputs", 0, "name"]),
        ({k: v for k, v in good.items() if k != "eventTime"}, ["body", "eventTime"]),
    ]
    for body, path in cases:
        response = api.post("/api/v1/lineage", json=body, headers=writer)
        assert response.status_code == 422, response.text
        assert path in [error["loc"] for error in response.json()["detail"]]
    assert api.post("/api/v1/lineage", content=b"{not json", headers=writer).status_code == 400
    assert api.post("/api/v1/lineage", json=[1], headers=writer).status_code == 422
    no_key = api.post("/api/v1/lineage", json=good, headers={"Authorization": "Bearer nope"})
    assert no_key.status_code == 401
    records, _, _ = db.execute_query(cypher.load("testing/graph_counts"))
    assert dict(records[0]) == {"nodes": 0, "ids": 0, "edges": 0, "records": 0}


def test_what_real_emitters_send_is_taken(secured_app: ServedApp, api: httpx.Client) -> None:
    writer = {"Authorization": f"Bearer {WRITER}", "Content-Encoding": "gzip"}
    run_id = "0190f3c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f"  # UUIDv7
    sloppy = run_event(
        None,  # no eventType
        run_id,
        time="2026-11-01T10:00:00.123456789",  # nanoseconds, no zone
        outputs=[dataset("s3://b", "out", schema={"_deleted": None, "fields": "oops"})],
        run_facets={"custom.thing": [1, {"a": None}]},
    )
    sloppy["schemaURL"] = "https://example.org/not-a-schema"
    response = api.post(
        "/api/v1/lineage", content=gzip.compress(json.dumps(sloppy).encode()), headers=writer
    )
    assert response.status_code == 201, response.text
    assert response.json()["written"] is True
    odd = run_event("SKIPPED", run_id, time="2026-11-01T09:00:00Z")
    assert (
        api.post(
            "/api/v1/lineage", json=odd, headers={"Authorization": f"Bearer {WRITER}"}
        ).status_code
        == 201
    )
    run = activity(prov(api, id=run_node_id(run_id), scope="upstream"), run_node_id(run_id))
    assert values(run, "state") == {"OTHER"}
    assert run.get_attribute(PROV_ATTR_STARTTIME) == {_dt("2026-11-01T09:00:00+00:00")}
    assert {json.loads(v)["custom.thing"][1]["a"] for v in values(run, "runFacet")} == {None}
    # A terminal event earlier than the end already known does not move the end.
    for hour in (12, 11):
        ended = run_event("COMPLETE", run_id, time=t(hour))
        api.post("/api/v1/lineage", json=ended, headers={"Authorization": f"Bearer {WRITER}"})
    run = activity(prov(api, id=run_node_id(run_id), scope="upstream"), run_node_id(run_id))
    assert run.get_attribute(PROV_ATTR_ENDTIME) == {_dt("2026-11-01T12:00:00+00:00")}
    # The real client's gzip compression too.
    emitter(secured_app, gzipped=True).emit(
        run_ev(RunState.START, t(1), Run(new_run_id()), Job("spark", "app"))
    )
    assert api.get("/api/v1/namespaces/spark/jobs").json()["totalCount"] == 1


def test_lineage_crosses_dialects_through_shared_dataset_uris(
    ol: OpenLineageClient, api: httpx.Client
) -> None:
    # A FAIR-DP code run writes a data product named by URL; an Airflow job reads it and
    # writes a table; a Provena model run reads that table by the same URI.
    code_run = seed_code_run()
    product = "https://data.example.org/api/data_product/42/"
    code_run["outputs"] = [product]
    code_run["inputs"] = []
    written = api.post("/api/code_run/", json=code_run)
    assert written.status_code == 201, written.text
    table = "postgres://dw:5432/dw.public.features"
    ol.emit(
        run_ev(
            RunState.COMPLETE,
            t(6),
            Run(airflow_run := new_run_id()),
            Job("airflow", "features"),
            [InputDataset("https://data.example.org", "api/data_product/42/")],
            [OutputDataset("postgres://dw:5432", "dw.public.features")],
        )
    )
    record = model_run(7)
    record["inputs"][0]["dataset_id"] = table
    registered = api.post("/model_run/register", json=record)
    assert registered.status_code == 200, registered.text
    model_output = record["outputs"][0]["dataset_id"]

    upstream = node_ids(lineage(api, model_output))
    assert {table, run_node_id(airflow_run), product, code_run["uuid"]} <= upstream
    downstream = node_ids(lineage(api, product, "downstream"))
    assert {run_node_id(airflow_run), table, registered.json()["record_info"]["id"]} <= downstream


def test_concurrent_emitters_are_grouped_and_a_bad_event_fails_alone(
    api: httpx.Client, db: Driver
) -> None:
    writer = {"Authorization": f"Bearer {WRITER}"}
    pinned = dataset("s3://lake", "snapshot", version={"datasetVersion": "v1"})
    events = []
    for i in range(40):
        run_id = new_run_id()
        io: dict[str, Any] = {
            "inputs": [dataset("s3://landing", f"in/{i}")],
            "outputs": [dataset("s3://lake", f"out/{i}")],
        }
        events += [
            run_event("START", run_id, time=t(1), **io),
            run_event("COMPLETE", run_id, time=t(2), **io),
        ]
    # Two runs claim to have written the same version: PROV allows one of them.
    events += [run_event("COMPLETE", new_run_id(), outputs=[pinned]) for _ in range(2)]

    def post(event: dict[str, Any]) -> int:
        # As an emitter would, send again after a 503 (Neo4j too slow to answer its pings on
        # a loaded machine); every other answer counts.
        for _ in range(20):
            status = api.post("/api/v1/lineage", json=event, headers=writer).status_code
            if status != 503:
                return status
            time.sleep(0.5)
        return status

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(post, events))
    assert statuses[:80] == [201] * 80
    assert sorted(statuses[80:]) == [201, 409]
    states, _, _ = db.execute_query(
        "MATCH (r:Node {kind: 'JobRun'}) RETURN r.ol_state AS state, count(*) AS runs"
    )
    assert {row["state"]: row["runs"] for row in states} == {"COMPLETE": 41}
