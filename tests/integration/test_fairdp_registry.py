"""The FAIR-DP registry resources over HTTP on the real app and Neo4j: create, list, read,
patch, the registry's unique constraints (409), bad input (400/422, nothing written), and
every URL an answer carries answers 200 when followed (issues 11 and 12)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from neo4j import Driver
from prov.model import ProvDocument

from service.fairdp.resources import RESOURCES, ROOT_LISTING
from tests.stored import counts


def here(client: httpx.Client) -> str:
    """The app's root URL, ending in `/`."""
    return str(client.base_url).rstrip("/") + "/"


def created(client: httpx.Client, resource: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(f"/api/{resource}/", json=body)
    assert answer.status_code == 201, (resource, answer.text)
    return dict(answer.json())


def one_of_each(client: httpx.Client) -> dict[str, dict[str, Any]]:
    """One instance of every resource, linked as a pipeline links them."""
    made: dict[str, dict[str, Any]] = {}
    made["storage_root"] = created(client, "storage_root", {"root": "file:///data/", "local": True})
    made["storage_location"] = created(
        client,
        "storage_location",
        {
            "path": "a/b.csv",
            "hash": "ab12",
            "public": True,
            "storage_root": made["storage_root"]["url"],
        },
    )
    made["file_type"] = created(client, "file_type", {"name": "CSV", "extension": "csv"})
    made["author"] = created(client, "author", {"name": "Ada Lovelace"})
    users = client.get("/api/users/", params={"username": "anonymous"}).json()["results"]
    made["user_author"] = created(
        client, "user_author", {"user": users[0]["url"], "author": made["author"]["url"]}
    )
    made["object"] = created(
        client,
        "object",
        {
            "description": "a table",
            "storage_location": made["storage_location"]["url"],
            "authors": [made["author"]["url"]],
            "file_type": made["file_type"]["url"],
        },
    )
    made["object_component"] = created(
        client, "object_component", {"object": made["object"]["url"], "name": "sheet1"}
    )
    made["namespace"] = created(client, "namespace", {"name": "testing", "full_name": "Testing"})
    made["data_product"] = created(
        client,
        "data_product",
        {
            "name": "a/table",
            "version": "1.0.0",
            "object": made["object"]["url"],
            "namespace": made["namespace"]["url"],
        },
    )
    made["issue"] = created(
        client,
        "issue",
        {
            "severity": 3,
            "description": "a typo",
            "component_issues": [made["object_component"]["url"]],
        },
    )
    made["code_run"] = created(
        client,
        "code_run",
        {
            "run_date": "2024-02-09 15:35:42.655339",
            "description": "a run",
            "model_config": made["object"]["url"],
            "submission_script": made["object"]["url"],
            "inputs": [made["object_component"]["url"]],
        },
    )
    return made


def test_api_root_lists_every_resource(client: httpx.Client) -> None:
    root = client.get("/api/")
    assert root.status_code == 200
    assert set(root.json()) == set(ROOT_LISTING) >= {*RESOURCES, "users", "code_run"}
    for url in root.json().values():
        listing = client.get(url)
        assert listing.status_code == 200, url
        assert set(listing.json()) == {"count", "next", "previous", "results"}


def test_create_list_read_every_resource(client: httpx.Client) -> None:
    made = one_of_each(client)
    for resource, answer in made.items():
        assert answer["url"].startswith(f"{here(client)}api/{resource}/")
        assert answer["url"].endswith("/")
        read = client.get(answer["url"]).json()
        # Without the trailing slash too, as the pipeline API reads objects.
        assert client.get(answer["url"].rstrip("/")).json() == read
        listed = client.get(f"/api/{resource}/").json()["results"]
        assert read in listed, resource
        if resource != "object":  # its components and data product came after it
            assert read == answer
    obj = client.get(made["object"]["url"]).json()
    whole, part = obj["components"]
    assert client.get(whole).json()["whole_object"] is True
    assert part == made["object_component"]["url"]
    assert obj["data_product"] == made["data_product"]["url"]


def urls_in(value: Any, root: str) -> set[str]:
    if isinstance(value, str):
        return {value} if value.startswith(root) else set()
    if isinstance(value, list):
        return set().union(*(urls_in(v, root) for v in value))
    if isinstance(value, dict):
        return set().union(*(urls_in(v, root) for v in value.values()))
    return set()


def test_every_url_in_every_answer_resolves(client: httpx.Client) -> None:
    one_of_each(client)
    root = here(client)
    followed: set[str] = set()
    for resource in ROOT_LISTING:
        answer = client.get(f"/api/{resource}/").json()
        assert answer["count"] >= 1, resource
        for url in urls_in(answer["results"], root) - followed:
            assert client.get(url).status_code == 200, url
            followed.add(url)
    assert f"{root}api/users/anonymous/" in followed  # updated_by in open mode
    assert any("/api/ro-crate/code-run/" in url for url in followed)


@pytest.mark.parametrize("resource", [name for name, spec in RESOURCES.items() if spec.unique])
def test_unique_constraints_answer_409_and_write_nothing(
    client: httpx.Client, db: Driver, resource: str
) -> None:
    made = one_of_each(client)
    fields = set(RESOURCES[resource].body.model_fields)
    again = {k: v for k, v in made[resource].items() if k in fields and v is not None}
    before = counts(db)
    clash = client.post(f"/api/{resource}/", json=again)
    assert clash.status_code == 409, clash.text
    assert made[resource]["url"].removeprefix(here(client)) in clash.json()["detail"]
    assert counts(db) == before


def test_a_storage_location_differs_by_public(client: httpx.Client) -> None:
    made = one_of_each(client)
    body = {"path": "a/b.csv", "hash": "ab12", "storage_root": made["storage_root"]["url"]}
    assert client.post("/api/storage_location/", json=body | {"public": "false"}).status_code == 201


def test_filters_match_exactly_on_fields_and_links(client: httpx.Client) -> None:
    made = one_of_each(client)
    root_url = made["storage_root"]["url"]
    for query in (
        "root=file:///data/&local=True",
        "root=file:///data/&local=true",
        "local=1",
    ):
        assert client.get(f"/api/storage_root/?{query}").json()["count"] == 1, query
    assert client.get("/api/storage_root/?local=False").json()["count"] == 0
    root_id = root_url.rstrip("/").split("/")[-1]
    for value in (root_id, root_url):
        found = client.get(f"/api/storage_location/?hash=ab12&public=True&storage_root={value}")
        assert [r["url"] for r in found.json()["results"]] == [made["storage_location"]["url"]]
    author_id = made["author"]["url"].rstrip("/").split("/")[-1]
    by_author = client.get(f"/api/object/?authors={author_id}").json()["results"]
    assert [o["url"] for o in by_author] == [made["object"]["url"]]
    object_id = made["object"]["url"].rstrip("/").split("/")[-1]
    whole = client.get(f"/api/object_component/?object={object_id}&whole_object=True").json()
    assert [c["name"] for c in whole["results"]] == ["whole_object"]
    assert client.get("/api/data_product/?name=a/tab").json()["count"] == 0


def test_unknown_filter_fields_are_400_naming_them(client: httpx.Client) -> None:
    for path in ("/api/object/?colour=red&shape=1", "/api/code_run/?colour=red"):
        answer = client.get(path)
        assert answer.status_code == 400
        assert "colour" in answer.json()["detail"], path
    bad = client.get("/api/storage_root/?local=perhaps")
    assert bad.status_code == 400 and "local" in bad.json()["detail"]


def test_links_to_nothing_are_422_naming_the_field_and_write_nothing(
    client: httpx.Client, db: Driver
) -> None:
    made = one_of_each(client)
    before = counts(db)
    root = here(client)
    cases = [
        ("object", {"storage_location": f"{root}api/storage_location/999/"}, "storage_location"),
        ("object", {"authors": [f"{root}api/namespace/1/"]}, "authors"),
        ("object", {"file_type": "https://elsewhere.example/api/file_type/1/"}, "file_type"),
        (
            "data_product",
            {
                "name": "x",
                "version": "1",
                "object": f"{root}api/object/999/",
                "namespace": made["namespace"]["url"],
            },
            "object",
        ),
        (
            "user_author",
            {"user": f"{root}api/users/nobody/", "author": made["author"]["url"]},
            "user",
        ),
        (
            "code_run",
            {"run_date": "2024-01-01T00:00:00", "submission_script": f"{root}api/object/999/"},
            "submission_script",
        ),
        (
            "code_run",
            {
                "run_date": "2024-01-01T00:00:00",
                "submission_script": made["object"]["url"],
                "outputs": [made["object"]["url"]],
            },
            "outputs",
        ),
    ]
    for resource, body, field in cases:
        answer = client.post(f"/api/{resource}/", json=body)
        assert answer.status_code == 422, (resource, body, answer.text)
        assert field in {str(part) for e in answer.json()["detail"] for part in e["loc"]}, body
    assert counts(db) == before


def test_wrong_types_are_422_per_field(client: httpx.Client, db: Driver) -> None:
    one_of_each(client)
    before = counts(db)
    answer = client.post(
        "/api/storage_location/", json={"path": "p", "public": "perhaps", "storage_root": 5}
    )
    assert answer.status_code == 422
    fields = {e["loc"][-1] for e in answer.json()["detail"]}
    assert {"public", "hash", "storage_root"} <= fields
    assert counts(db) == before


def test_patch_changes_fields_and_keeps_history(client: httpx.Client) -> None:
    made = one_of_each(client)
    url = made["namespace"]["url"]
    patched = client.patch(url, json={"full_name": "Testing, renamed"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["full_name"] == "Testing, renamed"
    assert patched.json()["name"] == "testing"
    history = client.get(f"/records/{url.removeprefix(here(client))}").json()["history"]
    assert history[0]["body"]["full_name"] == "Testing"
    second = created(client, "namespace", {"name": "other"})
    clash = client.patch(second["url"], json={"name": "testing"})
    assert clash.status_code == 409


def test_objects_components_and_products_are_prov(client: httpx.Client) -> None:
    made = one_of_each(client)
    exported = client.get("/prov", params={"id": made["object"]["url"], "scope": "record"})
    assert exported.status_code == 200, exported.text
    document = ProvDocument.deserialize(content=exported.text, format="json")
    (entity,) = [r for r in document.get_records() if str(r.identifier).endswith("api/object/1/")]
    attributes = {str(k).split(":")[-1]: v for k, v in entity.attributes}
    assert attributes["storage_location"] == "file:///data/a/b.csv"
    assert attributes["hash"] == "ab12" and attributes["file_type"] == "csv"
    # Explore: upstream of the object its data product version, components and author;
    # downstream the code run that used it.
    upstream = client.get(
        "/explore/upstream", params={"starting_id": made["object"]["url"], "depth": 1}
    ).json()
    assert {
        "api/data_product/1/",
        "api/object_component/1/",
        "api/object_component/2/",
        "api/author/2/",
    } <= {node["id"] for node in upstream["graph"]["nodes"]}
    downstream = client.get(
        "/explore/downstream", params={"starting_id": made["object"]["url"], "depth": 1}
    ).json()
    assert made["code_run"]["uuid"] in {node["id"] for node in downstream["graph"]["nodes"]}


def test_concurrent_creates_of_one_unique_thing_make_one(client: httpx.Client, db: Driver) -> None:
    body = {"root": "file:///shared/", "local": True}
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: client.post("/api/storage_root/", json=body), range(8)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 7
    assert client.get("/api/storage_root/?root=file:///shared/").json()["count"] == 1
