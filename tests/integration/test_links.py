"""Links come from configuration, not from a caller's Host header; Idempotency-Keys are
each caller's own; the open /health tells nothing but the status (issue 19)."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from service.settings import Settings
from tests.conftest import ServedApp
from tests.payloads import model_run, seed_code_run
from tests.users import as_user

EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


def code_run(n: int) -> dict[str, Any]:
    body = seed_code_run()
    return {**body, "uuid": None, "outputs": [f"https://data.example/output-{n}"]}


def links_of(client: httpx.Client, headers: dict[str, str]) -> list[str]:
    """Every link a code run's answers carry: create, read, list (with `next`), RO-Crate."""
    for n in range(2):
        created = client.post("/api/code_run/", json=code_run(n), headers=headers)
        assert created.status_code == 201, created.text
    run = created.json()
    listed = client.get("/api/code_run/", params={"page_size": 1}, headers=headers).json()
    read = client.get(f"/api/code_run/{run['url'].rstrip('/').rsplit('/', 1)[1]}/", headers=headers)
    crate = client.get(run["ro_crate"].split("/api/", 1)[1].join(["/api/", ""]), headers=headers)
    assert read.status_code == 200 and crate.status_code == 200, crate.text
    links = [listed["next"]]
    for view in (run, read.json(), *listed["results"]):
        links += [view["url"], view["ro_crate"], view["updated_by"]]
    assert "evil" not in crate.text
    return links


@pytest.fixture(scope="module")
def public_url_app(test_settings: Settings) -> Iterator[ServedApp]:
    settings = test_settings.model_copy(update={"public_url": "https://registry.example.org/pg/"})
    with ServedApp(settings) as app:
        yield app


def test_public_url_is_the_base_of_every_link(public_url_app: ServedApp, clean_graph: None) -> None:
    with httpx.Client(base_url=public_url_app.url, timeout=120) as client:
        links = links_of(client, EVIL)
    assert links and all(link.startswith("https://registry.example.org/pg/api/") for link in links)


@pytest.fixture(scope="module")
def no_trusted_app(test_settings: Settings) -> Iterator[ServedApp]:
    with ServedApp(test_settings.model_copy(update={"trusted_proxies": ""})) as app:
        yield app


def test_host_from_an_untrusted_address_does_not_poison_links(
    no_trusted_app: ServedApp, clean_graph: None
) -> None:
    with httpx.Client(base_url=no_trusted_app.url, timeout=120) as client:
        forwarded = {**EVIL, "Forwarded": "host=evil.example;proto=https"}
        links = links_of(client, forwarded)
    assert all(link.startswith(f"{no_trusted_app.url}/api/") for link in links), links


def test_a_trusted_proxy_names_the_base(client: httpx.Client) -> None:
    # Loopback is trusted by default: what it forwards is used, when well formed.
    links = links_of(client, {"X-Forwarded-Host": "proxy.example", "X-Forwarded-Proto": "https"})
    assert all(link.startswith("https://proxy.example/api/") for link in links), links
    forwarded = client.post(
        "/api/code_run/", json=code_run(5), headers={"Forwarded": 'host="fw.example:8443"'}
    )
    assert forwarded.json()["url"].startswith("http://fw.example:8443/api/code_run/")
    malformed = client.post(
        "/api/code_run/", json=code_run(6), headers={"Host": "evil.example/x?y=<z>"}
    )
    assert malformed.status_code == 201
    assert not malformed.json()["url"].startswith("http://evil")



def test_idempotency_keys_are_each_callers_own(users: httpx.Client) -> None:
    key = {"Idempotency-Key": "run-2026-11-29"}

    def register(user: str, n: int) -> httpx.Response:
        return users.post("/model_run/register", json=model_run(n), headers=as_user(user, **key))

    alice = register("alice", 1)
    bob = register("bob", 2)
    assert alice.status_code == bob.status_code == 200, bob.text
    alice_id, bob_id = (r.json()["record_info"]["id"] for r in (alice, bob))
    assert alice_id != bob_id
    assert register("alice", 1).json()["record_info"]["id"] == alice_id
    assert register("bob", 2).json()["record_info"]["id"] == bob_id
    # Bob re-using his key for another body is his conflict; Alice's key stays hers.
    assert register("bob", 1).status_code == 409
    records = users.get(f"/records/{bob_id}", headers=as_user("reader")).json()
    assert records["created_by"] == "bob"

    document = "document\n  prefix ex <http://example.org/>\n  entity(ex:a)\nendDocument"
    headers = {"Content-Type": "text/provenance-notation", "Idempotency-Key": "import-1"}
    imported = [
        users.post("/prov", content=document, headers=as_user(user, **headers))
        for user in ("alice", "bob", "bob")
    ]
    assert [r.status_code for r in imported] == [201, 201, 200]
    assert imported[0].json()["id"] != imported[1].json()["id"] == imported[2].json()["id"]


def test_open_health_says_only_the_status(users: httpx.Client) -> None:
    assert users.get("/health").json() == {"status": "ok"}
    detailed = users.get("/health", headers=as_user("reader")).json()
    assert detailed["status"] == "ok" and detailed["neo4j"]["uri"]
