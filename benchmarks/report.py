"""The figures of one run as benchmarks/RESULTS.md: tables, ratios, and every target's verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def n(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def x(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}×" if value < 10 else f"{value:,.0f}×"


def cpu(used: dict[str, float]) -> str:
    """CPU milliseconds per run of each process (the client is this benchmark)."""
    return ", ".join(f"{name} {value:.1f}" for name, value in used.items())


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows]) + "\n"


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else "met" if met else "**missed**"


def size_name(nodes: str | int) -> str:
    value = int(nodes)
    return f"{value // 1_000_000}M" if value >= 1_000_000 else f"{value // 1000}k"


def workers(results: dict[str, Any]) -> str:
    count = results.get("api_workers", 1)
    return "one worker" if count == 1 else f"{count} worker processes"


def markdown(results: dict[str, Any]) -> str:
    plan, machine = results["plan"], results["machine"]
    out = [
        f"# Benchmark results ({plan['name']} run)\n",
        f"Machine: {machine['nproc']} cores ({machine['cpu']}), {machine['ram_gib']} GiB RAM, "
        f"shared and noisy. Python {machine['python']}, Neo4j {machine.get('neo4j', '?')} "
        f"(heap {plan['heap']}, page cache {plan['pagecache']} unless overridden), commit "
        f"`{machine['commit']}`, {machine['date']}; the run took {results['minutes']:.1f} min. "
        "Regenerate with `python benchmarks/run.py` (`--quick` for this reduced set).\n",
        "Absolute numbers on this machine vary by tens of percent between runs; the ratios are "
        "measured in the same run on the same records and are what to compare. Medians "
        "(p50) and p99 are of per-request client-side latencies over HTTP on loopback; "
        f"the API runs as its own uvicorn process ({workers(results)}).\n",
    ]
    if results.get("routes_missing"):
        missing = ", ".join(f"`{route}`" for route in results["routes_missing"])
        out.append(f"Not measured: {missing} did not exist yet in this build.\n")
    targets: list[list[str]] = []
    if "ingestion" in results:
        out.append(ingestion(results["ingestion"], targets))
    growth = results.get("growth", {})
    sizes = [key for key in growth if key.isdigit()]
    phases = ", ".join(
        f"{name} {results[name]['minutes']:.1f}"
        for name in ("ingestion", "diamonds", "growth", "openlineage")
        if name in results
    )
    out[1] = out[1].replace(" min. ", f" min ({phases}). ", 1)
    if "single" in growth:
        out.append(single(growth["single"], targets))
    if sizes:
        out.append(growth_batch(growth, sizes))
    if sizes and "lineage" in growth[sizes[0]]:
        out.append(lineage(growth, sizes, plan, targets))
    if "diamonds" in results:
        out.append(diamonds(results["diamonds"], targets))
    if sizes and "export" in growth[sizes[0]]:
        out.append(export(growth, sizes, targets))
    if "openlineage" in results:
        out.append(openlineage(results["openlineage"], targets))
    out.insert(3, "## Targets\n\n" + table(["target", "measured", "verdict"], targets))
    out.append(soak())
    out.append(explorer())
    return "\n".join(out)


def soak(path: Path = Path(__file__).parent / "SOAK.md") -> str:
    """The latest soak's own report (benchmarks/soak.py writes it), under a heading here."""
    if not path.exists():
        return "## Soak\n\nNot run yet: `python benchmarks/soak.py --minutes 3`.\n"
    body = path.read_text().split("\n", 1)[1]
    return "## Soak (mixed load, bounded; from `benchmarks/SOAK.md`)\n" + body


def explorer(path: Path = Path(__file__).parent / "UI.md") -> str:
    """The explorer's own report (benchmarks/ui.py writes it), under a heading here."""
    if not path.exists():
        return "## Explorer\n\nNot run yet: `python benchmarks/ui.py`.\n"
    body = path.read_text().split("\n", 1)[1]
    return "## Explorer: layout in the browser and node search (from `benchmarks/UI.md`)\n" + body


