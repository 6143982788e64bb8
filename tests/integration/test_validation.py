"""Validation before every write (issue 19): each finding answers its 4xx, nothing is
half-written, and what another user reads stays readable."""

import asyncio
import json
from typing import Any

import httpx
import pytest
from neo4j import Driver

import cypher
from graph_model import ENTITY, Node, ProvGraph
from service.errors import AlreadyExists, InvalidInput
from service.records import repository
from service.records.repository import RecordToWrite
from service.settings import Settings
from service.store import Store
from tests.payloads import model_run, seed_code_run
from tests.stored import counts
from tests.users import as_user, register

PROVN = {"Content-Type": "text/provenance-notation"}


def assert_refused(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    text = response.text
    for word in words:
        assert word in text, (word, text)


def test_stored_poison_time_is_refused_and_others_keep_reading(
    users: httpx.Client, db: Driver
) -> None:
    alice_run = register(users, "alice")
    before = counts(db)
    poison = model_run(2, start_time=-(10**15), end_time=0)
    response = users.post("/model_run/register", json=poison, headers=as_user("bob"))
    assert_refused(response, 422, "start_time", "years 1 to 9999")
    assert counts(db) == before
    reader = as_user("reader")
    lineage = users.get("/lineage", params={"id": "10378.1/output-1"}, headers=reader)
    assert lineage.status_code == 200 and alice_run in {n["id"] for n in lineage.json()["nodes"]}
    assert users.get("/runs", params={"limit": 1}, headers=reader).status_code == 200
    whole = users.get("/prov", params={"scope": "all"}, headers=as_user("boss"))
    assert whole.status_code == 200 and json.loads(whole.text)


@pytest.mark.parametrize(
    "times",
    [
        {"start_time": 10**12, "end_time": 10**12},
        {"start_time": 0, "end_time": 10**12},
        {"start_time": -(10**15), "end_time": -(10**15)},
        {"start_time": 2**64, "end_time": 2**64},
    ],
)
def test_times_outside_years_1_to_9999_are_422(
    client: httpx.Client, db: Driver, times: dict[str, int]
) -> None:
    response = client.post("/model_run/register", json=model_run(1, **times))
    assert_refused(response, 422, "years 1 to 9999")
    batch = client.post("/model_run/register_batch", json={"records": [model_run(1, **times)]})
    assert_refused(batch, 422, "years 1 to 9999")
    assert counts(db)["records"] == 0


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_422_and_the_connection_lives_on(
    client: httpx.Client, db: Driver, number: str
) -> None:
    body = json.dumps(model_run(1)).replace('"start_time": ', f'"start_time": {number}, "x": ')
    for path in ("/model_run/register", "/model_run/register_batch", "/api/code_run/"):
        response = client.post(path, content=body, headers={"Content-Type": "application/json"})
        assert_refused(response, 422, "finite")
    # The same connection answers the next request.
    assert client.get("/runs").status_code == 200
    assert counts(db)["records"] == 0


@pytest.mark.parametrize(
    "run_date", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+14:00"]
)
def test_run_dates_out_of_range_in_utc_are_422(
    client: httpx.Client, db: Driver, run_date: str
) -> None:
    body = {**seed_code_run(), "run_date": run_date}
    assert_refused(client.post("/api/code_run/", json=body), 422, "run_date", "UTC")
    assert counts(db)["records"] == 0


def test_run_dates_at_the_edges_of_the_range_are_kept(client: httpx.Client) -> None:
    body = {**seed_code_run(), "run_date": "9999-12-31T23:59:59+00:00", "uuid": None}
    created = client.post("/api/code_run/", json=body)
    assert created.status_code == 201, created.text
    assert client.get("/runs").status_code == 200
    listed = client.get("/api/code_run/").json()["results"]
    assert listed[0]["run_date"].startswith("9999-12-31T23:59:59")


def test_integers_beyond_64_bits_are_4xx(client: httpx.Client) -> None:
    huge = 2**63
    for path in (f"/api/code_run/{huge}/", f"/api/ro-crate/code-run/{huge}/"):
        assert_refused(client.get(path), 422, "less than or equal")
    assert_refused(client.get("/api/code_run/", params={"cursor": huge}), 422, "cursor")
    assert client.delete(f"/api/code_run/{huge}/").status_code == 422
    assert client.get(f"/api/code_run/{huge - 1}/").status_code == 404
    assert client.get("/api/code_run/", params={"cursor": huge - 1}).status_code == 200


LONE_SURROGATE = '"\\ud800"'


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/model_run/register", {**model_run(1), "description": "SURROGATE"}),
        ("/model_run/register", {**model_run(1), "annotations": {"SURROGATE": "x"}}),
        ("/api/code_run/", {**seed_code_run(), "description": "SURROGATE"}),
        ("/model_run/register_batch", {"records": [{**model_run(1), "display_name": "SURROGATE"}]}),
        ("/prov", {"prefix": {"ex": "urn:ex:"}, "entity": {"ex:e": {"ex:v": "SURROGATE"}}}),
    ],
)
def test_lone_surrogates_anywhere_are_422_and_the_connection_lives_on(
    client: httpx.Client, db: Driver, path: str, body: dict[str, Any]
) -> None:
    text = json.dumps(body).replace('"SURROGATE"', LONE_SURROGATE)
    response = client.post(path, content=text, headers={"Content-Type": "application/json"})
    assert_refused(response, 422, "surrogate", "U+D800")
    assert client.get("/runs").status_code == 200
    assert counts(db)["records"] == 0


