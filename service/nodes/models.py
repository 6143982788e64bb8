"""Response models of `/nodes`: search hits and one node's details."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class NodeHit(BaseModel):
    id: str
    prov_classes: list[str]
    kind: str | None
    label: str | None
    # Full-text relevance; an exact id match ranks above every other hit.
    score: float


class NodeSearchResponse(BaseModel):
    q: str
    kind: str | None
    limit: int
    nodes: list[NodeHit]


class AssertingRecord(BaseModel):
    id: str
    kind: str
    created_by: str | None
    created_at: datetime | None
    updated_by: str | None = None
    updated_at: datetime | None = None
    version: int | None = None
    url: str  # where the record's body and history are (`GET /records/{id}`)


class NodeDetails(BaseModel):
    id: str
    prov_classes: list[str]
    kind: str | None
    label: str | None
    start_time: datetime | None = None
    end_time: datetime | None = None
    attributes: dict[str, Any]
    records: list[AssertingRecord]
