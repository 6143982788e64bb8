"""ProvGraph <-> ProvDocument (SPEC §6): what was imported exports back equal."""

from __future__ import annotations

import datetime
import json
import warnings
from collections.abc import Callable
from decimal import Decimal

import pytest
from prov.constants import XSD, XSD_ANYURI, XSD_DECIMAL, XSD_LONG
from prov.identifier import Identifier, Namespace
from prov.model import Literal, ProvDocument
from prov.tests import examples

from graph_model import PROV, PROVGRAPH, Edge, Node, NodeRef, ProvGraph
from prov_export.document import content_key, documents_equal, from_document, to_document
from prov_export.ids import IdPolicy
from prov_export.values import decode_attributes, encode_attributes
from tests import prov_documents

POLICY = IdPolicy()
EX = Namespace("ex", "http://example.org/")
UTC = datetime.UTC
PLUS_TWO = datetime.timezone(datetime.timedelta(hours=2))


@pytest.fixture(autouse=True)
def _quiet_prov() -> None:
    # prov warns about forms it will reject in future versions; these tests build them.
    warnings.simplefilter("ignore")


# --------------------------------------------------------------------------- documents


def absent_arguments() -> ProvDocument:
    """wasGeneratedBy(e, -, t) and wasStartedBy with no trigger: relations with no edge."""
    doc = ProvDocument()
    doc.add_namespace(EX)
    doc.entity(EX["e"])
    doc.activity(EX["a"], datetime.datetime(2020, 1, 1, tzinfo=UTC))
    doc.wasGeneratedBy(EX["e"], None, datetime.datetime(2020, 1, 1, 12))
    doc.wasStartedBy(EX["a"], None, EX["starter"], datetime.datetime(2020, 1, 1, tzinfo=PLUS_TWO))
    doc.wasEndedBy(EX["a"], EX["e"], None, None, identifier=EX["end1"])
    return doc


def every_datatype() -> ProvDocument:
    """One entity holding each kind of value a prov record can hold after coercion."""
    doc = ProvDocument()
    doc.add_namespace(EX)
    values = [
        "plain",
        "",
        "multi\nline\n",
        "unicode: Huỳnh Trung Đông ✓",
        "ex:looks-like-a-qname",
        42,
        -(2**70),
        True,
        False,
        0.1,
        1 / 3,
        1e300,
        -0.0,
        float("inf"),
        datetime.datetime(2012, 12, 12, 14, 7, 48),
        datetime.datetime(2012, 12, 12, 14, 7, 48, 123456, tzinfo=UTC),
        datetime.datetime(2012, 12, 12, 14, 7, 48, tzinfo=PLUS_TWO),
        Literal("123456789000", XSD_LONG),
        Literal(Decimal("10.50"), XSD_DECIMAL),
        Literal("a token", XSD["token"]),
        Literal("colour", langtag="en-GB"),
        Literal("custom", EX["myType"]),
        EX["aQualifiedName"],
        PROV["Plan"],
        Identifier("http://example.org/an/uri"),
        Literal("http://example.org/x", XSD_ANYURI),
    ]
    doc.entity(EX["zoo"], [(EX[f"v{i}"], value) for i, value in enumerate(values)])
    doc.entity(EX["multi"], [(EX["tag"], "a"), (EX["tag"], "b"), (EX["tag"], 3)])
    return doc


