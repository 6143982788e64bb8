"""`GET /api/ro-crate/code-run/{id}/` through HTTP on the real app and Neo4j."""

import io
import zipfile
from pathlib import Path
from typing import Any

import httpx
from rocrate.rocrate import ROCrate

from tests.payloads import seed_code_run


def register(client: httpx.Client) -> dict[str, Any]:
    created = client.post("/api/code_run/", json=seed_code_run())
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_code_run_crate_names_inputs_outputs_code_config_and_script(
    client: httpx.Client, tmp_path: Path
) -> None:
    run = register(client)
    response = client.get(run["ro_crate"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    (tmp_path / "ro-crate-metadata.json").write_bytes(response.content)
    crate = ROCrate(tmp_path)
    action = crate.get(f"urn:uuid:{run['uuid']}")
    assert action is not None and action.type == "CreateAction"
    assert action["instrument"].id == run["code_repo"]
    objects = {entity.id for entity in action["object"]}
    assert objects == {run["model_config"], run["submission_script"], *run["inputs"]}
    results = action["result"]
    results = results if isinstance(results, list) else [results]
    assert {entity.id for entity in results} == set(run["outputs"])
    assert action["agent"].type == "Person"
    assert action["startTime"] == run["run_date"]


def test_zip_is_the_metadata_only(client: httpx.Client, tmp_path: Path) -> None:
    run = register(client)
    response = client.get(run["ro_crate"], params={"format": "zip"})
    assert response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as packed:
        assert packed.namelist() == ["ro-crate-metadata.json"]
        packed.extractall(tmp_path)
    assert ROCrate(tmp_path).get(f"urn:uuid:{run['uuid']}") is not None


def test_unknown_code_run_is_404(client: httpx.Client) -> None:
    response = client.get("/api/ro-crate/code-run/999/")
    assert response.status_code == 404 and "999" in response.json()["detail"]
