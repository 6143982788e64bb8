"""`GET /runs` over both dialects."""

import httpx

from tests.payloads import model_run, seed_code_run


def test_runs_of_both_dialects_with_filters_and_paging(client: httpx.Client) -> None:
    provena_ids = []
    for n in range(5):
        body = model_run(n, start_time=1_700_000_000 + n * 3600, end_time=1_700_000_000 + n * 3600)
        if n % 2:
            body["associations"]["modeller_id"] = "alice"
        response = client.post("/model_run/register", json=body)
        provena_ids.append(response.json()["record_info"]["id"])
    code_run = client.post("/api/code_run/", json=seed_code_run()).json()

    everything = client.get("/runs").json()
    assert {r["dialect"] for r in everything["runs"]} == {"provena", "fair-data-pipeline"}
    assert len(everything["runs"]) == 6 and everything["next_cursor"] is None
    starts = [r["start_time"] for r in everything["runs"]]
    assert starts == sorted(starts, reverse=True)

    pages, cursor = [], None
    while True:
        page = client.get("/runs", params={"limit": 4, **({"cursor": cursor} if cursor else {})})
        pages.append([r["id"] for r in page.json()["runs"]])
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert sum(pages, []) == [r["id"] for r in everything["runs"]]

    by_agent = client.get("/runs", params={"agent": "alice"}).json()["runs"]
    assert {r["id"] for r in by_agent} == {provena_ids[1], provena_ids[3]}
    by_dataset = client.get("/runs", params={"dataset": "10378.1/output-2"}).json()["runs"]
    assert [r["id"] for r in by_dataset] == [provena_ids[2]]
    by_input = client.get("/runs", params={"dataset": seed_code_run()["inputs"][0]}).json()["runs"]
    assert [r["id"] for r in by_input] == [code_run["uuid"]]
    window = client.get(
        "/runs", params={"since": "2023-11-14T22:00:00Z", "until": 1_700_000_000 + 2 * 3600}
    ).json()["runs"]
    assert {r["id"] for r in window} == set(provena_ids[:3])
    assert client.get("/runs", params={"cursor": "garbage"}).status_code == 400
