"""The text writers (PROV-N, PROV-JSON straight from a graph): every value type the graph
can hold reads back as the document `prov` builds of the same graph (SPEC §6)."""

from __future__ import annotations

import datetime
import json
import warnings
from pathlib import Path

import prov.tests as prov_tests
import pytest
from prov.constants import XSD
from prov.identifier import Identifier, Namespace
from prov.model import Literal, ProvDocument

from graph_model import PROV, PROVGRAPH, Edge, Node, NodeRef, ProvGraph
from prov_export.document import documents_equal, from_document, to_document
from prov_export.formats import FORMATS
from prov_export.ids import IdPolicy
from prov_export.names import PrefixTable, UndeclaredNamespace
from prov_export.notes import KeptRecord, Notes
from prov_export.streaming import namespaces_in_use, provjson_text, serialise_chunks
from tests import prov_documents
from tests.unit.test_prov_export_document import EXAMPLES

POLICY = IdPolicy()
TEXT_FORMATS = ("provn", "json")
EX = Namespace("ex", "http://example.org/")
OTHER_EX = Namespace("ex", "http://other.example.org/terms#")  # the same prefix, another IRI
TZ = datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))

VALUES = {
    "plain": "a string",
    "empty": "",
    "quotes": "she said \"hi\" and 'bye'",
    "backslashes": "C:\\temp\\new \\\\ \\n not a newline",
    "newlines": "line one\nline two\r\nthree\ttabbed",
    "carriage_return": "before\rafter",
    "unicode": "Zürich ✓ 数据 🚀 \u00a0",
    "control": "bell\x07 and nul\x00 and esc\x1b",
    "triple_quotes": 'three """ quotes\nand a line',
    "true": True,
    "false": False,
    "zero": 0,
    "int32": 2**31 - 1,
    "negative_int32": -(2**31),
    "int64": 2**40,
    "negative_int64": -(2**62),
    "huge": 2**100,
    "negative_huge": -(10**30),
    "float": 1.5,
    "negative_float": -2.25e-7,
    "big_float": 1.7976931348623157e308,
    "infinity": float("inf"),
    "negative_zero": -0.0,
    "naive_time": datetime.datetime(2024, 2, 29, 13, 45, 1, 123456),
    "utc_time": datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    "offset_time": datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=TZ),
    "qualified_name": EX["thing"],
    "prov_name": PROV["Person"],
    "clashing_prefix": OTHER_EX["term"],
    "iri": Identifier("https://example.org/some/page?q=1#frag"),
    "typed_literal": Literal("42", XSD["long"]),
    "int_literal": Literal("7", XSD["int"]),
    "custom_datatype": Literal("3 apples", EX["count"]),
    "decimal": Literal("10.50", XSD["decimal"]),
    "lang": Literal("colour", langtag="en-GB"),
    "lang_unicode": Literal('données\n"x"', langtag="fr"),
    "node_ref": NodeRef("10378.1/plan"),
}
# Ids PROV-N writes with escapes (`\(`, `\:`, a leading `\-`, a trailing `\.`) and ids
# under every kind of namespace: the service's base, handles, absolute IRIs, blank ids.
IDS = [
    "run-1",
    "10378.1/plan",
    "10378.1/data(set)=1;v2,[x]",
    "-leading",
    "trailing.",
    "a:b:c",
    "https://orcid.org/0000-0002-1825-0097",
    "s3://bucket/raw/2024/a.csv",
    "urn:uuid:2b3f7c1e-6f0e-4a5e-9d3a-1f2e3d4c5b6a",
    "urn:provgraph:blank:rec-1:b1",
    "Zürich-데이터",
]


@pytest.fixture(autouse=True)
def _quiet_prov() -> None:
    warnings.simplefilter("ignore")


