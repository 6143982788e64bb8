"""OpenLineage ingestion and the Marquez-shaped reads. HTTP-free; the routes call these."""

from __future__ import annotations

import asyncio
import datetime
import json
from dataclasses import dataclass
from typing import Any

from neo4j.exceptions import ConstraintError
from prov.identifier import QualifiedName

from prov_export.values import decode_attributes
from service.errors import AlreadyExists, BadRequest, NotFound, ProvgraphError
from service.openlineage import repository
from service.openlineage.mapping import OL, event_graph, event_record_id, event_type, parse_event
from service.openlineage.models import (
    DatasetId,
    DatasetsResponse,
    DatasetVersionId,
    DatasetVersionRef,
    JobsResponse,
    LineageEdge,
    LineageGraph,
    LineageNode,
    MarquezDataset,
    MarquezField,
    MarquezJob,
    MarquezNamespace,
    MarquezRun,
    NamespacesResponse,
    RunEvent,
    RunsResponse,
)
from service.openlineage.repository import EventToWrite
from service.ops.metrics import records_written
from service.records.repository import RecordToWrite
from service.store import Store

KIND = "openlineage_event"


@dataclass
class Ingested:
    event: str  # the event's record id
    run: str | None  # the run activity, for run events
    written: bool  # False: the same event was recorded before, nothing written


def prepare(body: Any, caller: str) -> EventToWrite:
    """Validate and map one event (422 before the database is touched)."""
    event = parse_event(body)
    mapped = event_graph(event)
    extra: dict[str, Any] = {"ol_event_time": event.eventTime.timestamp()}
    if isinstance(event, RunEvent):
        extra |= {"ol_run": mapped.run, "ol_event_type": event_type(event.eventType)}
    text = json.dumps(body, ensure_ascii=False)
    record = RecordToWrite(event_record_id(body), KIND, mapped.graph, text, caller, extra=extra)
    return EventToWrite(event, mapped, record)


class EventWriter:
    """Group commit: events that arrive while a transaction is being written wait and go
    together in the next one (at most MAX_GROUP), so many emitters cost few transactions
    and never contend for the same nodes (a job, a producer, a table) among themselves.
    Alone, an event is written in its own transaction at once. A group that fails on one
    event's conflict is written again event by event, so only that event fails."""

    MAX_GROUP = 200

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: list[tuple[EventToWrite, asyncio.Future[bool]]] = []
        self.flushing: asyncio.Task[None] | None = None

    async def write(self, item: EventToWrite) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.pending.append((item, future))
        if self.flushing is None or self.flushing.done():
            # A task of its own: a caller that goes away does not strand the others.
            self.flushing = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self.pending:
            group = self.pending[: self.MAX_GROUP]
            del self.pending[: self.MAX_GROUP]
            await self._write_group(group)

    async def _write_group(self, group: list[tuple[EventToWrite, asyncio.Future[bool]]]) -> None:
        try:
            written = await self.store.write(repository.write_events, [i for i, _ in group])
        except (ProvgraphError, ConstraintError) as error:
            # A uniqueness clash (the store maps Neo4j's to AlreadyExists) is a twin event
            # another process recorded meanwhile: the retry below finds it recorded.
            twin = isinstance(error, (AlreadyExists, ConstraintError))
            if len(group) == 1 and not twin:
                _settle(group[0][1], error=error)
                return
            for item, future in group:
                try:
                    alone = await self.store.write(repository.write_events, [item])
                    _settle(future, alone[0])
                except Exception as single_error:  # each caller gets its own answer
                    _settle(future, error=single_error)
            return
        except Exception as error:  # 503, 504...: every caller of the group gets it
            for _, future in group:
                _settle(future, error=error)
            return
        for (_, future), answer in zip(group, written, strict=True):
            _settle(future, answer)


def _settle(
    future: asyncio.Future[bool], answer: bool = False, error: BaseException | None = None
) -> None:
    if future.done():  # its caller went away
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(answer)


async def ingest(writer: EventWriter, body: Any, caller: str) -> Ingested:
    """One event, validated, mapped and written (grouped with others under load); the same
    event again (the same content, in any key order) writes nothing."""
    item = prepare(body, caller)
    written = await writer.write(item)
    if written:
        records_written(KIND)
    return Ingested(item.record.id, item.mapped.run, written)


# ------------------------------------------------------------------ Marquez-shaped reads

MARQUEZ_STATES = {
    "START": "RUNNING",
    "RUNNING": "RUNNING",
    "COMPLETE": "COMPLETED",
    "FAIL": "FAILED",
    "ABORT": "ABORTED",
    "OTHER": "NEW",
}


def _time(epoch: float | None) -> datetime.datetime | None:
    return None if epoch is None else datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC)


def facets(attrs: str | None, key: QualifiedName) -> dict[str, Any]:
    """The facets kept as `key` attributes, merged by name. When events sent one facet with
    different contents, one of them is shown (the same whatever order they came in); the
    PROV export has them all."""
    merged: dict[str, Any] = {}
    kept = sorted(v for k, v in decode_attributes(attrs) if k == key and isinstance(v, str))
    for value in kept:
        merged.update(json.loads(value))
    return merged


