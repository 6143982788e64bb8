"""W3C PROV-CONSTRAINTS validity of a PROV document: pure logic, no database.

What is checked, per bundle (the document's top level and each bundle on their own):

- Uniqueness and key constraints by unification (Constraints 22-29): statements sharing an
  id unify argument by argument; two generations (invalidations) of one entity by one
  activity, two starts (ends) of one activity by one starter, and an activity's times with
  its start's (end's) time unify too. Two different constants in one place fail.
  A missing argument (`-`) is an existential variable; a relation without an id gets one.
  Derivations with an activity imply their generation and usage (Inference 11).
- Event ordering (Constraints 30-49): the precedence between the generation, usage,
  invalidation, start and end events the document implies; a cycle through a strict
  precedence (a derivation's generations, 42) is invalid, as is a precedence contradicted
  by the times given for both events.
- Type constraints (50-56): an id used as entity and activity (55), as an element and a
  relation id (54), as ids of two kinds of relation (53); a derivation with a generation or
  usage but no activity (51); specialization reflexive or cyclic (52); members of an
  empty collection (56).

Also: `-` where PROV-DM requires an argument (reported as constraint 0), and PROV-Links'
unique mention (1: an entity is a mention of one entity in one bundle).

Each violation names the constraint by number and the statements involved (PROV-N).
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from prov.constants import PROV, PROV_N_MAP, PROV_TYPE
from prov.identifier import Identifier
from prov.model import Literal, ProvBundle, ProvDocument, ProvRecord

ELEMENTS = ("entity", "activity", "agent")
EMPTY_COLLECTION = PROV["EmptyCollection"]

# Term: ("c", value) a constant, ("v", n) an existential variable.
Term = tuple[str, Any]

NAMES = {
    0: "required-argument (PROV-DM)",
    1: "unique-mention (PROV-Links)",
    22: "key-object",
    23: "key-properties",
    24: "unique-generation",
    25: "unique-invalidation",
    26: "unique-wasStartedBy",
    27: "unique-wasEndedBy",
    28: "unique-startTime",
    29: "unique-endTime",
    42: "derivation-generation-generation-ordering",
    50: "typing",
    51: "impossible-unspecified-derivation-generation-use",
    52: "impossible-specialization-reflexive",
    53: "impossible-property-overlap",
    54: "impossible-object-property-overlap",
    55: "entity-activity-disjoint",
    56: "membership-empty-collection",
}
ORDERING = "ordering"


@dataclass(frozen=True)
class Violation:
    constraint: int
    name: str
    message: str
    statements: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "constraint": self.constraint,
            "name": self.name,
            "message": self.message,
            "statements": list(self.statements),
        }


def violation(constraint: int, message: str, statements: Iterable[str]) -> Violation:
    return Violation(
        constraint, NAMES.get(constraint, ORDERING), message, tuple(dict.fromkeys(statements))
    )


@dataclass
class Statement:
    kind: str  # PROV-N keyword: entity, used, wasGeneratedBy...
    id: Term
    args: list[Term]
    text: str
    types: set[Any] = field(default_factory=set)
    given: list[bool] = field(default_factory=list)  # which arguments were not `-`


def constant(value: Any) -> Term:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return ("c", ("time", value.astimezone(datetime.UTC)))
    if isinstance(value, Identifier):
        return ("c", ("id", value.uri))
    if isinstance(value, Literal):
        return ("c", ("literal", value.value, value.datatype, value.langtag))
    return ("c", (type(value).__name__, value))


def show(term: Term) -> str:
    kind, value = term
    if kind == "v":
        return "-"
    if value[0] == "time":
        return str(value[1].isoformat())
    return str(value[1])


class Unifier:
    """Union-find over terms; a class holds at most one constant."""

    def __init__(self) -> None:
        self.parent: dict[Term, Term] = {}
        self.value: dict[Term, Term | None] = {}

    def find(self, term: Term) -> Term:
        self.parent.setdefault(term, term)
        self.value.setdefault(term, term if term[0] == "c" else None)
        root = term
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[term] != root:
            self.parent[term], term = root, self.parent[term]
        return root

    def unify(self, a: Term, b: Term) -> tuple[Term, Term] | None:
        """Merge; the two clashing constants when they cannot be (nothing merged then)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        va, vb = self.value[ra], self.value[rb]
        if va is not None and vb is not None and va != vb:
            return (va, vb)
        self.parent[rb] = ra
        self.value[ra] = va if va is not None else vb
        return None

    def same(self, a: Term, b: Term) -> bool:
        return self.find(a) == self.find(b)


