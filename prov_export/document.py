"""ProvGraph <-> prov.model.ProvDocument, both ways, with no database (SPEC §6).

Export rules (`to_document`):
- A node becomes one element record per PROV class it has (Entity + Agent: both), except
  the classes its document only referenced (see `notes`). Its `attributes` are exported
  verbatim; `kind` is a query helper and never exported. `label` is exported as
  prov:label only when the attributes hold no prov:label (the mapping puts what it wants
  exported into the attributes; this keeps hand-built graphs labelled).
- An activity's prov:startTime/prov:endTime are its attributes of those names when present
  (an import keeps them exactly as written), else `start_time`/`end_time` as UTC datetimes.
- An edge becomes the relation `RELATION_NAMES[edge.type]`: source and target are its two
  main arguments; attributes named like the relation's other formal attributes (prov:time,
  prov:plan, prov:activity, prov:generation...) fill those, the rest are extra attributes.
  `NodeRef` values become qualified names. `relation_id` is the record's identifier.
- Nodes and edges with a `bundle` go into that bundle; the notes in `graph.dangling` add
  the records and bundles nodes and edges cannot hold.

Import rules (`from_document`): see `_DocumentReader`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from prov.constants import PROV_LABEL, PROV_TYPE, XSD, XSD_QNAME
from prov.identifier import Namespace, QualifiedName
from prov.model import Literal, ProvBundle, ProvDocument, ProvRecord

from graph_model import (
    ACTIVITY,
    ENTITY,
    PROV,
    RELATION_NAMES,
    RELATION_TYPES,
    Attributes,
    Edge,
    Node,
    NodeRef,
    ProvGraph,
    utc,
)
from prov_export.ids import IdPolicy
from prov_export.notes import KeptRecord, Notes
from prov_export.values import encode_value
from prov_export.vocabulary import (
    ACTIVITY_TIMES,
    ARGUMENT_CLASSES,
    ELEMENT_CLASSES,
    ELEMENT_TYPES,
    KINDS,
    RECORD_NAMES,
    RECORD_TYPES,
    formal_names,
)

# ---------------------------------------------------------------------------- export


class _Names:
    """Node ids as qualified names under the graph's namespaces (cached: ids repeat a lot)."""

    def __init__(self, policy: IdPolicy, namespaces: dict[str, str]) -> None:
        self.policy = policy
        self.namespaces = namespaces
        self.cache: dict[str, QualifiedName] = {}

    def of(self, node_id: str) -> QualifiedName:
        name = self.cache.get(node_id)
        if name is None:
            name = self.cache[node_id] = self.policy.qualified_name(node_id, self.namespaces)
        return name

    def value(self, value: Any) -> Any:
        return self.of(value.id) if isinstance(value, NodeRef) else value

    def attributes(self, attributes: Iterable[tuple[QualifiedName, Any]]) -> Attributes:
        return [(name, self.value(value)) for name, value in attributes]


class _Places:
    """The document and its bundles, each created on first use."""

    def __init__(self, document: ProvDocument, names: _Names) -> None:
        self.document = document
        self.names = names
        self.bundles: dict[str, ProvBundle] = {}

    def __call__(self, bundle_id: str | None) -> ProvBundle:
        if bundle_id is None:
            return self.document
        bundle = self.bundles.get(bundle_id)
        if bundle is None:
            bundle = self.bundles[bundle_id] = self.document.bundle(self.names.of(bundle_id))
        return bundle


def to_document(graph: ProvGraph, policy: IdPolicy) -> ProvDocument:
    """The PROV document of a graph, ids as IRIs per `policy`."""
    document = new_document(graph.namespaces)
    names = _Names(policy, graph.namespaces)
    place = _Places(document, names)
    notes = Notes.decode(graph.dangling)
    for bundle_id in notes.bundles:
        place(bundle_id)
    for node in graph.nodes.values():
        add_node_records(place(node.bundle), node, names, notes.undeclared.get(node.id, ()))
    for edge in graph.edges:
        add_edge_record(place(edge.bundle), edge, names)
    for record in notes.records:
        add_kept_record(place(record.bundle), record, names)
    return document


def new_document(namespaces: dict[str, str]) -> ProvDocument:
    """An empty document declaring the graph's namespaces ('' is the default namespace).

    prov and xsd are always known to prov; the id prefixes are declared by prov itself the
    first time a record uses them.
    """
    document = ProvDocument()
    for prefix, uri in namespaces.items():
        if prefix:
            document.add_namespace(prefix, uri)
        else:
            document.set_default_namespace(uri)
    return document


