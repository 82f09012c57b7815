"""Who can take a new request? Options against the week's published plan (`recommend_task`),
and the chosen one applied (`apply_recommendation`): the task stored, the published plan
changed only as the option says, checked by the validator and published, as a decline's repair
is (the same lock, the same compare and swap on the published plan, an audit entry, and an
Idempotency-Key)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pendulum

from mutualaid.contract import plan_json
from mutualaid.contract.data import Json
from mutualaid.domain.facts import Fact
from mutualaid.domain.lifecycle import PlanRequest
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan, Reason
from mutualaid.domain.recommendation import Option
from mutualaid.domain.tasks import SentTask
from mutualaid.errors import Problem
from mutualaid.messages import msg, violation_text
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.jobs import check_suggestions
from mutualaid.services.marked_apart import carry_kept, kept_busy
from mutualaid.services.notices import before_change, note_changes
from mutualaid.services.ports import (
    ConflictError,
    IdempotencyKeyReused,
    InvalidRequest,
    PreparedTasks,
    UnitOfWork,
)
from mutualaid.services.repair_chain import REPAIR_ATTEMPTS, REPAIRS, still_current
from mutualaid.services.weeks import request_hash
from mutualaid.validation import validate


class Recommender(Protocol):
    """Changes a published plan for a new request or an absence, without solving the week."""

    def recommend(self, scenario: Scenario, published: Plan, task: str) -> list[Option]:
        """The best options for serving `task` (in `scenario`, not in `published`), best
        first (the contract's objective order, then fewest changes)."""
        ...

    def why_not(self, scenario: Scenario, task: str) -> tuple[str, Reason] | None:
        """The reason (code, its sentence as data) nobody can serve the task on their own,
        if any."""
        ...

    def insert(self, scenario: Scenario, published: Plan, option: Option) -> Plan:
        """The published plan with the option applied, scored against `scenario`."""
        ...

    def repair_all(
        self, scenario: Scenario, published: Plan, tasks: Collection[str]
    ) -> tuple[Plan, int]:
        """The published plan with these tasks re-planned in one minimal-change repair (the
        most served again, then the fewest changed pairs); with the pairs it changed."""
        ...


@dataclass(frozen=True)
class Recommendations:
    task: str
    plan_id: str
    """The published plan the options change."""
    scenario: Scenario
    """The week with the request in it (the options' minutes are of its week)."""
    options: list[Option]
    reason: tuple[str, Reason] | None = None
    """When there is no option and nobody could serve it on their own: why."""


@dataclass(frozen=True)
class Applied:
    plan_id: str
    status: str
    published: bool
    option: Json
    """The option applied, as the recommendation answered it (replayed as it was)."""
    changed: int
    replayed: bool = False


def _replayed(response: Fact) -> Applied:
    """What the first request answered (as `_store` saved it), replayed."""
    assert isinstance(response, Mapping)
    option = response["option"]
    assert isinstance(option, Mapping)
    return Applied(
        str(response["plan_id"]), str(response["status"]), bool(response["published"]),
        dict(option), int(str(response["changed"])), replayed=True,
    )  # fmt: skip


@dataclass(frozen=True)
class _Request:
    where: str
    week: pendulum.Date
    task: str
    """The new task's id."""
    plan_id: str
    scenario: Scenario
    published: Plan
    prepared: PreparedTasks
    version: str
    """The week's version the scenario was read at (`WeekRepository.version`)."""


def recommend_task(
    uow: UnitOfWork, recommender: Recommender, actor: Actor, area: str | None,
    week_start: str, task: SentTask,
) -> Recommendations:  # fmt: skip
    """The best options for a request not yet in the week (nothing is stored)."""
    r = _read(uow, actor, area, week_start, task)
    options = recommender.recommend(r.scenario, r.published, r.task)
    reason = None if options else recommender.why_not(r.scenario, r.task)
    return Recommendations(r.task, r.plan_id, r.scenario, options, reason)


def apply_recommendation(
    uow: UnitOfWork, recommender: Recommender, actor: Actor, area: str | None,
    week_start: str, option_id: str, task: SentTask, idempotency_key: str | None = None,
    render: Any = None,
) -> Applied:  # fmt: skip
    """Store the request and publish the published plan changed as option `option_id` of
    its recommendations says. The options are made again on the plan published now: when it
    no longer offers this one (the week changed), ConflictError (ask again). `render(option,
    scenario)` words the option for the answer (kept for a replay)."""
    where, week = actor.area(area), parse_week(week_start)
    scope = f"POST recommendation {where}/{week.isoformat()}"
    digest = request_hash({"task": task.value, "option": option_id})
    if (replay := _replay(uow, scope, idempotency_key, digest)) is not None:
        return replay
    with REPAIRS.of(where, week):
        for _ in range(REPAIR_ATTEMPTS):
            try:
                r = _read(uow, actor, area, week_start, task)
            except ConflictError:  # the task is in the week: by this very key meanwhile?
                if (replay := _replay(uow, scope, idempotency_key, digest)) is not None:
                    return replay  # a double click: the second waited for the first
                raise
            chosen = next(
                (o for o in recommender.recommend(r.scenario, r.published, r.task)
                 if o.id == option_id), None,
            )  # fmt: skip
            if chosen is None:
                raise ConflictError(msg("recommendation_gone", id=option_id, task=r.task))
            plan = recommender.insert(r.scenario, r.published, chosen)
            plan.extra["repair"] = {**plan.extra.get("repair", {}), "parent": r.plan_id,
                                   "cause": "recommendation"}  # fmt: skip
            carry_kept(plan, r.published)  # a marked visit kept apart stays so
            report = validate(r.scenario, plan_json.dump(plan, r.scenario))
            if not report.ok:  # the safety net: nothing is stored
                shown = "; ".join(map(violation_text, report.violations[:10]))
                raise ConflictError(msg("plan_safety_net", violations=shown))
            option = render(chosen, r.scenario) if render is not None else {"id": chosen.id}
            done = _store(uow, actor, r, plan, chosen, option, scope, idempotency_key, digest)
            if done is not None:
                if done.published:  # its suggestions, checked after
                    with uow.reading() as reader:
                        record = reader.plans.get(done.plan_id)
                    check_suggestions(uow, recommender, r.scenario, record)
                return done
    raise ConflictError(msg("recommendation_contended", id=option_id))


def _replay(uow: UnitOfWork, scope: str, key: str | None, digest: str) -> Applied | None:
    """The answer stored under `key`, when this request was applied before."""
    if key is None:
        return None
    with uow.reading() as reader:
        stored = reader.idempotency.lookup(scope, key, digest)
    return None if stored is None else _replayed(stored.response)


def _store(
    uow: UnitOfWork, actor: Actor, r: _Request, result: Plan, chosen: Option, option: Json,
    scope: str, key: str | None, digest: str,
) -> Applied | None:  # fmt: skip
    """The task and the changed plan stored and published in one transaction, if the plan it
    changes is still the published one (else None: made again on the newer)."""
    with uow:
        uow.weeks.lock(r.where, r.week)
        if key is not None and (stored := uow.idempotency.lookup(scope, key, digest)):
            return _replayed(stored.response)
        if not still_current(uow, (r.where, r.week), r.plan_id, r.version):
            return None  # published or written meanwhile: made again on the week now
        uow.weeks.store_task(r.where, r.week, r.prepared)
        result.extra["basis"] = uow.weeks.basis(r.where, r.week).to_json()
        plan = uow.plans.create(
            r.where, r.week, kind="repair", parent_id=r.plan_id,
            request=PlanRequest(actor.id),
        )  # fmt: skip
        uow.plans.finish(plan.id, result)
        before = before_change(uow, r.where, r.week)
        plan = uow.plans.publish(plan.id)
        noticed = note_changes(uow, before, plan.id)
        changed = int(result.extra["repair"].get("changed", 0))
        detail: Json = {"task": chosen.assignment.task, "option": chosen.id,
                        "parent": r.plan_id, "changed": changed,
                        "notices": len(noticed)}  # fmt: skip
        uow.audit.record(actor.id, "recommendation.apply", f"plan {plan.id}", r.where, detail)
        answer = Applied(plan.id, plan.status, plan.published_at is not None, option, changed)
        if key is not None:
            try:
                uow.idempotency.save(scope, key, digest, 200, {
                    "plan_id": answer.plan_id, "status": answer.status,
                    "published": answer.published, "option": option, "changed": changed,
                })  # fmt: skip
            except IdempotencyKeyReused:
                return None  # stored meanwhile by the same key: looked up on the next round
        uow.commit()
    return answer


def _read(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str, sent: SentTask
) -> _Request:
    """The week with the request in it, and its published plan. InvalidRequest naming the
    field for a task that is not one (as storing it would say); ConflictError without a
    published plan, or for a task already in the week."""
    where, week = actor.area(area), parse_week(week_start)
    if not isinstance(sent.value, Mapping):
        got = type(sent.value).__name__
        raise InvalidRequest([Problem("task", msg("not_mapping", got=got))])
    ident = sent.id
    if not isinstance(ident, str) or not ident.strip():
        raise InvalidRequest([Problem("id", msg("recommend_needs_id"))])
    if sent.every:
        raise InvalidRequest([Problem("every", msg("recommend_no_series"))])
    with uow.reading() as reader:
        published = reader.plans.published(where, week)
        if published is None or published.result is None:
            raise ConflictError(msg("recommend_no_plan", week=week.isoformat()))
        if reader.weeks.tasks(where, week, {ident}):
            raise ConflictError(msg("recommend_task_exists", task=ident))
        prepared = reader.weeks.prepare_task(where, week, sent)
        version = reader.weeks.version(where, week)
    scenario = prepared.week  # the check built the week with the request in it
    assert scenario is not None, "prepare_task gives the week it built"
    scenario = kept_busy(scenario, published.result)  # a marked visit kept apart: its time
    return _Request(where, week, ident, published.id, scenario, published.result, prepared, version)
