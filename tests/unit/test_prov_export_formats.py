"""Export formats (SPEC §6): the registry, Accept negotiation, and streamed PROV-N/PROV-JSON."""

from __future__ import annotations

import datetime
import json
import warnings
from collections.abc import Iterator

import pytest
from prov.identifier import Namespace
from prov.model import Literal

from graph_model import PROV, PROVGRAPH, Edge, Node, NodeRef, ProvGraph
from prov_export.chunked import serialise_document_chunks
from prov_export.document import documents_equal, from_document, to_document
from prov_export.formats import FORMATS, UnknownFormat, format_for_media_type, get_format
from prov_export.ids import IdPolicy
from prov_export.streaming import namespaces_in_use, serialise_chunks
from tests import prov_documents
from tests.unit.test_prov_export_document import EXAMPLES

POLICY = IdPolicy()
LOSSLESS = ("json", "provn", "xml")


@pytest.fixture(autouse=True)
def _quiet_prov() -> None:
    warnings.simplefilter("ignore")


def test_registry_entries() -> None:
    assert {name: (f.media_type, f.suffix) for name, f in FORMATS.items()} == {
        "json": ("application/json", ".json"),
        "provn": ("text/provenance-notation", ".provn"),
        "xml": ("application/xml", ".provx"),
        "ttl": ("text/turtle", ".ttl"),
        "trig": ("application/trig", ".trig"),
        "jsonld": ("application/ld+json", ".jsonld"),
    }
    with pytest.raises(UnknownFormat, match="known formats: json, provn"):
        get_format("dot")


