"""At a server's start: the finished plans a killed process left marked as being checked
(a solve's runner, a repair's thread), which nothing else would end, checked again — once,
however many servers start (each plan's checks under a lease, checks_lease) — or unmarked."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import replace

import pendulum

from mutualaid.domain.lifecycle import same_or_narrower
from mutualaid.domain.plan import Plan
from mutualaid.errors import ScenarioError
from mutualaid.services.built import built_week
from mutualaid.services.checks_lease import CHECKS_LEASE_SECONDS, checks_owner
from mutualaid.services.jobs import UowFactory, check_rest, superseded
from mutualaid.services.ports import PlanRecord, UnitOfWork
from mutualaid.services.suggest_ports import SuggestionChecker

log = logging.getLogger(__name__)


def unmark_abandoned(
    new_uow: UowFactory, checker: object = None, stopping: Callable[[], bool] = lambda: False,
    lease_seconds: float = CHECKS_LEASE_SECONDS,
) -> list[threading.Thread]:  # fmt: skip
    """The plans whose tasks are marked as being checked and whose checks no live lease
    holds. Each that a coordinator may still look at (its week's published plan or a draft
    no newer published plan supersedes, on the week it was made for or narrower) is checked
    again by `checker` on a thread, as `check_suggestions` does after a repair: its unserved
    tasks marked meanwhile, in the same transaction that ends the others' marks and takes
    its lease, so that no reader sees it without suggestions and not being checked and no
    other server checks it too. Any other (superseded, its week changed, suggestions off) is
    unmarked, its checked suggestions kept. Plans still held by a lease (another server
    checks them, or a killed one's has not run out) are taken when it runs out, by a sweep
    on a thread of its own. The threads (the list grows as the sweep starts more); each
    stops at `stopping()`, leaving its marks for the next start."""
    owner = checks_owner("start")
    threads: list[threading.Thread] = []
    _take_abandoned(new_uow, checker, stopping, owner, lease_seconds, threads)
    with new_uow() as uow:
        held = uow.plans.next_checks_free(owner)
    if held is not None:
        sweep = threading.Thread(
            target=_sweep, args=(new_uow, checker, stopping, owner, lease_seconds, threads),
            name="suggestions-sweep", daemon=True,
        )  # fmt: skip
        sweep.start()
        threads.append(sweep)
    return threads


def _take_abandoned(
    new_uow: UowFactory, checker: object, stopping: Callable[[], bool], owner: str,
    lease_seconds: float, threads: list[threading.Thread],
) -> None:  # fmt: skip
    again: list[tuple[PlanRecord, Generator[Plan, None, None]]] = []
    with new_uow() as uow:
        ended = uow.plans.unmark_checking(owner, lease_seconds)
        for plan_id in ended:
            rest = _checks_again(uow, checker, uow.plans.get(plan_id))
            if rest is None:
                uow.plans.end_checks(plan_id, owner)
                continue
            plan, _ = rest
            assert plan.result is not None
            uow.plans.suggested(plan.id, replace(plan.result, unserved=[
                replace(u, checking=True) for u in plan.result.unserved]))  # fmt: skip
            again.append(rest)
        uow.commit()
    if ended:
        log.warning("suggestions no longer being checked (a process died): plans %s; "
                    "checked again: %s", ended, [p.id for p, _ in again])  # fmt: skip
    for plan, checks in again:
        thread = threading.Thread(
            target=check_rest, args=(new_uow, plan, checks, stopping, owner),
            name=f"suggestions-{plan.id}", daemon=True,
        )  # fmt: skip
        thread.start()
        threads.append(thread)


def _sweep(
    new_uow: UowFactory, checker: object, stopping: Callable[[], bool], owner: str,
    lease_seconds: float, threads: list[threading.Thread],
) -> None:  # fmt: skip
    """Until no marked plan is held: wait for the first lease to run out, then take what is
    abandoned (a lease renewed meanwhile is left to its holder)."""
    while not stopping():
        try:
            with new_uow() as uow:
                when = uow.plans.next_checks_free(owner)
            if when is None:
                return
            until = time.monotonic() + max(0.0, (when - pendulum.now("UTC")).total_seconds())
            while time.monotonic() < until + 0.05:
                if stopping():
                    return
                time.sleep(min(0.25, max(0.0, until + 0.05 - time.monotonic())))
            _take_abandoned(new_uow, checker, stopping, owner, lease_seconds, threads)
        except Exception:  # the store went away for a moment: look again later
            log.exception("the sweep of abandoned suggestion checks failed")
            time.sleep(1.0)


def _checks_again(
    uow: UnitOfWork, checker: object, plan: PlanRecord
) -> tuple[PlanRecord, Generator[Plan, None, None]] | None:
    """The checks of `plan`'s suggestions made again, when a coordinator may still look at
    it (not superseded by a newer published plan: its week's published plan, or a draft) and
    its week is the one it was made for (or narrower); else None."""
    if not isinstance(checker, SuggestionChecker) or plan.result is None:
        return None
    if superseded(uow, plan):
        return None
    published = uow.plans.published(plan.area, plan.week_start)
    if plan.published_at is not None and (published is None or published.id != plan.id):
        return None  # an earlier published plan of its week
    try:
        built, _ = built_week(uow, plan.id, plan.area, plan.week_start)
    except ScenarioError:
        return None
    if not same_or_narrower(plan.result.extra.get("basis"), built.basis):
        return None
    checks = checker.suggestion_checks(built.scenario, plan.result)
    return None if checks is None else (plan, checks)
