"""The plan and decline use cases on the in-memory store (tests/fakes.py): request, run,
cancel and publish a plan, decline and repair; no database. The SQL repositories' own
behaviour is tested on SQLite and PostgreSQL in tests/adapters."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import load_scenario
from mutualaid.domain.lifecycle import CANCELLED
from mutualaid.domain.plan import STATUSES, reason
from mutualaid.services import jobs, plans, volunteers, weeks
from mutualaid.services.access import Actor
from mutualaid.services.built import BuiltWeeks
from mutualaid.services.ports import ActivePlanExists, ConflictError
from mutualaid.validation import validate
from solver.service import PlannerSettings, RepairSettings, SolverPlanner, SolverRepairer
from tests.fakes import FakeStore, FakeUnitOfWork

WORLD = Path(__file__).resolve().parents[2] / "scenarios" / "11-edge-declined.yaml"
AREA = "area"
COORDINATOR = Actor("tok-c", "coordinator", (AREA,))
PLANNER = SolverPlanner(PlannerSettings(time_limit_seconds=2.0, workers=1, deterministic=True))
REPAIRER = SolverRepairer(RepairSettings(2.0))


@pytest.fixture
def store() -> FakeStore:
    made = FakeStore()
    made.add_week(AREA, load_scenario(WORLD))
    return made


@pytest.fixture(autouse=True)
def no_kept_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test builds its weeks anew (the process's cache would carry plans over)."""
    from mutualaid.services import built

    monkeypatch.setattr(built, "BUILT", BuiltWeeks())


def week_of(store: FakeStore) -> str:
    [(_, week)] = store.state.weeks
    return week.isoformat()


def solved(store: FakeStore) -> str:
    """A plan of the week, requested and run to its end."""
    plan = plans.request_plan(FakeUnitOfWork(store), None, COORDINATOR, AREA, week_of(store))
    done = jobs.run_next_plan(lambda: FakeUnitOfWork(store), PLANNER, jobs.RunOptions("w1"))
    assert done is not None and done.id == plan.id
    return plan.id


def test_a_requested_plan_waits_and_a_second_one_is_refused(store: FakeStore) -> None:
    uow = FakeUnitOfWork(store)
    plan = plans.request_plan(uow, None, COORDINATOR, AREA, week_of(store))
    assert plan.status == "queued"
    with pytest.raises(ActivePlanExists):
        plans.request_plan(uow, None, COORDINATOR, AREA, week_of(store))
    assert [e.action for e in store.state.audit] == ["plan.request"]  # the refusal undone


def test_a_claimed_plan_is_solved_checked_and_finished(store: FakeStore) -> None:
    ident = solved(store)
    done = store.state.plans[ident]
    assert done.status in STATUSES and done.status != "error"
    assert done.result is not None and done.result.extra["basis"]["declined"]  # the week's declines
    assert [e.action for e in store.state.audit] == ["plan.request", "plan.start", "plan.finish"]


def test_a_queued_plan_cancelled_ends_at_once_and_is_never_run(store: FakeStore) -> None:
    uow = FakeUnitOfWork(store)
    plan = plans.request_plan(uow, None, COORDINATOR, AREA, week_of(store))
    cancelled = plans.cancel_plan(uow, COORDINATOR, plan.id)
    assert (cancelled.status, cancelled.error) == ("error", CANCELLED)
    assert jobs.run_next_plan(lambda: FakeUnitOfWork(store), PLANNER, jobs.RunOptions("w")) is None
    with pytest.raises(ConflictError):
        plans.cancel_plan(uow, COORDINATOR, plan.id)