def ingestion(figures: dict[str, Any], targets: list[list[str]]) -> str:
    batch = figures["register_batch_runs_per_s"]
    targets += [
        ["batch ≥ 5,000 runs/s", f"{n(batch)} runs/s", verdict(batch >= 5000)],
        ["batch ≥ 0.8× raw driver", x(figures["ratio_to_raw_driver"]),
         verdict(figures["ratio_to_raw_driver"] >= 0.8)],
        ["batch ≥ 50× per-statement", x(figures["ratio_to_per_statement"]),
         verdict(figures["ratio_to_per_statement"] >= 50)],
    ]
    used = figures["cpu_ms_per_run"]
    rows = [
        ["`POST /model_run/register_batch` (HTTP, 1000 records a request, 2 in flight)",
         n(batch), "1.00×", cpu(used["register_batch"])],
        ["raw driver: batched `UNWIND … CREATE`, 500 runs a transaction (ceiling)",
         n(figures["raw_driver_runs_per_s"]), x(1 / figures["ratio_to_raw_driver"]),
         cpu(used["raw_driver"])],
        [f"per statement: one auto-committed MERGE per node and relation "
         f"({figures['per_statement_runs']} runs)", n(figures["per_statement_runs_per_s"]),
         x(1 / figures["ratio_to_per_statement"]), "–"],
    ]
    return (
        f"## Batch registration\n\n{figures['runs']:,} Provena runs ({figures['nodes']:,} nodes) "
        f"written from an empty database; median of {len(figures['rounds']['raw_driver'])} "
        "alternated rounds for register_batch and the raw driver. The baselines write "
        "straight through the driver from the benchmark process (no HTTP, no JSON, no "
        "checks), which is generous to them. CPU ms per run: CPU time each process used "
        "during the last round divided by the runs (Neo4j's includes its idle background "
        "work, about 35 ms per second here).\n\n"
        + table(["writer", "runs/s", "relative to register_batch", "CPU ms per run"], rows)
    )


def single(figures: dict[str, Any], targets: list[list[str]]) -> str:
    concurrent = figures["concurrent"]
    targets += [
        ["single p50 ≤ 5 ms (16 clients)", f"{n(concurrent['p50_ms'], 1)} ms",
         verdict(concurrent["p50_ms"] <= 5)],
        ["single p99 ≤ 25 ms (16 clients)", f"{n(concurrent['p99_ms'], 1)} ms",
         verdict(concurrent["p99_ms"] <= 25)],
    ]
    raw = figures.get("raw_one_tx_per_run")
    if raw:
        targets += [
            ["single ≥ 0.5× raw one-tx-per-run (16 clients)", x(figures["ratio_to_raw"]),
             verdict(figures["ratio_to_raw"] >= 0.5)],
            ["single p99 ≤ 4× its p50 (16 clients)",
             x(concurrent["p99_ms"] / concurrent["p50_ms"]),
             verdict(concurrent["p99_ms"] <= 4 * concurrent["p50_ms"])],
            ["FAIR-DP ≥ 0.4× raw one-tx-per-run (16 clients)", x(figures["fairdp_ratio_to_raw"]),
             verdict(figures["fairdp_ratio_to_raw"] >= 0.4)],
        ]
    shown = [figures["one_client"], concurrent, figures["fairdp"]]
    rows = [
        [f"`POST {f['path']}`", str(f["clients"]), n(f["n"]), n(f["runs_per_s"]),
         x(f["runs_per_s"] / raw["runs_per_s"]) if raw else "–",
         n(f["p50_ms"], 1), n(f["p99_ms"], 1), cpu(f["cpu_ms_per_run"])]
        for f in shown
    ]
    if raw:
        rows.append(
            ["raw driver: one transaction per run, 16 sessions (ceiling)", str(raw["clients"]),
             n(raw["n"]), n(raw["runs_per_s"]), "1.00×", n(raw["p50_ms"], 1),
             n(raw["p99_ms"], 1), cpu(raw["cpu_ms_per_run"])]
        )
    return (
        f"## Single registration\n\nOne record a request, on the grown graph "
        f"({figures['graph_nodes']:,} nodes); the FAIR-DP code runs are the same runs in "
        "FAIR-DP's format. The ceiling writes other runs of the same shape straight through "
        "the driver, one transaction per run (the raw statements, nodes MERGEd as two runs "
        "in flight may share one), its latency per transaction.\n\n"
        + table(["route", "clients", "requests", "runs/s", "relative to the ceiling",
                 "p50 ms", "p99 ms", "CPU ms per run"], rows)
    )


