"""The PROV statements of a graph, as the text writers (`provn`, `provjson`) take them.

One place for the export rules `to_document` follows (see `prov_export.document`): which
records a node, an edge or a kept note becomes, which attributes are formal and which
extra. Values stay as the graph holds them (a `NodeRef` is still a node id): the writers
turn them into text, so no `prov.model` object is built on the way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from prov.constants import PROV_LABEL
from prov.identifier import QualifiedName

from graph_model import ACTIVITY, RELATION_NAMES, Attributes, Edge, Node, NodeRef, ProvGraph, utc
from prov_export.notes import KeptRecord, Notes
from prov_export.vocabulary import ACTIVITY_TIMES, formal_names

START_TIME, END_TIME = ACTIVITY_TIMES
KEYWORDS = {"Entity": "entity", "Activity": "activity", "Agent": "agent"}


@dataclass(slots=True)
class Statement:
    keyword: str  # the PROV-N keyword, also PROV-JSON's section: entity, used...
    identifier: str | None  # a node id (elements; relations that have one)
    # Formal attributes in PROV-N order, None for `-`; an element's are an activity's times.
    formal: list[tuple[QualifiedName, Any]]
    extra: Attributes
    bundle: str | None


def statements(graph: ProvGraph, notes: Notes) -> Iterator[Statement]:
    """Every statement of a graph: elements, then relations, then kept records."""
    for node in graph.nodes.values():
        yield from node_statements(node, notes.undeclared.get(node.id, ()))
    for edge in graph.edges:
        yield edge_statement(edge)
    for record in notes.records:
        yield kept_statement(record)


def node_statements(node: Node, undeclared: Iterable[str] = ()) -> Iterator[Statement]:
    """One element per PROV class the node is declared as."""
    extra = [(name, value) for name, value in node.attributes if name not in ACTIVITY_TIMES]
    if node.label is not None and not any(name == PROV_LABEL for name, _ in node.attributes):
        extra.append((PROV_LABEL, node.label))
    for cls in node.classes:
        if cls in undeclared:
            continue
        formal = activity_times(node) if cls == ACTIVITY else []
        yield Statement(KEYWORDS[cls], node.id, formal, extra, node.bundle)


def activity_times(node: Node) -> list[tuple[QualifiedName, Any]]:
    """prov:startTime and prov:endTime: as asserted, else from the epoch-second helpers."""
    asserted: Mapping[QualifiedName, Any] = {
        name: value for name, value in node.attributes if name in ACTIVITY_TIMES
    }
    start = asserted.get(START_TIME)
    if start is None and node.start_time is not None:
        start = utc(node.start_time)
    end = asserted.get(END_TIME)
    if end is None and node.end_time is not None:
        end = utc(node.end_time)
    return [(START_TIME, start), (END_TIME, end)]


def edge_statement(edge: Edge) -> Statement:
    """The relation of an edge: source and target first, its formal attributes by name."""
    keyword, first, second, others = _RELATIONS[edge.type]
    formal: list[tuple[QualifiedName, Any]] = [
        (first, NodeRef(edge.source)),
        (second, NodeRef(edge.target)),
    ]
    if not edge.attributes:
        formal += [(name, None) for name in others]
        return Statement(keyword, edge.relation_id, formal, [], edge.bundle)
    given = {name: value for name, value in edge.attributes if name in others}
    formal += [(name, given.get(name)) for name in others]
    extra = [(name, value) for name, value in edge.attributes if name not in others]
    return Statement(keyword, edge.relation_id, formal, extra, edge.bundle)


def _relation(
    edge_type: str,
) -> tuple[str, QualifiedName, QualifiedName, tuple[QualifiedName, ...]]:
    keyword = RELATION_NAMES[edge_type]
    first, second, *others = formal_names(keyword)
    return keyword, first, second, tuple(others)


# Per edge type: the PROV-N keyword, the two main arguments and the other formal ones.
_RELATIONS = {edge_type: _relation(edge_type) for edge_type in RELATION_NAMES}


def kept_statement(record: KeptRecord) -> Statement:
    return Statement(record.type, record.identifier, record.formal, record.extra, record.bundle)
