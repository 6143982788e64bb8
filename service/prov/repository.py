"""Reading PROV graphs back out of the store for export: one record's, a set of nodes', or
the whole graph page by page. Transaction functions for `Store.read`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_model import Edge, Node, ProvGraph
from prov_export.ids import BLANK_ID_PREFIX
from prov_export.names import derived_prefix, id_schemes, scheme_namespaces
from prov_export.values import decode_attributes
from service.store import fetch, fetch_value


def _edge(row: dict[str, Any]) -> Edge:
    return Edge(
        row["type"],
        row["source"],
        row["target"],
        key=row["key"],
        relation_id=row["relation_id"],
        attributes=decode_attributes(row["attrs"]),
        bundle=row["bundle"],
    )


def _node(row: dict[str, Any]) -> Node:
    """A node as the whole graph knows it: the union of what every record asserted."""
    return Node(
        row["id"],
        tuple(sorted(row["classes"])),
        kind=row["kind"],
        label=row["label"],
        start_time=row["start_time"],
        end_time=row["end_time"],
        attributes=decode_attributes(row["attrs"]),
        bundle=row["bundle"],
    )


def _record_node(row: dict[str, Any], record_id: str) -> Node:
    """A node as one record asserted it.

    The node's label and epoch times are shared by every record asserting it, so they are
    left out: a record's attributes already hold its prov:label and, for imported
    documents, its times. Only a mapped run (its node id is its record id) keeps its times
    in the epoch fields alone.
    """
    own_run = row["id"] == record_id
    return Node(
        row["id"],
        tuple(sorted(row["classes"] or ())),
        kind=row["kind"],
        start_time=row["start_time"] if own_run else None,
        end_time=row["end_time"] if own_run else None,
        attributes=decode_attributes(row["attrs"]),
        bundle=row["bundle"],
    )


def _loads(text: str | None, default: Any) -> Any:
    return json.loads(text) if text else default


async def record_graph(tx: AsyncManagedTransaction, record_id: str) -> ProvGraph | None:
    """The graph one record registered, exactly; None when there is no such record."""
    rows = await fetch(tx, "prov/record", id=record_id)
    if not rows:
        return None
    record = rows[0]
    nodes = [
        _record_node(row, record_id) for row in await fetch(tx, "prov/record_nodes", id=record_id)
    ]
    edges = [_edge(row) for row in await fetch(tx, "prov/record_edges", id=record_id)]
    return ProvGraph(
        nodes={node.id: node for node in nodes},
        edges=edges,
        namespaces=_loads(record["namespaces"], {}),
        dangling=_loads(record["dangling"], []),
    )


async def lineage_graph(
    tx: AsyncManagedTransaction, node_ids: list[str], relation_ids: list[str]
) -> ProvGraph:
    """The nodes and relations a lineage question found, by node id and element id."""
    nodes = [_node(row) for row in await fetch(tx, "prov/nodes_by_id", ids=node_ids)]
    edges = [_edge(row) for row in await fetch(tx, "prov/relations_by_id", ids=relation_ids)]
    return ProvGraph(nodes={node.id: node for node in nodes}, edges=edges)


async def node_page(tx: AsyncManagedTransaction, after: str, limit: int) -> ProvGraph:
    """Up to `limit` nodes with ids after `after`, in id order, and the relations leaving
    them: every edge appears in exactly one page, the page of its source."""
    page = sorted(
        await fetch_value(tx, "prov/graph_page", after=after, limit=limit), key=itemgetter(0)
    )  # in id order already, as a rule
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for node_id, classes, kind, label, attrs, start, end, bundle, relations in page:
        nodes[node_id] = Node(
            node_id,
            tuple(sorted(classes)),
            kind=kind,
            label=label,
            start_time=start,
            end_time=end,
            attributes=decode_attributes(attrs),
            bundle=bundle,
        )
        edges += [
            Edge(
                edge_type,
                node_id,
                target,
                key=key,
                relation_id=relation_id,
                attributes=decode_attributes(edge_attrs),
                bundle=edge_bundle,
            )
            for edge_type, target, key, relation_id, edge_attrs, edge_bundle in relations
        ]
    return ProvGraph(nodes=nodes, edges=edges)


@dataclass
class GraphNotes:
    """Namespaces and import notes of every record, for the whole-graph export."""

    namespaces: dict[str, str] = field(default_factory=dict)
    dangling: list[dict[str, Any]] = field(default_factory=list)


async def all_notes(tx: AsyncManagedTransaction, with_schemes: bool = True) -> GraphNotes:
    """What the whole-graph export needs before its first page: every record's notes, and
    every namespace its names can be under (PROV-N declares them all up front).

    Those are the records' declared namespaces, the namespace of blank ids, and (with
    `with_schemes`, which only PROV-N needs: it reads the ids that start with a letter) one
    namespace per URI scheme of the absolute ids and of the declared namespaces, under
    which an IRI no declared namespace holds is written."""
    notes = GraphNotes()
    for row in await fetch(tx, "prov/record_notes"):
        for prefix, uri in _loads(row["namespaces"], {}).items():
            # The oldest record keeps a prefix; a later one naming another IRI with it
            # gets a prefix derived from that IRI.
            if notes.namespaces.setdefault(prefix, uri) != uri:
                notes.namespaces.setdefault(derived_prefix(uri), uri)
        notes.dangling.extend(_loads(row["dangling"], []))
    schemes: set[str] = set()
    if with_schemes:
        rows = await fetch(tx, "prov/id_schemes", absolute=ABSOLUTE, first="A", beyond="{")
        schemes = {f"{row['scheme']}:" for row in rows} | id_schemes(notes.namespaces.values())
    if BLANK_ID_PREFIX not in notes.namespaces.values():
        blank = "blank" if "blank" not in notes.namespaces else derived_prefix(BLANK_ID_PREFIX)
        notes.namespaces[blank] = BLANK_ID_PREFIX
    notes.namespaces.update(scheme_namespaces(schemes))
    return notes


# An id that is an absolute IRI (`prov_export.ids.is_absolute_iri`), as a Cypher regex; it
# starts with a letter, so `id_schemes` reads only the ids from "A" to "{" (before "{": "z").
ABSOLUTE = "[A-Za-z][A-Za-z0-9+.\\-]*:.*"