def test_a_run_that_died_too_often_is_failed_not_run_again(store: FakeStore) -> None:
    uow = FakeUnitOfWork(store)
    plan = plans.request_plan(uow, None, COORDINATOR, AREA, week_of(store))
    for attempt in range(3):
        claimed = jobs.claim_plan(uow, jobs.RunOptions(f"w{attempt}", lease_seconds=10))
        assert claimed is not None and claimed.attempts == attempt + 1
        store.clock.advance(11)  # its worker died: the lease ran out
    assert jobs.claim_plan(uow, jobs.RunOptions("w9")) is None
    failed = store.state.plans[plan.id]
    assert (failed.status, failed.error) == ("error", reason("plan_gave_up", runs=3))


def test_a_published_plan_is_the_weeks_and_its_visits_are_the_volunteers(
    store: FakeStore,
) -> None:
    ident = solved(store)
    published = plans.publish_plan(FakeUnitOfWork(store), REPAIRER, COORDINATOR, ident)
    assert published.published_at is not None
    first = next(a for a in store.state.assignments if a.plan_id == ident)
    mine = volunteers.get_assignment(
        FakeUnitOfWork(store), Actor("tok-v", "volunteer", (AREA,), first.volunteer), first.ref
    )
    assert (mine.task, mine.state) == (first.task, "pending")


def test_a_decline_is_recorded_for_the_week_and_repaired_at_once(store: FakeStore) -> None:
    ident = solved(store)
    plans.publish_plan(FakeUnitOfWork(store), REPAIRER, COORDINATOR, ident)
    first = next(a for a in store.state.assignments if a.plan_id == ident)
    volunteer = Actor("tok-v", "volunteer", (AREA,), first.volunteer)
    declined = volunteers.decline_assignment(
        FakeUnitOfWork(store), REPAIRER, volunteer, first.ref, "ill"
    )
    assert declined.assignment.state == "declined" and not declined.already
    assert declined.repair is not None and declined.repair.plan.status != "error"
    week = next(iter(store.state.weeks.values()))
    assert (first.task, first.volunteer, "ill") in {
        (d.task, d.volunteer, d.reason) for d in week.declines
    }
    repaired = store.state.plans[declined.repair.plan.id]
    assert repaired.published_at is not None and repaired.parent_id == ident
    assert repaired.result is not None
    pairs = {(a.task, v.id) for a in repaired.result.assignments for v in a.volunteers}
    assert (first.task, first.volunteer) not in pairs
    again = volunteers.decline_assignment(FakeUnitOfWork(store), REPAIRER, volunteer, first.ref)
    assert again.already and again.repair is None  # recorded once, no second repair
    assert len(week.declines) == len({(d.task, d.volunteer) for d in week.declines})


