"""Native `/prov`: PROV documents out (`GET`) and in (`POST`)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from prov_export.formats import FORMATS, Format, UnknownFormat, format_for_media_type, get_format
from service.auth import Caller, ReaderDep, Role, WriterDep
from service.deps import IdempotencyKey, StoreDep
from service.errors import BadRequest, Forbidden, NotAcceptable, UnsupportedMediaType
from service.fairdp.refs import to_node
from service.prov import service

router = APIRouter(tags=["prov"])

Scope = Literal["record", "upstream", "downstream", "both", "all"]
# Media types a document may be sent as: every export format's, and PROV-JSON's own.
IMPORT_MEDIA_TYPES: dict[str, Format] = {
    media_type: f for f in FORMATS.values() for media_type in (f.media_type, *f.aliases)
} | {"application/provenance+json": FORMATS["json"]}


def export_format(format_name: str | None, accept: str | None) -> Format:
    """`?format=` wins over `Accept`; an unknown name is 400, an unmet Accept 406."""
    if format_name:
        try:
            return get_format(format_name)
        except UnknownFormat as error:
            raise BadRequest(str(error)) from None
    found = format_for_media_type(accept)
    if found is None:
        offered = ", ".join(f.media_type for f in FORMATS.values())
        raise NotAcceptable(f"cannot answer Accept: {accept}; PROV documents come as {offered}")
    return found


def import_format(content_type: str | None) -> Format:
    media_type = (content_type or "").split(";")[0].strip().lower()
    found = IMPORT_MEDIA_TYPES.get(media_type)
    if found is None:
        accepted = ", ".join(IMPORT_MEDIA_TYPES)
        raise UnsupportedMediaType(
            f"cannot import a document of Content-Type {content_type or '(none)'!r}; "
            f"send one of {accepted}"
        )
    return found


class ProvJsonDocument(BaseModel):
    """A PROV-JSON document (W3C Member Submission): each PROV record kind maps ids to
    their attributes; bundles hold documents of their own. The other formats are text."""

    prefix: dict[str, str] = {}
    entity: dict[str, Any] = {}
    activity: dict[str, Any] = {}
    agent: dict[str, Any] = {}
    used: dict[str, Any] = {}
    wasGeneratedBy: dict[str, Any] = {}
    wasAssociatedWith: dict[str, Any] = {}
    wasAttributedTo: dict[str, Any] = {}
    actedOnBehalfOf: dict[str, Any] = {}
    wasInformedBy: dict[str, Any] = {}
    wasDerivedFrom: dict[str, Any] = {}
    bundle: dict[str, Any] = {}


class Imported(BaseModel):
    id: str = Field(description="the record's id; `GET /prov?id=&scope=record` exports it")
    nodes: int
    edges: int


def may_read_whole_graph(caller: Caller) -> None:
    # Whole-graph operations are the admin's (service.auth); one record or lineage is a read.
    if caller.role < Role.admin:
        raise Forbidden(f"{caller.name!r} has the {caller.role.name} role; scope=all needs admin.")


@router.get(
    "/prov",
    responses={
        200: {"model": ProvJsonDocument, "content": {f.media_type: {} for f in FORMATS.values()}},
        400: {"description": "unknown format, or no id for a scope that needs one"},
        403: {"description": "scope=all needs the admin role"},
        404: {"description": "no such record or node"},
        406: {"description": "no export format matches Accept"},
    },
)
async def export_prov(
    request: Request,
    store: StoreDep,
    caller: ReaderDep,
    id: Annotated[str | None, Query(description="a record id (scope=record) or node id")] = None,
    scope: Scope = "record",
    depth: Annotated[int | None, Query(ge=0, description="upstream/downstream only")] = None,
    format: Annotated[str | None, Query(description=", ".join(FORMATS))] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """A PROV document of one record as registered (`scope=record`, `id` a run id or an
    imported document's id), of an id's lineage (`upstream`/`downstream`/`both`, the nodes and
    edges `/lineage` answers for that id and depth), or of the whole graph (`all`, streamed).
    The format comes from `format` or else the `Accept` header; PROV-JSON by default."""
    fmt = export_format(format, accept)
    if scope == "all":
        may_read_whole_graph(caller)
        pieces = await service.whole_graph_text(store, fmt)
        return StreamingResponse(pieces, media_type=fmt.media_type)
    if not id:
        raise BadRequest(f"scope={scope} needs an id")
    id = to_node(id, str(request.base_url).rstrip("/"))  # a FAIR-DP URL of this server
    if scope == "record":
        text = await service.record_text(store, id, fmt)
    else:
        text = await service.lineage_text(store, id, scope, depth, fmt)
    return Response(text, media_type=fmt.media_type)


# The request body of both PROV-document POSTs: any import format, by Content-Type.
IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {media_type: {} for media_type in IMPORT_MEDIA_TYPES},
    }
}


@router.post(
    "/prov",
    status_code=201,
    responses={
        200: {"model": Imported, "description": "the Idempotency-Key was seen before"},
        409: {"description": "the document breaks PROV's rules against the graph"},
        415: {"description": "Content-Type is not a PROV format"},
        422: {"description": "the body is not a PROV document of that format"},
    },
    openapi_extra=IMPORT_BODY,
)
async def import_prov(
    request: Request,
    response: Response,
    store: StoreDep,
    caller: WriterDep,
    content_type: Annotated[str | None, Header()] = None,
    idempotency_key: IdempotencyKey = None,
    validate: Annotated[
        Literal["strict"] | None,
        Query(description="strict: refuse (422) a document invalid under PROV-CONSTRAINTS"),
    ] = None,
) -> Imported:
    """Import a PROV document (Content-Type selects the format: PROV-JSON
    `application/json`, PROV-N `text/provenance-notation`, ...) as one record;
    `201 {"id", "nodes", "edges"}`. Its blank ids (`_:b1`) stay its own. An
    `Idempotency-Key` seen before returns the first answer and writes nothing.
    `validate=strict` refuses a document that `POST /prov/validate` finds invalid: `422`
    listing each violated constraint."""
    text = await body_text(request)
    imported = await service.import_document(
        store,
        text,
        import_format(content_type),
        caller.name,
        idempotency_key,
        strict=validate == "strict",
    )
    response.status_code = 201 if imported.created else 200
    return Imported(id=imported.id, nodes=imported.nodes, edges=imported.edges)


async def body_text(request: Request) -> str:
    body = await request.body()
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the document is not UTF-8 text: {error}") from None


class Violation(BaseModel):
    constraint: int = Field(description="PROV-CONSTRAINTS number (0: a required argument)")
    name: str
    message: str
    statements: list[str] = Field(description="the statements involved, in PROV-N")


class ValidationReport(BaseModel):
    valid: bool
    violations: list[Violation]


@router.post(
    "/prov/validate",
    responses={
        415: {"description": "Content-Type is not a PROV format"},
        422: {"description": "the body is not a PROV document of that format"},
    },
    openapi_extra=IMPORT_BODY,
)
async def validate_prov(
    request: Request,
    caller: WriterDep,  # every POST needs a writer (tests/unit/test_auth.py), even this one
    content_type: Annotated[str | None, Header()] = None,
) -> ValidationReport:
    """Whether a PROV document (any import format) is valid under W3C PROV-CONSTRAINTS:
    uniqueness and key constraints (by unification), event ordering (cycles, and times that
    contradict it), type constraints (disjointness, impossibilities, specialization
    cycles). Each violation names its constraint by number and the statements involved.
    Nothing is written."""
    text = await body_text(request)
    return ValidationReport.model_validate(
        service.validation_report(text, import_format(content_type))
    )