class _Bundle:
    def __init__(self, bundle: ProvBundle, label: str) -> None:
        self.label = label
        self.fresh = itertools.count()
        self.statements: list[Statement] = []
        self.violations: list[Violation] = []
        for record in bundle.get_records():
            self.add(record)
        self.infer_derivation_events()
        self.u = Unifier()
        self.clashes: set[frozenset[Term]] = set()

    def var(self) -> Term:
        return ("v", next(self.fresh))

    def add(self, record: ProvRecord) -> None:
        kind = PROV_N_MAP[record.get_type()]
        text = self.label + record.get_provn()
        identifier = constant(record.identifier) if record.identifier else self.var()
        values = [value for _, value in record.formal_attributes]
        given = [value is not None for value in values]
        kept = PLACEHOLDERS.get(kind, set())
        if kind == "wasDerivedFrom" and not given[2]:
            kept = {2, 3, 4}  # without an activity, no generation or usage is implied
        args = [
            constant(value) if value is not None else PLACEHOLDER if i in kept else self.var()
            for i, value in enumerate(values)
        ]
        types = {value for name, value in record.attributes if name == PROV_TYPE}
        self.statements.append(Statement(kind, identifier, args, text, types, given))
        missing = [i for i in REQUIRED.get(kind, ()) if not given[i]]
        if missing:
            names = ", ".join(str(record.formal_attributes[i][0]) for i in missing)
            message = f"{kind} needs its {names}: `-` is not allowed there"
            self.violations.append(violation(0, message, [text]))

    def infer_derivation_events(self) -> None:
        # Inference 11: a derivation through an activity has its generation and usage.
        for s in list(self.statements):
            if s.kind == "wasDerivedFrom" and s.given[2]:
                e2, e1, a, gen, use = s.args
                self.statements.append(
                    Statement("wasGeneratedBy", gen, [e2, a, self.var()], s.text, given=[True] * 3)
                )
                self.statements.append(
                    Statement("used", use, [a, e1, self.var()], s.text, given=[True] * 3)
                )

    def of(self, kind: str) -> list[Statement]:
        return [s for s in self.statements if s.kind == kind]

    # ------------------------------------------------------------ unification

    def unify(self, constraint: int, a: Term, b: Term, *statements: Statement) -> bool:
        clash = self.u.unify(a, b)
        if clash is None:
            return False
        key = frozenset(clash)
        if key not in self.clashes:
            self.clashes.add(key)
            message = f"{show(clash[0])} and {show(clash[1])} cannot be unified"
            self.violations.append(violation(constraint, message, (s.text for s in statements)))
        return False

    def merge(self, constraint: int, s1: Statement, s2: Statement) -> None:
        self.unify(constraint, s1.id, s2.id, s1, s2)
        for a, b in zip(s1.args, s2.args, strict=True):
            self.unify(constraint, a, b, s1, s2)

    def unification(self) -> None:
        for _ in range(len(self.statements) + 1):  # a fixpoint: each pass may equate more
            before = self._classes()
            self._pass()
            if self._classes() == before:
                return

    def _classes(self) -> int:
        return sum(1 for term in self.u.parent if self.u.find(term) == term)

    def _pass(self) -> None:
        by_id: dict[tuple[str, Term], list[Statement]] = defaultdict(list)
        for s in self.statements:
            if s.id[0] == "c" or s.kind not in ELEMENTS:
                by_id[(s.kind, self.u.find(s.id))].append(s)
        for (kind, _), group in by_id.items():
            for s1, s2 in itertools.pairwise(group):
                self.merge(22 if kind in ELEMENTS else 23, s1, s2)
        for kind, keys, number in (
            ("wasGeneratedBy", (0, 1), 24),
            ("wasInvalidatedBy", (0, 1), 25),
            ("wasStartedBy", (0, 2), 26),
            ("wasEndedBy", (0, 2), 27),
        ):
            groups: dict[tuple[Term, ...], list[Statement]] = defaultdict(list)
            for s in self.of(kind):
                groups[tuple(self.u.find(s.args[i]) for i in keys)].append(s)
            for group in groups.values():
                for s1, s2 in itertools.pairwise(group):
                    self.unify(number, s1.id, s2.id, s1, s2)
        mentions: dict[Term, list[Statement]] = defaultdict(list)
        for s in self.of("mentionOf"):  # PROV-Links: an entity mentions one entity, once
            mentions[self.u.find(s.args[0])].append(s)
        for group in mentions.values():
            for s1, s2 in itertools.pairwise(group):
                self.unify(1, s1.args[1], s2.args[1], s1, s2)
                self.unify(1, s1.args[2], s2.args[2], s1, s2)
        for activity in self.of("activity"):
            for kind, position, number in (("wasStartedBy", 0, 28), ("wasEndedBy", 1, 29)):
                for s in self.of(kind):
                    if self.u.same(s.args[0], activity.id):
                        self.unify(number, activity.args[position], s.args[3], activity, s)

    # ------------------------------------------------------------ types

    def typing(self) -> None:
        classes: dict[Term, set[str]] = defaultdict(set)
        declared: dict[Term, list[Statement]] = defaultdict(list)
        relation_ids: dict[Term, dict[str, Statement]] = defaultdict(dict)
        empty: set[Term] = set()
        for s in self.statements:
            if s.kind in ELEMENTS:
                classes[self.u.find(s.id)].add(s.kind)
                declared[self.u.find(s.id)].append(s)
                if EMPTY_COLLECTION in s.types:
                    empty.add(self.u.find(s.id))
            else:
                if s.id[0] == "c":
                    relation_ids[self.u.find(s.id)].setdefault(s.kind, s)
                for position, cls in TYPING.get(s.kind, {}).items():
                    if s.given[position]:
                        term = self.u.find(s.args[position])
                        classes[term].add(cls)
                        declared[term].append(s)
        for term, found in classes.items():
            if {"entity", "activity"} <= found:
                message = f"{show(term)} is both an entity and an activity"
                self.violations.append(violation(55, message, (s.text for s in declared[term])))
        for term, kinds in relation_ids.items():
            if len(kinds) > 1:
                message = f"{show(term)} identifies relations of kinds {', '.join(kinds)}"
                self.violations.append(violation(53, message, (s.text for s in kinds.values())))
            if term in classes:
                message = f"{show(term)} identifies both an element and a relation"
                involved = [*(s.text for s in declared[term]), *(s.text for s in kinds.values())]
                self.violations.append(violation(54, message, involved))
        for s in self.of("wasDerivedFrom"):
            if not s.given[2] and (s.given[3] or s.given[4]):
                message = "a derivation names a generation or usage but no activity"
                self.violations.append(violation(51, message, [s.text]))
        for s in self.of("hadMember"):
            if self.u.find(s.args[0]) in empty:
                message = f"{show(s.args[0])} is an empty collection with a member"
                self.violations.append(violation(56, message, [s.text]))
        self.specialization_cycles()

    def specialization_cycles(self) -> None:
        edges = [
            (self.u.find(s.args[0]), self.u.find(s.args[1]), s) for s in self.of("specializationOf")
        ]
        for component in strongly_connected([(a, b) for a, b, _ in edges]):
            inside = [s.text for a, b, s in edges if a in component and b in component]
            if inside:
                names = ", ".join(sorted(show(t) for t in component))
                message = f"specialization is reflexive or cyclic over {names}"
                self.violations.append(violation(52, message, inside))

    # ------------------------------------------------------------ ordering

    def ordering(self) -> None:
        events = _Events(self)
        events.build()
        for component in strongly_connected([(a, b) for a, b, _, _ in events.edges]):
            strict = [
                (n, s)
                for a, b, n, s in events.edges
                if a in component and b in component and n in STRICT
            ]
            if strict:
                message = "these events would have to strictly precede themselves"
                involved = [text for _, texts in strict for text in texts]
                involved += events.texts(component)
                self.violations.append(violation(strict[0][0], message, involved))
        for a, b, number, texts in events.edges:
            ta, tb = events.time(a), events.time(b)
            if ta is not None and tb is not None and ta > tb:
                message = (
                    f"{events.show(a)} at {ta.isoformat()} must not follow "
                    f"{events.show(b)} at {tb.isoformat()}"
                )
                self.violations.append(violation(number, message, [*texts, *events.texts({a, b})]))


