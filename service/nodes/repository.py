"""Node reads: transaction functions for `Store.read`."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from service.store import fetch


async def search(
    tx: AsyncManagedTransaction, text: str, terms: str, kind: str | None, limit: int, scan: int
) -> list[dict[str, Any]]:
    return await fetch(
        tx, "nodes/search", text=text, terms=terms, kind=kind, limit=limit, scan=scan
    )


async def detail(tx: AsyncManagedTransaction, node_id: str) -> dict[str, Any] | None:
    rows = await fetch(tx, "nodes/detail", id=node_id)
    return rows[0] if rows else None
