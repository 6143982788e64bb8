"""Stored values as people read them in JSON answers (lineage, paths, node details);
exports keep the exact PROV types, these answers are for people."""

from __future__ import annotations

import datetime
from typing import Any

from prov.identifier import Identifier, QualifiedName
from prov.model import Literal

from graph_model import NodeRef, utc
from prov_export.values import decode_attributes


def plain_value(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, NodeRef):
        return value.id
    if isinstance(value, QualifiedName):
        return str(value)
    if isinstance(value, Identifier):
        return value.uri
    if isinstance(value, Literal):
        return value.value
    return str(value)


def plain_attributes(encoded: str | None) -> dict[str, Any]:
    """Attributes by qualified name; a name given several values maps to a list."""
    plain: dict[str, Any] = {}
    for name, value in decode_attributes(encoded):
        key, item = str(name), plain_value(value)
        if key not in plain:
            plain[key] = item
        elif isinstance(plain[key], list):
            plain[key].append(item)
        else:
            plain[key] = [plain[key], item]
    return plain


def epoch_to_datetime(seconds: float | None) -> datetime.datetime | None:
    return None if seconds is None else utc(seconds)
