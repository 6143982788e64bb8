"""`provgraph import` against `register_batch` over HTTP, on the same generated records in
the same run: a wiped graph, the records registered by `POST /model_run/register_batch`
(1000 a request), wiped again, then the same records as a JSON Lines file imported by
`provgraph import` (one request a record with its Idempotency-Key, `--jobs` at a time),
then the import again (a re-run that writes nothing), then wiped and imported once more
with `--direct` (no service: the app inside the command, on a Unix socket). Prints one
Markdown table, with the machine's load average before and after.

    NEO4J_URI=bolt://127.0.0.1:7687 PROVGRAPH_TESTS_MAY_WIPE=1 \
        python -m benchmarks.import_cli --nodes 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from neo4j import GraphDatabase

import cypher
from benchmarks.generate import LineageGenerator
from benchmarks.run import api_server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=8)
    args = parser.parse_args()
    uri = os.environ.get("NEO4J_URI")
    if not uri or os.environ.get("PROVGRAPH_TESTS_MAY_WIPE") != "1":
        print("set NEO4J_URI to a throwaway Neo4j and PROVGRAPH_TESTS_MAY_WIPE=1", file=sys.stderr)
        return 2
    load_before = os.getloadavg()
    records = list(LineageGenerator().more(args.nodes))
    folder = Path(tempfile.mkdtemp(prefix="provgraph-import-bench-"))
    (folder / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    rows = []
    with GraphDatabase.driver(uri) as driver, api_server(None, uri, None) as (url, _):

        def wipe() -> None:
            with driver.session() as session:  # CALL IN TRANSACTIONS: an implicit one
                session.run(cypher.load("admin/wipe_all")).consume()

        wipe()
        started = time.monotonic()
        with httpx.Client(base_url=url, timeout=600) as http:
            for start in range(0, len(records), 1000):
                answer = http.post(
                    "/model_run/register_batch", json={"records": records[start : start + 1000]}
                )
                failed = [r for r in answer.json().get("results", []) if not r["success"]]
                assert answer.status_code == 200 and not failed, (answer.text[:300], failed[:3])
        batch = time.monotonic() - started
        rows.append(("`POST /model_run/register_batch` (1000 a request)", batch))
        wipe()
        command = [sys.executable, "-m", "service.cli", "import", str(folder)]
        command += ["--jobs", str(args.jobs), "--json"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROVGRAPH_TOKENS")}
        imports = [
            ("`provgraph import --api` (first run)", ["--api", url]),
            ("`provgraph import --api` (re-run)", ["--api", url]),
            ("`provgraph import --direct` (first run, wiped graph)", ["--direct"]),
        ]
        for label, where in imports:
            if "--direct" in where:
                wipe()
            started = time.monotonic()
            done = subprocess.run(
                [*command, *where], capture_output=True, text=True, check=False, env=env
            )
            seconds = time.monotonic() - started
            assert done.returncode == 0, done.stderr[-2000:]
            totals = json.loads(done.stdout)["totals"]
            rows.append((f"{label}: {totals['written']} written", seconds))
        wipe()
    load_after = os.getloadavg()
    print(f"{len(records):,} Provena runs ({args.nodes:,} nodes), --jobs {args.jobs}")
    print(
        f"load average (1/5/15 min) before {' / '.join(f'{x:.1f}' for x in load_before)}, "
        f"after {' / '.join(f'{x:.1f}' for x in load_after)}; {os.cpu_count()} cores\n"
    )
    print("| writer | seconds | runs/s | relative to register_batch |")
    print("|---|---|---|---|")
    for label, seconds in rows:
        rate = len(records) / seconds
        print(f"| {label} | {seconds:.1f} | {rate:,.0f} | {rate / (len(records) / batch):.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
