"""PROV-N and PROV-JSON of a graph, whole or arriving in chunks, in bounded memory.

Text is written straight from each chunk's statements (`provn`, `provjson`); no
`prov.model` object is built. Both formats group what they write, and chunks arrive in
any order, so what cannot be written yet goes into spooled temporary files, one per group
(memory up to a limit, then disk), put together at the end:

- PROV-N declares its prefixes first. They come from the first chunk's `namespaces`, which
  must name every namespace the document uses beyond the `IdPolicy`'s own and prov's
  (the store reads them before the first page; `namespaces_in_use` finds them in a graph
  held in memory); an IRI under none of them is written under its scheme's namespace
  (`https:`), which must be among them too. So the header and every top-level record leave
  as their chunk is read; only bundles, which PROV-N puts after the top-level records, are
  spooled. A name the header cannot write (a namespace written to the store during the
  export) raises `UndeclaredNamespace`, which ends the stream early.
- PROV-JSON keeps each record type in one object and lists `prefix` last (member order
  means nothing in JSON), so its prefix table grows as names are met. The top-level
  `entity` section (most of a graph) is written as chunks arrive; the other sections are
  spooled. A chunk with no top-level entity sends a newline (whitespace JSON ignores), so
  the stream never goes silent for long.

Every element must come in one chunk with the other declarations of its id (the store's
pages hold each node once). Relations may share an id across chunks. Notes (`dangling`)
apply to their chunk and, for `undeclared` notes, every later one: send a record's notes
with the first chunk.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from prov.identifier import QualifiedName
from prov.model import Literal

from graph_model import NodeRef, ProvGraph
from prov_export.ids import IdPolicy
from prov_export.names import PrefixTable, id_schemes, scheme_namespaces
from prov_export.notes import Notes
from prov_export.provjson import ProvJsonWriter, dumps
from prov_export.provn import ProvNWriter
from prov_export.statements import Statement, statements

SPOOL_IN_MEMORY = 1024 * 1024  # bytes per group before it goes to disk (about 20 groups)
READ_BLOCK = 64 * 1024
STREAMABLE = ("provn", "json")
STREAMED_SECTION = "entity"  # PROV-JSON's top-level section written as chunks arrive
ELEMENT_SECTIONS = ("entity", "activity", "agent")
KEEP_ALIVE = "\n"  # sent for a chunk that has nothing to write yet


def serialise_chunks(
    graph_chunks: Iterable[ProvGraph], fmt: str, policy: IdPolicy
) -> Iterator[str]:
    """The text of one PROV-N or PROV-JSON document holding every chunk, piece by piece."""
    if fmt not in STREAMABLE:
        raise ValueError(f"cannot stream {fmt!r}; streamable formats: {', '.join(STREAMABLE)}")
    writer: _ProvNDocument | _JsonDocument
    writer = _ProvNDocument(policy) if fmt == "provn" else _JsonDocument(policy)
    undeclared: list[dict[str, Any]] = []  # notes that keep later nodes from declaring
    try:
        for chunk in graph_chunks:
            undeclared += [note for note in chunk.dangling if note["t"] == "undeclared"]
            others = [note for note in chunk.dangling if note["t"] != "undeclared"]
            yield from writer.add(chunk, Notes.decode(undeclared + others))
        yield from writer.finish()
    finally:
        writer.spools.close()


def provn_text(graph: ProvGraph, policy: IdPolicy) -> str:
    """The PROV-N document of a graph held in memory.

    Its records are written first, so the prefix table may grow as they name namespaces
    (an IRI under none gets one: its IRI up to the last `/`, `#` or `:`), then the header.
    """
    writer = ProvNWriter(PrefixTable(policy, graph.namespaces))
    notes = Notes.decode(graph.dangling)
    top: list[str] = []
    bundles: dict[str, list[str]] = {bundle: [] for bundle in notes.bundles}
    for statement in statements(graph, notes):
        line = writer.statement(statement)
        if statement.bundle is None:
            top.append(f"  {line}\n")
        else:
            bundles.setdefault(statement.bundle, []).append(f"    {line}\n")
    blocks = [
        f"  bundle {writer.node(bundle)}\n{''.join(lines)}  endBundle\n"
        for bundle, lines in bundles.items()
    ]
    return writer.header() + "".join(top) + "".join(blocks) + "endDocument\n"


def provjson_text(graph: ProvGraph, policy: IdPolicy) -> str:
    """The PROV-JSON document of a graph held in memory, the same document as
    `serialise_chunks` writes for it as one chunk, without spools: every register answer
    carries one, a few dozen records."""
    writer = ProvJsonWriter(PrefixTable(policy, graph.namespaces))
    undeclared = [note for note in graph.dangling if note["t"] == "undeclared"]
    others = [note for note in graph.dangling if note["t"] != "undeclared"]
    notes = Notes.decode(undeclared + others)
    # (bundle, section) -> JSON key -> each record's content under that key, in order met
    sections: dict[tuple[str | None, str], dict[str, list[str]]] = {(None, STREAMED_SECTION): {}}
    bundles: dict[str, None] = dict.fromkeys(notes.bundles)
    anonymous = 0
    for statement in statements(graph, notes):
        if statement.bundle is not None:
            bundles.setdefault(statement.bundle, None)
        key = writer.key(statement)
        if key is None:  # unidentified relations are numbered, as serialise_chunks does
            anonymous += 1
            key_json = f'"_:id{anonymous}"'
        else:
            key_json = dumps(key)
        group = sections.setdefault((statement.bundle, statement.keyword), {})
        group.setdefault(key_json, []).append(dumps(writer.content(statement)))

    def members(bundle: str | None) -> str:
        return ",".join(
            f"{dumps(section)}:{{{','.join(_members(records))}}}"
            for (where, section), records in sections.items()
            if where == bundle
        )

    text = "{" + members(None)
    if bundles:
        inner = ",".join(f"{dumps(writer.node(b))}:{{{members(b)}}}" for b in bundles)
        text += f',"bundle":{{{inner}}}'
    return text + f',"prefix":{dumps(writer.table.declared)}}}\n'


def namespaces_in_use(graph: ProvGraph, policy: IdPolicy) -> dict[str, str]:
    """prefix -> IRI of every namespace a streamed PROV-N header needs for this graph: its
    declared ones, those its attribute names and values name, and the scheme namespaces of
    its absolute ids (what the store reads before the first page, for a graph in memory)."""
    table = PrefixTable(policy, graph.namespaces)
    ids = {note["id"] for note in graph.dangling if note.get("id")}
    for statement in statements(graph, Notes.decode(graph.dangling)):
        if statement.identifier is not None:
            ids.add(statement.identifier)
        for name, value in (*statement.formal, *statement.extra):
            table.name(name)
            if isinstance(value, NodeRef):
                ids.add(value.id)
            elif isinstance(value, QualifiedName):
                table.name(value)
            elif isinstance(value, Literal) and value.datatype is not None:
                table.name(value.datatype)
    return {**table.declared, **scheme_namespaces(id_schemes(ids))}


class _Spools:
    """One text spool per group, written in arrival order."""

    def __init__(self) -> None:
        self.files: dict[Any, IO[str]] = {}

    def write(self, group: Any, text: str, separator: str = "") -> None:
        """Append a piece of text to a group, after `separator` unless it is the first."""
        spool = self.files.get(group)
        if spool is None:
            spool = self.files[group] = tempfile.SpooledTemporaryFile(
                max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8"
            )
        elif separator:
            spool.write(separator)
        spool.write(text)

    def read(self, group: Any) -> Iterator[str]:
        spool = self.files[group]
        spool.seek(0)
        while block := spool.read(READ_BLOCK):
            yield block

    def close(self) -> None:
        for spool in self.files.values():
            spool.close()


class _ProvNDocument:
    """document, prefixes, top-level records as they come; then the spooled bundles."""

    def __init__(self, policy: IdPolicy) -> None:
        self.policy = policy
        self.spools = _Spools()
        self.writer: ProvNWriter | None = None
        self.bundles: dict[str, None] = {}  # bundle ids in order of first appearance

    def add(self, chunk: ProvGraph, notes: Notes) -> Iterator[str]:
        header = ""
        if self.writer is None:
            self.writer = ProvNWriter(PrefixTable(self.policy, chunk.namespaces, frozen=True))
            header = self.writer.header()
        for bundle in notes.bundles:
            self.bundles.setdefault(bundle, None)
        top: list[str] = []
        for statement in statements(chunk, notes):
            line = self.writer.statement(statement)
            if statement.bundle is None:
                top.append(f"  {line}\n")
            else:
                self.bundles.setdefault(statement.bundle, None)
                self.spools.write(statement.bundle, f"    {line}\n")
        yield header + "".join(top) if header or top else KEEP_ALIVE

    def finish(self) -> Iterator[str]:
        if self.writer is None:  # no chunk at all: an empty document
            self.writer = ProvNWriter(PrefixTable(self.policy, frozen=True))
            yield self.writer.header()
        for bundle in self.bundles:
            yield f"  bundle {self.writer.node(bundle)}\n"
            if bundle in self.spools.files:
                yield from self.spools.read(bundle)
            yield "  endBundle\n"
        yield "endDocument\n"


class _JsonDocument:
    """PROV-JSON: {"entity": {...}, "<section>": {...}, ..., "bundle": {...}, "prefix": ...}.

    Top-level entities are written as they come; every other section is spooled.

    One id may name several records of one type (an imported document may say
    `wasDerivedFrom(r1; ...)` twice, or declare an entity twice); PROV-JSON then keys them
    once, with a list. Elements of one id come in one chunk; relations may not, so
    identified relations are spooled one per line with their key, and at the end only the
    keys seen more than once are gathered in memory.
    """

    def __init__(self, policy: IdPolicy) -> None:
        self.spools = _Spools()
        self.table: PrefixTable | None = None
        self.writer: ProvJsonWriter | None = None
        self.sections: dict[tuple[str | None, str], None] = {}  # in order of appearance
        self.bundles: dict[str, None] = {}
        # How often each (bundle, section, JSON key) of an identified relation came.
        self.seen: dict[tuple[str | None, str, str], int] = {}
        self.anonymous = 0
        self.started = False  # the opening of the document and its streamed section
        self.streamed = 0  # top-level entities written
        self.policy = policy

    def add(self, chunk: ProvGraph, notes: Notes) -> Iterator[str]:
        """Spool a chunk's records, and give the text of its top-level entities."""
        if self.writer is None:
            self.table = PrefixTable(self.policy, chunk.namespaces)
            self.writer = ProvJsonWriter(self.table)
        for bundle in notes.bundles:
            self.bundles.setdefault(bundle, None)
        elements: dict[tuple[str | None, str], dict[str, list[str]]] = {}
        relations: dict[tuple[Any, ...], list[str]] = {}
        for statement in statements(chunk, notes):
            self._add(statement, elements, relations)
        streamed = elements.pop((None, STREAMED_SECTION), {})
        for group, records in elements.items():
            self.sections.setdefault(group, None)
            self.spools.write(group, ",".join(_members(records)), separator=",")
        for group, pieces in relations.items():
            if group[-1] == "identified":
                self.spools.write(group, "".join(pieces))
            else:
                self.spools.write(group, ",".join(pieces), separator=",")
        opening = "" if self.started else f'{{"{STREAMED_SECTION}":{{'
        self.started = True
        if streamed:
            yield opening + ("," if self.streamed else "") + ",".join(_members(streamed))
            self.streamed += len(streamed)
        else:
            # JSON ignores whitespace between members: a chunk with no top-level entity
            # (a page of runs) still sends a byte, so a client's read timeout sees the
            # stream alive while the other sections are spooled.
            yield opening + KEEP_ALIVE

    def _add(
        self,
        statement: Statement,
        elements: dict[tuple[str | None, str], dict[str, list[str]]],
        relations: dict[tuple[Any, ...], list[str]],
    ) -> None:
        """File a statement's text under its group: elements by key (one id may be declared
        twice), relations as spool lines (unidentified: numbered; identified: counted)."""
        assert self.writer is not None
        bundle, section = statement.bundle, statement.keyword
        if bundle is not None:
            self.bundles.setdefault(bundle, None)
        content = dumps(self.writer.content(statement))
        key = self.writer.key(statement)
        if key is None:
            # Unidentified relations are numbered once for the whole document.
            self.anonymous += 1
            self.sections.setdefault((bundle, section), None)
            relations.setdefault((bundle, section), []).append(f'"_:id{self.anonymous}":{content}')
            return
        key_json = dumps(key)
        if section in ELEMENT_SECTIONS:
            elements.setdefault((bundle, section), {}).setdefault(key_json, []).append(content)
        else:
            self.sections.setdefault((bundle, section), None)
            place = (bundle, section, key_json)
            self.seen[place] = self.seen.get(place, 0) + 1
            line = f"{key_json}\t{content}\n"
            relations.setdefault((bundle, section, "identified"), []).append(line)

    def finish(self) -> Iterator[str]:
        if not self.started:
            self.started = True
            yield f'{{"{STREAMED_SECTION}":{{'
        yield "}"
        yield from self._sections(None)
        if self.bundles:
            yield ',"bundle":{'
            for position, bundle in enumerate(self.bundles):
                key = self.writer.node(bundle) if self.writer else bundle
                yield f"{',' if position else ''}{dumps(key)}:{{"
                yield from self._sections(bundle, first=True)
                yield "}"
            yield "}"
        declared = self.table.declared if self.table else {}
        yield f',"prefix":{dumps(declared)}}}\n'

    def _sections(self, bundle: str | None, first: bool = False) -> Iterator[str]:
        for where, section in self.sections:
            if where != bundle:
                continue
            yield f"{'' if first else ','}{dumps(section)}:{{"
            first = False
            written = (bundle, section) in self.spools.files
            if written:
                yield from self.spools.read((bundle, section))
            if (bundle, section, "identified") in self.spools.files:
                for piece in self._identified(bundle, section):
                    yield ("," if written else "") + piece
                    written = True
            yield "}"

    def _identified(self, bundle: str | None, section: str) -> Iterator[str]:
        """`"id":content` per identified relation; an id that came more than once as one
        key with the list of every content."""
        gathered: dict[str, list[str]] = {}
        for line in _lines(self.spools.read((bundle, section, "identified"))):
            key_json, content = line.split("\t", 1)
            if self.seen[(bundle, section, key_json)] == 1:
                yield f"{key_json}:{content}"
                continue
            gathered.setdefault(key_json, []).append(content)
        for key_json, contents in gathered.items():
            yield f"{key_json}:[{','.join(contents)}]"


def _members(records: dict[str, list[str]]) -> Iterator[str]:
    """`"key":content`, or `"key":[content,...]` for a key with several records (keys
    are JSON already)."""
    for key, contents in records.items():
        body = contents[0] if len(contents) == 1 else f"[{','.join(contents)}]"
        yield f"{key}:{body}"


def _lines(blocks: Iterator[str]) -> Iterator[str]:
    """Whole lines (without their newline) of text that arrives in blocks."""
    rest = ""
    for block in blocks:
        *lines, rest = (rest + block).split("\n")
        yield from lines
    if rest:
        yield rest
