"""FAIR-DP registry resources -> PROV graphs. Pure functions, no database.

Objects, components and data products are entities: a component is a member of its
object (`hadMember`), an object is a specialisation of the data product version it holds,
which specialises the data product itself (one entity per namespace and name, whatever the
version). Authors and users are agents; the objects' storage (root + path, hash,
public) and file type are attributes of the object, so they export as PROV. Storage roots,
storage locations, file types and namespaces assert no nodes of their own: they are what
those attributes are made of.
"""

from __future__ import annotations

from typing import Any

from graph_model import (
    AGENT,
    ENTITY,
    PROV,
    PROVGRAPH,
    Attributes,
    Edge,
    Kind,
    Node,
    ProvGraph,
    Relation,
)

FAIRDP_OBJECT = {"object": "Object", "object_component": "ObjectComponent"}


def _entity(
    graph: ProvGraph, node_id: str, kind: str, label: str | None = None, **attrs: Any
) -> None:
    attributes: Attributes = [(PROV["type"], PROVGRAPH[kind])]
    if label is not None:
        attributes.append((PROV["label"], label))
    attributes += [(PROVGRAPH[key], value) for key, value in attrs.items() if value is not None]
    graph.add_node(Node(node_id, (ENTITY,), kind, label=label, attributes=attributes))


def _person(graph: ProvGraph, node_id: str, label: str | None = None, **attrs: Any) -> None:
    attributes: Attributes = [(PROV["type"], PROV["Person"])]
    if label is not None:
        attributes.append((PROV["label"], label))
    attributes += [(PROVGRAPH[key], value) for key, value in attrs.items() if value is not None]
    graph.add_node(Node(node_id, (AGENT,), Kind.PERSON, label=label, attributes=attributes))


def author_graph(node: str, body: dict[str, Any]) -> ProvGraph:
    graph = ProvGraph()
    _person(graph, node, body["name"], identifier=body.get("identifier"), uuid=body.get("uuid"))
    return graph


def user_author_graph(user: str, author: str) -> ProvGraph:
    """The user account acts on behalf of the author (the person)."""
    graph = ProvGraph()
    _person(graph, user)
    _person(graph, author)
    graph.add_edge(Edge(Relation.ACTED_ON_BEHALF_OF, user, author))
    return graph


def object_graph(
    node: str,
    body: dict[str, Any],
    storage: dict[str, Any] | None,
    file_type: dict[str, Any] | None,
) -> ProvGraph:
    """`storage` is the location's body with its root's `root`; `file_type` the type's body."""
    graph = ProvGraph()
    _entity(
        graph,
        node,
        "Object",
        body.get("description"),
        uuid=body.get("uuid"),
        storage_location=storage and storage["root"] + storage["path"].lstrip("/"),
        hash=storage and storage["hash"],
        public=storage and storage["public"],
        file_type=file_type and file_type["extension"],
    )
    for author in body["authors"]:
        _person(graph, author)
        graph.add_edge(Edge(Relation.WAS_ATTRIBUTED_TO, node, author))
    return graph


def component_graph(node: str, body: dict[str, Any]) -> ProvGraph:
    graph = ProvGraph()
    _entity(
        graph,
        node,
        "ObjectComponent",
        body["name"],
        whole_object=body["whole_object"],
        description=body.get("description"),
    )
    _entity(graph, body["object"], "Object")
    graph.add_edge(Edge(Relation.HAD_MEMBER, body["object"], node))
    return graph


def product_id(namespace: str, name: str) -> str:
    """The data product whatever its version: one entity per namespace and name."""
    return f"fairdp/data_product/{namespace}/{name}"


def data_product_graph(node: str, body: dict[str, Any], namespace: str) -> ProvGraph:
    graph = ProvGraph()
    label = f"{namespace}:{body['name']} {body['version']}"
    _entity(graph, node, "DataProductVersion", label, version=body["version"])
    product = product_id(namespace, body["name"])
    _entity(graph, product, "DataProduct", f"{namespace}:{body['name']}", namespace=namespace)
    graph.add_edge(Edge(Relation.SPECIALIZATION_OF, node, product))
    _entity(graph, body["object"], "Object")
    graph.add_edge(Edge(Relation.SPECIALIZATION_OF, body["object"], node))
    return graph


def issue_graph(node: str, body: dict[str, Any]) -> ProvGraph:
    """An issue is an entity influenced by the objects and components it is raised on."""
    graph = ProvGraph()
    label = body["description"][:80]
    _entity(graph, node, "Issue", label, severity=body["severity"], description=body["description"])
    for target in body["object_issues"]:
        _entity(graph, target, "Object")
        graph.add_edge(Edge(Relation.WAS_INFLUENCED_BY, node, target))
    for target in body["component_issues"]:
        _entity(graph, target, "ObjectComponent")
        graph.add_edge(Edge(Relation.WAS_INFLUENCED_BY, node, target))
    return graph
