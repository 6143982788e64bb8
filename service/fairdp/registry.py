"""The FAIR-DP registry resources: create, list, read, patch. HTTP-free; routes call these.

Each resource instance is one record (kind `fairdp_<resource>`, id `api/<resource>/<n>/`,
`seq` n) written through the one writer with the PROV graph it asserts. Its fields are
kept as record properties `field_<name>` (links as the linked resource's key) so lists
filter on them, and a resource with a unique constraint carries it as `unique_key`, which
a Neo4j constraint keeps unique even between concurrent requests.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ConstraintError
from pydantic import BaseModel

from graph_model import ProvGraph
from service.auth import Caller
from service.errors import BadRequest, Conflict, InvalidInput, NotFound, field_error
from service.fairdp import mapping, refs
from service.fairdp import repository as registry_repository
from service.fairdp.resources import RESOURCES, Resource, link_key
from service.records import repository
from service.records.repository import RecordToWrite, StoredRecord
from service.store import Store

ADMIN = "admin"  # the user the FAIR registry seeds, with an author of the same name
PAGING = ("cursor", "page_size", "format")  # query parameters that are not filters


@dataclass
class Resolved:
    """A body with its links as node ids (`body`) and as stored keys (`props`)."""

    body: dict[str, Any]
    props: dict[str, Any]


def resolve(resource: Resource, sent: dict[str, Any], root: str, users: set[str]) -> Resolved:
    """Turn the links of a request body into node ids; 422 naming every bad link."""
    body: dict[str, Any] = {}
    props: dict[str, Any] = {}
    errors = []
    for name, value in sent.items():
        target = resource.links.get(name)
        if target is None:
            body[name] = str(value) if name == "uuid" and value is not None else value
            props[f"field_{name}"] = body[name]
            continue
        nodes, keys = [], []
        for i, one in enumerate(value if isinstance(value, list) else [value]):
            loc: tuple[str | int, ...] = (name, i) if isinstance(value, list) else (name,)
            if one is None:
                continue
            parsed = refs.parse(one, root)
            if (
                parsed is None
                or parsed[0] != target
                or (target != refs.USERS and not refs.is_id(parsed[1]))
            ):
                errors.append(field_error(loc, f"{one!r} is not the URL of a {target} here"))
                continue
            if target == refs.USERS and parsed[1] not in users:
                errors.append(field_error(loc, f"{one!r} names no user of this server"))
                continue
            nodes.append(refs.node_id(*parsed))
            keys.append(link_key(target, parsed[1]))
        many = isinstance(value, list)
        body[name] = nodes if many else (nodes[0] if nodes else None)
        props[f"field_{name}"] = keys if many else (keys[0] if keys else None)
    if errors:
        raise InvalidInput(errors)
    if "uuid" in resource.body.model_fields and body.get("uuid") is None:
        body["uuid"] = props["field_uuid"] = str(uuid4())
    return Resolved(body, props)


def unique_key(resource: Resource, props: dict[str, Any]) -> str | None:
    if not resource.unique:
        return None
    # A digest: the values may be long, and an index entry may not.
    values = json.dumps([props.get(f"field_{name}") for name in resource.unique])
    return f"{resource.kind}:{hashlib.sha256(values.encode()).hexdigest()}"


async def _linked(
    tx: AsyncManagedTransaction, resource: Resource, body: dict[str, Any]
) -> dict[str, StoredRecord]:
    """The records the body links to, by node id; 422 naming each link to nothing."""
    wanted: list[tuple[tuple[str | int, ...], str, str]] = []
    for name, target in resource.links.items():
        if target == refs.USERS:
            continue
        value = body.get(name)
        for i, node in enumerate(value if isinstance(value, list) else [value]):
            if node is not None:
                wanted.append(((name, i) if isinstance(value, list) else (name,), node, target))
    found = await registry_repository.records_by_id(tx, sorted({w[1] for w in wanted}))
    errors = [
        field_error(loc, f"no {target} {node.split('/')[-2]} exists here", "missing_reference")
        for loc, node, target in wanted
        if node not in found or found[node].kind != RESOURCES[target].kind
    ]
    if errors:
        raise InvalidInput(errors)
    return {node: found[node] for _, node, _ in wanted}


async def _check_unique(
    tx: AsyncManagedTransaction, resource: Resource, key: str | None, own_id: str | None = None
) -> None:
    if key is None:
        return
    existing = await registry_repository.find_unique(tx, key)
    if existing is not None and existing.id != own_id:
        fields = ", ".join(resource.unique)
        raise Conflict(
            f"a {resource.name} with this {fields} already exists: {existing.id} "
            f"(the registry's unique constraint on {fields})"
        )


def _body(record: StoredRecord) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(record.body)
    return body


async def _graph(
    tx: AsyncManagedTransaction, resource: Resource, node: str, body: dict[str, Any]
) -> ProvGraph:
    linked = await _linked(tx, resource, body)
    if resource.name == "author":
        return mapping.author_graph(node, body)
    if resource.name == "user_author":
        return mapping.user_author_graph(body["user"], body["author"])
    if resource.name == "object":
        storage = None
        if body.get("storage_location"):
            location = _body(linked[body["storage_location"]])
            roots = await registry_repository.records_by_id(tx, [location["storage_root"]])
            storage = location | {"root": _body(roots[location["storage_root"]])["root"]}
        file_type = _body(linked[body["file_type"]]) if body.get("file_type") else None
        return mapping.object_graph(node, body, storage, file_type)
    if resource.name == "object_component":
        return mapping.component_graph(node, body)
    if resource.name == "data_product":
        namespace = _body(linked[body["namespace"]])["name"]
        return mapping.data_product_graph(node, body, namespace)
    if resource.name == "issue":
        return mapping.issue_graph(node, body)
    return ProvGraph()  # storage roots and locations, file types, namespaces: attributes


async def _new(
    tx: AsyncManagedTransaction, resource: Resource, resolved: Resolved, caller: str
) -> RecordToWrite:
    key = unique_key(resource, resolved.props)
    await _check_unique(tx, resource, key)
    seq = await repository.next_sequence(tx, resource.kind)
    node = refs.node_id(resource.name, seq)
    graph = await _graph(tx, resource, node, resolved.body)
    extra = {"seq": seq, "unique_key": key, **resolved.props}
    return RecordToWrite(node, resource.kind, graph, json.dumps(resolved.body), caller, extra=extra)


def _whole_object(object_node: str) -> Resolved:
    """The component the registry creates with every object: the object as a whole."""
    seq = int(object_node.split("/")[-2])
    body = {
        "object": object_node,
        "name": "whole_object",
        "description": None,
        "whole_object": True,
    }
    props = {"field_object": seq, "field_name": "whole_object", "field_whole_object": True}
    return Resolved(body, props)


async def _create(
    tx: AsyncManagedTransaction, resource: Resource, resolved: Resolved, caller: str
) -> StoredRecord:
    to_write = await _new(tx, resource, resolved, caller)
    await repository.write_new_records(tx, [to_write])
    if resource.name == "object":
        component = RESOURCES["object_component"]
        whole = await _new(tx, component, _whole_object(to_write.id), caller)
        await repository.write_new_records(tx, [whole])
    stored = await repository.get_record(tx, to_write.id)
    assert stored is not None
    return stored


async def create(
    store: Store, resource: Resource, sent: BaseModel, caller: str, root: str, users: set[str]
) -> StoredRecord:
    """Create one resource instance (an object with its whole-object component); 409 on the
    registry's unique constraint, 422 naming each link to nothing. Nothing half-written."""
    resolved = resolve(resource, sent.model_dump(mode="json"), root, users)
    try:
        return await store.write(_create, resource, resolved, caller)
    except ConstraintError:
        # A concurrent twin committed first: the same answer as when it had been seen.
        raise Conflict(
            f"a {resource.name} with this {', '.join(resource.unique)} already exists"
        ) from None


