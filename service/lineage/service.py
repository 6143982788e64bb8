"""Lineage questions: the rules (depths, filters, Provena's enums) and the shaping of what
the repository read into responses. Only `explore`, `lineage` and `paths` touch the store."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prov.identifier import Identifier, QualifiedName
from prov.model import Literal

from graph_model import (
    ACTIVITY,
    AGENT,
    ENTITY,
    PROV_CLASSES,
    RELATION_NAMES,
    Kind,
    NodeRef,
    Relation,
    utc,
)
from prov_export.values import decode_attributes
from service.errors import BadRequest, InvalidInput, NotFound, field_error
from service.lineage import repository
from service.lineage.models import (
    DerivationPath,
    ExploreLink,
    ExploreNode,
    ExploreResponse,
    ExploreStatus,
    ItemCategory,
    ItemSubType,
    LineageDirection,
    LineageEdge,
    LineageNode,
    LineageResponse,
    NodeLinkGraph,
    PathDirection,
    PathsResponse,
)
from service.lineage.repository import DOWNSTREAM, UPSTREAM
from service.lineage.walk import Step, Walk, steps_towards
from service.settings import Settings
from service.store import Store

# ---------------------------------------------------------------- Provena's vocabulary

EXPLORE_DEPTH, SPECIAL_DEPTH, EXPLORE_MAX_DEPTH = 2, 4, 10

# Our kinds -> Provena's (category, subtype). The workflow template is WORKFLOW_TEMPLATE
# because that is what Provena's own graph (and so its lineage answers) holds.
PROVENA_KINDS: dict[str, tuple[ItemCategory, ItemSubType]] = {
    Kind.MODEL_RUN: (ItemCategory.ACTIVITY, ItemSubType.MODEL_RUN),
    Kind.CODE_RUN: (ItemCategory.ACTIVITY, ItemSubType.WORKFLOW_RUN),
    Kind.STUDY: (ItemCategory.ACTIVITY, ItemSubType.STUDY),
    Kind.PERSON: (ItemCategory.AGENT, ItemSubType.PERSON),
    Kind.ORGANIZATION: (ItemCategory.AGENT, ItemSubType.ORGANISATION),
    # Provena has no software agent subtype; its client checks values, not pairings.
    Kind.SOFTWARE_AGENT: (ItemCategory.AGENT, ItemSubType.SOFTWARE),
    Kind.DATASET: (ItemCategory.ENTITY, ItemSubType.DATASET),
    Kind.CONFIGURATION: (ItemCategory.ENTITY, ItemSubType.DATASET),
    Kind.BUNDLE: (ItemCategory.ENTITY, ItemSubType.DATASET),
    Kind.PLAN: (ItemCategory.ENTITY, ItemSubType.WORKFLOW_TEMPLATE),
    Kind.SOFTWARE_REPOSITORY: (ItemCategory.ENTITY, ItemSubType.SOFTWARE),
    Kind.SCRIPT: (ItemCategory.ENTITY, ItemSubType.SOFTWARE),
}
# Anything else: the nearest value of its PROV class.
PROVENA_CLASSES = {
    ACTIVITY: (ItemCategory.ACTIVITY, ItemSubType.WORKFLOW_RUN),
    AGENT: (ItemCategory.AGENT, ItemSubType.PERSON),
    ENTITY: (ItemCategory.ENTITY, ItemSubType.DATASET),
}


def provena_item(classes: Iterable[str], kind: str | None) -> tuple[ItemCategory, ItemSubType]:
    if kind in PROVENA_KINDS:
        return PROVENA_KINDS[kind]
    present = set(classes)
    for prov_class in (ACTIVITY, AGENT, ENTITY):
        if prov_class in present:
            return PROVENA_CLASSES[prov_class]
    return PROVENA_CLASSES[ENTITY]


def explore_depth(depth: int | None, default: int) -> int:
    """Provena's rule: missing or 0 means the default; above 10 is a 400."""
    if not depth:
        return default
    if depth > EXPLORE_MAX_DEPTH:
        raise BadRequest(
            f"depth {depth} is above the maximum of {EXPLORE_MAX_DEPTH}; ask for 1 to "
            f"{EXPLORE_MAX_DEPTH} (0 or none means {default})."
        )
    return depth


