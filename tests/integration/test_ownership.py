"""Ownership is checked inside the transaction that replaces or deletes a record: a change
by one caller and a change by another are serialised on the record, and each is checked
against the version it then changes."""

import asyncio
from typing import Any

from neo4j import AsyncManagedTransaction

from service.auth import Caller, Role
from service.errors import Forbidden
from service.mapping import model_run_graph
from service.provena import service as provena
from service.provena.models import ModelRunRecord
from service.records import repository
from service.records.repository import RecordToWrite, StoredRecord
from service.settings import Settings
from service.store import Store
from tests.payloads import model_run

ALICE, BOB = Caller("alice", Role.write), Caller("bob", Role.write)
BOSS = Caller("boss", Role.admin)
HELD_S = 1.0  # how long the first change stays uncommitted while the second one is sent


async def held_update_and_delete(
    settings: Settings, updater: Caller, deleter: Caller
) -> tuple[StoredRecord, BaseException | list[dict[str, Any]], bool]:
    """alice registers a run; `updater` replaces it in a transaction held open for HELD_S
    while `deleter` deletes it. The update's answer, the delete's answer (or error), and
    whether the delete had finished while the update was still uncommitted."""
    store = Store(settings)
    await store.open()
    try:
        record = ModelRunRecord.model_validate(model_run(1))
        info, _ = await provena.register_model_run(store, record, ALICE.name, None)
        changed = ModelRunRecord.model_validate(model_run(1, description="second version"))
        new = RecordToWrite(
            info.id,
            provena.KIND,
            model_run_graph(changed, info.id),
            changed.model_dump_json(),
            updater.name,
        )
        written, release = asyncio.Event(), asyncio.Event()

        async def held_update(tx: AsyncManagedTransaction) -> StoredRecord:
            updated = await repository.replace_record(tx, new, "second version", updater)
            written.set()
            await release.wait()
            return updated

        update = asyncio.create_task(store.write(held_update))
        await written.wait()
        delete = asyncio.create_task(provena.delete_model_run(store, info.id, False, deleter))
        await asyncio.sleep(HELD_S)
        finished_early = delete.done()
        release.set()
        updated = await update
        deleted: BaseException | list[dict[str, Any]]
        try:
            deleted = await delete
        except Forbidden as error:
            deleted = error
        return updated, deleted, finished_early
    finally:
        await store.close()


def test_an_update_and_a_delete_by_two_callers_cannot_both_pass(
    test_settings: Settings, clean_graph: None
) -> None:
    updated, deleted, finished_early = asyncio.run(
        held_update_and_delete(test_settings, ALICE, BOB)
    )
    # bob's delete waited for alice's uncommitted update (no read around it), then its check
    # saw alice's record and refused: only one of the two changes passed.
    assert not finished_early
    assert updated.version == 2 and updated.created_by == "alice"
    assert isinstance(deleted, Forbidden) and deleted.status_code == 403
    assert "created by 'alice'" in str(deleted.detail)


def test_an_admin_delete_waits_for_the_update_and_then_takes_it(
    test_settings: Settings, clean_graph: None
) -> None:
    updated, deleted, finished_early = asyncio.run(
        held_update_and_delete(test_settings, ALICE, BOSS)
    )
    assert not finished_early
    assert updated.version == 2
    assert isinstance(deleted, list) and deleted, deleted