async def _patch(
    tx: AsyncManagedTransaction,
    resource: Resource,
    seq: int,
    resolved: Resolved,
    caller: Caller,
) -> StoredRecord:
    found = await repository.get_by_seq(tx, resource.kind, seq)
    # Locked and checked (403) before anything else answers (a 409, say).
    stored = found and await repository.get_for_change(tx, found.id, caller)
    if not stored:
        raise NotFound(f"no {resource.name} with id {seq}")
    body = _body(stored) | resolved.body
    props = stored.fields | resolved.props
    key = unique_key(resource, props)
    await _check_unique(tx, resource, key, stored.id)
    graph = await _graph(tx, resource, stored.id, body)
    new = RecordToWrite(
        stored.id,
        resource.kind,
        graph,
        json.dumps(body),
        caller.name,
        extra={"seq": seq, "unique_key": key, **props},
    )
    return await repository.replace_record(tx, new, f"PATCH /api/{resource.name}/", caller)


async def patch(
    store: Store,
    resource: Resource,
    seq: int,
    sent: BaseModel,
    caller: Caller,
    root: str,
    users: set[str],
) -> StoredRecord:
    """The given fields replace the stored ones; earlier versions stay in the record's
    history (`GET /records/api/<resource>/<id>/`). Another caller's needs admin (403)."""
    given = sent.model_dump(mode="json", exclude_unset=True)
    resolved = resolve(resource, given, root, users)
    if "uuid" not in given:
        resolved.body.pop("uuid", None)
        resolved.props.pop("field_uuid", None)
    try:
        return await store.write(_patch, resource, seq, resolved, caller)
    except ConstraintError:
        raise Conflict(
            f"a {resource.name} with this {', '.join(resource.unique)} already exists"
        ) from None


