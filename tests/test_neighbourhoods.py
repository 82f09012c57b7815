"""Neighbourhood search on large parts (`solver.lns`, `solver.large`): the slots a neighbourhood's
model places a task in are every slot where it could start, found without travel for the rest;
polishing goes on while a
pass gains; a large part's bounds get the time its search left, and a part's bounds what
rerouting left (CP-SAT's relaxations no more than the time kept for them); the top tasks'
model runs beside pins."""

from __future__ import annotations

import time
from dataclasses import replace
from types import SimpleNamespace
from typing import cast
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

import solver
import solver.large
import solver.lns
import solver.part_bounds
import solver.parts
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Location, Task
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver.lns import NEIGHBOURHOOD_TASKS, Search
from solver.part_bounds import part_bounds_after
from solver.parts import solve_part
from solver.routes import Slot, fitting, sorted_ends
from solver.solution import Solution, build_plan
from tests.strategies import World
from tests.test_large_parts import HOME, _jobs, greedy_falls_short

HERE = Location(34.75, 113.65)


def one_volunteer(priorities: list[str]) -> World:
    """One volunteer, Monday 08:00-12:00, and an hour's visit per priority, each wanting
    her then: only four fit."""
    window = [{"days": ["mon"], "from": "08:00", "to": "12:00"}]
    return {
        "name": "one volunteer",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {"id": "a", "skills": ["s"], "home": HOME,
             "availability": [{"days": ["mon"], "from": "08:00", "to": "12:00"}]},
        ],
        "tasks": [
            {"id": f"t{i}", "priority": p, "needs": [{"skill": "s", "count": 1}],
             "duration_minutes": 60, "location": HOME, "windows": window}
            for i, p in enumerate(priorities)
        ],
    }  # fmt: skip


class _Minutes:
    """Travel of so many minutes between any two places (a TravelModel)."""

    def __init__(self, minutes: int) -> None:
        self.fixed = minutes

    def minutes(self, mode: str, a: Location, b: Location) -> int:
        return self.fixed


spans = st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 300)), min_size=1, max_size=4)


