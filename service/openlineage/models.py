"""OpenLineage events as this service reads them, and Marquez's response shapes.

The event models check only what the graph needs (run id, job and dataset names, event
time) and keep everything else as sent (`extra="allow"`): facets of any version, unknown
facets and fields an emitter adds all stay in the event.
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from graph_model import no_control_characters

Name = Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(no_control_characters)]
Facets = dict[str, Any]

# Fractional seconds beyond microseconds (Java emitters send nanoseconds) are cut to six
# digits; Python's datetime has no room for more.
_FRACTION = re.compile(r"(\.\d{6})\d+")


def event_time(value: Any) -> datetime.datetime:
    """An ISO 8601 time, with or without a zone (none: UTC), with up to nanoseconds."""
    if not isinstance(value, str):
        raise ValueError("eventTime must be an ISO 8601 date-time string")
    text = _FRACTION.sub(r"\1", value.strip()).replace("z", "Z")
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"eventTime {value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    try:  # in UTC it must still be a date-time (9999-12-31T23:00-05:00 is not)
        return parsed.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError(f"eventTime {value!r} is out of range in UTC") from None


def run_id(value: Any) -> str:
    """A run id is a UUID of any version (UUIDv7 included), kept in its canonical form."""
    if not isinstance(value, str):
        raise ValueError("runId must be a UUID string")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError(f"runId {value!r} is not a UUID") from None


EventTime = Annotated[datetime.datetime, BeforeValidator(event_time)]
RunId = Annotated[str, BeforeValidator(run_id)]


class Lenient(BaseModel):
    model_config = ConfigDict(extra="allow")


class Run(Lenient):
    runId: RunId
    facets: Facets | None = None


class Job(Lenient):
    namespace: Name
    name: Name
    facets: Facets | None = None


class Dataset(Lenient):
    namespace: Name
    name: Name
    facets: Facets | None = None


class InputDataset(Dataset):
    inputFacets: Facets | None = None


class OutputDataset(Dataset):
    outputFacets: Facets | None = None


class BaseEvent(Lenient):
    eventTime: EventTime
    producer: str | None = None
    schemaURL: str | None = None


class RunEvent(BaseEvent):
    eventType: str | None = None
    run: Run
    job: Job
    inputs: list[InputDataset] | None = None
    outputs: list[OutputDataset] | None = None


class DatasetEvent(BaseEvent):
    dataset: Dataset


class JobEvent(BaseEvent):
    job: Job
    inputs: list[InputDataset] | None = None
    outputs: list[OutputDataset] | None = None


Event = RunEvent | DatasetEvent | JobEvent


# ------------------------------------------------------------------ Marquez's shapes


class DatasetId(BaseModel):
    namespace: str
    name: str


class MarquezNamespace(BaseModel):
    name: str
    createdAt: datetime.datetime | None
    updatedAt: datetime.datetime | None
    ownerName: str | None = None
    description: str | None = None
    isHidden: bool = False


class NamespacesResponse(BaseModel):
    namespaces: list[MarquezNamespace]


class MarquezField(BaseModel):
    name: str
    type: str | None = None
    tags: list[str] = []
    description: str | None = None


class MarquezDataset(BaseModel):
    id: DatasetId
    type: str = "DB_TABLE"
    name: str
    physicalName: str
    createdAt: datetime.datetime | None
    updatedAt: datetime.datetime | None
    namespace: str
    sourceName: str
    fields: list[MarquezField]
    tags: list[str] = []
    lastModifiedAt: datetime.datetime | None
    description: str | None = None
    currentVersion: str | None = None
    facets: dict[str, Any]


class DatasetsResponse(BaseModel):
    totalCount: int
    datasets: list[MarquezDataset]


class DatasetVersionId(BaseModel):
    namespace: str
    name: str
    version: str | None  # None: the run read the dataset before any version of it was known


class DatasetVersionRef(BaseModel):
    datasetVersionId: DatasetVersionId
    facets: dict[str, Any] = {}


class MarquezRun(BaseModel):
    id: str
    createdAt: datetime.datetime | None
    updatedAt: datetime.datetime | None
    nominalStartTime: datetime.datetime | None = None
    nominalEndTime: datetime.datetime | None = None
    state: str
    startedAt: datetime.datetime | None
    endedAt: datetime.datetime | None
    durationMs: int | None
    args: dict[str, str] = {}
    inputDatasetVersions: list[DatasetVersionRef]
    outputDatasetVersions: list[DatasetVersionRef]
    facets: dict[str, Any]


class RunsResponse(BaseModel):
    totalCount: int
    runs: list[MarquezRun]


class MarquezJob(BaseModel):
    id: DatasetId
    type: str = "BATCH"
    name: str
    simpleName: str
    parentJobName: str | None = None
    createdAt: datetime.datetime | None
    updatedAt: datetime.datetime | None
    namespace: str
    inputs: list[DatasetId]
    outputs: list[DatasetId]
    location: str | None = None
    description: str | None = None
    facets: dict[str, Any]
    latestRun: MarquezRun | None = None


class JobsResponse(BaseModel):
    totalCount: int
    jobs: list[MarquezJob]


class LineageEdge(BaseModel):
    origin: str
    destination: str


class LineageNode(BaseModel):
    id: str
    type: str  # DATASET | JOB
    data: MarquezDataset | MarquezJob
    inEdges: list[LineageEdge]
    outEdges: list[LineageEdge]


class LineageGraph(BaseModel):
    graph: list[LineageNode]