async def get(store: Store, resource: Resource, seq: int) -> StoredRecord:
    stored = await store.read(repository.get_by_seq, resource.kind, seq)
    if stored is None:
        raise NotFound(f"no {resource.name} with id {seq}")
    return stored


def filters(resource: Resource, params: dict[str, str], root: str) -> list[dict[str, Any]]:
    """The query string as exact-match filters on declared fields; 400 naming unknown
    fields and values that cannot be what the field holds."""
    known = set(resource.body.model_fields)
    unknown = sorted(set(params) - known - set(PAGING))
    if unknown:
        raise BadRequest(
            f"unknown filter field(s) {', '.join(unknown)} for {resource.name}; "
            f"filter on {', '.join(sorted(known))}"
        )
    found = []
    for name, value in params.items():
        if name in PAGING:
            continue
        target = resource.links.get(name)
        parsed: Any = value
        if target is not None:
            key = refs.last_segment(value)
            if target != refs.USERS and not refs.is_id(key):
                raise BadRequest(f"filter {name}: {value!r} is not the id or URL of a {target}")
            parsed = link_key(target, key)
        elif resource.is_bool(name):
            if value.lower() not in ("true", "false", "1", "0"):
                raise BadRequest(f"filter {name}: {value!r} is not a boolean (true or false)")
            parsed = value.lower() in ("true", "1")
        elif resource.is_int(name):
            if not re.fullmatch(r"-?[0-9]{1,9}", value):
                raise BadRequest(f"filter {name}: {value!r} is not an integer")
            parsed = int(value)
        found.append({"key": f"field_{name}", "value": parsed, "many": resource.is_list(name)})
    return found


async def _page(
    tx: AsyncManagedTransaction,
    resource: Resource,
    found: list[dict[str, Any]],
    before: int | None,
    limit: int,
) -> tuple[int, list[tuple[StoredRecord, dict[str, list[str]]]]]:
    count, page = await registry_repository.list_page(tx, resource.kind, found, before, limit)
    return count, await _with_reverse(tx, resource, page)


async def _with_reverse(
    tx: AsyncManagedTransaction, resource: Resource, page: list[StoredRecord]
) -> list[tuple[StoredRecord, dict[str, list[str]]]]:
    reverse: dict[str, dict[int, list[str]]] = {}
    seqs = [stored.seq for stored in page if stored.seq is not None]
    for name, (target, link, _) in resource.reverse.items():
        kind = RESOURCES[target].kind
        reverse[name] = await registry_repository.referrers(tx, kind, f"field_{link}", seqs)
    return [
        (stored, {name: found.get(stored.seq or 0, []) for name, found in reverse.items()})
        for stored in page
    ]


async def list_page(
    store: Store, resource: Resource, found: list[dict[str, Any]], before: int | None, limit: int
) -> tuple[int, list[tuple[StoredRecord, dict[str, list[str]]]]]:
    return await store.read(_page, resource, found, before, limit)


async def with_reverse(
    store: Store, resource: Resource, stored: StoredRecord
) -> tuple[StoredRecord, dict[str, list[str]]]:
    return (await store.read(_with_reverse, resource, [stored]))[0]


async def _seed(tx: AsyncManagedTransaction) -> None:
    author = RESOURCES["author"]
    resolved = Resolved({"name": ADMIN, "identifier": None}, {"field_name": ADMIN})
    resolved.body["uuid"] = resolved.props["field_uuid"] = str(uuid4())
    author_record = await _create(tx, author, resolved, ADMIN)
    user = refs.node_id(refs.USERS, ADMIN)
    link = Resolved(
        {"user": user, "author": author_record.id},
        {"field_user": ADMIN, "field_author": author_record.seq},
    )
    await _create(tx, RESOURCES["user_author"], link, ADMIN)


async def ensure_seeded(store: Store) -> None:
    """The `admin` user's author, as the FAIR registry seeds it, so an unmodified client's
    `initialise` finds it; written on first need (also after the graph was emptied)."""
    key = unique_key(RESOURCES["user_author"], {"field_user": ADMIN})
    assert key is not None
    if await store.read(registry_repository.find_unique, key):
        return
    try:
        await store.write(_seed)
    except (ConstraintError, Conflict):
        pass  # a concurrent request seeded it
