"""Reading records back as they were submitted, with their metadata and history."""

import json
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

from neo4j import AsyncManagedTransaction

from service.auth import Caller
from service.errors import AlreadyExists, Conflict, ContentTooLarge, InvalidInput, NotFound
from service.ops.metrics import records_written
from service.records import repository
from service.records.models import RecordView
from service.records.repository import RecordToWrite, StoredRecord
from service.store import Store, TransactionTooLarge, Work

T = TypeVar("T")


Find = Callable[[], Awaitable[StoredRecord | None]]


async def write_or_find(
    store: Store, create: Work[T], to_write: RecordToWrite, find: Find | None
) -> tuple[T | None, StoredRecord | None]:
    """`create(tx, to_write)` in one write transaction: `(what create returned, None)` when
    this call wrote, else `(None, the record an earlier request wrote)`. An earlier record
    is not looked for first: the write itself fails when there is one (a unique constraint
    on the record id or the Idempotency-Key, also when a concurrent twin committed first),
    and only a refused write asks `find`, so a new record costs one transaction. A refusal
    of any kind (409, 422) answers with the earlier record when there is one, as a look
    before the write would have."""
    try:
        written = await store.write(create, to_write)
        records_written(to_write.kind)
        return written, None
    except TransactionTooLarge as error:
        raise ContentTooLarge(
            f"The record holds {to_write.graph.size:,} PROV records (nodes and relations), more "
            f"than this Neo4j's transaction memory takes. {error.detail} Nothing was written: "
            "split it into smaller documents, or raise PROVGRAPH_NEO4J_HEAP."
        ) from error
    except (AlreadyExists, Conflict, InvalidInput):
        earlier = await find() if find else None
        if earlier is None:
            raise
        return None, earlier


def scoped_key(caller: str, key: str | None) -> str | None:
    """An Idempotency-Key as stored: each caller's keys are their own (caller names hold
    no ':'), so one caller's key never finds, nor blocks, another caller's record."""
    return None if key is None else f"{caller}:{key}"


async def write_once(store: Store, to_write: RecordToWrite) -> StoredRecord | None:
    """Write a new record once per caller and Idempotency-Key. None when this call wrote it;
    else the record that an earlier, or a concurrent, request of the caller with the same
    key wrote."""
    key = to_write.idempotency_key = scoped_key(to_write.created_by, to_write.idempotency_key)
    find = partial(store.read, repository.find_by_idempotency_key, key) if key else None
    _, earlier = await write_or_find(store, _write_one, to_write, find)
    return earlier


async def _write_one(tx: AsyncManagedTransaction, to_write: RecordToWrite) -> None:
    await repository.write_new_records(tx, [to_write])


async def delete_record(
    store: Store, record_id: str, dry_run: bool, caller: Caller
) -> list[dict[str, Any]]:
    """Delete any record (model run, code run, imported document): only what no other
    record asserts goes. The diff is Provena's (see `repository.plan_retraction`). Another
    caller's record needs the admin role (403)."""
    return await store.write(repository.delete_record, record_id, None, dry_run, caller)


async def get_record(store: Store, record_id: str) -> RecordView:
    stored = await store.read(repository.get_record, record_id)
    if stored is None:
        raise NotFound(f"no record with id {record_id!r}")
    return RecordView(
        id=stored.id,
        kind=stored.kind,
        version=stored.version,
        created_at=stored.created_at,
        created_by=stored.created_by,
        updated_at=stored.updated_at,
        updated_by=stored.updated_by,
        content_hash=stored.content_hash,
        record=_submitted(stored),
        history=json.loads(stored.history),
    )


def _submitted(stored: StoredRecord) -> Any:
    # An imported PROV document is kept as the text it was sent in (PROV-N is not JSON).
    if stored.kind == "prov_document":
        return stored.body
    return json.loads(stored.body)
