"""Running plans, for whatever job runner drives them: claim a queued plan, solve it with a
Planner while heartbeating progress into its row, check the result against the contract, and
finish or fail it.

The database is the durable record: a worker that dies leaves its plan `running` with a lease
that runs out, and the next claim takes it again. Cancellation is asked for in the row and
honoured at the next heartbeat (the progress callback raises), or at the end of the solve.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mutualaid.errors import ScenarioError
from mutualaid.messages import msg
from mutualaid.services.access import SYSTEM
from mutualaid.services.ports import (
    Json,
    LeaseLost,
    Planner,
    PlanRecord,
    UnitOfWork,
)
from mutualaid.validation import validate

UowFactory = Callable[[], UnitOfWork]


class PlanCancelled(Exception):
    """Raised inside the solve (from its progress callback) when the plan was cancelled."""


class WorkerStopping(Exception):
    """Raised inside the solve when the runner shuts down; the plan stays `running` and is
    taken again once its lease runs out."""


@dataclass(frozen=True)
class RunOptions:
    worker: str
    """This worker's name, written into the plans it holds."""
    lease_seconds: float = 60.0
    """How long a claim holds without a heartbeat; the solve's budget is added to it."""
    heartbeat_seconds: float = 1.0
    """Progress is written at most this often."""
    stopping: Callable[[], bool] = field(default=lambda: False)
    """True when the runner shuts down (checked at each progress report)."""
    map_parts: Callable[..., Iterator[tuple[int, Any] | None]] | None = None
    """Handed to the planner, to solve a week's independent parts elsewhere (see Planner); it
    should tick about every `heartbeat_seconds`, so that a long part does not hold up the
    heartbeat, or a cancel."""


def claim_plan(uow: UnitOfWork, options: RunOptions) -> PlanRecord | None:
    """The oldest queued plan (or a running one whose worker died), now this worker's."""
    with uow:
        plan = uow.plans.claim(options.worker, options.lease_seconds)
        if plan is not None:
            uow.audit.record(
                SYSTEM.id, "plan.start", f"plan {plan.id}", plan.area,
                {"worker": options.worker, "attempt": plan.attempts},
            )  # fmt: skip
        uow.commit()
    return plan


def run_next_plan(new_uow: UowFactory, planner: Planner, options: RunOptions) -> PlanRecord | None:
    """Claim one plan and run it; None when nothing waits."""
    plan = claim_plan(new_uow(), options)
    if plan is None:
        return None
    return run_plan(new_uow, planner, plan, options)


def run_plan(
    new_uow: UowFactory, planner: Planner, plan: PlanRecord, options: RunOptions
) -> PlanRecord:
    """Solve a claimed plan and store the outcome; returns the plan as it ends (or as it
    stands when another worker took it over or this one is stopping)."""
    worker = options.worker
    try:
        with new_uow() as uow:
            scenario = uow.weeks.load_scenario(plan.area, plan.week_start)
            basis = uow.weeks.basis(plan.area, plan.week_start)
    except ScenarioError as exc:
        problems = "; ".join(p.render() for p in exc.problems[:10])
        return _fail(new_uow, plan, worker, msg("plan_scenario_invalid", problems=problems))
    lease = options.lease_seconds + planner.budget(scenario)
    latest: list[Json | None] = [None]
    last_written = [float("-inf")]

    def beat() -> PlanRecord:
        """Extend the lease and write the latest progress; the row says whether to stop."""
        began = time.monotonic()  # timed from its start, so that reports coming every
        # heartbeat_seconds (a map's ticks) each write, however long a write takes
        with new_uow() as uow:
            record = uow.plans.heartbeat(plan.id, worker, lease, latest[0])
            uow.commit()
        if latest[0] is not None:
            last_written[0] = began
        return record

    def progress(figures: Json) -> None:
        if options.stopping():
            raise WorkerStopping
        latest[0] = dict(figures)
        due = time.monotonic() - last_written[0] >= options.heartbeat_seconds
        if due and beat().cancel_requested:
            raise PlanCancelled

    try:
        if beat().cancel_requested:
            raise PlanCancelled
        if options.map_parts is None:
            result = planner.plan(scenario, progress)
        else:
            result = planner.plan(scenario, progress, options.map_parts)
        if beat().cancel_requested:  # the last figures, and a cancel that came meanwhile
            raise PlanCancelled
    except PlanCancelled:
        return _fail(new_uow, plan, worker, msg("plan_cancelled"))
    except (LeaseLost, WorkerStopping):
        with new_uow() as uow:
            return uow.plans.get(plan.id)
    except Exception as exc:  # a solver crash fails its plan, never the runner
        return _fail(new_uow, plan, worker, msg("plan_solver_failed", error=repr(exc)))
    if result.get("status") != "error":
        result["basis"] = basis  # what its bound rests on (see `WeekRepository.basis`)
        report = validate(scenario, result)
        if not report.ok:  # the safety net: a plan that breaks a hard rule is never stored
            violations = "; ".join(report.violations[:10])
            return _fail(new_uow, plan, worker, msg("plan_safety_net", violations=violations))
    try:
        with new_uow() as uow:
            done = uow.plans.finish(plan.id, result, worker)
            detail = {"status": done.status, "objective": result.get("objective")}
            uow.audit.record(SYSTEM.id, "plan.finish", f"plan {plan.id}", plan.area, detail)
            uow.commit()
    except LeaseLost:
        with new_uow() as uow:
            return uow.plans.get(plan.id)
    return done


def _fail(new_uow: UowFactory, plan: PlanRecord, worker: str, error: str) -> PlanRecord:
    try:
        with new_uow() as uow:
            failed = uow.plans.fail(plan.id, error, worker)
            uow.audit.record(SYSTEM.id, "plan.fail", f"plan {plan.id}", plan.area, {"error": error})
            uow.commit()
    except LeaseLost:
        with new_uow() as uow:
            return uow.plans.get(plan.id)
    return failed
