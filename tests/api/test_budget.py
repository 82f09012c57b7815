"""A solve's time on the real unit of work (SQLite and PostgreSQL): the heartbeat holds the
lease while the solver says nothing, progress never goes backwards across a re-claim, a cancel
stops a running solve (and ends at once a plan no live worker holds), and a wall-clock budget
runs from the claim, analysis included. States are waited for; no time is asserted."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import solver
from mutualaid.cli import app
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.lifecycle import CANCELLED
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan, SolveProgress
from mutualaid.services import plans, weeks
from mutualaid.services.jobs import RunOptions, claim_plan, release_plan, run_next_plan
from mutualaid.services.ports import PlanRecord, Progress
from solver.service import PlannerSettings, SolverPlanner
from tests.adapters import world
from tests.adapters.conftest import FakeClock, UowFactory
from worldgen import generate_world

from .conftest import wait_for
from .test_services import ADMIN, COORDINATOR, WEEK

SMALL = Path(__file__).resolve().parents[2] / "scenarios" / "09-edge-reason-codes.yaml"
STATE_WAIT = 300.0
"""How long a test waits for a state before it fails (generous: the machine may be busy)."""


@pytest.fixture
def week(make_uow: UowFactory) -> str:
    weeks.import_scenario(make_uow(), ADMIN, world.AREA, WEEK, world.scenario())
    return WEEK


class FakePlanner:
    """What the fakes share: a real one-worker solve of a second at the end."""

    real = SolverPlanner(PlannerSettings(time_limit_seconds=1.0, workers=1, deterministic=True))


class BlockingPlanner(FakePlanner):
    """A planner stuck in one long call (no progress, no callbacks) until `release` is set or
    it is told to stop; then it solves for real."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.saw_stop = threading.Event()

    def plan(
        self,
        scenario: Scenario,
        progress: Progress,
        map_parts: Any = None,
        stop: Callable[[], bool] | None = None,
        since: float | None = None,
    ) -> Plan:
        self.entered.set()
        while not self.release.wait(0.01):
            if stop is not None and stop():
                self.saw_stop.set()
                raise solver.Stopped
        return self.real.plan(scenario, progress, stop=stop)


def _in_thread(make_uow: UowFactory, planner: Any, worker: str = "w-1", **options: Any) -> Any:
    """run_next_plan in a thread of its own; a function that joins it and gives its plan."""
    opts = RunOptions(worker=worker, lease_seconds=30, heartbeat_seconds=0.02, **options)
    out: list[PlanRecord | None] = []
    thread = threading.Thread(target=lambda: out.append(run_next_plan(make_uow, planner, opts)))
    thread.start()

    def joined() -> PlanRecord | None:
        thread.join(STATE_WAIT)
        assert not thread.is_alive(), "the run did not end"
        return out[0]

    return joined


def _get(make_uow: UowFactory, ident: str) -> PlanRecord:
    return plans.get_plan(make_uow(), ADMIN, ident)


@pytest.mark.slow
def test_the_heartbeat_holds_the_lease_while_the_solver_is_stuck_in_a_long_call(
    make_uow: UowFactory, clock: FakeClock, week: str
) -> None:
    plan = plans.request_plan(make_uow(), None, COORDINATOR, None, WEEK)
    planner = BlockingPlanner()
    joined = _in_thread(make_uow, planner)
    assert planner.entered.wait(STATE_WAIT)
    first = _get(make_uow, plan.id).lease_expires_at
    assert first is not None
    clock.advance(25)  # most of the 30 s lease, with the solver silent all along

    def extended() -> bool:
        lease = _get(make_uow, plan.id).lease_expires_at
        return lease is not None and lease > first

    wait_for(extended, STATE_WAIT)
    clock.advance(25)  # past the lease as claimed: a heartbeat renewed it meanwhile
    wait_for(extended, STATE_WAIT)
    thief = RunOptions(worker="w-2", lease_seconds=30)
    assert claim_plan(make_uow(), thief) is None  # no second run starts from scratch
    planner.release.set()
    done = joined()
    assert (done.id, done.attempts) == (plan.id, 1)
    assert done.status in ("optimal", "feasible")


