"""The prefix table of one export: which prefix writes which namespace, decided up front.

`prov.model` registers a namespace each time a record names one, renaming prefixes that
clash, and its writers read that registry at the end. The text writers (`provn`,
`provjson`) instead take a table filled before the first record: PROV-N must declare every
prefix before its first statement, so a streamed document can only start once the table
is known. The store knows the namespaces in use (records' declarations, the service's own
vocabulary, the URI schemes of absolute ids); `PrefixTable` turns them into one prefix
per namespace IRI.

- Names are matched by IRI, never by prefix: a `QualifiedName` compares by IRI, so a name
  keeps its meaning whatever prefix writes it. Two namespaces under one prefix (two
  imported documents both saying `ex`) get `ex` and `ex_1`.
- A node id becomes a name under the longest namespace its IRI starts with (as
  `IdPolicy.qualified_name` does). An IRI under no namespace gets one: in a table that
  may still grow (a graph held in memory) the IRI up to its last `/`, `#` or `:`, as
  `prov_export.ids` derives it; in a table `frozen` for streaming the IRI's scheme
  (`https:`), declared up front for every scheme the store's ids use.
- `prov` and `xsd` are PROV-N's predeclared prefixes: always in the table, never declared.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping

from prov.constants import PROV, XSD
from prov.identifier import QualifiedName

from graph_model import PROVGRAPH
from prov_export.ids import IdPolicy, is_absolute_iri

PREDECLARED = {PROV.prefix: PROV.uri, XSD.prefix: XSD.uri}
# Prefixes a table may not hand out: PROV-JSON keys the default namespace "default", and
# "_" is a blank node's.
RESERVED = frozenset({"default", "_", ""})
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# What PROV-N and PROV-JSON accept as a prefix (PN_PREFIX, kept to ASCII).
_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


class UndeclaredNamespace(ValueError):
    """A frozen table met a name it cannot write (a namespace written after it was read)."""


def derived_prefix(namespace_iri: str) -> str:
    """The prefix of a namespace no document named: from its IRI, so every export of the
    same graph writes it alike."""
    return "ns" + hashlib.sha1(namespace_iri.encode(), usedforsecurity=False).hexdigest()[:8]


def scheme_namespace(iri: str) -> str | None:
    """`https:` of `https://example.org/x`: the namespace a streamed export writes an
    IRI under when no declared namespace holds it."""
    match = _SCHEME.match(iri)
    return match.group(0) if match else None


class PrefixTable:
    """Namespace IRI -> prefix, and the names and ids of one export written with it."""

    def __init__(
        self, policy: IdPolicy, declared: Mapping[str, str] | None = None, frozen: bool = False
    ) -> None:
        self.policy = policy
        self.frozen = False
        self.prefixes: dict[str, str] = {}  # prefix -> IRI, in declaration order
        self.by_iri: dict[str, str] = {}  # IRI -> prefix
        self._lengths: list[int] = []  # lengths of the IRIs in the table, longest first
        self._names: dict[QualifiedName, tuple[str, str]] = {}
        for prefix, iri in PREDECLARED.items():
            self._bind(prefix, iri)
        own = {**policy.namespaces(), PROVGRAPH.prefix: PROVGRAPH.uri}
        for prefix, iri in (*own.items(), *(declared or {}).items()):
            self.add(prefix, iri)
        self.frozen = frozen

    @property
    def declared(self) -> dict[str, str]:
        """What a document declares: every prefix but the predeclared prov and xsd."""
        return {p: iri for p, iri in self.prefixes.items() if p not in PREDECLARED}

    def add(self, prefix: str, iri: str) -> str:
        """The prefix that writes `iri`: the one it has, else `prefix` or a free variant."""
        known = self.by_iri.get(iri)
        if known is not None:
            return known
        if self.frozen:
            raise UndeclaredNamespace(
                f"the namespace <{iri}> was not known when the export's prefixes were written"
            )
        base = prefix if prefix not in RESERVED and _PREFIX.match(prefix) else "ns"
        chosen, count = base, 0
        while chosen in self.prefixes:
            count += 1
            chosen = f"{base}_{count}"
        self._bind(chosen, iri)
        return chosen

    def add_all(self, namespaces: Iterable[tuple[str, str]]) -> None:
        for prefix, iri in namespaces:
            self.add(prefix, iri)

    def _bind(self, prefix: str, iri: str) -> None:
        self.prefixes[prefix] = iri
        self.by_iri[iri] = prefix
        if len(iri) not in self._lengths:
            self._lengths = sorted({*self._lengths, len(iri)}, reverse=True)

    def name(self, name: QualifiedName) -> tuple[str, str]:
        """(prefix, local part) of a qualified name."""
        found = self._names.get(name)
        if found is None:
            iri = name.namespace.uri
            prefix = self.by_iri.get(iri)
            if prefix is not None:
                found = (prefix, name.localpart)
            elif not self.frozen:
                found = (self.add(name.namespace.prefix, iri), name.localpart)
            else:
                found = self._under_longest(name.uri)
            self._names[name] = found
        return found

    def node(self, node_id: str) -> tuple[str, str]:
        """(prefix, local part) of a node id, its IRI as `IdPolicy.iri` makes it. Not kept
        here: a whole-graph export meets every id, and its writer's `NameTexts` keeps a
        bounded number of them."""
        return self._under_longest(self.policy.iri(node_id))

    def _under_longest(self, iri: str) -> tuple[str, str]:
        for length in self._lengths:
            if length <= len(iri):
                prefix = self.by_iri.get(iri[:length])
                if prefix is not None:
                    return prefix, iri[length:]
        if self.frozen:
            raise UndeclaredNamespace(
                f"<{iri}> is under no namespace declared when the export's prefixes were written"
            )
        cut = max(iri.rfind("/"), iri.rfind("#"), iri.rfind(":")) + 1
        namespace_iri = iri[:cut]
        return self.add(derived_prefix(namespace_iri), namespace_iri), iri[cut:]


def id_schemes(node_ids: Iterable[str]) -> set[str]:
    """The scheme namespaces (`https:`) of the absolute ids among these."""
    schemes = (scheme_namespace(node_id) for node_id in node_ids if is_absolute_iri(node_id))
    return {scheme for scheme in schemes if scheme}


def scheme_namespaces(schemes: Iterable[str]) -> dict[str, str]:
    """prefix -> IRI of scheme namespaces, each prefix derived from its IRI."""
    return {derived_prefix(iri): iri for iri in sorted(schemes)}


CACHE_LIMIT = 65_536  # spellings kept; a whole-graph export meets each id about twice


class NameTexts:
    """How a writer spells node ids and qualified names, each worked out once (a bounded
    cache over its `PrefixTable`); `spell` joins a prefix and a local part."""

    def __init__(self, table: PrefixTable, spell: Callable[[str, str], str]) -> None:
        self.table = table
        self._spell = spell
        self._ids: dict[str, str] = {}
        self._names: dict[QualifiedName, str] = {}

    def node(self, node_id: str) -> str:
        text = self._ids.get(node_id)
        if text is None:
            if len(self._ids) >= CACHE_LIMIT:
                self._ids.clear()
            text = self._ids[node_id] = self._spell(*self.table.node(node_id))
        return text

    def name(self, name: QualifiedName) -> str:
        text = self._names.get(name)
        if text is None:
            if len(self._names) >= CACHE_LIMIT:
                self._names.clear()
            text = self._names[name] = self._spell(*self.table.name(name))
        return text