# PROV-DM's required arguments (by position): `-` there is no PROV statement.
REQUIRED: dict[str, tuple[int, ...]] = {
    "used": (0,),
    "wasGeneratedBy": (0,),
    "wasInvalidatedBy": (0,),
    "wasStartedBy": (0,),
    "wasEndedBy": (0,),
    "wasInformedBy": (0, 1),
    "wasDerivedFrom": (0, 1),
    "wasAttributedTo": (0, 1),
    "wasAssociatedWith": (0,),
    "actedOnBehalfOf": (0,),  # ProvToolbox's cases unify a `-` responsible with an agent
    "wasInfluencedBy": (0, 1),
    "specializationOf": (0, 1),
    "alternateOf": (0, 1),
    "mentionOf": (0, 1, 2),
    "hadMember": (0, 1),
}
# Definition 3 (optional-placeholders): a `-` here is not expanded to an existential
# variable but stays `-`, a value that unifies only with `-`.
PLACEHOLDERS: dict[str, set[int]] = {"wasAssociatedWith": {2}, "actedOnBehalfOf": {2}}
PLACEHOLDER: Term = ("c", ("placeholder", "-"))

# Constraint 50: the class an argument position implies.
TYPING: dict[str, dict[int, str]] = {
    "used": {0: "activity", 1: "entity"},
    "wasGeneratedBy": {0: "entity", 1: "activity"},
    "wasInvalidatedBy": {0: "entity", 1: "activity"},
    "wasStartedBy": {0: "activity", 1: "entity", 2: "activity"},
    "wasEndedBy": {0: "activity", 1: "entity", 2: "activity"},
    "wasInformedBy": {0: "activity", 1: "activity"},
    "wasDerivedFrom": {0: "entity", 1: "entity"},
    "wasAttributedTo": {0: "entity", 1: "agent"},
    "wasAssociatedWith": {0: "activity", 1: "agent", 2: "entity"},
    "actedOnBehalfOf": {0: "agent", 1: "agent", 2: "activity"},
    "specializationOf": {0: "entity", 1: "entity"},
    "alternateOf": {0: "entity", 1: "entity"},
    "hadMember": {0: "entity", 1: "entity"},
    "mentionOf": {0: "entity", 1: "entity", 2: "entity"},
}
STRICT = {42}
# Events by the statement kind that makes them: the element they concern is argument 0
# (generation/invalidation: the entity; usage: the activity, entity at 1; start/end: the
# activity).
EVENT_KINDS = ("wasGeneratedBy", "used", "wasInvalidatedBy", "wasStartedBy", "wasEndedBy")


