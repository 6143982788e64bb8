"""Records and the PROV graphs they assert, written and retracted in single transactions.

Every function here is a transaction function for `Store.write`/`Store.read`: it may be
retried as a whole on a transient error, so it has no side effects outside the transaction.
Rows go to Neo4j in UNWIND statements of at most CHUNK_ROWS rows each, all in the one
transaction: no single statement (its parameters, its plan's state) grows with the record,
so a large record costs the transaction's own state, which Neo4j's memory pool bounds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_model import Attributes, Node, ProvGraph, Relation, kinds_conflict
from prov_export.values import decode_attributes, encode_attributes
from service.auth import Caller, Role
from service.errors import Conflict, Forbidden, NotFound
from service.store import fetch

CHUNK_ROWS = 5000
INT64_MAX = 2**63 - 1


async def fetch_chunked(
    tx: AsyncManagedTransaction, statement: str, parameter: str, rows: list[Any]
) -> list[dict[str, Any]]:
    """`fetch` with the rows parameter sent CHUNK_ROWS at a time; every chunk's rows back."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(rows), CHUNK_ROWS):
        found += await fetch(tx, statement, **{parameter: rows[start : start + CHUNK_ROWS]})
    return found


@dataclass
class RecordToWrite:
    id: str
    kind: str  # model_run | code_run | prov_document
    graph: ProvGraph
    body: str  # the record as submitted, JSON text
    created_by: str
    idempotency_key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)

    def properties(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "body": self.body,
            "content_hash": content_hash(self.body),
            "created_at": self.created_at,
            "created_by": self.created_by,
            "version": 1,
            "history": "[]",
            "idempotency_key": self.idempotency_key,
            "namespaces": json.dumps(self.graph.namespaces) if self.graph.namespaces else None,
            "dangling": json.dumps(self.graph.dangling) if self.graph.dangling else None,
            **self.extra,
        }


@dataclass(frozen=True)
class StoredRecord:
    """A record as Neo4j keeps it: the body as submitted, who wrote it and when, its
    history, and what a dialect keeps beside (FAIR-DP: `seq`, the run date and references;
    the registry's resources: their `field_<name>` values in `fields`; imported documents:
    media type and size; OpenLineage events: event time, run and type)."""

    id: str
    kind: str
    body: str  # JSON text, or an imported document's text as sent
    content_hash: str
    created_at: float  # epoch seconds
    created_by: str
    version: int = 1
    history: str = "[]"  # JSON list of the earlier versions
    updated_at: float | None = None
    updated_by: str | None = None
    idempotency_key: str | None = None
    namespaces: str | None = None
    dangling: str | None = None
    seq: int | None = None
    run_date: str | None = None
    inputs: list[str] | None = None
    outputs: list[str] | None = None
    unique_key: str | None = None
    media_type: str | None = None
    nodes: int = 0
    edges: int = 0
    ol_event_time: float | None = None
    ol_run: str | None = None
    ol_event_type: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredRecord:
        """From a record's properties as a statement returns them (`r {.*}`)."""
        known = {f.name for f in dataclasses.fields(cls)} - {"fields"}
        fields = {key: value for key, value in row.items() if key.startswith("field_")}
        return cls(**{key: value for key, value in row.items() if key in known}, fields=fields)

    @property
    def registered_at(self) -> float:
        """When the current version was written."""
        return self.updated_at or self.created_at

    @property
    def registered_by(self) -> str:
        """Who wrote the current version."""
        return self.updated_by or self.created_by


def _stored(rows: list[dict[str, Any]]) -> StoredRecord | None:
    return StoredRecord.from_row(rows[0]["record"]) if rows else None


def content_hash(body: str) -> str:
    return "sha256:" + hashlib.sha256(body.encode()).hexdigest()


async def write_new_records(
    tx: AsyncManagedTransaction, records: list[RecordToWrite], rows: GraphRows | None = None
) -> None:
    """Create the records and write their graphs, checking PROV's rules before commit.
    `rows`: the records' rows made beforehand (`GraphRows.of`), off the event loop for a big
    batch, and once however often the transaction is retried."""
    await write_graphs(tx, records, rows, create=True)


# The records whose generations PROV's unique generation holds for (imported documents may
# assert an entity generated twice among themselves); records/generation_conflicts.cypher
# names the same kinds.
RUN_KINDS = frozenset({"model_run", "code_run", "openlineage_event"})


