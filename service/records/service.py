"""Reading records back as they were submitted, with their metadata and history."""

import json
from typing import Any

from service.errors import NotFound
from service.records import repository
from service.store import Store


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
