"""`provgraph import` as a real process against the real app on the real Neo4j: a folder
of a few hundred mixed files, broken ones among them; a re-run writes nothing; progress
shows on a terminal (a pseudo-terminal here) and stays out of pipes; `--direct` (Neo4j
with serve's settings, no service running) keeps the same rules and the same keys."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import httpx
from neo4j import Driver

from tests.conftest import Neo4jUnderTest, ServedApp
from tests.import_corpus import code_run, mixed_corpus, openlineage_run, provn
from tests.payloads import model_run, prov_json_document
from tests.stored import counts

PROVGRAPH = [sys.executable, "-m", "service.cli"]


def provgraph(
    *args: str, timeout: float = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PROVGRAPH, *args], capture_output=True, text=True, timeout=timeout, check=False, env=env
    )


def test_import_of_a_mixed_folder_then_a_rerun_that_writes_nothing(
    served_app: ServedApp, client: httpx.Client, db: Driver, tmp_path: Path
) -> None:
    corpus = mixed_corpus(tmp_path / "corpus")
    assert len(corpus.expected) >= 250

    first = provgraph("import", str(corpus.root), "--api", served_app.url, "--json")
    assert first.returncode == 1, first.stderr  # some records failed, the rest were written
    report = json.loads(first.stdout)
    for name, expected in corpus.expected.items():
        got = report["files"][name]
        assert got["written"] == expected.written, (name, got)
        assert [e["line"] for e in got["errors"]] == expected.failed_lines, (name, got)
        assert got["unchanged"] == 0
    assert report["totals"]["written"] == corpus.records
    # Each problem is printed as file:line: reason while the import runs.
    assert "provena/batch-003.jsonl:3: not valid JSON" in first.stderr
    assert "broken/binary.json:1: not UTF-8 text" in first.stderr
    assert "zz-broken/conflicting-run.json:1: HTTP 409" in first.stderr
    assert "broken/invalid-run.json:1: HTTP 422" in first.stderr
    assert "importing" not in first.stderr  # no progress bar into a pipe
    after_first = counts(db)
    assert after_first["records"] == corpus.records
    # What went in is readable through every dialect's own surface.
    assert client.get("/api/code_run/", params={"page_size": 1000}).json()["count"] == 20
    runs = client.get("/runs", params={"limit": 1000}).json()

    second = provgraph("import", str(corpus.root), "--api", served_app.url, "--json")
    assert second.returncode == 1
    again = json.loads(second.stdout)
    assert again["totals"]["written"] == 0
    assert again["totals"]["unchanged"] == corpus.records
    assert again["totals"]["failed"] == report["totals"]["failed"]
    assert counts(db) == after_first
    assert client.get("/runs", params={"limit": 1000}).json() == runs


def test_summary_table_and_progress_on_a_terminal_only(
    served_app: ServedApp, client: httpx.Client, tmp_path: Path
) -> None:
    folder = tmp_path / "few"
    folder.mkdir()
    lines = "\n".join(json.dumps(model_run(f"tty-{n}")) for n in range(30))
    (folder / "runs.jsonl").write_text(lines + "\n{broken\n")

    piped = provgraph("import", str(folder), "--api", served_app.url)
    assert piped.returncode == 1
    assert "runs.jsonl:31: not valid JSON" in piped.stderr
    assert "\x1b[" not in piped.stderr and "importing" not in piped.stderr
    assert "HTTP Request" not in piped.stderr  # no log line per record sent
    table = piped.stdout
    assert "provgraph import" in table and "provena" in table
    row = next(line for line in table.splitlines() if "provena" in line)
    assert [cell for cell in row.replace("│", " ").split() if cell.isdigit()] == [
        "30",
        "30",
        "0",
        "0",
    ]

    # On a terminal: stderr is a pseudo-terminal, so the progress bar is drawn there.
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [*PROVGRAPH, "import", str(folder), "--api", served_app.url],
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower side closed: the process is done
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    os.close(leader)
    stdout = process.stdout.read().decode() if process.stdout else ""
    assert process.wait(timeout=60) == 1
    terminal = seen.decode(errors="replace")
    assert "importing" in terminal and "records" in terminal and "ETA" in terminal
    assert "31/31" in terminal  # the bar counts records, broken ones included
    assert "runs.jsonl:31: not valid JSON" in terminal
    assert "importing" not in stdout  # the table goes to stdout, the bar to the terminal
    row = next(line for line in stdout.splitlines() if "provena" in line)
    assert [cell for cell in row.replace("│", " ").split() if cell.isdigit()] == [
        "30",
        "0",
        "30",
        "0",
    ]


def test_an_unreachable_service_stops_the_import(tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text(json.dumps(model_run("unreachable")))
    result = provgraph("import", str(tmp_path), "--api", "http://127.0.0.1:9", timeout=120)
    assert result.returncode == 2
    assert "cannot reach" in result.stderr


def test_a_direct_import_keeps_the_rules_and_the_keys_of_the_api(
    served_app: ServedApp,
    client: httpx.Client,
    db: Driver,
    neo4j_server: Neo4jUnderTest,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "direct"
    folder.mkdir()
    runs = [json.dumps(model_run(f"direct-{n}")) for n in range(3)]
    (folder / "runs.jsonl").write_text("\n".join(runs) + "\n")
    (folder / "doc.json").write_text(json.dumps(prov_json_document(6, prefix="direct")))
    (folder / "doc.provn").write_text(provn(11))
    (folder / "code-run.json").write_text(json.dumps(code_run(11, with_uuid=False)))
    events = "\n".join(json.dumps(e) for e in openlineage_run(11)) + "\n"
    (folder / "events.ndjson").write_text(events)
    invalid = model_run("direct-invalid", start_time=20, end_time=10)
    (folder / "invalid.json").write_text(json.dumps(invalid))
    clash = model_run("direct-clash")
    clash["outputs"][0]["dataset_id"] = "10378.1/output-direct-0"
    (folder / "zz-clash.json").write_text(json.dumps(clash))
    env = neo4j_server.env()

    # No --api: the app runs inside the command, on the Neo4j NEO4J_URI names.
    direct = provgraph("import", str(folder), "--direct", "--json", env=env)
    assert direct.returncode == 1, direct.stderr
    report = json.loads(direct.stdout)
    assert report["totals"] == {"written": 9, "unchanged": 0, "failed": 2}
    assert "invalid.json:1: HTTP 422" in direct.stderr
    assert "zz-clash.json:1: HTTP 409" in direct.stderr and "output-direct-0" in direct.stderr
    assert counts(db)["records"] == 9
    listed = client.get("/runs", params={"limit": 100}).json()["runs"]
    assert len(listed) == 4  # three model runs, one code run
    for run in listed:
        assert client.get(run["record"]).json()["created_by"] == "anonymous"

    # The same files over HTTP, to a service without tokens (every caller is anonymous):
    # the direct import's idempotency keys are that caller's, so nothing is written.
    over_http = provgraph("import", str(folder), "--api", served_app.url, "--json")
    assert json.loads(over_http.stdout)["totals"] == {"written": 0, "unchanged": 9, "failed": 2}
    assert counts(db)["records"] == 9

    # --as names the caller records are written as.
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "run.json").write_text(json.dumps(model_run("direct-alice")))
    as_alice = provgraph("import", str(tmp_path / "alice"), "--direct", "--as", "alice", env=env)
    assert as_alice.returncode == 0, as_alice.stderr
    runs_now = client.get("/runs", params={"limit": 100}).json()["runs"]
    newest = [r for r in runs_now if r["id"] not in {run["id"] for run in listed}]
    assert [client.get(r["record"]).json()["created_by"] for r in newest] == ["alice"]


def test_a_direct_import_without_a_reachable_neo4j_stops(tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text(json.dumps(model_run("no-neo4j")))
    env = {**os.environ, "NEO4J_URI": "bolt://127.0.0.1:9", "PROVGRAPH_UNAVAILABLE_AFTER": "1"}
    result = provgraph("import", str(tmp_path), "--direct", timeout=300, env=env)
    assert result.returncode == 2, result.stderr
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in result.stderr
