"""What `provgraph import` reads: files and folders turned into records to send, each with
its file and line, and the problems of those that cannot be sent. Pure logic, no HTTP.

A record is sent to the API route of its dialect, so it passes the same validation and
the one write path as any client's. Re-runs write nothing: Provena records and PROV
documents carry an `Idempotency-Key` derived from their file (relative to the path given),
line and content; a FAIR-DP code run without a `uuid` gets one derived the same way; an
OpenLineage event is recognised by the service from its content.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROVENA, FAIRDP, PROV_JSON, PROV_N, OPENLINEAGE = (
    "provena",
    "fairdp",
    "prov-json",
    "prov-n",
    "openlineage",
)
DIALECTS = (PROVENA, FAIRDP, PROV_JSON, PROV_N, OPENLINEAGE)
PROV_JSON_KEYS = frozenset(
    {
        "prefix",
        "entity",
        "activity",
        "agent",
        "bundle",
        "wasGeneratedBy",
        "used",
        "wasInformedBy",
        "wasStartedBy",
        "wasEndedBy",
        "wasInvalidatedBy",
        "wasDerivedFrom",
        "wasAttributedTo",
        "wasAssociatedWith",
        "actedOnBehalfOf",
        "wasInfluencedBy",
        "specializationOf",
        "alternateOf",
        "hadMember",
    }
)
# A listed FAIR-DP code run (`GET /api/code_run/`) holds fields a client does not send.
FAIRDP_READ_ONLY = ("url", "ro_crate", "last_updated", "updated_by")
KEY_NAMESPACE = uuid.UUID("2f0d8d0e-6c4b-4b57-9d0a-5e2f7c1a9b31")
LINES_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class Record:
    """One record to send: where it is, what it is, and its body."""

    file: str
    line: int
    dialect: str
    body: Any  # parsed JSON, or the text of a PROV-N document
    key: str  # stable across runs: file, line and content

    @property
    def text(self) -> str:
        return self.body if isinstance(self.body, str) else json.dumps(self.body)


@dataclass(frozen=True)
class Broken:
    """A part of a file that is no record: unreadable, not JSON, or of no known dialect."""

    file: str
    line: int
    message: str


def import_key(file: str, line: int, content: str) -> str:
    digest = hashlib.sha256(f"{file}\n{line}\n{content}".encode()).hexdigest()
    return f"provgraph-import:{digest[:48]}"


def files_under(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Every file named or under a folder named (hidden ones skipped), sorted, with the
    name it is reported and keyed by: relative to the folder given, or the file's name."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path)
                if found.is_file() and not any(p.startswith(".") for p in relative.parts):
                    yield found, relative.as_posix()
        else:
            yield path, path.name


def dialect_of(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    keys = set(value)
    if "eventTime" in keys and ("run" in keys or "job" in keys):
        return OPENLINEAGE
    if keys & {"workflow_template_id", "associations"} or {"start_time", "end_time"} <= keys:
        return PROVENA
    if keys & {"code_repo", "run_date", "submission_script", "model_config"}:
        return FAIRDP
    if keys and keys <= PROV_JSON_KEYS:
        return PROV_JSON
    return None


UNKNOWN = (
    "not a record provgraph imports (a PROV-JSON document, a Provena model run record, a "
    "FAIR-DP code run or an OpenLineage event)"
)


def json_items(text: str) -> list[tuple[int, Any]]:
    """The items of a JSON array with the line each starts on (raises ValueError)."""
    decoder = json.JSONDecoder()
    start = text.index("[") + 1
    items: list[tuple[int, Any]] = []
    position = start
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            raise ValueError("the JSON array is not closed")
        if text[position] == "]":
            return items
        value, end = decoder.raw_decode(text, position)
        items.append((text.count("\n", 0, position) + 1, value))
        position = end


def records_of(value: Any, file: str, line: int) -> Iterator[Record | Broken]:
    """The records one JSON value holds: itself, a list's items, a Provena batch
    (`{"records": [...]}`) or a FAIR-DP listing (`{"results": [...]}`)."""
    if isinstance(value, dict) and dialect_of(value) is None:
        for wrapper in ("records", "results"):
            if isinstance(value.get(wrapper), list) and len(value) <= 4:
                for item in value[wrapper]:
                    yield from records_of(item, file, line)
                return
    if isinstance(value, list):
        for item in value:
            yield from records_of(item, file, line)
        return
    dialect = dialect_of(value)
    if dialect is None:
        yield Broken(file, line, UNKNOWN)
        return
    yield prepared(file, line, dialect, value)


def prepared(file: str, line: int, dialect: str, body: Any) -> Record:
    content = body if isinstance(body, str) else json.dumps(body, sort_keys=True)
    key = import_key(file, line, content)
    if dialect == FAIRDP:
        body = {k: v for k, v in body.items() if k not in FAIRDP_READ_ONLY}
        if not body.get("uuid"):
            body["uuid"] = str(uuid.uuid5(KEY_NAMESPACE, key))
    return Record(file, line, dialect, body, key)


def read_file(path: Path, name: str) -> Iterator[Record | Broken]:
    """The records of one file, by its suffix and, failing that, its content."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        yield Broken(name, 1, f"not UTF-8 text ({error.reason} at byte {error.start})")
        return
    except OSError as error:
        yield Broken(name, 1, f"cannot be read: {error.strerror or error}")
        return
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        yield Broken(name, 1, "the file is empty")
        return
    if path.suffix == ".provn" or stripped.startswith("document"):
        yield prepared(name, 1, PROV_N, text)
        return
    if path.suffix in LINES_SUFFIXES:
        yield from json_lines(text, name)
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if path.suffix != ".json" and _looks_like_lines(text):
            yield from json_lines(text, name)
            return
        yield Broken(name, error.lineno, f"not valid JSON: {error.msg} (column {error.colno})")
        return
    if isinstance(value, list):
        for line, item in json_items(text):
            yield from records_of(item, name, line)
        return
    yield from records_of(value, name, 1)


def _looks_like_lines(text: str) -> bool:
    first = text.lstrip().splitlines()[0]
    try:
        json.loads(first)
    except json.JSONDecodeError:
        return False
    return True


def json_lines(text: str, name: str) -> Iterator[Record | Broken]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Broken(name, number, f"not valid JSON: {error.msg} (column {error.colno})")
            continue
        yield from records_of(value, name, number)


def read_all(paths: Iterable[Path]) -> Iterator[Record | Broken]:
    for path, name in files_under(paths):
        yield from read_file(path, name)
