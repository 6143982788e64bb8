"""Where `prov`'s writers and the reference reader (ProvToolbox) disagree, the encoding
both read the same way (README, "What PROV readers read differently").

- PROV-JSON: qualified-name values are typed `prov:QUALIFIED_NAME` (PROV-DM's own type,
  what ProvToolbox writes and reads as a qualified name), not `xsd:QName` (prov 3's
  choice, which ProvToolbox reads as a plain string). prov reads both.
- Turtle/TriG: a delegation, attribution, communication or influence that needs a
  qualification node (an id, an activity, attributes) is written only as that node, not
  also as the plain `prov:actedOnBehalfOf` triple, which ProvToolbox reads as a second,
  unqualified relation. prov reads both.
- PROV-XML: every record is written with its base element (`<prov:agent>`) and its
  `prov:type` as an attribute, never a subtype element (`<prov:person>`), which
  ProvToolbox reads without the type. prov reads both.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from prov.constants import PROV
from prov.identifier import QualifiedName
from prov.model import ProvDocument
from prov.serializers.provrdf import ProvRDFSerializer
from prov.serializers.provxml import FULL_NAMES_MAP, ProvXMLSerializer

JSON_QNAME_TYPES = ("xsd:QName",)
PROV_QUALIFIED_NAME = "prov:QUALIFIED_NAME"
BUILT_IN_PREFIXES = frozenset({"prov", "xsd"})


def qualified_names_as_prov_type(container: Any, prefixes: frozenset[str] = frozenset()) -> Any:
    """A PROV-JSON container (as prov encodes it) with qualified-name values typed
    `prov:QUALIFIED_NAME`; changed in place and returned.

    Only names whose prefix is declared (in the container or an enclosing one) are
    qualified names: a string typed xsd:QName with an unknown prefix stays what it is."""
    if isinstance(container, dict):
        declared = container.get("prefix")
        if isinstance(declared, dict):
            prefixes = prefixes | set(declared)
        if container.get("type") in JSON_QNAME_TYPES and isinstance(container.get("$"), str):
            prefix, colon, _ = container["$"].partition(":")
            if (prefix if colon else "default") in prefixes | BUILT_IN_PREFIXES:
                container["type"] = PROV_QUALIFIED_NAME
        for value in container.values():
            qualified_names_as_prov_type(value, prefixes)
    elif isinstance(container, list):
        for value in container:
            qualified_names_as_prov_type(value, prefixes)
    return container


class BaseElementXMLSerializer(ProvXMLSerializer):
    """prov's PROV-XML writer, minus subtype elements: types stay `prov:type` attributes."""

    def _derive_record_label(self, rec_type: QualifiedName, attributes: Any) -> str:
        return str(FULL_NAMES_MAP[rec_type])


def provxml(document: ProvDocument) -> str:
    stream = io.BytesIO()
    BaseElementXMLSerializer(document).serialize(stream, force_types=True)
    return stream.getvalue().decode("utf-8")


# PROV-O's relations whose plain triple prov writes beside their qualification node.
INFLUENCER_RELATIONS = frozenset(
    PROV[name] for name in ("Delegation", "Attribution", "Communication", "Influence")
)


class QualifiedOnceRDFSerializer(ProvRDFSerializer):
    """prov's PROV-O writer, writing a qualified relation once: as its qualification node."""

    def _encode_relation_binary_triple(
        self,
        container: Any,
        record: Any,
        rec_type: Any,
        pred: Any,
        subj: Any,
        valid_formal_indices: Any,
        used_objects: Any,
        has_qualifiers: bool,
    ) -> bool:
        if rec_type in INFLUENCER_RELATIONS and has_qualifiers:
            return has_qualifiers
        return bool(
            super()._encode_relation_binary_triple(
                container,
                record,
                rec_type,
                pred,
                subj,
                valid_formal_indices,
                used_objects,
                has_qualifiers,
            )
        )


def provo(rdf_format: str) -> Callable[[ProvDocument], str]:
    def serialise(document: ProvDocument) -> str:
        stream = io.StringIO()
        QualifiedOnceRDFSerializer(document).serialize(stream, rdf_format=rdf_format)
        return stream.getvalue()

    return serialise