# ---------------------------------------------------------------- Provena's explore


@dataclass(frozen=True)
class Special:
    """A special explore query: a walk, then the paths to the nodes it is about."""

    direction: str
    about: str  # "datasets" or "agents"
    details: str


SPECIALS = {
    "contributing_datasets": Special(UPSTREAM, "datasets", "upstream contribution"),
    "effected_datasets": Special(DOWNSTREAM, "datasets", "downstream effect"),
    "contributing_agents": Special(UPSTREAM, "agents", "upstream contributing agents"),
    "effected_agents": Special(DOWNSTREAM, "agents", "downstream effected agents"),
}


def node_link_graph(walk: Walk, steps: Iterable[Step]) -> NodeLinkGraph:
    """Provena's graph: the nodes are the ends of the links (the start node only when some
    path exists), one link per node pair as in a networkx DiGraph, the first one kept."""
    links: dict[tuple[str, str], ExploreLink] = {}
    nodes: dict[str, ExploreNode] = {}
    for step in steps:
        links.setdefault(
            (step.source, step.target),
            ExploreLink(source=step.source, target=step.target, type=RELATION_NAMES[step.type]),
        )
        for node in (step.source, step.target):
            if node not in nodes:
                category, subtype = provena_item(*walk.info[node])
                nodes[node] = ExploreNode(id=node, item_category=category, item_subtype=subtype)
    return NodeLinkGraph(nodes=list(nodes.values()), links=list(links.values()))


def explore_response(graph: NodeLinkGraph, details: str) -> ExploreResponse:
    return ExploreResponse(
        status=ExploreStatus(success=True, details=details),
        record_count=len(graph.nodes),
        graph=graph,
    )


def is_category(walk: Walk, category: ItemCategory) -> Callable[[str], bool]:
    return lambda node: provena_item(*walk.info[node])[0] == category


def is_dataset(walk: Walk) -> Callable[[str], bool]:
    return lambda node: provena_item(*walk.info[node])[1] == ItemSubType.DATASET


def special_steps(special: Special, rows: repository.ExploreRows) -> list[Step]:
    walk = rows.walk
    if special.about == "datasets":
        return steps_towards(walk, is_dataset(walk))
    if special.direction == UPSTREAM:
        return steps_towards(walk, is_category(walk, ItemCategory.AGENT))
    # Effected agents: each downstream node (the start included) with its one-hop agents,
    # and the paths from those nodes back to the start.
    for step in rows.agent_steps:
        walk.info.setdefault(step.target, (step.classes, step.kind))
    bearers = {step.source for step in rows.agent_steps}
    return steps_towards(walk, bearers.__contains__) + rows.agent_steps


async def explore(
    store: Store, settings: Settings, start: str, direction: str, depth: int | None
) -> ExploreResponse:
    depth = explore_depth(depth, EXPLORE_DEPTH)
    rows = await store.read(
        repository.read_explore, start, direction, depth, settings.node_limit, False
    )
    if rows is None:
        raise NotFound(f"No node has the id {start!r}.")
    graph = node_link_graph(rows.walk, rows.walk.steps.values())
    return explore_response(graph, explore_details(f"{direction} query", depth, rows.walk))


async def explore_special(
    store: Store, settings: Settings, name: str, start: str, depth: int | None
) -> ExploreResponse:
    special = SPECIALS[name]
    depth = explore_depth(depth, SPECIAL_DEPTH)
    rows = await store.read(
        repository.read_explore,
        start,
        special.direction,
        depth,
        settings.node_limit,
        special.about == "agents" and special.direction == DOWNSTREAM,
    )
    if rows is None:
        raise NotFound(f"No node has the id {start!r}.")
    graph = node_link_graph(rows.walk, special_steps(special, rows))
    return explore_response(graph, explore_details(f"{special.details} query", depth, rows.walk))