def every_record_type() -> ProvDocument:
    """All 18 record types, every formal argument given, identified and not."""
    doc = ProvDocument()
    doc.add_namespace(EX)
    t = datetime.datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    doc.entity(EX["e1"], {PROV["type"]: PROV["Collection"]})
    doc.entity(EX["e2"])
    doc.entity(EX["plan"], {PROV["type"]: PROV["Plan"]})
    doc.activity(EX["a1"], t, t, {PROV["label"]: "first"})
    doc.activity(EX["a2"])
    doc.agent(EX["ag1"], {PROV["type"]: PROV["Person"]})
    doc.agent(EX["ag2"], {PROV["type"]: PROV["Organization"]})
    doc.used(EX["a1"], EX["e1"], t, EX["u1"], {PROV["role"]: "input"})
    doc.used(EX["a2"], EX["e1"])
    doc.wasGeneratedBy(EX["e2"], EX["a1"], t, EX["g1"])
    doc.wasInformedBy(EX["a2"], EX["a1"])
    doc.wasStartedBy(EX["a2"], EX["e1"], EX["a1"], t, EX["s1"])
    doc.wasEndedBy(EX["a2"], EX["e1"], EX["a1"], t)
    doc.wasInvalidatedBy(EX["e1"], EX["a2"], t)
    doc.wasDerivedFrom(EX["e2"], EX["e1"], EX["a1"], EX["g1"], EX["u1"], EX["d1"])
    doc.wasDerivedFrom(EX["e2"], EX["e1"], other_attributes={PROV["type"]: PROV["Revision"]})
    doc.wasAttributedTo(EX["e2"], EX["ag1"])
    doc.wasAssociatedWith(EX["a1"], EX["ag1"], EX["plan"], EX["as1"], {PROV["role"]: "lead"})
    doc.wasAssociatedWith(EX["a2"], EX["ag2"])
    doc.actedOnBehalfOf(EX["ag1"], EX["ag2"], EX["a1"])
    doc.wasInfluencedBy(EX["a2"], EX["ag1"])
    doc.specializationOf(EX["e2"], EX["e1"])
    doc.alternateOf(EX["e1"], EX["e2"])
    doc.hadMember(EX["e1"], EX["e2"])
    bundle = doc.bundle(EX["b1"])
    bundle.entity(EX["e3"])
    bundle.mentionOf(EX["e3"], EX["e2"], EX["b1"])
    return doc


EXAMPLES: dict[str, Callable[[], ProvDocument]] = {
    **dict(examples.tests),
    "primer_example_alternate": examples.primer_example_alternate,
    "absent arguments": absent_arguments,
    "every datatype": every_datatype,
    "every record type": every_record_type,
}


def stored(graph: ProvGraph) -> ProvGraph:
    """The graph as the database gives it back: attributes, namespaces and notes as JSON."""
    return ProvGraph(
        nodes={
            node_id: Node(
                node.id,
                node.classes,
                node.kind,
                node.label,
                node.start_time,
                node.end_time,
                decode_attributes(encode_attributes(node.attributes)),
                node.bundle,
            )
            for node_id, node in graph.nodes.items()
        },
        edges=[
            Edge(
                edge.type,
                edge.source,
                edge.target,
                edge.key,
                edge.relation_id,
                decode_attributes(encode_attributes(edge.attributes)),
                edge.bundle,
            )
            for edge in graph.edges
        ],
        namespaces=json.loads(json.dumps(graph.namespaces)),
        dangling=json.loads(json.dumps(graph.dangling)),
    )


# ------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", EXAMPLES)
def test_imported_document_exports_back_equal(name: str) -> None:
    document = EXAMPLES[name]()
    graph = from_document(document, POLICY, "rec-1")
    assert documents_equal(to_document(graph, POLICY), document)


@pytest.mark.parametrize("name", EXAMPLES)
def test_imported_document_exports_back_equal_after_storage(name: str) -> None:
    document = EXAMPLES[name]()
    graph = stored(from_document(document, POLICY, "rec-1"))
    assert documents_equal(to_document(graph, POLICY), document)


@pytest.mark.parametrize("name", EXAMPLES)
def test_export_then_import_names_the_same_nodes_and_edges(name: str) -> None:
    graph = from_document(EXAMPLES[name](), POLICY, "rec-1")
    again = from_document(to_document(graph, POLICY), POLICY, "rec-2")
    assert set(again.nodes) == set(graph.nodes)
    assert {(e.type, e.source, e.target, e.key) for e in again.edges} == {
        (e.type, e.source, e.target, e.key) for e in graph.edges
    }


