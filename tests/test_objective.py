"""The contract's objective after coverage: the waiting stage (`waited`) and
`settings.objective_order`, on small worlds where the goal is what decides."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.errors import ScenarioError
from mutualaid.validation import validate
from tests.reference import reference_check

World = dict[str, Any]
HOME = {"lat": 34.771, "lon": 113.68}
NEAR = {"lat": 34.772, "lon": 113.68}


def visit(tid: str, resident: str, **fields: Any) -> dict[str, Any]:
    """A one-hour companionship visit on Monday between 09:00 and 12:00."""
    return {
        "id": tid,
        "resident": resident,
        "needs": [{"skill": "companionship", "count": 1}],
        "duration_minutes": 60,
        "windows": [{"days": ["mon"], "from": "09:00", "to": "12:00"}],
        **fields,
    }


def world(tasks: list[dict[str, Any]], volunteers: int = 1, **settings: Any) -> World:
    out: World = {
        "name": "朝阳区 objective week",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {
                "id": f"v-{i}",
                "home": HOME,
                "skills": ["companionship"],
                "vetted": True,
                "availability": [{"days": ["mon"], "from": "08:00", "to": "18:00"}],
            }
            for i in range(volunteers)
        ],
        "residents": [{"id": f"r-{i}", "location": NEAR} for i in range(len(tasks))],
        "tasks": tasks,
    }
    if settings:
        out["settings"] = settings
    return out


def solve(w: World, tmp: Path) -> dict[str, Any]:
    scenario = build_scenario(w)
    plan = plan_json.dump(
        solver.solve(scenario, solver.SolveOptions(time_limit=5, workers=1)), scenario
    )
    assert validate(scenario, plan).violations == []
    errs, _ = reference_check(w, plan, tmp)
    assert errs == []
    return plan


def served_ids(plan: dict[str, Any]) -> set[str]:
    return {a["task"] for a in plan["assignments"]}


@pytest.mark.slow
def test_a_request_that_waited_is_served_before_an_equal_one_that_did_not(tmp_path: Path) -> None:
    # one volunteer free 09:00-10:30 can do only one of two equal visits
    w = world([visit("t-new", "r-0"), visit("t-waited", "r-1", waited=2)])
    w["volunteers"][0]["availability"] = [{"days": ["mon"], "from": "09:00", "to": "10:30"}]
    plan = solve(w, tmp_path)
    assert served_ids(plan) == {"t-waited"}
    assert plan["objective"]["waited"] == 2
    assert plan["status"] == "optimal"


def test_waiting_never_outweighs_a_higher_priority(tmp_path: Path) -> None:
    tasks = [visit("t-high", "r-0", priority="high"), visit("t-waited", "r-1", waited=9)]
    w = world(tasks)
    w["volunteers"][0]["availability"] = [{"days": ["mon"], "from": "09:00", "to": "10:30"}]
    plan = solve(w, tmp_path)
    assert served_ids(plan) == {"t-high"}
    assert plan["objective"]["waited"] == 0


@pytest.mark.slow
def test_the_plan_says_how_long_its_served_requests_waited(tmp_path: Path) -> None:
    w = world([visit("t-a", "r-0", waited=1), visit("t-b", "r-1", waited=3)], volunteers=2)
    plan = solve(w, tmp_path)
    assert plan["objective"]["waited"] == 4


@pytest.mark.slow
def test_the_validator_rejects_a_wrong_waited_figure(tmp_path: Path) -> None:
    w = world([visit("t-a", "r-0", waited=1)])
    plan = solve(w, tmp_path)
    wrong = copy.deepcopy(plan)
    wrong["objective"]["waited"] = 0
    assert validate(build_scenario(w), wrong).violations != []
    errs, _ = reference_check(w, wrong, tmp_path)
    assert any("waited" in e for e in errs)


def test_a_repeat_gives_every_day_the_waited_of_its_request() -> None:
    task = visit("t-meal", "r-0", waited=2)
    del task["windows"]
    task.update(every=["mon", "tue"], window={"from": "11:00", "to": "12:30"})
    scenario = build_scenario(world([task]))
    assert {t.id: t.waited for t in scenario.tasks.values()} == {"t-meal@mon": 2, "t-meal@tue": 2}


def six_visits_for_three_people(**settings: Any) -> World:
    """Six one-hour visits in one building, any time of a Monday, and three people alike."""
    day = [{"days": ["mon"], "from": "08:00", "to": "18:00"}]
    tasks = [visit(f"t-{i}", f"r-{i}", windows=day) for i in range(6)]
    return world(tasks, volunteers=3, **settings)


@pytest.mark.slow
def test_by_default_travel_comes_before_fairness(tmp_path: Path) -> None:
    # one round trip is less travel than three: one person does all six
    plan = solve(six_visits_for_three_people(), tmp_path)
    assert len(served_ids(plan)) == 6
    assert len({v["id"] for a in plan["assignments"] for v in a["volunteers"]}) == 1
    assert plan["objective"]["max_load"] == pytest.approx(6 / 40)


@pytest.mark.slow
def test_fairness_first_spreads_the_visits_over_everyone(tmp_path: Path) -> None:
    plan = solve(six_visits_for_three_people(objective_order=["fairness"]), tmp_path)
    assert len(served_ids(plan)) == 6
    people = [v["id"] for a in plan["assignments"] for v in a["volunteers"]]
    assert sorted(people.count(f"v-{i}") for i in range(3)) == [2, 2, 2]
    assert plan["objective"]["max_load"] == pytest.approx(2 / 40)


@pytest.mark.slow
def test_fairness_first_costs_travel_that_travel_first_saves(tmp_path: Path) -> None:
    fair = solve(six_visits_for_three_people(objective_order=["fairness", "travel"]), tmp_path)
    short = solve(six_visits_for_three_people(objective_order=["travel", "fairness"]), tmp_path)
    assert fair["objective"]["max_load"] < short["objective"]["max_load"]
    assert short["objective"]["travel_minutes"] < fair["objective"]["travel_minutes"]


@pytest.mark.parametrize(
    ("order", "problem"),
    [
        (["fairness", "speed"], "settings.objective_order[1]"),
        (["travel", "travel"], "settings.objective_order[1]"),
        ("fairness", "settings.objective_order"),
        (["coverage"], "settings.objective_order[0]"),
    ],
)
def test_a_bad_objective_order_is_refused_with_its_path(order: Any, problem: str) -> None:
    with pytest.raises(ScenarioError) as err:
        build_scenario(world([visit("t-a", "r-0")], objective_order=order))
    assert any(problem == p.path for p in err.value.problems), err.value.problems


@pytest.mark.parametrize("value", [-1, 1.5, "two", True])
def test_a_bad_waited_is_refused_with_its_path(value: Any) -> None:
    with pytest.raises(ScenarioError) as err:
        build_scenario(world([visit("t-a", "r-0", waited=value)]))
    assert any(p.path == "tasks[0].waited" for p in err.value.problems), err.value.problems


def test_objective_order_names_the_goals_it_puts_first() -> None:
    scenario = build_scenario(world([visit("t-a", "r-0")], objective_order=["travel"]))
    assert scenario.settings.objective_order == ("travel", "continuity", "fairness")