def explore_details(what: str, depth: int, walk: Walk) -> str:
    details = f"Made {what} (with depth {depth}) to neo4j backend."
    if walk.truncated:
        details += f" Stopped at the node limit of {walk.limit}: the graph is incomplete."
    return details


# ---------------------------------------------------------------- native /lineage

DIRECTIONS = {UPSTREAM: [UPSTREAM], DOWNSTREAM: [DOWNSTREAM], "both": [UPSTREAM, DOWNSTREAM]}
KINDS = tuple(Kind)


@dataclass(frozen=True)
class LineageQuery:
    root: str
    direction: LineageDirection = "both"
    depth: int | None = None
    types: tuple[str, ...] = ()  # kinds or PROV classes, any case
    since: float | None = None  # epoch seconds
    until: float | None = None
    limit: int | None = None
    agents: bool = True


def checked_types(values: Iterable[str]) -> tuple[str, ...]:
    """`types=Dataset,ModelRun` or repeated `types=`: each a kind or a PROV class."""
    known = {name.lower(): name for name in (*KINDS, *PROV_CLASSES)}
    wanted = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [value for value in wanted if value.lower() not in known]
    choices = ", ".join(sorted(known.values()))
    if unknown:
        raise InvalidInput(
            [
                field_error(
                    ("types",), f"unknown type {value!r}; use any of {choices}", where="query"
                )
                for value in unknown
            ]
        )
    return tuple(known[value.lower()] for value in wanted)


def parse_time(name: str, value: str | None) -> float | None:
    """Epoch seconds or an ISO 8601 time (UTC when it names no offset)."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        problem = f"{value!r} is neither epoch seconds nor an ISO 8601 time"
        raise InvalidInput([field_error((name,), problem, where="query")]) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.timestamp()


def node_limit(limit: int | None, settings: Settings) -> int:
    """A caller's `limit` may lower the node limit, never lift it."""
    return min(limit or settings.node_limit, settings.node_limit)


def lineage_depth(depth: int | None, settings: Settings) -> int:
    if depth is None:
        return settings.max_depth
    if depth > settings.max_depth:
        raise BadRequest(f"depth {depth} is above the maximum of {settings.max_depth}.")
    return depth


