"""The pure parts of the operator commands: reading import files, the lineage tree, the
dump files' lines and checks."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path

import pytest

from service.ops import backup
from service.ops.sources import (
    FAIRDP,
    OPENLINEAGE,
    PROV_JSON,
    PROV_N,
    PROVENA,
    Broken,
    Record,
    dialect_of,
    json_items,
    read_all,
)
from service.ops.tree import lineage_tree, tree_lines
from tests.openlineage_events import new_run_id, run_event
from tests.payloads import model_run, prov_json_document, seed_code_run


def test_dialects_are_told_apart_by_content() -> None:
    assert dialect_of(model_run(1)) == PROVENA
    assert dialect_of(seed_code_run()) == FAIRDP
    assert dialect_of(prov_json_document(3)) == PROV_JSON
    assert dialect_of(run_event("START", new_run_id())) == OPENLINEAGE
    assert dialect_of({"hello": 1}) is None
    assert dialect_of([1]) is None


def test_array_items_keep_their_lines() -> None:
    text = '[\n  {"a": 1},\n\n  {"b": [\n 2]},  3\n]'
    assert json_items(text) == [(2, {"a": 1}), (4, {"b": [2]}), (5, 3)]


def test_files_become_records_or_problems_with_lines(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        json.dumps(model_run(1)) + "\n\n{bad\n" + json.dumps({"x": 1}) + "\n"
    )
    (tmp_path / "b.provn").write_text("document\nendDocument\n")
    (tmp_path / "c.json").write_text(json.dumps({"records": [model_run(2), model_run(3)]}))
    code_run = seed_code_run()
    code_run.pop("uuid")
    (tmp_path / "d.json").write_text(json.dumps({"count": 1, "results": [code_run]}))
    (tmp_path / ".hidden.json").write_text("{bad")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "e.txt").write_text(json.dumps(prov_json_document(3)))
    found = list(read_all([tmp_path]))
    described = [(i.file, i.line, i.dialect if isinstance(i, Record) else "broken") for i in found]
    assert described == [
        ("a.jsonl", 1, PROVENA),
        ("a.jsonl", 3, "broken"),
        ("a.jsonl", 4, "broken"),
        ("b.provn", 1, PROV_N),
        ("c.json", 1, PROVENA),
        ("c.json", 1, PROVENA),
        ("d.json", 1, FAIRDP),
        ("sub/e.txt", 1, PROV_JSON),
    ]
    assert isinstance(found[1], Broken) and "not valid JSON" in found[1].message
    # The two records of c.json share file and line, yet not their key (content differs).
    assert found[4].key != found[5].key  # type: ignore[union-attr]
    # A code run without uuid gets one from its key; read-only listing fields are dropped.
    fairdp = found[6]
    assert isinstance(fairdp, Record)
    assert fairdp.body["uuid"] and "url" not in fairdp.body
    again = list(read_all([tmp_path]))
    assert [getattr(i, "key", None) for i in again] == [getattr(i, "key", None) for i in found]
    assert again[6].body["uuid"] == fairdp.body["uuid"]  # type: ignore[union-attr]


def test_lineage_tree_places_each_node_once() -> None:
    def node(node_id: str, kind: str) -> dict[str, object]:
        return {"id": node_id, "kind": kind, "prov_classes": ["Entity"], "label": None}

    answer = {
        "root": "out",
        "direction": "upstream",
        "nodes": [
            node("out", "Dataset"),
            node("run", "ModelRun"),
            node("a", "Dataset"),
            node("b", "Dataset"),
            node("raw", "Dataset"),
        ],
        "edges": [
            {"source": "out", "target": "run", "type": "wasGeneratedBy"},
            {"source": "run", "target": "a", "type": "used"},
            {"source": "run", "target": "b", "type": "used"},
            {"source": "a", "target": "raw", "type": "wasDerivedFrom"},
            {"source": "b", "target": "raw", "type": "wasDerivedFrom"},
        ],
    }
    assert tree_lines(lineage_tree(answer)) == [
        "out [Dataset]",
        "└── wasGeneratedBy: run [ModelRun]",
        "    ├── used: a [Dataset]",
        "    │   └── wasDerivedFrom: raw [Dataset]",
        "    └── used: b [Dataset]",
        "        └── wasDerivedFrom: raw [Dataset] (seen above)",
    ]
    downstream = answer | {"root": "raw", "direction": "downstream"}
    lines = tree_lines(lineage_tree(downstream))
    assert lines[0] == "raw [Dataset]"
    assert lines[1] == "├── wasDerivedFrom (by): a [Dataset]"
    assert sum("out [Dataset]" in line for line in lines) == 1


def test_dump_lines_keep_neo4j_types_and_refuse_others() -> None:
    properties = {"seq": 3, "created_at": 1.0, "inputs": ["a", "b"], "ok": True, "empty": []}
    text = backup.line({"labels": ["Record"], "properties": backup.checked(properties, "r")})
    back = json.loads(text)["properties"]
    assert back == properties
    assert isinstance(back["created_at"], float) and isinstance(back["seq"], int)
    assert text == backup.line({"properties": properties, "labels": ["Record"]})  # key order
    with pytest.raises(backup.BackupError, match="property 'when' holds a date value"):
        backup.checked({"when": datetime.date(2026, 1, 1)}, "record 'x'")


def test_restore_batches_are_bounded_by_rows_and_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "nodes-000001.jsonl"
    path.write_text("".join(backup.line({"n": n, "pad": "x" * 100}) for n in range(25)))
    assert [len(b) for b in backup.batches(path, 10)] == [10, 10, 5]
    monkeypatch.setattr(backup, "BATCH_BYTES", 400)  # 4 lines of 117 bytes
    assert [len(b) for b in backup.batches(path, 10)] == [4, 4, 4, 4, 4, 4, 1]
    assert [row["n"] for b in backup.batches(path, 10) for row in b] == list(range(25))


def test_a_restore_refuses_files_that_are_not_the_ones_dumped(tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match="holds no manifest.json"):
        backup.read_manifest(tmp_path)
    data = backup.line({"labels": ["Counter"], "properties": {"name": "code_run", "value": 2}})
    (tmp_path / "counters-000001.jsonl").write_text(data)
    entry = {
        "name": "counters-000001.jsonl",
        "kind": "counters",
        "lines": 1,
        "sha256": hashlib.sha256(data.encode()).hexdigest(),
    }
    counts = {"counters": 1, "records": 0, "nodes": 0, "relations": 0, "asserts": 0}
    manifest = {
        "format": backup.FORMAT,
        "version": backup.VERSION,
        "counts": counts,
        "files": [entry],
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    backup.verify(tmp_path, backup.read_manifest(tmp_path))
    (tmp_path / "counters-000001.jsonl").write_text(data.replace("2", "3"))
    with pytest.raises(backup.BackupError, match="is not the file that was dumped"):
        backup.verify(tmp_path, manifest)
    with pytest.raises(backup.BackupError, match="but lists files of"):
        backup.verify(tmp_path, {**manifest, "counts": {**counts, "counters": 2}})
    outside = {**entry, "name": "../counters-000001.jsonl"}
    with pytest.raises(backup.BackupError, match="which no dump writes"):
        backup.verify(tmp_path, {**manifest, "files": [outside]})
    (tmp_path / "manifest.json").write_text(json.dumps({**manifest, "version": 99}))
    with pytest.raises(backup.BackupError, match="format version 1"):
        backup.read_manifest(tmp_path)
