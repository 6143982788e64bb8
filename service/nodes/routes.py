"""`/nodes`: find nodes by text, read one node's details."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import StoreDep
from service.nodes import service
from service.nodes.models import NodeDetails, NodeSearchResponse

router = APIRouter(prefix="/nodes", tags=["nodes"])


@router.get("")
async def search_nodes(
    store: StoreDep,
    q: Annotated[
        str, Query(min_length=1, max_length=1024, description="words of an id, label or attribute")
    ],
    kind: Annotated[
        str | None,
        Query(description="only this kind (Dataset, ModelRun, ...) or PROV class (Entity, ...)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> NodeSearchResponse:
    """Nodes whose id, label or attribute text holds every word of `q` (each word as a
    prefix, case-insensitive; backed by the `node_search` full-text index). The node whose id
    is exactly `q` comes first, then the best matches."""
    return await service.search(store, q, kind, limit)


@router.get("/detail", responses={404: {"description": "no node has this id"}})
async def node_details(
    store: StoreDep,
    id: Annotated[str, Query(description="the node's id (a query parameter: ids hold `/`)")],
) -> NodeDetails:
    """One node: its PROV classes, kind, label, times, attributes, and the records that
    assert it with who registered them and when."""
    return await service.detail(store, id)
