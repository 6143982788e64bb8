"""prov's documents as the tests use them, typed: the package's own example documents (it
ships them without annotations), a document's records as a list, its text."""

from prov.identifier import Identifier
from prov.model import ProvBundle, ProvDocument, ProvRecord
from prov.tests import examples


def primer_example() -> ProvDocument:
    document: ProvDocument = examples.primer_example()  # type: ignore[no-untyped-call]
    return document


def bundles1() -> ProvDocument:
    document: ProvDocument = examples.bundles1()  # type: ignore[no-untyped-call]
    return document


def bundles2() -> ProvDocument:
    document: ProvDocument = examples.bundles2()  # type: ignore[no-untyped-call]
    return document


def records(document: ProvBundle) -> list[ProvRecord]:
    return list(document.get_records())


def text(document: ProvDocument, format: str) -> str:
    """The document serialised; prov's `serialize` answers None only when given a file."""
    serialised = document.serialize(format=format)
    assert isinstance(serialised, str)
    return serialised


def element_uris(document: ProvBundle) -> set[str]:
    """The IRIs of the document's elements (entities, activities, agents)."""
    return {uri(record) for record in document.get_records() if record.is_element()}


def uri(record: ProvRecord) -> str:
    identifier: Identifier | None = record.identifier
    assert identifier is not None
    return str(identifier.uri)
