"""Native `/prov`: export any part of the graph as a PROV document, import a document as
one record. HTTP-free; the routes call these.

Exports go through `prov_export` (ids as IRIs per the settings, never per request host):
- scope `record`: exactly what one record registered (its own node attributes, edges,
  namespaces and import notes), so an imported document exports back equal.
- scopes `upstream`/`downstream`/`both`: the nodes and edges `/lineage` answers for the same id
  and depth, nodes carrying what every record asserted of them.
- scope `all`: the whole graph, read page by page and written in bounded memory.
"""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Literal
from uuid import uuid4

from prov.model import ProvDocument

from graph_model import ProvGraph
from prov_export.chunked import CHUNKED, serialise_document_chunks
from prov_export.document import from_document, to_document
from prov_export.formats import Format
from prov_export.streaming import STREAMABLE, serialise_chunks
from service.errors import (
    BadRequest,
    Conflict,
    ContentTooLarge,
    InvalidInput,
    NotFound,
    field_error,
)
from service.export import id_policy
from service.lineage.lineage import LineageQuery, find_lineage
from service.prov import constraints, repository
from service.records.repository import RecordToWrite, StoredRecord, content_hash
from service.records.service import write_once
from service.settings import Settings
from service.store import Store
from service.validation import graph_problems

KIND = "prov_document"
PAGE_SIZE = 1000
# JSON-LD, which prov can only write from one whole document: the whole graph is built in
# memory for it, up to this many nodes.
IN_MEMORY_NODE_LIMIT = 50_000


# ---------------------------------------------------------------------------- export


async def record_text(store: Store, record_id: str, fmt: Format) -> str:
    """One record's document: exactly what it registered, namespaces and notes included."""
    graph = await store.read(repository.record_graph, record_id)
    if graph is None:
        raise NotFound(f"no record with id {record_id!r}")
    return await _write(fmt, graph, store)


async def _write(fmt: Format, graph: ProvGraph, store: Store) -> str:
    # Writing a large document takes a while: off the event loop, so other requests go on.
    return await asyncio.to_thread(fmt.write, graph, id_policy(store.settings))


@dataclass
class WholeGraph:
    """The whole graph as chunks: import notes first, then node pages in id order."""

    store: Store
    page_size: int = PAGE_SIZE
    # PROV-N must declare, before its first record, a namespace for every URI scheme.
    declare_schemes: bool = True

    async def chunks(self) -> AsyncIterator[ProvGraph]:
        """Notes and namespaces first (all a PROV-N header needs), then node pages.

        The next page is read while the current one is written: Neo4j answers in its own
        process, so reading and writing overlap instead of taking turns. Each page is its
        own read (README, "consistency"): no transaction stays open for the whole export.
        """
        notes = await self.store.read(repository.all_notes, self.declare_schemes)
        kept_by_node = _kept_records_by_node(notes.dangling)
        # Bundles and kept records no node chunk claims travel with the first chunk;
        # "undeclared" notes are per document: in the whole graph every node is declared.
        first = [n for n in notes.dangling if n["t"] == "bundle"]
        first += [n for n in notes.dangling if n["t"] == "record" and n["id"] not in kept_by_node]
        yield ProvGraph(namespaces=notes.namespaces, dangling=first)
        reading = self._read_page_after("")
        try:
            while True:
                page = await reading
                if not page.nodes:
                    return
                reading = self._read_page_after(next(reversed(page.nodes)))
                # A kept declaration goes with its node: records sharing an id share a chunk.
                page.dangling = [
                    note for node_id in page.nodes for note in kept_by_node.pop(node_id, [])
                ]
                page.namespaces = notes.namespaces
                yield page
        finally:
            reading.cancel()

    def _read_page_after(self, after: str) -> asyncio.Task[ProvGraph]:
        return asyncio.ensure_future(self.store.read(repository.node_page, after, self.page_size))

    async def in_memory(self) -> ProvGraph:
        whole = ProvGraph()
        async for chunk in self.chunks():
            whole.nodes.update(chunk.nodes)
            whole.edges.extend(chunk.edges)
            whole.namespaces = whole.namespaces or chunk.namespaces
            whole.dangling.extend(chunk.dangling)
            if len(whole.nodes) > IN_MEMORY_NODE_LIMIT:
                streamed = ", ".join(STREAMABLE + CHUNKED)
                raise BadRequest(
                    f"the whole graph has more than {IN_MEMORY_NODE_LIMIT} nodes; it streams "
                    f"only as one of {streamed}"
                )
        return whole


