"""A folder of mixed files for `provgraph import`: every dialect it reads, in every file
shape, with broken files and broken records among them. `Corpus.expected` says what
each file should come to, so the tests check the report against what was made."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.openlineage_events import dataset, new_run_id, run_event
from tests.payloads import model_run, prov_json_document, seed_code_run


@dataclass
class Expected:
    written: int = 0
    failed_lines: list[int] = field(default_factory=list)


@dataclass
class Corpus:
    root: Path
    expected: dict[str, Expected] = field(default_factory=dict)

    def write(self, name: str, content: str | bytes, written: int, *failed: int) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        self.expected[name] = Expected(written, list(failed))

    @property
    def records(self) -> int:
        return sum(e.written for e in self.expected.values())


def provn(n: int) -> str:
    return (
        "document\n"
        f"  prefix ex <https://example.org/provn-{n}/>\n"
        f"  entity(ex:result, [ex:n={n}])\n"
        "  activity(ex:analysis, 2024-01-01T00:00:00, 2024-01-01T01:00:00)\n"
        "  wasGeneratedBy(ex:result, ex:analysis, -)\n"
        "endDocument\n"
    )


def code_run(n: int, with_uuid: bool) -> dict[str, Any]:
    body = seed_code_run() | {
        "description": f"imported code run {n}",
        "inputs": [f"https://example.org/fairdp/input-{n}"],
        "outputs": [f"https://example.org/fairdp/output-{n}"],
        "code_repo": f"https://example.org/fairdp/repo-{n}",
        "model_config": f"https://example.org/fairdp/config-{n}",
        "submission_script": f"https://example.org/fairdp/script-{n}",
    }
    body.pop("uuid")
    if with_uuid:
        body["uuid"] = f"00000000-0000-4000-8000-{n:012d}"
    return body


def openlineage_run(n: int) -> list[dict[str, Any]]:
    run_id = new_run_id()
    job = ("imports", f"job-{n}")
    inputs = [dataset("file", f"/data/in-{n}.csv")]
    outputs = [dataset("file", f"/data/out-{n}.csv")]
    return [
        run_event("START", run_id, time="2026-11-01T10:00:00.000Z", job=job, inputs=inputs),
        run_event("RUNNING", run_id, time="2026-11-01T10:05:00.000Z", job=job),
        run_event("COMPLETE", run_id, time="2026-11-01T10:10:00.000Z", job=job, outputs=outputs),
    ]


def mixed_corpus(root: Path, scale: int = 1) -> Corpus:
    """About 260 files at scale 1: 150 Provena records one a file, 10 JSON Lines files of
    5, a JSON array, 40 PROV-JSON and 20 PROV-N documents, 20 FAIR-DP code runs (half
    without a uuid), 10 OpenLineage NDJSON files of 3 events, and 8 broken files."""
    corpus = Corpus(root)
    for n in range(150 * scale):
        corpus.write(f"provena/run-{n:04d}.json", json.dumps(model_run(f"imp-{n}")), 1)
    for f in range(10 * scale):
        lines = [json.dumps(model_run(f"lines-{f}-{i}")) for i in range(5)]
        failed: list[int] = []
        if f == 3:  # a broken line among good ones: the others are still imported
            lines.insert(2, '{"display_name": "cut off"')
            failed = [3]
        corpus.write(f"provena/batch-{f:03d}.jsonl", "\n".join(lines) + "\n", 5, *failed)
    array = [model_run(f"array-{i}") for i in range(5)]
    corpus.write("provena/array.json", json.dumps(array, indent=2), 5)
    for n in range(40 * scale):
        document = prov_json_document(6, prefix=f"import-{n}")
        corpus.write(f"prov/doc-{n:03d}.json", json.dumps(document), 1)
    for n in range(20 * scale):
        corpus.write(f"prov/doc-{n:03d}.provn", provn(n), 1)
    for n in range(20 * scale):
        corpus.write(f"fairdp/code-run-{n:03d}.json", json.dumps(code_run(n, n % 2 == 0)), 1)
    for n in range(10 * scale):
        events = "\n".join(json.dumps(e) for e in openlineage_run(n)) + "\n"
        corpus.write(f"openlineage/events-{n:03d}.ndjson", events, 3)
    # Broken: each must be reported with its line, none may stop the others.
    corpus.write("broken/not-json.json", '{\n  "workflow_template_id": "x",\n  oops\n}', 0, 3)
    corpus.write("broken/unknown-shape.json", json.dumps({"hello": "world"}), 0, 1)
    corpus.write("broken/binary.json", b"\xff\xfe\x00garbage", 0, 1)
    corpus.write("broken/empty.jsonl", "", 0, 1)
    corpus.write("broken/bad-provn.provn", "document\n  entity(ex:\nendDocument\n", 0, 1)
    invalid = model_run("invalid", start_time=20, end_time=10)  # ends before it starts
    corpus.write("broken/invalid-run.json", json.dumps(invalid), 0, 1)
    clash = model_run("clash")  # claims an output an earlier record generated
    clash["outputs"][0]["dataset_id"] = "10378.1/output-imp-0"
    corpus.write("zz-broken/conflicting-run.json", json.dumps(clash), 0, 1)
    text = json.dumps([model_run("array-ok"), {"nothing": "known"}], indent=2)
    second = text[: text.rindex("\n  {") + 1].count("\n") + 1  # the line its `{` is on
    corpus.write("broken/array-with-unknown.json", text, 1, second)
    return corpus