def test_prov_equality_counts_a_declaration_the_document_did_not_make() -> None:
    # Why referenced-only elements must not be declared on export.
    document = ProvDocument()
    document.used(EX["a"], EX["e"])
    declared = ProvDocument()
    declared.used(EX["a"], EX["e"])
    declared.entity(EX["e"])
    assert not documents_equal(document, declared)


# ---------------------------------------------------------------------------- import


def test_relation_arguments_become_nodes_of_the_implied_class() -> None:
    document = ProvDocument()
    document.used(EX["a"], EX["e"], identifier=EX["u"])
    document.wasAssociatedWith(EX["a"], EX["ag"], EX["plan"])
    graph = from_document(document, POLICY, "rec-1")
    classes = {node_id: node.classes for node_id, node in graph.nodes.items()}
    assert classes == {
        "http://example.org/a": ("Activity",),
        "http://example.org/e": ("Entity",),
        "http://example.org/ag": ("Agent",),
        "http://example.org/plan": ("Entity",),
    }
    exported = to_document(graph, POLICY)
    assert not [record for record in exported.get_records() if record.is_element()]


def test_node_fields_from_declarations() -> None:
    document = ProvDocument()
    start = datetime.datetime(2020, 1, 1, 10, tzinfo=PLUS_TWO)
    document.activity(EX["run"], start, datetime.datetime(2020, 1, 1, 9), {PROV["label"]: "Run"})
    document.entity(EX["plan"], {PROV["type"]: PROV["Plan"]})
    document.agent(EX["bot"], [(PROV["type"], EX["Thing"]), (PROV["type"], PROV["SoftwareAgent"])])
    document.entity(EX["bot"], [(PROV["type"], EX["Thing"]), (PROV["type"], PROV["SoftwareAgent"])])
    graph = from_document(document, POLICY, "rec-1")
    run = graph.nodes["http://example.org/run"]
    assert (run.label, run.start_time, run.end_time) == ("Run", 1577865600.0, 1577869200.0)
    assert graph.nodes["http://example.org/plan"].kind == "Plan"
    bot = graph.nodes["http://example.org/bot"]
    assert (bot.classes, bot.kind) == (("Agent", "Entity"), "SoftwareAgent")
    assert graph.dangling == []


def test_relation_formal_arguments_are_edge_attributes() -> None:
    graph = from_document(every_record_type(), POLICY, "rec-1")
    derivation = next(e for e in graph.edges if e.relation_id == "http://example.org/d1")
    assert (derivation.type, derivation.source, derivation.target) == (
        "WAS_DERIVED_FROM",
        "http://example.org/e2",
        "http://example.org/e1",
    )
    assert dict((str(k), v) for k, v in derivation.attributes) == {
        "prov:activity": NodeRef("http://example.org/a1"),
        "prov:generation": NodeRef("http://example.org/g1"),
        "prov:usage": NodeRef("http://example.org/u1"),
    }
    # Keyed by its id and its content (a reused id with other content is another relation).
    assert derivation.key.startswith("http://example.org/d1 sha256:")
    mention = next(e for e in graph.edges if e.type == "MENTION_OF")
    assert mention.bundle == "http://example.org/b1"
    assert dict(mention.attributes) == {PROV["bundle"]: NodeRef("http://example.org/b1")}


def test_bundles_their_records_and_their_own_node() -> None:
    document = ProvDocument()
    bundle = document.bundle(EX["b1"])
    bundle.entity(EX["e"])
    document.bundle(EX["empty"])
    graph = from_document(document, POLICY, "rec-1")
    assert graph.nodes["http://example.org/e"].bundle == "http://example.org/b1"
    b1 = graph.nodes["http://example.org/b1"]
    assert (b1.classes, b1.kind, b1.attributes) == (
        ("Entity",),
        "Bundle",
        [(PROV["type"], PROV["Bundle"])],
    )
    exported = to_document(graph, POLICY)
    assert documents_equal(exported, document)
    assert exported.get_records() == []  # the bundles' own nodes were not declared


