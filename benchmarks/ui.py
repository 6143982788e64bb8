"""The explorer's figures: layout time of a 1,000-node lineage in the browser, and node search.

    python benchmarks/ui.py                      # ~1,000-node lineage; search on 100k nodes
    python benchmarks/ui.py --search-nodes 1000000

Starts a throwaway local Neo4j (or uses NEO4J_URI, which it empties; refused when not empty
without --may-wipe) and the API as its own uvicorn process, like run.py, and headless
Chromium (tests/browser.py finds it). Writes benchmarks/UI.md, which RESULTS.md includes.

Layout: the page opens the lineage of one dataset whose upstream holds about 1,000 nodes; the
time is from the page's request to a settled dagre layout drawn on screen (two animation
frames after the layout stopped), split into the request and the layout+drawing, and set
against the same `/lineage` request made from Python in the same run.
Search: `GET /nodes?q=` on a generated graph, against `GET /nodes/detail` (one unique-index
seek over HTTP) in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from neo4j import GraphDatabase

sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks import baselines  # noqa: E402
from benchmarks.generate import LineageGenerator, model_run_record  # noqa: E402
from benchmarks.run import QUICK, api_server, machine, neo4j_server, refuse_non_empty  # noqa: E402

OUT = Path(__file__).parent / "UI.md"
ROOT_DATASET = "10378.1/fan/result"
REPEATS = 3


def fan_in(wide: int, deep: int) -> list[dict[str, Any]]:
    """A result made by one run from `wide` datasets, each made by a run from `deep` raw
    datasets: 2 + 2*wide + wide*deep nodes, plus one shared template, study and two agents."""
    shared = {
        "template": "10378.1/fan/template",
        "modeller": "10378.1/fan/modeller",
        "organisation": "10378.1/fan/organisation",
        "study": "10378.1/fan/study",
    }
    records = []
    for i in range(wide):
        raw = [f"10378.1/fan/raw-{i}-{j}" for j in range(deep)]
        records.append(model_run_record(i + 1, raw, [f"10378.1/fan/mid-{i}"], **shared))
    middle = [f"10378.1/fan/mid-{i}" for i in range(wide)]
    records.append(model_run_record(0, middle, [ROOT_DATASET], **shared))
    return records


def register(api: httpx.Client, records: list[dict[str, Any]]) -> None:
    for start in range(0, len(records), 1000):
        batch = records[start : start + 1000]
        answer = api.post("/model_run/register_batch", json={"records": batch})
        answer.raise_for_status()
        failed = [r for r in answer.json()["results"] if not r["success"]]
        if failed:
            raise RuntimeError(f"register_batch refused records: {failed[:3]}")


def median(values: list[float]) -> float:
    return statistics.median(values)


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def layout_figures(url: str, api: httpx.Client) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.browser import WatchedPage, find_chromium

    params: dict[str, str | int] = {
        "id": ROOT_DATASET,
        "direction": "upstream",
        "depth": 10,
        "limit": 5000,
    }
    python_ms = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        answer = api.get("/lineage", params=params)
        answer.raise_for_status()
        python_ms.append((time.perf_counter() - started) * 1000)
    lineage = answer.json()
    runs: list[dict[str, float]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), headless=True)
        for _ in range(REPEATS):
            context = browser.new_context(viewport={"width": 1600, "height": 1000})
            watched = WatchedPage(context, "benchmark")
            page = watched.page
            page.goto(f"{url}/ui/#node={ROOT_DATASET}&direction=upstream&depth=10&limit=5000")
            page.wait_for_function(
                "() => document.body.dataset.state === 'error' "
                "|| (document.body.dataset.state === 'ready' && window.provgraph.state.timing)",
                timeout=300_000,
            )
            if page.evaluate("() => document.body.dataset.state") == "error":
                raise RuntimeError(f"the page failed: {page.text_content('#message')}")
            runs.append(page.evaluate("() => window.provgraph.state.timing"))
            print(f"layout run {len(runs)}: {runs[-1]}", flush=True)
            started = time.perf_counter()  # interactive: a click on the root opens its details
            page.evaluate("() => provgraph.cy.getElementById(provgraph.state.root).emit('tap')")
            page.wait_for_function("() => document.querySelector('#details dd') !== null")
            runs[-1]["tapMs"] = (time.perf_counter() - started) * 1000
            if watched.errors or watched.external:
                raise RuntimeError(f"page errors {watched.errors} requests {watched.external}")
            context.close()
        browser.close()
    total = median([r["totalMs"] for r in runs])
    return {
        "nodes": len(lineage["nodes"]),
        "edges": len(lineage["edges"]),
        "truncated": lineage["truncated"],
        "repeats": REPEATS,
        "python_lineage_ms": median(python_ms),
        "page_request_ms": median([r["requestMs"] for r in runs]),
        "layout_ms": median([r["layoutMs"] for r in runs]),
        "total_ms": total,
        "total_max_ms": max(r["totalMs"] for r in runs),
        "tap_ms": median([r["tapMs"] for r in runs]),
        "drawn_nodes": runs[-1]["nodes"],
        "drawn_edges": runs[-1]["edges"],
    }


def search_figures(api: httpx.Client, nodes: int, queries: int) -> dict[str, Any]:
    generator = LineageGenerator(prefix="10378.1/s")
    started = time.perf_counter()
    register(api, list(generator.more(nodes)))
    load_s = time.perf_counter() - started
    picker = random.Random(7)
    datasets = picker.sample(generator.datasets, queries)
    kinds = {
        "exact id": datasets,
        "id words (`dataset-123`)": [d.rsplit("/", 1)[1] for d in datasets],
        "id prefix (`dataset-12`)": [d.rsplit("/", 1)[1][:-1] for d in datasets],
        "label words (`benchmark run 123`)": [
            f"benchmark run {picker.randrange(generator.runs)}" for _ in range(queries)
        ],
        "attribute text (`species3`)": [f"species{picker.randrange(7)}" for _ in range(queries)],
    }
    figures: dict[str, Any] = {"nodes": nodes, "load_s": load_s, "queries": queries, "rows": {}}
    for name, texts in kinds.items():
        times, hits = [], []
        for text in texts:
            t0 = time.perf_counter()
            answer = api.get("/nodes", params={"q": text, "limit": 20})
            times.append((time.perf_counter() - t0) * 1000)
            answer.raise_for_status()
            hits.append(len(answer.json()["nodes"]))
        found = median([float(hit) for hit in hits])
        figures["rows"][name] = {"p50": median(times), "p99": p99(times), "hits": found}
    seeks = []
    for dataset in datasets:
        t0 = time.perf_counter()
        api.get("/nodes/detail", params={"id": dataset}).raise_for_status()
        seeks.append((time.perf_counter() - t0) * 1000)
    figures["detail_p50"] = median(seeks)
    figures["detail_p99"] = p99(seeks)
    return figures


def markdown(layout: dict[str, Any], search: dict[str, Any] | None, about: dict[str, Any]) -> str:
    out = [
        "# Explorer benchmark (`benchmarks/ui.py`)\n",
        f"Machine: {about['nproc']} cores ({about['cpu']}), shared and noisy; commit "
        f"`{about['commit']}`, {about['date']}, load average (1 min) {about['load']:.1f} at "
        "the end. Headless Chromium on the same machine.\n",
        f"**Layout**: a lineage of {layout['nodes']:,} nodes and {layout['edges']:,} relations "
        f"(upstream of one dataset, truncated: {str(layout['truncated']).lower()}), opened "
        f"{layout['repeats']} times in a fresh page; medians.\n",
        "| step | ms |",
        "|---|---|",
        f"| page: `/lineage` request and JSON | {layout['page_request_ms']:,.0f} |",
        f"| page: add {layout['drawn_nodes']:,} nodes / {layout['drawn_edges']:,} edges, "
        f"dagre layout, drawn | {layout['layout_ms']:,.0f} |",
        f"| **request to settled, drawn layout** (max of {layout['repeats']}: "
        f"{layout['total_max_ms']:,.0f}) | **{layout['total_ms']:,.0f}** |",
        f"| then a tap on a node to its details shown | {layout['tap_ms']:,.0f} |",
        f"| same `/lineage` from Python (baseline, same run) | "
        f"{layout['python_lineage_ms']:,.0f} |",
        "",
        f"Request to a settled, drawn layout: "
        f"{layout['total_ms'] / layout['python_lineage_ms']:.1f}× the bare `/lineage` request. "
        "The tap line is when the page first answers a click (in this run the page stayed "
        "busy long after the layout settled; why is not yet known).\n",
    ]
    if not search:
        out.append("**Search**: not measured in this run (`--search-nodes`).\n")
    else:
        out += [
            f"**Search**: `GET /nodes?q=&limit=20` on a generated graph of {search['nodes']:,} "
            f"nodes (loaded in {search['load_s']:.0f} s), {search['queries']} queries per row, "
            f"one client; baseline `GET /nodes/detail` (unique-index seek) p50 "
            f"{search['detail_p50']:.1f} ms, p99 {search['detail_p99']:.1f} ms.\n",
            "| query | hits (median) | p50 ms | p99 ms | p50 / detail p50 |",
            "|---|---|---|---|---|",
        ]
        for name, row in search["rows"].items():
            out.append(
                f"| {name} | {row['hits']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | "
                f"{row['p50'] / search['detail_p50']:.1f}× |"
            )
        out.append("")
    return "\n".join(out)


def about() -> dict[str, Any]:
    return {**machine(), "load": os.getloadavg()[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--search-nodes", type=int, default=100_000, help="0: no search run")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--may-wipe", action="store_true", help="NEO4J_URI may hold data")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with (
        neo4j_server(QUICK) as (uri, auth, _),
        GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF") as driver,
    ):
        refuse_non_empty(driver, args.may_wipe)
        with driver.session() as session:
            for name in ("wipe_relationships", "wipe"):
                session.run(baselines.statement(name)).consume()
        with (
            api_server(None, uri, auth) as (url, _),
            httpx.Client(base_url=url, timeout=600) as api,
        ):
            register(api, fan_in(wide=30, deep=31))
            layout = layout_figures(url, api)
            print(layout, flush=True)
            OUT.write_text(markdown(layout, None, about()))  # kept if the search phase fails
            if args.search_nodes:
                search = search_figures(api, args.search_nodes, args.queries)
                OUT.write_text(markdown(layout, search, about()))
    print(OUT.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
