"""Run reads: transaction functions for `Store.read`."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from graph_model import RUN_DIALECTS
from service.store import fetch


async def list_runs(
    tx: AsyncManagedTransaction,
    since: float | None,
    until: float | None,
    agent: str | None,
    dataset: str | None,
    after: tuple[float, str] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Runs of both dialects, newest first, after the keyset `after` (start time, id)."""
    after_time, after_id = after or (None, None)
    return await fetch(
        tx,
        "runs/list_runs",
        since=since,
        until=until,
        agent=agent,
        dataset=dataset,
        after_time=after_time,
        after_id=after_id,
        limit=limit,
        kinds=list(RUN_DIALECTS),
    )
