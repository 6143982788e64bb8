"""`/lineage/path`: the shortest derivation paths between two nodes."""

from __future__ import annotations

from typing import Any

from graph_model import RELATION_NAMES
from service.errors import NotFound
from service.lineage import repository
from service.lineage.lineage import lineage_depth
from service.lineage.models import DerivationPath, LineageEdge, PathDirection, PathsResponse
from service.lineage.readable import plain_attributes
from service.settings import Settings
from service.store import Store


def derivation_path(row: dict[str, Any], from_source: bool) -> DerivationPath:
    """A path's nodes listed from `from` to `to`; its edges as stored."""
    return DerivationPath(
        length=len(row["edges"]),
        nodes=row["nodes"] if from_source else row["nodes"][::-1],
        edges=[
            LineageEdge(
                source=edge["source"],
                target=edge["target"],
                type=RELATION_NAMES[edge["type"]],
                attributes=plain_attributes(edge["attrs"]),
            )
            for edge in row["edges"]
        ],
    )


async def paths(
    store: Store, settings: Settings, source: str, target: str, max_depth: int | None
) -> PathsResponse:
    bound = lineage_depth(max_depth, settings)
    for node in (source, target):
        if not await store.read(repository.read_node, node):
            raise NotFound(f"No node has the id {node!r}.")
    searches: list[tuple[PathDirection, tuple[str, str]]] = [
        ("upstream", (source, target)),
        ("downstream", (target, source)),
    ]
    for direction, ends in searches:
        rows = await store.read(repository.read_paths, *ends, bound)
        if rows:
            return PathsResponse(
                source=source,
                target=target,
                max_depth=bound,
                direction=direction,
                paths=[derivation_path(row, direction == "upstream") for row in rows],
            )
    raise NotFound(
        f"No derivation path joins {source!r} and {target!r} within {bound} relations "
        "(used, wasGeneratedBy, wasDerivedFrom, wasInformedBy), in either direction."
    )
