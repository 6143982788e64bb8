"""What a write is checked against before it reaches Neo4j, so whatever is accepted can be
read back by every read route. Pure functions, no database.

- Times lie in years 1 to 9999 in UTC (what Python's datetime and PROV's xsd:dateTime
  readers handle), and are finite.
- Text is valid Unicode: JSON can spell a lone surrogate (`"\\ud800"`), which neither
  UTF-8, Neo4j nor any JSON answer can carry.
- Ids are 1 to `MAX_ID` characters (FAIR-DP references `MAX_REF`), at most
  `MAX_ID_BYTES` bytes of UTF-8 (Neo4j indexes ids, and an index key has a size limit),
  without control characters.
"""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

from graph_model import ProvGraph
from service.errors import field_error, printable_text

MIN_EPOCH = -62_135_596_800  # 0001-01-01T00:00:00Z
MAX_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z
MAX_ID = 1024
MAX_REF = 2048
MAX_ID_BYTES = 4096
MAX_IDEMPOTENCY_KEY = 256

Loc = tuple[str | int, ...]


def time_problem(epoch_seconds: float) -> str | None:
    if not math.isfinite(epoch_seconds):
        return f"{epoch_seconds} is not a time"
    if not MIN_EPOCH <= epoch_seconds <= MAX_EPOCH:
        return (
            f"{epoch_seconds:.0f} is outside years 1 to 9999 (epoch seconds from {MIN_EPOCH} "
            f"to {MAX_EPOCH})"
        )
    return None


def in_time_range(epoch_seconds: int) -> int:
    """A pydantic AfterValidator for epoch seconds."""
    problem = time_problem(epoch_seconds)
    if problem:
        raise ValueError(problem)
    return epoch_seconds


def utc_in_range(moment: datetime.datetime) -> datetime.datetime:
    """A pydantic AfterValidator: an aware time that stays within years 1-9999 in UTC."""
    try:
        moment.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError(
            f"{moment.isoformat()} is outside years 1 to 9999 once converted to UTC"
        ) from None
    return moment


def text_problem(text: str) -> str | None:
    """Why a string cannot be stored (a lone surrogate), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return (
            f"holds U+{ord(text[error.start]):04X} at position {error.start}, a lone "
            "surrogate, which is not valid Unicode"
        )
    return None


def id_problem(node_id: str, max_chars: int = MAX_ID) -> str | None:
    """Why a string cannot be an id, or None."""
    if not node_id:
        return "an id must not be empty"
    if len(node_id) > max_chars:
        return f"an id is at most {max_chars} characters; this one has {len(node_id)}"
    problem = text_problem(node_id)
    if problem:
        return f"an id must be valid Unicode; this one {problem}"
    size = len(node_id.encode("utf-8"))
    if size > MAX_ID_BYTES:
        return f"an id is at most {MAX_ID_BYTES} bytes in UTF-8; this one has {size}"
    for position, char in enumerate(node_id):
        if ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            return (
                f"an id must not contain control characters; found U+{ord(char):04X} at "
                f"position {position}"
            )
    return None


def reference(value: str) -> str:
    """A pydantic AfterValidator for FAIR-DP references (node ids up to MAX_REF chars)."""
    problem = id_problem(value, MAX_REF)
    if problem:
        raise ValueError(problem)
    return value


# ---------------------------------------------------------------- JSON bodies


class BodyProblem(ValueError):
    """A JSON body that parses but holds what no route can take; `loc` points at it."""

    def __init__(self, loc: Loc, msg: str) -> None:
        super().__init__(msg)
        self.loc = loc
        self.msg = msg


def _no_constant(name: str) -> Any:
    raise BodyProblem((), f"{name} is not a JSON number; send a finite number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyProblem((), f"{text} is too large for a number (it is not finite)")
    return value


def strict_json(body: bytes | str) -> Any:
    """JSON as RFC 8259 has it: no NaN or Infinity, numbers finite, strings valid Unicode.
    `json.JSONDecodeError` for text that is not JSON at all; `BodyProblem` for the rest."""
    value = json.loads(body, parse_constant=_no_constant, parse_float=_finite)
    problem = first_text_problem(value, ())
    if problem:
        raise BodyProblem(*problem)
    return value


def first_text_problem(value: Any, loc: Loc) -> tuple[Loc, str] | None:
    """Where a parsed JSON value holds a string (or key) that is not valid Unicode."""
    stack: list[tuple[Any, Loc]] = [(value, loc)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return where, f"the text {problem}"
        elif isinstance(item, dict):
            for key, inner in item.items():
                problem = text_problem(key)
                if problem:
                    return (*where, printable_text(key)), f"the key {problem}"
                stack.append((inner, (*where, key)))
        elif isinstance(item, list):
            stack.extend((inner, (*where, i)) for i, inner in enumerate(item))
    return None


# ---------------------------------------------------------------- imported graphs


def graph_problems(graph: ProvGraph, limit: int = 20) -> list[dict[str, Any]]:
    """Every id, relation id, bundle and activity time of an imported graph that could not
    be stored or read back, as 422 entries (at most `limit`)."""
    problems: list[dict[str, Any]] = []

    def add(loc: Loc, msg: str, kind: str) -> None:
        if len(problems) < limit:
            problems.append(field_error(loc, msg, kind))

    for node in graph.nodes.values():
        name = _shown(node.id)
        problem = id_problem(node.id)
        if problem:
            add(("id", name), f"id {name!r}: {problem}", "prov_id")
        for field, epoch in (("startTime", node.start_time), ("endTime", node.end_time)):
            problem = None if epoch is None else time_problem(epoch)
            if problem:
                add((name, field), f"{field} of {name!r}: {problem}", "prov_time")
        for text in _texts(node.label, node.bundle):
            problem = text_problem(text)
            if problem:
                add((name,), f"{name!r}: a value {problem}", "prov_text")
    for edge in graph.edges:
        if edge.relation_id is not None:
            problem = id_problem(edge.relation_id)
            if problem:
                shown = _shown(edge.relation_id)
                add(("relation", shown), f"relation id {shown!r}: {problem}", "prov_id")
    for note in graph.dangling:
        problem = id_problem(note["id"]) if isinstance(note.get("id"), str) else None
        if problem:
            shown = _shown(note["id"])
            add(("id", shown), f"id {shown!r}: {problem}", "prov_id")
    return problems


def _texts(*values: str | None) -> list[str]:
    return [value for value in values if value]


def _shown(node_id: str, most: int = 80) -> str:
    """An id as an error message shows it: printable, and cut when long."""
    shown = printable_text(node_id)
    return shown if len(shown) <= most else f"{shown[:most]}... ({len(node_id)} characters)"