def growth_batch(growth: dict[str, Any], sizes: list[str]) -> str:
    rows = [
        [size_name(size), n(growth[size]["graph"]["nodes"]), n(growth[size]["graph"]["edges"]),
         n(growth[size]["runs"]), n(growth[size]["register_batch_runs_per_s"])]
        for size in sizes
    ]
    return (
        "## Graphs\n\nOne graph grown with register_batch (runs/s of each step).\n\n"
        + table(["graph", "nodes", "relations", "runs", "register_batch runs/s"], rows)
    )


def lineage(
    growth: dict[str, Any], sizes: list[str], plan: dict[str, Any], targets: list[list[str]]
) -> str:
    rows = []
    for direction in ("upstream", "downstream"):
        for depth in (2, 5, 10):
            for size in sizes:
                f = growth[size]["lineage"][f"{direction}_{depth}"]
                paths = f["path_enumeration"]
                timeouts = f["path_enumeration_timeouts"]
                rows.append([
                    direction, str(depth), size_name(size), n(f["median_nodes"]),
                    n(f["p50_ms"], 1), n(f["p99_ms"], 1),
                    (f"{n(paths['p50_ms'], 1)} ms" if paths else "–")
                    + (f" ({timeouts} > {plan['timeout_s']:.0f} s)" if timeouts else ""),
                    x(paths["p50_ms"] / f["p50_ms"]) if paths else "–",
                ])
    largest, smallest = sizes[-1], sizes[0]
    worst = max(growth[largest]["lineage"][f"{d}_10"]["p99_ms"] for d in ("upstream", "downstream"))
    ratio = max(
        growth[largest]["lineage"][f"{d}_10"]["p99_ms"]
        / growth[smallest]["lineage"][f"{d}_10"]["p99_ms"]
        for d in ("upstream", "downstream")
    )
    label = size_name(largest)
    targets += [
        [f"lineage depth 10 p99 ≤ 50 ms on 1M (here: {label})", f"{n(worst, 1)} ms",
         verdict(worst <= 50) + ("" if label == "1M" else " (not on 1M)")],
        [f"lineage growth {size_name(smallest)}→1M ≤ 1.5× (here: →{label})", x(ratio),
         verdict(ratio <= 1.5) + ("" if label == "1M" else " (not on 1M)")],
    ]
    return (
        f"## Lineage\n\n`GET /lineage?id=&direction=&depth=` from {plan['lineage_queries']} "
        "random chain ends (upstream) or chain starts (downstream) per row, one client; path "
        "enumeration (`MATCH p=(s)-[:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|WAS_INFORMED_BY"
        f"*1..d]->(x) RETURN p`, de-duplicated in Python, straight through the driver) from "
        f"the first {plan['path_queries']} of them. Growth {size_name(smallest)}→{label} of "
        f"the depth-10 p99: {x(ratio)}.\n\n"
        + table(["direction", "depth", "graph", "nodes found", "p50 ms", "p99 ms",
                 "path enumeration p50", "path enum. / lineage"], rows)
    )


def diamonds(figures: dict[str, Any], targets: list[list[str]]) -> str:
    rows = []
    for levels, f in ((k, v) for k, v in figures.items() if k.isdigit()):
        timed_out = f["path_enumeration_s"] is None
        rows.append([
            levels, str(f["depth"]), n(f["lineage_nodes"]), n(f["lineage"]["p50_ms"], 1),
            n(f["lineage"]["p99_ms"], 1),
            f"> {f['timeout_s']:.0f} s (timeout)" if timed_out
            else f"{n(f['path_enumeration_s'] * 1000, 1)} ms",
            ("≥ " if timed_out else "") + x(f["ratio"]),
        ])
    if "20" in figures:
        f = figures["20"]
        shown = ("≥ " if f["path_enumeration_s"] is None else "") + x(f["ratio"])
        met = f["ratio"] >= 100
        targets.append([
            "20 diamonds ≥ 100× path enumeration", shown,
            verdict(met) if met or f["path_enumeration_s"] is not None
            else f"not shown: path enumeration was stopped at {f['timeout_s']:.0f} s",
        ])
    return (
        "## Stacked diamonds\n\nEach level: a run turns D_k into X_k and Y_k, a second run "
        "joins them into D_k+1, so 2^levels paths lead from the top to D_0. Upstream from the "
        "top at depth 4 × levels (to the bottom).\n\n"
        + table(["levels", "depth", "nodes found", "lineage p50 ms", "lineage p99 ms",
                 "path enumeration", "path enum. / lineage p50"], rows)
    )


