"""The PROV graph a record maps to and the store writes: plain data, no database.

Neutral ground: `service` (which writes and reads it) and `prov_export` (which turns it into
PROV documents) both import it, and it imports neither.

A `ProvGraph` is what every dialect (Provena model run, FAIR-DP code run, imported PROV
document) becomes before it is written, and what the exporter turns into a PROV document.

- Node ids are strings unique across the whole graph. How an id becomes an IRI in an
  export is decided in one place (`prov_export.ids`): absolute IRIs stay as they are,
  Provena handles go under the handle base, anything else under the service's base URL.
- Attribute keys are `prov.identifier.QualifiedName`s; values are PROV values (str, bool,
  int, float, datetime, QualifiedName, Identifier, Literal) or a `NodeRef`, a reference to
  another node by id (the plan of an association, the activity of a delegation...).
- Edges point the way PROV writes relations: from the first argument to the second.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from prov.identifier import Namespace, QualifiedName

PROV = Namespace("prov", "http://www.w3.org/ns/prov#")
# provgraph's own attribute vocabulary (model_version, annotations, dataset_type...).
PROVGRAPH = Namespace("provgraph", "https://w3id.org/provgraph/ns#")


class ProvClass(StrEnum):
    """The PROV classes, each a Neo4j label of the nodes of that class."""

    ENTITY = "Entity"
    ACTIVITY = "Activity"
    AGENT = "Agent"


ENTITY, ACTIVITY, AGENT = ProvClass.ENTITY, ProvClass.ACTIVITY, ProvClass.AGENT
PROV_CLASSES = tuple(ProvClass)


class Kind(StrEnum):
    """The sub-kinds provgraph gives nodes (their `kind` property), what `/lineage?types=`
    filters on and Provena's explore answers map to its item subtypes. A dialect may add
    kinds of its own (OpenLineage's, the FAIR-DP registry's resources)."""

    DATASET = "Dataset"
    PLAN = "Plan"
    MODEL_RUN = "ModelRun"
    CODE_RUN = "CodeRun"
    STUDY = "Study"
    PERSON = "Person"
    ORGANIZATION = "Organization"
    SOFTWARE_AGENT = "SoftwareAgent"
    SOFTWARE_REPOSITORY = "SoftwareRepository"
    CONFIGURATION = "Configuration"
    SCRIPT = "Script"
    BUNDLE = "Bundle"


# The runs `GET /runs` lists, and the dialect each comes from.
RUN_DIALECTS = {Kind.MODEL_RUN: "provena", Kind.CODE_RUN: "fair-data-pipeline"}


class Relation(StrEnum):
    """The PROV-DM relations as Neo4j relationship types (edges point from a relation's
    first argument to its second). The statements in cypher/ name these types as written
    here (tests/unit/test_cypher_files.py checks)."""

    USED = "USED"
    WAS_GENERATED_BY = "WAS_GENERATED_BY"
    WAS_ASSOCIATED_WITH = "WAS_ASSOCIATED_WITH"
    WAS_ATTRIBUTED_TO = "WAS_ATTRIBUTED_TO"
    ACTED_ON_BEHALF_OF = "ACTED_ON_BEHALF_OF"
    WAS_INFORMED_BY = "WAS_INFORMED_BY"
    WAS_DERIVED_FROM = "WAS_DERIVED_FROM"
    WAS_INFLUENCED_BY = "WAS_INFLUENCED_BY"
    HAD_MEMBER = "HAD_MEMBER"
    WAS_STARTED_BY = "WAS_STARTED_BY"
    WAS_ENDED_BY = "WAS_ENDED_BY"
    WAS_INVALIDATED_BY = "WAS_INVALIDATED_BY"
    SPECIALIZATION_OF = "SPECIALIZATION_OF"
    ALTERNATE_OF = "ALTERNATE_OF"
    MENTION_OF = "MENTION_OF"

    @property
    def prov_name(self) -> str:
        """The PROV-N / PROV-JSON name: `USED` -> `used`, `WAS_GENERATED_BY` ->
        `wasGeneratedBy`."""
        first, *rest = self.value.lower().split("_")
        return first + "".join(word.capitalize() for word in rest)


# PROV-DM relation name <-> Neo4j relationship type.
RELATION_TYPES: dict[str, str] = {relation.prov_name: relation for relation in Relation}
RELATION_NAMES: dict[str, str] = {relation: relation.prov_name for relation in Relation}


def utc(epoch_seconds: float) -> datetime.datetime:
    """A stored time (epoch seconds, see `Node.start_time`) as an aware UTC datetime."""
    return datetime.datetime.fromtimestamp(epoch_seconds, tz=datetime.UTC)


@dataclass(frozen=True)
class NodeRef:
    """An attribute value that names another node of the graph by its id."""

    id: str


Attributes = list[tuple[QualifiedName, Any]]


@dataclass
class Node:
    id: str
    classes: tuple[str, ...]  # a sorted subset of PROV_CLASSES
    kind: str | None = None  # Dataset, Plan, ModelRun, CodeRun, Study, Person, Organization...
    label: str | None = None
    start_time: float | None = None  # epoch seconds UTC, activities only
    end_time: float | None = None
    attributes: Attributes = field(default_factory=list)
    bundle: str | None = None  # id of the bundle the node was declared in (imports)


@dataclass
class Edge:
    type: str  # a Relation
    source: str
    target: str
    # Tells apart several relations of one type between the same two nodes (imported
    # documents may hold them); "" for the one relation a mapped record asserts.
    key: str = ""
    relation_id: str | None = None
    attributes: Attributes = field(default_factory=list)
    bundle: str | None = None


@dataclass
class ProvGraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    namespaces: dict[str, str] = field(default_factory=dict)  # prefix -> IRI, for exports
    # Imported relations that lack one of their two main arguments cannot be edges; they
    # are kept, encoded, on their record and come back in that record's export.
    dangling: list[dict[str, Any]] = field(default_factory=list)

    @property
    def size(self) -> int:
        """PROV records written: nodes and relations (what PROVGRAPH_MAX_RECORDS counts)."""
        return len(self.nodes) + len(self.edges)

    def add_node(self, node: Node) -> Node:
        """Add a node, or merge classes and attributes into the one already there."""
        existing = self.nodes.get(node.id)
        if existing is None:
            self.nodes[node.id] = node
            return node
        existing.classes = tuple(sorted(set(existing.classes) | set(node.classes)))
        existing.kind = existing.kind or node.kind
        existing.label = existing.label or node.label
        existing.attributes.extend(a for a in node.attributes if a not in existing.attributes)
        return existing

    def add_edge(self, edge: Edge) -> Edge:
        self.edges.append(edge)
        return edge


def no_control_characters(node_id: str) -> str:
    """Ids may hold any character but control characters: those are invisible in every
    listing, and a newline or NUL in an id breaks PROV-N, logs and terminals. Values other
    than ids are kept verbatim, control characters and all."""
    for position, char in enumerate(node_id):
        if unicodedata.category(char) == "Cc":
            raise ValueError(
                f"an id must not contain control characters; found U+{ord(char):04X} at "
                f"position {position}"
            )
    return node_id


def kinds_conflict(
    classes_a: tuple[str, ...], kind_a: str | None, classes_b: tuple[str, ...], kind_b: str | None
) -> bool:
    """Can one id not name both things? PROV lets an entity be an agent, never an activity."""
    classes = set(classes_a) | set(classes_b)
    if ENTITY in classes and ACTIVITY in classes:
        return True
    return bool(kind_a and kind_b and kind_a != kind_b)


@dataclass(frozen=True)
class IdUse:
    """Where a record names an id, and as what."""

    loc: tuple[str | int, ...]
    id: str
    classes: tuple[str, ...]
    kind: str | None


def conflicting_uses(uses: list[IdUse]) -> list[tuple[IdUse, IdUse]]:
    """Pairs of places in one record that give one id two incompatible meanings."""
    first_use: dict[str, list[IdUse]] = {}
    conflicts = []
    for use in uses:
        for earlier in first_use.setdefault(use.id, []):
            if kinds_conflict(earlier.classes, earlier.kind, use.classes, use.kind):
                conflicts.append((earlier, use))
                break
        first_use[use.id].append(use)
    return conflicts
