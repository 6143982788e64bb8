"""Run every benchmark and rewrite benchmarks/RESULTS.md.

    python benchmarks/run.py            # full: graphs of 10k, 100k and 1M nodes (a long job)
    python benchmarks/run.py --quick    # reduced set, under ten minutes on 2 cores
    python benchmarks/run.py --json out.json

It starts what it needs and stops it again: a throwaway local Neo4j (temp folder, free
port) unless NEO4J_URI is set, and the API as a separate uvicorn process (so client and
server do not share a GIL and the server's peak memory can be read) unless --api is given.
Every baseline runs in the same run on the same records, and figures are reported as
ratios to them: the machine is shared and noisy, absolute numbers alone mean little.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import logging
import math
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from neo4j import Driver, GraphDatabase

# Run as `python benchmarks/run.py`: Python puts benchmarks/ first on the path, and the
# benchmarks import each other as the `benchmarks` package, from the repository root.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks import baselines, emitters, report  # noqa: E402
from benchmarks.generate import LineageGenerator, code_run, stacked_diamonds  # noqa: E402
from benchmarks.openlineage_events import OpenLineageGenerator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
JSON_TYPE = {"Content-Type": "application/json"}


@dataclass
class Plan:
    name: str
    ingest_nodes: int  # graph written by raw driver and by register_batch, `rounds` times
    rounds: int
    per_statement_runs: int
    sizes: tuple[int, ...]  # lineage and export graphs, in nodes
    lineage_queries: int  # per size, direction and depth
    path_queries: int  # path enumeration queries per size, direction and depth
    diamonds: tuple[int, ...]
    diamond_queries: int
    single_requests: int
    timeout_s: float  # path enumeration bound
    heap: str
    pagecache: str
    openlineage_runs: int = 1_000  # START+COMPLETE pairs timed against register_batch
    openlineage_nodes: int = 100_000  # OpenLineage-written graph for lineage by dataset name
    # Concurrent emitters while OpenLineage events are timed: a row each, on an emptied graph.
    openlineage_clients: tuple[int, ...] = (16, 64)


QUICK = Plan(
    name="quick", ingest_nodes=5_000, rounds=2, per_statement_runs=100, sizes=(10_000, 30_000),
    lineage_queries=60, path_queries=10, diamonds=(10, 20, 30), diamond_queries=20,
    single_requests=400, timeout_s=30, heap="512m", pagecache="256m",
)
FULL = Plan(
    name="full", ingest_nodes=100_000, rounds=3, per_statement_runs=300,
    sizes=(10_000, 100_000, 1_000_000), lineage_queries=300, path_queries=30,
    diamonds=(10, 20, 30), diamond_queries=50, single_requests=4000, timeout_s=60,
    heap="2g", pagecache="1g",
)
BATCH, IN_FLIGHT, CLIENTS = 1000, 2, 16
# Each path's load before its clock starts, in seconds. Neo4j's JVM compiles (JIT) the code a
# kind of write runs for a minute or more of that load; measured sooner, a path pays for its
# compilation (measured: the JIT took half of Neo4j's CPU 40 s into OpenLineage events,
# under a third in the next two minutes, a twentieth after three).
WARM_S = 90


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {"n": len(ms), "p50_ms": statistics.median(ms), "p99_ms": percentile(ms, 99)}


# --- the things under test -----------------------------------------------------------------


@contextmanager
def neo4j_server(plan: Plan) -> Iterator[tuple[str, Any, int | None]]:
    """(uri, auth, pid) of NEO4J_URI, or of a throwaway local Neo4j stopped on exit."""
    if os.environ.get("NEO4J_URI"):
        password = os.environ.get("NEO4J_PASSWORD")
        user = os.environ.get("NEO4J_USER", "neo4j")
        yield os.environ["NEO4J_URI"], (user, password) if password else None, None
        return
    from service.local_neo4j import LocalNeo4j
    from service.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="provgraph-bench-neo4j-"))
    local = LocalNeo4j(
        folder,
        Settings().cache_dir,
        bolt_port=0,
        auth=False,
        heap=os.environ.get("PROVGRAPH_NEO4J_HEAP", plan.heap),
        pagecache=os.environ.get("PROVGRAPH_NEO4J_PAGECACHE", plan.pagecache),
    )
    try:
        connection = local.start()
        yield connection.uri, None, connection.pid
    finally:
        local.stop()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def api_server(
    api: str | None, uri: str, auth: Any, workers: int = 1
) -> Iterator[tuple[str, int | None]]:
    """(base URL, server pid or None) of --api, or of a uvicorn process (with `workers`
    worker processes under it when more than one) stopped on exit."""
    if api:
        yield api.rstrip("/"), None
        return
    from service.local_neo4j import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVGRAPH_TOKENS")}
    env.update(NEO4J_URI=uri, PROVGRAPH_MAX_DEPTH="200", PROVGRAPH_QUERY_TIMEOUT="120")
    if auth:
        env.update(NEO4J_USER=auth[0], NEO4J_PASSWORD=auth[1])
    command = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--no-access-log", "--workers", str(workers)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the API exited with code {process.returncode} while starting")
        try:
            health = httpx.get(f"{url}/health", timeout=2)
            if health.status_code == 200 and health.json().get("schema_applied"):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the API at {url} did not become ready within 120 s")


# --- measurements ----------------------------------------------------------------------------


def proc_stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (state is [0], ppid [1])."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """`pid` and its child processes (uvicorn's workers)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(proc_stat(int(stat.parent.name))[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return [pid, *children]


class Bench:
    def __init__(
        self, plan: Plan, driver: Driver, url: str, pid: int | None, neo4j_pid: int | None
    ) -> None:
        self.plan, self.driver, self.url, self.pid = plan, driver, url, pid
        self.processes = {"api": pid, "neo4j": neo4j_pid}
        self.http = httpx.Client(base_url=url, timeout=300)
        self.random = random.Random(6)
        self.routes = set(self.http.get("/openapi.json").json()["paths"])

    def wipe(self) -> None:
        with self.driver.session() as session:
            for name in ("wipe_relationships", "wipe"):
                session.run(baselines.statement(name)).consume()

    def graph_size(self) -> dict[str, int]:
        records, _, _ = self.driver.execute_query(baselines.statement("graph_size"))
        return dict(records[0])

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by the API (its worker processes included), Neo4j and
        this client: where the time goes."""
        used = {"client": time.process_time()}
        for name, pid in self.processes.items():
            if pid:
                used[name] = sum(
                    (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                    for fields in map(proc_stat, process_tree(pid))
                )
        return used

    def cpu_ms_per_run(self, before: dict[str, float], runs: int) -> dict[str, float]:
        return {name: (used - before[name]) * 1000 / runs for name, used in self.cpu().items()}

    def register_batches(self, records: list[dict[str, Any]]) -> float:
        """Seconds to register the records with register_batch, IN_FLIGHT requests at a time."""
        bodies = [
            json.dumps({"records": records[i : i + BATCH]}).encode()
            for i in range(0, len(records), BATCH)
        ]

        async def send_all() -> None:
            queue = iter(bodies)
            async with httpx.AsyncClient(base_url=self.url, timeout=600) as http:

                async def worker() -> None:
                    for body in queue:
                        answer = await http.post(
                            "/model_run/register_batch", content=body, headers=JSON_TYPE
                        )
                        if answer.status_code != 200 or b'"success":false' in answer.content:
                            raise RuntimeError(f"register_batch failed: {answer.text[:500]}")

                await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))

        started = time.perf_counter()
        asyncio.run(send_all())
        return time.perf_counter() - started

    def ingestion(self) -> dict[str, Any]:
        """Runs/s of register_batch, raw driver and per-statement writes, on the same records."""
        records = list(LineageGenerator().more(self.plan.ingest_nodes))
        rates: dict[str, list[float]] = {"raw_driver": [], "register_batch": []}
        cpu: dict[str, Any] = {}
        for _ in range(self.plan.rounds):  # alternated, so drift on the machine hits both
            self.wipe()
            before = self.cpu()
            rates["raw_driver"].append(len(records) / baselines.raw_driver(self.driver, records))
            cpu["raw_driver"] = self.cpu_ms_per_run(before, len(records))
            self.wipe()
            before = self.cpu()
            rates["register_batch"].append(len(records) / self.register_batches(records))
            cpu["register_batch"] = self.cpu_ms_per_run(before, len(records))
        self.wipe()
        subset = records[: self.plan.per_statement_runs]
        per_statement = len(subset) / baselines.per_statement(self.driver, subset)
        self.wipe()
        batch = statistics.median(rates["register_batch"])
        raw = statistics.median(rates["raw_driver"])
        return {
            "runs": len(records),
            "nodes": self.plan.ingest_nodes,
            "rounds": rates,
            "cpu_ms_per_run": cpu,  # of the last round
            "register_batch_runs_per_s": batch,
            "raw_driver_runs_per_s": raw,
            "per_statement_runs_per_s": per_statement,
            "per_statement_runs": len(subset),
            "ratio_to_raw_driver": batch / raw,
            "ratio_to_per_statement": batch / per_statement,
        }

    def single(self, records: list[dict[str, Any]], clients: int, path: str) -> dict[str, Any]:
        """POST one record per request from `clients` concurrent clients."""
        bodies = [json.dumps(record).encode() for record in records]
        latencies: list[float] = []

        async def send_all() -> None:
            queue = iter(bodies)
            limits = httpx.Limits(max_connections=clients)
            async with httpx.AsyncClient(base_url=self.url, timeout=120, limits=limits) as http:

                async def client() -> None:
                    for body in queue:
                        started = time.perf_counter()
                        answer = await http.post(path, content=body, headers=JSON_TYPE)
                        latencies.append(time.perf_counter() - started)
                        if answer.status_code not in (200, 201):
                            raise RuntimeError(f"{path} failed: {answer.text[:500]}")

                await asyncio.gather(*(client() for _ in range(clients)))

        before, started = self.cpu(), time.perf_counter()
        asyncio.run(send_all())
        seconds = time.perf_counter() - started
        return {
            "clients": clients,
            "path": path,
            "runs_per_s": len(bodies) / seconds,
            **latency(latencies),
            "cpu_ms_per_run": self.cpu_ms_per_run(before, len(bodies)),
        }

    def raw_single(self, records: list[dict[str, Any]], sessions: int) -> dict[str, Any]:
        """The raw driver writing one run a transaction from `sessions` concurrent sessions:
        the ceiling for single registration."""
        before = self.cpu()
        seconds, latencies = baselines.raw_one_tx_per_run(self.driver, records, sessions)
        return {
            "clients": sessions,
            "path": "raw driver, one transaction per run",
            "runs_per_s": len(records) / seconds,
            **latency(latencies),
            "cpu_ms_per_run": self.cpu_ms_per_run(before, len(records)),
        }

    def post_events(
        self, pairs: list[tuple[dict[str, Any], dict[str, Any]]], clients: int = CLIENTS
    ) -> tuple[float, list[float]]:
        """Seconds (and per-request latencies) to POST the events one a request from
        `clients` concurrent emitters, each sending a run's START then its COMPLETE and
        waiting for each answer, as an emitter does (benchmarks/emitters.py)."""
        runs = [[json.dumps(event).encode() for event in pair] for pair in pairs]
        return emitters.emit(self.url, runs, clients)

    def dataset_lineage(self, tables: list[str]) -> dict[str, Any]:
        """`/lineage` by dataset name from random tables, both directions, depths 2 and 4."""
        figures: dict[str, Any] = {}
        for direction in ("upstream", "downstream"):
            for depth in (2, 4):
                starts = self.random.choices(tables, k=self.plan.lineage_queries)
                self.lineage(starts[0], direction, depth)
                timed = [self.lineage(start, direction, depth) for start in starts]
                figures[f"{direction}_{depth}"] = {
                    **latency([seconds for seconds, _ in timed]),
                    "median_nodes": statistics.median(nodes for _, nodes in timed),
                }
        return figures

    def openlineage(self) -> dict[str, Any]:
        """OpenLineage events/s against register_batch runs/s in the same run, both as PROV
        nodes + relations written per second; then lineage by dataset name on the small
        graph the timed events wrote and on a graph of `openlineage_nodes` that OpenLineage
        events alone wrote (the growth between the two, measured in the same run)."""
        load = {"start": os.getloadavg()[0]}
        records = list(LineageGenerator().more(self.plan.ingest_nodes))
        # Both paths warm before the clock (WARM_S): Neo4j compiles (JIT and query plans)
        # what it runs, which would otherwise be charged to whichever is timed first.
        self.wipe()
        runs = LineageGenerator(prefix="10378.1/warm")
        self.warm(lambda: self.register_batches(list(runs.more(len(runs.node_ids) + 5000))))
        events = OpenLineageGenerator(seed=7)
        self.warm(lambda: self.post_events(list(events.pairs(200)), CLIENTS))
        self.wipe()
        before = self.cpu()
        batch_seconds = self.register_batches(records)
        batch_cpu = self.cpu_ms_per_run(before, len(records))
        batch_size = self.graph_size()
        batch_rate = (batch_size["nodes"] + batch_size["edges"]) / batch_seconds
        figures: dict[str, Any] = {
            "register_batch_runs": len(records),
            "register_batch_runs_per_s": len(records) / batch_seconds,
            "register_batch_elements_per_s": batch_rate,
            "register_batch_size": batch_size,
            "register_batch_cpu_ms_per_run": batch_cpu,
            "timed": [],
        }
        for clients in self.plan.openlineage_clients:  # the last one's graph is grown on
            self.wipe()
            generator = OpenLineageGenerator()
            pairs = list(generator.pairs(self.plan.openlineage_runs))
            before = self.cpu()
            events_seconds, latencies = self.post_events(pairs, clients)
            cpu_used = self.cpu_ms_per_run(before, 2 * len(pairs))
            events_size = self.graph_size()
            events_rate = (events_size["nodes"] + events_size["edges"]) / events_seconds
            figures["timed"].append({
                "runs": len(pairs),
                "clients": clients,
                "events_per_s": 2 * len(pairs) / events_seconds,
                "event_latency": latency(latencies),
                "elements_per_s": events_rate,
                "size": events_size,
                "cpu_ms_per_event": cpu_used,
                "ratio_to_register_batch": events_rate / batch_rate,
                "load": os.getloadavg()[0],
            })
        figures.update(figures["timed"][-1])
        tables = [
            f"postgres://dw:5432/{table}" for job in generator.jobs for table in
            generator.tables(job)
        ]
        figures["small"] = {**events_size, "runs": generator.runs,
                            "lineage": self.dataset_lineage(tables)}
        grow_started = time.perf_counter()
        while self.graph_size()["nodes"] < self.plan.openlineage_nodes:
            # More emitters than timed above: bigger groups, a faster way to a big graph.
            self.post_events(list(generator.pairs(2_000)), clients=16 * CLIENTS)
        figures["grown"] = {**self.graph_size(), "runs": generator.runs,
                            "minutes": (time.perf_counter() - grow_started) / 60}
        tables = [
            f"postgres://dw:5432/{table}" for job in generator.jobs for table in
            generator.tables(job)
        ]
        figures["grown"]["lineage"] = self.dataset_lineage(tables)
        load["end"] = os.getloadavg()[0]
        figures["load"] = load
        return figures

    @staticmethod
    def warm(load: Callable[[], object]) -> None:
        """Run `load` again and again for WARM_S seconds."""
        started = time.perf_counter()
        while time.perf_counter() - started < WARM_S:
            load()

    def lineage(self, start: str, direction: str, depth: int) -> tuple[float, int]:
        started = time.perf_counter()
        answer = self.http.get("/lineage", params={"id": start, "direction": direction,
                                                   "depth": depth})
        seconds = time.perf_counter() - started
        if answer.status_code != 200:
            raise RuntimeError(f"/lineage {start} {direction} {depth}: {answer.text[:300]}")
        return seconds, len(answer.json()["nodes"])

    def lineage_at_size(self, generator: LineageGenerator) -> dict[str, Any]:
        """/lineage and path enumeration from the same random chain ends (up) / starts (down)."""
        figures: dict[str, Any] = {}
        for direction, pool in (("upstream", generator.chain_ends),
                                ("downstream", generator.chain_starts)):
            for depth in (2, 5, 10):
                starts = self.random.choices(pool, k=self.plan.lineage_queries)
                self.lineage(starts[0], direction, depth)  # warm the plan cache
                timed = [self.lineage(start, direction, depth) for start in starts]
                enumerated = [
                    baselines.path_enumeration(self.driver, start, direction, depth,
                                               self.plan.timeout_s)[0]
                    for start in starts[: self.plan.path_queries]
                ]
                finished = [s for s in enumerated if s is not None]
                figures[f"{direction}_{depth}"] = {
                    **latency([seconds for seconds, _ in timed]),
                    "median_nodes": statistics.median(nodes for _, nodes in timed),
                    "path_enumeration": latency(finished) if finished else None,
                    "path_enumeration_timeouts": len(enumerated) - len(finished),
                }
        return figures

    def export(self, fmt: str, size: dict[str, int]) -> dict[str, Any]:
        """GET /prov?scope=all, streamed; PROV records = nodes + relations of the graph."""
        if self.pid:  # reset the server's peak RSS (VmHWM) to its current RSS
            for pid in process_tree(self.pid):
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            before = max(baselines.rss_kib("VmRSS", pid) for pid in process_tree(self.pid)) / 1024
        received = 0
        first_byte: float | None = None
        started = time.perf_counter()
        # No read timeout, so that a stream silent for long is measured, not failed.
        params = {"scope": "all", "format": fmt}
        with self.http.stream("GET", "/prov", params=params, timeout=None) as answer:
            if answer.status_code != 200:
                raise RuntimeError(f"/prov {fmt}: {answer.read()[:300]!r}")
            for block in answer.iter_bytes():
                if first_byte is None and block:
                    first_byte = time.perf_counter() - started
                received += len(block)
        seconds = time.perf_counter() - started
        prov_records = size["nodes"] + size["edges"]
        figures: dict[str, Any] = {
            "records": prov_records,
            "seconds": seconds,
            "records_per_s": prov_records / seconds,
            "bytes": received,
            "first_byte_s": first_byte,
        }
        if self.pid:
            # The worker that served the export has the highest peak.
            peak = max(baselines.rss_kib("VmHWM", pid) for pid in process_tree(self.pid)) / 1024
            figures.update(rss_before_mib=before, peak_rss_mib=peak)
        return figures

    def prov_package(self, nodes: int, fmt: str) -> dict[str, Any]:
        command = [sys.executable, "-m", "benchmarks.baselines", "prov", "--nodes", str(nodes),
                   "--format", fmt]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout)
        return {**figures, "records_per_s": figures["records"] / figures["seconds"]}

    def diamonds(self) -> dict[str, Any]:
        figures: dict[str, Any] = {}
        for levels in self.plan.diamonds:
            records, top, _ = stacked_diamonds(levels, prefix=f"10378.1/diamond{levels}")
            self.register_batches(records)
            depth = 4 * levels  # dataset -> run -> dataset -> run -> dataset per level
            self.lineage(top, "upstream", depth)
            timed = [self.lineage(top, "upstream", depth) for _ in range(self.plan.diamond_queries)]
            seconds, nodes, _ = baselines.path_enumeration(
                self.driver, top, "upstream", depth, self.plan.timeout_s
            )
            lineage = latency([s for s, _ in timed])
            figures[str(levels)] = {
                "depth": depth,
                "lineage": lineage,
                "lineage_nodes": timed[0][1],
                "path_enumeration_s": seconds,
                "path_enumeration_nodes": nodes,
                "timeout_s": self.plan.timeout_s,
                # Past the timeout the ratio is at least timeout / p50.
                "ratio": (seconds or self.plan.timeout_s) / (lineage["p50_ms"] / 1000),
            }
        self.wipe()
        return figures

    def growth(self) -> dict[str, Any]:
        """Grow one graph through register_batch; at each size: lineage, then export."""
        generator, figures = LineageGenerator(), {}
        for nodes in self.plan.sizes:
            records = list(generator.more(nodes))
            seconds = self.register_batches(records)
            size = self.graph_size()
            at_size: dict[str, Any] = {
                "graph": size,
                "runs": generator.runs,
                "register_batch_runs_per_s": len(records) / seconds,
            }
            if "/lineage" in self.routes:
                at_size["lineage"] = self.lineage_at_size(generator)
            if "/prov" in self.routes:
                at_size["export"] = {
                    fmt: {"service": self.export(fmt, size),
                          "prov_package": self.prov_package(nodes, fmt)}
                    for fmt in ("provn", "json")
                }
            figures[str(nodes)] = at_size
            print(f"  {nodes} nodes done", file=sys.stderr, flush=True)
        more = list(generator.more(generator.nodes + self.plan.single_requests * 5))
        # The ceiling's own runs, as many as the concurrent ones, on the same graph.
        concurrent = more[len(more) // 4 :]
        ceiling = list(generator.more(generator.nodes + self.plan.single_requests * 5))
        ceiling = ceiling[: len(concurrent)]
        single: dict[str, Any] = {
            "graph_nodes": generator.nodes,
            "one_client": self.single(more[: len(more) // 4], 1, "/model_run/register"),
            "concurrent": self.single(concurrent, CLIENTS, "/model_run/register"),
            "fairdp": self.single(
                [code_run(record, n) for n, record in enumerate(more[: len(more) // 4])],
                CLIENTS,
                "/api/code_run/",
            ),
            "raw_one_tx_per_run": self.raw_single(ceiling, CLIENTS),
        }
        raw = single["raw_one_tx_per_run"]["runs_per_s"]
        single["ratio_to_raw"] = single["concurrent"]["runs_per_s"] / raw
        single["fairdp_ratio_to_raw"] = single["fairdp"]["runs_per_s"] / raw
        figures["single"] = single
        return figures


# --- the run ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text()
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(int(meminfo.split("MemTotal:")[1].split()[0]) / 1024**2, 1),
        "cpu": model,
        "python": platform.python_version(),
        "commit": commit,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def refuse_non_empty(driver: Driver, may_wipe: bool) -> None:
    size = dict(driver.execute_query(baselines.statement("graph_size")).records[0])
    if size["nodes"] and not may_wipe:
        raise SystemExit(
            f"NEO4J_URI holds {size['nodes']} nodes and the benchmarks delete everything; "
            "point it at a throwaway database or pass --may-wipe."
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the reduced set (< 10 min)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--api", help="an API already running (needs NEO4J_URI of its Neo4j)")
    parser.add_argument("--sizes", help="graph sizes in nodes, comma-separated (overrides)")
    parser.add_argument("--results", type=Path, default=Path(__file__).parent / "RESULTS.md")
    parser.add_argument("--may-wipe", action="store_true", help="NEO4J_URI may hold data")
    parser.add_argument("--api-workers", type=int, default=1,
                        help="API worker processes (uvicorn --workers); default 1")
    parser.add_argument("--openlineage-nodes", type=int, help="OpenLineage graph size (overrides)")
    parser.add_argument("--openlineage-clients",
                        help="timed OpenLineage emitters, comma-separated (a row each)")
    parser.add_argument("--phases", default="ingestion,diamonds,growth,openlineage",
                        help="which phases to run, comma-separated")
    args = parser.parse_args()
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # a timed-out baseline is expected
    # A plain `kill` unwinds too, so the API process and Neo4j are stopped by the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.api and not os.environ.get("NEO4J_URI"):
        parser.error("--api needs NEO4J_URI (the baselines write to the same Neo4j)")
    plan = QUICK if args.quick else FULL
    if args.sizes:
        sizes = tuple(int(size) for size in args.sizes.split(","))
        plan = Plan(**{**asdict(plan), "sizes": sizes, "ingest_nodes": sizes[0]})
    if args.openlineage_nodes:
        plan = Plan(**{**asdict(plan), "openlineage_nodes": args.openlineage_nodes})
    if args.openlineage_clients:
        clients = tuple(int(count) for count in args.openlineage_clients.split(","))
        plan = Plan(**{**asdict(plan), "openlineage_clients": clients})
    started = time.monotonic()
    results: dict[str, Any] = {"plan": asdict(plan), "machine": machine()}
    results["api_workers"] = args.api_workers
    with neo4j_server(plan) as (uri, auth, neo4j_pid), GraphDatabase.driver(
        uri, auth=auth, notifications_min_severity="OFF"
    ) as driver:
        refuse_non_empty(driver, args.may_wipe or not os.environ.get("NEO4J_URI"))
        with api_server(args.api, uri, auth, args.api_workers) as (url, pid):
            bench = Bench(plan, driver, url, pid, neo4j_pid)
            results["machine"]["neo4j"] = bench.http.get("/health").json()["neo4j"]["version"]
            results["routes_missing"] = sorted({"/lineage", "/prov"} - bench.routes)
            for name, phase in (("ingestion", bench.ingestion), ("diamonds", bench.diamonds),
                                ("growth", bench.growth), ("openlineage", bench.openlineage)):
                if name not in args.phases.split(","):
                    continue
                if name == "diamonds" and "/lineage" not in bench.routes:
                    continue
                if name == "openlineage" and "/api/v1/lineage" not in bench.routes:
                    continue
                print(f"{name} ...", file=sys.stderr, flush=True)
                phase_started = time.monotonic()
                results[name] = phase()
                results[name]["minutes"] = (time.monotonic() - phase_started) / 60
                if args.json:  # what is measured survives a later phase's failure
                    args.json.write_text(json.dumps(results, indent=2))
    results["minutes"] = (time.monotonic() - started) / 60
    args.results.write_text(report.markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.results} in {results['minutes']:.1f} min", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