def _kept_records_by_node(dangling: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Identified kept records (an element declared again) by the id they declare."""
    kept: dict[str, list[dict[str, Any]]] = {}
    for note in dangling:
        if note["t"] == "record" and note["id"] and note["type"] in ELEMENT_KEYWORDS:
            kept.setdefault(note["id"], []).append(note)
    return kept


ELEMENT_KEYWORDS = ("entity", "activity", "agent")


async def whole_graph_text(store: Store, fmt: Format) -> AsyncIterator[str]:
    """The whole graph's document, piece by piece.

    PROV-JSON and PROV-N are written chunk by chunk as text (`serialise_chunks` spools
    what it cannot write yet to disk-backed buffers), PROV-XML, Turtle and TriG as one
    `prov` document per chunk, joined (`serialise_document_chunks`), so memory stays
    bounded; JSON-LD needs one document (up to `IN_MEMORY_NODE_LIMIT` nodes). The streamed
    formats start with the first chunk (the store's namespaces: PROV-N's prefixes), before
    any page is read. An error before the first piece is an HTTP error; one after it ends
    the response without its last chunk, so the client sees a cut-off body.
    """
    whole = WholeGraph(store, declare_schemes=fmt.name == "provn")
    policy = id_policy(store.settings)
    if fmt.name not in STREAMABLE + CHUNKED:
        document = to_document(await whole.in_memory(), policy)
        return _one_piece(fmt.serialise(document))
    loop = asyncio.get_running_loop()
    chunks = _blocking_iterator(whole.chunks(), loop)
    if fmt.name in STREAMABLE:
        pieces = serialise_chunks(chunks, fmt.name, policy)
    else:
        pieces = serialise_document_chunks(chunks, fmt.name, policy)
    try:
        first = await asyncio.to_thread(next, pieces, None)
    except ValueError as error:
        raise Conflict(f"the whole graph cannot be written as {fmt.name}: {error}") from error
    return _remaining(first, pieces)


async def _one_piece(text: str) -> AsyncIterator[str]:
    yield text


async def _remaining(first: str | None, pieces: Iterator[str]) -> AsyncIterator[str]:
    if first is not None:
        yield first
    while (piece := await asyncio.to_thread(next, pieces, None)) is not None:
        yield piece


def _blocking_iterator(
    chunks: AsyncIterator[ProvGraph], loop: asyncio.AbstractEventLoop
) -> Iterator[ProvGraph]:
    """Chunks for the serialiser, which runs in a worker thread, read on the event loop."""
    while True:
        future = asyncio.run_coroutine_threadsafe(anext(chunks, None), loop)
        chunk = future.result()
        if chunk is None:
            return
        yield chunk


# ---------------------------------------------------------------------------- import


@dataclass
class Imported:
    id: str
    nodes: int
    edges: int
    created: bool


def parse_document(text: str, fmt: Format) -> ProvDocument:
    """The document a request body holds; a 422 saying what is wrong when it holds none."""
    try:
        with warnings.catch_warnings():
            # prov warns about forms it will reject in future; the document is still read.
            warnings.simplefilter("ignore")
            document = fmt.parse(text)
    except Exception as error:  # prov's parsers raise many kinds; each means a bad body
        if used := dictionary_statements(text):
            raise InvalidInput(
                [_body_error(_dictionary_refusal(used), "prov_dictionary")]
            ) from error
        reason = str(error) or type(error).__name__
        raise InvalidInput(
            [_body_error(f"not a valid {fmt.name} PROV document: {reason}", "prov_syntax")]
        ) from error
    if not document.get_records() and not document.bundles:
        raise InvalidInput([_body_error("the PROV document holds no records", "prov_empty")])
    return document


# PROV-Dictionary (W3C Note) statements, by their PROV-N / PROV-JSON / PROV-XML names.
DICTIONARY_STATEMENTS = re.compile(
    r"\b(derivedByInsertionFrom|derivedByRemovalFrom|hadDictionaryMember)\b"
)


def dictionary_statements(text: str) -> list[str]:
    """The PROV-Dictionary statement names a document uses, each once, in order."""
    return list(dict.fromkeys(DICTIONARY_STATEMENTS.findall(text)))


def _dictionary_refusal(used: list[str]) -> str:
    # prov reads no PROV-Dictionary statement; storing them verbatim would give exports
    # that neither prov nor the lineage queries understand.
    return (
        f"the document uses PROV-Dictionary statements ({', '.join(used)}), an extension of "
        "PROV (W3C Note) that provgraph does not import; send them as PROV-DM statements "
        "(e.g. wasDerivedFrom, hadMember) or leave them out. Entities typed prov:Dictionary "
        "are fine."
    )


def _body_error(msg: str, kind: str) -> dict[str, Any]:
    return field_error((), msg, kind)


def document_graph(document: ProvDocument, store: Store, record_id: str) -> ProvGraph:
    try:
        graph = from_document(document, id_policy(store.settings), record_id)
    except (ValueError, KeyError, OverflowError) as error:
        message = f"cannot import the document: {error}"
        raise InvalidInput([_body_error(message, "prov_import")]) from error
    problems = graph_problems(graph)
    if problems:
        raise InvalidInput(problems)
    return graph


def validation_report(text: str, fmt: Format) -> dict[str, Any]:
    """Whether a document is valid under PROV-CONSTRAINTS, and every violation found."""
    return constraints.report(parse_document(text, fmt))


def refuse_invalid(document: ProvDocument) -> None:
    violations = constraints.validate(document)
    if violations:
        raise InvalidInput(
            [{**_body_error(v.message, "prov_constraints"), **v.as_dict()} for v in violations]
        )


async def import_document(
    store: Store,
    text: str,
    fmt: Format,
    caller: str,
    idempotency_key: str | None,
    strict: bool = False,
) -> Imported:
    """Write a PROV document as one record (kind `prov_document`, a fresh uuid) in one
    transaction; PROV's rules are checked by the writer (409 on a conflict). `strict`:
    a document invalid under PROV-CONSTRAINTS is refused (422) before anything is written."""
    record_id = str(uuid4())
    # Parsing a large document takes seconds: off the event loop, so other requests go on.
    document = await asyncio.to_thread(parse_document, text, fmt)
    admit(store.settings, document)
    if strict:
        refuse_invalid(document)
    graph = await asyncio.to_thread(document_graph, document, store, record_id)
    to_write = RecordToWrite(
        record_id,
        KIND,
        graph,
        text,
        caller,
        idempotency_key,
        extra={"media_type": fmt.media_type, "nodes": len(graph.nodes), "edges": len(graph.edges)},
    )
    earlier = await write_once(store, to_write)
    if earlier:
        return _replay(earlier, text, idempotency_key)
    return Imported(record_id, len(graph.nodes), len(graph.edges), created=True)


def admit(settings: Settings, document: ProvDocument) -> None:
    """PROVGRAPH_MAX_RECORDS, checked before Neo4j is touched: the largest document the
    default local Neo4j (512m heap) was measured to write (README, "Big writes")."""
    records = sum(1 for part in (document, *document.bundles) for _ in part.get_records())
    if records > settings.max_records:
        raise ContentTooLarge(
            f"The document holds {records:,} PROV records (elements and relations); at most "
            f"{settings.max_records:,} (PROVGRAPH_MAX_RECORDS) are imported at once. Nothing "
            "was written: split it into several documents, or raise PROVGRAPH_MAX_RECORDS "
            "together with PROVGRAPH_NEO4J_HEAP."
        )


def _replay(stored: StoredRecord, text: str, key: str | None) -> Imported:
    """The first answer to a re-sent import; another body under the same key is a conflict."""
    if stored.content_hash != content_hash(text):
        raise Conflict(
            f"Idempotency-Key {key!r} was already used by record "
            f"{stored.id!r} for a different body; use a new key for a new document."
        )
    return Imported(stored.id, stored.nodes, stored.edges, created=False)


# ---------------------------------------------------------------------------- lineage


async def lineage_text(
    store: Store,
    node_id: str,
    direction: Literal["upstream", "downstream", "both"],
    depth: int | None,
    fmt: Format,
) -> str:
    """Exactly the nodes and relations `/lineage` answers for this id, direction and depth:
    both are shaped from the same `Lineage`."""
    query = LineageQuery(root=node_id, direction=direction, depth=depth)
    found = await find_lineage(store, store.settings, query)
    graph = await store.read(repository.lineage_graph, found.node_ids, found.relation_ids)
    return await _write(fmt, graph, store)
