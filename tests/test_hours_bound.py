"""The weekly hours' bound (`solver.hours_bound`): never below what a plan can serve (held
against the brute force on tiny weeks of people giving an hour or less), and below static
analysis's count where the hours bind (what it is for: on a large week of such people the
bound was every task someone could serve)."""

from __future__ import annotations

import random

import pytest

from mutualaid.contract.scenario import parse_scenario
from mutualaid.domain.model import PRIORITIES, Scenario
from solver import shared_week
from solver.hours_bound import hours_bounds
from solver.solution import Solution
from tests.brute_force import BruteForce

DAYS = ["mon", "tue", "wed"]


def week(rng: random.Random, tasks: int, volunteers: int, hours: list[float]) -> Scenario:
    """A small week near one point: one or two skills, whole-morning blocks, short visits,
    and each volunteer's weekly hours drawn from `hours`."""
    lines = [
        "name: hours",
        "timezone: Asia/Shanghai",
        "week_start: 2026-11-30",
        "volunteers:",
    ]
    for i in range(volunteers):
        skills = rng.sample(["a", "b"], rng.choice([1, 2]))
        lines += [
            f"  - id: v{i}",
            f"    name: V{i}",
            f"    skills: [{', '.join(skills)}]",
            f"    home: {{lat: 34.77{i}, lon: 113.68}}",
            f"    max_hours_per_week: {rng.choice(hours)}",
            "    max_travel_minutes: 60",
            f"    availability: [{{days: [{', '.join(rng.sample(DAYS, 2))}], "
            'from: "08:00", to: "12:00"}]',
        ]
    lines.append("tasks:")
    for i in range(tasks):
        people = rng.choice([1, 1, 1, 2])
        lines += [
            f"  - id: t{i}",
            f"    title: T{i}",
            f"    location: {{lat: 34.77{rng.randrange(volunteers)}, lon: 113.681}}",
            f"    needs: [{{skill: {rng.choice('ab')}, count: {people}}}]",
            f"    duration_minutes: {rng.choice([20, 30, 45, 60])}",
            f'    windows: [{{days: [{rng.choice(DAYS)}], from: "08:00", to: "12:00"}}]',
            f"    priority: {rng.choice(PRIORITIES)}",
        ]
    return parse_scenario("\n".join(lines) + "\n", "hours.yaml")


def bounds_given(scenario: Scenario, counts: tuple[int, ...]) -> dict[str, int] | None:
    """The hours' bound given a plan serving `counts` (per priority; which tasks does not
    matter to it, only how many of each)."""
    travel = shared_week.travel_for(scenario)
    analyses = shared_week.analyses_for(scenario, travel)
    tids = sorted(scenario.tasks)
    plan = Solution()
    for p, n in zip(PRIORITIES, counts, strict=True):
        plan.crews |= {t: () for t in [t for t in tids if scenario.tasks[t].priority == p][:n]}
    return hours_bounds(scenario, analyses, tids, plan, budget=60.0)


@pytest.mark.parametrize("seed", range(8))
def test_the_hours_bound_never_cuts_off_a_plan(seed: int) -> None:
    """For every coverage a plan reaches (brute force), and every priority p: given that
    plan's counts above p, the bound at p is at least what any plan serving at least those
    counts above p serves at p."""
    rng = random.Random(seed)
    scenario = week(rng, tasks=7, volunteers=4, hours=[0.25, 0.5, 0.75, 1, 1.5])
    reachable = BruteForce(scenario).reachable()
    for plan in reachable:
        got = bounds_given(scenario, plan)
        if got is None:  # (nobody's hours bind on this week: no bound, nothing to hold)
            continue
        for level, p in enumerate(PRIORITIES):
            best = max(r[level] for r in reachable if all(r[q] >= plan[q] for q in range(level)))
            assert got[p] >= best, (seed, plan, p, got)


def test_the_hours_bound_sees_that_an_hour_holds_one_long_visit() -> None:
    """Eight one-person urgent visits of 45 minutes, four people of one hour each, free all
    day and near: static analysis allows all eight, but each person's hour holds one visit.
    The bound is the brute force's optimum, below the eight."""
    text = [
        "name: hours",
        "timezone: Asia/Shanghai",
        "week_start: 2026-11-30",
        "volunteers:",
    ]
    for i in range(4):
        text += [
            f"  - {{id: v{i}, name: V{i}, skills: [a], home: {{lat: 34.77, lon: 113.68}}, "
            "max_hours_per_week: 1, max_travel_minutes: 60, "
            'availability: [{days: [mon], from: "08:00", to: "18:00"}]}',
        ]
    text.append("tasks:")
    for i in range(8):
        text.append(
            f"  - {{id: t{i}, title: T{i}, location: {{lat: 34.771, lon: 113.68}}, "
            "needs: [{skill: a, count: 1}], duration_minutes: 45, priority: urgent, "
            'windows: [{days: [mon], from: "08:00", to: "18:00"}]}'
        )
    scenario = parse_scenario("\n".join(text) + "\n", "hours.yaml")
    got = bounds_given(scenario, (0, 0, 0, 0))
    assert got is not None
    best = BruteForce(scenario).solve().served["urgent"]
    assert got["urgent"] == best < len(scenario.tasks)
