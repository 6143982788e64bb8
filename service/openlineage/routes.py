"""OpenLineage's HTTP transport path and Marquez's read paths, under `/api/v1`."""

from __future__ import annotations

import json
import zlib
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from service.auth import WriterDep
from service.deps import StoreDep
from service.errors import BadRequest, ContentTooLarge, InvalidInput, field_error
from service.json_bodies import parsed_body
from service.openlineage import service
from service.openlineage.models import (
    DatasetsResponse,
    JobsResponse,
    LineageGraph,
    NamespacesResponse,
    RunsResponse,
)
from service.validation import BodyProblem, strict_json

router = APIRouter(prefix="/api/v1", tags=["openlineage"])

EVENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "An OpenLineage RunEvent (spec 1-0-x to 2-0-x), DatasetEvent or "
        "JobEvent, as JSON; `Content-Encoding: gzip` accepted.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
MAX_LIMIT = 1000
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
# Neo4j slices with 32-bit integers: offset + limit must fit, so a larger offset is
# refused here (422) instead of failing there.
Offset = Annotated[int, Query(ge=0, le=2**31 - 1 - MAX_LIMIT)]


class EventAccepted(BaseModel):
    event: str  # the event's record id (`GET /records/{event}`)
    run: str | None  # the run's activity id, for run events
    written: bool  # False when the same event had been received before


def event_writer(request: Request, store: StoreDep) -> service.EventWriter:
    """The app's one event writer (its group commit needs one queue per process)."""
    state = request.app.state
    if getattr(state, "openlineage_writer", None) is None:
        state.openlineage_writer = service.EventWriter(store)
    writer: service.EventWriter = state.openlineage_writer
    return writer


async def event_body(request: Request, limit: int) -> Any:
    """The request's JSON, gunzipped when sent so (bounded: a small gzip may unpack huge)."""
    raw = await request.body()
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        unpack = zlib.decompressobj(wbits=31)
        try:
            raw = unpack.decompress(raw, limit + 1)
        except zlib.error as error:
            raise BadRequest(f"the body is not valid gzip: {error}") from None
        if len(raw) > limit or unpack.unconsumed_tail:
            raise ContentTooLarge(f"the unpacked body is larger than the limit of {limit} bytes")
    elif encoding not in ("", "identity"):
        raise BadRequest(f"Content-Encoding {encoding!r} is not supported; send gzip or none")
    elif (parsed := parsed_body(request.scope)) is not None:
        return parsed[0]  # checked (service/json_bodies.py) and parsed already
    try:
        # Strict as every other JSON body (service/json_bodies.py), gzipped ones included.
        return strict_json(raw)
    except BodyProblem as problem:
        raise InvalidInput([field_error(problem.loc, problem.msg, "json_invalid")]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest(f"the body is not JSON: {error}") from None


@router.post(
    "/lineage",
    status_code=201,
    openapi_extra=EVENT_BODY,
    responses={400: {"description": "not JSON"}, 422: {"description": "names each bad field"}},
)
async def post_lineage(request: Request, store: StoreDep, caller: WriterDep) -> EventAccepted:
    """Receive one OpenLineage event, as Marquez does (the HTTP transport's default path).
    The kind is told by shape: `run` -> RunEvent, `dataset` -> DatasetEvent, `job` ->
    JobEvent. Written in one transaction; the same event again writes nothing (`written`
    false). 422 names each missing or bad field (`run.runId`, `job.namespace`,
    `inputs[0].name`, `eventTime`...) and nothing is written."""
    body = await event_body(request, store.settings.max_body_bytes)
    ingested = await service.ingest(event_writer(request, store), body, caller.name)
    return EventAccepted(event=ingested.event, run=ingested.run, written=ingested.written)


@router.get("/lineage", responses={404: {"description": "no such node"}})
async def get_lineage(
    store: StoreDep,
    node_id: Annotated[
        str, Query(alias="nodeId", description="dataset:<ns>:<name> | job:<ns>:<name>")
    ],
    depth: Annotated[int, Query(ge=1, le=100)] = 20,
) -> LineageGraph:
    """Marquez's lineage graph around a job or dataset: jobs and datasets, both directions,
    `depth` edges deep (a dataset -> job edge counts one)."""
    return await service.lineage(store, node_id, depth)


@router.get("/namespaces")
async def list_namespaces(store: StoreDep) -> NamespacesResponse:
    """The namespaces of OpenLineage jobs and datasets."""
    return await service.list_namespaces(store)


@router.get("/namespaces/{namespace:path}/jobs")
async def list_jobs(
    namespace: str, store: StoreDep, limit: Limit = 100, offset: Offset = 0
) -> JobsResponse:
    """The jobs of a namespace, by name, with their inputs, outputs and latest run."""
    return await service.list_jobs(store, namespace, offset, limit)


@router.get("/namespaces/{namespace:path}/datasets")
async def list_datasets(
    namespace: str, store: StoreDep, limit: Limit = 100, offset: Offset = 0
) -> DatasetsResponse:
    """The datasets of a namespace, by name, with the facets of their latest version."""
    return await service.list_datasets(store, namespace, offset, limit)


@router.get(
    "/namespaces/{namespace:path}/jobs/{job:path}/runs", responses={404: {"description": "no job"}}
)
async def list_job_runs(
    namespace: str, job: str, store: StoreDep, limit: Limit = 100, offset: Offset = 0
) -> RunsResponse:
    """A job's runs, newest first, with state, times, facets and dataset versions."""
    return await service.list_job_runs(store, namespace, job, offset, limit)
