"""Where `prov`'s writers and the reference reader (ProvToolbox) disagree, the encoding
both read the same way (README, "What PROV readers read differently").

- PROV-JSON: qualified-name values are typed `prov:QUALIFIED_NAME` (PROV-DM's own type,
  what ProvToolbox writes and reads as a qualified name), not `xsd:QName` (prov 3's
  choice, which ProvToolbox reads as a plain string). prov reads both.
- PROV-XML: every record is written with its base element (`<prov:agent>`) and its
  `prov:type` as an attribute, never a subtype element (`<prov:person>`), which
  ProvToolbox reads without the type. prov reads both.
"""

from __future__ import annotations

import io
from typing import Any

from prov.identifier import QualifiedName
from prov.model import ProvDocument
from prov.serializers.provxml import FULL_NAMES_MAP, ProvXMLSerializer

JSON_QNAME_TYPES = ("xsd:QName",)
PROV_QUALIFIED_NAME = "prov:QUALIFIED_NAME"


def qualified_names_as_prov_type(container: Any) -> Any:
    """A PROV-JSON container (as prov encodes it) with qualified-name values typed
    `prov:QUALIFIED_NAME`; changed in place and returned."""
    if isinstance(container, dict):
        if container.get("type") in JSON_QNAME_TYPES and "$" in container:
            container["type"] = PROV_QUALIFIED_NAME
        for value in container.values():
            qualified_names_as_prov_type(value)
    elif isinstance(container, list):
        for value in container:
            qualified_names_as_prov_type(value)
    return container


class BaseElementXMLSerializer(ProvXMLSerializer):
    """prov's PROV-XML writer, minus subtype elements: types stay `prov:type` attributes."""

    def _derive_record_label(self, rec_type: QualifiedName, attributes: Any) -> str:
        return str(FULL_NAMES_MAP[rec_type])


def provxml(document: ProvDocument) -> str:
    stream = io.BytesIO()
    BaseElementXMLSerializer(document).serialize(stream)
    return stream.getvalue().decode("utf-8")
