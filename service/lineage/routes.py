"""Lineage over HTTP: Provena's `/explore/...` and the native `/lineage`, `/lineage/path`."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from service.deps import SettingsDep, StoreDep
from service.fairdp.refs import to_node
from service.lineage import explore as provena
from service.lineage import lineage as native
from service.lineage.models import ExploreResponse, LineageResponse, PathsResponse
from service.lineage.paths import paths

explore_router = APIRouter(prefix="/explore", tags=["provena"])
lineage_router = APIRouter(prefix="/lineage", tags=["lineage"])

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "depth above the maximum"},
    404: {"description": "no node has this id"},
    504: {"description": "the query ran past its time limit"},
}


def node_id(request: Request, value: str) -> str:
    """A FAIR-DP registry URL of this server names its node (ids never hold the host)."""
    return to_node(value, str(request.base_url).rstrip("/"))


async def starting_node(
    request: Request,
    starting_id: Annotated[str, Query(description="id of the node to start from")],
) -> str:
    return node_id(request, starting_id)


StartingId = Annotated[str, Depends(starting_node)]
ExploreDepth = Annotated[
    int | None,
    Query(ge=0, description="relations to follow, at most 10; missing or 0: the default"),
]


@explore_router.get("/upstream", responses=ERRORS)
async def explore_upstream(
    starting_id: StartingId, store: StoreDep, settings: SettingsDep, depth: ExploreDepth = None
) -> ExploreResponse:
    """What the node came from, as Provena answers it: every relation followed in its
    direction, `depth` 2 by default, as networkx node-link JSON."""
    return await provena.explore(store, settings, starting_id, "upstream", depth)


@explore_router.get("/downstream", responses=ERRORS)
async def explore_downstream(
    starting_id: StartingId, store: StoreDep, settings: SettingsDep, depth: ExploreDepth = None
) -> ExploreResponse:
    """What came from the node, as Provena answers it: every relation followed against its
    direction, `depth` 2 by default."""
    return await provena.explore(store, settings, starting_id, "downstream", depth)


@explore_router.get("/special/contributing_datasets", responses=ERRORS)
async def contributing_datasets(
    starting_id: StartingId, store: StoreDep, settings: SettingsDep, depth: ExploreDepth = None
) -> ExploreResponse:
    """The upstream paths that end at a dataset (`depth` 4 by default)."""
    return await provena.explore_special(
        store, settings, "contributing_datasets", starting_id, depth
    )


@explore_router.get("/special/effected_datasets", responses=ERRORS)
async def effected_datasets(
    starting_id: StartingId, store: StoreDep, settings: SettingsDep, depth: ExploreDepth = None
) -> ExploreResponse:
    """The downstream paths that start at a dataset (`depth` 4 by default)."""
    return await provena.explore_special(store, settings, "effected_datasets", starting_id, depth)


@explore_router.get("/special/contributing_agents", responses=ERRORS)
async def contributing_agents(
    starting_id: StartingId, store: StoreDep, settings: SettingsDep, depth: ExploreDepth = None
) -> ExploreResponse:
    """The upstream paths that end at an agent (`depth` 4 by default)."""
    return await provena.explore_special(store, settings, "contributing_agents", starting_id, depth)


@explore_router.get("/special/effected_agents", responses=ERRORS)
async def effected_agents(
    starting_id: StartingId, store: StoreDep, settings: SettingsDep, depth: ExploreDepth = None
) -> ExploreResponse:
    """Every node downstream within `depth` (4 by default; the start included) that has an
    agent, with its agents and its paths back to the start."""
    return await provena.explore_special(store, settings, "effected_agents", starting_id, depth)


@lineage_router.get("", responses=ERRORS)
async def lineage(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    id: Annotated[str, Query(description="the node's id (a query parameter: ids hold `/`)")],
    direction: Literal["upstream", "downstream", "both"] = "both",
    depth: Annotated[
        int | None, Query(ge=0, description="relations to follow; default and maximum 100")
    ] = None,
    types: Annotated[
        list[str] | None,
        Query(description="show only these kinds or PROV classes (comma-separated or repeated)"),
    ] = None,
    since: Annotated[
        str | None, Query(description="show activities started at or after (ISO 8601 or epoch)")
    ] = None,
    until: Annotated[
        str | None, Query(description="show activities started at or before (ISO 8601 or epoch)")
    ] = None,
    limit: Annotated[
        int | None, Query(
            ge=1,
            description="walk at most this many nodes; default and most PROVGRAPH_NODE_LIMIT",
        )
    ] = None,
    agents: Annotated[
        bool, Query(description="attach the agents responsible (not walked through)")
    ] = True,
) -> LineageResponse:
    """Upstream (what the node depends on: used, wasGeneratedBy, wasDerivedFrom,
    wasInformedBy in their direction), downstream (against it) or both. Breadth-first over
    distinct nodes: each node and relation appears once, nearest first, with its `distance`
    from the root. `limit` caps the nodes walked, and `truncated` says whether it cut.
    `types`, `since` and `until` filter what is shown, not the walk."""
    query = native.LineageQuery(
        root=node_id(request, id),
        direction=direction,
        depth=depth,
        types=native.checked_types(types or []),
        since=native.parse_time("since", since),
        until=native.parse_time("until", until),
        limit=limit,
        agents=agents,
    )
    return await native.lineage(store, settings, query)


@lineage_router.get("/path", responses=ERRORS)
async def lineage_path(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    source: Annotated[str, Query(alias="from", description="id of one end")],
    target: Annotated[str, Query(alias="to", description="id of the other end")],
    max_depth: Annotated[int | None, Query(ge=1, description="longest path, default 100")] = None,
) -> PathsResponse:
    """The shortest derivation paths (up to five) between two nodes along lineage relations:
    `upstream` when `from` depends on `to`, else `downstream`. 404 when none is within
    `max_depth`."""
    source, target = node_id(request, source), node_id(request, target)
    return await paths(store, settings, source, target, max_depth)
