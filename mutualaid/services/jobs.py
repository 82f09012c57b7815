"""Running plans, for whatever job runner drives them: claim a queued plan, solve it with a
Planner while heartbeating progress into its row, check the result against the contract, and
finish or fail it.

The database is the durable record: a worker that dies leaves its plan `running` with a lease
that runs out, and the next claim takes it again. A heartbeat thread extends the lease every
`heartbeat_seconds` whatever the solver is doing, so a live solve never loses its plan.
Cancellation is asked for in the row and honoured at the next heartbeat: the solve is told to
stop (`stop()`, polled while CP-SAT searches) and its progress callback raises.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from mutualaid.contract import plan_json
from mutualaid.contract.plan_json import objective_json
from mutualaid.domain.lifecycle import CANCELLED
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan, Reason, SolveProgress, reason
from mutualaid.errors import ScenarioError
from mutualaid.messages import say
from mutualaid.services.access import SYSTEM
from mutualaid.services.built import built_week
from mutualaid.services.checks_lease import CHECKS_LEASE_SECONDS, ChecksLease, checks_owner
from mutualaid.services.fairness import with_prior
from mutualaid.services.marked import marked_of, pinned, solver_unkept
from mutualaid.services.marked_apart import grown_unkept, held_apart, kept_apart, week_without_pins
from mutualaid.services.ports import (
    LeaseLost,
    Planner,
    PlanRecord,
    UnitOfWork,
)
from mutualaid.services.suggest_ports import SuggestionChecker
from mutualaid.validation import Violation, validate

UowFactory = Callable[[], UnitOfWork]
log = logging.getLogger(__name__)


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
    """How long a claim holds without a heartbeat."""
    heartbeat_seconds: float = 1.0
    """How often the heartbeat thread extends the lease, writes the latest progress and
    looks for a cancel; progress is also written as it comes, at most this often."""
    stopping: Callable[[], bool] = field(default=lambda: False)
    """True when the runner shuts down (checked at each heartbeat and progress report)."""
    rescore: Callable[[Scenario, Plan], Plan] | None = None
    """The Repairer's `rescore`: with it, a marked visit whose task grew and that no one can
    join is kept apart from a plan that lists its task unserved (`marked_apart`); without
    it, that plan ends in error naming the visit."""
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


def release_plan(uow: UnitOfWork, plan_id: str, worker: str) -> None:
    """`worker`'s run of the plan died (the runner saw its task fail): its lease ends now,
    so the plan is taken again at the next claim (or ends, if it was cancelled meanwhile)."""
    with uow:
        uow.plans.release(plan_id, worker)
        uow.commit()


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
    since = time.time()  # the budget covers loading too
    try:
        with new_uow() as uow:
            built, _ = built_week(uow, plan.id, plan.area, plan.week_start)
            scenario, basis = built.scenario, built.basis
        scenario = with_prior(new_uow(), plan.area, plan.week_start, scenario)
        marked = marked_of(new_uow(), plan.area, plan.week_start)
        unpinned = scenario
        scenario, unkept = pinned(scenario, marked)
    except ScenarioError as exc:
        problems = "; ".join(p.render() for p in exc.problems[:10])
        return _fail(new_uow, plan, worker, reason("plan_scenario_invalid", problems=problems))
    if unkept is not None:  # no plan made could be published
        return _fail(new_uow, plan, worker, unkept)
    heart = Heartbeat(new_uow, plan, options)

    def progress(figures: SolveProgress) -> None:
        heart.offer(figures)
        if time.monotonic() - heart.last_written >= options.heartbeat_seconds:
            heart.beat()
        heart.raise_if_told()

    try:
        heart.beat()
        heart.raise_if_told()

        def solve(week: Scenario) -> Plan:
            if options.map_parts is None:
                return planner.plan(week, progress, stop=heart.told, since=since)
            return planner.plan(week, progress, options.map_parts, stop=heart.told, since=since)

        with heart.running():
            result = solve(scenario)
            apart = grown_unkept(result.unkept_pins, marked, scenario)
            if result.status == "error" and apart and options.rescore is not None:
                second = solve(held_apart(scenario, apart))
                if second.rest is not None:  # its suggestions are for a week left unstored
                    second.rest.close()
                if second.status != "error":  # else the first solve's error stands
                    week = week_without_pins(scenario, unpinned, apart)
                    rescored = options.rescore(week, replace(second, rest=None))
                    result, scenario = kept_apart(rescored, week, apart), week
        heart.beat()  # the last figures, and a cancel that came meanwhile
        heart.raise_if_told()
    except Exception as exc:
        try:
            heart.raise_if_told()  # a solve that stopped because it was told to
        except PlanCancelled:
            return _fail(new_uow, plan, worker, CANCELLED)
        except (LeaseLost, WorkerStopping):
            with new_uow() as uow:
                return uow.plans.get(plan.id)
        if isinstance(exc, LeaseLost):
            with new_uow() as uow:
                return uow.plans.get(plan.id)
        # a solver crash fails its plan, never the runner
        return _fail(new_uow, plan, worker, reason("plan_solver_failed", error=repr(exc)))
    rest, result = result.rest, replace(result, rest=None)
    owner = checks_owner(worker)
    try:
        unkept = (
            solver_unkept(result.unkept_pins, marked, scenario)
            if result.status == "error"
            else None
        )
        if unkept is not None:  # a marked visit's pin, said as the marked visit it is
            return _fail(new_uow, plan, worker, unkept)
        if result.status != "error":
            result.extra["basis"] = basis.to_json()  # what its bound rests on
            report = validate(scenario, plan_json.dump(result, scenario))
            if not report.ok:  # the safety net: a plan that breaks a hard rule is never stored
                return _fail(new_uow, plan, worker, safety_net(report.violations))
        try:
            with new_uow() as uow:
                done = uow.plans.finish(plan.id, result, worker)
                if rest is not None:  # its checks are this run's from now
                    uow.plans.hold_checks(plan.id, owner, CHECKS_LEASE_SECONDS)
                objective = None if result.objective is None else objective_json(result.objective)
                detail = {"status": done.status, "objective": objective}
                uow.audit.record(SYSTEM.id, "plan.finish", f"plan {plan.id}", plan.area, detail)
                uow.commit()
        except LeaseLost:
            with new_uow() as uow:
                return uow.plans.get(plan.id)
        if rest is not None:
            _suggest_rest(new_uow, plan, rest, options, owner=owner)
            with new_uow() as uow:
                return uow.plans.get(plan.id)
        return done
    finally:
        if rest is not None:
            rest.close()  # the checks still under way end with the run


def _suggest_rest(
    new_uow: UowFactory, plan: PlanRecord, rest: Generator[Plan, None, None],
    options: RunOptions, marks_kept: bool = False, owner: str = "",
) -> None:  # fmt: skip
    """The finished plan's suggestions written again as the checks that were still under
    way when it finished end (the plan says which tasks still wait), until every one has.
    Cut short (the runner stops, a check or the store fails, a newer plan of the week is
    published: its checks would be wasted), the plan keeps what was checked and no task
    stays marked as being checked: nothing would ever end those marks. With `marks_kept`,
    a stop (`options.stopping`) leaves them, for the next start to check again. Checked
    under `owner`'s lease (checks_lease): when another holds it, or takes it meanwhile
    (this one's ran out), the checks are that holder's, and its marks too."""
    plan_id, last, unmark = plan.id, None, True
    lease = ChecksLease(
        new_uow, plan_id, owner or checks_owner(options.worker), seconds=CHECKS_LEASE_SECONDS
    )
    try:
        if not lease.take():
            log.info("plan %s: its suggestions are checked by another process", plan_id)
            return
        with lease.renewing():
            for more in rest:
                if lease.lost.is_set() or options.stopping():
                    unmark = not (lease.lost.is_set() or marks_kept)
                    break
                with new_uow() as uow:
                    if superseded(uow, plan):
                        log.info("plan %s: a newer plan is published, its checks stop", plan_id)
                        break
                    uow.plans.suggested(plan_id, more)
                    uow.commit()
                last = more
            else:
                unmark = False
    except Exception:  # the plan is finished and kept: only its later suggestions are lost
        log.exception("plan %s: suggestions checked after it finished not stored", plan_id)
    if unmark:
        _unmark(new_uow, plan_id, last)
    if not lease.lost.is_set():
        lease.end()  # a stop that keeps the marks: the next start takes them at once


def check_suggestions(
    uow: UnitOfWork, checker: object, scenario: Scenario, plan: PlanRecord
) -> threading.Thread | None:
    """After a repair (a decline's, an absence's, a new request's insert) is stored and
    published: its unserved tasks marked as being checked at once, then their suggestions
    checked on a thread of this process and written in as they end, as a solve's are by its
    runner (`_suggest_rest`: cut short by a newer published plan, marks ended). The repair
    is made for a changed week and scored afresh, so the parent's suggestions are not taken
    over unchecked: each is checked again against the repair. The thread, or None when
    `checker` checks none (not a SuggestionChecker, suggestions off, nothing unserved)."""
    result = plan.result
    if not isinstance(checker, SuggestionChecker) or result is None or plan.published_at is None:
        return None
    rest = checker.suggestion_checks(scenario, result)
    if rest is None:
        return None
    new_uow, owner = uow.again, checks_owner(f"suggestions-{plan.id}")
    try:
        with new_uow() as marking:
            marking.plans.suggested(plan.id, replace(result, unserved=[
                replace(u, checking=True) for u in result.unserved]))  # fmt: skip
            marking.plans.hold_checks(plan.id, owner, CHECKS_LEASE_SECONDS)
            marking.commit()
    except Exception:  # the repair stands; its suggestions are only later, or lost
        log.exception("plan %s: its suggestions could not be marked as being checked", plan.id)
    thread = threading.Thread(target=check_rest, args=(new_uow, plan, rest, None, owner),
                              name=f"suggestions-{plan.id}", daemon=True)  # fmt: skip
    thread.start()
    return thread


def check_rest(
    new_uow: UowFactory, plan: PlanRecord, rest: Generator[Plan, None, None],
    stopping: Callable[[], bool] | None = None, owner: str = "",
) -> None:  # fmt: skip
    """The rest of a finished plan's checks on a thread of their own (`_suggest_rest`),
    under `owner`'s lease; with `stopping`, a stop keeps the marks for the next start."""
    try:
        name = f"suggestions-{plan.id}"
        options = RunOptions(name) if stopping is None else RunOptions(name, stopping=stopping)
        _suggest_rest(new_uow, plan, rest, options, marks_kept=stopping is not None, owner=owner)
    finally:
        rest.close()


def superseded(uow: UnitOfWork, plan: PlanRecord) -> bool:
    """Whether a newer plan of `plan`'s week (made after it, or a repair of it) is published:
    no one will look at `plan`'s suggestions any more."""
    published = uow.plans.published(plan.area, plan.week_start)
    if published is None or published.id == plan.id:
        return False
    return published.parent_id == plan.id or published.created_at > plan.created_at


def _unmark(new_uow: UowFactory, plan_id: str, last: Plan | None) -> None:
    """The plan's suggestions as `last` has them (or as stored), none marked as being
    checked any more."""
    try:
        with new_uow() as uow:
            if last is None:
                stored = uow.plans.get(plan_id).result
                if stored is None:
                    return
                last = stored
            uow.plans.suggested(plan_id, replace(last, unserved=[
                replace(u, checking=False) for u in last.unserved]))  # fmt: skip
            uow.commit()
    except Exception:
        log.exception("plan %s: its suggestions still say they are being checked", plan_id)


class Heartbeat:
    """A running plan's heartbeat: `beat` extends the lease and writes the best progress so
    far; `running` beats every `heartbeat_seconds` on a thread of its own meanwhile, so that
    no lease runs out while its solve is alive, however long the solver goes without a word.
    A beat that finds the plan cancelled, taken by another worker, or the runner stopping
    sets `told`, which the solve polls.

    Progress never goes backwards: figures are written only when they serve at least as much
    (lexicographically by priority) as those already in the row, which may be an earlier run's
    when the plan was taken again."""

    def __init__(self, new_uow: UowFactory, plan: PlanRecord, options: RunOptions) -> None:
        self.new_uow, self.plan, self.options = new_uow, plan, options
        self.lease = options.lease_seconds
        self.last_written = float("-inf")
        self._best: SolveProgress | None = plan.progress
        self._latest: SolveProgress | None = None
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        self._told: type[Exception] | None = None

    def offer(self, figures: SolveProgress) -> None:
        """The solve's latest figures (written at the next beat unless worse than the best)."""
        with self._lock:
            if self._best is None or figures.served_key() >= self._best.served_key():
                self._latest = self._best = figures

    def told(self) -> bool:
        """Whether the solve should stop now."""
        return self._told is not None or self.options.stopping()

    def raise_if_told(self) -> None:
        if self.options.stopping():
            raise WorkerStopping
        if self._told is not None:
            raise self._told

    def beat(self) -> None:
        with self._writing:  # one write at a time; the solver's reports only wait for `_lock`
            began = time.monotonic()  # from its start, so that reports coming every
            # heartbeat_seconds (a map's ticks) each write, however long a write takes
            with self._lock:
                figures, self._latest = self._latest, None
            try:
                with self.new_uow() as uow:
                    record = uow.plans.heartbeat(self.plan.id, self.options.worker, self.lease,
                                                 figures)  # fmt: skip
                    uow.commit()
            except LeaseLost:
                self._told = LeaseLost
                return
            except Exception:
                with self._lock:  # written at the next beat, unless newer figures came
                    self._latest = self._latest or figures
                raise
            self.last_written = began
            if record.cancel_requested:
                self._told = PlanCancelled

    def running(self) -> _Beating:
        """A context in which a thread beats every `heartbeat_seconds`."""
        return _Beating(self)


class _Beating:
    def __init__(self, heart: Heartbeat) -> None:
        self.heart = heart
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="plan-heartbeat", daemon=True)

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()

    def _run(self) -> None:
        every = max(0.05, self.heart.options.heartbeat_seconds)
        while not self.done.wait(every):
            try:
                self.heart.beat()
            except Exception:  # the database went away for a moment: beat again later
                log.exception("heartbeat of plan %s failed", self.heart.plan.id)


def safety_net(violations: list[Violation]) -> Reason:
    """Why a plan that breaks the contract is not stored: its first ten breaches, as data."""
    return reason("plan_safety_net", violations=tuple(map(_said, violations[:10])))


def _said(v: Violation) -> Reason:
    """A validator's Violation (or a field of one) as a Reason: its task and volunteer
    among its fields, as `violation_text` words it."""
    fields: dict[str, object] = {"task": v.task, "volunteer": v.volunteer}
    for name, value in v.params.items():
        fields[name] = _said(value) if isinstance(value, Violation) else value
    return Reason(v.code, fields)


def _fail(new_uow: UowFactory, plan: PlanRecord, worker: str, error: Reason) -> PlanRecord:
    """End the plan in error; the audit log keeps the error as worded now."""
    try:
        with new_uow() as uow:
            failed = uow.plans.fail(plan.id, error, worker)
            detail = {"error": say(error)}
            uow.audit.record(SYSTEM.id, "plan.fail", f"plan {plan.id}", plan.area, detail)
            uow.commit()
    except LeaseLost:
        with new_uow() as uow:
            return uow.plans.get(plan.id)
    return failed
