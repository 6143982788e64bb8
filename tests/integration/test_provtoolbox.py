"""Our exports as the two reference readers read them (issue 20).

A corpus (the `prov` package's examples and ProvToolbox's own test documents) is imported
over HTTP and exported in every format. `prov` must read each export back equal to what
was imported; ProvToolbox must read the PROV-JSON, PROV-XML and TriG exports as the same
document as the PROV-N one, and the Turtle export too once bundles are flattened (Turtle
has no named graphs). Statements are compared as canonical sets: names by IRI, times as
UTC instants (a time without offset read as UTC), attributes unordered.
"""

from __future__ import annotations

import datetime
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver
from prov.identifier import Identifier, QualifiedName
from prov.model import Literal, ProvDocument
from prov.tests import examples

import cypher
from prov_export.document import documents_equal
from prov_export.formats import FORMATS, get_format
from service.settings import Settings
from tests import prov_documents
from tests.conftest import ServedApp
from tests.provtoolbox import READER, read_as_provn, toolbox_provn

FIXTURES = Path(__file__).parent.parent / "fixtures" / "provtoolbox"
# What ProvToolbox must read as the PROV-N export's document; ttl after flattening bundles.
SAME_AS_PROVN = ("json", "xml", "trig")
EXPORTS = ("provn", *SAME_AS_PROVN, "ttl")
# prov reads these back equal to the import (ttl: equal once bundles are flattened).
PROV_EQUAL = ("json", "provn", "xml", "trig")
RDF = ("trig", "ttl")

PROV_EXAMPLES: dict[str, Callable[[], ProvDocument]] = {
    "primer": examples.primer_example,
    "primer alternate": examples.primer_example_alternate,
    "w3c publication 1": examples.w3c_publication_1,
    "w3c publication 2": examples.w3c_publication_2,
    "bundles1": examples.bundles1,
    "bundles2": examples.bundles2,
    "collections": examples.collections,
    "datatypes": examples.datatypes,
    "long literals": examples.long_literals,
}


def corpus() -> dict[str, tuple[str, str]]:
    """name -> (PROV-N text to import, where it comes from)."""
    documents = {
        f"prov: {name}": (prov_documents.text(make(), "provn"), "prov.tests.examples")
        for name, make in PROV_EXAMPLES.items()
    }
    for path in sorted(FIXTURES.glob("*.provn")):
        documents[f"ProvToolbox: {path.stem}"] = (path.read_text(), "tests/fixtures/provtoolbox")
    return documents


Statement = tuple[Any, ...]


def canonical_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return ("time", value.astimezone(datetime.UTC).isoformat())
    if isinstance(value, QualifiedName):
        return ("qualified name", value.uri)
    if isinstance(value, Identifier):
        return ("iri", value.uri)
    if isinstance(value, Literal):
        datatype = value.datatype.uri if value.datatype else None
        return ("literal", value.value, datatype, value.langtag)
    return (type(value).__name__, str(value))


def statements(document: ProvDocument, flatten_bundles: bool = False) -> frozenset[Statement]:
    """Canonical statements; flattened, as Turtle holds them: no bundles, and one element
    per id (RDF says everything about one IRI in one place)."""
    found = set()
    elements: dict[tuple[str, str], set[Any]] = {}
    for bundle in (document, *document.bundles):
        place = None if flatten_bundles or bundle is document else bundle.identifier
        for record in bundle.get_records():
            attributes = {(name.uri, canonical_value(value)) for name, value in record.attributes}
            identifier = record.identifier.uri if record.identifier else None
            kind = record.get_type().uri
            if flatten_bundles and record.is_element():
                elements.setdefault((kind, str(identifier)), set()).update(attributes)
                continue
            found.add((place and place.uri, kind, identifier, tuple(sorted(attributes))))
    for (kind, identifier), attributes in elements.items():
        found.add((None, kind, identifier, tuple(sorted(attributes))))
    return frozenset(found)


MENTION = "http://www.w3.org/ns/prov#Mention"
SPECIFIC, GENERAL = (
    "http://www.w3.org/ns/prov#specificEntity",
    "http://www.w3.org/ns/prov#generalEntity",
)


def mentions_unswapped(found: frozenset[Statement]) -> frozenset[Statement]:
    """ProvToolbox 0.9.27's RDF reader swaps mentionOf's two entities (`e2 prov:mentionOf
    e1` is read as mentionOf(e1, e2, b)); swapped back, its reading of our TriG and Turtle
    can be compared (README)."""
    swap = {SPECIFIC: GENERAL, GENERAL: SPECIFIC}
    return frozenset(
        (place, kind, identifier, tuple(sorted((swap.get(n, n), v) for n, v in attributes)))
        if kind == MENTION
        else (place, kind, identifier, attributes)
        for place, kind, identifier, attributes in found
    )


