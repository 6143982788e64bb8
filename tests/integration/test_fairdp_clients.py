"""The real FAIR-DP clients, unmodified, against the served app: `data_pipeline_api`'s
initialise -> link_read / link_write -> finalise, and what the registry and the graph hold
afterwards (issue 12)."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prov.model import ProvDocument

from service.settings import Settings
from tests.conftest import ServedApp
from tests.fairdp_clients import FAIR_RUN_JOB, client_venv, fair_run, run_job, write_config


@pytest.fixture(scope="session")
def clients() -> Path:
    return client_venv()


@pytest.fixture()
def registry(served_app: ServedApp, clean_graph: None) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served_app.url, timeout=60) as http:
        yield http


def get(http: httpx.Client, url: str) -> dict[str, Any]:
    answer = http.get(url)
    assert answer.status_code == 200, (url, answer.text)
    found: dict[str, Any] = answer.json()
    return found


def listed(http: httpx.Client, resource: str, **filters: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    results: list[dict[str, Any]] = get(http, f"/api/{resource}/?{query}")["results"]
    return results


def test_a_run_writes_a_data_product(
    clients: Path, registry: httpx.Client, served_app: ServedApp, tmp_path: Path
) -> None:
    config = write_config(tmp_path, served_app.url, "first run", writes=["test/first"])
    job = run_job(clients, config, reads=[], writes=["test/first"])

    run = get(registry, job["code_run"])
    component_url = job["outputs"]["test/first"]
    assert run["uuid"] == job["uuid"] and run["outputs"] == [component_url]
    assert run["inputs"] == [] and run["description"] == "first run"
    component = get(registry, component_url)
    assert component["whole_object"] is True and component["name"] == "whole_object"
    obj = get(registry, component["object"])
    assert obj["components"] == [component_url]
    product = get(registry, obj["data_product"])
    assert (product["name"], product["version"]) == ("test/first", "0.0.1")
    assert get(registry, product["namespace"])["name"] == "testing"
    location = get(registry, obj["storage_location"])
    root = get(registry, location["storage_root"])
    stored_file = Path(root["root"].removeprefix("file://")) / location["path"]
    assert location["hash"] == hashlib.sha1(stored_file.read_bytes()).hexdigest()
    assert stored_file.read_text().startswith("product,test/first")
    assert get(registry, obj["file_type"])["extension"] == "csv"
    author = get(registry, obj["authors"][0])
    assert author["name"] == "admin"
    for field in ("model_config", "submission_script", "code_repo"):
        assert get(registry, run[field])["url"] == run[field]

    lineage = get(registry, f"/lineage?id={component_url}&direction=upstream")
    ids = {node["id"] for node in lineage["nodes"]}
    assert job["uuid"] in ids


def test_b_a_second_run_reads_the_first_runs_output(
    clients: Path, registry: httpx.Client, served_app: ServedApp, tmp_path: Path
) -> None:
    first = run_job(
        clients,
        write_config(tmp_path, served_app.url, "first run", writes=["test/first"]),
        reads=[],
        writes=["test/first"],
    )
    config = write_config(
        tmp_path, served_app.url, "second run", writes=["test/second"], reads=["test/first"]
    )
    second = run_job(
        clients, config, reads=["test/first"], writes=["test/second"], issue="config typo"
    )

    read_component = first["outputs"]["test/first"]
    assert second["inputs"] == {"test/first": read_component}
    run = get(registry, second["code_run"])
    assert run["inputs"] == [read_component]
    assert run["outputs"] == [second["outputs"]["test/second"]]
    assert [r["uuid"] for r in listed(registry, "code_run", inputs=read_component)] == [
        second["uuid"]
    ]
    products = listed(registry, "data_product")
    assert sorted(p["name"] for p in products) == ["test/first", "test/second"]
    # The issue raised with the config is on the config object's whole-object component.
    (issue,) = listed(registry, "issue")
    assert (issue["description"], issue["severity"]) == ("config typo", 4)
    config_components = get(registry, run["model_config"])["components"]
    assert issue["component_issues"] == config_components[:1]

    output = second["outputs"]["test/second"]
    lineage = get(registry, f"/lineage?id={output}&direction=upstream")
    distance = {node["id"]: node["distance"] for node in lineage["nodes"]}
    # output <- second run <- the first output's component <- the first run
    assert distance[second["uuid"]] == 1 and distance[first["uuid"]] == 3

    exported = registry.get("/prov", params={"id": output, "scope": "upstream"})
    assert exported.status_code == 200, exported.text
    document = ProvDocument.deserialize(content=exported.text, format="json")
    records = document.get_records()

    generated = {
        (str(r.formal_attributes[0][1]), str(r.formal_attributes[1][1]))
        for r in records
        if r.get_type().localpart == "Generation"
    }
    used = {
        (str(r.formal_attributes[0][1]), str(r.formal_attributes[1][1]))
        for r in records
        if r.get_type().localpart == "Usage"
    }
    output_node = output.removeprefix(served_app.url + "/")
    read_node = read_component.removeprefix(served_app.url + "/")
    assert any(e.endswith(output_node) and a.endswith(second["uuid"]) for e, a in generated)
    assert any(a.endswith(second["uuid"]) and e.endswith(read_node) for a, e in used)
    assert any(e.endswith(read_node) and a.endswith(first["uuid"]) for e, a in generated)


def test_d_a_rerun_whose_outputs_exist(
    clients: Path, registry: httpx.Client, served_app: ServedApp, tmp_path: Path
) -> None:
    config = write_config(tmp_path, served_app.url, "same run", writes=["test/same"])
    first = run_job(clients, config, reads=[], writes=["test/same"])
    # The same config and identical bytes: the registry already holds the storage roots,
    # locations and the data product version, and answers the re-posts with 409.
    again = run_job(clients, config, reads=[], writes=["test/same"])

    assert again["uuid"] != first["uuid"]
    assert again["outputs"] == first["outputs"]
    assert len(listed(registry, "data_product")) == 1
    assert len(listed(registry, "storage_root")) == 2  # the data store and github.com
    roots = listed(registry, "storage_root", root="https://github.com/", local="False")
    assert len(roots) == 1
    output = first["outputs"]["test/same"]
    assert len(listed(registry, "code_run", outputs=output)) == 2
    # The storage location of the output is one; its re-post found it.
    obj = get(registry, get(registry, output)["object"])
    location = get(registry, obj["storage_location"])
    assert len(listed(registry, "storage_location", hash=location["hash"])) == 1

    # PROV keeps one generation: the first run generated it, the re-run is recorded as
    # having influenced it; lineage from the output finds the first run only.
    lineage = get(registry, f"/lineage?id={output}&direction=upstream&depth=1")
    assert {n["id"] for n in lineage["nodes"] if n.get("kind") == "CodeRun"} == {first["uuid"]}
    # Provena's explore follows every relation: both runs are one step from the output.
    explore = get(registry, f"/explore/upstream?starting_id={output}&depth=1")
    nodes = {node["id"] for node in explore["graph"]["nodes"]}
    assert {first["uuid"], again["uuid"]} <= nodes


def test_c_fair_run_of_a_small_job(
    clients: Path, registry: httpx.Client, served_app: ServedApp, tmp_path: Path
) -> None:
    project = fair_run(clients, tmp_path, served_app.url, FAIR_RUN_JOB)

    runs = listed(registry, "code_run")
    assert [run["description"] for run in runs] == ["a fair run"]
    run = runs[0]
    (product,) = listed(registry, "data_product", name="test/cli", version="0.0.1")
    assert get(registry, product["namespace"])["name"] == "testing"
    obj = get(registry, product["object"])
    assert run["outputs"] == obj["components"]
    # The code repo is the project's commit, as fair run recorded it.
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()
    repo_location = get(registry, get(registry, run["code_repo"])["storage_location"])
    assert repo_location["hash"] == head
    # fair init registered the user's author and the standard file types.
    assert [a["name"] for a in listed(registry, "author", name="Ada Lovelace")] == ["Ada Lovelace"]
    assert listed(registry, "file_type", extension="csv")

    lineage = get(registry, f"/lineage?id={run['outputs'][0]}&direction=upstream")
    assert run["uuid"] in {node["id"] for node in lineage["nodes"]}


@pytest.fixture(scope="module")
def registry_with_tokens(test_settings: Settings) -> Iterator[ServedApp]:
    """As a FAIR-DP registry is run: writes need a token, reads do not."""
    settings = test_settings.model_copy(
        update={"tokens": "alice:write:alice-token", "anonymous_read": True}
    )
    with ServedApp(settings) as app:
        yield app


def test_a_run_with_a_token_and_anonymous_reads(
    clients: Path, registry_with_tokens: ServedApp, clean_graph: None, tmp_path: Path
) -> None:
    url = registry_with_tokens.url
    config = write_config(tmp_path, url, "run with a token", writes=["test/first"])
    job = run_job(clients, config, reads=[], writes=["test/first"], token="alice-token")

    with httpx.Client(base_url=url, timeout=60) as anonymous:
        run = get(anonymous, job["code_run"])
        assert run["updated_by"] == f"{url}/api/users/alice/"
        assert get(anonymous, run["updated_by"])["username"] == "alice"
        refused = anonymous.post("/api/namespace/", json={"name": "anyone"})
        assert refused.status_code == 401
        lineage = get(anonymous, f"/lineage?id={run['outputs'][0]}&direction=upstream")
        assert job["uuid"] in {node["id"] for node in lineage["nodes"]}
