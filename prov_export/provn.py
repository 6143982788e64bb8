"""PROV-N text written straight from a graph's statements, no `prov.model` on the way.

What it writes is what `prov` writes for the same document (`ProvRecord.get_provn`), so a
reader (prov's, ProvToolbox's) reads both the same:

- Names are `prefix:local` from the export's `PrefixTable`; a local part is escaped per
  PROV-N's PN_LOCAL (`\\:`, `\\(`... for its metacharacters, a leading `-` or `.`). The
  common local part (letters, digits, `/`, `-`, `.`, `%XX`...) needs nothing and is written
  as it is; any other is left to prov's own escaping, which percent-encodes what PN_LOCAL
  cannot hold (and warns, as prov does: the IRI read back then differs).
- Strings are quoted with `\\` and `"` escaped, triple-quoted when they hold a newline.
- Values carry their type as prov writes them: ints within 32 bits bare (PROV-N's
  `xsd:int` sugar), larger ones `%% xsd:long` / `%% xsd:integer`, floats `%% xsd:double`
  (`INF`, `NaN` included), booleans `"true" %% xsd:boolean`, times `%% xsd:dateTime`,
  qualified names `'prefix:local'`, IRIs `%% xsd:anyURI`, literals with their datatype or
  `@lang`.
- Formal arguments are bare: a name, an `xsd:dateTime` lexical form, or `-`.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from prov.constants import PROV_INTERNATIONALIZEDSTRING
from prov.identifier import Identifier, Namespace, QualifiedName
from prov.model import Literal

from graph_model import NodeRef
from prov_export.names import NameTexts, PrefixTable
from prov_export.statements import Statement

INT32 = 2**31 - 1
INT64 = 2**63 - 1
# A local part PROV-N takes as it is: no metacharacter, no leading `-`/`.`, no trailing `.`.
_PLAIN_LOCAL = re.compile(
    r"(?:[A-Za-z0-9_/@~&+*?#$!]|%[0-9A-Fa-f]{2})(?:[A-Za-z0-9_/@~&+*?#$!.\-]|%[0-9A-Fa-f]{2})*"
)
# Any IRI will do: only the local part's escaping is asked of prov.
_SCRATCH = Namespace("x", "urn:provgraph:scratch:")


def name_text(prefix: str, local: str) -> str:
    if _PLAIN_LOCAL.fullmatch(local) and not local.endswith("."):
        return f"{prefix}:{local}"
    escaped = QualifiedName(_SCRATCH, local).provn_bare_representation()
    return f"{prefix}:{escaped[len('x:') :]}"


def string_literal(value: str) -> str:
    text = value.replace("\\", "\\\\").replace('"', '\\"')
    if "\n" in text:
        return f'"""{text}"""'
    # A short string may not hold a bare carriage return; the escape reads back the same.
    return '"' + text.replace("\r", "\\r") + '"'


def datetime_text(value: datetime.datetime) -> str:
    """xsd:dateTime's lexical form; an offset that is not whole minutes becomes UTC."""
    offset = value.utcoffset()
    if offset is not None and (offset.total_seconds() % 60 or offset.microseconds):
        value = value.astimezone(datetime.UTC)
    return value.isoformat()


def double_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    return float.__repr__(value)


class ProvNWriter(NameTexts):
    """Statements as PROV-N lines, names written with one `PrefixTable`."""

    def __init__(self, table: PrefixTable) -> None:
        super().__init__(table, name_text)

    def header(self) -> str:
        """`document` and its prefix declarations (prov and xsd are PROV-N's own)."""
        lines = [f"  prefix {prefix} <{iri}>\n" for prefix, iri in self.table.declared.items()]
        return "document\n" + "".join(lines) + ("\n" if lines else "")

    def statement(self, statement: Statement) -> str:
        items = []
        opening = f"{statement.keyword}("
        if statement.identifier is not None:
            identifier = self.node(statement.identifier)
            if statement.keyword in ("entity", "activity", "agent"):
                items.append(identifier)
            else:
                opening += identifier + "; "
        for _, value in statement.formal:
            items.append(self.formal(value))
        if statement.extra:
            pairs = [f"{self.name(key)}={self.value(value)}" for key, value in statement.extra]
            items.append("[" + ", ".join(pairs) + "]")
        return opening + ", ".join(items) + ")"

    def formal(self, value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, NodeRef):
            return self.node(value.id)
        if isinstance(value, datetime.datetime):
            return datetime_text(value)
        if isinstance(value, QualifiedName):
            return self.name(value)
        return str(value)

    def value(self, value: Any) -> str:
        # Order matters: bool is an int, QualifiedName an Identifier.
        if isinstance(value, str):
            return string_literal(value)
        if isinstance(value, NodeRef):
            return f"'{self.node(value.id)}'"
        if isinstance(value, QualifiedName):
            return f"'{self.name(value)}'"
        if isinstance(value, bool):
            return f'"{"true" if value else "false"}" %% xsd:boolean'
        if isinstance(value, int):
            if -INT32 - 1 <= value <= INT32:
                return str(value)
            datatype = "xsd:long" if -INT64 - 1 <= value <= INT64 else "xsd:integer"
            return f'"{value}" %% {datatype}'
        if isinstance(value, float):
            return f'"{double_text(value)}" %% xsd:double'
        if isinstance(value, datetime.datetime):
            return f'"{datetime_text(value)}" %% xsd:dateTime'
        if isinstance(value, Identifier):
            return f"{string_literal(value.uri)} %% xsd:anyURI"
        if isinstance(value, Literal):
            return self.literal(value)
        return str(value)  # what prov does with a value it has no form for

    def literal(self, literal: Literal) -> str:
        quoted = string_literal(literal.value)
        if literal.langtag:
            # PROV-N's LANGTAG joins subtags with hyphens only.
            return f"{quoted}@{literal.langtag.replace('_', '-')}"
        datatype = literal.datatype
        if datatype is None or (literal.langtag == "" and datatype == PROV_INTERNATIONALIZEDSTRING):
            return quoted
        return f"{quoted} %% {self.name(datatype)}"