class ReportingPlanner(FakePlanner):
    """Reports `figures` in turn, noting what the plan's row holds after each; then solves."""

    def __init__(self, make_uow: UowFactory, ident: str, figures: list[dict[str, int]]) -> None:
        self.make_uow, self.ident, self.figures = make_uow, ident, figures
        self.seen: list[SolveProgress | None] = []

    def plan(
        self,
        scenario: Scenario,
        progress: Progress,
        map_parts: Any = None,
        stop: Callable[[], bool] | None = None,
        since: float | None = None,
    ) -> Plan:
        for served in self.figures:
            progress(SolveProgress(served, {"normal": 9}, 0.0))
            self.seen.append(_get(self.make_uow, self.ident).progress)
        return self.real.plan(scenario, progress, stop=stop)


@pytest.mark.slow
def test_a_rerun_does_not_overwrite_progress_with_smaller_figures(
    make_uow: UowFactory, clock: FakeClock, week: str
) -> None:
    plan = plans.request_plan(make_uow(), None, COORDINATOR, None, WEEK)
    with make_uow() as uow:  # a first run got far, then its worker died
        uow.plans.claim("w-dead", 30)
        uow.plans.heartbeat(plan.id, "w-dead", 30, SolveProgress({"high": 1, "normal": 3}, {}, 0))
        uow.commit()
    clock.advance(31)
    again = ReportingPlanner(
        make_uow, plan.id, [{"normal": 2}, {"high": 1, "normal": 2}, {"high": 2, "normal": 0}]
    )
    opts = RunOptions(worker="w-1", lease_seconds=30, heartbeat_seconds=0)
    done = run_next_plan(make_uow, again, opts)
    assert done is not None and done.id == plan.id and done.attempts == 2
    served = [seen.served for seen in again.seen if seen is not None]
    # the rerun's smaller figures leave the first run's in place; larger ones replace them
    assert served == [{"high": 1, "normal": 3}, {"high": 1, "normal": 3}, {"high": 2, "normal": 0}]


def test_a_cancel_stops_a_solve_stuck_in_a_long_call(make_uow: UowFactory, week: str) -> None:
    plan = plans.request_plan(make_uow(), None, COORDINATOR, None, WEEK)
    planner = BlockingPlanner()
    joined = _in_thread(make_uow, planner)
    assert planner.entered.wait(STATE_WAIT)
    plans.cancel_plan(make_uow(), COORDINATOR, plan.id)
    done = joined()  # never released: only the stop can end it
    assert planner.saw_stop.is_set()
    assert (done.id, done.status, done.error) == (plan.id, "error", CANCELLED)


@pytest.mark.slow
def test_a_cancel_stops_a_running_cp_sat_search(make_uow: UowFactory) -> None:
    scenario = generate_world(300, 120, 1, 5)
    weeks.import_scenario(make_uow(), ADMIN, world.AREA, WEEK, scenario)
    plan = plans.request_plan(make_uow(), None, COORDINATOR, None, WEEK)
    long_solve = SolverPlanner(PlannerSettings(time_limit_seconds=3600.0, workers=1))
    joined = _in_thread(make_uow, long_solve)
    wait_for(lambda: _get(make_uow, plan.id).progress, STATE_WAIT)  # greedy's plan: searching
    plans.cancel_plan(make_uow(), COORDINATOR, plan.id)
    done = joined()  # an hour's budget: only the stop can end it in time
    assert (done.id, done.status, done.error) == (plan.id, "error", CANCELLED)


def test_a_cancel_ends_at_once_a_plan_that_no_live_worker_holds(
    make_uow: UowFactory, clock: FakeClock, week: str
) -> None:
    plan = plans.request_plan(make_uow(), None, COORDINATOR, None, WEEK)
    claimed = claim_plan(make_uow(), RunOptions(worker="killed", lease_seconds=30))
    assert claimed is not None and claimed.id == plan.id
    clock.advance(31)  # its worker was killed: no heartbeat renewed the lease
    ended = plans.cancel_plan(make_uow(), COORDINATOR, plan.id)
    assert (ended.status, ended.error) == ("error", CANCELLED)