def every_value_graph() -> ProvGraph:
    """Each value type on a node and a relation, multi-valued attributes, bundles, relation
    ids used twice, relations without an id and the notes an import keeps."""
    graph = ProvGraph(namespaces={"ex": EX.uri})
    for number, node_id in enumerate(IDS):
        graph.add_node(Node(node_id, ("Entity",), attributes=[(EX["n"], number)]))
    graph.add_node(
        Node(
            "run-2",
            ("Activity",),
            label="Run ✓",
            start_time=1_700_000_000.5,
            attributes=[(EX[name], value) for name, value in VALUES.items()]
            + [(PROV["type"], EX["first"]), (PROV["type"], EX["second"])]
            + [(PROV["label"], "one label"), (PROV["label"], Literal("un", langtag="fr"))],
        )
    )
    graph.add_node(
        Node("agent-1", ("Agent", "Entity"), "Person", attributes=[(PROV["type"], PROV["Person"])])
    )
    graph.add_node(Node("in-bundle", ("Entity",), bundle="bundle-1", attributes=[(EX["x"], 1)]))
    for target in IDS:
        graph.add_edge(Edge("USED", "run-2", target, attributes=[(PROV["role"], "input")]))
    graph.add_edge(
        Edge(
            "WAS_GENERATED_BY",
            "trailing.",
            "run-2",
            relation_id="gen-1",
            attributes=[
                (PROV["time"], VALUES["offset_time"]),
                *[(EX[name], value) for name, value in VALUES.items()],
            ],
        )
    )
    graph.add_edge(Edge("WAS_DERIVED_FROM", "run-1", "-leading", relation_id="d-1"))
    graph.add_edge(
        Edge("WAS_DERIVED_FROM", "a:b:c", "-leading", relation_id="d-1", attributes=[(EX["y"], 2)])
    )
    graph.add_edge(
        Edge(
            "WAS_ASSOCIATED_WITH",
            "run-2",
            "agent-1",
            attributes=[(PROV["plan"], NodeRef("10378.1/plan")), (PROV["role"], "modeller")],
        )
    )
    graph.add_edge(Edge("WAS_ATTRIBUTED_TO", "in-bundle", "agent-1", bundle="bundle-1"))
    notes = Notes(
        records=[
            KeptRecord(
                "wasGeneratedBy",
                None,
                [
                    (PROV["entity"], NodeRef("run-1")),
                    (PROV["activity"], None),
                    (PROV["time"], VALUES["utc_time"]),
                ],
                [],
                None,
            ),
            KeptRecord("entity", "run-1", [], [(EX["again"], "declared twice")], "bundle-2"),
        ],
        undeclared={"agent-1": ["Entity"]},
        bundles=["bundle-1", "bundle-2", "empty-bundle"],
    )
    graph.dangling = notes.encode()
    return graph


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_every_value_type_reads_back_as_prov_builds_it(fmt: str) -> None:
    graph = every_value_graph()
    expected = to_document(graph, POLICY)
    text = FORMATS[fmt].write(graph, POLICY)
    assert documents_equal(FORMATS[fmt].parse(text), expected)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_every_value_type_streamed_in_pages_reads_back_the_same(fmt: str) -> None:
    graph = every_value_graph()
    first = ProvGraph(namespaces=namespaces_in_use(graph, POLICY), dangling=graph.dangling)
    nodes = list(graph.nodes.values())
    pages = [first] + [
        ProvGraph(
            nodes={node.id: node for node in nodes[i : i + 3]},
            edges=[edge for edge in graph.edges if edge.source in {n.id for n in nodes[i : i + 3]}],
        )
        for i in range(0, len(nodes), 3)
    ]
    text = "".join(serialise_chunks(pages, fmt, POLICY))
    assert documents_equal(FORMATS[fmt].parse(text), to_document(graph, POLICY))


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_imported_examples_write_back_equal(name: str, fmt: str) -> None:
    document = EXAMPLES[name]()
    graph = from_document(document, POLICY, "rec-1")
    assert documents_equal(FORMATS[fmt].parse(FORMATS[fmt].write(graph, POLICY)), document)


def test_ids_prov_n_cannot_hold_read_back_as_prov_writes_them() -> None:
    # A space in an IRI, or a combining mark first in a local part, has no PN_LOCAL
    # spelling: prov percent-encodes it (and warns), and so does the text writer. A quote
    # is escaped and reads back as it was.
    ids = ["https://example.org/a b", "https://example.org/it's", "urn:x:\u0301x"]
    graph = ProvGraph(nodes={node_id: Node(node_id, ("Entity",)) for node_id in ids})
    ours = FORMATS["provn"].parse(FORMATS["provn"].write(graph, POLICY))
    theirs = FORMATS["provn"].parse(FORMATS["provn"].serialise(to_document(graph, POLICY)))
    read = {_uri(record.identifier) for record in ours.get_records()}
    assert read == {_uri(record.identifier) for record in theirs.get_records()}
    assert read == {"https://example.org/a%20b", "https://example.org/it's", "urn:x:%CC%81x"}


def _uri(identifier: Identifier | None) -> str:
    assert identifier is not None
    return identifier.uri


