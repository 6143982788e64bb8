"""What an imported document says that its nodes and edges cannot: `ProvGraph.dangling`.

The graph holds one node per id and one edge per relation with both main arguments. To
export an imported document back *equal* (SPEC §6), its record also keeps, as notes:

- `{"t": "record", ...}`: a record kept verbatim. Relations lacking one of their two main
  arguments (`wasGeneratedBy(e, -, t)`), a second declaration of an element that the node
  cannot carry (in another bundle, or with other attributes), a second, different relation
  under an id already used.
- `{"t": "undeclared", "id", "classes"}`: classes a node has in the graph that the document
  does not declare through that node: elements only referenced by relations (or declared
  only by a kept record). Exporting a declaration for them would add records.
- `{"t": "bundle", "id"}`: a bundle of the document, so that even an empty one comes back.

Notes are plain JSON (names and values in the `values` codec), stored on the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prov.identifier import QualifiedName

from graph_model import Attributes
from prov_export.values import decode_name, decode_value, encode_name, encode_value


@dataclass
class KeptRecord:
    type: str  # the PROV-N keyword: entity, used, wasGeneratedBy...
    identifier: str | None  # a node id (elements, relations with an id)
    formal: list[tuple[QualifiedName, Any]]  # every formal attribute; None stands for '-'
    extra: Attributes
    bundle: str | None = None


@dataclass
class Notes:
    records: list[KeptRecord] = field(default_factory=list)
    undeclared: dict[str, list[str]] = field(default_factory=dict)
    bundles: list[str] = field(default_factory=list)

    def encode(self) -> list[dict[str, Any]]:
        notes: list[dict[str, Any]] = [{"t": "bundle", "id": bundle} for bundle in self.bundles]
        notes += [
            {"t": "undeclared", "id": node_id, "classes": classes}
            for node_id, classes in self.undeclared.items()
        ]
        notes += [_encode_record(record) for record in self.records]
        return notes

    @classmethod
    def decode(cls, dangling: list[dict[str, Any]]) -> Notes:
        notes = cls()
        for note in dangling:
            if note["t"] == "bundle":
                notes.bundles.append(note["id"])
            elif note["t"] == "undeclared":
                notes.undeclared[note["id"]] = list(note["classes"])
            elif note["t"] == "record":
                notes.records.append(_decode_record(note))
            else:
                raise ValueError(f"unknown note {note['t']!r} in ProvGraph.dangling")
        return notes


def _encode_record(record: KeptRecord) -> dict[str, Any]:
    return {
        "t": "record",
        "type": record.type,
        "id": record.identifier,
        "bundle": record.bundle,
        "formal": [
            [encode_name(name), None if value is None else encode_value(value)]
            for name, value in record.formal
        ],
        "extra": [[encode_name(name), encode_value(value)] for name, value in record.extra],
    }


def _decode_record(note: dict[str, Any]) -> KeptRecord:
    return KeptRecord(
        type=note["type"],
        identifier=note["id"],
        formal=[
            (decode_name(name), None if value is None else decode_value(value))
            for name, value in note["formal"]
        ],
        extra=[(decode_name(name), decode_value(value)) for name, value in note["extra"]],
        bundle=note["bundle"],
    )
