"""Native `/records`: any registered record as submitted, with who/when/hash and history."""

from typing import Any

from fastapi import APIRouter

from service.deps import StoreDep
from service.records.service import get_record

router = APIRouter(tags=["records"])


@router.get("/records/{record_id:path}", responses={404: {"description": "no such record"}})
async def read_record(record_id: str, store: StoreDep) -> dict[str, Any]:
    """A record as it was submitted (latest version), its metadata and earlier versions with
    the reasons they were replaced. The id may contain `/` (Provena handles)."""
    return await get_record(store, record_id)
