"""Lineage reads: transaction functions for `Store.read`, one Cypher statement per hop.

Why a hop per statement instead of one variable-length match: a variable-length upper
bound cannot be a parameter, and `*1..100` with a depth filter loses the planner's pruning
BFS. Measured on this server (100-run chain, 30 stacked diamonds): the hop-per-statement
walk costs ~2 ms per hop, almost all of it the round trip, so a full 100-hop walk is about
5x slower than one pruning `*1..100` statement (~180 vs ~30 ms), while a depth-4 question
is about 3x faster than that statement, which must always walk everything. It stops at the
exact depth and at the node limit, returns nearest nodes first, and every statement is an
index seek plus one expand. Path enumeration (`MATCH p=...*`) doubles per diamond level;
`ANY SHORTEST` with a length filter did not finish in 20 s on the diamonds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction

import cypher
from service.lineage.walk import Direction, Step, Walk
from service.store import fetch

UPSTREAM, DOWNSTREAM = "upstream", "downstream"
LINEAGE_STEPS = {UPSTREAM: "lineage/upstream_step", DOWNSTREAM: "lineage/downstream_step"}
EXPLORE_STEPS = {
    UPSTREAM: "lineage/explore_upstream_step",
    DOWNSTREAM: "lineage/explore_downstream_step",
}


def to_step(row: Any) -> Step:
    return Step(
        source=row["source"],
        type=row["type"],
        target=row["target"],
        rel=row["rel"],
        reached=row["reached"],
        classes=tuple(sorted(row["classes"])),
        kind=row["kind"],
        attrs=row["attrs"],
    )


def stable_order(step: Step) -> tuple[str, str, str, str]:
    return (step.source, step.type, step.target, step.attrs or "")


async def steps(tx: AsyncManagedTransaction, statement: str, **params: Any) -> list[Step]:
    """One statement's steps, sorted: answers list edges in the order they are crossed, and
    that order must not be the order Neo4j keeps relationships in (a restored database, or
    another cluster member, keeps them in another)."""
    result = await tx.run(cypher.load(statement), **params)
    return sorted([to_step(row) async for row in result], key=stable_order)


async def walk(
    tx: AsyncManagedTransaction,
    root: str,
    statements: list[str],
    depth: int,
    limit: int | None,
) -> Walk | None:
    """Breadth-first from `root`, one hop statement per level and direction; None when the
    root does not exist."""
    result = await tx.run(cypher.load("lineage/node"), id=root)
    start = await result.single()
    if start is None:
        return None
    found = Walk(root, depth, limit)
    found.start(tuple(sorted(start["classes"])), start["kind"])
    directions = [Direction(name, {root}, [root]) for name in statements]
    level = 0
    while not found.done(directions, level):
        level += 1
        for direction in directions:
            if direction.frontier:
                rows = await steps(tx, direction.statement, frontier=direction.frontier)
                found.take(direction, level, rows)
    return found


@dataclass
class LineageRows:
    walk: Walk
    nodes: list[dict[str, Any]]
    agent_steps: list[Step]


async def read_lineage(
    tx: AsyncManagedTransaction,
    root: str,
    directions: list[str],
    depth: int,
    limit: int,
    with_agents: bool,
) -> LineageRows | None:
    found = await walk(tx, root, [LINEAGE_STEPS[d] for d in directions], depth, limit)
    if found is None:
        return None
    agent_steps: list[Step] = []
    if with_agents:
        agent_steps = await steps(tx, "lineage/agents", ids=list(found.levels))
        agents = sorted({step.target for step in agent_steps})
        agent_steps += await steps(tx, "lineage/delegations", ids=agents)
    ids = list(found.levels)
    ids += sorted({step.target for step in agent_steps} - set(ids))
    nodes = await fetch(tx, "lineage/nodes", ids=ids)
    return LineageRows(found, nodes, agent_steps)


@dataclass
class ExploreRows:
    walk: Walk
    agent_steps: list[Step]


async def read_explore(
    tx: AsyncManagedTransaction,
    root: str,
    direction: str,
    depth: int,
    limit: int,
    with_agents: bool,
) -> ExploreRows | None:
    found = await walk(tx, root, [EXPLORE_STEPS[direction]], depth, limit)
    if found is None:
        return None
    agent_steps: list[Step] = []
    if with_agents:
        agent_steps = await steps(tx, "lineage/explore_agents", ids=list(found.levels))
    return ExploreRows(found, agent_steps)


async def read_node(tx: AsyncManagedTransaction, node_id: str) -> bool:
    result = await tx.run(cypher.load("lineage/node"), id=node_id)
    return await result.single() is not None


async def read_paths(
    tx: AsyncManagedTransaction, source: str, target: str, max_depth: int
) -> list[dict[str, Any]]:
    return await fetch(
        tx, "lineage/shortest_paths", source=source, target=target, max_depth=max_depth
    )
