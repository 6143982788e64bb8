"""Reading records back as they were submitted, with their metadata and history."""

import json
from typing import Any

from neo4j.exceptions import ConstraintError

from service.errors import NotFound
from service.records import repository
from service.records.repository import RecordToWrite
from service.store import Store


async def write_once(store: Store, to_write: RecordToWrite) -> dict[str, Any] | None:
    """Write a new record once per Idempotency-Key. None when this call wrote it; else the
    record that an earlier, or a concurrent, request with the same key wrote."""
    key = to_write.idempotency_key
    if key:
        stored = await store.read(repository.find_by_idempotency_key, key)
        if stored:
            return stored
    try:
        await store.write(repository.write_new_records, [to_write])
    except ConstraintError:
        if not key:
            raise
        # The unique key constraint let one of the concurrent duplicates commit first.
        stored = await store.read(repository.find_by_idempotency_key, key)
        if stored is None:
            raise
        return stored
    return None


async def get_record(store: Store, record_id: str) -> dict[str, Any]:
    stored = await store.read(repository.get_record, record_id)
    if stored is None:
        raise NotFound(f"no record with id {record_id!r}")
    return {
        "id": stored["id"],
        "kind": stored["kind"],
        "version": stored["version"],
        "created_at": stored["created_at"],
        "created_by": stored["created_by"],
        "updated_at": stored.get("updated_at"),
        "updated_by": stored.get("updated_by"),
        "content_hash": stored["content_hash"],
        "record": _submitted(stored),
        "history": json.loads(stored["history"]),
    }


def _submitted(stored: dict[str, Any]) -> Any:
    # An imported PROV document is kept as the text it was sent in (PROV-N is not JSON).
    if stored["kind"] == "prov_document":
        return stored["body"]
    return json.loads(stored["body"])
