"""The encodings both PROV readers (prov and ProvToolbox) read alike (prov_export.encodings),
the relation key that keeps records' relations apart, and xsd:QName strings on import."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator

import pytest
import rdflib
from prov.constants import PROV_TYPE
from prov.identifier import Namespace, QualifiedName
from prov.model import ProvDocument

from graph_model import Edge
from prov_export.document import documents_equal, from_document, relation_key, to_document
from prov_export.formats import FORMATS
from service.export import id_policy
from service.settings import Settings

EX = Namespace("ex", "http://example.org/")
PROV_NS = "http://www.w3.org/ns/prov#"


@pytest.fixture(autouse=True)
def _quiet_prov() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def people() -> ProvDocument:
    document = ProvDocument()
    ex = document.add_namespace(EX)
    document.agent(ex["alice"], {PROV_TYPE: QualifiedName(Namespace("prov", PROV_NS), "Person")})
    document.agent(ex["org"])
    document.activity(ex["work"])
    document.actedOnBehalfOf(ex["alice"], ex["org"], ex["work"])
    document.wasAttributedTo(ex["e"], ex["alice"], identifier=ex["attr1"])
    return document


def test_json_types_qualified_names_as_prov_qualified_name() -> None:
    text = FORMATS["json"].serialise(people())
    assert json.loads(text)["agent"]["ex:alice"]["prov:type"] == {
        "$": "prov:Person",
        "type": "prov:QUALIFIED_NAME",
    }
    assert "xsd:QName" not in text
    assert documents_equal(FORMATS["json"].parse(text), people())


def test_xml_writes_base_elements_with_an_explicit_type() -> None:
    text = FORMATS["xml"].serialise(people())
    assert "<prov:person" not in text and "<prov:agent" in text
    assert 'xsi:type="xsd:QName">prov:Person</prov:type>' in text
    assert documents_equal(FORMATS["xml"].parse(text), people())


@pytest.mark.parametrize("fmt", ["ttl", "trig"])
def test_rdf_writes_a_qualified_delegation_once(fmt: str) -> None:
    text = FORMATS[fmt].serialise(people())
    graph = rdflib.Dataset()
    graph.parse(data=text, format="turtle" if fmt == "ttl" else "trig")
    plain = list(graph.triples((None, rdflib.URIRef(PROV_NS + "actedOnBehalfOf"), None)))
    qualified = list(graph.triples((None, rdflib.URIRef(PROV_NS + "qualifiedDelegation"), None)))
    assert plain == [] and len(qualified) == 1
    assert list(graph.triples((None, rdflib.URIRef(PROV_NS + "wasAttributedTo"), None))) == []
    assert documents_equal(FORMATS[fmt].parse(text), people())


def test_a_relation_id_reused_with_other_content_is_another_relation() -> None:
    def used(said: str, bundle: str | None = None) -> Edge:
        name = QualifiedName(EX, "said")
        return Edge("USED", "a", "e", relation_id="ex:u1", attributes=[(name, said)], bundle=bundle)

    assert relation_key(used("one")) == relation_key(used("one"))
    assert relation_key(used("one")) != relation_key(used("two"))
    assert relation_key(used("one")) != relation_key(used("one", bundle="b1"))
    assert relation_key(used("one")).startswith("ex:u1 ")


def test_a_string_typed_xsd_qname_is_imported_as_the_name_it_spells() -> None:
    text = """document
prefix ex <http://example.org/>
agent(ex:ag1, [prov:type="prov:Person" %% xsd:QName, ex:boss="ex:ag2" %% xsd:QName,
               ex:other="nope:x" %% xsd:QName])
endDocument"""
    policy = id_policy(Settings())
    graph = from_document(FORMATS["provn"].parse(text), policy, "record")
    node = graph.nodes["http://example.org/ag1"]
    values = dict(node.attributes)
    assert values[PROV_TYPE] == QualifiedName(Namespace("prov", PROV_NS), "Person")
    assert isinstance(values[QualifiedName(EX, "boss")], QualifiedName)
    # A prefix the document does not declare stays a typed string.
    assert not isinstance(values[QualifiedName(EX, "other")], QualifiedName)
    assert node.kind == "Person"
    node.attributes = [(n, v) for n, v in node.attributes if n != QualifiedName(EX, "other")]
    exported = to_document(graph, policy)
    for fmt in ("json", "xml", "provn"):
        assert documents_equal(FORMATS[fmt].parse(FORMATS[fmt].serialise(exported)), exported)
