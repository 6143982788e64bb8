"""PROV-N and PROV-JSON of a graph that arrives in chunks, in bounded memory.

Both formats group what they write: PROV-N declares every prefix before the first record
and keeps a bundle's records in one block; PROV-JSON keeps each record type in one
section. Chunks arrive in any order, so each chunk's records are written at once as text
into spooled temporary files, one per group (memory up to a limit, then disk), and the
document is put together from them at the end. Only one chunk's `ProvDocument` is ever
in memory, never the whole document's.

PROV-JSON does not wait for the end: its top-level `entity` section (most of a graph) is
written as the chunks arrive, and `prefix` comes last (member order means nothing in a JSON
object), so the first bytes leave with the first chunk, and a chunk without entities sends
a newline (whitespace JSON ignores) so the stream never goes silent for long. PROV-N waits,
since its prefixes must come first.

Namespaces are shared across chunks: each chunk's document starts with every prefix seen
so far, so a prefix means one namespace throughout the output.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import IO, Any

from prov.model import ProvBundle, ProvDocument
from prov.serializers.provjson import encode_json_document

from graph_model import ProvGraph
from prov_export.document import to_document
from prov_export.encodings import qualified_names_as_prov_type
from prov_export.ids import IdPolicy

SPOOL_IN_MEMORY = 1024 * 1024  # bytes per group before it goes to disk (about 20 groups)
READ_BLOCK = 64 * 1024
STREAMABLE = ("provn", "json")
ELEMENT_SECTIONS = ("entity", "activity", "agent")
STREAMED_SECTION = "entity"  # PROV-JSON's top-level section written as chunks arrive
KEEP_ALIVE = "\n"  # sent for a chunk that has nothing of the streamed section


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


def serialise_chunks(
    graph_chunks: Iterable[ProvGraph], fmt: str, policy: IdPolicy
) -> Iterator[str]:
    """The text of one PROV-N or PROV-JSON document holding every chunk, piece by piece.

    Every element must come in one chunk with the other declarations of its id (the
    store's pages hold each node once). Relations may share an id across chunks. Notes
    (`dangling`) apply to their chunk and every later one: send a record's notes with the
    first chunk.
    """
    if fmt not in STREAMABLE:
        raise ValueError(f"cannot stream {fmt!r}; streamable formats: {', '.join(STREAMABLE)}")
    writer = _ProvNWriter() if fmt == "provn" else _JsonWriter()
    namespaces: dict[str, str] = {}
    undeclared: list[dict[str, Any]] = []  # notes that keep later nodes from declaring
    try:
        for chunk in graph_chunks:
            seeded = {**chunk.namespaces, **namespaces}
            undeclared += [note for note in chunk.dangling if note["t"] == "undeclared"]
            notes = undeclared + [note for note in chunk.dangling if note["t"] != "undeclared"]
            document = to_document(replace(chunk, namespaces=seeded, dangling=notes), policy)
            _learn_namespaces(namespaces, document)
            yield from writer.add(document)
        yield from writer.finish(namespaces)
    finally:
        writer.spools.close()


def _learn_namespaces(namespaces: dict[str, str], document: ProvDocument) -> None:
    for bundle in (document, *document.bundles):
        default = bundle.get_default_namespace()
        found = [("", default.uri)] if default is not None else []
        found += [(ns.prefix, ns.uri) for ns in bundle.get_registered_namespaces()]
        for prefix, uri in found:
            known = namespaces.setdefault(prefix, uri)
            if known != uri:
                raise ValueError(
                    f"prefix {prefix!r} names both <{known}> and <{uri}> in one streamed document"
                )


class _ProvNWriter:
    def __init__(self) -> None:
        self.spools = _Spools()
        self.bundles: list[str] = []  # bundle names in order of first appearance

    def add(self, document: ProvDocument) -> Iterator[str]:
        """Spool a chunk's records; nothing can be written before the last chunk's prefixes."""
        self._add_records(None, document)
        for bundle in document.bundles:
            name = str(bundle.identifier)
            if name not in self.bundles:
                self.bundles.append(name)
            self._add_records(name, bundle)
        return iter(())

    def _add_records(self, group: str | None, bundle: ProvBundle) -> None:
        indent = "    " if group else "  "
        lines = "".join(f"{indent}{record.get_provn()}\n" for record in bundle.get_records())
        if lines:
            self.spools.write(group, lines)

    def finish(self, namespaces: dict[str, str]) -> Iterator[str]:
        yield "document\n" + _provn_prefixes(namespaces, "  ")
        if None in self.spools.files:
            yield from self.spools.read(None)
        for name in self.bundles:
            yield f"  bundle {name}\n"
            if name in self.spools.files:
                yield from self.spools.read(name)
            yield "  endBundle\n"
        yield "endDocument\n"


def _provn_prefixes(namespaces: dict[str, str], indent: str) -> str:
    lines = [
        f"{indent}default <{uri}>\n" if not prefix else f"{indent}prefix {prefix} <{uri}>\n"
        for prefix, uri in namespaces.items()
    ]
    return "".join(lines) + ("\n" if lines else "")


class _JsonWriter:
    """PROV-JSON: {"entity": {...}, "<section>": {...}, ..., "bundle": {...}, "prefix": ...}.

    Top-level entities are written as they come; every other section is spooled.

    One id may name several relations (an imported document may say `wasDerivedFrom(r1;
    ...)` twice), and those may come in different chunks; PROV-JSON then keys them once,
    with a list. So identified relations are spooled one per line with their key, and at
    the end only the keys seen more than once are gathered in memory.
    """

    def __init__(self) -> None:
        self.spools = _Spools()
        self.sections: dict[tuple[str | None, str], None] = {}  # in order of appearance
        # How often each (bundle, section, id) of an identified relation came.
        self.seen: dict[tuple[str | None, str, str], int] = {}
        self.anonymous = 0
        self.prefixes: dict[str, str] = {}  # as prov writes them (default namespace included)
        self.bundle_prefixes: dict[str, dict[str, str]] = {}
        self.started = False  # the opening of the document and its streamed section
        self.streamed = 0  # top-level entities written

    def add(self, document: ProvDocument) -> Iterator[str]:
        """Spool a chunk's records, and give the text of its top-level entities."""
        container = qualified_names_as_prov_type(encode_json_document(document))
        for prefix, uri in container.pop("prefix", {}).items():
            if self.prefixes.setdefault(prefix, uri) != uri:
                raise ValueError(f"prefix {prefix!r} names two namespaces in one document")
        for bundle_name, bundle_container in container.pop("bundle", {}).items():
            prefixes = self.bundle_prefixes.setdefault(bundle_name, {})
            prefixes.update(bundle_container.pop("prefix", {}))
            self._add_sections(bundle_name, bundle_container)
        streamed = container.pop(STREAMED_SECTION, {})
        self._add_sections(None, container)
        yield from self._start()
        pieces = [f"{json.dumps(key)}:{_dumps(content)}" for key, content in streamed.items()]
        if pieces:
            yield ("," if self.streamed else "") + ",".join(pieces)
            self.streamed += len(pieces)
        else:
            # JSON ignores whitespace between members: a chunk with no top-level entity
            # (a page of runs) still sends a byte, so a client's read timeout sees the
            # stream alive while the other sections are spooled.
            yield KEEP_ALIVE

    def _start(self) -> Iterator[str]:
        if not self.started:
            self.started = True
            yield f'{{"{STREAMED_SECTION}":{{'

    def _add_sections(self, bundle: str | None, container: dict[str, Any]) -> None:
        for section, records in container.items():
            self.sections.setdefault((bundle, section), None)
            pieces, identified = [], []
            for key, content in records.items():
                if key.startswith("_:"):
                    # prov numbers unidentified relations per document; number them once.
                    self.anonymous += 1
                    pieces.append(f'"_:id{self.anonymous}":{_dumps(content)}')
                elif section in ELEMENT_SECTIONS:
                    pieces.append(f"{json.dumps(key)}:{_dumps(content)}")
                else:
                    place = (bundle, section, key)
                    self.seen[place] = self.seen.get(place, 0) + 1
                    identified.append(f"{json.dumps(key)}\t{_dumps(content)}\n")
            if pieces:
                self.spools.write((bundle, section), ",".join(pieces), separator=",")
            if identified:
                self.spools.write((bundle, section, "identified"), "".join(identified))

    def finish(self, namespaces: dict[str, str]) -> Iterator[str]:
        yield from self._start()
        yield "}"
        yield from self._sections(None)
        names = list(self.bundle_prefixes)
        if names:
            yield ',"bundle":{'
            for position, name in enumerate(names):
                prefixes = _dumps(self.bundle_prefixes.get(name, {}))
                yield f'{"," if position else ""}{json.dumps(name)}:{{"prefix":{prefixes}'
                yield from self._sections(name)
                yield "}"
            yield "}"
        yield f',"prefix":{_dumps({**_json_prefixes(namespaces), **self.prefixes})}}}\n'

    def _sections(self, bundle: str | None) -> Iterator[str]:
        for where, section in self.sections:
            if where != bundle:
                continue
            yield f",{json.dumps(section)}:{{"
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
        gathered: dict[str, list[Any]] = {}
        for line in _lines(self.spools.read((bundle, section, "identified"))):
            key_json, content = line.split("\t", 1)
            key = json.loads(key_json)
            if self.seen[(bundle, section, key)] == 1:
                yield f"{key_json}:{content}"
                continue
            value = json.loads(content)
            gathered.setdefault(key, []).extend(value if isinstance(value, list) else [value])
        for key, contents in gathered.items():
            yield f"{json.dumps(key)}:{_dumps(contents)}"


def _lines(blocks: Iterator[str]) -> Iterator[str]:
    """Whole lines (without their newline) of text that arrives in blocks."""
    rest = ""
    for block in blocks:
        *lines, rest = (rest + block).split("\n")
        yield from lines
    if rest:
        yield rest


def _json_prefixes(namespaces: dict[str, str]) -> dict[str, str]:
    # PROV-JSON writes the default namespace under the key "default".
    return {prefix or "default": uri for prefix, uri in namespaces.items()}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