def test_json_types_values_as_prov_and_provtoolbox_read_them() -> None:
    graph = ProvGraph()
    attributes = [(EX[name], VALUES[name]) for name in ("int32", "huge", "infinity", "iri")]
    attributes += [(EX["name"], EX["thing"]), (EX["lang"], VALUES["lang"]), (EX["flag"], True)]
    graph.add_node(Node("e", ("Entity",), attributes=attributes))
    (entity,) = json.loads(FORMATS["json"].write(graph, POLICY))["entity"].values()
    assert entity == {
        "ex:int32": {"$": "2147483647", "type": "xsd:int"},
        "ex:huge": {"$": str(2**100), "type": "xsd:integer"},
        "ex:infinity": {"$": "INF", "type": "xsd:double"},
        "ex:iri": {"$": "https://example.org/some/page?q=1#frag", "type": "xsd:anyURI"},
        "ex:name": {"$": "ex:thing", "type": "prov:QUALIFIED_NAME"},
        "ex:lang": {"$": "colour", "lang": "en-GB"},
        "ex:flag": True,
    }


def test_provn_declares_every_prefix_before_the_first_record() -> None:
    graph = every_value_graph()
    text = FORMATS["provn"].write(graph, POLICY)
    header, _, body = text.partition("\n\n")
    declared = {
        line.split()[1] for line in header.splitlines() if line.strip().startswith("prefix")
    }
    assert not any(line.strip().startswith("prefix") for line in body.splitlines())
    assert {"ex", "pg", "hdl", "provgraph"} <= declared
    assert "ex_1" in declared  # the second `ex` namespace, renamed


def test_a_frozen_table_refuses_a_namespace_it_did_not_declare() -> None:
    table = PrefixTable(POLICY, {"ex": EX.uri}, frozen=True)
    assert table.name(EX["a"]) == ("ex", "a")
    assert table.node("run-1") == ("pg", "run-1")
    with pytest.raises(UndeclaredNamespace, match="not known"):
        table.add("other", "http://other.example.org/")
    with pytest.raises(UndeclaredNamespace, match="under no namespace"):
        table.node("https://orcid.org/1")
    # An IRI under a declared scheme namespace is written under it.
    with_schemes = PrefixTable(POLICY, {"s": "https:"}, frozen=True)
    assert with_schemes.node("https://orcid.org/1") == ("s", "//orcid.org/1")
    assert with_schemes.name(PROVGRAPH["x"]) == ("provgraph", "x")


def test_streamed_provn_with_a_late_namespace_ends_early() -> None:
    # A namespace written to the store after the export read its prefixes cannot be
    # declared any more: the stream stops (the client sees a cut-off body), never writes
    # a record whose prefix it did not declare.
    first = ProvGraph(nodes={"a": Node("a", ("Entity",))})
    late = ProvGraph(
        nodes={"https://late.example.org/b": Node("https://late.example.org/b", ("Entity",))}
    )
    pieces = serialise_chunks([first, late], "provn", POLICY)
    assert next(pieces).startswith("document")
    with pytest.raises(UndeclaredNamespace):
        next(pieces)


def test_primer_with_bundles_writes_back_equal() -> None:
    document = prov_documents.bundles1()
    graph = from_document(document, POLICY, "rec-1")
    for fmt in TEXT_FORMATS:
        assert documents_equal(FORMATS[fmt].parse(FORMATS[fmt].write(graph, POLICY)), document)


CORPUS = Path(prov_tests.__file__).parent
CORPUS_FILES = sorted(CORPUS.glob("json/*.json")) + sorted(CORPUS.glob("provn/**/*.provn"))


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_prov_package_corpus_writes_back_equal(fmt: str) -> None:
    # The prov package's own test documents (ProvToolbox's corpus in PROV-JSON, the spec's
    # PROV-N examples): every one provgraph imports reads back equal from the text writer.
    checked, unequal = 0, []
    for path in CORPUS_FILES:
        source = "json" if path.suffix == ".json" else "provn"
        try:
            document = ProvDocument.deserialize(str(path), format=source)
            graph = from_document(document, POLICY, "rec-1")
        except Exception:  # malformed on purpose (the corpus tests prov's own errors)
            continue
        checked += 1
        if not documents_equal(FORMATS[fmt].parse(FORMATS[fmt].write(graph, POLICY)), document):
            unequal.append(path.name)
    assert unequal == []
    assert checked >= 850


def test_provjson_text_is_the_streamed_document_of_one_chunk() -> None:
    # The register answer's writer (no spools) and the streamed export's agree, member for
    # member, on every document of the corpus and the primer with bundles.
    graphs = [from_document(prov_documents.bundles1(), POLICY, "rec-1"), every_value_graph()]
    for path in sorted(CORPUS.glob("json/*.json")):
        try:
            graphs.append(from_document(ProvDocument.deserialize(str(path)), POLICY, "rec-1"))
        except Exception:  # malformed on purpose (the corpus tests prov's own errors)
            continue
    for graph in graphs:
        streamed = "".join(serialise_chunks([graph], "json", POLICY))
        assert json.loads(provjson_text(graph, POLICY)) == json.loads(streamed)
    assert len(graphs) > 300
