"""Who does what first where weekly hours bind (`solver.hours_assign`): its plan keeps every
rule (the validator, not the solver, says so) and serves what greedy's order of asking
misses; and a person's visits are seated in the order that fits them all, not the first."""

from __future__ import annotations

import time

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import parse_scenario
from mutualaid.domain.model import Scenario
from mutualaid.validation import validate
from solver import shared_week
from solver.greedy import greedy_plan
from solver.hours_assign import assign_first, realise, wanted
from solver.hours_bound import HoursLp, keep_lp, taken_lp
from solver.solution import Solution, build_plan
from solver.stages import coverage_weights

HEAD = ["name: hours", "timezone: Asia/Shanghai", "week_start: 2026-11-30", "volunteers:"]


def person(vid: str, lat: str, skills: str, hours: float, until: str = "12:00") -> list[str]:
    return [
        f"  - id: {vid}",
        f"    name: {vid}",
        f"    skills: [{skills}]",
        f"    home: {{lat: {lat}, lon: 113.68}}",
        f"    max_hours_per_week: {hours}",
        "    max_travel_minutes: 60",
        f'    availability: [{{days: [mon], from: "09:00", to: "{until}"}}]',
    ]


def visit(
    tid: str, lat: str, skill: str, minutes: int, window: tuple[str, str], waited: int = 0
) -> list[str]:
    return [
        f"  - id: {tid}",
        f"    title: {tid}",
        f"    location: {{lat: {lat}, lon: 113.681}}",
        f"    needs: [{{skill: {skill}, count: 1}}]",
        f"    duration_minutes: {minutes}",
        f'    windows: [{{days: [mon], from: "{window[0]}", to: "{window[1]}"}}]',
        "    priority: urgent",
        f"    waited: {waited}",
    ]


def week(lines: list[str]) -> Scenario:
    return parse_scenario("\n".join(lines) + "\n", "hours.yaml")


def test_the_assignment_serves_what_greedys_order_of_asking_misses_and_keeps_every_rule() -> None:
    """a and b give an hour each; x (waited, so asked first) can go to either, a nearer; y
    and z only to a. Greedy gives x to a, the nearest, and serves one task; the assignment
    gives x to b and y to a: two, in a plan the validator passes."""
    scenario = week(
        [
            *HEAD,
            *person("a", "34.770", "cook, drive", 1),
            *person("b", "34.800", "cook", 1),
            "tasks:",
            *visit("x", "34.771", "cook", 60, ("09:00", "12:00"), waited=2),
            *visit("y", "34.771", "drive", 60, ("09:00", "12:00")),
            *visit("z", "34.771", "drive", 60, ("09:00", "12:00")),
        ]
    )
    travel = shared_week.travel_for(scenario)
    analyses = shared_week.analyses_for(scenario, travel)
    tids = sorted(scenario.tasks)
    floor = greedy_plan(scenario, analyses, travel)
    assert sorted(floor.crews) == ["x"]  # (the week is what it says: greedy's order misses)
    pairs = wanted(scenario, analyses, tids)
    assert pairs is not None
    weights = coverage_weights({"urgent": 3})
    sol = assign_first(scenario, analyses, travel, weights, floor, pairs, budget=30.0)
    assert sol is not None and len(sol.crews) == 2
    plan = build_plan(scenario, sol, analyses, travel, status="feasible", bound={},
                      started=time.time())  # fmt: skip
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []


def test_a_persons_visits_are_seated_in_the_order_that_fits_them_all() -> None:
    """One person from 09:00 to 11:00, two 45-minute visits next door: x may start until
    11:00, y only until 09:10. Seated in their given order (x first, at its earliest) y no
    longer fits; in the other order both do."""
    scenario = week(
        [
            *HEAD,
            *person("a", "34.770", "cook", 2, until="11:00"),
            "tasks:",
            *visit("x", "34.770", "cook", 45, ("09:00", "11:45")),
            *visit("y", "34.770", "cook", 45, ("09:00", "09:55")),
        ]
    )
    travel = shared_week.travel_for(scenario)
    analyses = shared_week.analyses_for(scenario, travel)
    sol = realise(scenario, analyses, travel, {"x": ["a"], "y": ["a"]}, Solution())
    assert sorted(sol.crews) == ["x", "y"]
    plan = build_plan(scenario, sol, analyses, travel, status="feasible", bound={},
                      started=time.time())  # fmt: skip
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []


def test_a_kept_lp_serves_only_its_own_week_and_part_and_only_once() -> None:
    """The LP the assignment built is kept for the part's bound: taken for the very scenario
    and pairs it was built on, once; never for another week (even one equal to it) or other
    pairs (a bound from another part's LP would be wrong)."""
    lines = [
        *HEAD,
        *person("a", "34.770", "cook", 1),
        "tasks:",
        *visit("x", "34.771", "cook", 60, ("09:00", "12:00")),
        *visit("y", "34.771", "cook", 60, ("09:00", "12:00")),
    ]
    scenario, twin = week(lines), week(lines)
    travel = shared_week.travel_for(scenario)
    analyses = shared_week.analyses_for(scenario, travel)
    pairs = wanted(scenario, analyses, sorted(scenario.tasks))
    assert pairs is not None
    lp = HoursLp(scenario, pairs)
    keep_lp(scenario, pairs, lp)
    assert taken_lp(scenario, {"x": pairs["x"]}) is None
    keep_lp(scenario, pairs, lp)
    assert taken_lp(twin, pairs) is None
    keep_lp(scenario, pairs, lp)
    assert taken_lp(scenario, pairs) is lp
    assert taken_lp(scenario, pairs) is None
