"""Greedy scarcest first (`solver.greedy.scarcest_first_plan`): after each booking the task with
the fewest volunteers still able to take it goes next. Its plans keep every rule and the visits
they were given, and it serves the task whose last volunteer greedy gives away."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import analyse
from solver.greedy import greedy_plan, scarcest_first_plan
from solver.solution import Solution, build_plan
from tests.strategies import World, shaped_worlds, small_worlds
from tests.test_coverage import SLOW_OK

HOME = {"lat": 34.75, "lon": 113.65}


def last_volunteer_given_away() -> World:
    """Three visits at the same hour. w has only c; x is nearest to b; y has b and c. Greedy
    seats w (one candidate) on c, then x (two candidates, first by name) on its nearest, b,
    and y has no one left. Counted again after w's booking, y has one volunteer left and x two:
    y takes b, x takes a, and all three are served."""
    hour = [{"days": ["mon"], "from": "09:00", "to": "10:00"}]
    block = [{"days": ["mon"], "from": "08:00", "to": "12:00"}]
    near_b = {"lat": 34.752, "lon": 113.65}

    def visit(tid: str, skill: str) -> dict[str, object]:
        return {"id": tid, "priority": "normal", "needs": [{"skill": skill, "count": 1}],
                "duration_minutes": 60, "location": near_b, "windows": hour}  # fmt: skip

    return {
        "name": "last volunteer given away",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {"id": "a", "skills": ["s"], "home": HOME, "availability": block},
            {"id": "b", "skills": ["s", "t"], "home": near_b, "availability": block},
            {"id": "c", "skills": ["t", "u"], "home": HOME, "availability": block},
        ],
        "tasks": [visit("w", "u"), visit("x", "s"), visit("y", "t")],
    }


def _keeps_every_rule(scenario: Scenario, sol: Solution) -> bool:
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    plan = build_plan(scenario, sol, analyses, travel, status="feasible", bound={}, started=0.0)
    return validate(scenario, plan_json.dump(plan, scenario)).violations == []


def test_scarcest_first_serves_the_visit_whose_last_volunteer_greedy_gives_away() -> None:
    scenario = build_scenario(last_volunteer_given_away())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    assert sorted(greedy_plan(scenario, analyses, travel).crews) == ["w", "x"]
    sol = scarcest_first_plan(scenario, analyses, travel)
    assert {t: [av.id for av in crew] for t, crew in sol.crews.items()} == {
        "w": ["c"],
        "x": ["a"],
        "y": ["b"],
    }
    assert _keeps_every_rule(scenario, sol)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(small_worlds()))
def test_scarcest_first_keeps_every_rule_and_the_visits_it_was_given(world: World) -> None:
    """Around greedy's urgent and high visits (as `solver.large` refills around the top
    model's), and from nothing: every plan keeps every rule and the given visits as they are."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    whole = greedy_plan(scenario, analyses, travel)
    top = [t for t in whole.crews if scenario.tasks[t].priority in PRIORITIES[:2]]
    fixed = Solution({t: whole.starts[t] for t in top}, {t: whole.crews[t] for t in top})
    around = scarcest_first_plan(scenario, analyses, travel, fixed=fixed)
    assert all(around.crews[t] == fixed.crews[t] and around.starts[t] == fixed.starts[t]
               for t in top)  # fmt: skip
    assert _keeps_every_rule(scenario, around)
    assert _keeps_every_rule(scenario, scarcest_first_plan(scenario, analyses, travel))
