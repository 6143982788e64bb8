"""Node ids <-> IRIs and PROV qualified names: the one place that decides (SPEC §2).

- An id that is already an absolute IRI (`https://...`, `urn:...`) is its own IRI.
- A Provena handle (`10378.1/1234`: digits and dots, a slash, then anything) sits under the
  handle base, by default the Handle resolver.
- Anything else (ids the service mints, plain strings such as "1234") sits under the
  service's base URL, percent-encoded.

The inverse, used on import, gives back the short id for IRIs under either base, so an
export imported again names the same nodes. The request host never appears anywhere.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

from prov.identifier import Namespace, QualifiedName

DEFAULT_BASE_URL = "https://example.org/provgraph/"
DEFAULT_HANDLE_BASE_URL = "https://hdl.handle.net/"

# RFC 3986 scheme followed by ':'; a handle's prefix (digits first) can never match.
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_HANDLE = re.compile(r"^[0-9]+(\.[0-9]+)*/.+$", re.DOTALL)
# Kept literally in a path segment: unreserved, sub-delims, ':', '@' and '/'.
_SAFE_IN_PATH = "-._~!$&'()*+,;=:@/"
# Blank nodes belong to the document that wrote them; this prefix makes them global ids.
BLANK_ID_PREFIX = "urn:provgraph:blank:"


def is_absolute_iri(node_id: str) -> bool:
    return bool(_ABSOLUTE_IRI.match(node_id))


def is_handle(node_id: str) -> bool:
    return bool(_HANDLE.match(node_id))


def is_blank(name: QualifiedName) -> bool:
    """Is this a blank-node name (`_:b1`), local to the document that holds it?"""
    return name.namespace.prefix == "_" or name.uri.startswith("_:")


@dataclass(frozen=True)
class IdPolicy:
    """Where ids live as IRIs, and which prefixes name those places in exports."""

    base_url: str = DEFAULT_BASE_URL
    handle_base_url: str = DEFAULT_HANDLE_BASE_URL
    base_prefix: str = "pg"
    handle_prefix: str = "hdl"

    def iri(self, node_id: str) -> str:
        if is_absolute_iri(node_id):
            return node_id
        if is_handle(node_id):
            return self.handle_base_url + quote(node_id, safe=_SAFE_IN_PATH)
        return self.base_url + quote(node_id, safe=_SAFE_IN_PATH)

    def node_id(self, iri: str) -> str:
        """The id an IRI names: the short id when `iri()` gives that IRI back, else the IRI."""
        for base in (self.base_url, self.handle_base_url):
            if iri.startswith(base) and len(iri) > len(base):
                short = unquote(iri[len(base) :])
                # Only when exporting the short id gives this very IRI back: a handle
                # written under the base URL, say, must stay a full IRI.
                if not is_absolute_iri(short) and self.iri(short) == iri:
                    return short
        return iri

    def node_id_of(self, name: QualifiedName, scope: str) -> str:
        """The node id of a document's qualified name; `scope` tells documents apart."""
        if is_blank(name):
            return f"{BLANK_ID_PREFIX}{scope}:{name.localpart}"
        return self.node_id(name.uri)

    def namespaces(self, declared: Mapping[str, str] | None = None) -> dict[str, str]:
        """The prefixes ids may use: the handle and base prefixes, then the declared ones."""
        own = {self.handle_prefix: self.handle_base_url, self.base_prefix: self.base_url}
        return {**own, **(declared or {})}

    def qualified_name(
        self, node_id: str, namespaces: Mapping[str, str] | None = None
    ) -> QualifiedName:
        """The id as a qualified name, under the longest declared namespace that fits."""
        iri = self.iri(node_id)
        candidates = self.namespaces(namespaces)
        fitting = [
            (uri, prefix) for prefix, uri in candidates.items() if uri and iri.startswith(uri)
        ]
        if fitting:
            uri, prefix = max(fitting, key=lambda pair: (len(pair[0]), pair[1]))
            return QualifiedName(Namespace(prefix, uri), iri[len(uri) :])
        return _undeclared_qualified_name(iri)


def _undeclared_qualified_name(iri: str) -> QualifiedName:
    """Split an IRI no declared namespace covers after its last '/', '#' or ':'.

    The prefix is derived from the namespace IRI, so every export of the same graph
    names it the same way.
    """
    cut = max(iri.rfind("/"), iri.rfind("#"), iri.rfind(":")) + 1
    namespace_iri = iri[:cut]
    prefix = "ns" + hashlib.sha1(namespace_iri.encode(), usedforsecurity=False).hexdigest()[:8]
    return QualifiedName(Namespace(prefix, namespace_iri), iri[cut:])
