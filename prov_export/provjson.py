"""PROV-JSON text of one statement, written straight from the graph's values.

What it writes is what `prov` writes for the same record (`encode_json_container`), with
qualified-name values typed `prov:QUALIFIED_NAME` as `encodings` explains:

- A record is `"<id>": {attributes}` in its section (`entity`, `used`...); formal
  attributes are names (`"prov:entity": "pg:e"`) or times (`"prov:time": "2024-..."`),
  missing ones are left out; an attribute with several values has a list.
- Values: strings and booleans as JSON has them; ints `{"$": "5", "type": "xsd:int"}`
  (`xsd:long`, `xsd:integer` beyond 32 / 64 bits: JSON numbers lose precision past 2^53),
  floats `xsd:double` (`INF`, `NaN`: JSON has no such numbers), times `xsd:dateTime`, names
  `prov:QUALIFIED_NAME`, IRIs `xsd:anyURI`, literals their datatype or `lang`.

Names need no escaping in JSON: `prefix:local` as it is.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from prov.constants import PROV_ATTRIBUTE_LITERALS, PROV_ATTRIBUTE_QNAMES
from prov.identifier import Identifier, QualifiedName
from prov.model import Literal

from graph_model import NodeRef
from prov_export.names import NameTexts, PrefixTable
from prov_export.provn import INT32, INT64, datetime_text, double_text
from prov_export.statements import Statement

QUALIFIED_NAME = "prov:QUALIFIED_NAME"
FORMAL_NAMES = PROV_ATTRIBUTE_QNAMES
FORMAL_TIMES = PROV_ATTRIBUTE_LITERALS

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def dumps(value: Any) -> str:
    return _encode(value)


def qualified_text(prefix: str, local: str) -> str:
    return f"{prefix}:{local}"  # JSON strings need no PROV-N escapes


class ProvJsonWriter(NameTexts):
    """Statements as PROV-JSON members, names written with one `PrefixTable`."""

    def __init__(self, table: PrefixTable) -> None:
        super().__init__(table, qualified_text)
        # Attribute name -> (its text, whether prov writes it as a formal attribute).
        self._attributes: dict[QualifiedName, tuple[str, bool]] = {}

    def attribute(self, name: QualifiedName) -> tuple[str, bool]:
        found = self._attributes.get(name)
        if found is None:
            formal = name in FORMAL_NAMES or name in FORMAL_TIMES
            found = self._attributes[name] = (self.name(name), formal)
        return found

    def key(self, statement: Statement) -> str | None:
        """The record's key in its section; None for a relation without an id."""
        return None if statement.identifier is None else self.node(statement.identifier)

    def content(self, statement: Statement) -> dict[str, Any]:
        """The record's attributes as a JSON object."""
        content: dict[str, Any] = {}
        for name, value in statement.formal:
            if value is not None:
                content[self.name(name)] = self.formal(value)
        for name, value in statement.extra:
            key, formal = self.attribute(name)
            if formal:
                content.setdefault(key, self.formal(value))  # one value, as prov keeps
                continue
            encoded = self.value(value)
            if key not in content:
                content[key] = encoded
                continue
            values = content[key]
            if not isinstance(values, list):
                values = content[key] = [values]
            if encoded not in values:  # prov keeps an attribute's values as a set
                values.append(encoded)
        return content

    def formal(self, value: Any) -> str:
        if isinstance(value, NodeRef):
            return self.node(value.id)
        if isinstance(value, QualifiedName):
            return self.name(value)
        if isinstance(value, datetime.datetime):
            return datetime_text(value)
        return str(value)

    def value(self, value: Any) -> Any:
        # Order matters: bool is an int, QualifiedName an Identifier.
        if isinstance(value, str | bool):
            return value
        if isinstance(value, NodeRef):
            return {"$": self.node(value.id), "type": QUALIFIED_NAME}
        if isinstance(value, QualifiedName):
            return {"$": self.name(value), "type": QUALIFIED_NAME}
        if isinstance(value, int):
            if -INT32 - 1 <= value <= INT32:
                datatype = "xsd:int"
            else:
                datatype = "xsd:long" if -INT64 - 1 <= value <= INT64 else "xsd:integer"
            return {"$": str(value), "type": datatype}
        if isinstance(value, float):
            return {"$": double_text(value), "type": "xsd:double"}
        if isinstance(value, datetime.datetime):
            return {"$": datetime_text(value), "type": "xsd:dateTime"}
        if isinstance(value, Identifier):
            return {"$": value.uri, "type": "xsd:anyURI"}
        if isinstance(value, Literal):
            if literal_language := value.langtag:
                return {"$": value.value, "lang": literal_language}
            if value.datatype is None:
                return value.value
            return {"$": value.value, "type": self.name(value.datatype)}
        return value
