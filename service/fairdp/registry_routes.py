"""FAIR-DP registry paths: `/api/`, `/api/users/` and one set of list / create / read /
patch routes per resource of `resources.RESOURCES`, the subset the FAIR-DP clients use."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, create_model

from service.auth import ANONYMOUS, TokensDep, WriterDep
from service.deps import StoreDep, settings_of
from service.errors import BadRequest, NotFound
from service.fairdp import refs, registry
from service.fairdp.models import Page, UserView
from service.fairdp.resources import (
    RESOURCES,
    ROOT_LISTING,
    Resource,
    patch_model,
    view,
    view_model,
)
from service.links import public_base

PAGE_SIZE = 100
Seq = Annotated[int, Path(ge=1, le=2**62, description="the integer id")]


async def seeded(store: StoreDep) -> None:
    await registry.ensure_seeded(store)


router = APIRouter(prefix="/api", tags=["fair-data-pipeline"], dependencies=[Depends(seeded)])


def root_of(request: Request) -> str:
    # Clients follow `url` back to this server: links sit under the public base
    # (service/links.py), which no header from an untrusted address can change; the
    # graph's ids never depend on it (service/fairdp/refs.py).
    return public_base(request, settings_of(request))


async def users_of(tokens: TokensDep) -> set[str]:
    """Who the registry knows: every configured caller, the seeded `admin`, `anonymous`."""
    return {token.name for token in tokens.tokens} | {registry.ADMIN, ANONYMOUS}


UsersDep = Annotated[set[str], Depends(users_of)]


ApiRoot: type[BaseModel] = create_model(
    "ApiRoot",
    **{name: (str, ...) for name in ROOT_LISTING},  # type: ignore[call-overload]
)


@router.get("/", response_model=ApiRoot)
async def api_root(request: Request) -> dict[str, str]:
    """Every resource's list URL, as the registry's API root answers."""
    root = root_of(request)
    return {name: f"{root}/api/{name}/" for name in ROOT_LISTING}


def _user(root: str, name: str) -> UserView:
    return UserView(url=refs.url(root, refs.node_id(refs.USERS, name)), username=name)


@router.get("/users/")
async def list_users(
    request: Request, users: UsersDep, username: str | None = None, format: str | None = None
) -> Page[UserView]:
    """The users: configured callers, `admin` (the registry's seeded user) and `anonymous`
    (the caller in open mode or an anonymous read). Filter: `username`."""
    unknown = set(request.query_params) - {"username", "format"}
    if unknown:
        raise BadRequest(f"unknown filter field(s) {', '.join(sorted(unknown))} for users")
    names = sorted(n for n in users if username is None or n == username)
    results = [_user(root_of(request), name) for name in names]
    return Page(count=len(results), next=None, previous=None, results=results)


@router.get("/users/{name}/", responses={404: {"description": "no such user"}})
async def read_user(name: str, request: Request, users: UsersDep) -> UserView:
    """One user by name (registry users are addressed by name here, not by number)."""
    if name not in users:
        raise NotFound(f"no user {name!r}")
    return _user(root_of(request), name)


def _add_routes(resource: Resource) -> None:
    Body = resource.body
    Patch = patch_model(resource.body)
    View = view_model(resource)
    name = resource.name

    async def list_resource(
        request: Request,
        store: StoreDep,
        cursor: Annotated[int | None, Query(ge=1, description="from the `next` link")] = None,
        page_size: Annotated[int, Query(ge=1, le=1000)] = PAGE_SIZE,
    ) -> dict[str, Any]:
        root = root_of(request)
        found = registry.filters(resource, dict(request.query_params), root)
        count, page = await registry.list_page(store, resource, found, cursor, page_size)
        next_link = None
        if page and len(page) == page_size:
            next_link = str(request.url.include_query_params(cursor=page[-1][0].seq))
        results = [view(root, resource, stored, reverse) for stored, reverse in page]
        return {"count": count, "next": next_link, "previous": None, "results": results}

    async def create_resource(
        body: Body,  # type: ignore[valid-type]
        request: Request,
        store: StoreDep,
        caller: WriterDep,
        users: UsersDep,
    ) -> dict[str, Any]:
        root = root_of(request)
        stored = await registry.create(store, resource, body, caller.name, root, users)
        return view(root, resource, *await registry.with_reverse(store, resource, stored))

    async def read_resource(seq: Seq, request: Request, store: StoreDep) -> dict[str, Any]:
        stored = await registry.get(store, resource, seq)
        return view(
            root_of(request), resource, *await registry.with_reverse(store, resource, stored)
        )

    async def patch_resource(
        seq: Seq,
        body: Patch,  # type: ignore[valid-type]
        request: Request,
        store: StoreDep,
        caller: WriterDep,
        users: UsersDep,
    ) -> dict[str, Any]:
        root = root_of(request)
        stored = await registry.patch(store, resource, seq, body, caller, root, users)
        return view(root, resource, *await registry.with_reverse(store, resource, stored))

    fields = ", ".join(resource.body.model_fields)
    unique = (
        f" Unique: ({', '.join(resource.unique)}), a clash is `409`." if resource.unique else ""
    )
    router.add_api_route(
        f"/{name}/",
        list_resource,
        methods=["GET"],
        response_model=Page[View],  # type: ignore[valid-type]
        name=f"list_{name}",
        description=f"`{name}` instances, newest first, `{{count, next, previous, results}}`. "
        f"Exact-match filters on {fields}; links by id or URL; unknown fields are `400`.",
    )
    router.add_api_route(
        f"/{name}/",
        create_resource,
        methods=["POST"],
        status_code=201,
        response_model=View,
        name=f"create_{name}",
        description=f"Create a `{name}` (`201`).{unique} A link to nothing is `422`.",
        responses={409: {"description": "unique constraint"}},
    )
    for path in (f"/{name}/{{seq}}/", f"/{name}/{{seq}}"):
        router.add_api_route(
            path,
            read_resource,
            methods=["GET"],
            response_model=View,
            name=f"read_{name}",
            description=f"One `{name}` by its integer id (with or without the trailing slash).",
            include_in_schema=path.endswith("/"),
            responses={404: {"description": f"no such {name}"}},
        )
    router.add_api_route(
        f"/{name}/{{seq}}/",
        patch_resource,
        methods=["PATCH"],
        response_model=View,
        name=f"patch_{name}",
        description=f"Change some fields of a `{name}`; lists given replace the stored ones.",
        responses={404: {"description": f"no such {name}"}},
    )


for _resource in RESOURCES.values():
    _add_routes(_resource)
