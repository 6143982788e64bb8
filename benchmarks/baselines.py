"""What provgraph is measured against, each on the same records as the service.

- raw driver: the fastest plain write, batched `UNWIND ... CREATE` of exactly the nodes,
  relations, records and ASSERTS links the service stores (rows prepared before the clock
  starts, nodes de-duplicated in Python): the ingestion ceiling.
- raw driver, one transaction per run: the same statements for one run at a time from
  concurrent sessions, nodes MERGEd (two runs in flight may share one): the ceiling for
  single registration.
- per statement: one auto-committed MERGE per node and per relation, the pattern we replace.
- path enumeration: `MATCH p=(s)-[*1..d]->(x) RETURN p`, de-duplicated in Python.
- prov package: the same document built and serialised with `prov` alone
  (`python -m benchmarks.baselines prov --nodes N --format provn` runs it in its own process,
  so its peak memory can be read).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import threading
import time
import uuid
from collections.abc import Iterable
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from neo4j import Driver, ManagedTransaction, Query
from neo4j.exceptions import Neo4jError
from prov.model import ProvDocument

from prov_export.values import encode_attributes
from service.mapping import model_run_graph
from service.provena.models import ModelRunRecord

# The baselines' own statements: what the systems provgraph replaces send, kept apart from
# the service's `cypher` package.
STATEMENTS = Path(__file__).parent / "baseline_statements"


@cache
def statement(name: str) -> str:
    return (STATEMENTS / f"{name}.cypher").read_text()


def rows(records: list[dict[str, Any]], seen: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The rows the service would store for these records, one list per raw statement;
    nodes already in `seen` (written by an earlier batch) are not repeated."""
    out: dict[str, list[dict[str, Any]]] = {"records": [], "nodes": [], "asserts": [], "edges": []}
    for record in records:
        run_id = str(uuid.uuid4())
        graph = model_run_graph(ModelRunRecord.model_validate(record), run_id)
        out["records"].append({"id": run_id, "kind": "model_run", "body": json.dumps(record)})
        for node in graph.nodes.values():
            attrs = encode_attributes(node.attributes)
            row = {"record": run_id, "node": node.id, "attrs": attrs, "classes": list(node.classes)}
            out["asserts"].append(row)
            if node.id not in seen:
                seen.add(node.id)
                out["nodes"].append(
                    {
                        "id": node.id,
                        "classes": list(node.classes),
                        "kind": node.kind,
                        "label": node.label,
                        "start_time": node.start_time,
                        "end_time": node.end_time,
                        "attrs": attrs,
                    }
                )
        out["edges"] += [
            {
                "type": edge.type,
                "source": edge.source,
                "target": edge.target,
                "key": edge.key,
                "attrs": encode_attributes(edge.attributes),
                "record": run_id,
            }
            for edge in graph.edges
        ]
    return out


def write_rows(tx: ManagedTransaction, chunk: dict[str, list[dict[str, Any]]]) -> None:
    for name in ("records", "nodes", "asserts", "edges"):
        tx.run(statement(f"raw_create_{name}"), {name: chunk[name]}).consume()


def raw_driver(driver: Driver, records: list[dict[str, Any]], batch: int = 500) -> float:
    """Seconds to write the records with plain batched CREATEs, one transaction per batch."""
    seen: set[str] = set()
    chunks = [rows(records[i : i + batch], seen) for i in range(0, len(records), batch)]
    started = time.perf_counter()
    with driver.session() as session:
        for chunk in chunks:
            session.execute_write(write_rows, chunk)
    return time.perf_counter() - started


def write_run(tx: ManagedTransaction, run: dict[str, list[dict[str, Any]]]) -> None:
    for name in ("records", "nodes", "asserts", "edges"):
        write = "raw_merge_nodes" if name == "nodes" else f"raw_create_{name}"
        tx.run(statement(write), {name: run[name]}).consume()


def raw_one_tx_per_run(
    driver: Driver, records: list[dict[str, Any]], sessions: int
) -> tuple[float, list[float]]:
    """Seconds to write the records one transaction per run from `sessions` concurrent
    sessions, and each transaction's latency."""
    runs = [rows([record], set()) for record in records]
    for run in runs:  # one lock order, as the service's: fewer deadlocks between sessions
        run["nodes"].sort(key=lambda row: row["id"])
    pending = iter(runs)
    taking = threading.Lock()
    latencies: list[float] = []

    def session_loop() -> None:
        with driver.session() as session:
            while True:
                with taking:
                    run = next(pending, None)
                if run is None:
                    return
                started = time.perf_counter()
                session.execute_write(write_run, run)
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=session_loop) for _ in range(sessions)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def raw_load(driver: Driver, records: Iterable[dict[str, Any]], batch: int = 500) -> int:
    """Writes the records like `raw_driver`, preparing each batch just before it is written
    (a 1M-node graph's rows would not fit in memory at once); returns how many were written.
    For building a big graph to read from, not for timing writes."""
    seen: set[str] = set()
    written = 0
    pending = iter(records)
    with driver.session() as session:
        while records_batch := list(islice(pending, batch)):
            session.execute_write(write_rows, rows(records_batch, seen))
            written += len(records_batch)
    return written


