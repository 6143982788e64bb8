"""`POST /prov/validate` and `POST /prov?validate=strict` over HTTP on the real app."""

from __future__ import annotations

import json

import httpx
from neo4j import Driver

import cypher

PROVN = "text/provenance-notation"
INVALID = """document
prefix ex <http://example.org/>
entity(ex:x)
activity(ex:x, -, -)
wasGeneratedBy(ex:g1; ex:e, ex:a, -)
wasGeneratedBy(ex:g2; ex:e, ex:a, -)
endDocument"""
VALID = {
    "prefix": {"ex": "http://example.org/"},
    "entity": {"ex:e": {}},
    "activity": {"ex:a": {"prov:startTime": "2020-01-01T00:00:00Z"}},
    "wasGeneratedBy": {"ex:g1": {"prov:entity": "ex:e", "prov:activity": "ex:a"}},
}


def records(db: Driver) -> int:
    rows, _, _ = db.execute_query(cypher.load("testing/graph_counts"))
    return int(rows[0]["records"])


def test_validate_names_each_violated_constraint_and_writes_nothing(
    client: httpx.Client, db: Driver
) -> None:
    response = client.post("/prov/validate", content=INVALID, headers={"Content-Type": PROVN})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["valid"] is False
    by_number = {v["constraint"]: v for v in answer["violations"]}
    assert by_number[55]["name"] == "entity-activity-disjoint"
    assert any("ex:x" in s for s in by_number[55]["statements"])
    assert by_number[24]["name"] == "unique-generation"
    assert len(by_number[24]["statements"]) == 2
    assert records(db) == 0


def test_validate_reads_any_import_format(client: httpx.Client) -> None:
    response = client.post("/prov/validate", content=json.dumps(VALID))
    assert response.status_code == 415
    response = client.post(
        "/prov/validate", content=json.dumps(VALID), headers={"Content-Type": "application/json"}
    )
    assert response.json() == {"valid": True, "violations": []}


def test_strict_import_refuses_an_invalid_document(client: httpx.Client, db: Driver) -> None:
    response = client.post(
        "/prov", params={"validate": "strict"}, content=INVALID, headers={"Content-Type": PROVN}
    )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert {v["constraint"] for v in detail} >= {24, 55}
    assert all(v["type"] == "prov_constraints" and v["statements"] for v in detail)
    assert records(db) == 0
    # Without validate=strict a document PROV-CONSTRAINTS finds invalid is imported as is.
    two_generations = INVALID.replace("entity(ex:x)\nactivity(ex:x, -, -)\n", "")
    assert not client.post(
        "/prov/validate", content=two_generations, headers={"Content-Type": PROVN}
    ).json()["valid"]
    imported = client.post("/prov", content=two_generations, headers={"Content-Type": PROVN})
    assert imported.status_code == 201, imported.text
    strict_valid = client.post("/prov", params={"validate": "strict"}, json=VALID)
    assert strict_valid.status_code == 201, strict_valid.text
