"""A bounded soak: 16 clients mixing registrations and lineage reads for a few minutes, with
the API process's memory sampled every second. It stops by itself.

    python benchmarks/soak.py                     # 3 minutes, rewrites benchmarks/SOAK.md
    python benchmarks/soak.py --minutes 10 --json soak.json
    python benchmarks/soak.py --long              # 30 minutes of the long mix (below)

The long mix adds, on two of the 16 clients, a whole-graph export and a large PROV import
every EVERY_S seconds (every IMPORT_OVER_LIMIT_EVERY-th import one record over
PROVGRAPH_MAX_RECORDS, which must be refused), and hostile requests that must get their 4xx
among the others' requests. Its clients answer a 503 as a client should, by waiting for its
Retry-After and sending again (counted apart); Neo4j's process id is checked at the start
and at the end.

It starts a throwaway local Neo4j (unless NEO4J_URI is set) and the API as its own uvicorn
process with benchmarks/run.py's helpers, both on loopback, and stops them at the end.
`run_soak(api_url, minutes)` is the soak alone, for the harness to call against an API it
runs itself. Ids are prefixed per soak, so an existing graph is added to, never clashed with.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

# Run as `python benchmarks/soak.py`: the same import root as benchmarks/run.py (see there).
sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks import report  # noqa: E402
from benchmarks import run as harness  # noqa: E402
from benchmarks.baselines import rss_kib  # noqa: E402
from benchmarks.generate import LineageGenerator  # noqa: E402
from service.local_neo4j import process_alive  # noqa: E402
from service.settings import Settings  # noqa: E402
from tests.payloads import prov_json_document  # noqa: E402

CLIENTS = 16
# Share of each kind of request; writes keep the graph growing under the reads.
MIX = {"register": 0.4, "lineage": 0.3, "explore_upstream": 0.3}
LONG_MINUTES = 30.0
LONG_MIX = {"register": 0.37, "lineage": 0.25, "explore_upstream": 0.25, "hostile": 0.13}
# Heavy requests of the long mix, each on a client of its own, one every EVERY_S seconds.
PERIODIC = ("export_all", "import_large")
EVERY_S = 120.0
RETRIES_AFTER_503 = 5
LARGE_IMPORT_RECORDS = 5_000
IMPORT_OVER_LIMIT_EVERY = 5
SEED_RUNS = 200  # registered before the clock starts, so reads have something to find
LINEAGE_DEPTH, EXPLORE_DEPTH = 10, 4
FLAT_WITHIN = 0.10  # last third's mean RSS within 10 % of the middle third's
ERROR_EXAMPLES = 5
HEAVY_TIMEOUT_S = 480.0
PROV_JSON = {"content-type": "application/json"}

Request = tuple[str, str, dict[str, Any], set[int] | None]  # method, path, httpx args, statuses


def hostile_requests(dataset: str) -> list[tuple[str, Request]]:
    """Requests a hostile or careless caller sends, each with the answers it must get (a
    4xx; never a 5xx). A huge `limit` is taken as given today (part A of issue 19 caps it:
    then 200 or 400); sent without a depth it walks the whole graph, so here it comes with
    a small one."""
    return [
        ("not a model run", ("POST", "/model_run/register", {"json": {"display_name": 5}}, {422})),
        (
            "time out of range",
            ("GET", "/lineage", {"params": {"id": dataset, "since": "99999-01-01"}}, {422}),
        ),
        (
            "huge limit",
            (
                "GET",
                "/lineage",
                {"params": {"id": dataset, "depth": 2, "limit": 10**9}},
                {200, 400},
            ),
        ),
        ("negative depth", ("GET", "/lineage", {"params": {"id": dataset, "depth": -1}}, {422})),
        ("unknown format", ("GET", "/prov", {"params": {"id": dataset, "format": "x"}}, {400})),
        (
            "not PROV",
            ("POST", "/prov", {"content": b"{not json", "headers": PROV_JSON}, {422}),
        ),
        (
            "wrong media type",
            ("POST", "/prov", {"content": b"x", "headers": {"content-type": "text/plain"}}, {415}),
        ),
        ("no such node", ("GET", "/lineage", {"params": {"id": dataset + "-none"}}, {404})),
    ]


class Soak:
    """The clients' shared state: the graph they grow, what they measured, what went wrong."""

    def __init__(self, url: str, minutes: float, long: bool = False) -> None:
        self.url = url
        self.seconds = minutes * 60
        self.mix = LONG_MIX if long else MIX
        self.periodic = PERIODIC if long else ()
        self.prefix = f"soak-{uuid.uuid4().hex[:8]}"
        self.generator = LineageGenerator(prefix=f"10378.1/{self.prefix}")
        self.random = random.Random(6)
        # Only datasets of acknowledged runs are read, so a read never races its write (404).
        self.datasets: list[str] = []
        kinds = [*self.mix, *self.periodic]
        self.latencies: dict[str, list[float]] = {kind: [] for kind in kinds}
        self.errors: dict[str, int] = dict.fromkeys(kinds, 0)
        self.retried_503: dict[str, int] = dict.fromkeys(kinds, 0)
        self.error_examples: list[str] = []
        self.refused: dict[str, int] = {}  # hostile and over-limit requests, by what they were
        self.imports = 0

    def acknowledged(self, record: dict[str, Any]) -> None:
        for side in ("inputs", "outputs"):
            self.datasets.extend(item["dataset_id"] for item in record[side])

    def seed(self) -> None:
        records = [self.generator.run() for _ in range(SEED_RUNS)]
        answer = httpx.post(
            f"{self.url}/model_run/register_batch", json={"records": records}, timeout=300
        )
        if answer.status_code != 200 or not answer.json()["status"]["success"]:
            raise RuntimeError(f"seeding the soak failed: {answer.text[:500]}")
        for record in records:
            self.acknowledged(record)

    def request(self, kind: str) -> Request:
        """One request of this kind; statuses None: any 2xx is right."""
        if kind == "register":
            return "POST", "/model_run/register", {"json": self.generator.run()}, None
        if kind == "export_all":
            params: dict[str, Any] = {"scope": "all", "format": "json"}
            return "GET", "/prov", {"params": params, "timeout": HEAVY_TIMEOUT_S}, None
        if kind == "import_large":
            self.imports += 1
            over = self.imports % IMPORT_OVER_LIMIT_EVERY == 0
            records = Settings().max_records + 1 if over else LARGE_IMPORT_RECORDS
            document = prov_json_document(records, f"{self.prefix}-{self.imports}")
            arguments: dict[str, Any] = {
                "content": json.dumps(document),
                "headers": PROV_JSON,
                "timeout": HEAVY_TIMEOUT_S,
            }
            if over:
                self.refused["over PROVGRAPH_MAX_RECORDS"] = (
                    self.refused.get("over PROVGRAPH_MAX_RECORDS", 0) + 1
                )
            return "POST", "/prov", arguments, {413} if over else None
        dataset = self.random.choice(self.datasets)
        if kind == "hostile":
            what, request = self.random.choice(hostile_requests(dataset))
            self.refused[what] = self.refused.get(what, 0) + 1
            return request
        if kind == "lineage":
            direction = self.random.choice(("upstream", "downstream"))
            params = {"id": dataset, "direction": direction, "depth": LINEAGE_DEPTH}
            return "GET", "/lineage", {"params": params}, None
        params = {"starting_id": dataset, "depth": EXPLORE_DEPTH}
        return "GET", "/explore/upstream", {"params": params}, None

    async def send(self, http: httpx.AsyncClient, kind: str) -> None:
        method, path, arguments, statuses = self.request(kind)
        started = time.perf_counter()
        try:
            answer = await http.request(method, path, **arguments)
            # The long mix's clients do as a client should with a 503: wait as long as its
            # Retry-After says and send again (a few times); each such wait is counted.
            for _ in range(RETRIES_AFTER_503 if self.periodic else 0):
                if answer.status_code != 503 or "retry-after" not in answer.headers:
                    break
                self.retried_503[kind] += 1
                await asyncio.sleep(float(answer.headers["retry-after"]))
                answer = await http.request(method, path, **arguments)
            right = answer.status_code in statuses if statuses else answer.is_success
            failure = None if right else f"{answer.status_code} {answer.text}"
        except httpx.HTTPError as error:
            failure = repr(error)
        self.latencies[kind].append(time.perf_counter() - started)
        if failure:
            self.errors[kind] += 1
            if len(self.error_examples) < ERROR_EXAMPLES:
                self.error_examples.append(f"{method} {path}: {failure[:300]}")
        elif kind == "register":
            self.acknowledged(arguments["json"])

    async def client(self, http: httpx.AsyncClient, until: float) -> None:
        kinds, weights = list(self.mix), list(self.mix.values())
        while time.monotonic() < until:
            await self.send(http, self.random.choices(kinds, weights)[0])

    async def every(self, http: httpx.AsyncClient, kind: str, until: float) -> None:
        """One heavy request of `kind` every EVERY_S seconds (or right after the last one)."""
        while time.monotonic() < until:
            started = time.monotonic()
            await self.send(http, kind)
            await asyncio.sleep(
                max(0.0, min(EVERY_S - (time.monotonic() - started), until - time.monotonic()))
            )

    async def run(self) -> float:
        limits = httpx.Limits(max_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=self.url, timeout=60, limits=limits) as http:
            started = time.monotonic()
            until = started + self.seconds
            heavy = [self.every(http, kind, until) for kind in self.periodic]
            light = [self.client(http, until) for _ in range(CLIENTS - len(heavy))]
            await asyncio.gather(*heavy, *light)
            return time.monotonic() - started


