"""Caps callers cannot lift, and whole-graph exports that never fail on how records fall
into pages (issue 19)."""

import json
from collections.abc import Iterator

import httpx
import pytest
from prov.model import ProvDocument

from prov_export.formats import get_format
from service.settings import Settings
from tests.conftest import ServedApp
from tests.payloads import model_run

PROVN = {"Content-Type": "text/provenance-notation"}


@pytest.fixture(scope="module")
def small_limit_app(test_settings: Settings) -> Iterator[ServedApp]:
    with ServedApp(test_settings.model_copy(update={"node_limit": 3})) as app:
        yield app


def test_limit_cannot_lift_the_node_limit(small_limit_app: ServedApp, clean_graph: None) -> None:
    with httpx.Client(base_url=small_limit_app.url, timeout=120) as client:
        for n in range(3):
            body = model_run(n, inputs=[{**model_run(n)["inputs"][0]}])
            if n:  # a chain: each run uses the previous run's output
                body["inputs"][0]["dataset_id"] = f"10378.1/output-{n - 1}"
            assert client.post("/model_run/register", json=body).status_code == 200
        for limit in (1_000_000_000, 2**63, None):
            params = {"id": "10378.1/output-2", "direction": "upstream", "agents": "false"}
            if limit:
                params["limit"] = str(limit)
            answer = client.get("/lineage", params=params)
            assert answer.status_code == 200, answer.text
            assert len(answer.json()["nodes"]) == 3 and answer.json()["truncated"] is True
        lower = client.get(
            "/lineage", params={"id": "10378.1/output-2", "limit": 2, "agents": "false"}
        ).json()
        assert len(lower["nodes"]) == 2 and lower["truncated"] is True


def provn(*lines: str) -> str:
    body = "\n".join(f"  {line}" for line in lines)
    return f"document\n  prefix ex <http://example.org/>\n{body}\nendDocument\n"


def whole_graph(client: httpx.Client, fmt: str) -> ProvDocument:
    response = client.get("/prov", params={"scope": "all", "format": fmt})
    assert response.status_code == 200, response.text
    if fmt == "json":
        json.loads(response.text)
    return get_format(fmt).parse(response.text)


def relation_ids(document: ProvDocument) -> list[str]:
    return sorted(
        str(record.identifier)
        for record in document.get_records()
        if record.is_relation() and record.identifier
    )


def test_one_relation_id_asserted_twice_exports_whole(client: httpx.Client) -> None:
    """The second `ex:r1` (other attributes) is kept as a note, the first is an edge: they
    come in different export chunks."""
    document = provn(
        "entity(ex:a)",
        "entity(ex:b)",
        "wasDerivedFrom(ex:r1; ex:a, ex:b, -, -, -, [ex:n=1])",
        "wasDerivedFrom(ex:r1; ex:a, ex:b, -, -, -, [ex:n=2])",
    )
    assert client.post("/prov", content=document, headers=PROVN).status_code == 201
    assert relation_ids(whole_graph(client, "json")) == ["ex:r1", "ex:r1"]


def test_a_relation_id_shared_across_export_pages_exports_whole(client: httpx.Client) -> None:
    # More nodes than one export page (1000) between the two relations' sources.
    fillers = [f"entity(ex:m{i:04d})" for i in range(1100)]
    first = provn("entity(ex:a)", "entity(ex:b)", "wasDerivedFrom(ex:r1; ex:a, ex:b)", *fillers)
    second = provn("entity(ex:y)", "entity(ex:z)", "wasDerivedFrom(ex:r1; ex:z, ex:y)")
    for document in (first, second):
        assert client.post("/prov", content=document, headers=PROVN).status_code == 201
    for fmt in ("json", "provn"):
        exported = whole_graph(client, fmt)
        assert relation_ids(exported) == ["ex:r1", "ex:r1"], fmt