def add_node_records(
    place: ProvBundle, node: Node, names: _Names, undeclared: Iterable[str] = ()
) -> None:
    identifier = names.of(node.id)
    extra = [(name, value) for name, value in node.attributes if name not in ACTIVITY_TIMES]
    if node.label is not None and not any(name == PROV_LABEL for name, _ in node.attributes):
        extra.append((PROV_LABEL, node.label))
    extra = names.attributes(extra)
    for cls in node.classes:
        if cls in undeclared:
            continue
        formal = _activity_times(node) if cls == ACTIVITY else []
        place.new_record(ELEMENT_TYPES[cls], identifier, formal, extra)


def _activity_times(node: Node) -> Attributes:
    asserted = dict((name, value) for name, value in node.attributes if name in ACTIVITY_TIMES)
    start_name, end_name = ACTIVITY_TIMES
    for name, epoch in ((start_name, node.start_time), (end_name, node.end_time)):
        if name not in asserted and epoch is not None:
            asserted[name] = utc(epoch)
    return list(asserted.items())


def add_edge_record(place: ProvBundle, edge: Edge, names: _Names) -> None:
    relation = RELATION_NAMES[edge.type]
    first, second, *others = formal_names(relation)
    formal = [(first, names.of(edge.source)), (second, names.of(edge.target))]
    formal += [(name, value) for name, value in edge.attributes if name in others]
    extra = [(name, value) for name, value in edge.attributes if name not in others]
    identifier = names.of(edge.relation_id) if edge.relation_id else None
    place.new_record(
        RECORD_TYPES[relation], identifier, names.attributes(formal), names.attributes(extra)
    )


def add_kept_record(place: ProvBundle, record: KeptRecord, names: _Names) -> None:
    formal = [(name, value) for name, value in record.formal if value is not None]
    identifier = names.of(record.identifier) if record.identifier else None
    place.new_record(
        RECORD_TYPES[record.type],
        identifier,
        names.attributes(formal),
        names.attributes(record.extra),
    )


# ---------------------------------------------------------------------------- import


def from_document(document: ProvDocument, policy: IdPolicy, scope: str) -> ProvGraph:
    """The graph of a PROV document; `scope` (the importing record's id) owns its blank ids."""
    reader = _DocumentReader(policy, scope, document_namespaces(document))
    places: list[tuple[str | None, ProvBundle]] = [(None, document)]
    places += [(reader.id_of(bundle.identifier), bundle) for bundle in document.bundles]
    # Declarations first, so a node's attributes come from its declaration wherever the
    # document first mentions it.
    for bundle_id, bundle in places:
        for record in bundle.get_records():
            if record.is_element():
                reader.declare(record, bundle_id)
    for bundle_id, bundle in places:
        for record in bundle.get_records():
            if record.is_relation():
                reader.relate(record, bundle_id)
    return reader.finish([bundle_id for bundle_id, _ in places[1:] if bundle_id])


def document_namespaces(document: ProvDocument) -> dict[str, str]:
    """prefix -> IRI of the document and its bundles ('' for the default namespace)."""
    found: dict[str, str] = {}
    for bundle in (document, *document.bundles):
        default = bundle.get_default_namespace()
        if default is not None:
            found.setdefault("", default.uri)
        for namespace in bundle.get_registered_namespaces():
            if namespace.prefix:
                found.setdefault(namespace.prefix, namespace.uri)
    return found


