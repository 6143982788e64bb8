"""Hostile input and limits: oversize bodies and batches get 413; quotes, Cypher, control
characters and long Unicode are stored verbatim (ids refuse control characters with 422);
and no query text is ever built from a user value."""

import ast
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver
from prov.model import ProvDocument

from service.export import id_policy
from service.settings import Settings
from tests.conftest import ServedApp
from tests.payloads import model_run, seed_code_run
from tests.stored import counts

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

HOSTILE = [
    "'}) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n RETURN 1 //',
    "`Node` {id: $id} ${x} {0} %s %(id)s {{}}",
    "back\\slash \\' \\\" \\\\",
    "🧬🔬 👩🏽‍🔬 \u202eevil\u202c עברית العربية",
    "zero\u200bwidth, combining e\u0301, BOM \ufeff, surrogate-free 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "MERGE (x:Node) ON CREATE SET x.pwned = true RETURN x",
]
LONG = "🧬ك" * 5000  # 10,000 characters, 2 of them per repeat, both outside ASCII
# Everything but ids keeps control characters too.
CONTROL = "line1\nline2\ttab\r\x00nul\x1b[31mred\x7f\x85"


def hostile_model_run(text: str) -> dict[str, Any]:
    """Every id and free-text field of a model run made of `text`, the ids kept distinct."""
    body = model_run(1)
    body["workflow_template_id"] = f"{text} #template"
    body["inputs"][0]["dataset_id"] = f"{text} #input"
    body["inputs"][0]["dataset_template_id"] = f"{text} #input-template"
    body["inputs"][0]["resources"] = {text: text, "control": CONTROL}
    body["outputs"][0]["dataset_id"] = f"{text} #output"
    body["outputs"][0]["dataset_template_id"] = f"{text} #output-template"
    body["outputs"][0]["resources"] = {"": text}
    body["study_id"] = f"{text} #study"
    body["associations"] = {
        "modeller_id": f"{text} #modeller",
        "requesting_organisation_id": f"{text} #organisation",
    }
    body["annotations"] = {text: text, f"{text} long": LONG, f"{text} {CONTROL}": CONTROL}
    body["display_name"] = text
    body["description"] = f"{text}\n{LONG}"
    body["model_version"] = CONTROL
    return body


def ids_of(body: dict[str, Any]) -> set[str]:
    return {
        body["workflow_template_id"],
        body["study_id"],
        *body["associations"].values(),
        *(d[key] for d in body["inputs"] + body["outputs"] for key in ("dataset_id",)),
    }


def document_ids(document: ProvDocument, settings: Settings) -> set[str]:
    policy = id_policy(settings)
    return {
        policy.node_id(record.identifier.uri)
        for record in document.get_records()
        if record.identifier is not None
    }


def attribute(document: ProvDocument, node_id: str, settings: Settings, name: str) -> Any:
    policy = id_policy(settings)
    for record in document.get_records():
        if record.identifier is not None and policy.node_id(record.identifier.uri) == node_id:
            values = [value for key, value in record.attributes if key.localpart == name]
            assert len(values) == 1, (name, values)
            return values[0]
    raise AssertionError(f"no {node_id!r} in the document")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_model_run_round_trips_verbatim_and_harms_nothing(
    client: httpx.Client, db: Driver, test_settings: Settings, text: str
) -> None:
    plain = client.post("/model_run/register", json=model_run(2))
    assert plain.status_code == 200, plain.text
    one_run = counts(db)

    body = hostile_model_run(text)
    response = client.post("/model_run/register", json=body)
    assert response.status_code == 200, response.text
    info = response.json()["record_info"]

    # Exactly a second run's worth of graph, and the first run is still whole.
    assert counts(db) == {key: 2 * value for key, value in one_run.items()}
    assert client.get(f"/records/{plain.json()['record_info']['id']}").status_code == 200

    stored = client.get(f"/records/{info['id']}").json()["record"]
    for field in body:
        assert stored[field] == body[field], field

    document = ProvDocument.deserialize(content=info["prov_json"], format="json")
    assert ids_of(body) | {info["id"]} <= document_ids(document, test_settings)
    run_annotations = attribute(document, info["id"], test_settings, "annotations")
    assert json.loads(str(run_annotations)) == body["annotations"]
    assert str(attribute(document, info["id"], test_settings, "description")) == body["description"]

    # Query parameters reach the store as values too.
    runs = client.get("/runs", params={"agent": body["associations"]["modeller_id"]}).json()
    assert [run["id"] for run in runs["runs"]] == [info["id"]]
    assert client.get("/runs", params={"dataset": text}).json()["runs"] == []
    assert client.get(f"/records/{text}").status_code == 404


def test_hostile_code_run_refs_round_trip_verbatim(client: httpx.Client) -> None:
    body = seed_code_run()
    body.pop("uuid")
    body["inputs"] = [f"{text} #in" for text in HOSTILE]
    body["outputs"] = [f"{HOSTILE[0]} #out", "x" * 2048]
    body["description"] = f"{HOSTILE[4]} {CONTROL}"
    created = client.post("/api/code_run/", json=body)
    assert created.status_code == 201, created.text
    run = created.json()
    assert (run["inputs"], run["outputs"], run["description"]) == (
        body["inputs"],
        body["outputs"],
        body["description"],
    )
    found = client.get("/api/code_run/", params={"inputs": body["inputs"][0]}).json()
    assert [r["uuid"] for r in found["results"]] == [run["uuid"]]
    assert client.get(f"/records/{run['uuid']}").json()["record"]["inputs"] == body["inputs"]


