"""Response models of the lineage surfaces: Provena's explore and the native /lineage.

Our own models, never a library's serialisation: Provena clients read networkx's old
node-link shape (`links`, not `edges`), and that is spelled out here field by field.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

LineageDirection = Literal["upstream", "downstream", "both"]
PathDirection = Literal["upstream", "downstream"]


class ItemCategory(StrEnum):
    ACTIVITY = "ACTIVITY"
    AGENT = "AGENT"
    ENTITY = "ENTITY"


class ItemSubType(StrEnum):
    """Provena's `ItemSubType`, every value its client accepts."""

    WORKFLOW_RUN = "WORKFLOW_RUN"
    MODEL_RUN = "MODEL_RUN"
    STUDY = "STUDY"
    CREATE = "CREATE"
    VERSION = "VERSION"
    PERSON = "PERSON"
    ORGANISATION = "ORGANISATION"
    SOFTWARE = "SOFTWARE"
    MODEL = "MODEL"
    WORKFLOW_TEMPLATE = "WORKFLOW_TEMPLATE"
    MODEL_RUN_WORKFLOW_TEMPLATE = "MODEL_RUN_WORKFLOW_TEMPLATE"
    DATASET = "DATASET"
    DATASET_TEMPLATE = "DATASET_TEMPLATE"


class ExploreStatus(BaseModel):
    success: bool
    details: str


class ExploreNode(BaseModel):
    id: str
    item_category: ItemCategory
    item_subtype: ItemSubType


class ExploreLink(BaseModel):
    source: str
    target: str
    type: str  # the PROV relation name: used, wasGeneratedBy...


class NodeLinkGraph(BaseModel):
    """A directed simple graph in networkx's node-link form, as Provena returns it."""

    directed: bool = True
    multigraph: bool = False
    graph: dict[str, Any] = Field(default_factory=dict)
    nodes: list[ExploreNode]
    links: list[ExploreLink]


class ExploreResponse(BaseModel):
    """Provena's `LineageResponse`."""

    status: ExploreStatus
    record_count: int
    graph: NodeLinkGraph


class LineageNode(BaseModel):
    id: str
    prov_classes: list[str]
    kind: str | None
    label: str | None
    start_time: datetime | None = None
    end_time: datetime | None = None
    # Hops from the root; null for agents attached to the lineage.
    distance: int | None
    attributes: dict[str, Any]


class LineageEdge(BaseModel):
    source: str
    target: str
    type: str  # the PROV relation name
    attributes: dict[str, Any]


class LineageResponse(BaseModel):
    root: str
    direction: LineageDirection
    depth: int
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool


class DerivationPath(BaseModel):
    length: int
    nodes: list[str]
    edges: list[LineageEdge]


class PathsResponse(BaseModel):
    source: str = Field(serialization_alias="from")
    target: str = Field(serialization_alias="to")
    max_depth: int
    # upstream: `from` depends on `to` (edges point from -> to); downstream: the reverse.
    direction: PathDirection
    paths: list[DerivationPath]