def _fields(dataset_facets: dict[str, Any]) -> list[MarquezField]:
    schema = dataset_facets.get("schema")
    found = schema.get("fields") if isinstance(schema, dict) else None
    fields = []
    for field in found if isinstance(found, list) else []:
        if isinstance(field, dict) and isinstance(field.get("name"), str):
            kind = field.get("type")
            description = field.get("description")
            fields.append(
                MarquezField(
                    name=field["name"],
                    type=kind if isinstance(kind, str) else None,
                    description=description if isinstance(description, str) else None,
                )
            )
    return fields


def marquez_dataset(row: dict[str, Any]) -> MarquezDataset:
    own = facets(row["attrs"], OL["datasetFacet"])
    merged = {**own, **facets(row["version_attrs"], OL["datasetFacet"])}
    documentation = merged.get("documentation")
    source = merged.get("dataSource")
    return MarquezDataset(
        id=DatasetId(namespace=row["namespace"], name=row["name"]),
        name=row["name"],
        physicalName=row["name"],
        createdAt=_time(row["created_at"]),
        updatedAt=_time(row["updated_at"]),
        namespace=row["namespace"],
        sourceName=source.get("name", row["namespace"])
        if isinstance(source, dict)
        else row["namespace"],
        fields=_fields(merged),
        lastModifiedAt=_time(row["modified_at"]),
        description=documentation.get("description") if isinstance(documentation, dict) else None,
        currentVersion=row["version"],
        facets=merged,
    )


def _version_refs(rows: list[dict[str, Any]]) -> list[DatasetVersionRef]:
    refs = [
        DatasetVersionRef(
            datasetVersionId=DatasetVersionId(
                namespace=row["namespace"], name=row["name"], version=row["version"]
            ),
            facets=facets(row["attrs"], OL["datasetFacet"]) if row["version"] else {},
        )
        for row in rows
        if row["namespace"] is not None
    ]
    return sorted(refs, key=lambda ref: ref.model_dump_json())


def marquez_run(row: dict[str, Any]) -> MarquezRun:
    run_facets = facets(row["attrs"], OL["runFacet"])
    nominal = run_facets.get("nominalTime")
    nominal = nominal if isinstance(nominal, dict) else {}
    ended = row["end_time"]
    started = row["start_time"]
    return MarquezRun(
        id=row["id"].rsplit("/", 1)[-1],
        createdAt=_time(row["created_at"]),
        updatedAt=_time(row["updated_at"]),
        nominalStartTime=nominal.get("nominalStartTime"),
        nominalEndTime=nominal.get("nominalEndTime"),
        state=MARQUEZ_STATES.get(row["state"] or "OTHER", "NEW"),
        startedAt=_time(started),
        endedAt=_time(ended),
        durationMs=round((ended - started) * 1000) if ended is not None and started else None,
        inputDatasetVersions=_version_refs(row["inputs"]),
        outputDatasetVersions=_version_refs(row["outputs"]),
        facets=run_facets,
    )


def marquez_job(row: dict[str, Any], latest: MarquezRun | None) -> MarquezJob:
    job_facets = facets(row["attrs"], OL["jobFacet"])
    location = job_facets.get("sourceCodeLocation")
    documentation = job_facets.get("documentation")
    job_type = job_facets.get("jobType")
    return MarquezJob(
        id=DatasetId(namespace=row["namespace"], name=row["name"]),
        type=job_type.get("processingType", "BATCH") if isinstance(job_type, dict) else "BATCH",
        name=row["name"],
        simpleName=row["name"].rsplit(".", 1)[-1],
        parentJobName=row["name"].rsplit(".", 1)[0] if "." in row["name"] else None,
        createdAt=_time(row["created_at"]),
        updatedAt=_time(row["updated_at"]),
        namespace=row["namespace"],
        inputs=sorted(
            (DatasetId(**d) for d in row["inputs"] if d["namespace"] is not None),
            key=lambda d: (d.namespace, d.name),
        ),
        outputs=sorted(
            (DatasetId(**d) for d in row["outputs"] if d["namespace"] is not None),
            key=lambda d: (d.namespace, d.name),
        ),
        location=location.get("url") if isinstance(location, dict) else None,
        description=documentation.get("description") if isinstance(documentation, dict) else None,
        facets=job_facets,
        latestRun=latest,
    )


async def list_namespaces(store: Store) -> NamespacesResponse:
    rows = await store.read(repository.namespaces)
    return NamespacesResponse(
        namespaces=[
            MarquezNamespace(
                name=row["name"],
                createdAt=_time(row["created_at"]),
                updatedAt=_time(row["updated_at"]),
            )
            for row in rows
        ]
    )


