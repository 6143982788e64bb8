"""Whatever is accepted can be read back (issue 19): generated records go in through each
write route (Provena register, PROV import as PROV-JSON and PROV-N, FAIR-DP code run);
every write is either refused with a 4xx or readable with 200 through every read route,
by its owner and by another reader. No answer is ever a 5xx.

Example counts are modest (CI runs this in a couple of minutes); `derandomize` makes every
run send the same cases, so a failure is reproducible.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prov.model import ProvDocument

from prov_export.formats import FORMATS
from service.validation import MAX_EPOCH, MIN_EPOCH
from tests import prov_documents
from tests.payloads import model_run, seed_code_run
from tests.users import as_user

EXAMPLES = 10
READ_BACK = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Ids: any text without control characters or surrogates, sometimes long.
ID_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
ids = st.one_of(
    st.text(ID_CHARS, min_size=1, max_size=30),
    st.text(ID_CHARS, min_size=1000, max_size=1024),
)
# Free text: anything UTF-8 can carry, control characters included.
texts = st.text(st.characters(codec="utf-8"), max_size=60)
# Times: mostly within years 1-9999, sometimes any integer (those must be refused).
epochs = st.one_of(st.integers(MIN_EPOCH, MAX_EPOCH), st.integers())



def ok(response: httpx.Response) -> httpx.Response:
    assert response.status_code == 200, (response.request.url, response.text[:500])
    return response


def refused(response: httpx.Response) -> bool:
    """False when the write was accepted; a refusal must be a 4xx, never a 5xx."""
    assert response.status_code < 500, (response.request.url, response.text[:500])
    return response.status_code >= 400


def read_everything(client: httpx.Client, record_id: str, node_ids: list[str]) -> None:
    """Every read route, as the owner's fellow reader and as another writer."""
    for user in ("reader", "bob"):
        headers = as_user(user)
        ok(client.get(f"/records/{quote(record_id, safe='')}", headers=headers))
        for name in FORMATS:
            ok(client.get("/prov", params={"id": record_id, "format": name}, headers=headers))
        runs = ok(client.get("/runs", params={"limit": 1000}, headers=headers)).json()
        cursor = runs["next_cursor"]
        while cursor:
            page = client.get("/runs", params={"cursor": cursor}, headers=headers)
            cursor = ok(page).json()["next_cursor"]
        for node_id in node_ids:
            for direction in ("upstream", "downstream", "both"):
                params = {"id": node_id, "direction": direction}
                ok(client.get("/lineage", params=params, headers=headers))
            for explore in ("upstream", "downstream", "special/contributing_datasets"):
                params = {"starting_id": node_id}
                ok(client.get(f"/explore/{explore}", params=params, headers=headers))
            for scope in ("upstream", "downstream"):
                params = {"id": node_id, "scope": scope, "format": "provn"}
                ok(client.get("/prov", params=params, headers=headers))
        listed = ok(client.get("/api/code_run/", params={"page_size": 1000}, headers=headers))
        for run in listed.json()["results"]:
            seq = run["url"].rstrip("/").rsplit("/", 1)[1]
            ok(client.get(f"/api/code_run/{seq}/", headers=headers))
            ok(client.get(f"/api/ro-crate/code-run/{seq}/", headers=headers))
            crate = {"format": "zip"}
            ok(client.get(f"/api/ro-crate/code-run/{seq}/", params=crate, headers=headers))
    for fmt in ("json", "provn"):
        params = {"scope": "all", "format": fmt}
        ok(client.get("/prov", params=params, headers=as_user("boss")))


@st.composite
def model_runs(draw: st.DrawFn) -> dict[str, Any]:
    body = model_run(1)
    body["workflow_template_id"] = draw(ids)
    body["inputs"][0]["dataset_id"] = draw(ids)
    body["inputs"][0]["resources"] = draw(st.dictionaries(texts, texts, max_size=2))
    body["outputs"][0]["dataset_id"] = draw(ids)
    body["associations"]["modeller_id"] = draw(ids)
    body["study_id"] = draw(st.one_of(st.none(), ids))
    body["annotations"] = draw(st.dictionaries(texts, texts, max_size=3))
    body["description"] = draw(texts)
    body["display_name"] = draw(st.one_of(st.none(), texts))
    body["start_time"], body["end_time"] = sorted(draw(st.lists(epochs, min_size=2, max_size=2)))
    return body


@READ_BACK
@given(body=model_runs())
def test_provena_registrations_read_back(users: httpx.Client, body: dict[str, Any]) -> None:
    response = users.post("/model_run/register", json=body, headers=as_user("alice"))
    if refused(response):
        return
    run_id = response.json()["record_info"]["id"]
    read_everything(users, run_id, [run_id, body["outputs"][0]["dataset_id"]])


run_dates = st.builds(
    lambda moment, minutes: moment.replace(
        tzinfo=datetime.timezone(datetime.timedelta(minutes=minutes))
    ).isoformat(),
    st.datetimes(),
    st.integers(-14 * 60, 14 * 60),
)


@READ_BACK
@given(
    run_date=run_dates,
    description=st.one_of(st.none(), st.text(st.characters(codec="utf-8"), max_size=200)),
    inputs=st.lists(ids, max_size=2),
    outputs=st.lists(ids, max_size=2),
)
def test_code_runs_read_back(
    users: httpx.Client,
    run_date: str,
    description: str | None,
    inputs: list[str],
    outputs: list[str],
) -> None:
    body = {
        **seed_code_run(),
        "uuid": None,
        "run_date": run_date,
        "description": description,
        "inputs": inputs,
        "outputs": outputs,
    }
    response = users.post("/api/code_run/", json=body, headers=as_user("alice"))
    if refused(response):
        return
    run = response.json()
    read_everything(users, run["uuid"], [run["uuid"], *outputs[:1]])


local_names = st.text(st.sampled_from("abcxyzAZ019_"), min_size=1, max_size=12)
prov_times = st.datetimes(
    min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30)
)


@st.composite
def documents(draw: st.DrawFn) -> ProvDocument:
    document = ProvDocument()
    document.add_namespace("ex", "http://example.org/")
    names = draw(st.lists(local_names, min_size=2, max_size=5, unique=True))
    activity = document.activity(f"ex:run_{names[0]}", draw(prov_times), None)
    for name in names[1:]:
        value = draw(texts.filter(lambda text: "\x00" not in text))
        entity = document.entity(f"ex:{name}", {"ex:note": value})
        if draw(st.booleans()):
            document.wasGeneratedBy(entity, activity)
        else:
            document.used(activity, entity)
    return document


@READ_BACK
@given(document=documents(), fmt=st.sampled_from(["json", "provn"]))
def test_imported_documents_read_back(
    users: httpx.Client, document: ProvDocument, fmt: str
) -> None:
    content_type = FORMATS[fmt].media_type
    text = prov_documents.text(document, "provn" if fmt == "provn" else "json")
    headers = as_user("alice", **{"Content-Type": content_type})
    response = users.post("/prov", content=text.encode(), headers=headers)
    if refused(response):
        return
    elements = [record for record in document.get_records() if record.is_element()]
    node_ids = [prov_documents.uri(record) for record in elements][:3]
    read_everything(users, response.json()["id"], node_ids)
