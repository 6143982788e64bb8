"""The explorer's figures: a 1,000-node lineage laid out and interactive in the browser, and
node search.

    python benchmarks/ui.py                          # both phases; search on 100k nodes
    python benchmarks/ui.py --search-nodes 1000000   # search on a 1M-node graph
    python benchmarks/ui.py --phases layout          # one phase; the other's last figures kept

Starts a throwaway local Neo4j (or uses NEO4J_URI, which it empties; refused when not empty
without --may-wipe) and the API as its own uvicorn process, like run.py, and headless
Chromium (tests/browser.py finds it). Each phase's figures, with the machine and load they
were measured under, go to benchmarks/ui.json; benchmarks/UI.md (which RESULTS.md includes)
is written from it, so a phase run alone keeps the other's last figures.

Layout: the page opens the lineage of one dataset whose upstream holds about 1,000 nodes; the
time is from the page's request to a settled dagre layout drawn on screen (two animation
frames after the layout stopped), split into the request and the layout+drawing, and set
against the same `/lineage` request made from Python in the same run. As soon as the page
says it is ready, a real mouse click on a far node (a raw input) must show that node's
details: request to that answer is "interactive"; the main thread's long tasks (over 50 ms,
the browser's own Long Tasks API) between ready and the answer say what kept it busy.
Search: `GET /nodes?q=` on a generated graph, against `GET /nodes/detail` (one unique-index
seek over HTTP) in the same run. The search graph is written with the benchmarks' raw batched
writer (`baselines.raw_load`: the same nodes, relations, records and ASSERTS links the
service stores, plain UNWIND ... CREATE) because search reads what is stored, and a 1M-node
graph through the full service writer takes too long on a shared 2-core machine;
`--search-load register_batch` writes it through the service instead.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from neo4j import Driver, GraphDatabase

sys.path[0] = str(Path(__file__).resolve().parents[1])

import cypher  # noqa: E402
from benchmarks import baselines  # noqa: E402
from benchmarks.generate import LineageGenerator, model_run_record  # noqa: E402
from benchmarks.run import QUICK, api_server, machine, neo4j_server, refuse_non_empty  # noqa: E402

OUT = Path(__file__).parent / "UI.md"
FIGURES = Path(__file__).parent / "ui.json"
# UI.md below this line is written by hand (what the figures mean) and kept on each run.
NOTES = "<!-- notes below are kept by benchmarks/ui.py -->"
ROOT_DATASET = "10378.1/fan/result"
REPEATS = 3
# Long tasks (the browser's Long Tasks API), collected from the page's first moment on.
WATCH_LONG_TASKS = """
window.longTasks = [];
new PerformanceObserver(list => {
  for (const task of list.getEntries()) window.longTasks.push([task.startTime, task.duration]);
}).observe({type: "longtask", buffered: true});
"""


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


def click_far_node(page: Any) -> str:
    """A real mouse click on the drawn node farthest from the root that is on screen, then
    its details shown; returns its id."""
    node_id, x, y = page.evaluate(
        """() => {
            const cy = provgraph.cy;
            const box = cy.container().getBoundingClientRect();
            const onScreen = n => {
                const at = n.renderedPosition();
                return at.x > 5 && at.y > 5 && at.x < box.width - 5 && at.y < box.height - 5;
            };
            const far = cy.nodes().filter(onScreen).sort(
                (a, b) => (b.data("distance") ?? -1) - (a.data("distance") ?? -1))[0];
            const at = far.renderedPosition();
            return [far.id(), box.left + at.x, box.top + at.y];
        }"""
    )
    page.mouse.click(x, y)
    # Whatever the click landed on: a miss must fail here, not wait for the wrong node.
    page.wait_for_function(
        "() => provgraph.state.shown && provgraph.state.shown.id !== provgraph.state.root",
        timeout=600_000,
        polling=50,
    )
    landed = page.evaluate("() => provgraph.state.shown.id")
    if landed != node_id:
        raise RuntimeError(f"a click on {node_id} where it is drawn opened {landed}")
    return str(node_id)


def open_once(browser: Any, url: str) -> dict[str, float]:
    """One fresh page: the drawing's timing, then the first click's answer."""
    from tests.browser import WatchedPage

    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.add_init_script(WATCH_LONG_TASKS)
    watched = WatchedPage(context, "benchmark")
    page = watched.page
    page.goto(f"{url}/ui/#node={ROOT_DATASET}&direction=upstream&depth=10&limit=5000")
    page.wait_for_function(
        "() => document.body.dataset.state === 'error' "
        "|| (document.body.dataset.state === 'ready' && window.provgraph.state.timing)",
        timeout=600_000,
        polling=50,
    )
    if page.evaluate("() => document.body.dataset.state") == "error":
        raise RuntimeError(f"the page failed: {page.text_content('#message')}")
    started = time.perf_counter()
    click_far_node(page)
    run: dict[str, float] = page.evaluate(
        """() => {
            const timing = provgraph.state.timing;
            const settled = timing.startedAt + timing.totalMs;
            const after = window.longTasks.filter(([start]) => start >= settled - 1);
            return {
                ...timing,
                interactiveMs: provgraph.state.shown.at - timing.startedAt,
                busyAfterMs: after.reduce((sum, [, duration]) => sum + duration, 0),
                longestAfterMs: Math.max(0, ...after.map(([, duration]) => duration)),
            };
        }"""
    )
    run["clickMs"] = (time.perf_counter() - started) * 1000
    if watched.errors or watched.external:
        raise RuntimeError(f"page errors {watched.errors} requests {watched.external}")
    context.close()
    return run


def layout_figures(url: str, api: httpx.Client) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

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
        browser = launch(playwright)
        for _ in range(REPEATS):
            runs.append(open_once(browser, url))
            print(f"layout run {len(runs)}: {runs[-1]}", flush=True)
        browser.close()
    return {
        "nodes": len(lineage["nodes"]),
        "edges": len(lineage["edges"]),
        "truncated": lineage["truncated"],
        "repeats": REPEATS,
        "python_lineage_ms": median(python_ms),
        "page_request_ms": median([r["requestMs"] for r in runs]),
        "layout_ms": median([r["layoutMs"] for r in runs]),
        "total_ms": median([r["totalMs"] for r in runs]),
        "total_max_ms": max(r["totalMs"] for r in runs),
        "click_ms": median([r["clickMs"] for r in runs]),
        "interactive_ms": median([r["interactiveMs"] for r in runs]),
        "interactive_max_ms": max(r["interactiveMs"] for r in runs),
        "busy_after_ms": median([r["busyAfterMs"] for r in runs]),
        "longest_after_ms": max(r["longestAfterMs"] for r in runs),
        "drawn_nodes": runs[-1]["nodes"],
        "drawn_edges": runs[-1]["edges"],
        "about": about(),
    }


def search_figures(
    api: httpx.Client, driver: Driver, nodes: int, queries: int, load: str
) -> dict[str, Any]:
    generator = LineageGenerator(prefix="10378.1/s")
    started = time.perf_counter()
    if load == "raw":
        baselines.raw_load(driver, generator.more(nodes))
    else:
        register(api, list(generator.more(nodes)))
    load_s = time.perf_counter() - started
    with driver.session() as session:
        session.run(cypher.load("admin/await_indexes")).consume()
    print(f"search graph of {generator.nodes:,} nodes written in {load_s:.0f} s", flush=True)
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
    figures: dict[str, Any] = {
        "nodes": nodes,
        "load": load,
        "load_s": load_s,
        "queries": queries,
        "rows": {},
    }
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
    figures["about"] = about()
    return figures


def machine_line(about: dict[str, Any]) -> str:
    return (
        f"{about['nproc']} cores ({about['cpu']}), shared; commit `{about['commit']}`, "
        f"{about['date']}, load average (1 min) {about['load']:.1f} at the end of the phase"
    )


def layout_markdown(layout: dict[str, Any]) -> list[str]:
    baseline = layout["python_lineage_ms"]
    return [
        f"**Layout** ({machine_line(layout['about'])}): a lineage of {layout['nodes']:,} nodes "
        f"and {layout['edges']:,} relations (upstream of one dataset, truncated: "
        f"{str(layout['truncated']).lower()}), opened {layout['repeats']} times in a fresh "
        "page; medians.\n",
        "| step | ms | / bare `/lineage` |",
        "|---|---|---|",
        f"| page: `/lineage` request and JSON | {layout['page_request_ms']:,.0f} | "
        f"{layout['page_request_ms'] / baseline:.1f}× |",
        f"| page: add {layout['drawn_nodes']:,} nodes / {layout['drawn_edges']:,} edges, "
        f"dagre layout, drawn | {layout['layout_ms']:,.0f} | "
        f"{layout['layout_ms'] / baseline:.1f}× |",
        f"| **request to settled, drawn layout** (max of {layout['repeats']}: "
        f"{layout['total_max_ms']:,.0f}) | **{layout['total_ms']:,.0f}** | "
        f"**{layout['total_ms'] / baseline:.1f}×** |",
        f"| **request to interactive**: a click on a far node, clicked as soon as the page "
        f"is ready, has its details shown (max of {layout['repeats']}: "
        f"{layout['interactive_max_ms']:,.0f}) | **{layout['interactive_ms']:,.0f}** | "
        f"**{layout['interactive_ms'] / baseline:.1f}×** |",
        f"| of which the click itself, as the benchmark saw it | {layout['click_ms']:,.0f} | "
        f"{layout['click_ms'] / baseline:.1f}× |",
        f"| main thread in long tasks between ready and that answer (longest task: "
        f"{layout['longest_after_ms']:,.0f}) | {layout['busy_after_ms']:,.0f} | "
        f"{layout['busy_after_ms'] / baseline:.1f}× |",
        f"| same `/lineage` from Python (baseline, same run) | {baseline:,.0f} | 1.0× |",
        "",
    ]


def search_markdown(search: dict[str, Any]) -> list[str]:
    writer = (
        "the benchmarks' raw batched writer (`baselines.raw_load`)"
        if search["load"] == "raw"
        else "`register_batch`"
    )
    out = [
        f"**Search** ({machine_line(search['about'])}): `GET /nodes?q=&limit=20` on a "
        f"generated graph of {search['nodes']:,} nodes (written by {writer} in "
        f"{search['load_s']:,.0f} s), {search['queries']} queries per row, one client; "
        f"baseline `GET /nodes/detail` (a unique-index seek over HTTP) in the same run: p50 "
        f"{search['detail_p50']:.1f} ms, p99 {search['detail_p99']:.1f} ms.\n",
        "| query | hits (median) | p50 ms | p99 ms | p50 / detail p50 | p99 / detail p99 |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in search["rows"].items():
        out.append(
            f"| {name} | {row['hits']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | "
            f"{row['p50'] / search['detail_p50']:.1f}× | "
            f"{row['p99'] / search['detail_p99']:.1f}× |"
        )
    out.append("")
    return out


def markdown(figures: dict[str, Any], notes: str = "") -> str:
    out = ["# Explorer benchmark (`benchmarks/ui.py`)\n"]
    out += (
        layout_markdown(figures["layout"])
        if "layout" in figures
        else ["**Layout**: not measured yet (`--phases layout`).\n"]
    )
    out += (
        search_markdown(figures["search"])
        if "search" in figures
        else ["**Search**: not measured yet (`--phases search`).\n"]
    )
    out.append(
        "The machine is shared (other builds, tests and benchmarks run on it): absolute times "
        "move with its load, so each figure is set against a baseline measured in the same "
        "phase of the same run.\n"
    )
    if notes:
        out.append(notes)
    return "\n".join(out)


def about() -> dict[str, Any]:
    return {**machine(), "load": os.getloadavg()[0]}


def save(phase: str, measured: dict[str, Any]) -> None:
    """This phase's figures into ui.json (re-read, so a run of the other phase meanwhile is
    kept), then UI.md from all of them."""
    figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    figures[phase] = measured
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n")
    previous = OUT.read_text() if OUT.exists() else ""
    notes = NOTES + previous.split(NOTES, 1)[1] if NOTES in previous else ""
    OUT.write_text(markdown(figures, notes))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phases", default="layout,search", help="layout, search or both")
    parser.add_argument("--search-nodes", type=int, default=100_000)
    parser.add_argument("--search-load", choices=["raw", "register_batch"], default="raw")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--may-wipe", action="store_true", help="NEO4J_URI may hold data")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    if not phases or phases - {"layout", "search"}:
        parser.error("--phases takes layout, search or layout,search")
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
            if "layout" in phases:
                register(api, fan_in(wide=30, deep=31))
                layout = layout_figures(url, api)
                print(layout, flush=True)
                save("layout", layout)  # kept if the search phase fails
            if "search" in phases:
                save(
                    "search",
                    search_figures(api, driver, args.search_nodes, args.queries, args.search_load),
                )
    print(OUT.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
