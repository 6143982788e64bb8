"""`GET /nodes` (search on the `node_search` full-text index) and `GET /nodes/detail`."""

import httpx
from neo4j import Driver
from prov.model import ProvDocument

from tests import calls, prov_documents
from tests.payloads import model_run, seed_code_run


def register(client: httpx.Client, n: int | str, **changes: object) -> str:
    return calls.register(client, model_run(n, **changes))


def ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [node["id"] for node in answer.json()["nodes"]]


def test_search_finds_by_id_words_label_and_attribute_text(client: httpx.Client) -> None:
    register(client, 1, display_name="Rainfall downscaling for Queensland")
    run_2 = register(client, 2, annotations={"species": "Eucalyptus camaldulensis"})
    register(client, 3)

    # Id words, each a prefix, all required: output-3 but not output-1 or output-2.
    assert ids(client.get("/nodes", params={"q": "output-3"})) == ["10378.1/output-3"]
    assert set(ids(client.get("/nodes", params={"q": "outp"}))) == {
        f"10378.1/output-{n}" for n in (1, 2, 3)
    }
    # A label, case-insensitive and by prefix.
    found = client.get("/nodes", params={"q": "rainfall queens"}).json()["nodes"]
    assert [(n["kind"], n["label"]) for n in found] == [
        ("ModelRun", "Rainfall downscaling for Queensland")
    ]
    # Attribute text (an annotation value).
    assert ids(client.get("/nodes", params={"q": "camaldulensis"})) == [run_2]


def test_the_exact_id_comes_first_and_kind_filters(client: httpx.Client) -> None:
    for n in (1, 2, 3, 11, 12):
        register(client, n)
    # Each word is a prefix, so output-11 and output-12 match too; the exact id ranks first.
    hits = ids(client.get("/nodes", params={"q": "10378.1/output-1"}))
    assert hits[0] == "10378.1/output-1"
    assert {"10378.1/output-11", "10378.1/output-12"} <= set(hits[1:])
    assert not any("input" in hit for hit in hits)

    datasets = client.get("/nodes", params={"q": "10378.1", "kind": "Dataset", "limit": 50})
    assert sorted(ids(datasets)) == sorted(
        f"10378.1/{side}-{n}" for side in ("input", "output") for n in (1, 2, 3, 11, 12)
    )
    agents = client.get("/nodes", params={"q": "10378.1", "kind": "Agent", "limit": 50})
    assert sorted(ids(agents)) == sorted(
        f"10378.1/{who}-{n}" for who in ("modeller", "org") for n in (1, 2, 3, 11, 12)
    )
    assert {tuple(n["prov_classes"]) for n in agents.json()["nodes"]} == {("Agent",)}
    assert len(ids(client.get("/nodes", params={"q": "10378", "limit": 2}))) == 2


def test_query_syntax_in_the_text_is_searched_for_not_obeyed(client: httpx.Client) -> None:
    register(client, 1)
    texts = ["*:*", 'output" OR "', "(", "input~2 AND NOT x", "\\", "[a TO z]", "/.*/", "0" * 1024]
    for text in texts:
        response = client.get("/nodes", params={"q": text})
        assert response.status_code == 200, (text, response.text)
    # `*:*` would match everything; as text it has no word, so it matches nothing.
    assert ids(client.get("/nodes", params={"q": "*:*"})) == []
    assert client.get("/nodes", params={"q": ""}).status_code == 422
    assert client.get("/nodes", params={"q": "x", "limit": 0}).status_code == 422


def test_code_run_references_are_found_by_url_words(client: httpx.Client) -> None:
    code_run = client.post("/api/code_run/", json=seed_code_run()).json()
    found = ids(client.get("/nodes", params={"q": code_run["uuid"]}))
    assert found[0] == code_run["uuid"]


def test_details_name_the_asserting_records_with_who_and_when(client: httpx.Client) -> None:
    first = register(client, 1)
    body = model_run(2)
    body["inputs"][0]["dataset_id"] = "10378.1/output-1"
    second = client.post("/model_run/register", json=body).json()["record_info"]["id"]

    details = client.get("/nodes/detail", params={"id": "10378.1/output-1"}).json()
    assert details["prov_classes"] == ["Entity"] and details["kind"] == "Dataset"
    assert [r["id"] for r in details["records"]] == [first, second]
    assert {r["created_by"] for r in details["records"]} == {"anonymous"}
    assert all(r["created_at"] and r["url"] == f"/records/{r['id']}" for r in details["records"])

    run = client.get("/nodes/detail", params={"id": first}).json()
    assert run["kind"] == "ModelRun" and run["start_time"] and run["end_time"]
    assert run["attributes"]["prov:label"] == model_run(1)["description"]

    missing = client.get("/nodes/detail", params={"id": "10378.1/nothing"})
    assert missing.status_code == 404 and "10378.1/nothing" in missing.json()["detail"]


def test_search_index_is_a_fulltext_index_online(db: Driver) -> None:
    records, _, _ = db.execute_query(
        "SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties "
        "WHERE name = 'node_search' RETURN type, state, labelsOrTypes, properties"
    )
    assert [r.data() for r in records] == [
        {
            "type": "FULLTEXT",
            "state": "ONLINE",
            "labelsOrTypes": ["Node"],
            "properties": ["id", "label", "attrs"],
        }
    ]


def test_prov_export_of_both_directions_holds_what_lineage_answers(client: httpx.Client) -> None:
    register(client, 1)
    body = model_run(2)
    body["inputs"][0]["dataset_id"] = "10378.1/output-1"
    client.post("/model_run/register", json=body)
    lineage = client.get("/lineage", params={"id": "10378.1/output-1", "direction": "both"})
    provn = client.get(
        "/prov", params={"id": "10378.1/output-1", "scope": "both", "format": "provn"}
    )
    assert provn.status_code == 200, provn.text
    document = ProvDocument.deserialize(content=provn.text, format="provn")
    assert len(prov_documents.records(document)) >= len(lineage.json()["nodes"])
    exported = {str(record.identifier) for record in document.get_records() if record.is_element()}
    assert len(exported) == len(lineage.json()["nodes"])
