"""Seeded synthetic lineage: Provena model run records (and FAIR-DP code runs) at any size.

Runs form chains of `chain` runs (each run uses an output of the one before it, so
lineage at depth 10 has five runs to walk); every other input is, with probability
`share`, a dataset that already exists somewhere in the graph, otherwise a fresh raw
dataset. Agents, templates and studies are drawn from pools that grow with the graph, so
some of them are shared by many runs, as in a real registry. Outputs are always fresh:
PROV allows one generating activity per entity. Everything is a DAG.

`stacked_diamonds(levels)` builds the worst case for path enumeration: at each level one
run turns dataset D_k into X_k and Y_k and a second run joins them into D_k+1, so there are
2^levels paths from the top dataset down to D_0 and only 6 nodes per level.

    python benchmarks/generate.py --nodes 10000 --out records.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

EPOCH = 1_669_355_820  # the seed payload's start_time


@dataclass
class Shape:
    seed: int = 6
    inputs: int = 2  # datasets used per run (the first one chains to the previous run)
    outputs: int = 1  # datasets generated per run
    share: float = 0.3  # chance that a non-chained input is an existing dataset
    chain: int = 12  # runs per chain
    # One new modeller / organisation / template / study every N runs, else a pooled one.
    modeller_every: int = 3
    organisation_every: int = 10
    template_every: int = 2
    study_every: int = 1


@dataclass
class LineageGenerator:
    """Generates records incrementally: `more(nodes)` continues until the graph has `nodes`."""

    shape: Shape = field(default_factory=Shape)
    prefix: str = "10378.1/bench"
    runs: int = 0
    node_ids: set[str] = field(default_factory=set)
    datasets: list[str] = field(default_factory=list)
    chain_ends: list[str] = field(default_factory=list)  # the last output of each chain
    chain_starts: list[str] = field(default_factory=list)  # the first input of each chain
    pools: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.random = random.Random(self.shape.seed)
        self.previous_output: str | None = None

    @property
    def nodes(self) -> int:
        return len(self.node_ids)

    def more(self, nodes: int) -> Iterator[dict[str, Any]]:
        """Records until the graph they form has at least `nodes` PROV nodes."""
        while len(self.node_ids) < nodes:
            yield self.run()

    def _new(self, kind: str) -> str:
        node_id = f"{self.prefix}/{kind}-{len(self.node_ids)}"
        self.node_ids.add(node_id)
        return node_id

    def _pooled(self, kind: str, every: int) -> str:
        pool = self.pools.setdefault(kind, [])
        if not pool or self.random.random() < 1 / every:
            pool.append(self._new(kind))
            return pool[-1]
        return self.random.choice(pool)

    def _dataset(self) -> str:
        dataset = self._new("dataset")
        self.datasets.append(dataset)
        return dataset

    def run(self) -> dict[str, Any]:
        shape, position = self.shape, self.runs % self.shape.chain
        self.node_ids.add(f"run-{self.runs}")  # the run id is minted by the service
        inputs: list[str] = []
        if position and self.previous_output:
            inputs.append(self.previous_output)
        while len(inputs) < shape.inputs:
            shared = self.datasets and self.random.random() < shape.share
            candidate = self.random.choice(self.datasets) if shared else self._dataset()
            if candidate not in inputs:
                inputs.append(candidate)
        if position == 0:
            self.chain_starts.append(inputs[0])
        outputs = [self._dataset() for _ in range(shape.outputs)]
        self.previous_output = outputs[0]
        if position == shape.chain - 1:
            self.chain_ends.append(outputs[0])
        record = model_run_record(
            self.runs,
            inputs,
            outputs,
            template=self._pooled("template", shape.template_every),
            modeller=self._pooled("modeller", shape.modeller_every),
            organisation=self._pooled("organisation", shape.organisation_every),
            study=self._pooled("study", shape.study_every),
        )
        self.runs += 1
        return record


def model_run_record(
    n: int,
    inputs: list[str],
    outputs: list[str],
    *,
    template: str,
    modeller: str,
    organisation: str,
    study: str,
) -> dict[str, Any]:
    """A Provena model run record, shaped like the documentation's example payload."""

    def dataset(dataset_id: str, side: str) -> dict[str, Any]:
        return {
            "dataset_template_id": f"10378.1/{side}-template",
            "dataset_id": dataset_id,
            "dataset_type": "DATA_STORE",
        }

    return {
        "workflow_template_id": template,
        "model_version": "1.2",
        "inputs": [
            {**dataset(i, "in"), "resources": {"configuration_file": f"data/config{n}.csv"}}
            for i in inputs
        ],
        "outputs": [dataset(o, "out") for o in outputs],
        "annotations": {"RCP": "45", "species": f"species{n % 7}"},
        "display_name": f"benchmark run {n}",
        "description": "A synthetic model run of the provgraph benchmarks.",
        "study_id": study,
        "associations": {"modeller_id": modeller, "requesting_organisation_id": organisation},
        "start_time": EPOCH + 60 * n,
        "end_time": EPOCH + 60 * n + 30,
    }


def stacked_diamonds(
    levels: int, prefix: str = "10378.1/diamond"
) -> tuple[list[dict[str, Any]], str, str]:
    """(records, top dataset id, bottom dataset id) of `levels` stacked diamonds."""
    agents = {
        "template": f"{prefix}/template",
        "modeller": f"{prefix}/modeller",
        "organisation": f"{prefix}/organisation",
        "study": f"{prefix}/study",
    }
    records, below = [], f"{prefix}/d0"
    for k in range(levels):
        left, right, above = f"{prefix}/x{k}", f"{prefix}/y{k}", f"{prefix}/d{k + 1}"
        records.append(model_run_record(2 * k, [below], [left, right], **agents))
        records.append(model_run_record(2 * k + 1, [left, right], [above], **agents))
        below = above
    return records, below, f"{prefix}/d0"


def code_run(record: dict[str, Any], n: int) -> dict[str, Any]:
    """The same run as a FAIR Data Pipeline code run (references become registry URLs)."""
    url = "https://data.example.org/api/data_product/"
    return {
        "run_date": f"2024-01-01T00:00:{n % 60:02d}Z",
        "description": record["display_name"],
        "code_repo": f"https://data.example.org/api/object/{record['workflow_template_id']}",
        "model_config": f"https://data.example.org/api/object/config-{n}",
        "submission_script": f"https://data.example.org/api/object/script-{n}",
        "inputs": [url + d["dataset_id"] for d in record["inputs"]],
        "outputs": [url + d["dataset_id"] for d in record["outputs"]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=Shape.seed)
    parser.add_argument("--share", type=float, default=Shape.share)
    parser.add_argument("--chain", type=int, default=Shape.chain)
    parser.add_argument("--inputs", type=int, default=Shape.inputs)
    parser.add_argument("--outputs", type=int, default=Shape.outputs)
    parser.add_argument("--diamonds", type=int, help="stacked diamonds of this many levels")
    parser.add_argument("--fairdp", action="store_true", help="FAIR-DP code runs instead")
    parser.add_argument("--out", type=argparse.FileType("w"), default=sys.stdout)
    args = parser.parse_args()
    if args.diamonds:
        records = stacked_diamonds(args.diamonds)[0]
    else:
        shape = Shape(args.seed, args.inputs, args.outputs, args.share, args.chain)
        records = list(LineageGenerator(shape).more(args.nodes))
    for n, record in enumerate(records):
        args.out.write(json.dumps(code_run(record, n) if args.fairdp else record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
