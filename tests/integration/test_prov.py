"""Native `/prov` through HTTP on the real app and Neo4j (SPEC §4, §6): exports of
registered runs in every format, imports that export back equal, whole-graph streaming."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from neo4j import Driver
from prov.constants import PROV_ATTR_ENDTIME, PROV_ATTR_STARTTIME, PROV_ROLE
from prov.identifier import Namespace, QualifiedName
from prov.model import ProvActivity, ProvAssociation, ProvDocument, ProvRecord
from prov.tests import examples

import cypher
from prov_export.document import documents_equal
from prov_export.formats import FORMATS, get_format
from tests import prov_documents
from tests.payloads import model_run, seed_code_run
from tests.stored import counts

LOSSLESS = ("json", "provn", "xml")

EX = Namespace("ex", "http://example.org/")


@pytest.fixture(autouse=True)
def _quiet_prov() -> Iterator[None]:
    # prov warns about forms it will reject in future versions; the examples use them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def parse(response: httpx.Response, fmt: str) -> ProvDocument:
    assert response.status_code == 200, response.text
    return get_format(fmt).parse(response.text)


def export(client: httpx.Client, record_id: str, fmt: str = "json", **params: Any) -> ProvDocument:
    return parse(client.get("/prov", params={"id": record_id, "format": fmt, **params}), fmt)


def every_format(client: httpx.Client, record_id: str) -> dict[str, ProvDocument]:
    return {name: export(client, record_id, name) for name in FORMATS}


def register_model_run(client: httpx.Client, n: int = 1, **changes: Any) -> dict[str, Any]:
    response = client.post("/model_run/register", json=model_run(n, **changes))
    assert response.status_code == 200, response.text
    return dict(response.json()["record_info"])


def records_of(document: ProvDocument, cls: type[ProvRecord]) -> list[Any]:
    return [record for record in document.get_records(cls)]


# ------------------------------------------------------------------- registered runs


def test_model_run_exports_in_every_format(client: httpx.Client) -> None:
    info = register_model_run(
        client, 1, display_name="seven", annotations={"RCP": "8.5", "species": "koala"}
    )
    documents = every_format(client, info["id"])
    for name in LOSSLESS:
        assert documents_equal(documents[name], documents["json"]), name
    # The register answer's prov_json is the same exporter's output.
    assert documents_equal(get_format("json").parse(info["prov_json"]), documents["json"])

    (run,) = [a for a in records_of(documents["json"], ProvActivity) if "seven" in str(a)]
    attributes = dict(run.attributes)
    assert attributes[PROV_ATTR_STARTTIME].timestamp() == model_run(1)["start_time"]
    assert attributes[PROV_ATTR_ENDTIME].timestamp() == model_run(1)["end_time"]
    annotations = [v for k, v in run.attributes if k.localpart == "annotations"]
    assert json.loads(annotations[0]) == {"RCP": "8.5", "species": "koala"}
    associations = records_of(documents["json"], ProvAssociation)
    roles = {str(first(a, PROV_ROLE)) for a in associations}
    assert roles == {"modeller", "requesting_organisation"}
    plans = {str(first(a, "prov:plan")) for a in associations} - {"None"}
    assert plans == {"hdl:10378.1/template-1"}
    assert all(str(first(a, "prov:agent")).startswith("hdl:10378.1/") for a in associations)
    # Turtle and JSON-LD carry the same records (no bundles here, so RDF loses nothing).
    for name in ("ttl", "trig", "jsonld"):
        assert documents_equal(documents[name], documents["json"]), name


def first(record: ProvRecord, name: Any) -> Any:
    values = [v for k, v in record.attributes if str(k) == str(name) or k == name]
    return values[0] if values else None


def test_code_run_exports_in_every_format(client: httpx.Client) -> None:
    run = client.post("/api/code_run/", json=seed_code_run()).json()
    documents = every_format(client, run["uuid"])
    for name in (*LOSSLESS, "ttl", "trig", "jsonld"):
        assert documents_equal(documents[name], documents["json"]), name
    text = client.get("/prov", params={"id": run["uuid"], "format": "provn"}).text
    for reference in ("code_repo", "model_config", "submission_script", "updated_by"):
        assert f'prov:role="{reference}"' in text
    entities = prov_documents.element_uris(documents["json"])
    references = (run["code_repo"], run["model_config"], run["submission_script"])
    assert {*references, *run["inputs"], *run["outputs"]} <= entities


def test_format_comes_from_the_parameter_then_accept(client: httpx.Client) -> None:
    record_id = register_model_run(client)["id"]
    by_accept = client.get(
        "/prov", params={"id": record_id}, headers={"Accept": "text/provenance-notation"}
    )
    assert by_accept.headers["content-type"].startswith("text/provenance-notation")
    assert by_accept.text.startswith("document")
    both = client.get(
        "/prov",
        params={"id": record_id, "format": "xml"},
        headers={"Accept": "text/provenance-notation"},
    )
    assert both.headers["content-type"].startswith("application/xml")
    default = client.get("/prov", params={"id": record_id})
    assert default.headers["content-type"].startswith("application/json")
    assert (
        client.get("/prov", params={"id": record_id}, headers={"Accept": "image/png"}).status_code
        == 406
    )
    unknown = client.get("/prov", params={"id": record_id, "format": "dot"})
    assert unknown.status_code == 400 and "provn" in unknown.json()["detail"]


def test_unknown_ids_and_missing_ids(client: httpx.Client) -> None:
    missing = client.get("/prov", params={"id": "10378.1/nothing"})
    assert missing.status_code == 404 and "10378.1/nothing" in missing.json()["detail"]
    assert client.get("/prov").status_code == 400


# ------------------------------------------------------------------------- imports


def relations_missing_arguments() -> ProvDocument:
    document = ProvDocument()
    ex = document.add_namespace("ex", "http://example.org/")
    document.entity(ex["e"])
    document.activity(ex["a"])
    document.wasGeneratedBy(ex["e"], None, "2020-01-01T12:00:00")
    document.wasStartedBy(ex["a"], None, ex["starter"], "2020-01-01T00:00:00+02:00")
    document.wasEndedBy(ex["a"], ex["e"], None, None, identifier=ex["end1"])
    document.used(ex["a"], None, identifier=ex["u1"])
    return document


DOCUMENTS: dict[str, Callable[[], ProvDocument]] = {
    "primer": examples.primer_example,
    "bundles1": examples.bundles1,
    "bundles2": examples.bundles2,
    "datatypes": examples.datatypes,
    "relations missing arguments": relations_missing_arguments,
    "collections": examples.collections,
    "long literals": examples.long_literals,
    "w3c publication 1": examples.w3c_publication_1,
}
CONTENT_TYPES = {"json": "application/json", "provn": "text/provenance-notation"}


def import_document(
    client: httpx.Client, document: ProvDocument, fmt: str = "json", **headers: str
) -> httpx.Response:
    return client.post(
        "/prov",
        content=document.serialize(format=fmt),
        headers={"Content-Type": CONTENT_TYPES[fmt], **headers},
    )


@pytest.mark.parametrize("fmt", CONTENT_TYPES)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_imported_document_exports_back_equal(client: httpx.Client, name: str, fmt: str) -> None:
    document = DOCUMENTS[name]()
    response = import_document(client, document, fmt)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["nodes"] > 0
    for out in LOSSLESS:
        assert documents_equal(export(client, answer["id"], out), document), out


def test_a_document_may_not_claim_a_runs_output(client: httpx.Client, db: Driver) -> None:
    # Unique generation holds wherever a registered run is involved; among imported
    # documents what they assert is kept (the primer generates ex:chart1 twice).
    run = client.post("/model_run/register", json=model_run(1)).json()["record_info"]["id"]
    before = counts(db)
    document = ProvDocument()
    hdl = document.add_namespace("hdl", "https://hdl.handle.net/")
    ex = document.add_namespace("ex", "http://example.org/")
    document.wasGeneratedBy(hdl["10378.1/output-1"], ex["elsewhere"])
    response = import_document(client, document)
    assert response.status_code == 409, response.text
    detail = response.json()["detail"]
    assert "10378.1/output-1" in detail
    assert f"(asserted by record '{run}')" in detail and "'http://example.org/elsewhere'" in detail
    assert counts(db) == before


def test_import_answer_counts_nodes_and_edges_and_keeps_the_text(client: httpx.Client) -> None:
    document = relations_missing_arguments()
    text = document.serialize(format="provn")
    response = client.post("/prov", content=text, headers={"Content-Type": CONTENT_TYPES["provn"]})
    answer = response.json()
    # ex:e, ex:a, ex:starter; wasEndedBy(a, e) is the only relation with both arguments.
    assert (answer["nodes"], answer["edges"]) == (3, 1)
    stored = client.get(f"/records/{answer['id']}").json()
    assert stored["kind"] == "prov_document" and stored["record"] == text


def test_documents_sharing_nodes_each_export_their_own(client: httpx.Client) -> None:
    one, two = ProvDocument(), ProvDocument()
    for document, value in ((one, "first"), (two, "second")):
        ex = document.add_namespace("ex", "http://example.org/")
        document.entity(ex["shared"], {ex["said"]: value})
        document.activity(ex[f"act-{value}"], "2020-01-01T00:00:00")
        document.used(ex[f"act-{value}"], ex["shared"])
    ids = [import_document(client, document).json()["id"] for document in (one, two)]
    assert documents_equal(export(client, ids[0]), one)
    assert documents_equal(export(client, ids[1]), two)


def test_a_node_several_documents_declare_holds_what_each_said(client: httpx.Client) -> None:
    # The graph's node holds the union of what the documents said about it.
    for value in ("first", "second", "first"):
        document = ProvDocument()
        ex = document.add_namespace(EX)
        document.entity(ex["shared"], {ex["said"]: value})
        document.activity(ex[f"act-{value}"], "2020-01-01T00:00:00")
        document.used(ex[f"act-{value}"], ex["shared"])
        assert import_document(client, document).status_code == 201
    graph = export(client, "http://example.org/shared", scope="downstream", depth=1)
    [shared] = [r for r in graph.get_records() if r.identifier == QualifiedName(EX, "shared")]
    said = [value for name, value in shared.attributes if name.localpart == "said"]
    assert sorted(said) == ["first", "second"]


def test_one_relation_from_concurrent_documents_between_nodes_there_is_written_once(
    client: httpx.Client, db: Driver
) -> None:
    # Both entities are there before, so each write looks the relation up before creating it;
    # merge_nodes locks the relation's source for that, so no two writers both miss it.
    def derivation(n: int) -> dict[str, Any]:
        return {
            "prefix": {"ex": "http://example.org/"},
            "entity": {"ex:early": {}, "ex:late": {}, f"ex:only-{n}": {}},
            "wasDerivedFrom": {
                "_:id1": {"prov:generatedEntity": "ex:late", "prov:usedEntity": "ex:early"}
            },
        }

    assert client.post("/prov", json=derivation(0)).status_code == 201
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: client.post("/prov", json=derivation(n)), range(1, 17)))
    assert [answer.status_code for answer in answers] == [201] * 16
    rows, _, _ = db.execute_query(
        cypher.load("testing/edge_records"),
        source="http://example.org/late",
        target="http://example.org/early",
    )
    assert len(rows) == 1
    assert len(rows[0]["records"]) == 17


def test_anonymous_relation_ids_belong_to_their_document(client: httpx.Client, db: Driver) -> None:
    # PROV-JSON keys unidentified relations `_:id1` in every document; each stays its own.
    texts = [
        {
            "prefix": {"ex": "http://example.org/"},
            "entity": {f"ex:e{n}": {}},
            "activity": {f"ex:a{n}": {}},
            "used": {"_:id1": {"prov:activity": f"ex:a{n}", "prov:entity": f"ex:e{n}"}},
        }
        for n in (1, 2)
    ]
    ids = [client.post("/prov", json=text).json()["id"] for text in texts]
    assert counts(db)["edges"] == 2
    for record_id, text in zip(ids, texts, strict=True):
        sent = get_format("json").parse(json.dumps(text))
        assert documents_equal(export(client, record_id), sent)


def reusing_relation_id(bundle: str | None, said: str) -> ProvDocument:
    document = ProvDocument()
    ex = document.add_namespace(EX)
    place = document.bundle(ex[bundle]) if bundle else document
    place.entity(ex["data"])
    place.activity(ex["step"])
    place.used(ex["step"], ex["data"], identifier=ex["use1"], other_attributes={ex["said"]: said})
    return document


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (reusing_relation_id("b1", "first"), reusing_relation_id(None, "second")),
        (reusing_relation_id(None, "first"), reusing_relation_id(None, "second")),
    ],
    ids=["in a bundle, then not", "other attributes"],
)
def test_a_record_exports_exactly_its_own_statements_when_relation_ids_repeat(
    client: httpx.Client, db: Driver, first: ProvDocument, second: ProvDocument
) -> None:
    # The second document's used reuses the first's relation id between the same nodes:
    # two relations, and each record's export holds its own bundle and attributes only.
    ids = [import_document(client, document).json()["id"] for document in (first, second)]
    assert counts(db)["edges"] == 2
    for record_id, document in zip(ids, (first, second), strict=True):
        for out in LOSSLESS:
            assert documents_equal(export(client, record_id, out), document), out
    # The very same relation imported again stays one relation.
    assert import_document(client, reusing_relation_id(None, "second")).status_code == 201
    assert counts(db)["edges"] == 2


def test_idempotency_key_replays_the_first_answer(client: httpx.Client, db: Driver) -> None:
    document = prov_documents.bundles1()
    first_answer = import_document(client, document, **{"Idempotency-Key": "k1"})
    again = import_document(client, document, **{"Idempotency-Key": "k1"})
    assert first_answer.status_code == 201 and again.status_code == 200
    assert again.json() == first_answer.json()
    assert counts(db)["records"] == 1
    other = import_document(client, prov_documents.bundles2(), **{"Idempotency-Key": "k1"})
    assert other.status_code == 409 and first_answer.json()["id"] in other.json()["detail"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", "{not json"),
        ("application/json", '{"entity": {"_:x": {}}}'),
        ("application/json", "{}"),
        ("text/provenance-notation", "document\n  entity(ex:e)\nendDocument"),
        ("text/provenance-notation", "document\n  used(a1, e1)\n"),
    ],
)
def test_malformed_documents_are_refused_and_nothing_is_written(
    client: httpx.Client, db: Driver, content_type: str, body: str
) -> None:
    response = client.post("/prov", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["msg"]
    assert counts(db)["records"] == 0


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (
            "text/provenance-notation",
            "document\n  prefix ex <http://example.org/>\n"
            "  entity(ex:d1, [prov:type='prov:Dictionary'])\n"
            '  derivedByInsertionFrom(ex:d2, ex:d1, {("k1", ex:e1)})\n'
            '  hadDictionaryMember(ex:d2, ex:e1, "k1")\nendDocument',
        ),
        (
            "application/json",
            '{"prefix": {"ex": "http://example.org/"}, "derivedByInsertionFrom": {"_:i1": '
            '{"prov:after": "ex:d2", "prov:before": "ex:d1", "prov:key-entity-set": []}}}',
        ),
    ],
    ids=["provn", "json"],
)
def test_prov_dictionary_statements_are_refused_naming_the_extension(
    client: httpx.Client, db: Driver, content_type: str, body: str
) -> None:
    response = client.post("/prov", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["type"] == "prov_dictionary"
    assert "PROV-Dictionary" in error["msg"] and "derivedByInsertionFrom" in error["msg"]
    assert counts(db)["records"] == 0


def test_unsupported_content_type(client: httpx.Client) -> None:
    response = client.post("/prov", content="a,b", headers={"Content-Type": "text/csv"})
    assert response.status_code == 415
    assert "text/provenance-notation" in response.json()["detail"]


def test_an_id_cannot_be_an_entity_in_one_document_and_an_activity_in_another(
    client: httpx.Client,
) -> None:
    one, two = ProvDocument(), ProvDocument()
    ex1 = one.add_namespace("ex", "http://example.org/")
    one.entity(ex1["x"])
    ex2 = two.add_namespace("ex", "http://example.org/")
    two.activity(ex2["x"])
    assert import_document(client, one).status_code == 201
    conflict = import_document(client, two)
    assert conflict.status_code == 409 and "http://example.org/x" in conflict.json()["detail"]


# ---------------------------------------------------------------------- whole graph


def test_whole_graph_streams_and_parses_back(client: httpx.Client, db: Driver) -> None:
    for start in range(0, 2000, 250):  # 2000 runs, ~20,000 nodes: pages of 1000
        batch = [model_run(n) for n in range(start, start + 250)]
        response = client.post("/model_run/register_batch", json={"records": batch})
        assert response.status_code == 200, response.text
        assert all(r["success"] for r in response.json()["results"])
    imported = import_document(client, prov_documents.bundles2()).json()["id"]
    expected = counts(db)
    for fmt in CONTENT_TYPES:
        with client.stream("GET", "/prov", params={"scope": "all", "format": fmt}) as streamed:
            assert streamed.status_code == 200
            assert streamed.headers.get("transfer-encoding") == "chunked"
            text = "".join(streamed.iter_text())
        document = get_format(fmt).parse(text)
        flat = document.flattened()
        elements = {r.identifier for r in flat.get_records() if r.is_element()}
        relations = [r for r in flat.get_records() if r.is_relation()]
        assert len(elements) == expected["ids"]
        assert len(relations) >= expected["edges"]
    # The imported document's bundles are in the whole graph too.
    bundles = {b.identifier for b in prov_documents.bundles2().bundles}
    assert bundles <= {b.identifier for b in document.bundles}
    assert imported


def test_whole_graph_as_turtle_written_page_by_page(client: httpx.Client) -> None:
    register_model_run(client, 1)
    register_model_run(client, 2)
    response = client.get("/prov", params={"scope": "all", "format": "ttl"})
    document = parse(response, "ttl")
    assert len(records_of(document, ProvActivity)) == 2 + 2  # runs and studies
