# distributed's Client, LocalCluster and Future are only partly annotated.
# mypy: disable-error-code="no-untyped-call"
"""Solves on Dask: a LocalCluster of two worker processes (one thread each) gives the plan the
in-process runner gives, a week's independent parts run as Dask tasks of their own (and a
cancel stops them, running ones included), and a run whose worker died is taken again at once
and completed by the dispatcher — on a SQLite file the processes share, and on PostgreSQL.
States are waited for; no time is asserted."""

from __future__ import annotations

import dataclasses
import importlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dask
import pendulum
import pytest
import yaml
from distributed import Client, LocalCluster, get_task_stream
from litestar.testing import TestClient

import solver
from api.app import create_app, open_infrastructure, planner_settings
from api.dask_jobs import DaskJobRunner
from api.settings import Settings
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.lifecycle import CANCELLED
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan, SolveProgress
from mutualaid.services import access, plans, weeks
from mutualaid.services.jobs import RunOptions, claim_plan
from mutualaid.services.ports import PlanRecord, Progress
from solver.service import SolverPlanner
from worldgen import generate_world

from .conftest import infra, wait_for

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "09-edge-reason-codes.yaml"
MANY_PARTS = ROOT / "scenarios" / "01-jingbalu-life-centre.yaml"
AREA = "jianzhongjie"
WEEK = "2026-11-30"
DONE = ("optimal", "feasible", "error")
STATE_WAIT = 300.0
"""How long a test waits for a state before it fails (generous: the machine may be busy)."""


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster of 2 worker processes with one thread each."""
    cluster = LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    )  # fmt: skip
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def on_dask(settings: Settings, address: str | None) -> Settings:
    return dataclasses.replace(
        settings, jobs=dataclasses.replace(settings.jobs, runner="dask", dask_scheduler=address)
    )


def import_week(settings: Settings, scenario: Path = SCENARIO) -> None:
    """The scenario stored as area AREA's week (no runner started)."""
    with open_infrastructure(settings) as opened:
        data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
        weeks.import_scenario(opened.uow(), access.CLI, AREA, WEEK, data)


def solve(settings: Settings) -> PlanRecord:
    """Queue a solve through the app (its lifespan starts the runner) and wait for the end."""
    with TestClient(create_app(settings)) as client:
        jobs = infra(client).runner
        queued = plans.request_plan(infra(client).uow(), jobs, access.CLI, AREA, WEEK)

        def ended() -> PlanRecord | None:
            plan = plans.get_plan(infra(client).reader(), access.CLI, queued.id)
            return plan if plan.status in DONE else None

        done: PlanRecord = wait_for(ended, timeout=STATE_WAIT)
        return done


def workers(settings: Settings, plan: PlanRecord) -> list[str]:
    """Who ran `plan`, run by run (from the audit log)."""
    with open_infrastructure(settings) as opened, opened.reader() as uow:
        entries = uow.audit.entries(AREA, limit=1000)
    starts = [e for e in entries if e.action == "plan.start" and e.target == f"plan {plan.id}"]
    return [str(e.detail["worker"]) for e in sorted(starts, key=lambda e: e.id)]


def outcome(plan: PlanRecord) -> dict[str, Any]:
    assert plan.status in ("optimal", "feasible"), plan.error
    assert plan.result is not None
    data = plan_json.dump(plan.result, plan.clock, said=True)
    return {key: data[key] for key in ("assignments", "unserved")}


@pytest.mark.slow
def test_a_two_process_cluster_gives_the_plan_the_in_process_runner_gives(
    settings: Settings, scheduler: str
) -> None:
    import_week(settings)
    in_process = solve(settings)  # one worker: the same week always gives the same plan
    on_cluster = solve(on_dask(settings, scheduler))
    assert [w.split("-")[0] for w in workers(settings, on_cluster)] == ["dask"]
    assert outcome(on_cluster) == outcome(in_process)
    assert outcome(on_cluster)["unserved"]  # the week has something to say about each reason


@pytest.mark.slow
@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
@pytest.mark.parametrize("scenario", [SCENARIO, MANY_PARTS], ids=["one-part", "many-parts"])
def test_without_a_scheduler_address_solves_run_on_an_in_process_cluster(
    settings: Settings, scenario: Path
) -> None:
    import_week(settings, scenario)
    in_process = solve(settings)
    in_cluster = solve(on_dask(settings, None))
    assert [w.split("-")[0] for w in workers(settings, in_cluster)] == ["dask"]
    assert outcome(in_cluster) == outcome(in_process)


