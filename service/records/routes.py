"""Native `/records`: any registered record as submitted, with who/when/hash and history,
and its deletion."""

from fastapi import APIRouter

from service.auth import WriterDep
from service.deps import StoreDep
from service.records import service
from service.records.models import RecordDeleted, RecordView

router = APIRouter(tags=["records"])


@router.get("/records/{record_id:path}", responses={404: {"description": "no such record"}})
async def read_record(record_id: str, store: StoreDep) -> RecordView:
    """A record as it was submitted (latest version), its metadata and earlier versions with
    the reasons they were replaced. The id may contain `/` (Provena handles)."""
    return await service.get_record(store, record_id)


@router.delete("/records/{record_id:path}", responses={404: {"description": "no such record"}})
async def delete_record(
    record_id: str, store: StoreDep, caller: WriterDep, dry_run: bool = False
) -> RecordDeleted:
    """Delete any record, imported PROV documents included; another caller's needs the
    admin role. Only what no other record still asserts is removed. The `diff` is the one
    `POST /model_run/delete` answers (Provena's `action_type` codes: 2 remove node, 4
    remove link, 5/6 take this record off a link/node others still assert); with
    `dry_run=true` it is the planned diff and nothing changes."""
    diff = await service.delete_record(store, record_id, dry_run, caller)
    return RecordDeleted(id=record_id, dry_run=dry_run, diff=diff)
