"""A wall-clock limit covers the safety net too: the parts end early enough to leave each
caller's check of the plan (`mutualaid.validation`, which works out every unserved task's
reason again) its time, by what greedy's plan leaves unserved. On a 2,000-task week of people
giving an hour that check took 9.6-16 s after the parts had used the whole limit."""

from __future__ import annotations

import time

from mutualaid.contract.scenario import parse_scenario
from mutualaid.domain.plan import Plan
from solver import clock, planner
from solver.planner import ASSEMBLY_SECONDS_PER_TASK, CHECK_SECONDS_PER_UNSERVED, SolveOptions


def week(served: int, unserved: int) -> str:
    """`served` one-person tasks the one volunteer can do, `unserved` nobody can."""
    lines = [
        "name: reserve",
        "timezone: Asia/Shanghai",
        "week_start: 2026-11-30",
        "volunteers:",
        "  - {id: v1, name: V1, skills: [a], home: {lat: 34.77, lon: 113.68}, "
        'availability: [{days: [mon], from: "08:00", to: "20:00"}]}',
        "tasks:",
    ]
    for i in range(served + unserved):
        skill = "a" if i < served else "b"
        lines.append(
            f"  - {{id: t{i}, title: T{i}, location: {{lat: 34.7701, lon: 113.68}}, "
            f"needs: [{{skill: {skill}, count: 1}}], duration_minutes: 30, "
            'windows: [{days: [mon], from: "08:00", to: "20:00"}]}'
        )
    return "\n".join(lines) + "\n"


def deadline_of(text: str, limit: float, since: float) -> float:
    scenario = parse_scenario(text, "reserve.yaml")
    options = SolveOptions(time_limit=limit, workers=2, since=since)
    with clock.running(clock.Clock()):
        prepared = planner._prepare(scenario, options, None, None)
    assert not isinstance(prepared, Plan)
    assert prepared.deadline is not None
    return prepared.deadline


def test_the_parts_leave_the_safety_net_its_time_by_what_greedy_leaves_unserved() -> None:
    """300 more tasks nobody can serve: the parts end earlier by their assembly's and their
    check's reserve; and however many, the two reserves stay within a tenth of the limit."""
    since = time.time()
    few, many = week(served=2, unserved=1), week(served=2, unserved=301)
    moved = deadline_of(few, 60, since) - deadline_of(many, 60, since)
    assert moved >= (CHECK_SECONDS_PER_UNSERVED + ASSEMBLY_SECONDS_PER_TASK) * 300 - 1e-9
    assert since + 1 - deadline_of(many, 1, since) <= 0.1 + 1e-9