def test_a_released_run_is_taken_again_at_once_and_a_cancelled_one_ends(
    make_uow: UowFactory, week: str
) -> None:
    plan = plans.request_plan(make_uow(), None, COORDINATOR, None, WEEK)
    assert claim_plan(make_uow(), RunOptions(worker="w-1", lease_seconds=30)) is not None
    release_plan(make_uow(), plan.id, "someone-else")  # not theirs: nothing happens
    assert claim_plan(make_uow(), RunOptions(worker="w-2", lease_seconds=30)) is None
    release_plan(make_uow(), plan.id, "w-1")  # the runner saw w-1's task die
    again = claim_plan(make_uow(), RunOptions(worker="w-2", lease_seconds=30))
    assert again is not None and (again.id, again.attempts) == (plan.id, 2)
    plans.cancel_plan(make_uow(), COORDINATOR, plan.id)
    release_plan(make_uow(), plan.id, "w-2")
    ended = _get(make_uow, plan.id)
    assert (ended.status, ended.error) == ("running", None)  # ends at the next claim ...
    assert claim_plan(make_uow(), RunOptions(worker="w-3", lease_seconds=30)) is None
    ended = _get(make_uow, plan.id)
    assert (ended.status, ended.error) == ("error", CANCELLED)


# --- the solver's deadline -------------------------------------------------------------------


def _district() -> Scenario:
    return build_scenario(generate_world(400, 160, 3, 11))


def test_a_deadline_already_passed_gives_greedys_plan_without_searching() -> None:
    scenario = _district()
    budget = 3600.0  # an hour: were it searched, the test would not end
    options = solver.SolveOptions(
        time_limit=budget, workers=1, deterministic=False, since=time.time() - budget
    )
    plan = plan_json.dump(solver.solve(scenario, options), scenario)
    greedy = plan_json.dump(solver.greedy(scenario), scenario)
    assert plan["status"] == "feasible"
    assert plan["assignments"] == greedy["assignments"]
    assert all(stage["seconds"] == 0 for stage in plan["stages"].values())


@pytest.mark.slow
def test_the_services_planner_counts_its_budget_from_the_claim() -> None:
    scenario = _district()
    planner = SolverPlanner(PlannerSettings(time_limit_seconds=3600.0, workers=1))
    made = planner.plan(scenario, lambda figures: None, since=time.time() - 3600.0)
    plan = plan_json.dump(made, scenario)
    assert plan["status"] == "feasible"
    assert plan["assignments"] == plan_json.dump(solver.greedy(scenario), scenario)["assignments"]


def test_a_stop_before_the_search_raises_stopped() -> None:
    scenario = _district()
    options = solver.SolveOptions(time_limit=3600.0, workers=1, deterministic=False)
    with pytest.raises(solver.Stopped):
        solver.solve(scenario, options, stop=lambda: True)


@pytest.mark.parametrize(
    ("flags", "reproducible"),
    [([], True), (["--wall-clock"], False), (["--workers", "2"], False),
     (["--workers", "2", "--deterministic"], True)],
)  # fmt: skip
def test_the_cli_counts_deterministic_time_with_one_worker_unless_told(
    flags: list[str], reproducible: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[solver.SolveOptions] = []
    real = solver.solve

    def solve(scenario: Scenario, options: solver.SolveOptions, *args: Any) -> Any:
        seen.append(options)
        return real(scenario, options, *args)

    monkeypatch.setattr(solver, "solve", solve)
    args = ["solve", str(SMALL), "--time-limit", "1", "--out", str(tmp_path / "plan.json")]
    result = CliRunner().invoke(app, [*args, "--workers", "1", *flags])
    assert result.exit_code == 0, result.output
    assert [options.reproducible for options in seen] == [reproducible]
