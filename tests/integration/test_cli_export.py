"""`provgraph export` and `provgraph lineage` as real processes against the real app; the
export's peak memory, with the API in another process and inside the command (`--direct`),
as the graph grows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
from prov.model import ProvDocument

from tests.conftest import Neo4jUnderTest, ServedApp
from tests.payloads import model_run

PROVGRAPH = [sys.executable, "-m", "service.cli"]


def provgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PROVGRAPH, *args], capture_output=True, text=True, timeout=600, check=False
    )


def register_chain(client: httpx.Client) -> list[str]:
    """Three runs, each using the output of the one before."""
    ids = []
    for n in range(3):
        body = model_run(f"cli-{n}")
        if n:
            body["inputs"][0]["dataset_id"] = f"10378.1/output-cli-{n - 1}"
        answer = client.post("/model_run/register", json=body)
        assert answer.status_code == 200, answer.text
        ids.append(answer.json()["record_info"]["id"])
    return ids


def test_export_streams_what_the_api_answers(
    served_app: ServedApp, client: httpx.Client, tmp_path: Path
) -> None:
    run_ids = register_chain(client)
    for fmt in ("json", "provn"):
        target = tmp_path / f"all.{fmt}"
        done = provgraph(
            "export", "--scope", "all", "--format", fmt, "-o", str(target), "--api", served_app.url
        )
        assert done.returncode == 0, done.stderr
        expected = client.get("/prov", params={"scope": "all", "format": fmt}).content
        assert target.read_bytes() == expected
        assert f"exported {len(expected):,} bytes" in done.stderr
        assert "\x1b[" not in done.stderr  # no progress bar into a pipe
    exported = ProvDocument.deserialize(str(tmp_path / "all.json"), format="json")
    record = client.get("/prov", params={"id": run_ids[0], "scope": "record"}).text
    run = ProvDocument.deserialize(content=record, format="json")
    assert run.get_records() and all(r in exported.get_records() for r in run.get_records())

    upstream = tmp_path / "up.json"
    done = provgraph(
        "export",
        "--scope",
        "upstream",
        "--id",
        "10378.1/output-cli-2",
        "-o",
        str(upstream),
        "--api",
        served_app.url,
    )
    assert done.returncode == 0, done.stderr
    ids = json.dumps(json.loads(upstream.read_text()))
    assert "input-cli-0" in ids and "output-cli-2" in ids

    missing = tmp_path / "missing.json"
    refused = provgraph(
        "export",
        "--scope",
        "record",
        "--id",
        "no-such",
        "-o",
        str(missing),
        "--api",
        served_app.url,
    )
    assert refused.returncode == 2 and "HTTP 404" in refused.stderr
    assert not missing.exists() and not list(tmp_path.glob("*.partial"))


def test_lineage_as_a_tree(served_app: ServedApp, client: httpx.Client) -> None:
    run_ids = register_chain(client)
    done = provgraph("lineage", "10378.1/output-cli-2", "--depth", "6", "--api", served_app.url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("10378.1/output-cli-2 [Dataset]")
    # A child of the root, first or last among its siblings as the ids sort (the run's is
    # a random uuid, so either may come first).
    generated = f"wasGeneratedBy: {run_ids[2]} [ModelRun]"
    at_root = [line[4:] for line in lines if line[:4] in ("├── ", "└── ")]
    assert any(line.startswith(generated) for line in at_root), done.stdout
    # Depth 6 reaches back over the three runs to the first input, each node once.
    assert sum("10378.1/input-cli-0 [Dataset]" in line for line in lines) == 1
    placed = [line for line in lines if not line.endswith("(seen above)")]
    for run_id in run_ids:
        assert sum(f"{run_id} [ModelRun]" in line for line in placed) == 1, done.stdout
    down = provgraph(
        "lineage", "10378.1/input-cli-0", "--direction", "downstream", "--api", served_app.url
    )
    assert down.returncode == 0 and "used (by): " in down.stdout
    unknown = provgraph("lineage", "no-such-node", "--api", served_app.url)
    assert unknown.returncode == 2 and "HTTP 404" in unknown.stderr


# Runs the command in a Python that, on its way out, writes its own VmHWM: the peak of this
# process image alone. (`ru_maxrss` from wait4 would not do: Linux folds into it the peak of
# the process that forked it, here pytest, which grows as the test registers runs.)
# The export's memory has bounds these test graphs stay under: each PROV-JSON section is
# kept in memory up to SPOOL_IN_MEMORY (4 MB) before it spools to disk, and decoded names
# and attribute texts are cached (65,536 and 4,096 entries). They are made small here so
# both graphs are past them.
MEASURED = """
import atexit, functools, runpy, sys
import prov_export.streaming, prov_export.values as values
prov_export.streaming.SPOOL_IN_MEMORY = 64 * 1024
values._name = functools.lru_cache(maxsize=256)(values._name.__wrapped__)
values._decoded = functools.lru_cache(maxsize=256)(values._decode)
report = sys.argv[1]
def peak():
    with open("/proc/self/status") as status, open(report, "w") as out:
        out.write(next(l.split()[1] for l in status if l.startswith("VmHWM:")))
