"""Seeded OpenLineage runs for the benchmarks: START + COMPLETE pairs, 2 inputs, 2 outputs.

Daily jobs, as pipelines have them: each job writes its own two tables on every run (so
tables gather versions, one per run), reads two tables that other jobs write (or a fresh
landing file), and runs once a "day". New jobs join the pool as the graph grows.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PRODUCER = "https://example.org/provgraph/benchmarks"
NAMESPACE = "postgres://dw:5432"


@dataclass
class OpenLineageGenerator:
    seed: int = 6
    new_job_every: int = 5  # one new job every N runs, else a run of an existing job
    jobs: list[str] = field(default_factory=list)
    runs: int = 0

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    def tables(self, job: str) -> list[str]:
        return [f"{job}.out_a", f"{job}.out_b"]

    def pairs(self, count: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """`count` runs as (START, COMPLETE) event pairs."""
        for _ in range(count):
            if not self.jobs or self.runs % self.new_job_every == 0:
                self.jobs.append(f"dw.job_{len(self.jobs)}")
                job = self.jobs[-1]
            else:
                job = self.random.choice(self.jobs)
            others = [j for j in self.jobs if j != job]
            inputs = []
            for i in range(2):
                if others and self.random.random() < 0.8:
                    source = self.random.choice(others)
                    inputs.append({"namespace": NAMESPACE, "name": self.tables(source)[i]})
                else:
                    inputs.append({"namespace": "s3://landing", "name": f"raw/{self.runs}/{i}.csv"})
            outputs = [{"namespace": NAMESPACE, "name": name} for name in self.tables(job)]
            day = self.runs  # one run a "minute" of a synthetic clock
            run_id = str(uuid.UUID(int=self.random.getrandbits(128), version=4))
            start, end = _time(day * 60), _time(day * 60 + 30)
            self.runs += 1
            yield (
                _event("START", start, run_id, job, inputs, outputs),
                _event("COMPLETE", end, run_id, job, inputs, outputs),
            )


def _time(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"2026-{1 + days // 28:02d}-{1 + days % 28:02d}T{hours:02d}:{minutes:02d}:{secs:02d}Z"


def _event(
    kind: str,
    time: str,
    run_id: str,
    job: str,
    inputs: list[dict[str, str]],
    outputs: list[dict[str, str]],
) -> dict[str, Any]:
    return {
        "eventType": kind,
        "eventTime": time,
        "producer": PRODUCER,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run_id, "facets": {}},
        "job": {"namespace": "airflow", "name": job, "facets": {}},
        "inputs": inputs,
        "outputs": outputs,
    }
