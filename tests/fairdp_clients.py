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
    folder: Path,
    config: Path,
    reads: list[str],
    writes: list[str],
    token: str = "open",
    issue: str | None = None,
) -> dict[str, Any]:
    """Run `tests/fairdp_job.py` with the clients' Python: initialise, read and write the
    data products, finalise. Returns what the job printed (its handle's URLs)."""
    script = config.parent / "submission_script.py"
    script.write_text(textwrap.dedent("# the job's submission script\n"))
    arguments = [python(folder), str(JOB), str(config), str(script), token, json.dumps(reads)]
    arguments += [json.dumps(writes), *([issue] if issue else [])]
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"the job failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def fair_run(folder: Path, workdir: Path, registry: str, job: str) -> Path:
    """`fair init` then `fair run` of a job as a user does, with fair-cli's own command
    line: a home of its own holding the registry's token, a git project committed with the
    job's config and script. The job is `job` (Python, using the pipeline API). Returns the
    project folder."""
    home, project = workdir / "home", workdir / "project"
    registry_dir = home / ".fair" / "registry"
    registry_dir.mkdir(parents=True)
    (registry_dir / "token").write_text("open\n")
    project.mkdir()
    cli_config = {
        "namespaces": {"input": "testing", "output": "testing"},
        "registries": {
            "local": {
                "data_store": f"{home}/data_store/",
                "directory": str(registry_dir),
                "token": str(registry_dir / "token"),
                "uri": f"{registry}/api/",
            },
            # Never asked: both commands run --local.
            "origin": {
                "data_store": f"{home}/remote/",
                "token": str(registry_dir / "token"),
                "uri": "http://127.0.0.1:9/api/",
            },
        },
        "user": {
            "email": "ada@example.org",
            "family_name": "Lovelace",
            "given_names": "Ada",
            "orcid": "0000-0000-0000-0000",
            "uri": "https://github.com/FAIRDataPipeline",
            "uuid": "2ddb2358-84bf-43ff-b2aa-3ac7dc3b49f1",
            "remote_user": "FAIRDataPipeline",
        },
        "git": {
            "local_repo": str(project),
            "remote": "origin",
            "remote_repo": "https://github.com/FAIRDataPipeline/FAIR-CLI.git",
        },
    }
    (workdir / "cli.yaml").write_text(yaml.safe_dump(cli_config))
    (project / "job.py").write_text(job)
    user_config = {
        "run_metadata": {
            "description": "a fair run",
            "script": f"{python(folder)} {project / 'job.py'}",
        },
        "write": [
            {
                "data_product": "test/cli",
                "description": "written by fair run",
                "file_type": "csv",
                "use": {"version": "0.0.1"},
            }
        ],
    }
    (project / "config.yaml").write_text(yaml.safe_dump(user_config))
    env = {"HOME": str(home), "PATH": f"{folder / 'bin'}:/usr/bin:/bin"}
    git = ["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.org"]
    for command in (
        [*git, "init", "-q"],
        [*git, "remote", "add", "origin", "https://github.com/FAIRDataPipeline/FAIR-CLI.git"],
        [*git, "add", "-A"],
        [*git, "commit", "-qm", "the job"],
        [str(folder / "bin" / "fair"), "init", "--using", str(workdir / "cli.yaml"), "--local"],
        [str(folder / "bin" / "fair"), "run", "config.yaml", "--local"],
    ):
        done = subprocess.run(
            command, cwd=project, env=env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0 or "Error" in done.stdout:
            raise AssertionError(f"{command} failed:\n{done.stdout}\n{done.stderr}")
    return project


FAIR_RUN_JOB = """\
import os

import data_pipeline_api as pipeline

folder = os.environ["FDP_CONFIG_DIR"]
token = os.environ["FDP_LOCAL_TOKEN"]
handle = pipeline.initialise(
    token, os.path.join(folder, "config.yaml"), os.path.join(folder, "script.sh")
)
with open(pipeline.link_write(handle, "test/cli"), "w") as out:
    out.write("a,b\\n1,2\\n")
pipeline.finalise(token, handle)
"""
