"""`GET /runs`: runs of both dialects, newest first, filtered and keyset-paged."""

import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import StoreDep
from service.runs import service
from service.runs.models import RunPage

router = APIRouter(tags=["runs"])


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
    return await service.list_runs(store, since, until, agent, dataset, cursor, limit)