def per_statement(driver: Driver, records: list[dict[str, Any]]) -> float:
    """Seconds to write the records one auto-committed MERGE at a time."""
    prepared = rows(records, set())
    started = time.perf_counter()
    with driver.session() as session:
        for node in prepared["nodes"]:
            session.run(
                statement("per_statement_node"),
                {k: node[k] for k in ("id", "classes", "kind", "label", "attrs")},
            ).consume()
        for edge in prepared["edges"]:
            session.run(
                statement("per_statement_edge"),
                {k: edge[k] for k in ("source", "target", "type", "attrs")},
            ).consume()
    return time.perf_counter() - started


def path_enumeration(
    driver: Driver, node_id: str, direction: str, depth: int, timeout_s: float
) -> tuple[float | None, int, int]:
    """(seconds or None past the timeout, distinct nodes, distinct relations)."""
    text = statement(f"path_enumeration_{direction}").replace("MAX_HOPS", str(int(depth)))
    nodes: set[str] = set()
    edges: set[str] = set()
    started = time.perf_counter()
    try:
        with driver.session() as session:
            for record in session.run(Query(text, timeout=timeout_s), id=node_id):
                path = record["p"]
                nodes.update(node.element_id for node in path.nodes)
                edges.update(edge.element_id for edge in path.relationships)
                if time.perf_counter() - started > timeout_s:
                    return None, len(nodes), len(edges)
    except Neo4jError as error:
        if "Terminated" in (error.code or "") or "TimedOut" in (error.code or ""):
            return None, len(nodes), len(edges)
        raise
    return time.perf_counter() - started, len(nodes), len(edges)


def prov_document(records: list[dict[str, Any]]) -> ProvDocument:
    """The records' PROV document, built with the prov package's own API."""
    doc = ProvDocument()
    doc.add_namespace("hdl", "https://hdl.handle.net/")
    doc.add_namespace("pg", "https://example.org/provgraph/")
    declared: set[str] = set()

    def once(kind: str, node_id: str, prov_type: str) -> str:
        name = f"hdl:{node_id}"
        if name not in declared:
            declared.add(name)
            getattr(doc, kind)(name, other_attributes={"prov:type": prov_type})
        return name

    for n, record in enumerate(records):
        start, end = (
            datetime.datetime.fromtimestamp(record[key], tz=datetime.UTC)
            for key in ("start_time", "end_time")
        )
        run = doc.activity(
            f"pg:run-{n}",
            start,
            end,
            {"prov:type": "pg:ModelRun", "prov:label": record["display_name"]},
        )
        plan = once("entity", record["workflow_template_id"], "prov:Plan")
        people = record["associations"]
        modeller = once("agent", people["modeller_id"], "prov:Person")
        organisation = once("agent", people["requesting_organisation_id"], "prov:Organization")
        study = once("activity", record["study_id"], "pg:Study")
        doc.used(run, plan, other_attributes={"prov:role": "workflow_template"})
        for dataset in record["inputs"]:
            dataset_name = once("entity", dataset["dataset_id"], "pg:Dataset")
            doc.used(run, dataset_name, other_attributes={"prov:role": "input"})
        for dataset in record["outputs"]:
            output = once("entity", dataset["dataset_id"], "pg:Dataset")
            doc.wasGeneratedBy(output, run, end)
            doc.wasAttributedTo(output, modeller)
        doc.wasAssociatedWith(run, modeller, plan, other_attributes={"prov:role": "modeller"})
        doc.wasAssociatedWith(run, organisation)
        doc.actedOnBehalfOf(modeller, organisation, run)
        doc.wasInformedBy(run, study)
    return doc


def rss_kib(field: str, pid: int | str = "self") -> int:
    """VmRSS (now) or VmHWM (peak) of a process, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split(f"{field}:")[1].split()[0])


def main() -> int:
    from benchmarks.generate import LineageGenerator

    parser = argparse.ArgumentParser(description="the prov package baseline, in its own process")
    parser.add_argument("which", choices=["prov"])
    parser.add_argument("--nodes", type=int, required=True)
    parser.add_argument("--format", choices=["provn", "json"], required=True)
    args = parser.parse_args()
    records = list(LineageGenerator().more(args.nodes))
    before_kib = rss_kib("VmRSS")
    started = time.perf_counter()
    doc = prov_document(records)
    text = doc.serialize(format=args.format)
    seconds = time.perf_counter() - started
    result = {
        "seconds": seconds,
        "records": len(list(doc.get_records())),
        "bytes": len(text.encode()) if text else 0,
        "rss_before_mib": before_kib / 1024,
        "peak_rss_mib": rss_kib("VmHWM") / 1024,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
