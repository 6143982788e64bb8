"""A FAIR-DP code run as an RO-Crate, built without a database (Process Run Crate)."""

import json
import zipfile
from pathlib import Path
from typing import Any

from rocrate.rocrate import ROCrate

from prov_export.ids import IdPolicy
from service.fairdp.rocrate import PROCESS_RUN_CRATE, code_run_crate, crate_metadata, crate_zip

POLICY = IdPolicy()
REGISTRY = "https://registry.example/api"


def view(**changes: Any) -> dict[str, Any]:
    return {
        "url": f"{REGISTRY}/code_run/3/",
        "uuid": "0b6e2f4c-7a51-4a8e-9a2f-3c1d2e5f6a7b",
        "run_date": "2024-05-01T12:34:56.789012Z",
        "description": "SEIRS model run",
        "updated_by": f"{REGISTRY}/users/alice/",
        "code_repo": f"{REGISTRY}/object/7/",
        "model_config": f"{REGISTRY}/object/5/",
        "submission_script": f"{REGISTRY}/object/6/",
        "inputs": [f"{REGISTRY}/object_component/11/"],
        "outputs": [f"{REGISTRY}/object_component/21/", "plain-id"],
        **changes,
    }


def by_id(metadata: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entity["@id"]: entity for entity in metadata["@graph"]}


def ids(references: list[dict[str, str]]) -> set[str]:
    return {reference["@id"] for reference in references}


def test_the_run_is_a_create_action_naming_everything() -> None:
    entities = by_id(crate_metadata(code_run_crate(view(), "alice", POLICY)))
    action = entities["urn:uuid:0b6e2f4c-7a51-4a8e-9a2f-3c1d2e5f6a7b"]
    assert action["@type"] == "CreateAction"
    assert action["startTime"] == "2024-05-01T12:34:56.789012Z"
    assert action["instrument"] == {"@id": f"{REGISTRY}/object/7/"}
    assert entities[f"{REGISTRY}/object/7/"]["@type"] == "SoftwareApplication"
    assert ids(action["object"]) == {
        f"{REGISTRY}/object/5/",
        f"{REGISTRY}/object/6/",
        f"{REGISTRY}/object_component/11/",
    }
    # A reference that is not a URL gets the IRI the PROV exports give it.
    assert ids(action["result"]) == {
        f"{REGISTRY}/object_component/21/",
        "https://example.org/provgraph/plain-id",
    }
    agent = entities[action["agent"]["@id"]]
    assert agent == {
        "@id": "https://example.org/provgraph/users/alice",
        "@type": "Person",
        "name": "alice",
    }
    root = entities["./"]
    assert root["conformsTo"] == {"@id": PROCESS_RUN_CRATE}
    assert root["mentions"] == {"@id": action["@id"]} or ids(root["mentions"]) == {action["@id"]}
    assert ids(root["hasPart"]) >= ids(action["object"]) | ids(action["result"])


def test_without_a_code_repository_the_script_is_the_instrument() -> None:
    entities = by_id(crate_metadata(code_run_crate(view(code_repo=None), "alice", POLICY)))
    action = entities["urn:uuid:0b6e2f4c-7a51-4a8e-9a2f-3c1d2e5f6a7b"]
    assert action["instrument"] == {"@id": f"{REGISTRY}/object/6/"}
    assert entities[f"{REGISTRY}/object/6/"]["@type"] == ["File", "SoftwareSourceCode"]


def test_zip_holds_the_metadata_and_reads_back_with_rocrate(tmp_path: Path) -> None:
    data = crate_zip(code_run_crate(view(), "alice", POLICY))
    (tmp_path / "crate.zip").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "crate.zip") as packed:
        assert packed.namelist() == ["ro-crate-metadata.json"]
        packed.extractall(tmp_path / "crate")
    crate = ROCrate(tmp_path / "crate")
    action = crate.get("urn:uuid:0b6e2f4c-7a51-4a8e-9a2f-3c1d2e5f6a7b")
    assert action is not None and action.type == "CreateAction"
    assert action["instrument"].id == f"{REGISTRY}/object/7/"
    metadata = json.loads((tmp_path / "crate" / "ro-crate-metadata.json").read_text())
    assert metadata["@context"]
