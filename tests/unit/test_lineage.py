"""The breadth-first walk and Provena's vocabulary, without a database."""

from collections import deque

import pytest

from service.errors import BadRequest, InvalidInput
from service.lineage.explore import explore_depth, provena_item
from service.lineage.lineage import (
    LineageQuery,
    checked_types,
    lineage_response,
    parse_time,
    shown_lineage,
)
from service.lineage.models import ItemCategory, ItemSubType
from service.lineage.repository import LineageRows
from service.lineage.walk import Reached, Step, Walk, found_walk, steps_towards


def up(source: str, target: str) -> Step:
    return Step(source, "USED", target, f"{source}->{target}", target, ("Entity",), "Dataset")


def walk_graph(edges: list[tuple[str, str]], depth: int, limit: int | None = None) -> Walk:
    """Walk upstream from "r" over an in-memory edge list: what the walk statement returns
    (each node within the depth, its distance, the relations it leads on by below the
    depth), then the walk Python keeps of it."""
    distances, queue = {"r": 0}, deque(["r"])
    while queue:
        node = queue.popleft()
        for source, target in edges:
            if source == node and target not in distances and distances[node] < depth:
                distances[target] = distances[node] + 1
                queue.append(target)
    found = [
        Reached(
            node,
            {"up": level},
            ("Entity",),
            "Dataset",
            {"up": tuple(up(s, t) for s, t in edges if s == node and level < depth)},
        )
        for node, level in distances.items()
    ]
    return found_walk("r", depth, limit, found, ["up"])


def test_diamonds_reach_every_node_once_at_its_nearest_level() -> None:
    edges = [("r", "a"), ("r", "b"), ("a", "c"), ("b", "c"), ("c", "d")]
    walk = walk_graph(edges, depth=10)
    assert walk.levels == {"r": 0, "a": 1, "b": 1, "c": 2, "d": 3}
    assert len(walk.steps) == 5 and not walk.truncated


def test_cycles_end_and_depth_bounds() -> None:
    walk = walk_graph([("r", "a"), ("a", "b"), ("b", "r")], depth=100)
    assert walk.levels == {"r": 0, "a": 1, "b": 2} and len(walk.steps) == 3
    assert walk_graph([("r", "a"), ("a", "b")], depth=1).levels == {"r": 0, "a": 1}


def test_limit_truncates_exactly_when_it_cuts() -> None:
    edges = [("r", "a"), ("r", "b"), ("a", "c")]
    assert not walk_graph(edges, 10, limit=4).truncated
    cut = walk_graph(edges, 10, limit=3)
    assert cut.truncated and set(cut.levels) == {"r", "a", "b"}
    assert walk_graph(edges, 10, limit=2).levels == {"r": 0, "a": 1}


def test_a_limit_keeps_the_nearest_ties_by_id_and_expands_only_before_the_cut() -> None:
    edges = [("r", "b"), ("r", "a"), ("a", "c"), ("b", "c")]
    cut = walk_graph(edges, 10, limit=2)
    assert cut.levels == {"r": 0, "a": 1} and cut.truncated
    assert [(s.source, s.target) for s in cut.steps.values()] == [("r", "a")]
    # Cut at level 2: levels 0 and 1 were expanded, their relations into kept nodes shown.
    cut = walk_graph(edges, 10, limit=3)
    assert cut.levels == {"r": 0, "a": 1, "b": 1} and cut.truncated
    assert [(s.source, s.target) for s in cut.steps.values()] == [("r", "a"), ("r", "b")]


def test_both_directions_each_node_at_its_nearest_distance_once() -> None:
    def down(source: str, target: str) -> Step:
        return Step(source, "USED", target, f"{source}->{target}", source)

    found = [
        Reached(
            "r", {"up": 0, "down": 0}, steps={"up": (up("r", "a"),), "down": (down("b", "r"),)}
        ),
        Reached("a", {"up": 1}, steps={"up": (up("a", "c"),)}),
        Reached("b", {"down": 1}, steps={"down": (down("c", "b"),)}),
        Reached("c", {"up": 2, "down": 2}),
    ]
    walk = found_walk("r", 2, None, found, ["up", "down"])
    assert walk.levels == {"r": 0, "a": 1, "b": 1, "c": 2} and not walk.truncated
    # In the order crossed: by level, upstream before downstream.
    assert [(s.source, s.target) for s in walk.steps.values()] == [
        ("r", "a"),
        ("b", "r"),
        ("a", "c"),
        ("c", "b"),
    ]


def test_steps_towards_keeps_only_paths_to_targets_within_depth() -> None:
    edges = [("r", "run"), ("run", "in"), ("run", "plan"), ("r", "alice")]
    walk = walk_graph(edges, depth=2)
    kept = steps_towards(walk, lambda node: node == "in")
    assert {(s.source, s.target) for s in kept} == {("r", "run"), ("run", "in")}
    assert steps_towards(walk_graph(edges, depth=1), lambda node: node == "in") == []


def test_provena_items_are_valid_enum_values_for_every_kind() -> None:
    assert provena_item(("Activity",), "ModelRun") == (ItemCategory.ACTIVITY, ItemSubType.MODEL_RUN)
    assert provena_item(("Entity",), "Plan")[1] == ItemSubType.WORKFLOW_TEMPLATE
    assert provena_item(("Agent",), "Organization")[1] == ItemSubType.ORGANISATION
    assert provena_item(("Agent", "Entity"), None)[0] == ItemCategory.AGENT
    assert provena_item(("Activity",), "Unheard") == (
        ItemCategory.ACTIVITY,
        ItemSubType.WORKFLOW_RUN,
    )
    assert provena_item((), None) == (ItemCategory.ENTITY, ItemSubType.DATASET)


def test_explore_depth_rules() -> None:
    assert explore_depth(None, 2) == explore_depth(0, 2) == 2
    assert explore_depth(10, 4) == 10
    with pytest.raises(BadRequest):
        explore_depth(11, 2)


def test_types_and_times() -> None:
    assert checked_types(["dataset,ModelRun", "agent"]) == ("Dataset", "ModelRun", "Agent")
    with pytest.raises(InvalidInput) as error:
        checked_types(["Dataset,Nope,Neither"])
    assert len(error.value.detail) == 2
    assert parse_time("since", "1000") == 1000.0
    assert parse_time("since", "1970-01-01T00:16:40") == 1000.0
    with pytest.raises(InvalidInput):
        parse_time("until", "yesterday")


def test_a_node_reached_while_it_was_being_written_is_left_out() -> None:
    # A read transaction sees each commit as it lands: the walk may cross a relation to a
    # node whose details are gone by the time they are read. The answer leaves it out
    # (and its relations) instead of failing.
    walk = walk_graph([("r", "a"), ("a", "b")], depth=5)

    def details(node_id: str) -> dict[str, object]:
        return {
            "id": node_id,
            "classes": ["Entity"],
            "kind": "Dataset",
            "label": node_id,
            "start_time": None,
            "end_time": None,
            "attrs": None,
        }

    rows = LineageRows(walk, [details("r"), details("a")], agent_steps=[])
    answer = lineage_response(shown_lineage(LineageQuery("r", direction="upstream"), 5, rows))
    assert [node.id for node in answer.nodes] == ["r", "a"]
    assert [(edge.source, edge.target) for edge in answer.edges] == [("r", "a")]
