"""FAIR-DP code runs: register, read, list, patch, delete. HTTP-free; the routes call these.

A code run is one record whose id is the run's uuid (so a re-sent uuid finds the first
record) and whose `seq` is the registry's integer id used in `/api/code_run/{id}/` URLs.
"""

from __future__ import annotations

import datetime
import json
from functools import partial
from typing import Any
from uuid import uuid4

from neo4j import AsyncManagedTransaction

from service.errors import Conflict, NotFound
from service.fairdp.models import CodeRunIn, CodeRunPatch
from service.graph import utc
from service.mapping import code_run_graph
from service.records import repository
from service.records.repository import RecordToWrite
from service.records.service import write_or_find
from service.store import Store

KIND = "code_run"


def agent_id(caller: str) -> str:
    return f"users/{caller}"


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def iso_epoch(seconds: float) -> str:
    return iso(utc(seconds))


def _to_write(run: CodeRunIn, run_id: str, caller: str) -> RecordToWrite:
    body = run.model_dump_json(by_alias=True, exclude={"uuid"})
    return RecordToWrite(
        run_id,
        KIND,
        code_run_graph(run, run_id, agent_id(caller)),
        body,
        caller,
        extra={"run_date": iso(run.run_date), "inputs": run.inputs, "outputs": run.outputs},
    )


async def _create(tx: AsyncManagedTransaction, to_write: RecordToWrite) -> dict[str, Any]:
    to_write.extra["seq"] = await repository.next_sequence(tx, KIND)
    await repository.write_new_records(tx, [to_write])
    stored = await repository.get_record(tx, to_write.id)
    assert stored is not None
    return stored


async def register_code_run(
    store: Store, run: CodeRunIn, caller: str
) -> tuple[dict[str, Any], bool]:
    """The stored record and whether it is new; a uuid seen before returns the first one."""
    run_id = str(run.uuid or uuid4())
    find = partial(store.read, repository.get_record, run_id)
    stored, earlier = await write_or_find(store, _create, _to_write(run, run_id, caller), find)
    if earlier is not None:
        if earlier["kind"] != KIND:
            raise Conflict(
                f"uuid {run_id!r} is already the id of a {earlier['kind'].replace('_', ' ')} "
                f"record; a code run's uuid must name no other record."
            )
        return earlier, False
    assert stored is not None
    return stored, True


async def get_code_run(store: Store, seq: int) -> dict[str, Any]:
    stored = await store.read(repository.get_by_seq, KIND, seq)
    if stored is None:
        raise NotFound(f"no code run with id {seq}")
    return stored


async def list_code_runs(
    store: Store, filters: dict[str, Any], before: int | None, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    return await store.read(repository.list_code_runs, filters, before, limit)


async def patch_code_run(
    store: Store, seq: int, patch: CodeRunPatch, caller: str
) -> dict[str, Any]:
    """The given fields replace the stored ones (lists too, as the registry does)."""
    stored = await get_code_run(store, seq)
    body = json.loads(stored["body"]) | patch.model_dump(by_alias=True, exclude_unset=True)
    run = CodeRunIn.model_validate(body)
    to_write = _to_write(run, stored["id"], caller)
    to_write.extra["seq"] = seq
    return await store.write(repository.replace_record, to_write, "PATCH /api/code_run/")


async def delete_code_run(store: Store, seq: int) -> None:
    stored = await get_code_run(store, seq)
    await store.write(repository.delete_record, stored["id"], KIND, False)
