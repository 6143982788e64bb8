"""Our PROV-CONSTRAINTS validator and ProvToolbox's own on the same published cases
(tests/fixtures/constraints): how many of each agree with the expected outcome. Needs Java
and Maven (ProvToolbox's validator), not Neo4j."""

from __future__ import annotations

from pathlib import Path

from service.settings import Settings
from tests.provtoolbox import validate as toolbox_validate
from tests.unit.test_prov_constraints import CASES, DISAGREEMENTS, expected_valid, is_valid


def test_we_agree_with_the_published_outcomes_at_least_as_often_as_provtoolbox() -> None:
    theirs = toolbox_validate(Settings().cache_dir, CASES)
    ours_agree = {p for p in CASES if is_valid(p.read_text()) == expected_valid(p)}
    theirs_agree = {p for p in CASES if theirs.get(p) == expected_valid(p)}
    print(
        f"\nPROV-CONSTRAINTS cases agreeing with their expected outcome: provgraph "
        f"{len(ours_agree)}/{len(CASES)}, ProvToolbox 2.2.1 {len(theirs_agree)}/{len(CASES)}"
    )
    for path in sorted(set(CASES) - theirs_agree):
        print(f"  ProvToolbox disagrees on {path.stem}: {theirs.get(path)}")
    assert len(theirs) == len(CASES)
    assert len(ours_agree) >= len(theirs_agree)
    assert {Path(p).stem for p in set(CASES) - ours_agree} == DISAGREEMENTS