@dataclass
class NodeWrite:
    """One node as this write asserts it: the Node of each record naming it, merged."""

    id: str
    assertions: list[tuple[str, Node]]  # (record id, the node as that record gives it)

    def row(self, i: int, lock: bool = False) -> dict[str, Any]:
        """`lock`: write the node (so lock it) even when it was there and this changes
        nothing (see `GraphRows.of`)."""
        nodes = [node for _, node in self.assertions]
        said = [encode_attributes(node.attributes) for node in nodes]
        attributes: list[Any] = []
        if len(nodes) > 1:
            for node in nodes:
                attributes += [a for a in node.attributes if a not in attributes]
        # One record's attributes as it said them; several records', their union.
        merged = encode_attributes(attributes) if len(nodes) > 1 else said[0]
        # First label and kind given, last time given: as the rows met the node one by one.
        return {
            "i": i,
            "id": self.id,
            "lock": lock,
            "classes": sorted({cls for node in nodes for cls in node.classes}),
            "kind": next((node.kind for node in nodes if node.kind), None),
            "label": next((node.label for node in nodes if node.label), None),
            "start_time": next(
                (n.start_time for n in reversed(nodes) if n.start_time is not None), None
            ),
            "end_time": next((n.end_time for n in reversed(nodes) if n.end_time is not None), None),
            "attrs": merged,
            "asserts": [
                {
                    "record": record_id,
                    "bundle": node.bundle,
                    # None: the same as the row's (merge_nodes takes those), not sent twice.
                    "attrs": None if attrs == merged else attrs,
                    "classes": list(node.classes),
                }
                for (record_id, node), attrs in zip(self.assertions, said, strict=True)
            ],
        }


def node_writes(records: list[RecordToWrite]) -> list[NodeWrite]:
    """One NodeWrite per node id, sorted by id (one lock order for every writer: fewer
    deadlocks). 409 when two of the records give one id two meanings."""
    by_id: dict[str, NodeWrite] = {}
    for record in records:
        for node in record.graph.nodes.values():
            write = by_id.setdefault(node.id, NodeWrite(node.id, []))
            for other_record, other in write.assertions:
                if kinds_conflict(other.classes, other.kind, node.classes, node.kind):
                    raise Conflict(
                        f"id {node.id!r} is given as {_meaning(other)} by record "
                        f"{other_record!r} and as {_meaning(node)} by record {record.id!r} "
                        "in this request. One id names one thing."
                    )
            write.assertions.append((record.id, node))
    return [by_id[node_id] for node_id in sorted(by_id)]


def _meaning(node: Node) -> str:
    return node.kind or "/".join(node.classes)


def edge_rows(records: list[RecordToWrite]) -> list[dict[str, Any]]:
    """One row per relation (type, endpoints and key), with every record asserting it."""
    rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for record in records:
        for edge in record.graph.edges:
            place = (edge.type, edge.source, edge.target, edge.key)
            row = rows.get(place)
            if row is None:
                rows[place] = {
                    "i": len(rows),
                    "type": edge.type,
                    "source": edge.source,
                    "target": edge.target,
                    "key": edge.key,
                    "relation_id": edge.relation_id,
                    "attrs": encode_attributes(edge.attributes),
                    "bundle": edge.bundle,
                    "records": [record.id],
                }
            elif record.id not in row["records"]:
                row["records"].append(record.id)
    return list(rows.values())


@dataclass(frozen=True)
class GraphRows:
    """What the writer sends Neo4j for some records' graphs: pure data, made without Neo4j
    (`of`), so a caller may make it off the event loop and a retried transaction reuses it."""

    writes: list[NodeWrite]
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]

    @classmethod
    def of(cls, records: list[RecordToWrite]) -> GraphRows:
        """409 when two of the records give one id two meanings.

        merge_nodes writes (and so locks until the commit) a node that was there only when
        this write changes it, or when it is the source of a relation that may be looked up
        (`write_graphs`: all but those keyed by a record written here): every writer of a
        relation locks its source before looking for it, so two cannot both miss it and
        create it twice, nor both generate one entity. The others, a modeller or a template
        that every run names, are left unlocked: concurrent runs no longer queue on them."""
        writes = node_writes(records)
        own_keys = {record.id for record in records}
        edges = edge_rows(records)
        sources = {edge["source"] for edge in edges if edge["key"] not in own_keys}
        nodes = [write.row(i, lock=write.id in sources) for i, write in enumerate(writes)]
        return cls(writes, nodes, edges)


