"""The pure parts of the FAIR-DP registry: links between URLs and node ids, filters, the
answers' shape, and the PROV graphs of objects, components and data products."""

from __future__ import annotations

import datetime
import json

import pytest

from service.errors import BadRequest, InvalidInput
from service.fairdp import mapping, refs, registry
from service.fairdp.models import CodeRunIn
from service.fairdp.resources import RESOURCES, view
from service.mapping import code_run_graph
from service.records.repository import StoredRecord

ROOT = "http://127.0.0.1:8000"


def test_urls_of_this_server_become_host_free_node_ids_and_back() -> None:
    assert refs.to_node(f"{ROOT}/api/object/5/", ROOT) == "api/object/5/"
    assert refs.to_node(f"{ROOT}/api/object/5", ROOT) == "api/object/5/"
    assert refs.to_node(f"{ROOT}/api/users/admin/", ROOT) == "users/admin"
    assert refs.url("http://other:1", "api/object/5/") == "http://other:1/api/object/5/"
    assert refs.url(ROOT, "users/admin") == f"{ROOT}/api/users/admin/"


@pytest.mark.parametrize(
    "value",
    [
        "https://data.fairdatapipeline.org/api/object/5/",  # another registry
        "http://127.0.0.1:8001/api/object/5/",  # another port
        f"{ROOT}/elsewhere/object/5/",
        "http://[::1",  # not a URL at all
        "plain-id",
    ],
)
def test_anything_else_stays_as_it_is(value: str) -> None:
    assert refs.parse(value, ROOT) is None
    assert refs.to_node(value, ROOT) == value
    assert refs.url(ROOT, value) == value


def test_registry_ids_are_ascii_digits_in_range() -> None:
    assert refs.is_id("12")
    assert not refs.is_id("²") and not refs.is_id("1" * 19) and not refs.is_id("-1")


def test_links_resolve_to_node_ids_or_422_naming_each_field() -> None:
    resource = RESOURCES["object"]
    sent = {
        "description": "d",
        "storage_location": f"{ROOT}/api/storage_location/3/",
        "authors": [f"{ROOT}/api/author/1/", f"{ROOT}/api/author/2/"],
        "file_type": None,
        "uuid": None,
    }
    resolved = registry.resolve(resource, sent, ROOT, {"admin"})
    assert resolved.body["storage_location"] == "api/storage_location/3/"
    assert resolved.props["field_authors"] == [1, 2]
    assert resolved.props["field_uuid"] == resolved.body["uuid"]
    bad = sent | {
        "storage_location": f"{ROOT}/api/namespace/3/",
        "authors": ["x", f"{ROOT}/api/author/1/"],
    }
    with pytest.raises(InvalidInput) as error:
        registry.resolve(resource, bad, ROOT, {"admin"})
    assert [e["loc"] for e in error.value.detail] == [
        ["body", "storage_location"],
        ["body", "authors", 0],
    ]
    user_author = RESOURCES["user_author"]
    link = {"user": f"{ROOT}/api/users/admin/", "author": f"{ROOT}/api/author/1/"}
    assert registry.resolve(user_author, link, ROOT, {"admin"}).props["field_user"] == "admin"
    with pytest.raises(InvalidInput):
        registry.resolve(user_author, link, ROOT, {"alice"})


def test_unique_keys_are_the_constraint_fields_only() -> None:
    location = RESOURCES["storage_location"]
    props = {"field_storage_root": 1, "field_hash": "h", "field_public": True, "field_path": "a"}
    key = registry.unique_key(location, props)
    assert key == registry.unique_key(location, props | {"field_path": "b"})
    assert key != registry.unique_key(location, props | {"field_public": False})
    assert registry.unique_key(RESOURCES["object"], {}) is None


