"""Weeks of shapes nobody generated (bench/shapes.py), shrunk to the smallest file that showed
each failure: solved, and held to the reference checker, which shares no code with us."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import load_scenario, parse_scenario
from mutualaid.errors import ScenarioError
from solver import SolveOptions, solve
from tests.reference import reference_check

SHAPES = Path(__file__).parent / "worlds" / "shapes"


def test_a_visit_never_starts_or_ends_in_the_hour_the_clocks_jump_over(tmp_path: Path) -> None:
    """02:00-03:00 on 29 March 2026 does not exist in Berlin: a visit started there read back
    as 03:00 with its offset and lasted 0 minutes. It starts at 03:00, the first start that
    exists, and the checker finds nothing."""
    path = SHAPES / "dst-spring-window.yaml"
    scenario = load_scenario(path)
    plan = plan_json.dump(solve(scenario, SolveOptions(time_limit=5, workers=1)), scenario)
    errs, figures = reference_check(path, plan, tmp_path)
    assert errs == []
    assert figures["served"]["normal"] == 1
    assert plan["assignments"][0]["start"] == "2026-03-29T03:00:00+02:00"


@pytest.mark.parametrize(("window", "duration"), [("01:30", 60), ("01:00", 60), ("02:00", 60)])
def test_a_window_whose_every_start_or_end_is_missing_is_named(window: str, duration: int) -> None:
    """A window that ends at 03:00 (01:30-03:30 for an hour's visit, or 01:00-03:00) has no
    start whose start and end both exist that Sunday: the file is refused, the field named."""
    end = {"01:30": "03:30", "01:00": "03:00", "02:00": "03:00"}[window]
    text = (SHAPES / "dst-spring-window.yaml").read_text()
    text = text.replace('from: "02:00", to: "04:00"', f'from: "{window}", to: "{end}"')
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "week.yaml")
    assert any(
        p.path == "tasks[0].windows" and "daylight saving" in p.message
        for p in caught.value.problems
    ), caught.value.problems


def test_a_fixed_start_whose_end_is_missing_is_named() -> None:
    """An hour's visit fixed at 01:30 that Sunday would end at 02:30, which does not exist:
    it read back as 03:30, a visit of 120 minutes. The file is refused, the start named."""
    text = (SHAPES / "dst-spring-window.yaml").read_text()
    text = text.replace(
        'windows: [{days: [sun], from: "02:00", to: "04:00"}]', 'start: "2026-03-29T01:30"'
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "week.yaml")
    assert [p.path for p in caught.value.problems] == ["tasks[0].start"]
    assert "daylight saving" in caught.value.problems[0].message
    text = text.replace("T01:30", "T00:30")  # ends at 01:30, which exists
    assert parse_scenario(text, "week.yaml").tasks["t1"].start_ranges == ((6 * 1440 + 30,) * 2,)
