"""The real FAIR-DP clients (`data-pipeline-api`, `fair-cli`), unmodified, in a virtualenv
of their own (they pin pydantic 1), and a job that uses the pipeline API as a model would.

The virtualenv is built once per pinned set (tests/fairdp_clients.txt) under the provgraph
cache, guarded by a file lock so parallel test sessions share it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import subprocess
import textwrap
import venv
from pathlib import Path
from typing import Any

import yaml

from service.settings import Settings

TESTS = Path(__file__).parent
REQUIREMENTS = TESTS / "fairdp_clients.txt"
JOB = TESTS / "fairdp_job.py"


def client_venv() -> Path:
    """The virtualenv holding the pinned clients, built on first use."""
    pins = REQUIREMENTS.read_bytes()
    folder = Settings().cache_dir / f"fairdp-clients-{hashlib.sha256(pins).hexdigest()[:12]}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / "fairdp-clients.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / ".installed"
        if not done.exists():
            venv.create(folder, clear=True, with_pip=True)
            subprocess.run(
                [
                    str(folder / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "-r",
                    str(REQUIREMENTS),
                ],
                check=True,
            )
            done.touch()
    return folder


def python(folder: Path) -> str:
    return str(folder / "bin" / "python")


def write_config(
    folder: Path,
    registry: str,
    description: str,
    writes: list[str],
    reads: list[str] = (),  # type: ignore[assignment]
    version: str = "0.0.1",
) -> Path:
    """A working config as `fair run` writes one: run metadata, what the job reads and writes."""
    store = folder / "store"
    store.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "run_metadata": {
            "description": description,
            "local_data_registry_url": f"{registry}/api/",
            "write_data_store": f"{store}/",
            "latest_commit": hashlib.sha1(description.encode()).hexdigest(),
            "remote_repo": "https://github.com/FAIRDataPipeline/pyDataPipeline",
            "default_output_namespace": "testing",
            "default_input_namespace": "testing",
            "public": True,
            "api_version": "1.0.0",
        },
        "write": [
            {
                "data_product": name,
                "description": f"{name} written by {description}",
                "file_type": "csv",
                "use": {"version": version},
            }
            for name in writes
        ],
    }
    if reads:
        config["read"] = [{"data_product": name, "use": {"version": version}} for name in reads]
    path = store / f"config-{hashlib.sha1(description.encode()).hexdigest()[:8]}.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def run_job(
    folder: Path, config: Path, reads: list[str], writes: list[str], token: str = "open"
) -> dict[str, Any]:
    """Run `tests/fairdp_job.py` with the clients' Python: initialise, read and write the
    data products, finalise. Returns what the job printed (its handle's URLs)."""
    script = config.parent / "submission_script.py"
    script.write_text(textwrap.dedent("# the job's submission script\n"))
    arguments = [python(folder), str(JOB), str(config), str(script), token, json.dumps(reads)]
    done = subprocess.run(
        [*arguments, json.dumps(writes)], capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise AssertionError(f"the job failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
