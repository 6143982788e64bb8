"""Provena's `/explore` queries: its vocabulary, its depth rules, and its node-link answers
built from one breadth-first walk (`repository.read_explore`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graph_model import ACTIVITY, AGENT, ENTITY, RELATION_NAMES, Kind
from service.errors import BadRequest, NotFound
from service.lineage import repository
from service.lineage.models import (
    ExploreLink,
    ExploreNode,
    ExploreResponse,
    ExploreStatus,
    ItemCategory,
    ItemSubType,
    NodeLinkGraph,
)
from service.lineage.repository import DOWNSTREAM, UPSTREAM
from service.lineage.walk import Step, Walk, steps_towards
from service.settings import Settings
from service.store import Store

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


def explore_details(what: str, depth: int, walk: Walk) -> str:
    details = f"Made {what} (with depth {depth}) to neo4j backend."
    if walk.truncated:
        details += f" Stopped at the node limit of {walk.limit}: the graph is incomplete."
    return details


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
