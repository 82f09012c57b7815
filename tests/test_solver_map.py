"""Solving a week's independent parts through `map_parts` (in reverse, or side by side on
threads) gives exactly the plan solving them one after another gives, with one worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pytest

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.generate import generate_world
from mutualaid.scenario import build_scenario, load_scenario
from solver import PartJob, PartResult, SolveOptions, analyse, components, solve

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def in_reverse(
    fn: Callable[[Scenario, PartJob], PartResult], shared: Scenario, jobs: Sequence[PartJob]
) -> Iterator[tuple[int, PartResult]]:
    for i in reversed(range(len(jobs))):
        yield i, fn(shared, jobs[i])


def on_threads(
    fn: Callable[[Scenario, PartJob], PartResult], shared: Scenario, jobs: Sequence[PartJob]
) -> Iterator[tuple[int, PartResult]]:
    with ThreadPoolExecutor(max_workers=3) as pool:
        index = {pool.submit(fn, shared, job): i for i, job in enumerate(jobs)}
        for done in as_completed(index):
            yield index[done], done.result()


def week(name: str) -> Scenario:
    if name.startswith("generated"):
        return build_scenario(generate_world(80, 40, 4, 3))  # nine parts
    return load_scenario(SCENARIOS / name)


def essence(scenario: Scenario, options: SolveOptions, **kw: Any) -> dict[str, Any]:
    plan = solve(scenario, options, **kw).to_json(scenario)
    keys = ("status", "error", "assignments", "unserved", "objective", "bound")
    return {k: plan.get(k) for k in keys}


@pytest.mark.parametrize(
    ("name", "max_exact_arcs"),
    [
        ("01-jingbalu-life-centre.yaml", 40_000),
        ("08-contended-cold-wave.yaml", 40_000),
        ("10-edge-pinned.yaml", 40_000),
        ("generated", 40_000),
        ("generated", 0),  # every part by neighbourhood search
    ],
)
def test_parts_mapped_in_any_order_give_the_plan_solved_in_turn(
    name: str, max_exact_arcs: int
) -> None:
    scenario = week(name)
    assert len(components(analyse(scenario))) > 1
    options = SolveOptions(time_limit=1.0, workers=1, max_exact_arcs=max_exact_arcs)
    in_turn = essence(scenario, options)
    assert in_turn["status"] in ("optimal", "feasible")
    assert essence(scenario, options, map_parts=in_reverse) == in_turn
    assert essence(scenario, options, map_parts=on_threads) == in_turn


def test_a_mapped_solve_reports_progress_as_each_part_finishes() -> None:
    scenario = week("01-jingbalu-life-centre.yaml")
    parts = len(components(analyse(scenario)))
    seen: list[dict[str, int]] = []
    mapped: list[int] = []

    def counting(
        fn: Callable[[Scenario, PartJob], PartResult], shared: Scenario, jobs: Sequence[PartJob]
    ) -> Iterator[tuple[int, PartResult]]:
        mapped.append(len(jobs))
        return in_reverse(fn, shared, jobs)

    def progress(served: dict[str, int], bound: dict[str, int], elapsed: float) -> None:
        seen.append(dict(served))

    plan = solve(scenario, SolveOptions(time_limit=1.0, workers=1), progress, counting)
    assert mapped == [parts]
    assert len(seen) == 1 + parts  # greedy's plan, then once per part
    assert plan.objective is not None
    assert seen[-1] == {p: plan.objective.served[p] for p in PRIORITIES}


def test_a_week_of_one_part_is_solved_in_turn_even_with_a_map() -> None:
    scenario = week("09-edge-reason-codes.yaml")
    assert len(components(analyse(scenario))) == 1

    def refuse(*_: object) -> Iterator[tuple[int, PartResult]]:
        raise AssertionError("one part needs no map")

    options = SolveOptions(time_limit=1.0, workers=1)
    assert essence(scenario, options, map_parts=refuse) == essence(scenario, options)