def test_a_validation_error_echoing_odd_input_is_sent(client: httpx.Client) -> None:
    # A 422 for another reason, its echo holding a string that is not a number.
    body = {**model_run(1), "start_time": "\u202e\U0001f9ec"}
    response = client.post("/model_run/register", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "start_time"]


def big_id(size: int = 2 * 1024 * 1024) -> str:
    return "x" * size


@pytest.mark.parametrize(
    "document",
    [
        f"document\n  prefix ex <http://example.org/>\n  entity(ex:{big_id()})\nendDocument",
        "document\n  prefix ex <http://example.org/>\n  entity(ex:a)\n  entity(ex:b)\n"
        f"  wasDerivedFrom(ex:{big_id(5000)}; ex:a, ex:b)\nendDocument",
        "document\n  prefix ex <http://example.org/>\n"
        f"  bundle ex:{big_id(5000)}\n    entity(ex:a)\n  endBundle\nendDocument",
    ],
    ids=["element", "relation", "bundle"],
)
def test_overlong_ids_in_prov_n_are_422(client: httpx.Client, db: Driver, document: str) -> None:
    response = client.post("/prov", content=document, headers=PROVN)
    assert_refused(response, 422, "at most 1024 characters")
    assert len(response.text) < 10_000  # the id is named, not echoed whole
    assert counts(db)["records"] == 0


def test_overlong_and_control_ids_in_prov_json_are_422(client: httpx.Client, db: Driver) -> None:
    document = {
        "prefix": {"ex": "http://example.org/"},
        "entity": {f"ex:{big_id()}": {}, "ex:tab\there": {}},
    }
    response = client.post("/prov", json=document)
    assert_refused(response, 422, "at most 1024 characters", "control characters")
    assert counts(db)["records"] == 0


def test_fairdp_reference_too_large_for_the_index_is_422(client: httpx.Client, db: Driver) -> None:
    body = {**seed_code_run(), "inputs": ["\U0001f9ec" * 2048], "uuid": None}
    assert_refused(client.post("/api/code_run/", json=body), 422, "inputs", "bytes")
    assert counts(db)["records"] == 0


@pytest.mark.parametrize("key", ["k" * 9000, "has space"])
def test_bad_idempotency_keys_are_422(client: httpx.Client, db: Driver, key: str) -> None:
    headers = {"Idempotency-Key": key}
    response = client.post("/model_run/register", json=model_run(1), headers=headers)
    assert_refused(response, 422, "Idempotency-Key")
    document = "document\n  prefix ex <http://example.org/>\n  entity(ex:a)\nendDocument"
    response = client.post("/prov", content=document, headers={**PROVN, **headers})
    assert_refused(response, 422, "Idempotency-Key")
    assert counts(db)["records"] == 0


def test_a_code_run_uuid_naming_another_record_is_409(client: httpx.Client, db: Driver) -> None:
    run = client.post("/model_run/register", json=model_run(1)).json()["record_info"]["id"]
    before = counts(db)
    response = client.post("/api/code_run/", json={**seed_code_run(), "uuid": run})
    assert_refused(response, 409, run, "model run")
    assert counts(db) == before


def test_store_maps_what_neo4j_and_the_driver_refuse(test_settings: Settings, db: Driver) -> None:
    """Past validation, each refusal is a 4xx: a value too large for the id index, a lone
    surrogate, an integer beyond 64 bits, a duplicate record id."""

    def record(node_id: str, record_id: str = "r1") -> RecordToWrite:
        graph = ProvGraph(nodes={node_id: Node(node_id, (ENTITY,))})
        return RecordToWrite(record_id, "prov_document", graph, "{}", "tester")

    async def attempts() -> list[Exception]:
        store = Store(test_settings)
        await store.open()
        found: list[Exception] = []
        try:
            for to_write in (record("\U0001f9ec" * 2100), record("a\ud800")):
                try:
                    await store.write(repository.write_new_records, [to_write])
                except InvalidInput as error:
                    found.append(error)
            try:
                await store.read(repository.get_by_seq, "code_run", 2**64)
            except InvalidInput as error:
                found.append(error)
            await store.write(repository.write_new_records, [record("fine")])
            try:
                await store.write(repository.write_new_records, [record("fine2")])
            except Exception as error:  # the type is what is checked
                found.append(error)
        finally:
            await store.close()
        return found

    with db.session() as session:
        session.run(cypher.load("admin/wipe_all")).consume()
    found = asyncio.run(attempts())
    messages = [str(error) for error in found]
    assert len(found) == 4, messages
    assert "too large" in messages[0]
    assert "surrogate" in messages[1]
    assert "64 bits" in messages[2]
    assert isinstance(found[3], AlreadyExists) and found[3].status_code == 409
    assert counts(db)["records"] == 1


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+14:00"])
def test_imported_activity_times_out_of_range_in_utc_are_422(
    client: httpx.Client, db: Driver, moment: str
) -> None:
    document = (
        "document\n  prefix ex <http://example.org/>\n"
        f"  activity(ex:run, {moment}, -)\nendDocument"
    )
    assert_refused(client.post("/prov", content=document, headers=PROVN), 422, "startTime")
    assert counts(db)["records"] == 0
