"""FAIR Data Pipeline registry paths: `/api/code_run/`."""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from service.auth import WriterDep
from service.deps import SettingsDep, StoreDep, settings_of
from service.errors import BadRequest
from service.export import id_policy
from service.fairdp import refs, rocrate, service
from service.fairdp.models import CodeRunIn, CodeRunPatch, CodeRunView, Page, RoCrateMetadata
from service.fairdp.resources import updated_by
from service.links import public_base
from service.records.repository import StoredRecord

router = APIRouter(prefix="/api", tags=["fair-data-pipeline"])
PAGE_SIZE = 100
FILTERS = ("uuid", "inputs", "outputs", "run_date")
INT64_MAX = 2**63 - 1  # Neo4j's integers are 64-bit: a larger id can name no code run
Seq = Annotated[int, Path(ge=1, le=INT64_MAX, description="the code run's integer id")]


def _root(request: Request) -> str:
    # FAIR-DP clients follow `url` back to this server: links sit under the public base
    # (service/links.py), which no request header from an untrusted address can change.
    return public_base(request, settings_of(request))


def code_run_view(request: Request, stored: StoredRecord) -> CodeRunView:
    """A stored code run in the registry's shape, with its read-only fields."""
    body = json.loads(stored.body)
    root = _root(request)

    def link(node: str | None) -> str | None:
        return refs.url(root, node) if node else None

    return CodeRunView.model_validate(
        {
            "url": f"{root}/api/code_run/{stored.seq}/",
            "ro_crate": f"{root}/api/ro-crate/code-run/{stored.seq}/",
            "uuid": stored.id,
            "last_updated": service.iso_epoch(stored.registered_at),
            "run_date": stored.run_date,
            "description": body.get("description"),
            "updated_by": updated_by(root, stored),
            "code_repo": link(body.get("code_repo")),
            "model_config": link(body.get("model_config")),
            "submission_script": link(body.get("submission_script")),
            "inputs": [refs.url(root, node) for node in body.get("inputs", [])],
            "outputs": [refs.url(root, node) for node in body.get("outputs", [])],
        }
    )


@router.get("/code_run/")
async def list_code_runs(
    request: Request,
    store: StoreDep,
    uuid: str | None = None,
    inputs: str | None = None,
    outputs: str | None = None,
    run_date: str | None = None,
    cursor: Annotated[
        int | None, Query(ge=1, le=INT64_MAX, description="from the `next` link")
    ] = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = PAGE_SIZE,
    format: Literal["json", "api"] | None = None,
) -> Page[CodeRunView]:
    """Code runs, newest first, `{count, next, previous, results}`; filters match exactly
    (`inputs`/`outputs` match a run that has that reference among them). Paged by `cursor`."""
    unknown = set(request.query_params) - {*FILTERS, "cursor", "page_size", "format"}
    if unknown:
        raise BadRequest(
            f"unknown filter field(s) {', '.join(sorted(unknown))} for code_run; "
            f"filter on {', '.join(FILTERS)}"
        )
    root = _root(request)
    filters = {
        "uuid": uuid,
        "input": inputs and refs.to_node(inputs, root),
        "output": outputs and refs.to_node(outputs, root),
        "run_date": run_date,
    }
    count, page = await service.list_code_runs(store, filters, cursor, page_size)
    results = [code_run_view(request, stored) for stored in page]
    next_link = None
    if page and len(page) == page_size:
        following = request.url.include_query_params(cursor=page[-1].seq)
        next_link = f"{_root(request)}{following.path}?{following.query}"
    return Page(count=count, next=next_link, previous=None, results=results)


@router.post(
    "/code_run/",
    status_code=201,
    responses={200: {"model": CodeRunView, "description": "the uuid was seen before"}},
)
async def create_code_run(
    run: CodeRunIn, request: Request, response: Response, store: StoreDep, caller: WriterDep
) -> CodeRunView:
    """Register a code run (`201`). A `uuid` seen before returns the first run (`200`) and
    writes nothing."""
    stored, created = await service.register_code_run(store, run, caller.name, _root(request))
    response.status_code = 201 if created else 200
    return code_run_view(request, stored)


@router.get("/code_run/{seq}/", responses={404: {"description": "no such code run"}})
@router.get("/code_run/{seq}", include_in_schema=False)
async def read_code_run(seq: Seq, request: Request, store: StoreDep) -> CodeRunView:
    """One code run by its integer id."""
    return code_run_view(request, await service.get_code_run(store, seq))


@router.patch("/code_run/{seq}/", responses={404: {"description": "no such code run"}})
async def patch_code_run(
    seq: Seq, patch: CodeRunPatch, request: Request, store: StoreDep, caller: WriterDep
) -> CodeRunView:
    """Change some fields; lists given replace the stored lists. Earlier versions stay at
    `GET /records/{uuid}`. Another caller's run needs the admin role."""
    patched = await service.patch_code_run(store, seq, patch, caller, _root(request))
    return code_run_view(request, patched)


@router.delete(
    "/code_run/{seq}/", status_code=204, responses={404: {"description": "no such code run"}}
)
async def delete_code_run(seq: Seq, store: StoreDep, caller: WriterDep) -> Response:
    """Delete a code run (another caller's needs the admin role); what other records still
    assert stays."""
    await service.delete_code_run(store, seq, caller)
    return Response(status_code=204)


@router.get(
    "/ro-crate/code-run/{seq}/",
    responses={
        200: {
            "model": RoCrateMetadata,
            "content": {
                "application/ld+json": {},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        404: {"description": "no such code run"},
    },
)
async def code_run_ro_crate(
    seq: Seq,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    format: Literal["json", "json-ld", "zip"] | None = None,
) -> Response:
    """The code run as an RO-Crate (Process Run Crate): its `ro-crate-metadata.json`, or
    with `?format=zip` the crate zipped (metadata only; the files stay in the registry)."""
    stored = await service.get_code_run(store, seq)
    caller = stored.registered_by
    view = code_run_view(request, stored).model_dump(by_alias=True)
    crate = rocrate.code_run_crate(view, caller, id_policy(settings))
    if format == "zip":
        return Response(
            rocrate.crate_zip(crate),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="code-run-{seq}.crate.zip"'},
        )
    return JSONResponse(rocrate.crate_metadata(crate), media_type="application/ld+json")