def test_an_element_declared_in_two_bundles_is_one_node() -> None:
    graph = from_document(prov_documents.bundles1(), POLICY, "rec-1")
    report = graph.nodes["http://www.example.com/report1"]
    assert report.bundle == "http://example.org/bob/bundle1"
    assert dict(report.attributes)[PROV["type"]] == "report"


def test_same_relation_in_two_documents_is_one_edge_whatever_the_prefixes() -> None:
    first, second = ProvDocument(), ProvDocument()
    first.used(EX["a"], EX["e"], other_attributes={PROV["role"]: EX["input"]})
    other = Namespace("x", EX.uri)
    second.used(other["a"], other["e"], other_attributes={PROV["role"]: other["input"]})
    keys = [
        from_document(doc, POLICY, scope).edges[0].key
        for doc, scope in ((first, "r1"), (second, "r2"))
    ]
    assert keys[0] == keys[1]
    assert keys[0].startswith("sha256:")


def test_content_key_tells_different_relations_apart() -> None:
    edge = Edge("USED", "a", "e", attributes=[(PROV["role"], "input")])
    same_reordered = Edge("USED", "a", "e", attributes=[(PROV["role"], "input")])
    other_role = Edge("USED", "a", "e", attributes=[(PROV["role"], "config")])
    typed = Edge("USED", "a", "e", attributes=[(PROV["role"], Literal("input", EX["t"]))])
    assert content_key(edge) == content_key(same_reordered)
    assert len({content_key(edge), content_key(other_role), content_key(typed)}) == 3


def test_a_second_relation_under_one_id_is_kept_not_merged() -> None:
    document = ProvDocument()
    document.used(EX["a"], EX["e"], datetime.datetime(2020, 1, 1, tzinfo=UTC), EX["u"])
    document.used(EX["a"], EX["e"], datetime.datetime(2021, 1, 1, tzinfo=UTC), EX["u"])
    graph = from_document(document, POLICY, "rec-1")
    assert len(graph.edges) == 1
    assert documents_equal(to_document(graph, POLICY), document)


def test_blank_ids_belong_to_their_document() -> None:
    blank = Namespace("_", "_:")
    document = ProvDocument()
    document.entity(blank["b1"])
    one = from_document(document, POLICY, "rec-1")
    two = from_document(document, POLICY, "rec-2")
    assert set(one.nodes) == {"urn:provgraph:blank:rec-1:b1"}
    assert set(one.nodes).isdisjoint(two.nodes)
    # The export names it by that stable IRI, and reading the export gives the same node.
    again = from_document(to_document(one, POLICY), POLICY, "rec-3")
    assert set(again.nodes) == set(one.nodes)


def test_ids_under_the_service_bases_come_back_short() -> None:
    document = ProvDocument()
    pg = Namespace("pg", POLICY.base_url)
    hdl = Namespace("hdl", POLICY.handle_base_url)
    document.used(pg["run-1"], hdl["10378.1/1234"])
    graph = from_document(document, POLICY, "rec-1")
    assert set(graph.nodes) == {"run-1", "10378.1/1234"}


# ---------------------------------------------------------------------------- export


