"""PROV-XML, Turtle and TriG of a graph arriving in chunks: each chunk written by `prov`
as a document of its own, the pieces joined into one, so the whole graph is never held.

Each format allows the join:

- Turtle and TriG take `@prefix` directives anywhere between statements, say everything
  about one IRI in any number of places, and (TriG) merge blocks of one named graph. Each
  chunk's text is the chunk's own document, prefixes included; its blank nodes have
  labels no other chunk uses (rdflib makes them unique).
- PROV-XML: every record element of a chunk is written out with the namespace
  declarations it needs on itself (lxml does that for an element taken out of its
  document), inside one `<prov:document>`. A bundle must be one `<prov:bundleContent>`,
  so the records of each bundle are spooled (disk past a limit) and written at the end.

JSON-LD is not joined this way (its `@context` comes first and names every prefix): the
whole graph is written in memory, up to a limit (`service.prov.service`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import IO, Any

from lxml import etree

from graph_model import ProvGraph
from prov_export.document import to_document
from prov_export.formats import FORMATS
from prov_export.ids import IdPolicy

CHUNKED = ("xml", "ttl", "trig")
PROV_NS = "http://www.w3.org/ns/prov#"
BUNDLE_CONTENT = f"{{{PROV_NS}}}bundleContent"
SPOOL_IN_MEMORY = 1024 * 1024
READ_BLOCK = 64 * 1024


def serialise_document_chunks(
    graph_chunks: Iterable[ProvGraph], fmt: str, policy: IdPolicy
) -> Iterator[str]:
    """One document of every chunk, in `fmt` (one of `CHUNKED`), piece by piece."""
    if fmt not in CHUNKED:
        raise ValueError(f"cannot join {fmt!r} documents; joinable formats: {', '.join(CHUNKED)}")
    write = FORMATS[fmt].serialise
    xml = _XmlJoin() if fmt == "xml" else None
    undeclared: list[dict[str, Any]] = []
    try:
        for chunk in graph_chunks:
            undeclared += [note for note in chunk.dangling if note["t"] == "undeclared"]
            notes = undeclared + [note for note in chunk.dangling if note["t"] != "undeclared"]
            text = write(to_document(replace(chunk, dangling=notes), policy))
            yield xml.add(text) if xml else text + "\n"
        if xml:
            yield from xml.finish()
    finally:
        if xml:
            xml.close()


class _XmlJoin:
    def __init__(self) -> None:
        self.started = False
        self.bundles: dict[str, tuple[str, IO[str]]] = {}  # IRI -> (opening tag, spool)

    def add(self, text: str) -> str:
        root = etree.fromstring(text.encode("utf-8"))
        pieces = []
        if not self.started:
            self.started = True
            declared = " ".join(
                f'xmlns:{prefix}="{uri}"'
                for prefix, uri in root.nsmap.items()
                if prefix in ("prov", "xsd", "xsi")
            )
            pieces.append(f"<?xml version='1.0' encoding='UTF-8'?>\n<prov:document {declared}>\n")
        for element in root:
            if element.tag == BUNDLE_CONTENT:
                self._spool_bundle(element)
            else:
                pieces.append(_text(element))
        return "".join(pieces)

    def _spool_bundle(self, element: Any) -> None:
        prefix, _, local = str(element.get(f"{{{PROV_NS}}}id")).partition(":")
        iri = element.nsmap.get(prefix, "") + local
        if iri not in self.bundles:
            shell = etree.Element(element.tag, attrib=dict(element.attrib), nsmap=element.nsmap)
            empty = etree.tostring(shell, encoding="unicode")
            opening = empty.removesuffix("/>") + ">\n"
            self.bundles[iri] = (opening, _spool())
        _, spool = self.bundles[iri]
        for record in element:
            spool.write(_text(record))

    def finish(self) -> Iterator[str]:
        for opening, spool in self.bundles.values():
            yield opening
            spool.seek(0)
            while block := spool.read(READ_BLOCK):
                yield block
            yield "</prov:bundleContent>\n"
        yield "</prov:document>\n"

    def close(self) -> None:
        for _, spool in self.bundles.values():
            spool.close()


def _spool() -> IO[str]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8")


def _text(element: Any) -> str:
    return str(etree.tostring(element, encoding="unicode", with_tail=False)) + "\n"