@pytest.mark.slow
def test_the_independent_parts_of_a_week_are_solved_as_dask_tasks_of_their_own(
    settings: Settings, scheduler: str
) -> None:
    import_week(settings, MANY_PARTS)
    with open_infrastructure(settings) as opened, opened.reader() as uow:
        stored = uow.weeks.load_scenario(AREA, pendulum.Date.fromisoformat(WEEK))
    parts = len(solver.components(solver.analyse(stored)))
    assert parts > 1
    with Client(scheduler, set_as_default=False) as client, get_task_stream(client) as stream:
        on_cluster = solve(on_dask(settings, scheduler))
        # the plan is stored before its solve's task ends: the stream is read as it closes,
        # so wait for that task to end (under load the stream missed it: 6 of 1 + 6)
        prefix = f"solve-{on_cluster.id}-"
        for _ in range(1200):
            if not client.run_on_scheduler(_running, prefix=prefix):
                break
            time.sleep(0.1)
    mine = {
        str(t["key"]) for t in stream.data if str(t["key"]).startswith(f"solve-{on_cluster.id}-")
    }
    assert len(mine) == 1 + parts  # the solve, and a task per part
    options = solver.SolveOptions(time_limit=settings.solver.time_limit_seconds, workers=1)
    in_process = plan_json.dump(solver.solve(stored, options), stored, said=True)  # as stored
    assert outcome(on_cluster) == {k: in_process[k] for k in ("assignments", "unserved")}


def _running(dask_scheduler: Any, prefix: str) -> list[str]:
    """The keys starting with `prefix` that the scheduler has not finished."""
    done = ("memory", "erred", "released", "forgotten")
    return [str(k) for k, t in dask_scheduler.tasks.items() if str(k).startswith(prefix)
            and t.state not in done]  # fmt: skip


def test_the_runner_and_the_scheduler_come_from_the_environment() -> None:
    env = {"MUTUALAID_JOB_RUNNER": "dask", "MUTUALAID_DASK_SCHEDULER": "tcp://10.0.0.5:8786"}
    jobs = Settings.from_env(env).jobs
    assert (jobs.runner, jobs.dask_scheduler) == ("dask", "tcp://10.0.0.5:8786")
    assert Settings.from_env({}).jobs.dask_scheduler is None


@pytest.mark.slow
def test_a_run_whose_worker_died_is_completed_by_the_dispatcher(
    settings: Settings, scheduler: str
) -> None:
    import_week(settings)
    with open_infrastructure(settings) as opened:
        queued = plans.request_plan(opened.uow(), None, access.CLI, AREA, WEEK)
        # a worker claims the plan with a short lease and dies before its first heartbeat
        dead = claim_plan(opened.uow(), RunOptions(worker="died-mid-solve", lease_seconds=0.5))
    assert dead is not None and dead.id == queued.id and dead.status == "running"

    with TestClient(create_app(on_dask(settings, scheduler))) as client:

        def ended() -> PlanRecord | None:
            plan = plans.get_plan(infra(client).reader(), access.CLI, queued.id)
            return plan if plan.status in DONE else None

        done: PlanRecord = wait_for(ended, timeout=STATE_WAIT)
    outcome(done)
    assert done.attempts == 2
    assert [w.split("-")[0] for w in workers(settings, done)] == ["died", "dask"]


@dataclasses.dataclass(frozen=True)
class SlowPlanner:
    """The solver, after `seconds` of reporting no progress: a solve long enough to kill."""

    inner: SolverPlanner
    seconds: float

    def plan(
        self,
        scenario: Scenario,
        progress: Progress,
        map_parts: Callable[..., Any] | None = None,
        stop: Callable[[], bool] | None = None,
        since: float | None = None,
    ) -> Plan:
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            progress(SolveProgress({}, {}, 0.0))
            time.sleep(0.05)
        return self.inner.plan(scenario, progress, map_parts, stop)


