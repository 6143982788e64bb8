"""A FAIR-DP code run as an RO-Crate (Process Run Crate profile), built with `rocrate`.

The run is a `CreateAction`: `instrument` the code repository (or, without one, the
submission script), `object` the model config, submission script and inputs, `result` the
outputs, `agent` the person who registered it. The registry's objects are references, so
every file is a remote data entity named by its IRI (the same IRI the PROV exports use);
a zipped crate holds the metadata only, never fetched bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from rocrate.model.contextentity import ContextEntity
from rocrate.model.entity import Entity
from rocrate.rocrate import ROCrate

from prov_export.ids import IdPolicy
from service.fairdp.service import agent_id

PROCESS_RUN_CRATE = "https://w3id.org/ro/wfrun/process/0.5"


def code_run_crate(view: dict[str, Any], caller: str, policy: IdPolicy) -> ROCrate:
    """The crate of a code run in the registry's shape (`code_run_view`)."""
    crate = ROCrate()
    profile = crate.add(
        ContextEntity(
            crate,
            PROCESS_RUN_CRATE,
            {"@type": "CreativeWork", "name": "Process Run Crate", "version": "0.5"},
        )
    )
    crate.root_dataset["conformsTo"] = profile
    crate.root_dataset["name"] = f"RO-Crate for code run {view['uuid']}"
    crate.root_dataset["description"] = view["description"] or f"code run {view['uuid']}"
    crate.root_dataset["license"] = "https://creativecommons.org/licenses/by/4.0/"

    def file(reference: str, name: str, types: tuple[str, ...] = ("File",)) -> Entity:
        # Remote and never fetched: the registry holds the bytes, the crate the metadata.
        properties = {"@type": list(types) if len(types) > 1 else types[0], "name": name}
        return crate.add_file(policy.iri(reference), fetch_remote=False, properties=properties)

    objects = []
    if view["model_config"]:
        objects.append(file(view["model_config"], "model configuration"))
    script = file(view["submission_script"], "submission script", ("File", "SoftwareSourceCode"))
    objects.append(script)
    objects += [file(ref, f"input {i + 1}") for i, ref in enumerate(view["inputs"])]
    results = [file(ref, f"output {i + 1}") for i, ref in enumerate(view["outputs"])]

    instrument: Entity = script
    if view["code_repo"]:
        instrument = crate.add(
            ContextEntity(
                crate,
                policy.iri(view["code_repo"]),
                {"@type": "SoftwareApplication", "name": "code repository"},
            )
        )
    # The same IRI as the run's agent in its PROV export; never the requesting host.
    agent = crate.add(
        ContextEntity(crate, policy.iri(agent_id(caller)), {"@type": "Person", "name": caller})
    )
    action = crate.add_action(
        instrument,
        identifier=f"urn:uuid:{view['uuid']}",
        object=objects,
        result=results,
        properties={
            "name": f"code run {view['uuid']}",
            "description": view["description"] or "",
            "startTime": view["run_date"],
            "identifier": view["uuid"],
        },
    )
    action["agent"] = agent
    crate.root_dataset["mentions"] = [action]
    return crate


def crate_metadata(crate: ROCrate) -> dict[str, Any]:
    metadata: dict[str, Any] = crate.metadata.generate()
    return metadata


def crate_zip(crate: ROCrate) -> bytes:
    """The crate as a zip: its metadata file (the files are remote references)."""
    with tempfile.TemporaryDirectory(prefix="provgraph-crate-") as folder:
        path = Path(folder) / "crate.zip"
        crate.write_zip(str(path))
        return path.read_bytes()