async def write_graphs(
    tx: AsyncManagedTransaction,
    records: list[RecordToWrite],
    rows: GraphRows | None = None,
    create: bool = False,
) -> None:
    """Write the records' graphs (with `create`, the Record nodes first). A relation is
    looked for only when both its nodes were there before this transaction: a node this
    transaction created has no relations but the ones it creates (no other transaction sees
    it before commit), so the others are plain CREATEs, as a bare driver would write them."""
    rows = rows or GraphRows.of(records)
    writes, nodes, edges = rows.writes, rows.nodes, rows.edges
    new_records = [record.properties() for record in records] if create else []
    # What the nodes that existed already were, paired with the rows that met them.
    existing = [
        (nodes[before["i"]], before) for before in await _merge_nodes(tx, new_records, nodes)
    ]
    await _check_kinds(tx, writes, existing)
    await _merge_attributes(tx, existing)
    there_before = {row["id"] for row, _ in existing}
    created = {write.id for write in writes} - there_before
    # Nor is a relation keyed by the id of a record written here (a model run's delegation):
    # record ids are unique, and such a relation is asserted by its record alone.
    own_keys = {record.id for record in records}
    maybe_there = [
        e for e in edges if not {e["source"], e["target"]} & created and e["key"] not in own_keys
    ]
    await fetch_chunked(tx, "records/upsert_edges", "edges", maybe_there)
    looked_for = {edge["i"] for edge in maybe_there}
    new_edges = [edge for edge in edges if edge["i"] not in looked_for]
    await fetch_chunked(tx, "records/create_edges", "edges", new_edges)
    await check_unique_generation(tx, records, edges, created)