@given(
    cuts=st.lists(st.integers(0, 2000), min_size=2, max_size=12, unique=True),
    starts=spans,
    duration=st.integers(1, 120),
    travel=st.integers(0, 40),
)
def test_fitting_misses_no_slot_where_the_task_could_start(
    cuts: list[int], starts: list[tuple[int, int]], duration: int, travel: int
) -> None:
    """Every slot whose window (travel counted) meets a start is yielded, by bisection as
    without it; the slots are a week's gaps, sorted and apart."""
    cuts.sort()
    slots = [Slot(a, b, HERE, HERE) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    domain = sorted((lo, lo + width) for lo, width in starts)
    task = cast(Task, SimpleNamespace(duration_minutes=duration, location=HERE))
    model = _Minutes(travel)

    def meets(slot: Slot) -> bool:
        lo, hi = slot.window(task, model, "walk")
        return any(max(lo, x) <= min(hi, y) for x, y in domain)

    wanted = [k for k, slot in enumerate(slots) if meets(slot)]
    ends = sorted_ends(slots)
    assert ends is not None
    assert set(wanted) <= set(fitting(slots, task, domain, ends))
    assert set(wanted) <= set(fitting(slots, task, domain))


def test_slots_not_apart_are_scanned_whole() -> None:
    overlapping = [Slot(0, 100, HERE, HERE), Slot(50, 60, HERE, HERE)]
    assert sorted_ends(overlapping) is None


def test_polishing_goes_on_while_a_pass_gains_and_stops_after_one_that_does_not() -> None:
    scenario = build_scenario(one_volunteer(["normal", "low"]))
    [job] = _jobs(scenario)
    assert job.floor is not None
    travel = HaversineTravel(scenario.settings)
    search = Search(scenario, job.analyses, job.tids, travel, job.weights, job.floor,
                    budget=60.0, workers=1, seed=0)  # fmt: skip
    goals = iter([(0, 0, (3,)), (0, 0, (2,)), (0, 0, (1,)), (0, 0, (1,))])
    tried: list[list[str]] = []
    with (
        patch.object(Search, "_goals", lambda self: next(goals)),
        patch.object(Search, "attempt", lambda self, group, stages, limit: tried.append(group)),
    ):
        search.polish()
    groups = len(solver.lns.around(job.analyses, job.tids, NEIGHBOURHOOD_TASKS))
    assert len(tried) == 3 * groups  # two passes gained, the third did not


def test_a_large_parts_bounds_get_the_time_its_search_left() -> None:
    """The search ends at once: the bounds get the time to the deadline, not a quarter."""
    scenario = build_scenario(one_volunteer(["high"] + ["normal"] * 5))
    [job] = _jobs(scenario, deadline=time.time() + 40.0)
    job = replace(job, share=40.0, deterministic=False)
    assert job.floor is not None and len(job.floor.crews) < len(job.tids)  # a gap to bound
    budgets: list[float] = []

    def bounds(*args: object, **kwargs: object) -> tuple[None, bool, None]:
        budgets.append(cast(float, args[4]))
        return None, False, None

    def same(*args: object, **kwargs: object) -> Solution:
        return cast(Solution, args[5])

    floor = job.floor
    with (
        patch.object(solver.large, "part_bounds_after", bounds),
        patch.object(solver.large, "improve", same),
        patch.object(solver.large, "_quick_cover", lambda *a: (floor, None, None, 0.0)),
        patch.object(solver.large, "_cover_first", lambda *a: None),
        patch.object(solver.large, "_top_first", lambda *a: (floor, None, 0.0)),
    ):
        _, _, deferred = solver.large.search_part(
            scenario, job, HaversineTravel(scenario.settings), None, None
        )
        assert deferred is not None and deferred.seconds > 30.0 > 40.0 * solver.large.BOUND_SHARE
        deferred.finish(job, floor, deferred.seconds)
    assert budgets == [deferred.seconds]


def test_the_top_tasks_model_runs_beside_a_pin_and_keeps_it() -> None:
    """A pinned low visit no longer keeps a large part from its top tasks' model: the pinned
    task goes into the model, so the plan serves the high visit greedy's floor left and keeps
    the pin (greedy fits the rest around it), and every rule holds."""
    world = greedy_falls_short()
    late = [{"days": ["mon"], "from": "10:15", "to": "11:30"}]
    world["tasks"].append({"id": "z", "priority": "low", "needs": [{"skill": "s", "count": 1}],
                           "duration_minutes": 60, "location": HOME, "windows": late})  # fmt: skip
    world["pinned"] = [{"task": "z", "volunteers": ["b"]}]
    scenario = build_scenario(world)
    [job] = _jobs(scenario)
    assert job.floor is not None and "z" in job.floor.crews
    floor = Solution({"z": job.floor.starts["z"]}, {"z": job.floor.crews["z"]})  # x left out
    travel = HaversineTravel(scenario.settings)
    sol, bound, _ = solver.large._top_first(scenario, job, travel, floor, 4.0, None)
    assert "x" in sol.crews
    assert "b" in {a.id for a in sol.crews["z"]}
    assert bound is not None
    plan = build_plan(scenario, sol, job.analyses, travel, status="feasible", bound={}, started=0)
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []


def test_a_parts_bounds_get_the_time_rerouting_left() -> None:
    """Rerouting ends at once: the part's bounds, found after it, get the time to the part's
    deadline, not only the time kept for them."""
    scenario = build_scenario(one_volunteer(["high"] + ["normal"] * 5))
    [job] = _jobs(scenario, deadline=time.time() + 40.0)
    job = replace(job, share=40.0, deterministic=False)
    budgets: list[float] = []

    def bounds(*args: object, **kwargs: object) -> tuple[None, bool, None]:
        budgets.append(cast(float, args[4]))
        return None, False, None

    def same(*args: object, **kwargs: object) -> Solution:
        return cast(Solution, args[5])

    def rerouted(*args: object, **kwargs: object) -> Solution:
        assert cast(float, kwargs["deadline"]) < job.deadline - 5.0  # the bounds' time is kept
        return cast(Solution, args[4])

    floor = job.floor
    assert floor is not None and len(floor.crews) < len(job.tids)  # a gap to bound
    with (
        patch.object(solver.large, "part_bounds_after", bounds),
        patch.object(solver.large, "improve", same),
        patch.object(solver.large, "_quick_cover", lambda *a: (floor, None, None, 0.0)),
        patch.object(solver.large, "_cover_first", lambda *a: None),
        patch.object(solver.large, "_top_first", lambda *a: (floor, None, 0.0)),
        patch.object(solver.parts, "reroute", rerouted),
        patch.object(solver.parts, "_sweep_left", lambda *a: a[3]),
    ):
        solve_part(scenario, replace(job, max_exact_arcs=0))
    assert len(budgets) == 1 and budgets[0] > 35.0


def test_relaxations_after_column_generation_get_the_time_kept_for_them_not_all_left() -> None:
    """Given more than the time kept for the bounds (what rerouting left), column generation
    may take all of it, and CP-SAT's relaxations after it what they would have had of the time
    kept; the rest goes back to the plan."""
    scenario = build_scenario(one_volunteer(["high"] + ["normal"] * 5))
    [job] = _jobs(scenario)
    job = replace(job, deterministic=False)
    assert job.floor is not None
    given: list[float] = []

    class Columns:
        def __init__(self, *args: object) -> None:
            pass

        def bounds(self, *args: object, **kwargs: object) -> dict[str, int]:
            return {"urgent": 0, "high": 1, "normal": 5, "low": 0}

        def seconds(self, *args: object) -> float:
            return 1.0

    def relaxations(*args: object) -> tuple[None, bool, None]:
        given.append(cast(float, args[4]))
        return None, False, None

    with (
        patch.object(solver.part_bounds, "ColumnBound", Columns),
        patch.object(solver.part_bounds, "_relaxations", relaxations),
        patch.object(solver.part_bounds, "ENERGY", False),  # (a one-day week: the energetic
        # LP would prove its plan before column generation; the split after it is the subject)
        patch.object(solver.part_bounds, "HOURS", False),  # (the hours' LP, first where hours
        # bind, takes its time out of the budget too: not the subject either)
    ):
        part_bounds_after(scenario, job, HaversineTravel(scenario.settings), job.floor, 20.0, None,
                          planned=4.0)  # fmt: skip
        part_bounds_after(scenario, job, HaversineTravel(scenario.settings), job.floor, 20.0, None)
    assert given == [3.0, 19.0]
