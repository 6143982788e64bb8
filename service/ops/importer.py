"""`provgraph import`: read the files, send every record to the API (a few at a time),
show progress on a terminal, and report per file and per dialect."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
from rich.console import Console
from rich.table import Table

from service.ops.api import FAILED, UNCHANGED, WRITTEN, Outcome, send
from service.ops.progress import progress_bar
from service.ops.sources import DIALECTS, Broken, Record, read_all

RESULTS = (WRITTEN, UNCHANGED, FAILED)


@dataclass
class Report:
    """What became of every record, per file and per dialect."""

    files: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    dialects: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[tuple[str, int, str]] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, record: Record | Broken, outcome: Outcome) -> None:
        dialect = record.dialect if isinstance(record, Record) else "unreadable"
        self.files[record.file][outcome.result] += 1
        self.dialects[dialect][outcome.result] += 1
        if outcome.result == FAILED:
            self.errors.append((record.file, record.line, outcome.detail))

    @property
    def failed(self) -> int:
        return sum(counts[FAILED] for counts in self.files.values())

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.files.values():
            total.update(counts)
        return total

    def as_json(self) -> dict[str, Any]:
        errors: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for file, line, message in self.errors:
            errors[file].append({"line": line, "message": message})
        return {
            "files": {
                name: {result: counts[result] for result in RESULTS} | {"errors": errors[name]}
                for name, counts in sorted(self.files.items())
            },
            "dialects": {
                name: {result: counts[result] for result in RESULTS}
                for name, counts in sorted(self.dialects.items())
            },
            "totals": {result: self.totals()[result] for result in RESULTS},
            "seconds": round(self.seconds, 3),
        }


def summary_table(report: Report) -> Table:
    table = Table(title="provgraph import", title_justify="left")
    table.add_column("dialect")
    for heading in ("records", *RESULTS):
        table.add_column(heading, justify="right")
    order = [d for d in (*DIALECTS, "unreadable") if d in report.dialects]
    for dialect in order:
        counts = report.dialects[dialect]
        table.add_row(dialect, str(sum(counts.values())), *(str(counts[r]) for r in RESULTS))
    total = report.totals()
    table.add_row("all", str(sum(total.values())), *(str(total[r]) for r in RESULTS), style="bold")
    problem_files = sum(1 for counts in report.files.values() if counts[FAILED])
    records = sum(total.values())
    rate = records / report.seconds if report.seconds else 0.0
    table.caption = (
        f"{len(report.files)} files, {problem_files} with errors; "
        f"{report.seconds:.1f} s, {rate:.1f} records/s"
    )
    return table


def import_paths(
    http: httpx.Client,
    paths: list[Path],
    *,
    jobs: int = 4,
    as_json: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> Report:
    """Import every record under `paths`. Problems are printed as `file:line: message`
    while the import runs; the progress bar shows only when standard error is a terminal."""
    out = out or sys.stdout
    errors = Console(file=err or sys.stderr, highlight=False, soft_wrap=True)
    report = Report()
    started = time.monotonic()
    items = list(read_all(paths))
    progress = progress_bar(errors, "importing", "records")

    def done(item: Record | Broken, outcome: Outcome) -> None:
        report.add(item, outcome)
        if outcome.result == FAILED:
            progress.console.print(
                f"{item.file}:{item.line}: {outcome.detail}", markup=False, highlight=False
            )
        elapsed = time.monotonic() - started
        finished = sum(report.totals().values())
        progress.update(task, advance=1, rate=f"{finished / elapsed:.1f}" if elapsed else "-")

    with progress:
        task = progress.add_task("import", total=len(items), rate="-")
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            pending: dict[Future[Outcome], Record] = {}
            for item in items:
                if isinstance(item, Broken):
                    done(item, Outcome(FAILED, item.message))
                    continue
                while len(pending) >= jobs * 2:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        done(pending.pop(future), future.result())
                pending[pool.submit(send, http, item)] = item
            for future in list(pending):
                done(pending.pop(future), future.result())
    report.seconds = time.monotonic() - started
    if as_json:
        print(json.dumps(report.as_json(), indent=2), file=out)
    else:
        Console(file=out, highlight=False).print(summary_table(report))
    return report
