"""Provena Provenance Store API paths: model run registration, update and delete."""

from typing import Any

from fastapi import APIRouter, Response

from service.auth import WriterDep
from service.deps import IdempotencyKey, StoreDep
from service.errors import ContentTooLarge
from service.provena import service
from service.provena.models import (
    DeleteRequest,
    DeleteResponse,
    ModelRunRecord,
    RegisterBatchRequest,
    RegisterBatchResponse,
    RegisterModelRunResponse,
    Status,
    UpdateModelRunRequest,
    UpdateModelRunResponse,
)

router = APIRouter(tags=["provena"])
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "an id already names something else, or an output is taken"}
}


@router.post("/model_run/register", responses=CONFLICT)
async def register_model_run(
    record: ModelRunRecord,
    store: StoreDep,
    caller: WriterDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> RegisterModelRunResponse:
    """Register one model run record, synchronously: when this answers, the run's PROV graph
    is written. `record_info.id` is the run's id (minted here). Re-sending with the same
    `Idempotency-Key` returns the first answer and writes nothing (the answer then carries
    `Idempotent-Replayed: true`)."""
    info, created = await service.register_model_run(store, record, caller.name, idempotency_key)
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return RegisterModelRunResponse(
        status=Status(success=True, details=f"Registered model run {info.id}."),
        session_id=info.id,
        record_info=info,
    )


@router.post(
    "/model_run/register_batch", responses={413: {"description": "more records than allowed"}}
)
async def register_batch(
    request: RegisterBatchRequest, store: StoreDep, caller: WriterDep
) -> RegisterBatchResponse:
    """Register many records in one call. Per-record results: each record succeeds or fails
    on its own (`results[i].success` with the run's `id`, or `detail` naming the problem;
    each run's PROV-JSON is at `GET /prov?id=&scope=record`); the records are
    written in transactions of up to 500, and a transaction that hits a conflict is retried
    record by record so only the bad records fail. The body must be valid as a whole (422).
    At most `PROVGRAPH_MAX_BATCH` records (default 20000) per call (413)."""
    limit = store.settings.max_batch
    if len(request.records) > limit:
        raise ContentTooLarge(
            f"register_batch takes at most {limit} records per call; this one has "
            f"{len(request.records)}. Send them in several calls."
        )
    results = await service.register_batch(store, request.records, caller.name)
    failed = sum(not result.success for result in results)
    return RegisterBatchResponse(
        status=Status(
            success=failed == 0,
            details=f"Registered {len(results) - failed} of {len(results)} records.",
        ),
        results=results,
    )


@router.post("/model_run/update", responses={404: {"description": "no such model run"}})
async def update_model_run(
    request: UpdateModelRunRequest, store: StoreDep, caller: WriterDep
) -> UpdateModelRunResponse:
    """Replace a model run's record: the graph becomes the new version's; the earlier
    versions and the reasons stay retrievable at `GET /records/{id}`. Another caller's
    record needs the admin role."""
    info, version = await service.update_model_run(
        store, request.model_run_id, request.reason, request.record, caller
    )
    return UpdateModelRunResponse(
        status=Status(success=True, details=f"Updated model run {info.id} to version {version}."),
        session_id=info.id,
        record_info=info,
        version=version,
    )


@router.post("/model_run/delete", responses={404: {"description": "no such model run"}})
@router.post("/admin/delete-provenance-record", include_in_schema=False)
async def delete_model_run(
    request: DeleteRequest, store: StoreDep, caller: WriterDep
) -> DeleteResponse:
    """Delete a model run's record (another caller's needs the admin role). Only what no
    other record still asserts is removed.
    With `trial_mode` the planned changes are returned and nothing changes. The `diff`
    entries carry Provena's `action_type` codes (2 remove node, 4 remove link, 5/6 remove
    this record from a link/node that others still assert)."""
    diff = await service.delete_model_run(store, request.record_id, request.trial_mode, caller)
    verb = "Would delete" if request.trial_mode else "Deleted"
    return DeleteResponse(
        status=Status(success=True, details=f"{verb} model run {request.record_id}."),
        trial_mode=request.trial_mode,
        diff=diff,
    )