class RssSampler(threading.Thread):
    """VmRSS of one process once a second, as (seconds since start, MiB)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, float]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopped.is_set():
            self.samples.append((time.monotonic() - started, rss_kib("VmRSS", self.pid) / 1024))
            # Sleep to the next whole second, so slow samples do not drift the clock.
            self.stopped.wait(1 - (time.monotonic() - started) % 1)


def listening_pid(port: int) -> int | None:
    """The process that listens on this TCP port here (the soak is loopback only), from
    /proc: the socket's inode in /proc/net/tcp*, then the process holding that inode."""
    sockets = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            listening = fields[3] == "0A"
            if listening and int(fields[1].rsplit(":", 1)[1], 16) == port:
                sockets.add(f"socket:[{fields[9]}]")
    for fds in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd) in sockets for fd in fds.iterdir()):
                return int(fds.parent.name)
        except OSError:
            continue  # a process that exited, or not ours to inspect
    return None


def mean(samples: list[tuple[float, float]]) -> float:
    return statistics.fmean(mib for _, mib in samples)


def slope_mib_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope; near zero when memory is flat."""
    if len(samples) < 2:
        return 0.0
    seconds = [t for t, _ in samples]
    return statistics.linear_regression(seconds, [mib for _, mib in samples]).slope * 60


def rss_figures(samples: list[tuple[float, float]]) -> dict[str, Any]:
    """Start, middle, end; thirds by time. The first third holds the warm-up (caches, pools,
    plan caches filling), so flatness compares the last third with the middle one."""
    third = len(samples) // 3
    middle, last = samples[third : 2 * third], samples[2 * third :]
    ratio = mean(last) / mean(middle)
    return {
        "start_mib": samples[0][1],
        "middle_mib": samples[len(samples) // 2][1],
        "end_mib": samples[-1][1],
        "peak_mib": max(mib for _, mib in samples),
        "middle_third_mean_mib": mean(middle),
        "last_third_mean_mib": mean(last),
        "last_to_middle": ratio,
        "flat": abs(ratio - 1) <= FLAT_WITHIN,
        "slope_mib_per_min": slope_mib_per_min(samples),
        "slope_after_warmup_mib_per_min": slope_mib_per_min(samples[third:]),
        "samples": [[round(t, 1), round(mib, 1)] for t, mib in samples],
    }


def run_soak(
    api_url: str, minutes: float, api_pid: int | None = None, long: bool = False
) -> dict[str, Any]:
    """Soak the API at `api_url` for `minutes`: requests by kind, errors, p50/p99 latency,
    and the API process's RSS (`api_pid`, else whatever listens on the URL's port)."""
    url = api_url.rstrip("/")
    pid = api_pid or listening_pid(urlsplit(url).port or 80)
    soak = Soak(url, minutes, long)
    soak.seed()
    load_before = os.getloadavg()[0]  # other work on a shared machine shows up in latencies
    sampler = RssSampler(pid) if pid else None
    if sampler:
        sampler.start()
    try:
        seconds = asyncio.run(soak.run())
    finally:
        if sampler:
            sampler.stopped.set()
            sampler.join()
    kinds: dict[str, Any] = {}
    for kind, values in soak.latencies.items():
        kinds[kind] = {
            **(harness.latency(values) if values else {"n": 0, "p50_ms": 0.0, "p99_ms": 0.0}),
            "per_s": len(values) / seconds,
            "errors": soak.errors[kind],
            "retried_503": soak.retried_503[kind],
        }
    return {
        "requested_minutes": minutes,
        "minutes": seconds / 60,
        "load_average": {"start": load_before, "end": os.getloadavg()[0]},
        "clients": CLIENTS,
        "mix": soak.mix,
        "long": long,
        "periodic": list(soak.periodic),
        "refused": soak.refused,
        "seed_runs": SEED_RUNS,
        "runs_registered": soak.generator.runs,
        "requests": sum(len(values) for values in soak.latencies.values()),
        "errors": sum(soak.errors.values()),
        "error_examples": soak.error_examples,
        "kinds": kinds,
        "rss": rss_figures(sampler.samples) if sampler and len(sampler.samples) >= 3 else None,
    }


def markdown(results: dict[str, Any]) -> str:
    machine, rss = results["machine"], results["rss"]

    def number(value: float) -> str:
        return report.n(value, 1)

    mix = results["mix"]
    regenerate = f"--minutes {results['requested_minutes']:g}" + (
        " --long" if results["long"] else ""
    )
    hostile = (
        f", or a hostile request ({mix['hostile']:.0%}, listed below) that must get its 4xx"
        if "hostile" in mix
        else ""
    )
    periodic = (
        [
            f"Two more clients send the heavy requests, each one every {EVERY_S:.0f} s: a "
            "whole-graph export (`export_all`, `GET /prov?scope=all&format=json`, read to the "
            f"end) and a PROV-JSON import of {LARGE_IMPORT_RECORDS:,} records (`import_large`, "
            f"`POST /prov`); every {IMPORT_OVER_LIMIT_EVERY}th import is one record over "
            "`PROVGRAPH_MAX_RECORDS` and must get `413`. In this mix a `503` that carries "
            "`Retry-After` is waited for and sent again, up to "
            f"{RETRIES_AFTER_503} times, as a client should; such waits are counted in their "
            "own column, and a request that still fails is an error.\n"
        ]
        if results["periodic"]
        else []
    )
    out = [
        "# Soak (mixed load, bounded)\n",
        f"Machine: {machine['nproc']} cores ({machine['cpu']}), {machine['ram_gib']} GiB RAM, "
        f"shared and noisy. Python {machine['python']}, Neo4j {machine.get('neo4j', '?')}, "
        f"commit `{machine['commit']}`, {machine['date']}. Regenerate with "
        f"`python benchmarks/soak.py {regenerate}`. "
        f"Load average (1 min) {results['load_average']['start']:.1f} at the start and "
        f"{results['load_average']['end']:.1f} at the end, this soak included.\n",
        f"{results['clients']} clients on loopback, each sending its next request when the "
        "last one is answered, for "
        f"{results['minutes']:.1f} min against the API as its own uvicorn process (one worker) "
        f"on a local Neo4j (512m heap). Each request is a `POST /model_run/register` "
        f"({mix['register']:.0%}), a `GET /lineage?direction=upstream|downstream&depth="
        f"{LINEAGE_DEPTH}` ({mix['lineage']:.0%}) or a `GET /explore/upstream?depth="
        f"{EXPLORE_DEPTH}` ({mix['explore_upstream']:.0%}) from a dataset of an acknowledged "
        f"run{hostile}; {results['seed_runs']} runs are registered before the clock starts and "
        f"{results['runs_registered'] - results['seed_runs']:,} during it. Latencies are "
        "client-side.\n",
        *periodic,
        "| kind | requests | per s | errors | 503 + Retry-After, sent again | p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, figures in results["kinds"].items():
        out.append(
            f"| {kind} | {figures['n']:,} | {number(figures['per_s'])} | {figures['errors']} | "
            f"{figures.get('retried_503', 0)} | {number(figures['p50_ms'])} | "
            f"{number(figures['p99_ms'])} |"
        )
    out.append(
        f"| **all** | {results['requests']:,} | "
        f"{number(results['requests'] / (results['minutes'] * 60))} | {results['errors']} "
        f"| {sum(k.get('retried_503', 0) for k in results['kinds'].values())} | | |\n"
    )
    verdict = "met" if results["errors"] == 0 else "**missed**"
    out.append(
        f"Unexpected answers (a non-2xx to a request that should succeed, another status than "
        f"the one a refused request must get, or a transport error): {results['errors']} "
        f"({verdict}).\n"
    )
    if results["refused"]:
        out += ["| refused on purpose | sent | must get |", "|---|---|---|"]
        must = {what: request[3] for what, request in hostile_requests("<dataset>")}
        must["over PROVGRAPH_MAX_RECORDS"] = {413}
        for what, sent in sorted(results["refused"].items()):
            statuses = " or ".join(str(status) for status in sorted(must[what] or ()))
            out.append(f"| {what} | {sent:,} | {statuses} |")
        out.append("")
    if "neo4j_pid" in results:
        pids = results["neo4j_pid"]
        same = "the same" if pids["start"] == pids["end"] and pids["alive"] else "**changed**"
        out.append(
            f"Neo4j's process id: {pids['start']} at the start, {pids['end']} at the end "
            f"({same}; alive at the end: {pids['alive']}).\n"
        )
    for example in results["error_examples"]:
        out.append(f"- `{example}`")
    if rss is None:
        out.append("API memory: not sampled (no pid for the API process).\n")
        return "\n".join(out)
    flat = "flat (met)" if rss["flat"] else "**not flat** (missed)"
    out += [
        "API process RSS, sampled every second:\n",
        "| start | middle | end | peak | middle third mean | last third mean | last / middle "
        "| slope | slope after the first third |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {number(rss['start_mib'])} MiB | {number(rss['middle_mib'])} MiB | "
        f"{number(rss['end_mib'])} MiB | {number(rss['peak_mib'])} MiB | "
        f"{number(rss['middle_third_mean_mib'])} MiB | {number(rss['last_third_mean_mib'])} MiB "
        f"| {rss['last_to_middle']:.3f} | {rss['slope_mib_per_min']:+.2f} MiB/min | "
        f"{rss['slope_after_warmup_mib_per_min']:+.2f} MiB/min |\n",
        f"Memory: {flat}; flat means the last third's mean within "
        f"{FLAT_WITHIN:.0%} of the middle third's (the first third is warm-up).\n",
    ]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, help="default 3, or 30 with --long")
    parser.add_argument("--long", action="store_true", help="the long mix (module docstring)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--results", type=Path, default=Path(__file__).parent / "SOAK.md")
    args = parser.parse_args()
    minutes = args.minutes or (LONG_MINUTES if args.long else 3.0)
    results: dict[str, Any] = {"machine": harness.machine()}
    with (
        harness.neo4j_server(harness.QUICK) as (uri, auth, neo4j_pid),
        harness.api_server(None, uri, auth) as (url, pid),
    ):
        health = httpx.get(f"{url}/health").json()
        results["machine"]["neo4j"] = health.get("neo4j", {}).get("version", "5.26")
        print(f"soaking {url} for {minutes} min ...", file=sys.stderr, flush=True)
        results.update(run_soak(url, minutes, pid, args.long))
        if neo4j_pid:
            # The Neo4j the soak started is not supervised: a crash would show as a new pid
            # only under `provgraph serve`; here it shows as a dead one.
            results["neo4j_pid"] = {
                "start": neo4j_pid,
                "end": listening_pid(int(uri.rsplit(":", 1)[1])),
                "alive": process_alive(neo4j_pid),
            }
    args.results.write_text(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.results}: {results['errors']} errors", file=sys.stderr)
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
