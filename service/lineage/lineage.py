"""The native `/lineage`: its rules (depth, limit, filters) and `Lineage`, what a question
found, which both `/lineage` and `/prov?scope=upstream|downstream|both` answer from."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graph_model import ACTIVITY, PROV_CLASSES, RELATION_NAMES, Kind, NodeRef, Relation
from prov_export.values import decode_attributes
from service.errors import BadRequest, InvalidInput, NotFound, field_error
from service.lineage import repository
from service.lineage.models import LineageDirection, LineageEdge, LineageNode, LineageResponse
from service.lineage.readable import epoch_to_datetime, plain_attributes
from service.lineage.repository import DOWNSTREAM, UPSTREAM
from service.lineage.walk import Step
from service.settings import Settings
from service.store import Store

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


@dataclass(frozen=True)
class Lineage:
    """What a lineage question found, before any answer is shaped from it: the nodes shown
    (the walk's nearest first, then the agents attached) with their stored details, and
    the relations shown between them, each with its element id."""

    query: LineageQuery
    depth: int
    nodes: list[dict[str, Any]]  # rows of `lineage/walk`: id, classes, kind, label, ...
    distances: dict[str, int]  # walk nodes only: agents are attached, not walked to
    relations: list[Step]
    truncated: bool

    @property
    def node_ids(self) -> list[str]:
        return [node["id"] for node in self.nodes]

    @property
    def relation_ids(self) -> list[str]:
        return [step.rel for step in self.relations]


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


def shown_lineage(query: LineageQuery, depth: int, rows: repository.LineageRows) -> Lineage:
    """What the walk found, filtered as the question asks."""
    walk = rows.walk
    details = {node["id"]: node for node in rows.nodes}
    # The root is always shown: it is what the question is about. A node the walk reached
    # but whose details were not read was deleted while the statement ran (a read
    # transaction sees each commit as it lands): it is left out, as if a moment later.
    shown = {
        node
        for node in walk.levels
        if node in details and (node == query.root or wanted(details[node], query))
    }
    relations = [s for s in walk.steps.values() if s.source in shown and s.target in shown]
    lineage_nodes = set(shown)
    for step in rows.agent_steps:
        if step.type != Relation.ACTED_ON_BEHALF_OF and step.source in lineage_nodes:
            if step.target in details and wanted(details[step.target], query):
                shown.add(step.target)
                relations.append(step)
    for step in rows.agent_steps:
        if step.type == Relation.ACTED_ON_BEHALF_OF and {step.source, step.target} <= shown:
            if delegation_in_lineage(step, lineage_nodes):
                relations.append(step)
    order = [*walk.levels, *(node["id"] for node in rows.nodes if node["id"] not in walk.levels)]
    return Lineage(
        query=query,
        depth=depth,
        nodes=[details[node] for node in order if node in shown],
        distances={node: level for node, level in walk.levels.items() if node in shown},
        relations=relations,
        truncated=walk.truncated,
    )


async def find_lineage(store: Store, settings: Settings, query: LineageQuery) -> Lineage:
    """The domain call behind `/lineage` and the lineage scopes of `/prov`."""
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
    return shown_lineage(query, depth, rows)


def lineage_edge(step: Step) -> LineageEdge:
    return LineageEdge(
        source=step.source,
        target=step.target,
        type=RELATION_NAMES[step.type],
        attributes=plain_attributes(step.attrs),
    )


def lineage_response(found: Lineage) -> LineageResponse:
    return LineageResponse(
        root=found.query.root,
        direction=found.query.direction,
        depth=found.depth,
        nodes=[
            LineageNode(
                id=node["id"],
                prov_classes=sorted(node["classes"]),
                kind=node["kind"],
                label=node["label"],
                start_time=epoch_to_datetime(node["start_time"]),
                end_time=epoch_to_datetime(node["end_time"]),
                distance=found.distances.get(node["id"]),
                attributes=plain_attributes(node["attrs"]),
            )
            for node in found.nodes
        ],
        edges=[lineage_edge(step) for step in found.relations],
        truncated=found.truncated,
    )


async def lineage(store: Store, settings: Settings, query: LineageQuery) -> LineageResponse:
    return lineage_response(await find_lineage(store, settings, query))
