"""Provena's request and response bodies, as its `ProvenaInterfaces` define them."""

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, model_validator

from graph_model import no_control_characters
from service.validation import MAX_EPOCH, MIN_EPOCH, in_time_range

Id = Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(no_control_characters)]
EpochSeconds = Annotated[
    int,
    Field(description=f"epoch seconds, UTC, years 1 to 9999 ({MIN_EPOCH} to {MAX_EPOCH})"),
    AfterValidator(in_time_range),
]


class DatasetType(StrEnum):
    DATA_STORE = "DATA_STORE"


class TemplatedDataset(BaseModel):
    dataset_template_id: Id
    dataset_id: Id
    dataset_type: DatasetType
    resources: dict[str, str] | None = None


class AssociationInfo(BaseModel):
    modeller_id: Id
    requesting_organisation_id: Id | None = None


class ModelRunRecord(BaseModel):
    """A model run as Provena registers it. `display_name` is optional here."""

    workflow_template_id: Id
    model_version: str | None = None
    inputs: list[TemplatedDataset]
    outputs: list[TemplatedDataset]
    annotations: dict[str, str] | None = None
    display_name: str | None = None
    description: str
    study_id: Id | None = None
    associations: AssociationInfo
    start_time: EpochSeconds
    end_time: EpochSeconds

    @model_validator(mode="after")
    def starts_before_it_ends(self) -> "ModelRunRecord":
        if self.start_time > self.end_time:
            raise ValueError(
                f"start_time ({self.start_time}) must be smaller than or equal to end_time "
                f"({self.end_time})"
            )
        return self


class Status(BaseModel):
    success: bool
    details: str


class ProvenanceRecordInfo(BaseModel):
    id: str
    prov_json: str = Field(description="the run's PROV-JSON document, as a string")
    record: ModelRunRecord


class RegisterModelRunResponse(BaseModel):
    status: Status
    session_id: str | None = None
    record_info: ProvenanceRecordInfo | None = None


class RegisterBatchRequest(BaseModel):
    records: list[ModelRunRecord]


class BatchItemResult(BaseModel):
    """One record of a batch: its run id when registered, else what was wrong. The PROV-JSON
    of each run is at `GET /prov?id=<id>&scope=record` (building it for thousands of
    records in one answer would cost more than writing them)."""

    index: int
    success: bool
    id: str | None = None
    detail: Any = None


class RegisterBatchResponse(BaseModel):
    status: Status
    session_id: str | None = None
    results: list[BatchItemResult]


class UpdateModelRunRequest(BaseModel):
    model_run_id: Id
    reason: str = Field(min_length=1)
    record: ModelRunRecord


class UpdateModelRunResponse(BaseModel):
    status: Status
    session_id: str | None = None
    record_info: ProvenanceRecordInfo
    version: int


class DeleteRequest(BaseModel):
    record_id: Id
    trial_mode: bool = False


class DeleteResponse(BaseModel):
    status: Status
    trial_mode: bool
    diff: list[dict[str, Any]]