def mapped_graph() -> ProvGraph:
    """A graph as the Provena mapping builds it: ids minted, handles, typed attributes."""
    graph = ProvGraph()
    graph.add_node(
        Node(
            "run-1",
            ("Activity",),
            "ModelRun",
            label="Run one",
            start_time=1700000000.0,
            end_time=1700000600.5,
            attributes=[(PROV["type"], PROVGRAPH["ModelRun"])],
        )
    )
    graph.add_node(
        Node("10378.1/tpl", ("Entity",), "Plan", attributes=[(PROV["type"], PROV["Plan"])])
    )
    graph.add_node(Node("10378.1/in", ("Entity",), "Dataset", label="Input"))
    graph.add_node(Node("https://orcid.org/0000-0001", ("Agent", "Entity"), "Person"))
    graph.add_edge(Edge("USED", "run-1", "10378.1/in", attributes=[(PROV["role"], "input")]))
    graph.add_edge(
        Edge(
            "WAS_ASSOCIATED_WITH",
            "run-1",
            "https://orcid.org/0000-0001",
            attributes=[(PROV["plan"], NodeRef("10378.1/tpl")), (PROV["role"], "modeller")],
        )
    )
    graph.add_edge(
        Edge(
            "ACTED_ON_BEHALF_OF",
            "https://orcid.org/0000-0001",
            "https://orcid.org/0000-0001",
            key="run-1",
            relation_id="dlg-1",
            attributes=[(PROV["activity"], NodeRef("run-1"))],
        )
    )
    return graph


def test_export_of_a_mapped_graph() -> None:
    document = to_document(mapped_graph(), POLICY)
    records = {(str(r.get_type()), str(r.identifier)): r for r in document.get_records()}
    orcid = str(POLICY.qualified_name("https://orcid.org/0000-0001"))
    assert set(records) == {
        ("prov:Activity", "pg:run-1"),
        ("prov:Entity", "hdl:10378.1/tpl"),
        ("prov:Entity", "hdl:10378.1/in"),
        ("prov:Entity", orcid),
        ("prov:Agent", orcid),
        ("prov:Usage", "None"),
        ("prov:Association", "None"),
        ("prov:Delegation", "pg:dlg-1"),
    }
    run = records[("prov:Activity", "pg:run-1")]
    start, end = (value for _, value in run.formal_attributes)
    assert start == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert end == datetime.datetime(2023, 11, 14, 22, 23, 20, 500000, tzinfo=UTC)
    assert start.tzinfo is not None
    assert run.get_attribute(PROV["label"]) == {"Run one"}
    dataset = records[("prov:Entity", "hdl:10378.1/in")]
    assert dataset.get_attribute(PROV["label"]) == {"Input"}
    association = records[("prov:Association", "None")]
    assert association.get_attribute(PROV["plan"]) == {POLICY.qualified_name("10378.1/tpl")}
    assert association.get_attribute(PROV["role"]) == {"modeller"}
    delegation = records[("prov:Delegation", "pg:dlg-1")]
    assert delegation.get_attribute(PROV["activity"]) == {POLICY.qualified_name("run-1")}
    prefixes = {ns.prefix: ns.uri for ns in document.get_registered_namespaces()}
    assert prefixes["pg"] == "https://example.org/provgraph/"
    assert prefixes["hdl"] == "https://hdl.handle.net/"


def test_label_is_not_added_when_the_attributes_have_one() -> None:
    graph = ProvGraph()
    graph.add_node(
        Node("e", ("Entity",), label="short", attributes=[(PROV["label"], "Long label")])
    )
    (record,) = to_document(graph, POLICY).get_records()
    assert record.get_attribute(PROV["label"]) == {"Long label"}


def test_asserted_activity_times_win_over_epoch_helpers() -> None:
    naive = datetime.datetime(2020, 1, 1, 10)
    graph = ProvGraph()
    graph.add_node(
        Node("a", ("Activity",), start_time=1.0, attributes=[(PROV["startTime"], naive)])
    )
    (record,) = to_document(graph, POLICY).get_records()
    assert dict(record.formal_attributes)[PROV["startTime"]] == naive


def test_export_uses_the_configured_bases_never_a_host() -> None:
    policy = IdPolicy(base_url="https://lineage.example.net/id/", handle_base_url="https://hdl.x/")
    text = prov_documents.text(to_document(mapped_graph(), policy), "provn")
    assert "https://lineage.example.net/id/" in text and "https://hdl.x/" in text
    assert (
        "example.org/provgraph" not in text and "localhost" not in text and "127.0.0.1" not in text
    )
