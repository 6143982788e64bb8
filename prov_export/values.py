"""Exact JSON form of PROV attribute values, so Neo4j can hold them and export is lossless.

Neo4j properties cannot hold maps or typed literals, so a node's or edge's attributes are
stored as one JSON string: a list of `[key, value]` pairs, each side a small tagged object.
Decoding gives back the same Python type, value, offset and prefix.
"""

from __future__ import annotations

import datetime
import json
from functools import lru_cache
from typing import Any

from prov.identifier import Identifier, Namespace, QualifiedName
from prov.model import Literal

from graph_model import Attributes, NodeRef


def encode_name(name: QualifiedName) -> dict[str, str]:
    return {"p": name.namespace.prefix or "", "ns": name.namespace.uri, "l": name.localpart}


def decode_name(data: dict[str, str]) -> QualifiedName:
    return _name(data["p"], data["ns"], data["l"])


@lru_cache(maxsize=65_536)
def _name(prefix: str, uri: str, localpart: str) -> QualifiedName:
    # Attribute names and type values repeat on every node of a kind; building prov's
    # Namespace and QualifiedName once each is most of what decoding costs.
    return QualifiedName(Namespace(prefix, uri), localpart)


def encode_value(value: Any) -> dict[str, Any]:
    # Order matters: bool is an int, QualifiedName is an Identifier.
    if isinstance(value, bool):
        return {"t": "bool", "v": value}
    if isinstance(value, int):
        return {"t": "int", "v": str(value)}
    if isinstance(value, float):
        return {"t": "float", "v": repr(value)}
    if isinstance(value, str):
        return {"t": "str", "v": value}
    if isinstance(value, datetime.datetime):
        return {"t": "dt", "v": value.isoformat()}
    if isinstance(value, NodeRef):
        return {"t": "ref", "v": value.id}
    if isinstance(value, QualifiedName):
        return {"t": "qn", **encode_name(value)}
    if isinstance(value, Identifier):
        return {"t": "uri", "v": value.uri}
    if isinstance(value, Literal):
        datatype = encode_name(value.datatype) if value.datatype else None
        return {"t": "lit", "v": value.value, "dt": datatype, "lang": value.langtag}
    raise TypeError(f"not a PROV attribute value: {value!r}")


def decode_value(data: dict[str, Any]) -> Any:
    tag = data["t"]
    if tag in ("bool", "str"):
        return data["v"]
    if tag == "int":
        return int(data["v"])
    if tag == "float":
        return float(data["v"])
    if tag == "dt":
        return datetime.datetime.fromisoformat(data["v"])
    if tag == "ref":
        return NodeRef(data["v"])
    if tag == "qn":
        return decode_name(data)
    if tag == "uri":
        return Identifier(data["v"])
    if tag == "lit":
        datatype = decode_name(data["dt"]) if data["dt"] else None
        return Literal(data["v"], datatype, data["lang"])
    raise ValueError(f"unknown value tag {tag!r}")


def encode_attributes(attributes: Attributes) -> str:
    return json.dumps(
        [[encode_name(key), encode_value(value)] for key, value in attributes],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_attributes(text: str | None) -> Attributes:
    if not text:
        return []
    if len(text) <= CACHED_TEXT:
        return list(_decoded(text))
    return list(_decode(text))


# Many nodes hold the very same short attributes ([prov:type = pg:Dataset]): decoded once.
# A caller gets its own list; the values in it are immutable.
CACHED_TEXT = 512


def _decode(text: str) -> tuple[tuple[QualifiedName, Any], ...]:
    return tuple((decode_name(key), decode_value(value)) for key, value in json.loads(text))


_decoded = lru_cache(maxsize=4096)(_decode)
