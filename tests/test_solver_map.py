"""Solving a week's independent parts through `map_parts` (in reverse, or side by side on
threads, ticking while it waits) gives exactly the plan solving them one after another gives,
with one worker; the map's ticks report progress, and a report that raises stops the map."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import pytest

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario, load_scenario
from mutualaid.domain.model import PRIORITIES, Scenario
from solver import PartJob, PartResult, SolveOptions, analyse, components, solve
from worldgen import generate_world

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


PartFn = Callable[[Scenario, PartJob], PartResult]
Finished = Iterator[tuple[int, PartResult] | None]


def in_reverse(fn: PartFn, shared: Scenario, jobs: Sequence[PartJob]) -> Finished:
    for i in reversed(range(len(jobs))):
        yield i, fn(shared, jobs[i])


def on_threads(fn: PartFn, shared: Scenario, jobs: Sequence[PartJob]) -> Finished:
    """Side by side, ticking every 10 ms while none finishes (as `map_on_cluster` does)."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        index = {pool.submit(fn, shared, job): i for i, job in enumerate(jobs)}
        pending = set(index)
        while pending:
            done, pending = wait(pending, timeout=0.01, return_when=FIRST_COMPLETED)
            if not done:
                yield None
            for future in sorted(done, key=index.__getitem__):
                yield index[future], future.result()


def ticking(fn: PartFn, shared: Scenario, jobs: Sequence[PartJob]) -> Finished:
    """In turn, with two ticks before each part and one after the last."""
    for i, job in enumerate(jobs):
        yield None
        yield None
        yield i, fn(shared, job)
    yield None


def week(name: str) -> Scenario:
    if name.startswith("generated"):
        return build_scenario(generate_world(80, 40, 4, 3))  # nine parts
    return load_scenario(SCENARIOS / name)


def essence(scenario: Scenario, options: SolveOptions, **kw: Any) -> dict[str, Any]:
    plan = plan_json.dump(solve(scenario, options, **kw), scenario)
    keys = ("status", "error", "assignments", "unserved", "objective", "bound")
    return {k: plan.get(k) for k in keys}


@pytest.mark.slow
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
    assert essence(scenario, options, map_parts=ticking) == in_turn


def test_a_mapped_solve_reports_progress_as_each_part_finishes() -> None:
    scenario = week("01-jingbalu-life-centre.yaml")
    parts = len(components(analyse(scenario)))
    seen: list[dict[str, int]] = []
    mapped: list[int] = []

    def counting(fn: PartFn, shared: Scenario, jobs: Sequence[PartJob]) -> Finished:
        mapped.append(len(jobs))
        return in_reverse(fn, shared, jobs)

    def progress(served: dict[str, int], bound: dict[str, int], elapsed: float) -> None:
        seen.append(dict(served))

    plan = solve(scenario, SolveOptions(time_limit=1.0, workers=1), progress, counting)
    assert mapped == [parts]
    assert len(seen) == 1 + parts  # greedy's plan, then once per part
    assert plan.objective is not None
    assert seen[-1] == {p: plan.objective.served[p] for p in PRIORITIES}


def test_a_mapped_solve_reports_progress_at_each_tick_between_parts() -> None:
    scenario = week("01-jingbalu-life-centre.yaml")
    parts = len(components(analyse(scenario)))
    seen: list[tuple[dict[str, int], float]] = []

    def progress(served: dict[str, int], bound: dict[str, int], elapsed: float) -> None:
        seen.append((dict(served), elapsed))

    plan = solve(scenario, SolveOptions(time_limit=1.0, workers=1), progress, ticking)
    assert len(seen) == 1 + 3 * parts + 1  # greedy's plan, two ticks and a part each, a tick
    after_greedy = [served for served, _ in seen[1:]]
    assert after_greedy[0] == after_greedy[1] == dict.fromkeys(PRIORITIES, 0)  # none done yet
    assert after_greedy[-1] == after_greedy[-2]  # the last tick: what the parts served
    assert plan.objective is not None
    assert after_greedy[-1] == {p: plan.objective.served[p] for p in PRIORITIES}
    elapsed = [e for _, e in seen]
    assert elapsed == sorted(elapsed)


def test_a_progress_report_that_raises_at_a_tick_stops_the_solve_and_closes_the_map() -> None:
    scenario = week("01-jingbalu-life-centre.yaml")
    solved: list[int] = []
    closed: list[bool] = []

    class Cancelled(Exception):
        pass

    def watched(fn: PartFn, shared: Scenario, jobs: Sequence[PartJob]) -> Finished:
        try:
            for i, job in enumerate(jobs):
                solved.append(i)
                yield i, fn(shared, job)
                yield None
        finally:
            closed.append(True)

    calls: list[int] = []

    def progress(served: dict[str, int], bound: dict[str, int], elapsed: float) -> None:
        calls.append(len(solved))
        if len(calls) == 3:  # greedy's plan, the first part, then its tick
            raise Cancelled

    with pytest.raises(Cancelled):
        solve(scenario, SolveOptions(time_limit=1.0, workers=1), progress, watched)
    assert solved == [0]  # no part was started after the tick that stopped the solve
    assert closed == [True]
    assert calls == [0, 1, 1]


def test_a_week_of_one_part_is_solved_in_turn_even_with_a_map() -> None:
    scenario = week("09-edge-reason-codes.yaml")
    assert len(components(analyse(scenario))) == 1

    def refuse(*_: object) -> Iterator[tuple[int, PartResult]]:
        raise AssertionError("one part needs no map")

    options = SolveOptions(time_limit=1.0, workers=1)
    assert essence(scenario, options, map_parts=refuse) == essence(scenario, options)