async def list_datasets(store: Store, namespace: str, offset: int, limit: int) -> DatasetsResponse:
    total, ids = await store.read(repository.page_in_namespace, "dataset", namespace, offset, limit)
    rows = await store.read(repository.datasets, ids)
    return DatasetsResponse(totalCount=total, datasets=[marquez_dataset(row) for row in rows])


async def _jobs(store: Store, ids: list[str]) -> list[tuple[dict[str, Any], MarquezJob]]:
    rows = await store.read(repository.jobs, ids)
    latest_ids = [row["latest_run"] for row in rows if row["latest_run"]]
    latest = {r["id"]: marquez_run(r) for r in await store.read(repository.runs, latest_ids)}
    return [(row, marquez_job(row, latest.get(row["latest_run"]))) for row in rows]


async def list_jobs(store: Store, namespace: str, offset: int, limit: int) -> JobsResponse:
    total, ids = await store.read(repository.page_in_namespace, "job", namespace, offset, limit)
    return JobsResponse(totalCount=total, jobs=[job for _, job in await _jobs(store, ids)])


async def _find(store: Store, type_: str, namespace: str, name: str) -> str:
    found = await store.read(repository.find_named, type_, [{"namespace": namespace, "name": name}])
    if not found:
        raise NotFound(f"no {type_} {name!r} in namespace {namespace!r}")
    return str(found[0]["id"])


async def list_job_runs(
    store: Store, namespace: str, job: str, offset: int, limit: int
) -> RunsResponse:
    job_id = await _find(store, "job", namespace, job)
    total, rows = await store.read(repository.job_runs, job_id, offset, limit)
    return RunsResponse(totalCount=total, runs=[marquez_run(row) for row in rows])


def _candidates(rest: str) -> list[dict[str, str]]:
    """Every `<namespace>:<name>` split of a node id's rest (namespaces may hold ':')."""
    return [
        {"namespace": rest[:i], "name": rest[i + 1 :]}
        for i, char in enumerate(rest)
        if char == ":" and 0 < i < len(rest) - 1
    ]


def _node_id(type_: str, namespace: str, name: str) -> str:
    return f"{type_}:{namespace}:{name}"


async def lineage(store: Store, node_id: str, depth: int) -> LineageGraph:
    """Marquez's job-dataset lineage around one node, both directions; `depth` counts
    edges (dataset -> job is one)."""
    type_, _, rest = node_id.partition(":")
    if type_ not in ("dataset", "job") or not rest:
        raise BadRequest(
            f"nodeId {node_id!r} must be dataset:<namespace>:<name> or job:<namespace>:<name>"
        )
    found = await store.read(repository.find_named, type_, _candidates(rest))
    if not found:
        raise NotFound(f"no {type_} with node id {node_id!r}")
    start = str(found[0]["id"])
    jobs: set[str] = {start} if type_ == "job" else set()
    datasets: set[str] = {start} if type_ == "dataset" else set()
    frontier_jobs, frontier_datasets = sorted(jobs), sorted(datasets)
    edges: set[tuple[str, str, str]] = set()  # (dataset, job, in|out)
    for _ in range(depth):
        if not frontier_jobs and not frontier_datasets:
            break
        rows = await store.read(repository.lineage_hop, frontier_jobs, frontier_datasets)
        edges.update((row["dataset"], row["job"], row["direction"]) for row in rows)
        new_jobs = {row["job"] for row in rows} - jobs
        new_datasets = {row["dataset"] for row in rows} - datasets
        jobs |= new_jobs
        datasets |= new_datasets
        frontier_jobs, frontier_datasets = sorted(new_jobs), sorted(new_datasets)
    # Edges found on the last hop may end at nodes beyond the depth: keep those nodes too,
    # so every edge has both ends in the graph.
    dataset_rows = await store.read(repository.datasets, sorted(datasets))
    job_list = await _jobs(store, sorted(jobs))
    names = {row["id"]: _node_id("dataset", row["namespace"], row["name"]) for row in dataset_rows}
    names |= {row["id"]: _node_id("job", row["namespace"], row["name"]) for row, _ in job_list}
    in_edges: dict[str, list[LineageEdge]] = {}
    out_edges: dict[str, list[LineageEdge]] = {}
    for dataset, job, direction in sorted(edges):
        origin, destination = (dataset, job) if direction == "in" else (job, dataset)
        edge = LineageEdge(origin=names[origin], destination=names[destination])
        out_edges.setdefault(origin, []).append(edge)
        in_edges.setdefault(destination, []).append(edge)
    nodes = [
        LineageNode(
            id=names[row["id"]],
            type="DATASET",
            data=marquez_dataset(row),
            inEdges=in_edges.get(row["id"], []),
            outEdges=out_edges.get(row["id"], []),
        )
        for row in dataset_rows
    ]
    nodes += [
        LineageNode(
            id=names[row["id"]],
            type="JOB",
            data=job,
            inEdges=in_edges.get(row["id"], []),
            outEdges=out_edges.get(row["id"], []),
        )
        for row, job in job_list
    ]
    return LineageGraph(graph=sorted(nodes, key=lambda node: node.id))
