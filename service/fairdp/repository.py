"""Transaction functions for the FAIR-DP registry resources (records of kind `fairdp_*`).

Writing goes through `service.records.repository`, the one writer; these read what the
registry needs besides: filtered lists, unique keys, the records a request links to.
"""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from service.records.repository import StoredRecord
from service.store import fetch


async def list_page(
    tx: AsyncManagedTransaction,
    kind: str,
    filters: list[dict[str, Any]],
    before: int | None,
    limit: int,
) -> tuple[int, list[StoredRecord]]:
    rows = await fetch(tx, "fairdp/list", kind=kind, filters=filters, before=before, limit=limit)
    return int(rows[0]["count"]), [StoredRecord.from_row(row) for row in rows[0]["page"]]


async def find_unique(tx: AsyncManagedTransaction, key: str) -> StoredRecord | None:
    rows = await fetch(tx, "fairdp/find_unique", key=key)
    return StoredRecord.from_row(rows[0]["record"]) if rows else None


async def records_by_id(tx: AsyncManagedTransaction, ids: list[str]) -> dict[str, StoredRecord]:
    if not ids:  # no statement for nothing: most code runs name no record of ours
        return {}
    rows = await fetch(tx, "fairdp/records_by_id", ids=ids)
    return {row["record"]["id"]: StoredRecord.from_row(row["record"]) for row in rows}


async def referrers(
    tx: AsyncManagedTransaction, kind: str, key: str, targets: list[int]
) -> dict[int, list[str]]:
    rows = await fetch(tx, "fairdp/referrers", kind=kind, key=key, targets=targets)
    return {row["target"]: list(row["referrers"]) for row in rows}


async def generated_elsewhere(
    tx: AsyncManagedTransaction, activity: str, entity_ids: list[str]
) -> set[str]:
    rows = await fetch(tx, "fairdp/generated_elsewhere", activity=activity, entity_ids=entity_ids)
    return {row["entity"] for row in rows}
