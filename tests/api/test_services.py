"""The use cases on the real unit of work (SQLite and PostgreSQL): scope, audit, idempotency
and plans as jobs, with planners that solve, crash, break the contract or get cancelled."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from mutualaid.adapters.access import SqlIdempotency
from mutualaid.contract import plan_json
from mutualaid.contract.answers import TASK_ANSWERS
from mutualaid.contract.export import stored_task_json
from mutualaid.contract.plan_json import detail_text
from mutualaid.contract.written import written_json
from mutualaid.domain.lifecycle import CANCELLED
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan, SolveProgress
from mutualaid.domain.tasks import SentTask
from mutualaid.errors import ScenarioError
from mutualaid.services import access, plans, roster, volunteers, weeks
from mutualaid.services.access import Actor
from mutualaid.services.jobs import RunOptions, run_next_plan
from mutualaid.services.ports import (
    Forbidden,
    IdempotencyKeyReused,
    InvalidRequest,
    Planner,
    Progress,
)
from mutualaid.validation import validate
from solver.service import PlannerSettings, RepairSettings, SolverPlanner, SolverRepairer
from tests.adapters import world
from tests.adapters.conftest import FakeClock, UowFactory

WEEK = world.WEEK.isoformat()
ADMIN = Actor("tok-admin", "admin")
COORDINATOR = Actor("tok-coord", "coordinator", (world.AREA,))
STRANGER = Actor("tok-south", "coordinator", ("south",))
VOLUNTEER = Actor("tok-vol", "volunteer", (world.AREA,), "v-wang")


@pytest.fixture
def week(make_uow: UowFactory) -> str:
    weeks.import_scenario(make_uow(), ADMIN, world.AREA, WEEK, world.scenario())
    return WEEK


def _sent(tasks: list[Any]) -> list[SentTask]:
    """Tasks as the API sends them on (read from a body)."""
    return [SentTask(t) for t in tasks]


def test_a_coordinator_acts_only_in_its_areas_and_a_volunteer_only_for_themself() -> None:
    assert COORDINATOR.area(None) == world.AREA  # the token's only area
    with pytest.raises(Forbidden):
        STRANGER.area(world.AREA)
    with pytest.raises(InvalidRequest):
        ADMIN.area(None)  # an admin names the area
    with pytest.raises(Forbidden):
        VOLUNTEER.area(None)  # a volunteer manages nothing
    with pytest.raises(Forbidden):
        COORDINATOR.require_admin()
    VOLUNTEER.require_volunteer(world.AREA, "v-wang")
    COORDINATOR.require_volunteer(world.AREA, "v-wang")
    ADMIN.require_volunteer("anywhere", "anyone")
    with pytest.raises(Forbidden):
        VOLUNTEER.require_volunteer(world.AREA, "v-li")
    with pytest.raises(Forbidden):
        VOLUNTEER.require_volunteer("south", "v-wang")
    with pytest.raises(Forbidden):
        STRANGER.require_volunteer(world.AREA, "v-wang")


def test_every_change_is_audited_with_who_what_and_when(
    make_uow: UowFactory, clock: FakeClock, week: str
) -> None:
    site = {"id": "hall", "name": "礼堂", "location": {"lat": 34.78, "lon": 113.68}}
    roster.put_entity(make_uow(), COORDINATOR, "sites", None, "hall", site)
    tasks = [stored_task_json(t) for t in weeks.list_tasks(make_uow(), COORDINATOR, None, WEEK)]
    weeks.submit_tasks(make_uow(), COORDINATOR, None, WEEK, _sent(tasks[:2]))
    weeks.put_task(make_uow(), COORDINATOR, None, WEEK, tasks[2]["id"], SentTask(tasks[2]))
    weeks.delete_task(make_uow(), COORDINATOR, None, WEEK, tasks[0]["id"])
    roster.delete_entity(make_uow(), COORDINATOR, "sites", None, "hall")
    plan = plans.request_plan(make_uow(), None, COORDINATOR, None, WEEK)
    plans.cancel_plan(make_uow(), COORDINATOR, plan.id)
    entries = access.read_audit(make_uow(read_only=True), COORDINATOR)
    assert [(e.actor, e.action) for e in reversed(entries)] == [
        ("tok-admin", "scenario.import"),
        ("tok-coord", "site.create"),
        ("tok-coord", "tasks.submit"),
        ("tok-coord", "task.create"),
        ("tok-coord", "task.delete"),
        ("tok-coord", "site.delete"),
        ("tok-coord", "plan.request"),
        ("tok-coord", "plan.cancel"),
    ]
    assert {e.at for e in entries} == {clock.now}
    assert {e.area for e in entries} == {world.AREA}
    with pytest.raises(Forbidden):
        access.read_audit(make_uow(), STRANGER, world.AREA)


def test_a_batch_sent_twice_under_one_key_has_one_effect(make_uow: UowFactory, week: str) -> None:
    tasks = [stored_task_json(t) for t in weeks.list_tasks(make_uow(), ADMIN, world.AREA, WEEK)]
    first = weeks.submit_tasks(
        make_uow(), ADMIN, world.AREA, WEEK, _sent(tasks[:1]), "k-1", answers=TASK_ANSWERS
    )
    again = weeks.submit_tasks(
        make_uow(), ADMIN, world.AREA, WEEK, _sent(tasks[:1]), "k-1", answers=TASK_ANSWERS
    )
    assert (first.replayed, again.replayed) == (False, True)
    assert first.tasks == again.tasks
    with pytest.raises(IdempotencyKeyReused):
        weeks.submit_tasks(
            make_uow(), ADMIN, world.AREA, WEEK, _sent(tasks), "k-1", answers=TASK_ANSWERS
        )
    assert weeks.list_tasks(make_uow(), ADMIN, world.AREA, WEEK) == first.tasks
    # the same key is another request in another week
    other = world.NEXT_WEEK.isoformat()
    assert not weeks.submit_tasks(
        make_uow(), ADMIN, world.AREA, other, [], "k-1", answers=TASK_ANSWERS
    ).replayed
    actions = [e.action for e in access.read_audit(make_uow(), ADMIN, world.AREA)]
    assert actions.count("tasks.submit") == 2


def test_a_key_stored_meanwhile_by_a_concurrent_request_is_answered_from_it(
    make_uow: UowFactory, week: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = [stored_task_json(t) for t in weeks.list_tasks(make_uow(), ADMIN, world.AREA, WEEK)]
    first = weeks.submit_tasks(
        make_uow(), ADMIN, world.AREA, WEEK, _sent(tasks[:1]), "k-race", answers=TASK_ANSWERS
    )
    # our lookup ran before the concurrent request stored the key: save is what notices
    looked: list[str] = []
    real_lookup = SqlIdempotency.lookup

    def lookup_late(self: SqlIdempotency, scope: str, key: str, digest: str) -> Any:
        looked.append(key)
        return None if len(looked) == 1 else real_lookup(self, scope, key, digest)

    monkeypatch.setattr(SqlIdempotency, "lookup", lookup_late)
    again = weeks.submit_tasks(
        make_uow(), ADMIN, world.AREA, WEEK, _sent(tasks[:1]), "k-race", answers=TASK_ANSWERS
    )
    assert again.replayed and again.tasks == first.tasks and len(looked) == 2


def test_a_failed_request_loses_nothing(make_uow: UowFactory, week: str) -> None:
    before = weeks.export_scenario(make_uow(), ADMIN, world.AREA, WEEK)
    broken = [*written_json(before)["tasks"], {"id": "t-bad", "needs": []}]
    with pytest.raises(ScenarioError):
        weeks.submit_tasks(
            make_uow(), ADMIN, world.AREA, WEEK, _sent(broken), "k-bad", answers=TASK_ANSWERS
        )
    with pytest.raises(Forbidden):
        weeks.submit_tasks(
            make_uow(), STRANGER, world.AREA, WEEK, [], "k-bad", answers=TASK_ANSWERS
        )
    assert weeks.export_scenario(make_uow(), ADMIN, world.AREA, WEEK) == before
    # the key was not spent on the failure
    assert not weeks.submit_tasks(
        make_uow(), ADMIN, world.AREA, WEEK, [], "k-bad", answers=TASK_ANSWERS
    ).replayed


# --- plans as jobs --------------------------------------------------------------------------


class FakePlanner:
    """A planner that solves for real, then does what a test needs to the plan."""

    def __init__(self, *, calls: int = 0, on_progress: Any = None, change: Any = None) -> None:
        self.real = SolverPlanner(
            PlannerSettings(time_limit_seconds=2.0, workers=1, deterministic=True)
        )
        self.calls, self.on_progress, self.change = calls, on_progress, change

    def plan(
        self,
        scenario: Scenario,
        progress: Progress,
        map_parts: Any = None,
        stop: Any = None,
        since: float | None = None,
    ) -> Plan:
        for i in range(self.calls):
            if self.on_progress is not None:
                self.on_progress(i)
            progress(SolveProgress({"normal": i}, {"normal": 9}, i / 10))
        result = self.real.plan(scenario, progress, stop=stop)
        return self.change(result) if self.change else result


def _run(make_uow: UowFactory, planner: Any, **options: Any) -> Any:
    opts = RunOptions(worker="w-1", lease_seconds=30, heartbeat_seconds=0, **options)
    return run_next_plan(lambda: make_uow(), planner, opts)


@pytest.mark.slow
def test_a_queued_plan_is_solved_checked_and_stored_with_its_progress(
    make_uow: UowFactory, week: str
) -> None:
    plan = plans.request_plan(make_uow(), None, COORDINATOR, None, WEEK)
    assert _run(make_uow, FakePlanner()).id == plan.id
    done = plans.get_plan(make_uow(), COORDINATOR, plan.id)
    assert done.status in ("optimal", "feasible") and done.result is not None
    assert done.progress is not None and done.progress.bound
    with make_uow(read_only=True) as uow:
        scenario = uow.weeks.load_scenario(world.AREA, world.WEEK)
    assert validate(scenario, plan_json.dump(done.result, scenario)).ok
    assert _run(make_uow, FakePlanner()) is None  # nothing else waits
    repairer = SolverRepairer(RepairSettings(1.0))
    published = plans.publish_plan(make_uow(), repairer, COORDINATOR, plan.id)
    assert published.published_at is not None


def test_a_plan_that_breaks_the_contract_is_never_stored(make_uow: UowFactory, week: str) -> None:
    def drop_one(result: Plan) -> Plan:
        return dataclasses.replace(result, assignments=result.assignments[1:])

    plan = plans.request_plan(make_uow(), None, ADMIN, world.AREA, WEEK)
    failed = _run(make_uow, FakePlanner(change=drop_one))
    assert (failed.id, failed.status, failed.result) == (plan.id, "error", None)
    assert detail_text(failed.error or "").startswith("the solver's plan breaks the contract")


def test_a_solver_crash_fails_its_plan_not_the_runner(make_uow: UowFactory, week: str) -> None:
    def crash(result: Plan) -> Plan:
        raise RuntimeError("boom")

    plans.request_plan(make_uow(), None, ADMIN, world.AREA, WEEK)
    failed = _run(make_uow, FakePlanner(change=crash))
    assert failed.status == "error" and "boom" in detail_text(failed.error or "")


def test_a_running_plan_stops_at_the_heartbeat_after_its_cancel(
    make_uow: UowFactory, week: str
) -> None:
    plan = plans.request_plan(make_uow(), None, COORDINATOR, None, WEEK)

    def cancel_at_third(i: int) -> None:
        if i == 2:
            asked = plans.cancel_plan(make_uow(), COORDINATOR, plan.id)
            assert (asked.status, asked.cancel_requested) == ("running", True)

    ended = _run(make_uow, FakePlanner(calls=10, on_progress=cancel_at_third))
    assert (ended.status, ended.error) == ("error", CANCELLED)
    assert ended.progress is not None and ended.progress.served == {"normal": 2}


def test_a_stopped_worker_leaves_its_plan_to_be_taken_again(
    make_uow: UowFactory, clock: FakeClock, week: str
) -> None:
    plan = plans.request_plan(make_uow(), None, ADMIN, world.AREA, WEEK)
    left = _run(make_uow, FakePlanner(calls=3), stopping=lambda: True)
    assert (left.id, left.status, left.worker) == (plan.id, "running", "w-1")
    assert _run(make_uow, FakePlanner()) is None  # its lease still holds
    clock.advance(60)
    again = _run(make_uow, FakePlanner())
    assert (again.id, again.status in ("optimal", "feasible"), again.attempts) == (plan.id, True, 2)


def test_only_an_admin_hands_out_tokens_and_they_name_what_exists(
    make_uow: UowFactory, week: str
) -> None:
    with pytest.raises(Forbidden):
        access.create_token(make_uow(), COORDINATOR, "admin")
    for role, areas, volunteer in (
        ("mayor", [], None),
        ("coordinator", [], None),
        ("volunteer", [world.AREA], None),
        ("admin", [], "v-wang"),
    ):
        with pytest.raises(InvalidRequest):
            access.create_token(make_uow(), ADMIN, role, areas, volunteer)
    token, secret = access.create_token(make_uow(), ADMIN, "volunteer", [world.AREA], "v-wang")
    actor = access.authenticate(make_uow(read_only=True), secret)
    assert actor == Actor(token.id, "volunteer", (world.AREA,), "v-wang")
    access.revoke_token(make_uow(), ADMIN, token.id)
    assert access.authenticate(make_uow(read_only=True), secret) is None


def test_the_fake_planner_is_a_planner() -> None:
    planner: Planner = FakePlanner()  # mypy checks it against the port
    assert planner.plan is not None


class PublishingMeanwhile:
    """A Repairer that, during its first repair, publishes another plan of the week (as a
    repair in another process would), then repairs as `SolverRepairer`."""

    def __init__(self, make_uow: UowFactory) -> None:
        self.make_uow, self.parents = make_uow, list[str]()
        self.inner = SolverRepairer(RepairSettings(1.0))
        self.other: str | None = None

    def repair(
        self, scenario: Scenario, published: Plan, task: str, same_week: bool = False
    ) -> tuple[Plan, int]:
        self.parents.append(published.scenario)
        if self.other is None:
            with self.make_uow() as uow:
                plan = uow.plans.create(world.AREA, world.WEEK)
                uow.plans.finish(
                    plan.id, world.as_plan({**world.result(), "scenario": "meanwhile"})
                )
                uow.plans.publish(plan.id)
                uow.commit()
            self.other = plan.id
        return self.inner.repair(scenario, published, task, same_week)

    def rescore(self, scenario: Scenario, plan: Plan) -> Plan:
        return self.inner.rescore(scenario, plan)


@pytest.mark.slow
def test_a_repair_whose_parent_was_replaced_meanwhile_is_made_again_on_the_new_plan(
    make_uow: UowFactory, week: str
) -> None:
    """Issue 7: two repairs started from the same parent and the last to publish won, putting
    a declined pair back. A repair is now published only if its parent is still the published
    plan (compare and swap under the week's lock)."""
    with make_uow() as uow:
        first = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(first.id, world.plan())
        uow.plans.publish(first.id)
        (meals,) = uow.assignments.for_volunteer(world.AREA, "v-zhao", world.WEEK)
        uow.commit()
    repairer = PublishingMeanwhile(make_uow)
    done = volunteers.decline_assignment(make_uow(), repairer, ADMIN, meals.id, "ill")
    assert done.repair is not None and done.repair.plan.published_at is not None
    assert repairer.parents[0] != "meanwhile" and repairer.parents[1:] == ["meanwhile"]
    with make_uow() as uow:
        final = uow.plans.published(world.AREA, world.WEEK)
        assert final is not None and final.id == done.repair.plan.id
        assert final.parent_id == repairer.other  # the plan published meanwhile
        repairs = [p for p in uow.plans.for_week(world.AREA, world.WEEK) if p.kind == "repair"]
        assert [p.id for p in repairs] == [final.id]  # nothing stored from the lost attempt
        assert final.result is not None
        given = {(a.task, v.id) for a in final.result.assignments for v in a.volunteers}
        assert ("t-meals@mon", "v-zhao") not in given
        stored = uow.weeks.load_scenario(world.AREA, world.WEEK)
        report = validate(stored, plan_json.dump(final.result, stored))
        assert report.ok, report.violations