@pytest.mark.parametrize(
    ("accept", "name"),
    [
        ("application/json", "json"),
        ("text/provenance-notation", "provn"),
        ("application/xml", "xml"),
        ("application/provenance+xml", "xml"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/json; charset=utf-8", "json"),
        ("text/html, text/turtle;q=0.5, text/provenance-notation;q=0.9", "provn"),
        ("*/*", "json"),
        ("", "json"),
        (None, "json"),
        ("TEXT/Turtle", "ttl"),
    ],
)
def test_format_for_media_type(accept: str | None, name: str) -> None:
    chosen = format_for_media_type(accept)
    assert chosen is not None and chosen.name == name


def test_format_for_media_type_refuses_what_we_cannot_write() -> None:
    assert format_for_media_type("text/html") is None
    assert format_for_media_type("application/json;q=0") is None


@pytest.mark.parametrize("fmt", LOSSLESS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_lossless_formats_parse_back_equal(name: str, fmt: str) -> None:
    document = to_document(from_document(EXAMPLES[name](), POLICY, "rec-1"), POLICY)
    text = FORMATS[fmt].serialise(document)
    assert documents_equal(FORMATS[fmt].parse(text), document)


def test_turtle_keeps_records_but_not_bundles() -> None:
    document = prov_documents.primer_example()
    assert documents_equal(FORMATS["ttl"].parse(FORMATS["ttl"].serialise(document)), document)
    with_bundles = prov_documents.bundles1()
    assert not documents_equal(
        FORMATS["ttl"].parse(FORMATS["ttl"].serialise(with_bundles)), with_bundles
    )
    assert documents_equal(
        FORMATS["trig"].parse(FORMATS["trig"].serialise(with_bundles)), with_bundles
    )


def test_jsonld_round_trip() -> None:
    document = prov_documents.primer_example()
    text = FORMATS["jsonld"].serialise(document)
    assert documents_equal(FORMATS["jsonld"].parse(text), document)


# -------------------------------------------------------------------------- streaming


def generated_graph(size: int) -> ProvGraph:
    """A lineage chain of runs and datasets, `size` nodes, with every kind of id and value."""
    graph = ProvGraph(namespaces={"ex": "http://example.org/"})
    people = [f"https://orcid.org/0000-0000-0000-{i:04d}" for i in range(5)]
    for person in people:
        graph.add_node(
            Node(person, ("Agent",), "Person", attributes=[(PROV["type"], PROV["Person"])])
        )
    graph.add_node(
        Node("10378.1/plan", ("Entity",), "Plan", attributes=[(PROV["type"], PROV["Plan"])])
    )
    previous = "10378.1/seed"
    graph.add_node(Node(previous, ("Entity",), "Dataset"))
    start = 1_700_000_000.0
    while len(graph.nodes) < size:
        n = len(graph.nodes)
        run, output = f"run-{n}", f"10378.1/ds-{n}"
        graph.add_node(
            Node(
                run,
                ("Activity",),
                "ModelRun",
                label=f"Run {n} ✓",
                start_time=start + n,
                end_time=start + n + 0.25,
                attributes=[
                    (PROV["type"], PROVGRAPH["ModelRun"]),
                    (PROVGRAPH["model_version"], n),
                    (Namespace("ex", "http://example.org/")["score"], n / 7),
                    (PROVGRAPH["tag"], Literal(f"t{n}", langtag="en")),
                ],
            )
        )
        graph.add_node(Node(output, ("Entity",), "Dataset", label=f"dataset {n}"))
        person = people[n % len(people)]
        generated_at = datetime.datetime.fromtimestamp(start + n + 0.25, tz=datetime.UTC)
        graph.add_edge(Edge("USED", run, previous, attributes=[(PROV["role"], "input")]))
        graph.add_edge(
            Edge("WAS_GENERATED_BY", output, run, attributes=[(PROV["time"], generated_at)])
        )
        graph.add_edge(
            Edge(
                "WAS_ASSOCIATED_WITH",
                run,
                person,
                attributes=[(PROV["plan"], NodeRef("10378.1/plan")), (PROV["role"], "modeller")],
            )
        )
        graph.add_edge(Edge("WAS_DERIVED_FROM", output, previous, relation_id=f"derivation-{n}"))
        previous = output
    return graph


def in_chunks(graph: ProvGraph, size: int) -> list[ProvGraph]:
    """The graph as pages of nodes, then pages of edges, as a store would read it.

    The namespaces and notes of the graph's record come first, with the first page: every
    namespace the document uses, as the store reads them before its first page.
    """
    nodes, chunks = list(graph.nodes.values()), []
    for i in range(0, len(nodes), size):
        chunks.append(ProvGraph(nodes={n.id: n for n in nodes[i : i + size]}))
    for i in range(0, len(graph.edges), size):
        chunks.append(ProvGraph(edges=graph.edges[i : i + size]))
    chunks[0].namespaces = namespaces_in_use(graph, POLICY)
    chunks[0].dangling = graph.dangling
    return chunks


@pytest.mark.parametrize("fmt", ["provn", "json"])
def test_streamed_large_graph_parses_back_equal_to_one_shot(fmt: str) -> None:
    graph = generated_graph(5000)
    document = to_document(graph, POLICY)
    # Parsing 15k records of PROV-N takes seconds; that the one-shot PROV-N parses back
    # equal to its document is pinned on the small examples above.
    one_shot = FORMATS[fmt].parse(FORMATS[fmt].serialise(document)) if fmt == "json" else document
    pieces = list(serialise_chunks(in_chunks(graph, 700), fmt, POLICY))
    assert len(pieces) > 2
    streamed = FORMATS[fmt].parse("".join(pieces))
    assert len(prov_documents.records(streamed)) == len(prov_documents.records(one_shot)) > 5000
    assert documents_equal(streamed, one_shot)


@pytest.mark.parametrize("fmt", ["provn", "json"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_streamed_imports_parse_back_equal(name: str, fmt: str) -> None:
    document = EXAMPLES[name]()
    graph = from_document(document, POLICY, "rec-1")
    text = "".join(serialise_chunks(in_chunks(graph, 2), fmt, POLICY))
    assert documents_equal(FORMATS[fmt].parse(text), document)


def test_streamed_json_sends_a_piece_for_every_chunk_even_without_entities() -> None:
    # Pages of runs hold no top-level entity; each still sends whitespace, so a client's
    # read timeout never meets a silent stream while the other sections are spooled.
    graph = generated_graph(600)
    runs = [node for node in graph.nodes.values() if node.classes == ("Activity",)]
    pages = [ProvGraph(nodes={node.id: node}) for node in runs[:50]]
    pieces = list(serialise_chunks(pages, "json", POLICY))
    assert len(pieces) > len(pages)
    assert all(piece for piece in pieces[: len(pages)])
    assert len(list(FORMATS["json"].parse("".join(pieces)).get_records())) == 50


def test_streaming_refuses_formats_it_cannot_write_incrementally() -> None:
    with pytest.raises(ValueError, match="streamable formats: provn, json"):
        list(serialise_chunks([ProvGraph()], "xml", POLICY))


def test_streaming_keys_one_relation_id_split_across_chunks_once() -> None:
    # An imported document may use one relation id twice; its relations may land in two
    # export chunks. PROV-JSON then keys the id once, with the list of both.
    first, second = ProvGraph(), ProvGraph()
    first.add_edge(Edge("USED", "a", "e", relation_id="u1"))
    second.add_edge(Edge("USED", "a", "f", relation_id="u1"))
    second.add_edge(Edge("USED", "a", "g", relation_id="u2"))
    text = "".join(serialise_chunks([first, second], "json", POLICY))
    used = json.loads(text)["used"]
    assert sorted(used) == ["pg:u1", "pg:u2"]
    assert [entry["prov:entity"] for entry in used["pg:u1"]] == ["pg:e", "pg:f"]
    document = FORMATS["json"].parse(text)
    assert len([r for r in document.get_records() if r.is_relation()]) == 3


@pytest.mark.parametrize(("fmt", "chunks_before_first_piece"), [("json", 1), ("provn", 1)])
def test_both_formats_start_with_the_first_chunk(fmt: str, chunks_before_first_piece: int) -> None:
    # A whole-graph export must not be silent while the store is read: the first piece
    # leaves once the first chunk is read, PROV-N's too (its prefixes are known up front).
    graph = generated_graph(500)
    read: list[int] = []

    def chunks() -> Iterator[ProvGraph]:
        for number, chunk in enumerate(in_chunks(graph, 400)):
            read.append(number)
            yield chunk

    pieces = serialise_chunks(chunks(), fmt, POLICY)
    first = next(pieces)
    assert len(read) == chunks_before_first_piece
    text = first + "".join(pieces)
    assert documents_equal(FORMATS[fmt].parse(text), to_document(graph, POLICY))


# ------------------------------------------------------- joined per-chunk prov documents


# prov's RDF reader names this example's unidentified usage after its blank node, a new
# name on every reading: two readings of one TriG text already differ.
RDF_NAMES_ITS_USAGE = "Default namespace attributes"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        (name, fmt)
        for name in EXAMPLES
        for fmt in ("xml", "trig")
        if not (fmt == "trig" and name == RDF_NAMES_ITS_USAGE)
    ],
)
def test_joined_chunks_read_back_as_the_one_shot_document(name: str, fmt: str) -> None:
    # PROV-XML and TriG of the whole graph are one prov document per page, joined: they
    # read back as the document written in one piece (bundles included).
    graph = from_document(EXAMPLES[name](), POLICY, "rec-1")
    joined = "".join(serialise_document_chunks(in_chunks(graph, 2), fmt, POLICY))
    one_shot = FORMATS[fmt].parse(FORMATS[fmt].serialise(to_document(graph, POLICY)))
    assert documents_equal(FORMATS[fmt].parse(joined), one_shot)


@pytest.mark.parametrize("fmt", ["xml", "ttl", "trig"])
def test_joined_chunks_of_a_large_graph_read_back_whole(fmt: str) -> None:
    # Small for RDF (prov reads Turtle slowly); still several pages of nodes and of edges.
    graph = generated_graph(600)
    pieces = list(serialise_document_chunks(in_chunks(graph, 150), fmt, POLICY))
    assert len(pieces) > 5
    joined = FORMATS[fmt].parse("".join(pieces)).unified()
    one_shot = FORMATS[fmt].parse(FORMATS[fmt].serialise(to_document(graph, POLICY))).unified()
    assert documents_equal(joined, one_shot)


def test_joined_xml_keeps_each_bundle_in_one_element() -> None:
    graph = from_document(prov_documents.bundles1(), POLICY, "rec-1")
    joined = "".join(serialise_document_chunks(in_chunks(graph, 1), "xml", POLICY))
    assert joined.count("<prov:bundleContent") == len(list(prov_documents.bundles1().bundles)) == 2
    assert documents_equal(FORMATS["xml"].parse(joined), prov_documents.bundles1())
