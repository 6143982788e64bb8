"""Whole-graph exports stream from the first byte (README, "PROV export and import"):
the first chunk reaches the client while the server still has pages to read, in PROV-N
(prefixes declared up front) as in PROV-JSON; an error after the first byte cuts the body.

No timing is asserted. That the export was still in progress when its first chunk
arrived is shown by what the export holds: a node written *after* the client read that
chunk, under an id that sorts after every other (so on the last page), is in the export
only if the server had not read that page yet. The graph is large enough (about 20 pages,
megabytes of text) that the server, held back by the client not reading, cannot have.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import httpx
import pytest
from neo4j import Driver

from prov_export.formats import get_format
from prov_export.ids import IdPolicy
from tests.payloads import model_run
from tests.stored import counts

RUNS = 2000  # about 20,000 nodes: 20 export pages
PROVN = {"Content-Type": "text/provenance-notation"}
BASE = IdPolicy().base_url
FIRST_BYTES = {"provn": "document\n", "json": '{"entity":{'}


@pytest.fixture(autouse=True)
def _quiet_prov() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def register_runs(client: httpx.Client) -> None:
    for start in range(0, RUNS, 500):
        batch = [model_run(f"stream-{n}") for n in range(start, start + 500)]
        response = client.post("/model_run/register_batch", json={"records": batch})
        assert response.status_code == 200, response.text
        assert all(result["success"] for result in response.json()["results"])


def import_late_entity(client: httpx.Client, namespace: str, local: str) -> None:
    document = f"document\n  prefix late <{namespace}>\n  entity(late:{local})\nendDocument\n"
    response = client.post("/prov", content=document, headers=PROVN)
    assert response.status_code == 201, response.text


def element_iris(text: str, fmt: str) -> set[str]:
    document = get_format(fmt).parse(text)
    flat = document.flattened()
    return {
        str(record.identifier.uri)
        for record in flat.get_records()
        if record.is_element() and record.identifier
    }


def test_whole_graph_exports_stream_from_the_first_byte(client: httpx.Client, db: Driver) -> None:
    # One graph for every check: registering it is most of this test's time.
    register_runs(client)
    for fmt in ("provn", "json"):
        the_first_chunk_arrives_while_the_export_is_in_progress(client, db, fmt)
    an_error_after_the_first_byte_cuts_the_body(client)


def the_first_chunk_arrives_while_the_export_is_in_progress(
    client: httpx.Client, db: Driver, fmt: str
) -> None:
    before = counts(db)
    late = f"zzzz-written-during-the-{fmt}-export"  # sorts after every id: the last page
    with client.stream("GET", "/prov", params={"scope": "all", "format": fmt}) as streamed:
        assert streamed.status_code == 200
        pieces = streamed.iter_text()
        first = next(pieces)
        assert first.startswith(FIRST_BYTES[fmt])
        import_late_entity(client, BASE, late)
        text = first + "".join(pieces)
    exported = element_iris(text, fmt)
    assert BASE + late in exported  # read after the first chunk had left
    assert len(exported) == before["ids"] + 1


def an_error_after_the_first_byte_cuts_the_body(client: httpx.Client) -> None:
    # A PROV-N export declares its prefixes first, from the namespaces and URI schemes in
    # the store. A node under a scheme no id had (written during the export) cannot be
    # written any more: the response ends without its last chunk, which the client sees
    # as an incomplete body, never as a document that looks whole.
    with client.stream("GET", "/prov", params={"scope": "all", "format": "provn"}) as streamed:
        assert streamed.status_code == 200
        pieces = streamed.iter_text()
        assert next(pieces).startswith("document\n")
        import_late_entity(client, "zzzz-new-scheme://late.example.org/", "x")
        with pytest.raises(httpx.RemoteProtocolError):
            for _ in pieces:
                pass
    # PROV-JSON names its prefixes last: the same graph exports whole.
    text = client.get("/prov", params={"scope": "all", "format": "json"}).text
    assert "zzzz-new-scheme://late.example.org/x" in element_iris(text, "json")
    # And once the scheme is in the store, PROV-N declares it up front.
    text = client.get("/prov", params={"scope": "all", "format": "provn"}).text
    assert "zzzz-new-scheme://late.example.org/x" in element_iris(text, "provn")