class _Events:
    """The precedence graph of Constraints 30-49 over one bundle's events."""

    def __init__(self, bundle: _Bundle) -> None:
        self.b = bundle
        self.u = bundle.u
        self.edges: list[tuple[Term, Term, int, tuple[str, ...]]] = []
        self.by_kind: dict[str, list[Statement]] = {k: bundle.of(k) for k in EVENT_KINDS}
        self.event_statements: dict[Term, list[Statement]] = defaultdict(list)
        for kind in EVENT_KINDS:
            for s in self.by_kind[kind]:
                self.event_statements[self.u.find(s.id)].append(s)

    def texts(self, events: Iterable[Term]) -> list[str]:
        return [s.text for e in events for s in self.event_statements.get(e, [])]

    def show(self, event: Term) -> str:
        statements = self.event_statements.get(event)
        return f"{statements[0].kind} {show(event)}" if statements else show(event)

    def time(self, event: Term) -> datetime.datetime | None:
        for s in self.event_statements.get(event, []):
            value = self.u.value[self.u.find(s.args[-1])]
            if value is not None and value[1][0] == "time":
                moment: datetime.datetime = value[1][1]
                return moment
        return None

    def events(self, kind: str, position: int, term: Term) -> Iterator[Statement]:
        root = self.u.find(term)
        for s in self.by_kind[kind]:
            if self.u.find(s.args[position]) == root:
                yield s

    def precede(self, number: int, first: Iterable[Statement], then: Iterable[Statement]) -> None:
        then = list(then)
        for a in first:
            for b in then:
                ea, eb = self.u.find(a.id), self.u.find(b.id)
                if ea != eb or number in STRICT:
                    self.edges.append((ea, eb, number, (a.text, b.text)))

    def build(self) -> None:
        starts, ends = "wasStartedBy", "wasEndedBy"
        gens, uses, invs = "wasGeneratedBy", "used", "wasInvalidatedBy"
        activities = {self.u.find(s.args[0]) for k in (starts, ends, uses) for s in self.by_kind[k]}
        activities |= {self.u.find(s.args[1]) for s in self.by_kind[gens] + self.by_kind[invs]}
        for a in activities:
            self.precede(30, self.events(starts, 0, a), self.events(ends, 0, a))
            self.precede(33, self.events(starts, 0, a), self.events(uses, 0, a))
            self.precede(33, self.events(uses, 0, a), self.events(ends, 0, a))
            self.precede(34, self.events(starts, 0, a), self.events(gens, 1, a))
            self.precede(34, self.events(gens, 1, a), self.events(ends, 0, a))
            self.precede(34, self.events(starts, 0, a), self.events(invs, 1, a))
            self.precede(34, self.events(invs, 1, a), self.events(ends, 0, a))
        entities = {self.u.find(s.args[0]) for s in self.by_kind[gens] + self.by_kind[invs]}
        entities |= {self.u.find(s.args[1]) for s in self.by_kind[uses]}
        for e in entities:
            self.precede(36, self.events(gens, 0, e), self.events(invs, 0, e))
            self.precede(37, self.events(gens, 0, e), self.events(uses, 1, e))
            self.precede(38, self.events(uses, 1, e), self.events(invs, 0, e))
            self.precede(43, self.events(gens, 0, e), self.events(starts, 1, e))
            self.precede(43, self.events(starts, 1, e), self.events(invs, 0, e))
            self.precede(44, self.events(gens, 0, e), self.events(ends, 1, e))
            self.precede(44, self.events(ends, 1, e), self.events(invs, 0, e))
        for s in self.b.of("wasInformedBy"):
            self.precede(35, self.events(starts, 0, s.args[1]), self.events(ends, 0, s.args[0]))
        for s in self.b.of("wasDerivedFrom"):
            e2, e1 = s.args[0], s.args[1]
            if s.given[2]:
                use = [u for u in self.by_kind[uses] if self.u.same(u.id, s.args[4])]
                gen = [g for g in self.by_kind[gens] if self.u.same(g.id, s.args[3])]
                self.precede(41, use, gen)
            self.precede(42, self.events(gens, 0, e1), self.events(gens, 0, e2))
        for s in self.b.of("specializationOf"):
            e2, e1 = s.args[0], s.args[1]
            self.precede(45, self.events(gens, 0, e1), self.events(gens, 0, e2))
            self.precede(46, self.events(invs, 0, e2), self.events(invs, 0, e1))
        for s in self.b.of("wasAssociatedWith"):
            a, ag = s.args[0], s.args[1]
            self.precede(47, self.events(starts, 0, a), self.events(invs, 0, ag))
            self.precede(47, self.events(gens, 0, ag), self.events(ends, 0, a))
            self.precede(47, self.events(starts, 0, a), self.events(ends, 0, ag))
            self.precede(47, self.events(starts, 0, ag), self.events(ends, 0, a))
        for s in self.b.of("wasAttributedTo"):
            e, ag = s.args[0], s.args[1]
            self.precede(48, self.events(gens, 0, ag), self.events(gens, 0, e))
            self.precede(48, self.events(starts, 0, ag), self.events(gens, 0, e))
        for s in self.b.of("actedOnBehalfOf"):
            ag2, ag1 = s.args[0], s.args[1]
            self.precede(49, self.events(gens, 0, ag1), self.events(invs, 0, ag2))
            self.precede(49, self.events(starts, 0, ag1), self.events(ends, 0, ag2))


def strongly_connected(edges: list[tuple[Term, Term]]) -> list[set[Term]]:
    """Components of the graph that hold a cycle (a self-loop counts)."""
    graph: dict[Term, list[Term]] = defaultdict(list)
    for a, b in edges:
        graph[a].append(b)
        graph.setdefault(b, [])
    index: dict[Term, int] = {}
    low: dict[Term, int] = {}
    stack: list[Term] = []
    on_stack: set[Term] = set()
    found: list[set[Term]] = []
    counter = itertools.count()
    for root in list(graph):
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = next(counter)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = next(counter)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(component)
    return found


def validate(document: ProvDocument) -> list[Violation]:
    """Every PROV-CONSTRAINTS violation found; an empty list: the document is valid."""
    found: list[Violation] = []
    places: list[tuple[ProvBundle, str]] = [(document, "")]
    places += [(bundle, f"[bundle {bundle.identifier}] ") for bundle in document.bundles]
    for bundle, label in places:
        checked = _Bundle(bundle, label)
        checked.unification()
        checked.typing()
        checked.ordering()
        found.extend(checked.violations)
    return found


def report(document: ProvDocument) -> dict[str, Any]:
    violations = validate(document)
    return {"valid": not violations, "violations": [v.as_dict() for v in violations]}
