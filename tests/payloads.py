"""Request bodies used across tests: the public examples of Provena's model run record and
FAIR-DP's code run (kept as data in `tests/fixtures/`), and variations of them."""

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def _fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / name).read_text()))


def seed_model_run() -> dict[str, Any]:
    """Provena's documented example payload, every id "1234"."""
    return _fixture("provena_model_run.json")


def model_run(n: int | str = 1, **changes: Any) -> dict[str, Any]:
    """The seed payload with distinct ids, suffixed by `n`."""
    body = copy.deepcopy(seed_model_run())
    body["workflow_template_id"] = f"10378.1/template-{n}"
    body["inputs"][0]["dataset_id"] = f"10378.1/input-{n}"
    body["inputs"][0]["dataset_template_id"] = f"10378.1/in-template-{n}"
    body["outputs"][0]["dataset_id"] = f"10378.1/output-{n}"
    body["outputs"][0]["dataset_template_id"] = f"10378.1/out-template-{n}"
    body["study_id"] = f"10378.1/study-{n}"
    body["associations"] = {
        "modeller_id": f"10378.1/modeller-{n}",
        "requesting_organisation_id": f"10378.1/org-{n}",
    }
    body.update(changes)
    return body


# The writable fields of a FAIR-DP code run, as the seed page lists them.
CODE_RUN_WRITABLE = (
    "run_date",
    "description",
    "code_repo",
    "model_config",
    "submission_script",
    "inputs",
    "outputs",
    "uuid",
)


def seed_code_run() -> dict[str, Any]:
    """The FAIR-DP seed page's code run, as a client would POST it."""
    listed = _fixture("fairdp_code_run.json")
    return {key: listed[key] for key in CODE_RUN_WRITABLE}


def prov_json_document(records: int, prefix: str = "doc") -> dict[str, Any]:
    """A PROV-JSON document of `records` PROV records: a chain of entities, each but the
    first derived from the one before (about half entities, half derivations)."""
    entities = records // 2 + 1
    derivations = records - entities
    return {
        "prefix": {"ex": f"https://example.org/{prefix}/"},
        "entity": {f"ex:e{n}": {"ex:n": n} for n in range(entities)},
        "wasDerivedFrom": {
            f"_:d{n}": {"prov:generatedEntity": f"ex:e{n + 1}", "prov:usedEntity": f"ex:e{n}"}
            for n in range(derivations)
        },
    }