def test_filters_parse_as_the_clients_send_them() -> None:
    location = RESOURCES["storage_location"]
    found = registry.filters(
        location,
        {
            "hash": "h",
            "public": "True",
            "storage_root": f"{ROOT}/api/storage_root/4/",
            "format": "json",
        },
        ROOT,
    )
    assert found == [
        {"key": "field_hash", "value": "h", "many": False},
        {"key": "field_public", "value": True, "many": False},
        {"key": "field_storage_root", "value": 4, "many": False},
    ]
    assert registry.filters(RESOURCES["object"], {"authors": "2"}, ROOT) == [
        {"key": "field_authors", "value": 2, "many": True}
    ]
    for params in ({"colour": "red"}, {"public": "perhaps"}, {"storage_root": "x"}):
        with pytest.raises(BadRequest):
            registry.filters(location, params, ROOT)


def test_answers_carry_absolute_links_and_reverse_links() -> None:
    stored = StoredRecord(
        id="api/object/2/",
        kind="fairdp_object",
        content_hash="",
        seq=2,
        created_at=0.0,
        created_by="alice",
        body=json.dumps(
            {
                "description": "d",
                "storage_location": "api/storage_location/1/",
                "authors": [],
                "file_type": None,
                "uuid": "u",
            }
        ),
    )
    answer = view(ROOT, RESOURCES["object"], stored, {"components": ["api/object_component/3/"]})
    assert answer["url"] == f"{ROOT}/api/object/2/"
    assert answer["updated_by"] == f"{ROOT}/api/users/alice/"
    assert answer["storage_location"] == f"{ROOT}/api/storage_location/1/"
    assert answer["components"] == [f"{ROOT}/api/object_component/3/"]
    assert answer["data_product"] is None
    assert answer["last_updated"] == "1970-01-01T00:00:00Z"


def test_an_object_is_an_entity_with_its_storage_attributes_and_authors() -> None:
    body = {"description": "d", "authors": ["api/author/1/"], "uuid": "u"}
    storage = {"root": "file:///data/", "path": "/a.csv", "hash": "h", "public": True}
    graph = mapping.object_graph("api/object/2/", body, storage, {"extension": "csv"})
    obj = graph.nodes["api/object/2/"]
    attributes = {key.localpart: value for key, value in obj.attributes}
    assert attributes["storage_location"] == "file:///data/a.csv"
    assert (attributes["hash"], attributes["public"], attributes["file_type"]) == ("h", True, "csv")
    assert graph.nodes["api/author/1/"].classes == ("Agent",)
    assert [(e.type, e.source, e.target) for e in graph.edges] == [
        ("WAS_ATTRIBUTED_TO", "api/object/2/", "api/author/1/")
    ]


def test_a_data_product_version_specialises_its_product_and_its_object_it() -> None:
    body = {"name": "a/b", "version": "1.0.0", "object": "api/object/2/"}
    graph = mapping.data_product_graph("api/data_product/1/", body, "testing")
    product = mapping.product_id("testing", "a/b")
    assert {(e.type, e.source, e.target) for e in graph.edges} == {
        ("SPECIALIZATION_OF", "api/data_product/1/", product),
        ("SPECIALIZATION_OF", "api/object/2/", "api/data_product/1/"),
    }
    component = mapping.component_graph(
        "api/object_component/3/", {"object": "api/object/2/", "name": "n", "whole_object": True}
    )
    assert [(e.type, e.source, e.target) for e in component.edges] == [
        ("HAD_MEMBER", "api/object/2/", "api/object_component/3/")
    ]


def test_a_code_run_keeps_registry_kinds_and_a_regenerated_output_is_an_influence() -> None:
    run = CodeRunIn(
        run_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        submission_script="api/object/1/",
        inputs=["api/object_component/2/"],
        outputs=["api/object_component/3/", "https://elsewhere.example/x"],
    )
    graph = code_run_graph(run, "run", "users/alice", frozenset({"api/object_component/3/"}))
    assert graph.nodes["api/object/1/"].kind == "Object"
    assert graph.nodes["api/object_component/2/"].kind == "ObjectComponent"
    assert graph.nodes["https://elsewhere.example/x"].kind == "Dataset"
    edges = {(e.type, e.source, e.target) for e in graph.edges}
    assert ("WAS_INFLUENCED_BY", "api/object_component/3/", "run") in edges
    assert ("WAS_GENERATED_BY", "https://elsewhere.example/x", "run") in edges
    assert ("WAS_GENERATED_BY", "api/object_component/3/", "run") not in edges
