"""`GET /runs`: runs of both dialects, newest first, filtered and keyset-paged."""

import base64
import datetime
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from neo4j import AsyncManagedTransaction
from pydantic import BaseModel

from service.deps import StoreDep
from service.errors import BadRequest
from service.graph import RUN_DIALECTS, utc
from service.store import fetch

router = APIRouter(tags=["runs"])


class Run(BaseModel):
    id: str
    kind: str
    dialect: str
    label: str | None
    start_time: datetime.datetime | None
    end_time: datetime.datetime | None
    record: str


class RunPage(BaseModel):
    runs: list[Run]
    next_cursor: str | None


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


async def _list_runs(tx: AsyncManagedTransaction, params: dict[str, Any]) -> list[dict[str, Any]]:
    return await fetch(tx, "runs/list_runs", **params)


@router.get("/runs", responses={400: {"description": "a cursor this service did not give out"}})
async def list_runs(
    store: StoreDep,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    agent: str | None = None,
    dataset: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> RunPage:
    """Provena model runs and FAIR-DP code runs, newest first. `since`/`until` (ISO 8601 or
    epoch seconds) bound the start time; `agent` keeps runs associated with that agent,
    `dataset` runs that used or generated it. Pass `next_cursor` back as `cursor`."""
    after_time, after_id = decode_cursor(cursor) if cursor else (None, None)
    params = {
        "since": since.timestamp() if since else None,
        "until": until.timestamp() if until else None,
        "agent": agent,
        "dataset": dataset,
        "after_time": after_time,
        "after_id": after_id,
        "limit": limit,
        "kinds": list(RUN_DIALECTS),
    }
    rows = await store.read(_list_runs, params)
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
