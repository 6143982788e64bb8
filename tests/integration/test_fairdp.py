"""FAIR-DP code runs through HTTP on the real app and Neo4j (SPEC §3.2, §4)."""

from concurrent.futures import ThreadPoolExecutor

import httpx
from neo4j import Driver

import cypher
from tests.payloads import CODE_RUN_WRITABLE, seed_code_run


def test_seed_code_run_registers_and_reads_back(client: httpx.Client) -> None:
    sent = seed_code_run()
    created = client.post("/api/code_run/", json=sent)
    assert created.status_code == 201, created.text
    run = created.json()
    for field in CODE_RUN_WRITABLE:
        assert run[field] == sent[field], field
    assert run["url"].endswith("/api/code_run/1/")
    assert run["ro_crate"].endswith("/api/ro-crate/code-run/1/")
    assert run["updated_by"].endswith("/api/users/anonymous/")
    assert client.get("/api/code_run/1/").json() == run
    listed = client.get("/api/code_run/", params={"format": "json"}).json()
    assert listed == {"count": 1, "next": None, "previous": None, "results": [run]}


def test_filters_match_exactly(client: httpx.Client) -> None:
    sent = seed_code_run()
    client.post("/api/code_run/", json=sent)
    other = seed_code_run() | {
        "uuid": "00000000-0000-4000-8000-000000000001",
        "inputs": [],
        "outputs": ["https://r.example/api/object_component/9/"],
    }
    client.post("/api/code_run/", json=other)
    assert client.get("/api/code_run/").json()["count"] == 2
    by_uuid = client.get("/api/code_run/", params={"uuid": sent["uuid"]}).json()
    assert [r["uuid"] for r in by_uuid["results"]] == [sent["uuid"]]
    by_input = client.get("/api/code_run/", params={"inputs": sent["inputs"][0]}).json()
    assert [r["uuid"] for r in by_input["results"]] == [sent["uuid"]]
    by_output = client.get("/api/code_run/", params={"outputs": other["outputs"][0]}).json()
    assert [r["uuid"] for r in by_output["results"]] == [other["uuid"]]
    partial = client.get("/api/code_run/", params={"inputs": sent["inputs"][0][:-3]}).json()
    assert partial["count"] == 0


def test_same_uuid_twice_gives_the_first_run_and_writes_nothing(
    client: httpx.Client, db: Driver
) -> None:
    first = client.post("/api/code_run/", json=seed_code_run())
    records, _, _ = db.execute_query(cypher.load("testing/graph_counts"))
    again = client.post("/api/code_run/", json=seed_code_run() | {"description": "changed"})
    assert again.status_code == 200 and again.json() == first.json()
    after, _, _ = db.execute_query(cypher.load("testing/graph_counts"))
    assert after[0].data() == records[0].data()


def test_concurrent_posts_of_one_uuid_give_one_run(client: httpx.Client, db: Driver) -> None:
    with ThreadPoolExecutor(8) as pool:
        responses = list(
            pool.map(lambda _: client.post("/api/code_run/", json=seed_code_run()), range(8))
        )
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
    assert len({r.json()["url"] for r in responses}) == 1
    records, _, _ = db.execute_query(cypher.load("testing/graph_counts"))
    assert records[0]["records"] == 1


def test_patch_replaces_lists_and_delete_removes(client: httpx.Client) -> None:
    run = client.post("/api/code_run/", json=seed_code_run()).json()
    new_outputs = ["https://r.example/api/object_component/77/"]
    patched = client.patch("/api/code_run/1/", json={"outputs": new_outputs})
    assert patched.status_code == 200, patched.text
    assert patched.json()["outputs"] == new_outputs
    assert patched.json()["inputs"] == run["inputs"]
    history = client.get(f"/records/{run['uuid']}").json()["history"]
    assert history[0]["body"]["outputs"] == seed_code_run()["outputs"]
    assert client.delete("/api/code_run/1/").status_code == 204
    assert client.get("/api/code_run/1/").status_code == 404


def test_bad_code_runs_get_422_naming_fields(client: httpx.Client) -> None:
    response = client.post("/api/code_run/", json={"run_date": "yesterday", "inputs": "x"})
    assert response.status_code == 422
    locs = {tuple(e["loc"][1:]) for e in response.json()["detail"]}
    assert {("run_date",), ("submission_script",), ("inputs",)} <= locs
    assert client.get("/api/code_run/99/").status_code == 404
