"""Insertion that pushes a route's later visits (`solver.push.push_in`): its plans keep every
rule and never serve less, it serves the visit that fits only once an earlier-booked one moves
later, the one that fits only once a lower visit moves to someone else, and (two and three
deep) the one that fits only once a visit moves to a place another visit leaves, and so on; a
chain that fails is undone whole, and remembering failed insertions changes no plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.domain.plan import AssignedVolunteer
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import analyse
from solver.greedy import greedy_plan
from solver.push import _Routes, chain_passes, push_in
from solver.solution import Solution, build_plan
from tests.reference import reference_check
from tests.strategies import World, shaped_worlds, small_worlds
from tests.test_coverage import SLOW_OK
from tests.test_scarcest_first import _keeps_every_rule

HOME = {"lat": 34.75, "lon": 113.65}


def booked_too_early() -> World:
    """One volunteer, one place. x (high, 60 min, any time 08:00-11:00) goes first and greedy
    books it at its earliest, 08:00; y (normal, 90 min) must start at 08:00 and no longer
    fits. Pushed: y at 08:00, x after it at 09:30, both served."""
    block = [{"days": ["mon"], "from": "07:30", "to": "12:00"}]

    def visit(tid: str, priority: str, minutes: int, to: str) -> dict[str, object]:
        return {"id": tid, "priority": priority, "needs": [{"skill": "s", "count": 1}],
                "duration_minutes": minutes, "location": HOME,
                "windows": [{"days": ["mon"], "from": "08:00", "to": to}]}  # fmt: skip

    return {
        "name": "booked too early",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [{"id": "a", "skills": ["s"], "home": HOME, "availability": block}],
        "tasks": [visit("x", "high", 60, "11:00"), visit("y", "normal", 90, "09:30")],
    }


def test_push_in_serves_the_visit_an_earlier_booking_shut_out() -> None:
    scenario = build_scenario(booked_too_early())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    greedy = greedy_plan(scenario, analyses, travel)
    assert sorted(greedy.crews) == ["x"]
    pushed = push_in(scenario, analyses, travel, greedy, list(scenario.tasks))
    assert sorted(pushed.crews) == ["x", "y"]
    assert pushed.starts["y"] < pushed.starts["x"]
    assert sorted(greedy.crews) == ["x"]  # the plan given is left as it was
    assert _keeps_every_rule(scenario, pushed)


def _visit(tid: str, priority: str, skill: str, to: str) -> dict[str, object]:
    """An hour's visit at HOME on Monday morning, starting by `to`, of one with `skill`."""
    return {"id": tid, "priority": priority, "needs": [{"skill": skill, "count": 1}],
            "duration_minutes": 60, "location": HOME,
            "windows": [{"days": ["mon"], "from": "08:00", "to": to}]}  # fmt: skip


def held_by_a_lower_visit() -> World:
    """a has one hour, given to x (low, a or b); u (normal) needs a's other skill in that
    hour. Swapped: u to a, x to b, both served."""
    hour = [{"days": ["mon"], "from": "08:00", "to": "09:00"}]
    morning = [{"days": ["mon"], "from": "08:00", "to": "12:00"}]

    return {
        "name": "held by a lower visit",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {"id": "a", "skills": ["s", "t"], "home": HOME, "availability": hour},
            {"id": "b", "skills": ["s"], "home": HOME, "availability": morning},
        ],
        "tasks": [_visit("x", "low", "s", "12:00"), _visit("u", "normal", "t", "09:00")],
    }


def test_push_in_swaps_a_visit_out_to_serve_one_it_held_back() -> None:
    scenario = build_scenario(held_by_a_lower_visit())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    given_ = Solution({"x": 8 * 60}, {"x": (AssignedVolunteer("a", 0, None),)})
    assert _keeps_every_rule(scenario, given_)
    pushed = push_in(scenario, analyses, travel, given_, list(scenario.tasks))
    assert {t: [av.id for av in crew] for t, crew in pushed.crews.items()} == {
        "u": ["a"],
        "x": ["b"],
    }
    assert _keeps_every_rule(scenario, pushed)


def held_two_deep(third: bool = True) -> World:
    """u (normal) fits only a's hour, held by x; x's only other place is b's hour, held by y;
    y may go to c, free all morning (when `third`). All of one priority, so no visit may be
    given up: u is served only by the chain y to c, x to b, u to a."""
    hour = [{"days": ["mon"], "from": "08:00", "to": "09:00"}]
    morning = [{"days": ["mon"], "from": "08:00", "to": "12:00"}]

    return {
        "name": "held two deep",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {"id": "a", "skills": ["s", "t"], "home": HOME, "availability": hour},
            {"id": "b", "skills": ["s", "r"], "home": HOME, "availability": hour},
            *([{"id": "c", "skills": ["r"], "home": HOME, "availability": morning}] * third),
        ],
        "tasks": [
            _visit("u", "normal", "t", "09:00"),
            _visit("x", "normal", "s", "09:00"),
            _visit("y", "normal", "r", "12:00"),
        ],
    }