def test_a_decline_repeated_while_its_first_answer_repairs_is_already_declined_and_repaired_once(
    store: FakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under load the second answer could reach the week's repair before the first: it then
    repaired in the first's place, and the first repaired the repair."""
    ident = solved(store)
    plans.publish_plan(FakeUnitOfWork(store), REPAIRER, COORDINATOR, ident)
    first = next(a for a in store.state.assignments if a.plan_id == ident)
    volunteer = Actor("tok-v", "volunteer", (AREA,), first.volunteer)
    real, reached, go = volunteers.repair_week, threading.Event(), threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:  # the first answer, recorded, waits here
        if not reached.is_set():
            reached.set()
            assert go.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(volunteers, "repair_week", held)
    answers: list[volunteers.Declined] = []
    decline = volunteers.decline_assignment
    thread = threading.Thread(target=lambda: answers.append(
        decline(FakeUnitOfWork(store), REPAIRER, volunteer, first.ref, "ill")))  # fmt: skip
    thread.start()
    assert reached.wait(60)
    again = decline(FakeUnitOfWork(store), REPAIRER, volunteer, first.ref)
    go.set()
    thread.join(60)
    assert again.already and again.repair is None
    assert len(answers) == 1 and not answers[0].already and answers[0].repair is not None
    assert len([p for p in store.state.plans.values() if p.kind == "repair"]) == 1


def test_an_accepted_visit_keeps_its_answer_through_a_repair_of_another(
    store: FakeStore,
) -> None:
    ident = solved(store)
    plans.publish_plan(FakeUnitOfWork(store), REPAIRER, COORDINATOR, ident)
    rows = [a for a in store.state.assignments if a.plan_id == ident]
    kept, gone = rows[0], next(a for a in rows if a.volunteer != rows[0].volunteer)
    keeper = Actor("tok-k", "volunteer", (AREA,), kept.volunteer)
    volunteers.accept_assignment(FakeUnitOfWork(store), keeper, kept.ref)
    decliner = Actor("tok-d", "volunteer", (AREA,), gone.volunteer)
    done = volunteers.decline_assignment(FakeUnitOfWork(store), REPAIRER, decliner, gone.ref)
    assert done.repair is not None
    now = volunteers.get_assignment(FakeUnitOfWork(store), keeper, kept.ref)
    # the repair changed a few pairs and left this one where it was: the answer stays
    assert (now.plan_id, now.task, now.volunteer) == (
        done.repair.plan.id,
        kept.task,
        kept.volunteer,
    )
    assert (now.start, now.end) == (kept.start, kept.end)
    assert now.state == "accepted"


def test_deleting_a_task_withdraws_its_published_visits(store: FakeStore) -> None:
    ident = solved(store)
    plans.publish_plan(FakeUnitOfWork(store), REPAIRER, COORDINATOR, ident)
    visit = next(a for a in store.state.assignments if a.plan_id == ident)
    task = visit.task.split("@")[0]
    withdrawn = weeks.delete_task(FakeUnitOfWork(store), COORDINATOR, AREA, week_of(store), task)
    assert withdrawn >= 1
    volunteer = Actor("tok-v", "volunteer", (AREA,), visit.volunteer)
    with pytest.raises(ConflictError):
        volunteers.accept_assignment(FakeUnitOfWork(store), volunteer, visit.ref)


class EditsTheWeekMeanwhile:
    """A repairer during whose repair the coordinator deletes a task of the week (a delete
    racing a decline: the repair runs outside the store's lock)."""

    def __init__(self, store: FakeStore, task: str) -> None:
        self.store, self.task, self.edits = store, task, 0

    def repair(self, scenario: Any, published: Any, task: str, same_week: bool = False) -> Any:
        if not self.edits:
            self.edits += 1
            uow = FakeUnitOfWork(self.store)
            weeks.delete_task(uow, COORDINATOR, AREA, week_of(self.store), self.task)
        return REPAIRER.repair(scenario, published, task, same_week)

    def rescore(self, scenario: Any, plan: Any) -> Any:
        return REPAIRER.rescore(scenario, plan)


def test_a_repair_made_while_a_task_was_deleted_is_not_published_on_the_old_week(
    store: FakeStore,
) -> None:
    ident = solved(store)
    plans.publish_plan(FakeUnitOfWork(store), REPAIRER, COORDINATOR, ident)
    rows = [a for a in store.state.assignments if a.plan_id == ident]
    declined = rows[0]
    other = next(a for a in rows if a.task.split("@")[0] != declined.task.split("@")[0])
    gone = other.task.split("@")[0]
    racing = EditsTheWeekMeanwhile(store, gone)
    decliner = Actor("tok-d", "volunteer", (AREA,), declined.volunteer)
    done = volunteers.decline_assignment(FakeUnitOfWork(store), racing, decliner, declined.ref)
    assert racing.edits == 1 and done.repair is not None
    published = store.state.plans[done.repair.plan.id]
    assert published.published_at is not None and published.result is not None
    # the published plan holds on the week as it is now: the deleted task is not in it
    assert gone not in {a.task.split("@")[0] for a in published.result.assignments}
    now = FakeUnitOfWork(store).weeks.load_scenario(AREA, published.week_start)
    report = validate(now, plan_json.dump(published.result, now))
    assert report.assignments_ok, [v.code for v in report.hard]
