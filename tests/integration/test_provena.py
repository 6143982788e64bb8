"""Provena model runs through HTTP on the real app and Neo4j (SPEC §3, §4)."""

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from neo4j import Driver

import cypher
from tests.payloads import model_run, seed_model_run


def counts(db: Driver) -> dict[str, int]:
    records, _, _ = db.execute_query(cypher.load("testing/graph_counts"))
    return dict(records[0])


def all_edges(db: Driver) -> set[tuple[str, str, str]]:
    records, _, _ = db.execute_query(cypher.load("testing/all_edges"))
    return {(r["source"], r["type"], r["target"]) for r in records}


def register(client: httpx.Client, body: dict[str, Any], **headers: str) -> httpx.Response:
    return client.post("/model_run/register", json=body, headers=headers)


def run_id(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return str(response.json()["record_info"]["id"])


def chained(n: int) -> dict[str, Any]:
    """Run n reads dataset d{n-1} and writes d{n}; agents and template shared by all."""
    body = model_run(n)
    body["inputs"][0]["dataset_id"] = f"d{n - 1}"
    body["outputs"][0]["dataset_id"] = f"d{n}"
    body["workflow_template_id"] = "template"
    body["associations"] = {"modeller_id": "alice", "requesting_organisation_id": "csiro"}
    body.pop("study_id")
    return body


def test_three_chained_runs_give_exactly_the_expected_graph(
    client: httpx.Client, db: Driver
) -> None:
    runs = [run_id(register(client, chained(n))) for n in (1, 2, 3)]
    expected: set[tuple[str, str, str]] = set()
    for n, run in enumerate(runs, start=1):
        expected |= {
            (run, "USED", f"d{n - 1}"),
            (run, "USED", "template"),
            (f"d{n}", "WAS_GENERATED_BY", run),
            (f"d{n}", "WAS_ATTRIBUTED_TO", "alice"),
            (run, "WAS_ASSOCIATED_WITH", "alice"),
            (run, "WAS_ASSOCIATED_WITH", "csiro"),
        }
    assert all_edges(db) - {e for e in all_edges(db) if e[1] == "ACTED_ON_BEHALF_OF"} == expected
    # one delegation per run, told apart by its activity
    delegations = counts(db)["edges"] - len(expected)
    assert delegations == 3
    c = counts(db)
    assert c["nodes"] == c["ids"] == 3 + 4 + 3  # runs, d0..d3, template + alice + csiro
    assert c["records"] == 3


def test_register_answers_provena_shape_and_record_reads_back(client: httpx.Client) -> None:
    body = model_run(7, display_name="seven")
    response = register(client, body)
    payload = response.json()
    assert payload["status"]["success"] is True
    info = payload["record_info"]
    assert info["record"]["display_name"] == "seven"
    prov = json.loads(info["prov_json"])
    assert "activity" in prov and "entity" in prov and "agent" in prov
    stored = client.get(f"/records/{info['id']}").json()
    assert stored["record"] == info["record"]
    assert stored["kind"] == "model_run" and stored["version"] == 1
    assert stored["content_hash"].startswith("sha256:")


def test_same_idempotency_key_gives_one_run(client: httpx.Client, db: Driver) -> None:
    first = register(client, model_run(1), **{"Idempotency-Key": "key-1"})
    before = counts(db)
    second = register(client, model_run(1), **{"Idempotency-Key": "key-1"})
    assert run_id(second) == run_id(first)
    assert counts(db) == before
    other_body = register(client, model_run(2), **{"Idempotency-Key": "key-1"})
    assert other_body.status_code == 409


def test_concurrent_duplicates_with_one_key_give_one_run(client: httpx.Client, db: Driver) -> None:
    with ThreadPoolExecutor(8) as pool:
        responses = list(
            pool.map(lambda _: register(client, model_run(1), **{"Idempotency-Key": "k"}), range(8))
        )
    assert len({run_id(r) for r in responses}) == 1
    assert counts(db)["records"] == 1


def test_second_run_claiming_an_output_gets_409_naming_both(
    client: httpx.Client, db: Driver
) -> None:
    first = run_id(register(client, model_run(1)))
    before = counts(db)
    clash = model_run(2)
    clash["outputs"][0]["dataset_id"] = "10378.1/output-1"
    response = register(client, clash)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "10378.1/output-1" in detail and first in detail
    assert counts(db) == before


def test_dataset_id_reused_as_modeller_gets_409_naming_both(
    client: httpx.Client, db: Driver
) -> None:
    run_id(register(client, model_run(1)))
    before = counts(db)
    clash = model_run(2)
    clash["associations"]["modeller_id"] = "10378.1/input-1"
    response = register(client, clash)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "10378.1/input-1" in detail and "Dataset" in detail and "Person" in detail
    assert counts(db) == before


def test_malformed_bodies_get_422_naming_every_field(client: httpx.Client, db: Driver) -> None:
    run_id(register(client, model_run(1)))
    before = counts(db)
    body = model_run(2)
    del body["workflow_template_id"]
    body["start_time"] = "soon"
    body["inputs"][0]["dataset_type"] = "S3_BUCKET"
    del body["associations"]["modeller_id"]
    response = register(client, body)
    assert response.status_code == 422
    locs = {tuple(error["loc"][1:]) for error in response.json()["detail"]}
    assert locs >= {
        ("workflow_template_id",),
        ("start_time",),
        ("inputs", 0, "dataset_type"),
        ("associations", "modeller_id"),
    }
    backwards = register(client, model_run(3, start_time=20, end_time=10))
    assert backwards.status_code == 422 and "start_time" in backwards.text
    not_json = client.post(
        "/model_run/register", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    assert counts(db) == before


def test_seed_payload_gets_a_clear_answer_and_distinct_ids_register(
    client: httpx.Client, db: Driver
) -> None:
    response = register(client, seed_model_run())
    assert response.status_code == 422
    messages = " ".join(error["msg"] for error in response.json()["detail"])
    assert "'1234'" in messages and "one id names one thing" in messages
    assert "use and generate the same entity" in messages
    assert counts(db)["records"] == 0
    run_id(register(client, model_run("distinct")))


def test_update_keeps_history(client: httpx.Client, db: Driver) -> None:
    run = run_id(register(client, model_run(1)))
    changed = model_run(1)
    changed["outputs"][0]["dataset_id"] = "10378.1/output-1b"
    response = client.post(
        "/model_run/update", json={"model_run_id": run, "reason": "wrong output", "record": changed}
    )
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2
    edges = all_edges(db)
    assert ("10378.1/output-1b", "WAS_GENERATED_BY", run) in edges
    assert ("10378.1/output-1", "WAS_GENERATED_BY", run) not in edges
    stored = client.get(f"/records/{run}").json()
    assert stored["version"] == 2
    assert stored["history"][0]["reason"] == "wrong output"
    assert stored["history"][0]["body"]["outputs"][0]["dataset_id"] == "10378.1/output-1"
    missing = client.post(
        "/model_run/update", json={"model_run_id": "nope", "reason": "x", "record": changed}
    )
    assert missing.status_code == 404


def test_delete_keeps_what_another_record_asserts_and_trial_changes_nothing(
    client: httpx.Client, db: Driver
) -> None:
    shared = model_run(1)
    first = run_id(register(client, shared))
    second_body = model_run(2)
    second_body["inputs"][0]["dataset_id"] = "10378.1/input-1"  # shared input
    second = run_id(register(client, second_body))
    before = counts(db)
    trial = client.post("/model_run/delete", json={"record_id": first, "trial_mode": True})
    assert trial.status_code == 200
    assert counts(db) == before
    actions = {(d["action"], d.get("node_id")) for d in trial.json()["diff"]}
    assert ("remove_record_from_node", "10378.1/input-1") in actions
    assert ("remove_node", first) in actions

    deleted = client.post("/model_run/delete", json={"record_id": first, "trial_mode": False})
    assert deleted.json()["diff"] == trial.json()["diff"]
    edges = all_edges(db)
    assert (second, "USED", "10378.1/input-1") in edges
    assert not any(first in (source, target) for source, _, target in edges)
    assert client.get(f"/records/{first}").status_code == 404
    again = client.post("/model_run/delete", json={"record_id": first})
    assert again.status_code == 404


def test_batch_of_10000_runs_registers_in_one_call(client: httpx.Client, db: Driver) -> None:
    records = [model_run(n) for n in range(10_000)]
    response = client.post("/model_run/register_batch", json={"records": records}, timeout=600)
    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert body["status"]["success"] is True
    assert len(body["results"]) == 10_000 and all(r["success"] for r in body["results"])
    assert counts(db)["records"] == 10_000


def test_batch_reports_bad_records_individually(client: httpx.Client, db: Driver) -> None:
    records = [model_run(1), model_run(2), model_run(3)]
    records[1]["outputs"][0]["dataset_id"] = "10378.1/output-1"  # claims run 1's output
    records[2]["associations"]["modeller_id"] = "10378.1/template-3"  # one id, two things
    results = client.post("/model_run/register_batch", json={"records": records}).json()["results"]
    assert [r["success"] for r in results] == [True, False, False]
    assert "10378.1/output-1" in json.dumps(results[1]["detail"])
    assert counts(db)["records"] == 1


def test_16_concurrent_clients_sharing_inputs_make_no_duplicates(
    client: httpx.Client, db: Driver
) -> None:
    def body(n: int) -> dict[str, Any]:
        record = model_run(n)
        record["inputs"][0]["dataset_id"] = f"shared-input-{n % 5}"
        record["workflow_template_id"] = "shared-template"
        record["associations"]["modeller_id"] = f"modeller-{n % 3}"
        return record

    with ThreadPoolExecutor(16) as pool:
        responses = list(pool.map(lambda n: register(client, body(n)), range(1000)))
    assert [r.status_code for r in responses if r.status_code != 200] == []
    c = counts(db)
    assert c["nodes"] == c["ids"]
    assert c["records"] == 1000
