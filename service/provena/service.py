"""Provena model runs: register, batch, update, delete. HTTP-free; the routes call these."""

from __future__ import annotations

import asyncio
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


async def register_batch(
    store: Store, records: list[ModelRunRecord], caller: str
) -> list[BatchItemResult]:
    """Chunks of records, one transaction each; a chunk that fails is retried record by
    record, so every record gets its own result and a bad one does not sink the others.
    The mapping and each chunk's rows are made in a worker thread: on the event loop they
    would hold up every other request, the availability pings too, for as long as they take."""
    prepared = await asyncio.to_thread(_prepare_batch, records, caller)

    results: dict[int, BatchItemResult] = {
        index: BatchItemResult(index=index, success=False, detail=detail)
        for index, _, to_write, detail in prepared
        if to_write is None
    }
    writable = [(index, record, to_write) for index, record, to_write, _ in prepared if to_write]
    for start in range(0, len(writable), BATCH_CHUNK):
        chunk = writable[start : start + BATCH_CHUNK]
        chunk_records = [w for _, _, w in chunk]
        try:
            rows = await asyncio.to_thread(GraphRows.of, chunk_records)
            await store.write(repository.write_new_records, chunk_records, rows)
            written = chunk
        except TransactionTooLarge as error:
            # Only under memory pressure from other transactions: a chunk is far below the
            # limit of one. The chunk's records are not written; the others stand.
            written = []
            for index, _, _ in chunk:
                results[index] = BatchItemResult(index=index, success=False, detail=error.detail)
        except Conflict:
            written = []
            for item in chunk:
                try:
                    await store.write(repository.write_new_records, [item[2]])
                    written.append(item)
                except Conflict as error:
                    results[item[0]] = BatchItemResult(
                        index=item[0], success=False, detail=error.detail
                    )
        records_written(KIND, len(written))
        for index, _, to_write in written:
            results[index] = BatchItemResult(index=index, success=True, id=to_write.id)
    return [results[index] for index in sorted(results)]


def _prepare_batch(
    records: list[ModelRunRecord], caller: str
) -> list[tuple[int, ModelRunRecord, RecordToWrite | None, Any]]:
    """Each record's graph, or why it has none (422 detail)."""
    prepared: list[tuple[int, ModelRunRecord, RecordToWrite | None, Any]] = []
    for index, record in enumerate(records):
        run_id = str(uuid4())
        try:
            graph = model_run_graph(record, run_id)
        except InvalidInput as error:
            prepared.append((index, record, None, error.detail))
            continue
        prepared.append(
            (index, record, RecordToWrite(run_id, KIND, graph, _body(record), caller), None)
        )
    return prepared


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
