"""Provena model runs: register, batch, update, delete. HTTP-free; the routes call these."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from graph_model import ProvGraph
from service.auth import Caller
from service.errors import Conflict, InvalidInput
from service.export import prov_json
from service.mapping import model_run_graph
from service.ops.metrics import records_written
from service.provena.models import (
    BatchItemResult,
    ModelRunRecord,
    ProvenanceRecordInfo,
)
from service.records import repository
from service.records.repository import GraphRows, RecordToWrite, StoredRecord, content_hash
from service.records.service import write_once
from service.settings import Settings
from service.store import Store, TransactionTooLarge

KIND = "model_run"
BATCH_CHUNK = 500


def _body(record: ModelRunRecord) -> str:
    return record.model_dump_json()


def record_info(
    settings: Settings, run_id: str, record: ModelRunRecord, graph: ProvGraph
) -> ProvenanceRecordInfo:
    """The answer about a registered run, from the graph it was written as."""
    return ProvenanceRecordInfo(id=run_id, prov_json=prov_json(graph, settings), record=record)


def _replay(
    settings: Settings, stored: StoredRecord, body: str, key: str | None
) -> ProvenanceRecordInfo:
    """The first answer to a re-sent request; a different body under one key is a conflict."""
    if stored.content_hash != content_hash(body):
        raise Conflict(
            f"Idempotency-Key {key!r} was already used by record "
            f"{stored.id!r} for a different body; use a new key for a new record."
        )
    record = ModelRunRecord.model_validate_json(stored.body)
    return record_info(settings, stored.id, record, model_run_graph(record, stored.id))


async def register_model_run(
    store: Store, record: ModelRunRecord, caller: str, idempotency_key: str | None
) -> tuple[ProvenanceRecordInfo, bool]:
    """The run's record info, and whether this call wrote it (False: a replay)."""
    body = _body(record)
    run_id = str(uuid4())
    graph = model_run_graph(record, run_id)
    to_write = RecordToWrite(run_id, KIND, graph, body, caller, idempotency_key)
    earlier = await write_once(store, to_write)
    if earlier:
        return _replay(store.settings, earlier, body, idempotency_key), False
    return record_info(store.settings, run_id, record, graph), True


@dataclass
class Chunk:
    """Up to BATCH_CHUNK records of a batch, mapped: the ones to write (with their index in
    the batch) and their rows, and why the others have no graph (422 detail)."""

    writable: list[tuple[int, RecordToWrite]]
    rows: GraphRows | None
    failed: dict[int, Any]


async def register_batch(
    store: Store, records: list[ModelRunRecord], caller: str
) -> list[BatchItemResult]:
    """Chunks of records, one transaction each; a chunk that fails is retried record by
    record, so every record gets its own result and a bad one does not sink the others.
    A chunk is mapped (and its rows made) in a worker thread while the one before it is
    written: on the event loop the mapping would hold up every other request, the
    availability pings too, and taking turns would leave Neo4j idle while we map."""
    if not records:
        return []
    results: dict[int, BatchItemResult] = {}

    def prepare(start: int) -> asyncio.Future[Chunk]:
        chunk = records[start : start + BATCH_CHUNK]
        return asyncio.ensure_future(asyncio.to_thread(_prepare_chunk, chunk, start, caller))

    preparing = prepare(0)
    try:
        for start in range(0, len(records), BATCH_CHUNK):
            chunk = await preparing
            if start + BATCH_CHUNK < len(records):
                preparing = prepare(start + BATCH_CHUNK)
            for index, detail in chunk.failed.items():
                results[index] = BatchItemResult(index=index, success=False, detail=detail)
            results.update(await _write_chunk(store, chunk))
    finally:
        preparing.cancel()  # done by now, unless a write failed
    return [results[index] for index in sorted(results)]


async def _write_chunk(store: Store, chunk: Chunk) -> dict[int, BatchItemResult]:
    """The chunk's records in one transaction; on a conflict, record by record."""
    if not chunk.writable:
        return {}
    results: dict[int, BatchItemResult] = {}
    to_write = [record for _, record in chunk.writable]
    try:
        await store.write(repository.write_new_records, to_write, chunk.rows)
        written = chunk.writable
    except TransactionTooLarge as error:
        # Only under memory pressure from other transactions: a chunk is far below the
        # limit of one. The chunk's records are not written; the others stand.
        written = []
        for index, _ in chunk.writable:
            results[index] = BatchItemResult(index=index, success=False, detail=error.detail)
    except Conflict:
        written = []
        for index, record in chunk.writable:
            try:
                await store.write(repository.write_new_records, [record])
                written.append((index, record))
            except Conflict as error:
                results[index] = BatchItemResult(index=index, success=False, detail=error.detail)
    records_written(KIND, len(written))
    for index, record in written:
        results[index] = BatchItemResult(index=index, success=True, id=record.id)
    return results


def _prepare_chunk(records: list[ModelRunRecord], first: int, caller: str) -> Chunk:
    """Each record's graph, or why it has none; `first`: the first record's batch index."""
    chunk = Chunk(writable=[], rows=None, failed={})
    for index, record in enumerate(records, start=first):
        run_id = str(uuid4())
        try:
            graph = model_run_graph(record, run_id)
        except InvalidInput as error:
            chunk.failed[index] = error.detail
            continue
        chunk.writable.append((index, RecordToWrite(run_id, KIND, graph, _body(record), caller)))
    if chunk.writable:
        chunk.rows = GraphRows.of([record for _, record in chunk.writable])
    return chunk


async def update_model_run(
    store: Store, run_id: str, reason: str, record: ModelRunRecord, caller: Caller
) -> tuple[ProvenanceRecordInfo, int]:
    """The run's new version; another caller's run needs the admin role (403)."""
    graph = model_run_graph(record, run_id)
    new = RecordToWrite(run_id, KIND, graph, _body(record), caller.name)
    updated = await store.write(repository.replace_record, new, reason, caller)
    return record_info(store.settings, run_id, record, graph), updated.version


async def delete_model_run(
    store: Store, record_id: str, trial: bool, caller: Caller
) -> list[dict[str, Any]]:
    """Another caller's run needs the admin role (403), in trial mode too."""
    return await store.write(repository.delete_record, record_id, KIND, trial, caller)
