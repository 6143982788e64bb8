"""The real FAIR-DP clients, unmodified, against the served app: `data_pipeline_api`'s
initialise -> link_read / link_write -> finalise, and what the registry and the graph hold
afterwards (issue 12)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prov.model import ProvDocument

from tests.conftest import ServedApp
from tests.fairdp_clients import client_venv, run_job, write_config


@pytest.fixture(scope="session")
def clients() -> Path:
    return client_venv()


@pytest.fixture()
def registry(served_app: ServedApp, clean_graph: None) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served_app.url, timeout=60) as http:
        yield http


def get(http: httpx.Client, url: str) -> dict:
    answer = http.get(url)
    assert answer.status_code == 200, (url, answer.text)
    return answer.json()


def listed(http: httpx.Client, resource: str, **filters: str) -> list[dict]:
    return get(http, f"/api/{resource}/?" + "&".join(f"{k}={v}" for k, v in filters.items()))[
        "results"
    ]


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
