"""The pure parts of the operator commands: reading import files, the lineage tree."""

from __future__ import annotations

import json
from pathlib import Path

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