def export(growth: dict[str, Any], sizes: list[str], targets: list[list[str]]) -> str:
    rows = []
    for fmt, name, target in (("provn", "PROV-N", 50_000), ("json", "PROV-JSON", 30_000)):
        for size in sizes:
            service = growth[size]["export"][fmt]["service"]
            package = growth[size]["export"][fmt]["prov_package"]
            first_byte = service.get("first_byte_s")
            rows.append([
                name, size_name(size), n(service["records"]), n(service["records_per_s"]),
                "–" if first_byte is None else f"{first_byte * 1000:,.0f}",
                n(service.get("peak_rss_mib")), n(package["records_per_s"]),
                n(package["peak_rss_mib"]), x(service["records_per_s"] / package["records_per_s"]),
            ])
        largest = growth[sizes[-1]]["export"][fmt]["service"]
        smallest = growth[sizes[0]]["export"][fmt]["service"]
        package = growth[sizes[-1]]["export"][fmt]["prov_package"]
        rate = largest["records_per_s"]
        targets.append([f"export {name} ≥ {target:,} records/s ({size_name(sizes[-1])})",
                        n(rate), verdict(rate >= target)])
        versus = rate / package["records_per_s"]
        targets.append([f"export {name} ≥ 1.5× the prov package alone ({size_name(sizes[-1])})",
                        x(versus), verdict(versus >= 1.5)])
        if largest.get("first_byte_s") is not None:
            first = largest["first_byte_s"]
            targets.append([f"export {name} first byte of the whole graph ≤ 1 s "
                            f"({size_name(sizes[-1])})", f"{first * 1000:,.0f} ms",
                            verdict(first <= 1.0)])
        if "peak_rss_mib" in largest:
            growth_ratio = largest["peak_rss_mib"] / smallest["peak_rss_mib"]
            targets.append([
                f"export {name} flat memory (peak RSS {size_name(sizes[-1])} ≤ 1.25× "
                f"{size_name(sizes[0])})", x(growth_ratio), verdict(growth_ratio <= 1.25),
            ])
    return (
        "## Export\n\n`GET /prov?scope=all&format=provn|json`, streamed and read to the end; "
        "PROV records = nodes + relations; first byte: from the request to the first block "
        "of the body. Server peak RSS is the uvicorn process's VmHWM "
        "(reset before each export). The prov package builds and serialises the same "
        "document from the same generator records in a process of its own (its RSS includes "
        "the records themselves).\n\n"
        + table(["format", "graph", "PROV records", "records/s", "first byte ms",
                 "server peak RSS MiB",
                 "prov package records/s", "prov package peak RSS MiB",
                 "service / prov package"], rows)
    )


def _dataset_lineage(found: dict[str, Any], small: dict[str, Any] | None) -> list[list[str]]:
    rows = []
    for direction in ("upstream", "downstream"):
        for depth in (2, 4):
            big = found.get(f"{direction}_{depth}")
            if not big:
                continue
            row = [direction, str(depth), n(big["p50_ms"], 1), n(big["p99_ms"], 1),
                   n(big["median_nodes"])]
            little = (small or {}).get(f"{direction}_{depth}")
            if little:
                row += [n(little["p50_ms"], 1), x(big["p50_ms"] / little["p50_ms"]),
                        x(big["p99_ms"] / little["p99_ms"])]
            rows.append(row)
    return rows