def plain_value(value: Any) -> Any:
    """A readable JSON value; exports keep the exact PROV types, this answer is for people."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, NodeRef):
        return value.id
    if isinstance(value, QualifiedName):
        return str(value)
    if isinstance(value, Identifier):
        return value.uri
    if isinstance(value, Literal):
        return value.value
    return str(value)


def plain_attributes(encoded: str | None) -> dict[str, Any]:
    """Attributes by qualified name; a name given several values maps to a list."""
    plain: dict[str, Any] = {}
    for name, value in decode_attributes(encoded):
        key, item = str(name), plain_value(value)
        if key not in plain:
            plain[key] = item
        elif isinstance(plain[key], list):
            plain[key].append(item)
        else:
            plain[key] = [plain[key], item]
    return plain


def epoch_to_datetime(seconds: float | None) -> datetime.datetime | None:
    return None if seconds is None else utc(seconds)


def wanted(node: dict[str, Any], query: LineageQuery) -> bool:
    """The result filters: kinds or classes, and activities by start time. They filter
    what is shown, never the walk, so hiding a kind never hides what lies beyond it."""
    if query.types and node["kind"] not in query.types:
        if not set(node["classes"]) & set(query.types):
            return False
    if ACTIVITY in node["classes"] and (query.since is not None or query.until is not None):
        started = node["start_time"]
        if started is None:
            return False
        if query.since is not None and started < query.since:
            return False
        if query.until is not None and started > query.until:
            return False
    return True


def delegation_in_lineage(step: Step, shown: set[str]) -> bool:
    """A delegation made for an activity outside the lineage is not part of it."""
    for name, value in decode_attributes(step.attrs):
        if str(name) == "prov:activity" and isinstance(value, NodeRef):
            return value.id in shown
    return True


def lineage_edge(step: Step) -> LineageEdge:
    return LineageEdge(
        source=step.source,
        target=step.target,
        type=RELATION_NAMES[step.type],
        attributes=plain_attributes(step.attrs),
    )


def lineage_response(
    query: LineageQuery, depth: int, rows: repository.LineageRows
) -> LineageResponse:
    walk = rows.walk
    details = {node["id"]: node for node in rows.nodes}
    # The root is always shown: it is what the question is about. A node the walk reached
    # but the details statement did not find was being written while it ran (a read
    # transaction sees each commit as it lands, and a node is found by id through its index
    # a moment after its relationships are there): it is left out, as if a moment earlier.
    shown = {
        node
        for node in walk.levels
        if node == query.root or (node in details and wanted(details[node], query))
    }
    edges = [s for s in walk.steps.values() if s.source in shown and s.target in shown]
    lineage_nodes = set(shown)
    for step in rows.agent_steps:
        if step.type != Relation.ACTED_ON_BEHALF_OF and step.source in lineage_nodes:
            if step.target in details and wanted(details[step.target], query):
                shown.add(step.target)
                edges.append(step)
    for step in rows.agent_steps:
        if step.type == Relation.ACTED_ON_BEHALF_OF and {step.source, step.target} <= shown:
            if delegation_in_lineage(step, lineage_nodes):
                edges.append(step)
    order = [*walk.levels, *(node["id"] for node in rows.nodes if node["id"] not in walk.levels)]
    return LineageResponse(
        root=query.root,
        direction=query.direction,
        depth=depth,
        nodes=[
            LineageNode(
                id=node,
                prov_classes=sorted(details[node]["classes"]),
                kind=details[node]["kind"],
                label=details[node]["label"],
                start_time=epoch_to_datetime(details[node]["start_time"]),
                end_time=epoch_to_datetime(details[node]["end_time"]),
                distance=walk.levels.get(node),
                attributes=plain_attributes(details[node]["attrs"]),
            )
            for node in order
            if node in shown
        ],
        edges=[lineage_edge(step) for step in edges],
        truncated=walk.truncated,
    )


async def lineage(store: Store, settings: Settings, query: LineageQuery) -> LineageResponse:
    depth = lineage_depth(query.depth, settings)
    rows = await store.read(
        repository.read_lineage,
        query.root,
        DIRECTIONS[query.direction],
        depth,
        node_limit(query.limit, settings),
        query.agents,
    )
    if rows is None:
        raise NotFound(f"No node has the id {query.root!r}.")
    return lineage_response(query, depth, rows)


# ---------------------------------------------------------------- derivation paths


def derivation_path(row: dict[str, Any], from_source: bool) -> DerivationPath:
    """A path's nodes listed from `from` to `to`; its edges as stored."""
    return DerivationPath(
        length=len(row["edges"]),
        nodes=row["nodes"] if from_source else row["nodes"][::-1],
        edges=[
            LineageEdge(
                source=edge["source"],
                target=edge["target"],
                type=RELATION_NAMES[edge["type"]],
                attributes=plain_attributes(edge["attrs"]),
            )
            for edge in row["edges"]
        ],
    )


async def paths(
    store: Store, settings: Settings, source: str, target: str, max_depth: int | None
) -> PathsResponse:
    bound = lineage_depth(max_depth, settings)
    for node in (source, target):
        if not await store.read(repository.read_node, node):
            raise NotFound(f"No node has the id {node!r}.")
    searches: list[tuple[PathDirection, tuple[str, str]]] = [
        ("upstream", (source, target)),
        ("downstream", (target, source)),
    ]
    for direction, ends in searches:
        rows = await store.read(repository.read_paths, *ends, bound)
        if rows:
            return PathsResponse(
                source=source,
                target=target,
                max_depth=bound,
                direction=direction,
                paths=[derivation_path(row, direction == "upstream") for row in rows],
            )
    raise NotFound(
        f"No derivation path joins {source!r} and {target!r} within {bound} relations "
        "(used, wasGeneratedBy, wasDerivedFrom, wasInformedBy), in either direction."
    )