@pytest.mark.slow
def test_a_worker_killed_mid_solve_leaves_a_run_that_the_dispatcher_completes(
    settings: Settings,
) -> None:
    import_week(settings)
    reference = outcome(solve(settings))
    # A cluster of its own, one of whose worker processes is killed (its nanny starts another).
    # Dask would rerun the lost task itself; with no failures allowed it gives up on it
    # (KilledWorker), so only the dispatcher can finish the plan: it sees the task fail and
    # releases the plan's lease, so the next claim takes it again. The lease is far longer
    # than the wait: its running out cannot be what finishes the plan, however busy the
    # machine (a short lease made this test fail there, taken again by too many claims).
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        )  # fmt: skip
    client = Client(cluster, set_as_default=False)
    client.run(importlib.import_module, "api.dask_jobs")  # the claim's lease need not cover it
    jobs = dataclasses.replace(settings.jobs, runner="dask", lease_seconds=3600.0)
    try:
        with open_infrastructure(settings) as opened:
            runner = DaskJobRunner(
                opened.uow,
                SlowPlanner(SolverPlanner(planner_settings(settings.solver)), seconds=2.0),
                dataclasses.replace(jobs, dask_scheduler=cluster.scheduler_address),
                settings.database.url,
            )
            runner.start()
            try:
                queued = plans.request_plan(opened.uow(), runner, access.CLI, AREA, WEEK)

                def solving() -> str | None:
                    plan = plans.get_plan(opened.reader(), access.CLI, queued.id)
                    if plan.status != "running" or not plan.progress:
                        return None
                    busy = [w for w, keys in client.processing().items() if keys]
                    return busy[0] if busy else None

                address = wait_for(solving, timeout=STATE_WAIT)
                pid = client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)

                def ended() -> PlanRecord | None:
                    plan = plans.get_plan(opened.reader(), access.CLI, queued.id)
                    return plan if plan.status in DONE else None

                done: PlanRecord = wait_for(ended, timeout=STATE_WAIT)
            finally:
                runner.stop()
    finally:
        client.close()
        cluster.close()
    assert outcome(done) == reference
    assert done.attempts == 2 == len(workers(settings, done))  # the killed run, the rerun


@pytest.mark.slow
@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_a_cancel_stops_a_plan_and_the_parts_running_on_the_cluster(settings: Settings) -> None:
    world = generate_world(500, 200, 3, 3)  # a small part, and one that takes its whole share
    assert len(solver.components(solver.analyse(build_scenario(world)))) > 1
    budget = 3600.0  # an hour: only the cancel can end the plan and its parts in the wait
    long_solves = dataclasses.replace(
        settings.solver, time_limit_seconds=budget, deterministic=False
    )
    # A cluster of its own, so that what still runs on it is the plan's alone.
    cluster = LocalCluster(
        n_workers=1, processes=True, threads_per_worker=3, dashboard_address=":0"
    )  # fmt: skip
    client = Client(cluster, set_as_default=False)
    client.run(importlib.import_module, "api.dask_jobs")
    jobs = dataclasses.replace(
        settings.jobs, runner="dask", dask_scheduler=cluster.scheduler_address
    )
    try:
        with open_infrastructure(settings) as opened:
            weeks.import_scenario(opened.uow(), access.CLI, AREA, WEEK, world)
            planner = SolverPlanner(planner_settings(long_solves))
            runner = DaskJobRunner(opened.uow, planner, jobs, settings.database.url)
            runner.start()
            try:
                queued = plans.request_plan(opened.uow(), runner, access.CLI, AREA, WEEK)

                def parts_running() -> bool:
                    keys = [k for ks in client.processing().values() for k in ks]
                    return any(f"solve-{queued.id}-" in k and "-part-" in k for k in keys)

                def searching() -> bool:  # a part has reported a plan: it is searching
                    plan = plans.get_plan(opened.reader(), access.CLI, queued.id)
                    return parts_running() and bool(plan.progress)

                wait_for(searching, timeout=STATE_WAIT)
                plans.cancel_plan(opened.uow(), access.CLI, queued.id)

                def ended() -> PlanRecord | None:
                    plan = plans.get_plan(opened.reader(), access.CLI, queued.id)
                    return plan if plan.status in DONE else None

                done: PlanRecord = wait_for(ended, timeout=STATE_WAIT)

                def parts_executing() -> list[str]:  # cancelled by Dask or not, still running
                    keys = client.run(
                        lambda dask_worker: [str(t.key) for t in dask_worker.state.executing]
                    )
                    return [k for ks in keys.values() for k in ks if "-part-" in k]

                # the running parts saw the stop: none runs on to the end of an hour's share
                wait_for(lambda: not parts_executing(), timeout=STATE_WAIT)
            finally:
                runner.stop()
    finally:
        client.close()
        cluster.close()
    assert (done.status, done.error) == ("error", CANCELLED)