async def _merge_nodes(
    tx: AsyncManagedTransaction, records: list[dict[str, Any]], nodes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """records/merge_nodes, CHUNK_ROWS nodes a call; the first call creates the Record
    nodes too (one statement fewer per registration), also when there is no node."""
    found: list[dict[str, Any]] = []
    for start in range(0, max(len(nodes), 1 if records else 0), CHUNK_ROWS):
        chunk = nodes[start : start + CHUNK_ROWS]
        found += await fetch(
            tx, "records/merge_nodes", records=records if start == 0 else [], nodes=chunk
        )
    return found


Met = list[tuple[dict[str, Any], dict[str, Any]]]  # (row written, the node before it)


async def _check_kinds(tx: AsyncManagedTransaction, writes: list[NodeWrite], existing: Met) -> None:
    for row, before in existing:
        for record_id, node in writes[row["i"]].assertions:
            if kinds_conflict(tuple(before["classes"]), before["kind"], node.classes, node.kind):
                await _already_registered(tx, record_id, node, before)


async def _already_registered(
    tx: AsyncManagedTransaction, record_id: str, node: Node, before: dict[str, Any]
) -> None:
    earlier = await fetch(tx, "records/asserted_by", id=node.id, exclude=record_id)
    earlier_records = ", ".join(repr(r["record"]) for r in earlier) or "an earlier record"
    raise Conflict(
        f"id {node.id!r} is already registered as {before['kind'] or '/'.join(before['classes'])}"
        f" ({'/'.join(before['classes'])}, by {earlier_records}); record {record_id!r} "
        f"gives it as {_meaning(node)}. One id names one thing."
    )


def merged_attributes(stored: str | None, added: str) -> Attributes:
    """A node's attributes once a row's are written to it: what it had (None: nothing), then
    the row's it did not have."""
    attributes = decode_attributes(stored)
    return attributes + [a for a in decode_attributes(added) if a not in attributes]


async def _merge_attributes(tx: AsyncManagedTransaction, existing: Met) -> None:
    merged: dict[str, str] = {}
    for row, before in existing:
        # No attrs: the node had none (it takes the row's) or the very same as the row.
        if before["attrs"] is None:
            continue
        merged[row["id"]] = encode_attributes(merged_attributes(before["attrs"], row["attrs"]))
    if merged:
        rows = [{"id": node_id, "attrs": attrs} for node_id, attrs in merged.items()]
        await fetch_chunked(tx, "records/set_node_attributes", "rows", rows)


async def check_unique_generation(
    tx: AsyncManagedTransaction,
    records: list[RecordToWrite],
    edges: list[dict[str, Any]],
    created: set[str],
) -> None:
    """PROV unique generation. An entity created by this write is generated only by the
    activities of this write, so that is checked here; one that was there before is looked
    up in the graph (records/generation_conflicts.cypher)."""
    writing = {record.id for record in records}
    kinds = {record.id: record.kind for record in records}
    generations: dict[str, dict[str, list[str]]] = {}  # entity -> activity -> records
    for edge in edges:
        if edge["type"] == Relation.WAS_GENERATED_BY:
            by_activity = generations.setdefault(edge["source"], {})
            by_activity.setdefault(edge["target"], []).extend(edge["records"])
    for entity, by_activity in generations.items():
        asserted = {record for records_ in by_activity.values() for record in records_}
        if (
            entity in created
            and len(by_activity) > 1
            and any(kinds[record] in RUN_KINDS for record in asserted)
        ):
            found = [{"activity": a, "records": r} for a, r in sorted(by_activity.items())]
            raise Conflict(generation_conflict(entity, found, writing))
    older = sorted(entity for entity in generations if entity not in created)
    clashes = await fetch_chunked(tx, "records/generation_conflicts", "entity_ids", older)
    if clashes:
        clash = clashes[0]
        raise Conflict(generation_conflict(clash["entity"], clash["generations"], writing))


def generation_conflict(entity: str, generations: list[dict[str, Any]], writing: set[str]) -> str:
    """The 409 text for an entity generated twice: the generation already in the graph (by
    records other than those being written) is the earlier one, named with its records;
    the rejected request's own activity is named as the one refused."""
    earlier = [g for g in generations if set(g["records"]) - writing]
    refused = [g for g in generations if set(g["records"]) & writing]
    if not earlier:  # one request generating the entity twice: nothing earlier to name
        activities = sorted(g["activity"] for g in generations)
        return (
            f"entity {entity!r} is generated by more than one activity in this request "
            f"({activities}); PROV: an entity is generated by at most one activity."
        )
    first = min(earlier, key=lambda g: g["activity"])
    records = sorted(set(first["records"]) - writing)
    refused_text = ", ".join(sorted(repr(g["activity"]) for g in refused)) or "another activity"
    return (
        f"entity {entity!r} is already generated by activity {first['activity']!r} "
        f"(asserted by record {', '.join(repr(r) for r in records)}); {refused_text} cannot "
        "also have generated it (PROV: an entity is generated by at most one activity)."
    )


async def find_by_idempotency_key(tx: AsyncManagedTransaction, key: str) -> StoredRecord | None:
    return _stored(await fetch(tx, "records/find_by_idempotency_key", key=key))


async def get_record(tx: AsyncManagedTransaction, record_id: str) -> StoredRecord | None:
    return _stored(await fetch(tx, "records/get", id=record_id))


def ensure_may_change(caller: Caller, stored: StoredRecord) -> None:
    """Writers replace and delete their own records; anyone else's needs admin."""
    owner = stored.created_by
    if caller.role < Role.admin and owner != caller.name:
        raise Forbidden(
            f"record {stored.id!r} was created by {owner!r}; changing or deleting "
            f"another caller's record needs the admin role ({caller.name!r} has "
            f"{caller.role.name})."
        )


async def get_for_change(
    tx: AsyncManagedTransaction, record_id: str, caller: Caller
) -> StoredRecord | None:
    """The record `caller` is about to replace or delete, locked for the rest of the
    transaction, after checking they may (403); None when there is no such record. Checked
    here, in the transaction that writes, so no other change slips in between."""
    stored = _stored(await fetch(tx, "records/get_for_change", id=record_id))
    if stored is not None:
        ensure_may_change(caller, stored)
    return stored


# Provena's DiffActionType codes, kept beside a readable name.
REMOVE_NODE, REMOVE_LINK, REMOVE_RECORD_FROM_LINK, REMOVE_RECORD_FROM_NODE = "2", "4", "5", "6"


async def plan_retraction(tx: AsyncManagedTransaction, record_id: str) -> list[dict[str, Any]]:
    """What taking the record out of the graph changes, as a Provena-style diff."""
    diff: list[dict[str, Any]] = []
    for edge in await fetch(tx, "records/planned_edge_removals", id=record_id):
        link = {"source": edge["source"], "target": edge["target"], "type": edge["type"]}
        if edge["removed"]:
            diff.append({"action_type": REMOVE_LINK, "action": "remove_link", "link": link})
        else:
            diff.append(
                {
                    "action_type": REMOVE_RECORD_FROM_LINK,
                    "action": "remove_record_from_link",
                    "link": link,
                    "record_id": record_id,
                }
            )
    for node in await fetch(tx, "records/planned_node_removals", id=record_id):
        if node["removed"]:
            diff.append(
                {"action_type": REMOVE_NODE, "action": "remove_node", "node_id": node["id"]}
            )
        else:
            diff.append(
                {
                    "action_type": REMOVE_RECORD_FROM_NODE,
                    "action": "remove_record_from_node",
                    "node_id": node["id"],
                    "record_id": record_id,
                    "still_asserted_by": node["others"],
                }
            )
    return diff


async def retract(tx: AsyncManagedTransaction, record_id: str) -> None:
    await fetch(tx, "records/retract_edges", id=record_id)
    await fetch(tx, "records/retract_nodes", id=record_id)


async def delete_record(
    tx: AsyncManagedTransaction, record_id: str, kind: str | None, trial: bool, caller: Caller
) -> list[dict[str, Any]]:
    """Take a record (of `kind`, or of any kind when None) out of the graph; its diff. Only
    its creator or an admin may (403)."""
    record = await get_for_change(tx, record_id, caller)
    if record is None or (kind is not None and record.kind != kind):
        what = f"{kind.replace('_', ' ')} record" if kind else "record"
        raise NotFound(f"no {what} with id {record_id!r}")
    diff = await plan_retraction(tx, record_id)
    if not trial:
        await retract(tx, record_id)
        await fetch(tx, "records/delete_record", id=record_id)
    return diff


async def replace_record(
    tx: AsyncManagedTransaction, new: RecordToWrite, reason: str, caller: Caller
) -> StoredRecord:
    """A new version of a record: its old graph is retracted, the new one written, the old
    body and the reason kept in the record's history. Only the record's creator or an admin
    may (403)."""
    old = await get_for_change(tx, new.id, caller)
    if old is None or old.kind != new.kind:
        raise NotFound(f"no {new.kind.replace('_', ' ')} record with id {new.id!r}")
    await retract(tx, new.id)
    await write_graphs(tx, [new])
    history = json.loads(old.history)
    history.append(
        {
            "version": old.version,
            "body": json.loads(old.body),
            "content_hash": old.content_hash,
            "registered_at": old.registered_at,
            "registered_by": old.registered_by,
            "replaced_at": time.time(),
            "replaced_by": new.created_by,
            "reason": reason,
        }
    )
    changes = {
        "body": new.body,
        "content_hash": content_hash(new.body),
        "version": old.version + 1,
        "history": json.dumps(history),
        "updated_at": time.time(),
        "updated_by": new.created_by,
        **new.extra,
    }
    await fetch(tx, "records/update_record", id=new.id, changes=changes)
    stored = _stored(await fetch(tx, "records/get", id=new.id))
    assert stored is not None
    return stored


async def next_sequence(tx: AsyncManagedTransaction, name: str) -> int:
    rows = await fetch(tx, "records/next_sequence", name=name)
    return int(rows[0]["value"])


async def assign_sequence(tx: AsyncManagedTransaction, name: str, record_id: str) -> int:
    """The next integer of a named sequence, set as the record's `seq`. Last in its
    transaction: the sequence's lock is held from here to the commit only."""
    rows = await fetch(tx, "records/assign_sequence", name=name, id=record_id)
    return int(rows[0]["value"])


async def get_by_seq(tx: AsyncManagedTransaction, kind: str, seq: int) -> StoredRecord | None:
    return _stored(await fetch(tx, "records/get_by_seq", kind=kind, seq=seq))


async def list_code_runs(
    tx: AsyncManagedTransaction, filters: dict[str, Any], before: int | None, limit: int
) -> tuple[int, list[StoredRecord]]:
    """The count of matching code runs and one page of them, newest first (below `before`)."""
    statement = "records/list_code_runs_by_uuid" if filters["uuid"] else "records/list_code_runs"
    below = INT64_MAX if before is None else before
    rows = await fetch(tx, statement, **filters, before=below, limit=limit)
    return int(rows[0]["count"]), [StoredRecord.from_row(row) for row in rows[0]["page"]]
