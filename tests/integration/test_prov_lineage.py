"""`GET /prov?scope=upstream|downstream`: exactly the nodes and edges `/lineage` answers."""

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest

from graph_model import RELATION_NAMES
from prov_export.formats import get_format
from prov_export.ids import IdPolicy
from service.lineage.lineage import Lineage, LineageQuery, find_lineage
from service.settings import Settings
from service.store import Store
from tests.payloads import model_run

POLICY = IdPolicy()


def chained(n: int) -> dict[str, Any]:
    """Run n reads d{n-1} and writes d{n}; the modeller acts for one organisation in every run."""
    body = model_run(n)
    body["inputs"][0]["dataset_id"] = f"d{n - 1}"
    body["outputs"][0]["dataset_id"] = f"d{n}"
    body["associations"] = {"modeller_id": "alice", "requesting_organisation_id": "csiro"}
    return body


def exported(document: Any) -> tuple[set[str], Counter[tuple[str, str, str]]]:
    elements = {r.identifier.uri for r in document.get_records() if r.is_element()}
    relations: Counter[tuple[str, str, str]] = Counter()
    for record in document.get_records():
        if record.is_relation():
            (_, first), (_, second), *_ = record.formal_attributes
            relations[(first.uri, record.get_type().localpart, second.uri)] += 1
    return elements, relations


def answered(lineage: dict[str, Any]) -> tuple[set[str], Counter[tuple[str, str, str]]]:
    types = {
        "used": "Usage",
        "wasGeneratedBy": "Generation",
        "wasAssociatedWith": "Association",
        "wasAttributedTo": "Attribution",
        "actedOnBehalfOf": "Delegation",
        "wasInformedBy": "Communication",
    }
    nodes = {POLICY.iri(node["id"]) for node in lineage["nodes"]}
    edges = Counter(
        (POLICY.iri(e["source"]), types[e["type"]], POLICY.iri(e["target"]))
        for e in lineage["edges"]
    )
    return nodes, edges


@pytest.mark.parametrize(
    ("direction", "start", "depth"), [("upstream", "d3", 3), ("downstream", "d0", 4)]
)
def test_lineage_scopes_export_what_lineage_answers(
    client: httpx.Client, direction: str, start: str, depth: int
) -> None:
    for n in (1, 2, 3):
        assert client.post("/model_run/register", json=chained(n)).status_code == 200
    lineage = client.get("/lineage", params={"id": start, "direction": direction, "depth": depth})
    assert lineage.status_code == 200, lineage.text
    for fmt in ("json", "provn"):
        response = client.get(
            "/prov", params={"id": start, "scope": direction, "depth": depth, "format": fmt}
        )
        assert response.status_code == 200, response.text
        document = get_format(fmt).parse(response.text)
        assert exported(document) == answered(lineage.json())
        assert len(lineage.json()["nodes"]) > 3


def test_lineage_scope_of_an_unknown_id_is_404(client: httpx.Client) -> None:
    response = client.get("/prov", params={"id": "nothing", "scope": "upstream"})
    assert response.status_code == 404


def found_lineage(settings: Settings, query: LineageQuery) -> Lineage:
    """The domain result, asked of the store directly (no HTTP)."""

    async def ask() -> Lineage:
        store = Store(settings)
        await store.open()
        try:
            return await find_lineage(store, settings, query)
        finally:
            await store.close()

    return asyncio.run(ask())


def test_lineage_and_its_export_are_one_domain_result(
    client: httpx.Client, test_settings: Settings
) -> None:
    for n in (1, 2, 3):
        assert client.post("/model_run/register", json=chained(n)).status_code == 200
    # Upstream of d3 within 3 relations: d3, run 3, d2, run 2. alice acted for csiro in
    # every run: three delegations between the same two agents, only those for runs 3 and
    # 2 are part of this lineage.
    query = LineageQuery(root="d3", direction="upstream", depth=3)
    found = found_lineage(test_settings, query)
    assert len(found.relation_ids) == len(set(found.relation_ids)) == len(found.relations)
    delegations = [s for s in found.relations if s.type == "ACTED_ON_BEHALF_OF"]
    assert len(delegations) == 2
    assert found.distances["d3"] == 0 and found.distances["d2"] == 2
    assert "alice" in found.node_ids and "alice" not in found.distances

    params: dict[str, str | int] = {"id": "d3", "direction": "upstream", "depth": 3}
    answer = client.get("/lineage", params=params).json()
    assert [node["id"] for node in answer["nodes"]] == found.node_ids
    assert [(e["source"], e["type"], e["target"]) for e in answer["edges"]] == [
        (s.source, RELATION_NAMES[s.type], s.target) for s in found.relations
    ]

    exported_answer = client.get("/prov", params={**params, "scope": "upstream", "format": "json"})
    assert exported_answer.status_code == 200, exported_answer.text
    document = get_format("json").parse(exported_answer.text)
    elements, relations = exported(document)
    assert (elements, relations) == answered(answer)
    assert sum(n for (_, kind, _), n in relations.items() if kind == "Delegation") == 2
