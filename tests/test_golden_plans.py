"""The house may move; the plans may not. Every scenario (and every world kept for a test, and
the shared weeks) solved with one worker on the deterministic clock gives the plan stored in
`tests/golden/plans/` before the move (`python -m tests.golden.record` wrote them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden.record import PLANS, SHARED, plan_of, sources


def test_every_source_has_a_stored_plan() -> None:
    """And no stored plan lacks its source; the shared weeks' plans are only known to have
    theirs when the shared checkout is beside this one (a clone elsewhere has none of them)."""
    stored = {p.stem for p in PLANS.glob("*.json")}
    found = {p.stem for p in sources()}
    assert found <= stored
    if SHARED.is_dir():
        assert found == stored


@pytest.mark.slow
@pytest.mark.parametrize("path", sources(), ids=lambda p: p.stem)
def test_the_plan_is_the_one_stored(path: Path) -> None:
    stored = json.loads((PLANS / f"{path.stem}.json").read_text(encoding="utf-8"))
    assert plan_of(path) == stored
