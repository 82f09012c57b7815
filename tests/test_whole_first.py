"""A part's bounds with the whole part's pairwise model first (`solver.part_bounds.WHOLE_FIRST`,
off in the planner: measured, it lost at 60 s; kept to measure): its bound per priority reaches
the answer when column generation says nothing, and, on tiny worlds against the brute force,
the bounds found that way are never below the truth."""

from __future__ import annotations

import time
from dataclasses import replace
from unittest.mock import patch

import pytest
from hypothesis import given, settings

import solver.part_bounds
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from solver.conditional import combine
from solver.part_bounds import part_bounds_after
from solver.solution import Solution, count_by_priority
from tests.strategies import World, tiny_worlds
from tests.test_conditional import _reachable, best_given, part_of
from tests.test_coverage import SLOW_OK
from tests.test_large_parts import _jobs
from tests.test_neighbourhoods import one_volunteer


class _Nothing:
    """Column generation that bounds nothing (every task of the part)."""

    def __init__(self, scenario: object, analyses: object, tids: list[str], *args: object) -> None:
        self.tids = tids
        self.scenario = scenario

    def bounds(self, *args: object, **kwargs: object) -> dict[str, int]:
        return count_by_priority(self.scenario, self.tids)  # type: ignore[arg-type]

    def seconds(self, *args: object) -> float:
        return 0.0


def _passed_on(*args: object) -> tuple[None, bool, object]:
    """`_relaxations` that adds nothing: the bounds found before it, as they are."""
    return None, False, args[6]


def test_the_whole_model_bounds_each_priority_before_column_generation() -> None:
    """One volunteer, four hours, an hour's high visit and five normal ones; the plan serves the
    high one alone. Given it, at most three normal visits: the whole part's model says so first,
    though column generation (here) and the relaxations after it add nothing."""
    scenario = build_scenario(one_volunteer(["high"] + ["normal"] * 5))
    [job] = _jobs(scenario, deadline=time.time() + 60.0)
    job = replace(job, deterministic=False, share=20.0)
    assert job.floor is not None
    plan = Solution({"t0": job.floor.starts["t0"]}, {"t0": job.floor.crews["t0"]})
    with (
        patch.object(solver.part_bounds, "ColumnBound", _Nothing),
        patch.object(solver.part_bounds, "_relaxations", _passed_on),
        patch.object(solver.part_bounds, "ENERGY", False),  # (one day: the energetic LP
        # would bound it first)
        patch.object(solver.part_bounds, "WHOLE_FIRST", True),
    ):
        _, _, conditional = part_bounds_after(
            scenario, job, HaversineTravel(scenario.settings), plan, 20.0, None
        )
    assert conditional is not None
    assert conditional["high"] == 1 and conditional["normal"] == 3, conditional


def _whole_first_bounds_hold(world: World) -> None:
    """Greedy's plan, each part's bounds by `part_bounds_after` with a wall-clock budget (so the
    whole part's model first), joined by `combine`: never below the truth."""
    scenario = build_scenario(world)
    truth_of = _reachable(scenario)
    travel = HaversineTravel(scenario.settings)
    jobs = [replace(job, deterministic=False) for job in _jobs(scenario, time.time() + 60.0)]
    plan = Solution({}, {})
    for job in jobs:
        assert job.floor is not None
        plan = Solution({**plan.starts, **job.floor.starts}, {**plan.crews, **job.floor.crews})
    served = count_by_priority(scenario, plan.crews)
    truth = best_given(truth_of, served)
    parts = []
    for job in jobs:
        assert job.floor is not None
        with (
            patch.object(solver.part_bounds, "WHOLE_FIRST", True),
            patch.object(solver.part_bounds, "ENERGY", False),  # (the whole model first on
            # one-day worlds too)
        ):
            _, _, got = part_bounds_after(scenario, job, travel, job.floor, 2.0, None)
        parts.append(part_of(scenario, plan, job.tids, job.weights, got))
    bound = combine(parts, jobs[0].weights) if jobs else served
    for p in PRIORITIES:
        assert served[p] <= truth[p] <= bound[p], (p, served, truth, bound)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds())
def test_bounds_with_the_whole_model_first_are_never_below_the_truth(world: World) -> None:
    _whole_first_bounds_hold(world)
