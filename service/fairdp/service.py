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

from graph_model import utc
from service.auth import Caller
from service.errors import Conflict, InvalidInput, NotFound, field_error
from service.fairdp import refs
from service.fairdp import repository as registry_repository
from service.fairdp.models import CodeRunIn, CodeRunPatch
from service.mapping import code_run_graph
from service.records import repository
from service.records.repository import RecordToWrite, StoredRecord
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


# Which registry resource each reference of a code run names when it is one of ours.
LINKS = {
    "code_repo": "object",
    "model_config": "object",
    "submission_script": "object",
    "inputs": "object_component",
    "outputs": "object_component",
}


def _references(run: CodeRunIn) -> list[tuple[tuple[str | int, ...], str, str]]:
    found: list[tuple[tuple[str | int, ...], str, str]] = []
    fields = run.model_dump(by_alias=True)
    for name, target in LINKS.items():
        value = fields[name]
        for i, one in enumerate(value if isinstance(value, list) else [value]):
            if one is not None:
                found.append(((name, i) if isinstance(value, list) else (name,), one, target))
    return found


def localise(run: CodeRunIn, root: str) -> CodeRunIn:
    """References to this server's objects and components become their node ids (other
    registries' URLs stay as sent); 422 naming a URL of ours that is not of the right kind."""
    errors = []
    for loc, value, target in _references(run):
        parsed = refs.parse(value, root)
        if parsed and (parsed[0] != target or not refs.is_id(parsed[1])):
            errors.append(field_error(loc, f"{value!r} is not the URL of a {target} here"))
    if errors:
        raise InvalidInput(errors)
    update = {
        "code_repo": run.code_repo and refs.to_node(run.code_repo, root),
        "model_config_ref": run.model_config_ref and refs.to_node(run.model_config_ref, root),
        "submission_script": refs.to_node(run.submission_script, root),
        "inputs": [refs.to_node(ref, root) for ref in run.inputs],
        "outputs": [refs.to_node(ref, root) for ref in run.outputs],
    }
    return run.model_copy(update=update)


async def _link_and_map(tx: AsyncManagedTransaction, to_write: RecordToWrite) -> None:
    """Check the run's links to this registry name existing records, and map outputs an
    earlier run generated (a re-run's) as influenced, not generated, by this one."""
    run = CodeRunIn.model_validate_json(to_write.body)
    local = [ref for ref in _references(run) if ref[1].startswith("api/")]
    found = await registry_repository.records_by_id(tx, sorted({node for _, node, _ in local}))
    errors = [
        field_error(loc, f"no {target} {node.split('/')[-2]} exists here", "missing_reference")
        for loc, node, target in local
        if node not in found or found[node].kind != f"fairdp_{target}"
    ]
    if errors:
        raise InvalidInput(errors)
    ours = [node for node in run.outputs if node.startswith("api/")]
    if ours:
        regenerated = await registry_repository.generated_elsewhere(tx, to_write.id, ours)
        agent = agent_id(to_write.created_by)
        to_write.graph = code_run_graph(run, to_write.id, agent, frozenset(regenerated))


async def _create(tx: AsyncManagedTransaction, to_write: RecordToWrite) -> StoredRecord:
    await _link_and_map(tx, to_write)
    await repository.write_new_records(tx, [to_write])
    # Every code run takes the one sequence's lock: last, so concurrent runs wait the least.
    to_write.extra["seq"] = await repository.assign_sequence(tx, KIND, to_write.id)
    return StoredRecord.from_row(to_write.properties())


async def register_code_run(
    store: Store, run: CodeRunIn, caller: str, root: str
) -> tuple[StoredRecord, bool]:
    """The stored record and whether it is new; a uuid seen before returns the first one."""
    run = localise(run, root)
    run_id = str(run.uuid or uuid4())
    find = partial(store.read, repository.get_record, run_id)
    stored, earlier = await write_or_find(store, _create, _to_write(run, run_id, caller), find)
    if earlier is not None:
        if earlier.kind != KIND:
            raise Conflict(
                f"uuid {run_id!r} is already the id of a {earlier.kind.replace('_', ' ')} "
                f"record; a code run's uuid must name no other record."
            )
        return earlier, False
    assert stored is not None
    return stored, True


async def get_code_run(store: Store, seq: int) -> StoredRecord:
    stored = await store.read(repository.get_by_seq, KIND, seq)
    if stored is None:
        raise NotFound(f"no code run with id {seq}")
    return stored


async def list_code_runs(
    store: Store, filters: dict[str, Any], before: int | None, limit: int
) -> tuple[int, list[StoredRecord]]:
    return await store.read(repository.list_code_runs, filters, before, limit)


async def _replace(
    tx: AsyncManagedTransaction, to_write: RecordToWrite, caller: Caller
) -> StoredRecord:
    await repository.get_for_change(tx, to_write.id, caller)  # 403 before any other answer
    await _link_and_map(tx, to_write)
    return await repository.replace_record(tx, to_write, "PATCH /api/code_run/", caller)


async def patch_code_run(
    store: Store, seq: int, patch: CodeRunPatch, caller: Caller, root: str
) -> StoredRecord:
    """The given fields replace the stored ones (lists too, as the registry does). Another
    caller's run needs the admin role (403)."""
    stored = await get_code_run(store, seq)
    body = json.loads(stored.body) | patch.model_dump(by_alias=True, exclude_unset=True)
    run = localise(CodeRunIn.model_validate(body), root)
    to_write = _to_write(run, stored.id, caller.name)
    to_write.extra["seq"] = seq
    return await store.write(_replace, to_write, caller)


async def delete_code_run(store: Store, seq: int, caller: Caller) -> None:
    """Another caller's run needs the admin role (403)."""
    stored = await get_code_run(store, seq)
    await store.write(repository.delete_record, stored.id, KIND, False, caller)