def test_push_in_serves_a_visit_two_moves_away_only_when_deep() -> None:
    scenario = build_scenario(held_two_deep())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    given_ = Solution(
        {"x": 8 * 60, "y": 8 * 60},
        {"x": (AssignedVolunteer("a", 0, None),), "y": (AssignedVolunteer("b", 0, None),)},
    )
    assert _keeps_every_rule(scenario, given_)
    shallow = push_in(scenario, analyses, travel, given_, list(scenario.tasks), depth=1)
    assert sorted(shallow.crews) == ["x", "y"]
    assert shallow == given_  # a move that failed is undone whole
    pushed = push_in(scenario, analyses, travel, given_, list(scenario.tasks), depth=2)
    assert {t: [av.id for av in crew] for t, crew in pushed.crews.items()} == {
        "u": ["a"],
        "x": ["b"],
        "y": ["c"],
    }
    assert _keeps_every_rule(scenario, pushed)


def test_a_chain_that_ends_nowhere_is_undone_whole() -> None:
    """Without c, y fits nowhere once x takes its place: every step is undone, the plan and
    each volunteer's visits and minutes as they were."""
    scenario = build_scenario(held_two_deep(third=False))
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    given_ = Solution(
        {"x": 8 * 60, "y": 8 * 60},
        {"x": (AssignedVolunteer("a", 0, None),), "y": (AssignedVolunteer("b", 0, None),)},
    )
    routes = _Routes(scenario, analyses, travel, Solution(dict(given_.starts), dict(given_.crews)))
    assert not routes.swap("u", depth=2)
    assert routes.sol == given_
    assert {v: sorted(ts) for v, ts in routes.visits.items() if ts} == {"a": ["x"], "b": ["y"]}
    assert {v: m for v, m in routes.minutes.items() if m} == {"a": 60, "b": 60}


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(small_worlds()))
@pytest.mark.parametrize("depth", [1, 2, 3], ids=["one deep", "two deep", "three deep"])
def test_push_in_keeps_every_rule_and_never_serves_less(world: World, depth: int) -> None:
    """From greedy's plan, and from nothing: every rule kept, coverage per priority never less
    (lexicographic, urgent first), a many-person or pinned visit as it was given, and no task
    of the highest priority served dropped (a swap or a chain only gives up a visit lower than
    the one it serves)."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    tids = sorted(scenario.tasks)
    whole = greedy_plan(scenario, analyses, travel)
    pushed = push_in(scenario, analyses, travel, whole, tids, depth=depth)
    assert _keeps_every_rule(scenario, pushed)

    def counts(sol: Solution) -> list[int]:
        return [sum(scenario.tasks[t].priority == p for t in sol.crews) for p in PRIORITIES]

    assert counts(pushed) >= counts(whole)  # lexicographic: urgent first
    assert all(t in pushed.crews for t in whole.crews if scenario.tasks[t].priority == "urgent")
    pinned = {p.task for p in scenario.pinned}
    fixed = [t for t, crew in whole.crews.items() if len(crew) > 1 or t in pinned]
    assert all(pushed.crews[t] == whole.crews[t] and pushed.starts[t] == whole.starts[t]
               for t in fixed)  # fmt: skip
    from_nothing = push_in(scenario, analyses, travel, Solution(), tids, depth=depth)
    assert _keeps_every_rule(scenario, from_nothing)


SKILLS = "tsrqpo"


def held_deep(moves: int, free: bool = True) -> World:
    """held_two_deep made `moves` steps long: u fits only the first volunteer's hour, held by
    the first visit; each visit's other place is the next volunteer's hour, held by the next
    visit; the last visit may go to a volunteer free all morning (when `free`). One priority,
    so no visit may be given up: u is served only by a chain of `moves` moves after u's own,
    the last visit to the free volunteer first."""
    hour = [{"days": ["mon"], "from": "08:00", "to": "09:00"}]
    morning = [{"days": ["mon"], "from": "08:00", "to": "12:00"}]
    people = [
        {"id": f"v{i}", "skills": [SKILLS[i], SKILLS[i + 1]], "home": HOME, "availability": hour}
        for i in range(moves)
    ]
    spare = {"id": "spare", "skills": [SKILLS[moves]], "home": HOME, "availability": morning}
    tasks = [_visit("u", "normal", SKILLS[0], "09:00")]
    tasks += [_visit(f"x{i}", "normal", SKILLS[i], "09:00") for i in range(1, moves)]
    tasks += [_visit(f"x{moves}", "normal", SKILLS[moves], "12:00")]
    return {
        "name": f"held {moves} deep",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [*people, *([spare] * free)],
        "tasks": tasks,
    }


def _held_deep_plan(moves: int) -> Solution:
    """Visit x{i} with volunteer v{i-1}, all at 08:00: every hour taken, u unserved."""
    return Solution(
        {f"x{i}": 8 * 60 for i in range(1, moves + 1)},
        {f"x{i}": (AssignedVolunteer(f"v{i - 1}", 0, None),) for i in range(1, moves + 1)},
    )


@pytest.mark.parametrize("moves", [3, 4])
def test_push_in_serves_a_visit_several_moves_away_only_that_deep(
    moves: int, tmp_path: Path
) -> None:
    world = held_deep(moves)
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    given_ = _held_deep_plan(moves)
    assert _keeps_every_rule(scenario, given_)
    for shallow in range(1, moves):
        assert push_in(scenario, analyses, travel, given_, list(scenario.tasks), depth=shallow) \
            == given_  # fmt: skip
    pushed = push_in(scenario, analyses, travel, given_, list(scenario.tasks), depth=moves)
    assert {t: [av.id for av in crew] for t, crew in pushed.crews.items()} == {
        "u": ["v0"],
        **{f"x{i}": [f"v{i}"] for i in range(1, moves)},
        f"x{moves}": ["spare"],
    }
    plan = plan_json.dump(
        build_plan(scenario, pushed, analyses, travel, status="feasible", bound={}, started=0.0),
        scenario,
    )
    assert validate(scenario, plan).violations == []
    errs, figures = reference_check(world, plan, tmp_path)
    assert errs == []
    assert figures["served"]["normal"] == plan["objective"]["served"]["normal"] == moves + 1


@pytest.mark.parametrize("moves", [3, 4])
def test_a_deep_chain_that_ends_nowhere_is_undone_whole(moves: int) -> None:
    """Without the spare volunteer the last visit fits nowhere at the chain's end: every step
    is undone, the plan, each volunteer's visits and minutes, and each route's stamp as they
    were (so the insertions that failed on those routes stay remembered, and only those)."""
    scenario = build_scenario(held_deep(moves, free=False))
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    given_ = _held_deep_plan(moves)
    routes = _Routes(scenario, analyses, travel, Solution(dict(given_.starts), dict(given_.crews)))
    stamps = dict(routes.state)
    assert not routes.swap("u", depth=moves + 2)
    assert routes.sol == given_
    assert {v: sorted(ts) for v, ts in routes.visits.items() if ts} == {
        f"v{i - 1}": [f"x{i}"] for i in range(1, moves + 1)
    }
    assert {v: m for v, m in routes.minutes.items() if m} == {f"v{i}": 60 for i in range(moves)}
    assert {v: s for v, s in routes.state.items() if s} == {v: s for v, s in stamps.items() if s}


class _Forgetful(dict[tuple[str, str], int]):
    """A memory of failed insertions that remembers none."""

    def get(self, key: tuple[str, str], default: int | None = None) -> int | None:  # type: ignore[override]
        return None


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(small_worlds()))
def test_remembering_failed_insertions_changes_no_plan(world: World) -> None:
    """Four deep from greedy's plan: the same plan whether an insertion that failed on a
    route is skipped while that route is as it was, or tried again every time."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    tids = sorted(scenario.tasks)
    whole = greedy_plan(scenario, analyses, travel)
    remembered = push_in(scenario, analyses, travel, whole, tids, depth=4)
    built = _Routes.__init__

    def forgetful(self: _Routes, *args: Any) -> None:
        built(self, *args)
        self._failed = _Forgetful()

    _Routes.__init__ = forgetful  # type: ignore[method-assign]
    try:
        tried_again = push_in(scenario, analyses, travel, whole, tids, depth=4)
    finally:
        _Routes.__init__ = built  # type: ignore[method-assign]
    assert remembered == tried_again


def test_chains_go_deeper_only_after_every_shallow_pass() -> None:
    """Four deep: every priority's chains two and three deep first (urgent first), then the
    lowest priority's two deep, then four deep for all but the lowest; one deep, none."""
    assert chain_passes(1) == []
    passes = chain_passes(4)
    assert passes[:2] == [("urgent", 2), ("urgent", 3)]
    depths = [d for _, d in passes]
    assert depths.index(4) == len(depths) - 3 and max(depths[: depths.index(4)]) == 3
    assert [d for p, d in passes if p == PRIORITIES[-1]] == [2]
    assert sorted(passes) == sorted(set(passes))
