"""A clone made anywhere (`git clone … /tmp/x`, as the README's new user does) runs `make
check`: what needs the shared contract checkout beside this one (../shared: the reference
checker, the shared weeks) skips saying so instead of failing on a path that is not there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import reference
from tests.golden import record


def test_without_the_shared_checker_a_test_skips_naming_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "shared" / "tools" / "checkplan.py"
    monkeypatch.setattr(reference, "CHECKER", missing)
    reference.checker.cache_clear()
    try:
        with pytest.raises(pytest.skip.Exception, match=str(missing)):
            reference.checker()
    finally:
        monkeypatch.undo()
        reference.checker.cache_clear()


def test_without_the_shared_weeks_the_golden_plans_still_hold_every_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests import test_golden_plans

    monkeypatch.setattr(record, "SHARED", tmp_path / "nowhere")
    monkeypatch.setattr(test_golden_plans, "SHARED", tmp_path / "nowhere")
    test_golden_plans.test_every_source_has_a_stored_plan()
