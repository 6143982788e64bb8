"""PROV-CONSTRAINTS validation (service/prov/constraints.py) on the test cases ProvToolbox
publishes (tests/fixtures/constraints, expected outcome in each name: `-fail`/`-FAIL-`
invalid, `-success` valid), and on small documents of our own."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from prov_export.formats import FORMATS
from service.prov.constraints import report, validate

CASES = sorted((Path(__file__).parent.parent / "fixtures" / "constraints").glob("*.provn"))
# Where our validator and ProvToolbox's expected outcome part, and why (README, "PROV-CONSTRAINTS").
DISAGREEMENTS = {
    # ProvToolbox expects usages of one entity by one activity to unify; PROV-CONSTRAINTS
    # has no unique-usage constraint (an activity may read one file twice).
    "usage-fail1",
    "usage-fail5",
    "usage-fail6",
    "usage-fail7",
}


def expected_valid(path: Path) -> bool:
    return "fail" not in path.stem.lower()


def is_valid(text: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            document = FORMATS["provn"].parse(text)
        except Exception:  # not PROV-N at all: not a valid document either
            return False
    return not validate(document)


def test_agreement_with_the_published_outcomes() -> None:
    assert len(CASES) > 150
    disagree = {p.stem for p in CASES if is_valid(p.read_text()) != expected_valid(p)}
    print(f"\nPROV-CONSTRAINTS cases agreeing: {len(CASES) - len(disagree)}/{len(CASES)}")
    assert disagree == DISAGREEMENTS


def provn(body: str) -> str:
    return f"document\nprefix ex <http://example.org/>\n{body}\nendDocument"


@pytest.mark.parametrize(
    ("body", "constraint"),
    [
        ("entity(ex:x)\nactivity(ex:x)", 55),
        ("used(ex:u1; ex:a, ex:e, -)\nwasGeneratedBy(ex:u1; ex:e, ex:a, -)", 53),
        ("entity(ex:u1)\nused(ex:u1; ex:a, ex:e, -)", 54),
        ("specializationOf(ex:a, ex:b)\nspecializationOf(ex:b, ex:a)", 52),
        (
            "wasGeneratedBy(ex:g1; ex:e, ex:a, 2020-01-01T00:00:00)\n"
            "wasGeneratedBy(ex:g2; ex:e, ex:a, 2021-01-01T00:00:00)",
            24,
        ),
        (
            "activity(ex:a, 2020-01-01T00:00:00Z, -)\n"
            "wasStartedBy(ex:s; ex:a, -, -, 2020-01-01T01:00:00+02:00)",
            28,
        ),
        ("entity(ex:c, [prov:type='prov:EmptyCollection'])\nhadMember(ex:c, ex:e)", 56),
        (
            "wasDerivedFrom(ex:b, ex:a)\nwasDerivedFrom(ex:a, ex:b)\n"
            "wasGeneratedBy(ex:ga; ex:a, -, -)\nwasGeneratedBy(ex:gb; ex:b, -, -)",
            42,
        ),
        (
            "wasGeneratedBy(ex:g; ex:e, ex:a, 2020-01-02T00:00:00Z)\n"
            "used(ex:u; ex:b, ex:e, 2020-01-01T00:00:00Z)",
            37,
        ),
    ],
)
def test_each_violation_names_its_constraint_and_statements(body: str, constraint: int) -> None:
    answer = report(FORMATS["provn"].parse(provn(body)))
    assert not answer["valid"]
    numbers = {v["constraint"] for v in answer["violations"]}
    assert constraint in numbers, answer
    [first] = [v for v in answer["violations"] if v["constraint"] == constraint][:1]
    assert first["statements"] and all("ex:" in s for s in first["statements"])


def test_the_same_instant_in_two_offsets_unifies() -> None:
    body = (
        "activity(ex:a, 2020-01-01T00:00:00Z, -)\n"
        "wasStartedBy(ex:s; ex:a, -, -, 2020-01-01T02:00:00+02:00)\n"
        "wasGeneratedBy(ex:g; ex:e, ex:a, 2020-01-01T00:00:00Z)\n"
        "used(ex:u; ex:b, ex:e, 2020-01-02T00:00:00Z)"
    )
    assert report(FORMATS["provn"].parse(provn(body))) == {"valid": True, "violations": []}
