"""The answers of `/records`: a record as submitted with its metadata, and a deletion."""

from typing import Any

from pydantic import BaseModel, Field


class RecordView(BaseModel):
    id: str
    kind: str = Field(description="model_run, code_run, prov_document, openlineage_event, ...")
    version: int
    created_at: float = Field(description="epoch seconds")
    created_by: str
    updated_at: float | None
    updated_by: str | None
    content_hash: str
    record: Any = Field(description="the latest version as submitted: JSON, or PROV-N text")
    history: list[dict[str, Any]] = Field(description="earlier versions, oldest first")


class RecordDeleted(BaseModel):
    id: str
    dry_run: bool
    diff: list[dict[str, Any]]