class _DocumentReader:
    """Builds the graph of one document.

    - Each element id is one node. Its first declaration gives its attributes (verbatim,
      activity times included), `bundle`, `label` (the first string prov:label) and `kind`
      (from prov:type: Plan, Person, Organization, SoftwareAgent, Bundle). A later
      declaration as another class with the same attributes in the same bundle only adds
      the class (entity(x) + agent(x)); any other later declaration is kept verbatim.
    - Every element a relation names becomes a node, with the class its argument position
      implies (used(a, e): a Activity, e Entity); if the document never declares it as
      that class, a note keeps the export from declaring it.
    - A relation with both main arguments is an edge keyed by its id (if any) and a hash of
      its content (`relation_key`), so the same relation asserted by two documents is one
      edge and a relation id reused with other content is another edge. Other
      formal arguments are attributes (NodeRef for names, datetime for times). A relation
      lacking a main argument, or reusing an id with other content, is kept verbatim.
    - Relations without an id stay without one: prov renumbers PROV-JSON's `_:idN` keys on
      every serialisation and reads them back as no id, and inventing ids would make the
      export unequal to the document (an identified record never equals an unidentified).
    - A string typed xsd:QName (`"prov:Person" %% xsd:QName`) is the qualified name it
      spells when the document declares its prefix (`qualified`).
    - Blank names (`_:b1`) become ids in `urn:provgraph:blank:<scope>:`, so two documents'
      `_:b1` are two nodes.
    - A bundle's id is a node: an Entity of kind Bundle (prov:type prov:Bundle), declared
      only if the document declares it.
    """

    def __init__(self, policy: IdPolicy, scope: str, namespaces: dict[str, str]) -> None:
        self.policy = policy
        self.scope = scope
        self.graph = ProvGraph(namespaces=namespaces)
        self.namespaces = {"prov": PROV.uri, "xsd": XSD.uri, **namespaces}
        self.notes = Notes()
        self.declared: dict[str, set[str]] = {}  # node id -> classes its node declares
        self.first_declaration: dict[str, tuple[str | None, frozenset[Any]]] = {}
        self.edges: dict[tuple[str, str, str, str], frozenset[Any]] = {}

    def id_of(self, name: QualifiedName | None) -> str:
        if name is None:  # prov itself refuses elements and bundles without an id
            raise ValueError("a PROV element or bundle without an identifier")
        return self.policy.node_id_of(name, self.scope)

    def optional_id_of(self, record: ProvRecord) -> str | None:
        return self.id_of(record.identifier) if record.identifier else None

    def declare(self, record: ProvRecord, bundle_id: str | None) -> None:
        node_id = self.id_of(record.identifier)
        cls = ELEMENT_CLASSES[record.get_type()]
        extra = self.extra(record)
        times = [(name, value) for name, value in record.formal_attributes if value is not None]
        shape = (bundle_id, frozenset(_comparable(extra)))
        first = self.first_declaration.get(node_id)
        if first is None:
            self.first_declaration[node_id] = shape
            self.declared[node_id] = {cls}
            self.graph.add_node(_declared_node(node_id, cls, extra + times, bundle_id))
        elif first == shape and cls not in self.declared[node_id]:
            self.declared[node_id].add(cls)
            node = self.graph.add_node(Node(node_id, (cls,), attributes=times))
            _set_epoch_times(node)
        else:
            self.keep(record, bundle_id)
            self.graph.add_node(Node(node_id, (cls,)))

    def relate(self, record: ProvRecord, bundle_id: str | None) -> None:
        formal = list(record.formal_attributes)
        for name, value in formal:
            if value is not None and name in ARGUMENT_CLASSES:
                self.refer(self.id_of(value), ARGUMENT_CLASSES[name])
        (_, source), (_, target) = formal[:2]
        if source is None or target is None:
            self.keep(record, bundle_id)
            return
        relation_id = self.optional_id_of(record)
        attributes = [
            (name, self.graph_value(value)) for name, value in formal[2:] if value is not None
        ]
        edge = Edge(
            RELATION_TYPES[RECORD_NAMES[record.get_type()]],
            self.id_of(source),
            self.id_of(target),
            relation_id=relation_id,
            attributes=attributes + self.extra(record),
            bundle=bundle_id,
        )
        edge.key = relation_key(edge)
        place = (edge.type, edge.source, edge.target, relation_id or edge.key)
        content = frozenset(_comparable([*edge.attributes, (PROV["bundle"], bundle_id)]))
        seen = self.edges.get(place)
        if seen is None:
            self.edges[place] = content
            self.graph.add_edge(edge)
        elif seen != content:
            self.keep(record, bundle_id)
        # else: the very same relation asserted twice; prov's equality counts it once too.

    def refer(self, node_id: str, cls: str | None) -> None:
        self.graph.add_node(Node(node_id, (cls,) if cls else ()))

    def keep(self, record: ProvRecord, bundle_id: str | None) -> None:
        self.notes.records.append(
            KeptRecord(
                type=RECORD_NAMES[record.get_type()],
                identifier=self.optional_id_of(record),
                formal=[(n, self.graph_value(v)) for n, v in record.formal_attributes],
                extra=self.extra(record),
                bundle=bundle_id,
            )
        )

    def extra(self, record: ProvRecord) -> Attributes:
        return [(name, self.qualified(value)) for name, value in record.extra_attributes]

    def qualified(self, value: Any) -> Any:
        """A string typed xsd:QName whose prefix the document declares is that qualified
        name: what PROV-JSON's and PROV-XML's readers (prov's and ProvToolbox's) make of it,
        so every format exports it alike (only PROV-N could keep it a typed string)."""
        if not (isinstance(value, Literal) and value.datatype == XSD_QNAME):
            return value
        prefix, colon, local = str(value.value).partition(":")
        uri = self.namespaces.get(prefix) if colon else self.namespaces.get("")
        if uri is None:
            return value
        return QualifiedName(Namespace(prefix if colon else "", uri), local if colon else prefix)

    def graph_value(self, value: Any) -> Any:
        """A formal argument as the graph holds it: names of nodes or relations as NodeRef."""
        return NodeRef(self.id_of(value)) if isinstance(value, QualifiedName) else value

    def finish(self, bundle_ids: list[str]) -> ProvGraph:
        for bundle_id in bundle_ids:
            if bundle_id not in self.declared:
                node = self.graph.add_node(Node(bundle_id, (ENTITY,)))
                node.attributes = [(PROV_TYPE, PROV["Bundle"])]
            self.graph.nodes[bundle_id].kind = self.graph.nodes[bundle_id].kind or "Bundle"
        self.notes.bundles = bundle_ids
        for node in self.graph.nodes.values():
            missing = sorted(set(node.classes) - self.declared.get(node.id, set()))
            if missing:
                self.notes.undeclared[node.id] = missing
        self.graph.dangling = self.notes.encode()
        return self.graph