atexit.register(peak)
sys.argv = ["provgraph", *sys.argv[2:]]
runpy.run_module("service.cli", run_name="__main__")
"""


def peak_memory(arguments: list[str], env: dict[str, str], report: Path) -> tuple[int, int, str]:
    """Run `provgraph` to its end: its exit code, its peak resident memory in KiB, and its
    standard error."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, str(report), *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    return done.returncode, int(report.read_text()), done.stderr


# Model runs: about 2.8k and 14k nodes, both past the export's page of 1,000 nodes (the
# working set of one page is the bound; a graph smaller than a page would not reach it).
SMALL, LARGE = 400, 2000
FLAT_KIB = 16 * 1024


def test_export_memory_stays_flat_as_the_graph_grows(
    served_app: ServedApp, client: httpx.Client, neo4j_server: Neo4jUnderTest, tmp_path: Path
) -> None:
    env = neo4j_server.env()
    measured: dict[tuple[str, int], tuple[int, int]] = {}
    registered = 0
    for runs in (SMALL, LARGE):
        for start in range(registered, runs, 500):
            records = [model_run(f"flat-{n}") for n in range(start, min(start + 500, runs))]
            answer = client.post("/model_run/register_batch", json={"records": records})
            assert answer.status_code == 200 and answer.json()["status"]["success"], answer.text
        registered = runs
        for mode, where in (("api", ["--api", served_app.url]), ("direct", ["--direct"])):
            target = tmp_path / f"{mode}-{runs}.json"
            arguments = ["export", "--scope", "all", "-o", str(target), *where]
            code, peak, errors = peak_memory(arguments, env, tmp_path / f"{mode}-{runs}.peak")
            assert code == 0, errors
            measured[(mode, runs)] = (target.stat().st_size, peak)
    print(measured)  # shown with -s: sizes in bytes and peaks in KiB, for the README
    for mode in ("api", "direct"):
        assert measured[(mode, LARGE)][0] > 4 * measured[(mode, SMALL)][0]
    # Five times the graph, the same memory: the command never holds the document whole.
    assert measured[("api", LARGE)][1] - measured[("api", SMALL)][1] < FLAT_KIB, measured
    # With the export itself running in the command, the repository's criterion for flat
    # export memory (RESULTS.md: the larger graph's peak within 1.25x the smaller's).
    assert measured[("direct", LARGE)][1] < 1.25 * measured[("direct", SMALL)][1], measured
    assert (tmp_path / f"api-{LARGE}.json").read_bytes() == (
        tmp_path / f"direct-{LARGE}.json"
    ).read_bytes()
