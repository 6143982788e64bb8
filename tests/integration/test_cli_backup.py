"""`provgraph dump` and `provgraph restore` as real processes on the real Neo4j: a graph
with a history (updates, deletes, replays) of every dialect is dumped, the database is
emptied, the dump restored, and every read route answers byte for byte as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from neo4j import Driver

import cypher
from tests.conftest import Neo4jUnderTest, ServedApp
from tests.import_corpus import provn
from tests.openlineage_events import dataset, new_run_id, run_event
from tests.payloads import model_run, prov_json_document, seed_code_run

PROVGRAPH = [sys.executable, "-m", "service.cli"]
KEY = {"Idempotency-Key": "dump-first-run"}
DOC_KEY = {"Idempotency-Key": "dump-document", "Content-Type": "application/json"}
OL_JOB = ("dumps", "nightly.load")


def provgraph(server: Neo4jUnderTest, *args: str) -> subprocess.CompletedProcess[str]:
    """The command with the test Neo4j as its NEO4J_URI, as `serve` would be configured."""
    return subprocess.run(
        [*PROVGRAPH, *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=server.env(),
    )


def code_run(n: int) -> dict[str, Any]:
    return seed_code_run() | {
        "uuid": f"00000000-0000-4000-a000-{n:012d}",
        "description": f"dumped code run {n}",
        "inputs": [f"https://example.org/dump/in-{n}"],
        "outputs": [f"https://example.org/dump/out-{n}"],
    }


def seq_of(answer: httpx.Response) -> int:
    return int(answer.json()["url"].rstrip("/").rsplit("/", 1)[1])


def build_history(client: httpx.Client) -> list[str]:
    """Records of every dialect with a history; the ids of every record ever written."""
    records = []
    for n in range(3):  # a chain: each run uses the output of the one before
        body = model_run(f"dump-{n}")
        if n:
            body["inputs"][0]["dataset_id"] = f"10378.1/output-dump-{n - 1}"
        answer = client.post("/model_run/register", json=body, headers=KEY if n == 0 else {})
        assert answer.status_code == 200, answer.text
        records.append(answer.json()["record_info"]["id"])
    changed = model_run("dump-1", display_name="second version")
    changed["inputs"][0]["dataset_id"] = "10378.1/output-dump-0"
    update = {"model_run_id": records[1], "reason": "wrong label", "record": changed}
    assert client.post("/model_run/update", json=update).status_code == 200
    deleted = client.post("/model_run/delete", json={"record_id": records[2], "trial_mode": False})
    assert deleted.status_code == 200, deleted.text

    seqs = []
    for n in range(3):
        answer = client.post("/api/code_run/", json=code_run(n))
        assert answer.status_code == 201, answer.text
        seqs.append(seq_of(answer))
        records.append(code_run(n)["uuid"])
    patched = client.patch(f"/api/code_run/{seqs[0]}/", json={"description": "patched"})
    assert patched.status_code == 200, patched.text
    # The newest goes: the sequence counter is then past every listed id.
    assert client.delete(f"/api/code_run/{seqs[2]}/").status_code == 204

    document = json.dumps(prov_json_document(8, prefix="dumped"))
    imported = client.post("/prov", content=document, headers=DOC_KEY)
    assert imported.status_code == 201, imported.text
    records.append(imported.json()["id"])
    notation = client.post(
        "/prov", content=provn(7), headers={"Content-Type": "text/provenance-notation"}
    )
    assert notation.status_code == 201, notation.text
    records.append(notation.json()["id"])

    run_id = new_run_id()
    inputs = [dataset("s3://lake", f"raw/{name}.csv") for name in ("day", "extra", "codes")]
    outputs = [dataset("s3://lake", f"clean/{name}.parquet") for name in ("day", "totals")]
    events = [
        run_event("START", run_id, job=OL_JOB, inputs=inputs),
        run_event("COMPLETE", run_id, time="2026-11-01T10:30:00.000Z", job=OL_JOB, outputs=outputs),
    ]
    for event in events:
        answer = client.post("/api/v1/lineage", json=event)
        assert answer.status_code == 201, answer.text
        records.append(answer.json()["event"])
    return records


def node_ids(db: Driver) -> list[str]:
    rows, _, _ = db.execute_query(cypher.load("testing/all_nodes"))
    return sorted(row["id"] for row in rows)


def answers(client: httpx.Client, records: list[str], nodes: list[str]) -> dict[str, Any]:
    """What every read route answers about the graph: status and exact bytes."""
    reads: list[tuple[str, dict[str, Any]]] = [
        ("/runs", {"limit": 1000}),
        ("/api/code_run/", {"page_size": 1000}),
        ("/prov", {"scope": "all", "format": "json"}),
        ("/prov", {"scope": "all", "format": "provn"}),
        ("/api/v1/namespaces", {}),
        (f"/api/v1/namespaces/{OL_JOB[0]}/jobs", {}),
        (f"/api/v1/namespaces/{OL_JOB[0]}/jobs/{OL_JOB[1]}/runs", {}),
        ("/api/v1/lineage", {"nodeId": f"job:{OL_JOB[0]}:{OL_JOB[1]}"}),
    ]
    for record in records:
        reads.append((f"/records/{record}", {}))
        reads.append(("/prov", {"id": record, "scope": "record", "format": "json"}))
    for node in nodes:
        reads.append(("/lineage", {"id": node, "direction": "both", "depth": 10}))
        reads.append(("/prov", {"id": node, "scope": "upstream", "format": "provn"}))
    found = {}
    for path, params in reads:
        answer = client.get(path, params=params)
        found[json.dumps([path, params])] = (answer.status_code, answer.content)
    return found


def data_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".jsonl"}


def test_dump_and_restore_into_an_empty_database_answer_byte_for_byte(
    served_app: ServedApp,
    client: httpx.Client,
    db: Driver,
    neo4j_server: Neo4jUnderTest,
    tmp_path: Path,
) -> None:
    records = build_history(client)
    nodes = node_ids(db)
    before = answers(client, records, nodes)
    assert sum(status == 200 for status, _ in before.values()) > len(before) * 0.9
    assert before[json.dumps([f"/records/{records[2]}", {}])][0] == 404  # the deleted run

    folder = tmp_path / "dump"
    # Small pages: many files, and every keyset page boundary crossed.
    dumped = provgraph(neo4j_server, "dump", str(folder), "--page-rows", "7")
    assert dumped.returncode == 0, dumped.stderr
    assert "\x1b[" not in dumped.stderr  # no progress bar into a pipe
    manifest = json.loads((folder / "manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["records"] == len(records) - 2  # a model run and a code run were deleted
    assert counts["counters"] >= 1 and counts["asserts"] > counts["records"]
    assert f"{counts['nodes']:,} nodes" in dumped.stderr
    assert len(list(folder.glob("nodes-*.jsonl"))) > 3

    # A database that holds data is refused, and left as it was.
    refused = provgraph(neo4j_server, "restore", str(folder))
    assert refused.returncode == 2
    assert "is not empty" in refused.stderr and "--force" in refused.stderr
    assert answers(client, records, nodes) == before

    with db.session() as session:
        session.run(cypher.load("admin/wipe_all")).consume()
    assert node_ids(db) == []
    restored = provgraph(neo4j_server, "restore", str(folder), "--page-rows", "5")
    assert restored.returncode == 0, restored.stderr
    after = answers(client, records, nodes)
    differing = [name for name in before if before[name] != after[name]]
    assert not differing, differing

    # The restored database dumps to the same bytes.
    again = tmp_path / "again"
    assert provgraph(neo4j_server, "dump", str(again), "--page-rows", "7").returncode == 0
    assert data_files(again) == data_files(folder)
    assert json.loads((again / "manifest.json").read_text())["files"] == manifest["files"]

    # --force empties a database that holds data first.
    client.post("/model_run/register", json=model_run("after-restore"))
    forced = provgraph(neo4j_server, "restore", str(folder), "--force")
    assert forced.returncode == 0, forced.stderr
    assert answers(client, records, nodes) == before

    # What is not a graph answer survived too: idempotency keys, sequence numbers.
    replay = client.post("/model_run/register", json=model_run("dump-0"), headers=KEY)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json()["record_info"]["id"] == records[0]
    document = json.dumps(prov_json_document(8, prefix="dumped"))
    again_doc = client.post("/prov", content=document, headers=DOC_KEY)
    assert again_doc.status_code == 200 and again_doc.json()["id"] == records[6]
    assert client.post("/api/code_run/", json=code_run(0)).status_code == 200
    newest = client.post("/api/code_run/", json=code_run(9))
    assert newest.status_code == 201
    listed = client.get("/api/code_run/", params={"page_size": 1000}).json()["results"]
    assert seq_of(newest) == max(int(r["url"].rstrip("/").rsplit("/", 1)[1]) for r in listed)
    assert seq_of(newest) == 4  # three were numbered before the dump, one of them deleted


def test_a_dump_that_is_incomplete_or_changed_is_refused(
    served_app: ServedApp,
    client: httpx.Client,
    neo4j_server: Neo4jUnderTest,
    tmp_path: Path,
) -> None:
    assert client.post("/model_run/register", json=model_run("whole")).status_code == 200
    folder = tmp_path / "dump"
    assert provgraph(neo4j_server, "dump", str(folder)).returncode == 0
    not_empty = provgraph(neo4j_server, "dump", str(folder))
    assert not_empty.returncode == 2 and "not empty" in not_empty.stderr

    changed = tmp_path / "changed"
    changed.mkdir()
    for path in folder.iterdir():
        (changed / path.name).write_bytes(path.read_bytes())
    nodes = sorted(changed.glob("nodes-*.jsonl"))[0]
    nodes.write_text(nodes.read_text().replace("whole", "hole"))
    refused = provgraph(neo4j_server, "restore", str(changed), "--force")
    assert refused.returncode == 2
    assert f"{nodes} is not the file that was dumped" in refused.stderr

    (changed / "manifest.json").unlink()
    unfinished = provgraph(neo4j_server, "restore", str(changed), "--force")
    assert unfinished.returncode == 2 and "holds no manifest.json" in unfinished.stderr
    # Neither touched the database.
    assert client.get("/lineage", params={"id": "10378.1/output-whole"}).status_code == 200