def spelt_names_as_names(document: ProvDocument) -> ProvDocument:
    """The document as provgraph imports it: a string typed xsd:QName is the qualified
    name it spells (README), as PROV-JSON's and PROV-XML's readers read it."""
    text = prov_documents.text(document, "provn")
    return FORMATS["provn"].parse(
        re.sub(r'"([A-Za-z_][\w.-]*:[^"\s]*)" %% xsd:QName', r"'\1'", text)
    )


def difference(a: frozenset[Statement], b: frozenset[Statement]) -> str:
    only_a = sorted(map(str, a - b))[:3]
    only_b = sorted(map(str, b - a))[:3]
    return f"only in PROV-N's reading: {only_a}; only in this one: {only_b}"


@dataclass
class Readings:
    """Per corpus document: what prov and ProvToolbox made of each export."""

    prov_problems: dict[str, list[str]] = field(default_factory=dict)
    toolbox_problems: dict[str, list[str]] = field(default_factory=dict)
    agreeing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXPORTS[1:], 0))


def flattened(document: ProvDocument) -> frozenset[Statement]:
    return statements(document, flatten_bundles=True)


@pytest.fixture(scope="module")
def readings(
    served_app: ServedApp,
    db: Driver,
    test_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Readings]:
    READER.resolve(test_settings.cache_dir)  # fails here, with the reason, when it cannot
    with db.session() as session:
        session.run(cypher.load("admin/wipe_all")).consume()
    folder = tmp_path_factory.mktemp("exports")
    result = Readings()
    files: dict[tuple[str, str], Path] = {}
    with warnings.catch_warnings(), httpx.Client(base_url=served_app.url, timeout=120) as http:
        warnings.simplefilter("ignore")
        for position, (name, (text, _)) in enumerate(corpus().items()):
            sent = spelt_names_as_names(FORMATS["provn"].parse(text))
            response = http.post(
                "/prov", content=text, headers={"Content-Type": "text/provenance-notation"}
            )
            assert response.status_code == 201, f"{name}: {response.text}"
            record_id = response.json()["id"]
            problems = result.prov_problems.setdefault(name, [])
            for fmt in EXPORTS:
                exported = http.get("/prov", params={"id": record_id, "format": fmt})
                assert exported.status_code == 200, exported.text
                path = folder / f"{position}{get_format(fmt).suffix}"
                path.write_text(exported.text)
                files[(name, fmt)] = path
                back = get_format(fmt).parse(exported.text)
                if fmt in PROV_EQUAL and not documents_equal(back, sent):
                    problems.append(f"prov reads the {fmt} export unlike the import")
                if fmt == "ttl" and flattened(back) != flattened(sent):
                    problems.append("prov reads the ttl export unlike the flattened import")
        read = read_as_provn(
            test_settings.cache_dir, list(files.values()), tmp_path_factory.mktemp("readings")
        )
        for name in corpus():
            problems = result.toolbox_problems.setdefault(name, [])
            readings_of: dict[str, ProvDocument] = {}
            for fmt in EXPORTS:
                answer = read[files[(name, fmt)]]
                if isinstance(answer, str):
                    problems.append(f"ProvToolbox cannot read the {fmt} export: {answer}")
                    continue
                readings_of[fmt] = FORMATS["provn"].parse(toolbox_provn(answer.read_text()))
            if "provn" not in readings_of:
                continue
            reference = readings_of["provn"]
            for fmt, document in readings_of.items():
                if fmt == "provn":
                    continue
                flat = fmt == "ttl"
                mine = flattened(document) if flat else statements(document)
                theirs = flattened(reference) if flat else statements(reference)
                if fmt in RDF:
                    mine = mentions_unswapped(mine)
                if mine == theirs:
                    result.agreeing[fmt] += 1
                else:
                    problems.append(f"{fmt}: {difference(theirs, mine)}")
    total = len(result.toolbox_problems)
    counts = ", ".join(f"{fmt} = provn in {n}/{total}" for fmt, n in result.agreeing.items())
    print(f"\nProvToolbox reads our exports: {counts}")
    yield result


@pytest.mark.parametrize("name", list(corpus()))
def test_prov_reads_every_export_back_equal_to_the_import(readings: Readings, name: str) -> None:
    assert readings.prov_problems[name] == []


@pytest.mark.parametrize("name", list(corpus()))
def test_provtoolbox_reads_every_format_as_the_same_document(readings: Readings, name: str) -> None:
    assert readings.toolbox_problems[name] == []
