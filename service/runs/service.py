"""Runs of both dialects, keyset-paged: the cursor codec and the shaping of rows."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

from graph_model import RUN_DIALECTS, utc
from service.errors import BadRequest
from service.runs import repository
from service.runs.models import Run, RunPage
from service.store import Store


def _time(epoch: float | None) -> datetime.datetime | None:
    return None if epoch is None else utc(epoch)


def encode_cursor(row: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps([row["start_time"], row["id"]]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[float, str]:
    try:
        start_time, run_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return float(start_time), str(run_id)
    except (ValueError, TypeError) as error:
        raise BadRequest(f"cursor {cursor!r} is not one this service gave out") from error


async def list_runs(
    store: Store,
    since: datetime.datetime | None,
    until: datetime.datetime | None,
    agent: str | None,
    dataset: str | None,
    cursor: str | None,
    limit: int,
) -> RunPage:
    rows = await store.read(
        repository.list_runs,
        since.timestamp() if since else None,
        until.timestamp() if until else None,
        agent,
        dataset,
        decode_cursor(cursor) if cursor else None,
        limit,
    )
    runs = [
        Run(
            id=row["id"],
            kind=row["kind"],
            dialect=RUN_DIALECTS[row["kind"]],
            label=row["label"],
            start_time=_time(row["start_time"]),
            end_time=_time(row["end_time"]),
            record=f"/records/{row['id']}",
        )
        for row in rows
    ]
    return RunPage(runs=runs, next_cursor=encode_cursor(rows[-1]) if len(rows) == limit else None)