def openlineage(figures: dict[str, Any], targets: list[list[str]]) -> str:
    ratio = figures["ratio_to_register_batch"]
    targets.append(
        ["OpenLineage ≥ 0.5× register_batch (PROV nodes + relations per second)", x(ratio),
         verdict(ratio >= 0.5)]
    )
    batch = figures["register_batch_size"]
    batch_cpu = figures.get("register_batch_cpu_ms_per_run")
    rows = [
        ["`POST /model_run/register_batch` (1000 records a request, 2 in flight)",
         f"{figures['register_batch_runs']:,} runs", n(figures["register_batch_runs_per_s"]) +
         " runs/s", f"{batch['nodes']:,} + {batch['edges']:,}",
         n(figures["register_batch_elements_per_s"]), "1.00×",
         f"{cpu(batch_cpu)} per run" if batch_cpu else "–"],
    ]
    for timed in figures.get("timed") or [figures]:
        timed_size = timed["size"]
        rows.append(
            [f"`POST /api/v1/lineage`, one event a request, {timed.get('clients', 16)} emitters",
             f"{timed['runs']:,} START+COMPLETE pairs", n(timed["events_per_s"]) + " events/s",
             f"{timed_size['nodes']:,} + {timed_size['edges']:,}", n(timed["elements_per_s"]),
             x(timed["ratio_to_register_batch"]),
             f"{cpu(timed['cpu_ms_per_event'])} per event"]
        )
    grown, small, load = figures["grown"], figures.get("small"), figures.get("load", {})
    loads = ", ".join(f"{name} {value:.1f}" for name, value in load.items())
    out = (
        "## OpenLineage ingestion\n\nEach run is a START and a COMPLETE event with 2 inputs "
        "and 2 outputs (daily jobs: every run writes a new version of its job's two tables), "
        "posted one event a request (benchmarks/emitters.py: each emitter sends a run's START, "
        "waits for the answer, then its COMPLETE, on its own keep-alive HTTP/1.1 connection); "
        "register_batch writes Provena records of the same run, on an emptied database, in the "
        "same run. Written elements are PROV nodes + relations counted in the graph "
        "afterwards. CPU ms: what each process used while the row was measured, divided by "
        "its runs or events."
        + (f" Load average (1 min): {loads}." if loads else "")
        + "\n\n"
        + table(["writer", "written", "rate", "nodes + relations", "elements/s",
                 "relative to register_batch", "CPU ms"], rows)
    )
    latencies = [
        f"{timed['clients']} emitters p50 {n(timed['event_latency']['p50_ms'], 1)} ms, p99 "
        f"{n(timed['event_latency']['p99_ms'], 1)} ms"
        for timed in figures.get("timed", [])
    ]
    if latencies:
        out += "\nPer event request (client side): " + "; ".join(latencies) + ".\n"
    header = ["direction", "depth", "p50 ms", "p99 ms", "median nodes"]
    if small:
        header += [f"p50 ms at {small['nodes']:,} nodes", "p50 growth", "p99 growth"]
        out += (f"\nLineage by dataset name (`/lineage?id=<table>`, through its versions) on a "
                f"graph OpenLineage events alone wrote: {grown['nodes']:,} nodes, "
                f"{grown['edges']:,} relations, {grown['runs']:,} runs; beside it the same "
                f"queries on the {small['nodes']:,}-node graph the timed events wrote (same run, "
                "same tables' kind), and the growth between the two.\n\n")
        return out + table(header, _dataset_lineage(grown["lineage"], small["lineage"]))
    lineage_rows = [
        [direction, str(depth), n(found["p50_ms"], 1), n(found["p99_ms"], 1),
         n(found["median_nodes"])]
        for direction in ("upstream", "downstream")
        for depth in (2, 4)
        if (found := figures.get(f"lineage_{direction}_{depth}"))
    ]
    return (
        out
        + f"\nLineage by dataset name (`/lineage?id=<table>`, through its versions) on a graph "
        f"OpenLineage events alone wrote: {grown['nodes']:,} nodes, {grown['edges']:,} "
        f"relations, {grown['runs']:,} runs.\n\n"
        + table(header, lineage_rows)
    )
