"""Breadth-first walks over distinct nodes, as plain data: no database here.

The repository runs one statement per hop and feeds the rows to a `Walk`, which keeps the
first level each node was reached at, the relations crossed, and the node limit. Every node
is expanded once per direction however many paths reach it, so shared ancestry (stacked
diamonds) costs what it has nodes, not what it has paths.
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
    classes: tuple[str, ...] = ()  # of the reached node
    kind: str | None = None
    attrs: str | None = None

    @property
    def left(self) -> str:
        """The node the step starts from, in walk direction."""
        return self.source if self.reached == self.target else self.target


@dataclass
class Direction:
    """The state of one direction of a walk: what it has seen and where it goes next."""

    statement: str  # the name of the one-hop statement
    seen: set[str]
    frontier: list[str]


@dataclass
class Walk:
    root: str
    depth: int
    limit: int | None = None
    # node id -> hops from the root at which a walk first reached it
    levels: dict[str, int] = field(default_factory=dict)
    info: dict[str, tuple[tuple[str, ...], str | None]] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)  # in the order crossed
    truncated: bool = False

    def start(self, classes: tuple[str, ...], kind: str | None) -> None:
        self.levels[self.root] = 0
        self.info[self.root] = (classes, kind)

    def room(self) -> int | None:
        return None if self.limit is None else max(self.limit - len(self.levels), 0)

    def take(self, direction: Direction, level: int, steps: Iterable[Step]) -> None:
        """Absorb one hop's rows: new nodes join at `level` (within the limit), the rest is
        already known; the direction's next frontier is what it reached for the first time."""
        rows = list(steps)
        fresh = sorted({step.reached for step in rows} - direction.seen)
        unknown = [node for node in fresh if node not in self.levels]
        room = self.room()
        if room is not None and len(unknown) > room:
            # Sorted so that which nodes a limit keeps does not depend on row order.
            dropped = set(unknown[room:])
            fresh = [node for node in fresh if node not in dropped]
            self.truncated = True
        by_node = {step.reached: step for step in rows}
        for node in fresh:
            if node not in self.levels:
                self.levels[node] = level
                self.info[node] = (by_node[node].classes, by_node[node].kind)
        direction.seen.update(fresh)
        direction.frontier = fresh
        for step in rows:
            if step.reached in self.levels and step.left in self.levels:
                self.steps.setdefault(step.rel, step)

    def done(self, directions: list[Direction], level: int) -> bool:
        return (
            self.truncated
            or level >= self.depth
            or not any(direction.frontier for direction in directions)
        )


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