def test_ids_with_control_characters_are_422_naming_every_field(
    client: httpx.Client, db: Driver
) -> None:
    body = model_run(1)
    body["inputs"][0]["dataset_id"] = "10378.1/in\nput"
    body["associations"]["modeller_id"] = "alice\x00"
    response = client.post("/model_run/register", json=body)
    assert response.status_code == 422
    problems = {tuple(error["loc"]): error["msg"] for error in response.json()["detail"]}
    assert set(problems) == {
        ("body", "inputs", 0, "dataset_id"),
        ("body", "associations", "modeller_id"),
    }
    assert "U+000A at position 10" in problems[("body", "inputs", 0, "dataset_id")]
    assert "control characters" in problems[("body", "associations", "modeller_id")]

    code_run = seed_code_run() | {"outputs": ["ok", "tab\there"]}
    response = client.post("/api/code_run/", json=code_run)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "outputs", 1]]
    assert counts(db)["records"] == 0


def test_overlong_id_is_422_and_long_text_is_kept(client: httpx.Client) -> None:
    body = model_run(1, description=LONG)
    assert client.post("/model_run/register", json=body).status_code == 200
    body = model_run(2)
    body["study_id"] = LONG
    response = client.post("/model_run/register", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "study_id"]


def post_timed(client: httpx.Client, content: Any) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = client.post(
        "/model_run/register", content=content, headers={"Content-Type": "application/json"}
    )
    return response, time.monotonic() - started


def test_64_mb_body_gets_413_quickly(client: httpx.Client, db: Driver) -> None:
    body = b" " * (64 * MB)
    response, seconds = post_timed(client, body)
    assert response.status_code == 413 and seconds < 2, (response.status_code, seconds)
    assert "larger than the limit" in response.json()["detail"]

    # Without a Content-Length (chunked), the limit is counted as the body arrives.
    response, seconds = post_timed(client, (body[i : i + MB] for i in range(0, len(body), MB)))
    assert response.status_code == 413 and seconds < 2, (response.status_code, seconds)
    assert counts(db)["records"] == 0


@pytest.fixture(scope="module")
def small_batches(test_settings: Settings) -> Iterator[ServedApp]:
    # Settings' fields are read by their environment names; model_copy sets them by name.
    with ServedApp(test_settings.model_copy(update={"max_batch": 2})) as app:
        yield app


def test_batch_over_the_limit_is_413_and_writes_nothing(
    small_batches: ServedApp, clean_graph: None, db: Driver
) -> None:
    with httpx.Client(base_url=small_batches.url, timeout=60) as client:
        records = [model_run(n) for n in (1, 2, 3)]
        response = client.post("/model_run/register_batch", json={"records": records})
        assert response.status_code == 413
        assert response.json()["detail"] == (
            "register_batch takes at most 2 records per call; this one has 3. "
            "Send them in several calls."
        )
        assert counts(db)["records"] == 0
        response = client.post("/model_run/register_batch", json={"records": records[:2]})
        assert response.status_code == 200 and response.json()["status"]["success"]


# --- No query text is built from user values -------------------------------------------

QUERY_METHODS = {"run", "execute_query"}
# `run` is a common name (asyncio.run, subprocess.run, uvicorn.run): only these receivers
# are Neo4j's.
NEO4J_RECEIVERS = re.compile(r"(^|_)(tx|session|driver|transaction)$")


def _receiver(call: ast.Call) -> str:
    """`tx` of `tx.run(...)`, `driver` of `self.driver.execute_query(...)`."""
    assert isinstance(call.func, ast.Attribute)
    value = call.func.value
    if isinstance(value, ast.Attribute):
        return value.attr
    return value.id if isinstance(value, ast.Name) else ""


def _is_cypher_load(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "load"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "cypher"
    )


def neo4j_query_calls() -> Iterator[tuple[str, ast.Call]]:
    for folder in ("service", "prov_export", "graph_model"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in QUERY_METHODS
                    and (
                        node.func.attr == "execute_query" or NEO4J_RECEIVERS.search(_receiver(node))
                    )
                ):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def test_every_query_sent_is_a_cypher_file() -> None:
    calls = list(neo4j_query_calls())
    assert len(calls) >= 5, "the scan found too few queries to mean anything"
    for where, call in calls:
        query = call.args[0] if call.args else None
        assert query is not None and _is_cypher_load(query), (
            f"{where}: the query must be cypher.load(...), never text built in Python"
        )


# What str.format or % would need in a file to paste a value in: `{}`, `{0}`, `{name}`,
# `%s`, `%(name)s`. Cypher's own braces always hold more (`{id: $id}`, `{.*}`, `{ MATCH ...}`).
PLACEHOLDER = re.compile(r"\{\d*\}|\{[A-Za-z_]\w*\}|%[sdr]|%\(\w+\)")


def test_cypher_files_hold_no_formatting_placeholders() -> None:
    files = sorted((ROOT / "cypher").rglob("*.cypher"))
    assert files
    for path in files:
        text = "\n".join(
            line for line in path.read_text().splitlines() if not line.lstrip().startswith("//")
        )
        found = PLACEHOLDER.search(text)
        assert found is None, f"{path.relative_to(ROOT)}: {found.group()!r}"
