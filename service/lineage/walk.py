"""Breadth-first walks over distinct nodes, as plain data: no database here.

Neo4j walks (one statement per request, `cypher/lineage/walk.cypher`): it returns every node
within the depth, nearest first, with its distance from the root in each direction that
reached it and the relations it leads on by. `found_walk` turns those rows into a `Walk`:
the nearest `limit` nodes, and the relations a breadth-first walk over distinct nodes
crosses between them. Every node counts once however many paths reach it, so shared
ancestry (stacked diamonds) costs what it has nodes, not what it has paths.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """One relation a walk crossed, as stored: `source` -[type]-> `target`."""

    source: str
    type: str  # the Neo4j relationship type
    target: str
    rel: str  # the relationship's element id, so each relation counts once
    reached: str  # the node the step leads to: target upstream, source downstream
    classes: tuple[str, ...] = ()  # of the reached node, when the step leads off the walk
    kind: str | None = None
    attrs: str | None = None

    @property
    def left(self) -> str:
        """The node the step starts from, in walk direction."""
        return self.source if self.reached == self.target else self.target


@dataclass(frozen=True)
class Reached:
    """A node within the depth, as the walk statement returns it."""

    id: str
    distances: dict[str, int]  # direction -> fewest hops from the root in that direction
    classes: tuple[str, ...] = ()
    kind: str | None = None
    # direction -> the relations leading on from this node in that direction
    steps: dict[str, tuple[Step, ...]] = field(default_factory=dict)

    @property
    def distance(self) -> int:
        return min(self.distances.values())


@dataclass
class Walk:
    root: str
    depth: int
    limit: int | None = None
    # node id -> hops from the root, nearest first (ties by id)
    levels: dict[str, int] = field(default_factory=dict)
    info: dict[str, tuple[tuple[str, ...], str | None]] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)  # by element id, in the order crossed
    truncated: bool = False


def nearest_first(node: Reached) -> tuple[int, str]:
    return node.distance, node.id


def stable_order(step: Step) -> tuple[str, str, str, str]:
    """Answers list relations in the order crossed, never in the order Neo4j keeps them (a
    restored database, or another cluster member, keeps them in another)."""
    return step.source, step.type, step.target, step.attrs or ""


def found_walk(
    root: str, depth: int, limit: int | None, found: Iterable[Reached], directions: list[str]
) -> Walk:
    """The walk from what Neo4j found within `depth`: the nearest `limit` nodes, and every
    relation crossed from a node that was expanded to a node that was kept.

    A node is expanded in a direction when it lies nearer than the depth there and nearer
    than the level the limit cut at (a walk that stops at the limit expands no further).
    `truncated` says whether the limit left out a node within the depth."""
    ordered = sorted(found, key=nearest_first)
    kept = ordered if limit is None else ordered[:limit]
    walk = Walk(root, depth, limit, truncated=len(kept) < len(ordered))
    stop = ordered[len(kept)].distance if walk.truncated else depth
    for node in kept:
        walk.levels[node.id] = node.distance
        walk.info[node.id] = (node.classes, node.kind)
    crossed: list[tuple[int, int, Step]] = []
    for node in kept:
        for rank, direction in enumerate(directions):
            level = node.distances.get(direction)
            if level is None or level >= min(depth, stop):
                continue
            crossed += [
                (level, rank, step)
                for step in node.steps.get(direction, ())
                if step.reached in walk.levels
            ]
    crossed.sort(key=lambda item: (item[0], item[1], stable_order(item[2])))
    for _, _, step in crossed:
        walk.steps.setdefault(step.rel, step)
    return walk


def hops_to_targets(steps: Iterable[Step], targets: Iterable[str]) -> dict[str, int]:
    """Fewest steps (in walk direction) from each node to any target, over these steps."""
    backwards: dict[str, list[str]] = {}
    for step in steps:
        backwards.setdefault(step.reached, []).append(step.left)
    rest = dict.fromkeys(targets, 0)
    queue = deque(rest)
    while queue:
        node = queue.popleft()
        for earlier in backwards.get(node, ()):
            if earlier not in rest:
                rest[earlier] = rest[node] + 1
                queue.append(earlier)
    return rest


def steps_towards(walk: Walk, is_target: Callable[[str], bool]) -> list[Step]:
    """The steps that lie on some walk of at most `walk.depth` hops from the root to a
    target: Provena's special queries answer with the union of such paths."""
    steps = list(walk.steps.values())
    rest = hops_to_targets(steps, [node for node in walk.levels if is_target(node)])
    return [
        step
        for step in steps
        if step.reached in rest and walk.levels[step.left] + 1 + rest[step.reached] <= walk.depth
    ]
