"""Fairness across weeks (issue 11 item 5), on the solver: given each volunteer's service
minutes of the three weeks before (`Scenario.prior_minutes`, solver input the service gives),
fairness minimises the largest load over the four weeks. Over four weeks the largest four-week
load is never higher than without, strictly lower in a designed case, coverage the same."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import pendulum
import pytest

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIOR_WEEKS
from tests.test_objective import visit, world
from worldgen import generate_world

OPTIONS = solver.SolveOptions(time_limit=10, workers=1)


def minutes_of(plan: dict[str, Any]) -> Counter[str]:
    """Service minutes per volunteer in the plan."""
    out: Counter[str] = Counter()
    for a in plan["assignments"]:
        length = pendulum.parse(a["end"]) - pendulum.parse(a["start"])  # type: ignore[operator]
        for v in a["volunteers"]:
            out[v["id"]] += int(length.total_seconds() // 60)
    return out


def four_weeks(data: dict[str, Any], across: bool) -> tuple[float, list[dict[str, int]]]:
    """The largest four-week load (minutes over four weeks' hours) and each week's coverage."""
    scenario = build_scenario(data)
    weeks: list[Counter[str]] = []
    served = []
    for _ in range(PRIOR_WEEKS + 1):
        prior = sum(weeks[-PRIOR_WEEKS:], Counter()) if across else Counter()
        week = dataclasses.replace(scenario, prior_minutes=dict(prior))
        plan = plan_json.dump(solver.solve(week, OPTIONS), week)
        assert plan["status"] == "optimal"
        assert plan["objective"]["max_load"] <= 1.0  # the plan's figure stays the week's
        weeks.append(minutes_of(plan))
        served.append(plan["objective"]["served"])
    total = sum(weeks, Counter())
    hours = {v.id: v.max_hours_per_week for v in scenario.volunteers.values()}
    worst = max((m / (60 * hours[v] * len(weeks)) for v, m in total.items()), default=0.0)
    return worst, served


@pytest.mark.slow
def test_the_same_visit_every_week_goes_round_when_load_counts_across_weeks() -> None:
    data = world([visit("t-0", "r-0")], volunteers=2)
    off, served_off = four_weeks(data, across=False)
    on, served_on = four_weeks(data, across=True)
    assert served_on == served_off
    assert on < off, (on, off)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [5, 17])
def test_over_four_generated_weeks_no_one_is_busier_and_coverage_is_the_same(seed: int) -> None:
    data = generate_world(30, 8, 1, seed)
    data.setdefault("settings", {})["objective_order"] = ["fairness", "continuity", "travel"]
    off, served_off = four_weeks(data, across=False)
    on, served_on = four_weeks(data, across=True)
    assert served_on == served_off
    assert on <= off, (on, off)
