"""Node id <-> IRI rules (SPEC §2): one place, stable both ways, never host-dependent."""

import pytest
from prov.identifier import Namespace, QualifiedName

from prov_export.ids import IdPolicy

POLICY = IdPolicy()


@pytest.mark.parametrize(
    ("node_id", "iri"),
    [
        ("https://data.example.com/ds/1", "https://data.example.com/ds/1"),
        (
            "urn:uuid:7a6b1e5c-0000-4000-8000-000000000001",
            "urn:uuid:7a6b1e5c-0000-4000-8000-000000000001",
        ),
        ("10378.1/1234", "https://hdl.handle.net/10378.1/1234"),
        ("102.100.100/7", "https://hdl.handle.net/102.100.100/7"),
        ("1234", "https://example.org/provgraph/1234"),
        (
            "3f2c9b1e-56aa-4c1d-9a8e-0d2f5c7b9e10",
            "https://example.org/provgraph/3f2c9b1e-56aa-4c1d-9a8e-0d2f5c7b9e10",
        ),
        ("run 1#2?x=%", "https://example.org/provgraph/run%201%232%3Fx=%25"),
        ("1:2", "https://example.org/provgraph/1:2"),
    ],
)
def test_iri_of_each_kind_of_id(node_id: str, iri: str) -> None:
    assert POLICY.iri(node_id) == iri


def test_bases_are_configurable() -> None:
    policy = IdPolicy(base_url="https://lineage.csiro.au/id/", handle_base_url="https://hdl.x/")
    assert policy.iri("run-1") == "https://lineage.csiro.au/id/run-1"
    assert policy.iri("10378.1/1234") == "https://hdl.x/10378.1/1234"


@pytest.mark.parametrize(
    "node_id",
    [
        "1234",
        "run 1#2?x=%",
        "a/b",
        "10378.1/1234",
        "10378.1/with space",
        "https://data.example.com/ds/1",
        "urn:provgraph:blank:rec-1:b1",
    ],
)
def test_node_id_inverts_iri(node_id: str) -> None:
    assert POLICY.node_id(POLICY.iri(node_id)) == node_id


def test_an_iri_under_a_base_that_its_short_id_would_not_give_back_stays_whole() -> None:
    # A handle-looking path under the base URL: as a short id it would go under the handle
    # base on export, naming another thing.
    assert POLICY.node_id("https://example.org/provgraph/10378.1/1") == (
        "https://example.org/provgraph/10378.1/1"
    )
    assert POLICY.node_id("https://example.org/provgraph/") == "https://example.org/provgraph/"
    assert POLICY.node_id("http://example.org/other") == "http://example.org/other"


def test_qualified_name_uses_the_longest_declared_namespace() -> None:
    declared = {"ex": "http://example.org/", "exd": "http://example.org/data/"}
    name = POLICY.qualified_name("http://example.org/data/d1", declared)
    assert (name.namespace.prefix, name.localpart) == ("exd", "d1")
    assert POLICY.qualified_name("10378.1/1234").namespace.prefix == "hdl"
    assert POLICY.qualified_name("10378.1/1234").uri == "https://hdl.handle.net/10378.1/1234"
    assert str(POLICY.qualified_name("run-1")) == "pg:run-1"


def test_qualified_name_outside_declared_namespaces_is_stable() -> None:
    first = POLICY.qualified_name("https://orcid.org/0000-0002-1825-0097")
    again = POLICY.qualified_name("https://orcid.org/0000-0002-1825-0097")
    assert first.uri == "https://orcid.org/0000-0002-1825-0097"
    assert first.namespace.uri == "https://orcid.org/"
    assert first.localpart == "0000-0002-1825-0097"
    assert first.namespace.prefix == again.namespace.prefix


def test_names_of_a_document_map_to_node_ids() -> None:
    ours = QualifiedName(Namespace("pg", POLICY.base_url), "run-1")
    theirs = QualifiedName(Namespace("ex", "http://example.org/"), "e1")
    assert POLICY.node_id_of(ours, "rec-1") == "run-1"
    assert POLICY.node_id_of(theirs, "rec-1") == "http://example.org/e1"


def test_blank_names_belong_to_their_document() -> None:
    blank = QualifiedName(Namespace("_", "_:"), "b1")
    assert POLICY.node_id_of(blank, "rec-1") == "urn:provgraph:blank:rec-1:b1"
    assert POLICY.node_id_of(blank, "rec-1") != POLICY.node_id_of(blank, "rec-2")
