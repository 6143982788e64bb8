"""Lineage through HTTP on the real app and Neo4j (SPEC §4 explore and /lineage, §5)."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import httpx
import pytest
from neo4j import Driver
from pydantic import BaseModel, ConfigDict

import cypher
from service.settings import Settings
from tests.calls import register
from tests.conftest import ServedApp
from tests.payloads import model_run

# ------------------------------------------------------------------ Provena's client models
# Mirrors of ProvenaInterfaces' strict enums and the python client's parse of
# LineageResponse, written from the research notes: what a Provena client would accept.


class ItemCategory(StrEnum):
    ACTIVITY = "ACTIVITY"
    AGENT = "AGENT"
    ENTITY = "ENTITY"


class ItemSubType(StrEnum):
    WORKFLOW_RUN = "WORKFLOW_RUN"
    MODEL_RUN = "MODEL_RUN"
    STUDY = "STUDY"
    CREATE = "CREATE"
    VERSION = "VERSION"
    PERSON = "PERSON"
    ORGANISATION = "ORGANISATION"
    SOFTWARE = "SOFTWARE"
    MODEL = "MODEL"
    WORKFLOW_TEMPLATE = "WORKFLOW_TEMPLATE"
    MODEL_RUN_WORKFLOW_TEMPLATE = "MODEL_RUN_WORKFLOW_TEMPLATE"
    DATASET = "DATASET"
    DATASET_TEMPLATE = "DATASET_TEMPLATE"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ProvenaNode(Strict):
    id: str
    item_category: ItemCategory
    item_subtype: ItemSubType


class ProvenaLink(Strict):
    type: str
    source: str
    target: str


class ProvenaGraph(Strict):
    directed: bool
    multigraph: bool
    graph: dict[str, Any]
    nodes: list[ProvenaNode]
    links: list[ProvenaLink]


class ProvenaStatus(Strict):
    success: bool
    details: str


class ProvenaLineageResponse(Strict):
    status: ProvenaStatus
    record_count: int | None
    graph: ProvenaGraph | None


def explore(client: httpx.Client, path: str, starting_id: str, **params: Any) -> ProvenaGraph:
    response = client.get(
        f"/explore/{path}",
        params={"starting_id": starting_id, **params},
        headers={"Authorization": "Bearer any.client.token"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    parsed = ProvenaLineageResponse.model_validate_json(response.text)
    assert parsed.status.success and parsed.graph is not None
    assert body["graph"]["directed"] is True and body["graph"]["multigraph"] is False
    assert parsed.record_count == len(parsed.graph.nodes)
    return parsed.graph


def ids(graph: ProvenaGraph) -> set[str]:
    return {node.id for node in graph.nodes}


# ------------------------------------------------------------------ test data over HTTP


def run_record(
    n: int, inputs: list[str], outputs: list[str], study: str | None = None
) -> dict[str, Any]:
    """A Provena record: run n reads `inputs`, writes `outputs`; template and agents shared."""
    body = model_run(n)
    body["inputs"] = [dict(copy.deepcopy(body["inputs"][0]), dataset_id=i) for i in inputs]
    body["outputs"] = [dict(copy.deepcopy(body["outputs"][0]), dataset_id=o) for o in outputs]
    body["workflow_template_id"] = "template"
    body["associations"] = {"modeller_id": "alice", "requesting_organisation_id": "csiro"}
    body["start_time"], body["end_time"] = 1000 * n, 1000 * n + 10
    if study:
        body["study_id"] = study
    else:
        body.pop("study_id")
    return body


def chain(client: httpx.Client, runs: int) -> list[str]:
    """Run i reads d{i-1} and writes d{i}; returns the run ids, first to last."""
    return [register(client, run_record(i, [f"d{i - 1}"], [f"d{i}"])) for i in range(1, runs + 1)]


def diamonds(client: httpx.Client, levels: int) -> list[str]:
    """Level i: runs a and b read D{i}, run c reads both outputs and writes D{i+1}."""
    runs = []
    for i in range(levels):
        runs.append(register(client, run_record(3 * i + 1, [f"D{i}"], [f"x{i}"])))
        runs.append(register(client, run_record(3 * i + 2, [f"D{i}"], [f"y{i}"])))
        runs.append(register(client, run_record(3 * i + 3, [f"x{i}", f"y{i}"], [f"D{i + 1}"])))
    return runs


def lineage(client: httpx.Client, node: str, **params: Any) -> dict[str, Any]:
    response = client.get("/lineage", params={"id": node, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def node_ids(body: dict[str, Any], kind: str | None = None) -> list[str]:
    return [n["id"] for n in body["nodes"] if kind is None or n["kind"] == kind]


@pytest.fixture(scope="module")
def deep_app(test_settings: Settings) -> Iterator[ServedApp]:
    """The app allowing 250 relations: a 100-run chain is 200 relations long."""
    with ServedApp(test_settings.model_copy(update={"max_depth": 250})) as app:
        yield app


# ------------------------------------------------------------------ chain of 100 runs


def test_chain_of_100_runs_upstream_by_depth_and_downstream_to_the_end(
    client: httpx.Client, deep_app: ServedApp
) -> None:
    runs = chain(client, 100)
    for k in (1, 2, 5, 50):
        body = lineage(client, "d100", direction="upstream", depth=2 * k, agents="false")
        assert set(node_ids(body, "ModelRun")) == set(runs[-k:])
        assert set(node_ids(body, "Dataset")) == {f"d{i}" for i in range(100 - k, 101)}
        assert node_ids(body, "Plan") == ["template"]
        assert len(body["nodes"]) == 2 * k + 2 and body["truncated"] is False
        assert {n["distance"] for n in body["nodes"] if n["id"] == runs[-k]} == {2 * k - 1}

    with httpx.Client(base_url=deep_app.url, timeout=120) as deep:
        body = lineage(deep, "d0", direction="downstream", depth=200, agents="false")
    assert set(node_ids(body, "ModelRun")) == set(runs)
    assert "d100" in node_ids(body) and len(body["nodes"]) == 201
    assert len(body["edges"]) == 200
    # The default maximum (100 relations) reaches half way; more is a 400.
    assert "d50" in node_ids(lineage(client, "d0", direction="downstream", depth=100))
    too_deep = client.get("/lineage", params={"id": "d0", "depth": 101})
    assert too_deep.status_code == 400 and "100" in too_deep.json()["detail"]


# ------------------------------------------------------------------ 30 stacked diamonds


def test_30_stacked_diamonds_full_upstream_has_every_node_once(
    client: httpx.Client, deep_app: ServedApp
) -> None:
    runs = diamonds(client, 30)
    with httpx.Client(base_url=deep_app.url, timeout=120) as deep:
        body = lineage(deep, "D30", direction="upstream", depth=250)
    found = node_ids(body)
    assert len(found) == len(set(found))
    datasets = {f"D{i}" for i in range(31)} | {f"{s}{i}" for s in "xy" for i in range(30)}
    assert set(found) == set(runs) | datasets | {"template", "alice", "csiro"}
    lineage_edges = [
        (e["source"], e["type"], e["target"])
        for e in body["edges"]
        if e["type"] in ("used", "wasGeneratedBy")
    ]
    # Per level: 7 usages and generations of datasets, 3 usages of the template.
    assert len(lineage_edges) == len(set(lineage_edges)) == 30 * 10
    # One delegation per run, each for a run of this lineage.
    assert sum(e["type"] == "actedOnBehalfOf" for e in body["edges"]) == 90
    assert body["truncated"] is False

    # Within the default maximum: exactly the nodes of the 25 nearest levels.
    body = lineage(client, "D30", direction="upstream", depth=100, agents="false")
    assert len(node_ids(body)) == len(set(node_ids(body))) == 25 * 6 + 1 + 1


# ------------------------------------------------------------------ cycles, limits, filters


def test_a_cycle_is_walked_once_and_bounded(client: httpx.Client) -> None:
    # Only an imported document can hold a cycle (registration checks generation).
    document = {
        "prefix": {"ex": "https://example.org/"},
        "entity": {"ex:a": {}, "ex:b": {}, "ex:c": {}},
        "wasDerivedFrom": {
            "ex:ab": {"prov:generatedEntity": "ex:a", "prov:usedEntity": "ex:b"},
            "ex:bc": {"prov:generatedEntity": "ex:b", "prov:usedEntity": "ex:c"},
            "ex:ca": {"prov:generatedEntity": "ex:c", "prov:usedEntity": "ex:a"},
        },
    }
    imported = client.post("/prov", json=document, headers={"Content-Type": "application/json"})
    assert imported.status_code in (200, 201), imported.text
    a, b, c = (f"https://example.org/{name}" for name in "abc")  # stored by their IRIs
    assert sorted(node_ids(lineage(client, a))) == [a, b, c]
    body = lineage(client, a, direction="upstream", depth=100)
    assert len(body["edges"]) == 3 and not body["truncated"]
    assert {n["id"]: n["distance"] for n in body["nodes"]} == {a: 0, b: 1, c: 2}
    graph = explore(client, "upstream", a, depth=10)
    assert len(graph.nodes) == 3 and len(graph.links) == 3
    path = client.get("/lineage/path", params={"from": a, "to": c}).json()
    assert path["paths"][0]["nodes"] == [a, b, c]


def test_truncated_exactly_when_the_node_limit_cuts(client: httpx.Client) -> None:
    chain(client, 10)
    # Upstream of d10: 11 datasets, 10 runs and the template.
    for limit, truncated in ((23, False), (22, False), (21, True), (1, True)):
        body = lineage(client, "d10", direction="upstream", limit=limit, agents="false")
        assert body["truncated"] is truncated, limit
        assert len(body["nodes"]) == min(limit, 22)
    nearest = lineage(client, "d10", direction="upstream", limit=3, agents="false")
    assert [n["distance"] for n in nearest["nodes"]] == [0, 1, 2]


def test_filters_agents_and_both_directions(client: httpx.Client) -> None:
    runs = chain(client, 4)
    body = lineage(client, "d2")  # both directions, agents attached
    assert set(node_ids(body, "ModelRun")) == set(runs)
    assert {"alice", "csiro"} <= set(node_ids(body))
    agents = {n["id"]: n["distance"] for n in body["nodes"] if "Agent" in n["prov_classes"]}
    assert agents == {"alice": None, "csiro": None}
    run = next(n for n in body["nodes"] if n["id"] == runs[0])
    assert run["start_time"].startswith("1970-01-01T00:16:40") and run["label"]

    datasets = lineage(client, "d2", types="Dataset")
    assert {n["kind"] for n in datasets["nodes"]} == {"Dataset"}
    assert datasets["edges"] == []
    some = lineage(client, "d4", direction="upstream", types=["ModelRun", "Dataset"], agents="0")
    assert {n["kind"] for n in some["nodes"]} == {"ModelRun", "Dataset"}

    window = lineage(client, "d4", direction="upstream", since=2000, until="1970-01-01T00:50:00")
    assert set(node_ids(window, "ModelRun")) == {runs[1], runs[2]}
    assert client.get("/lineage", params={"id": "d4", "types": "Nope"}).status_code == 422
    assert client.get("/lineage", params={"id": "missing/1"}).status_code == 404


def test_derivation_paths(client: httpx.Client) -> None:
    runs = chain(client, 5)
    response = client.get("/lineage/path", params={"from": "d5", "to": "d1"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["from"] == "d5" and body["direction"] == "upstream"
    assert body["paths"][0]["nodes"] == [
        "d5",
        runs[4],
        "d4",
        runs[3],
        "d3",
        runs[2],
        "d2",
        runs[1],
        "d1",
    ]
    reverse = client.get("/lineage/path", params={"from": "d1", "to": "d5"}).json()
    assert reverse["direction"] == "downstream" and reverse["paths"][0]["nodes"][0] == "d1"
    too_short = client.get("/lineage/path", params={"from": "d5", "to": "d1", "max_depth": 7})
    assert too_short.status_code == 404 and "d1" in too_short.json()["detail"]
    unknown = client.get("/lineage/path", params={"from": "d5", "to": "nowhere"})
    assert unknown.status_code == 404 and "nowhere" in unknown.json()["detail"]


# ------------------------------------------------------------------ Provena explore


def test_explore_answers_as_provena_for_one_run(client: httpx.Client) -> None:
    run = register(client, run_record(1, ["in"], ["out"], study="study"))
    downstream = explore(client, "downstream", "in")
    assert ids(downstream) == {"in", run, "out"}
    assert {(link.source, link.type, link.target) for link in downstream.links} == {
        (run, "used", "in"),
        ("out", "wasGeneratedBy", run),
    }
    upstream = explore(client, "upstream", "out")
    assert ids(upstream) == {"out", run, "in", "template", "alice", "csiro", "study"}
    subtypes = {node.id: node.item_subtype.value for node in upstream.nodes}
    assert subtypes == {
        "out": "DATASET",
        run: "MODEL_RUN",
        "in": "DATASET",
        "template": "WORKFLOW_TEMPLATE",
        "alice": "PERSON",
        "csiro": "ORGANISATION",
        "study": "STUDY",
    }
    # The counts Provena's own tests expect for one run.
    assert ids(explore(client, "special/contributing_datasets", "out", depth=3)) == {
        "out",
        run,
        "in",
    }
    assert ids(explore(client, "special/contributing_agents", "out", depth=2)) == {
        "out",
        run,
        "alice",
        "csiro",
    }
    assert ids(explore(client, "special/effected_agents", "in", depth=2)) == {
        "in",
        run,
        "out",
        "alice",
        "csiro",
    }
    assert ids(explore(client, "special/effected_datasets", "in")) == {"in", run, "out"}
    # Nothing upstream of the input: an empty graph, as Provena answers.
    assert ids(explore(client, "upstream", "in")) == set()


def test_special_queries_lead_only_to_datasets_or_agents(client: httpx.Client) -> None:
    chain(client, 6)
    graph = explore(client, "special/contributing_datasets", "d6", depth=6)
    ends = {link.target for link in graph.links} - {link.source for link in graph.links}
    assert ends == {"d3"} and {"alice", "csiro", "template"}.isdisjoint(ids(graph))
    categories = {node.id: node.item_category for node in graph.nodes}
    assert {categories[e] for e in ends} == {ItemCategory.ENTITY}

    graph = explore(client, "special/contributing_agents", "d6")
    ends = {link.target for link in graph.links} - {link.source for link in graph.links}
    assert ends == {"csiro"}  # alice acted on behalf of csiro, so only csiro ends paths
    agents = {n.id for n in graph.nodes if n.item_category == ItemCategory.AGENT}
    assert agents == {"alice", "csiro"} and "template" not in ids(graph)
    # Every other node is on its way to an agent: d6 -> r6 -> d5 -> alice is 3 relations.
    sources = {link.source for link in graph.links}
    assert ids(graph) - agents <= sources and "d5" in ids(graph) and "d4" not in ids(graph)


def test_explore_depth_rules(client: httpx.Client) -> None:
    chain(client, 8)

    def runs_in(path: str, **params: Any) -> int:
        graph = explore(client, path, "d8", **params)
        return sum(node.item_subtype.value == "MODEL_RUN" for node in graph.nodes)

    assert runs_in("upstream") == runs_in("upstream", depth=0) == runs_in("upstream", depth=2)
    assert runs_in("upstream") < runs_in("upstream", depth=10)
    special = "special/contributing_datasets"
    assert runs_in(special) == runs_in(special, depth=4) == 2
    for path in ("upstream", "downstream", special, "special/effected_agents"):
        too_deep = client.get(f"/explore/{path}", params={"starting_id": "d8", "depth": 11})
        assert too_deep.status_code == 400 and "10" in too_deep.json()["detail"]
        unknown = client.get(f"/explore/{path}", params={"starting_id": "10378.1/none"})
        assert unknown.status_code == 404 and "10378.1/none" in unknown.json()["detail"]
    negative = client.get("/explore/upstream", params={"starting_id": "d8", "depth": -1})
    assert negative.status_code == 422


# ------------------------------------------------------------------ timeouts


def test_a_query_past_its_timeout_answers_504_and_the_server_keeps_serving(
    client: httpx.Client, test_settings: Settings
) -> None:
    # 1500 chained runs: 3000 hops downstream, about a second of work (one statement; the
    # answer has 3003 nodes). Neo4j checks transaction timeouts only every couple of seconds;
    # a read is given up by the service itself at twice its timeout, which this one passes.
    records = [run_record(i, [f"d{i - 1}"], [f"d{i}"]) for i in range(1, 1501)]
    batch = client.post("/model_run/register_batch", json={"records": records})
    assert batch.status_code == 200 and batch.json()["status"]["success"], batch.text[:500]
    # The timeout is a setting, never an API parameter.
    hasty = test_settings.model_copy(update={"query_timeout_s": 0.02, "max_depth": 5000})
    with ServedApp(hasty) as app, httpx.Client(base_url=app.url, timeout=60) as impatient:
        started = time.monotonic()
        response = impatient.get("/lineage", params={"id": "d0", "depth": 3000})
        assert response.status_code == 504, response.text[:500]
        assert "detail" in response.json() and time.monotonic() - started < 10
        assert impatient.get("/health").status_code == 200
    assert len(lineage(client, "d3", direction="upstream")["nodes"]) == 7 + 1 + 2


# ------------------------------------------------------------------ plans


def plan_operators(db: Driver, name: str) -> list[str]:
    params = {
        **{"id": "x", "source": "x", "target": "y", "max_depth": 5, "depth": 5, "limit": 10},
        **{"upstream": True, "downstream": True, "agents": True},
    }
    _, summary, _ = db.execute_query("EXPLAIN " + cypher.load(name), params)

    def walk(plan: dict[str, Any]) -> Iterator[str]:
        yield plan["operatorType"].split("@")[0]
        for child in plan.get("children", []):
            yield from walk(child)

    assert summary.plan is not None
    return list(walk(summary.plan))


# The operators that enumerate paths: a variable-length expand that keeps every path
# (All, Into) and a quantified pattern matched as trails (Repeat).
ENUMERATING = ("VarLengthExpand(All)", "VarLengthExpand(Into)", "Repeat(Trail)")
BREADTH_FIRST = "VarLengthExpand(Pruning,BFS"


def test_every_lineage_statement_is_index_driven_and_never_enumerates_paths(db: Driver) -> None:
    names = cypher.names("lineage")
    assert {"lineage/walk", "lineage/explore", "lineage/shortest_paths"} <= set(names)
    for name in names:
        operators = plan_operators(db, name)
        assert "NodeUniqueIndexSeek" in operators, f"{name}: {' '.join(operators)}"
        assert not any(op.startswith(ENUMERATING) for op in operators), (name, operators)
        assert not any(op in ("AllNodesScan", "NodeByLabelScan") for op in operators), name
        if name == "lineage/shortest_paths":
            assert "StatefulShortestPath(Into)" in operators, operators
        elif name in ("lineage/walk", "lineage/explore"):
            # The walk is breadth-first over distinct nodes inside Neo4j: every
            # variable-length expand is the pruning BFS, one per direction and bound.
            expands = [op for op in operators if op.startswith("VarLengthExpand")]
            assert expands and all(op.startswith(BREADTH_FIRST) for op in expands), operators