def _declared_node(node_id: str, cls: str, attributes: Attributes, bundle: str | None) -> Node:
    node = Node(
        node_id,
        (cls,),
        kind=_kind(attributes),
        label=_label(attributes),
        attributes=attributes,
        bundle=bundle,
    )
    _set_epoch_times(node)
    return node


def _kind(attributes: Attributes) -> str | None:
    for name, value in attributes:
        if name == PROV_TYPE and isinstance(value, QualifiedName) and value in KINDS:
            return KINDS[value]
    return None


def _label(attributes: Attributes) -> str | None:
    for name, value in attributes:
        if name == PROV_LABEL and isinstance(value, str | Literal):
            return value if isinstance(value, str) else str(value.value)
    return None


def _set_epoch_times(node: Node) -> None:
    """Fill the epoch-second helpers from the activity's times (naive times read as UTC)."""
    start_name, end_name = ACTIVITY_TIMES
    for name, value in node.attributes:
        if isinstance(value, datetime.datetime) and name in ACTIVITY_TIMES:
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.UTC)
            if name == start_name:
                node.start_time = value.timestamp()
            elif name == end_name:
                node.end_time = value.timestamp()


def _comparable(attributes: Iterable[tuple[QualifiedName, Any]]) -> Iterable[tuple[Any, ...]]:
    # As prov compares attributes: the value's Python type matters (1 is not True).
    return ((name, type(value), value) for name, value in attributes)


def content_key(edge: Edge) -> str:
    """A stable key for a relation without an id: the same content gives the same key.

    Names count by IRI, not prefix, and attribute order does not count, so two documents
    asserting one relation in their own words give one edge.
    """
    attributes = sorted(
        json.dumps([name.uri, _canonical(value)], sort_keys=True, ensure_ascii=False)
        for name, value in edge.attributes
    )
    content = [edge.type, edge.source, edge.target, edge.bundle, attributes]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()
    return "sha256:" + digest[:32]


def relation_key(edge: Edge) -> str:
    """The key that tells one stored relation from another between the same two nodes.

    Its content always counts, its id too when it has one: two documents reusing one
    relation id with other attributes or in another bundle assert two relations, and each
    record's export holds its own (keyed by id alone, the second merged into the first and
    exported the first's bundle and attributes). The very same relation stays one edge.
    """
    content = content_key(edge)
    return f"{edge.relation_id} {content}" if edge.relation_id else content


def _canonical(value: Any) -> Any:
    if isinstance(value, QualifiedName):
        return ["qn", value.uri]
    if isinstance(value, Literal):
        datatype = value.datatype.uri if value.datatype else None
        return ["lit", value.value, datatype, value.langtag]
    return encode_value(value)


def documents_equal(a: ProvDocument, b: ProvDocument) -> bool:
    """prov's document equality, both ways and with the same bundles.

    `ProvDocument.__eq__` alone is one-sided: it ignores bundles only `b` has and the ids
    of relations only `b` identifies.
    """
    bundles_a = {bundle.identifier for bundle in a.bundles}
    bundles_b = {bundle.identifier for bundle in b.bundles}
    return bool(a == b and b == a and bundles_a == bundles_b)
