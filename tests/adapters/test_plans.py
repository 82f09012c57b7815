"""Plans as durable jobs: one active per week, leased to workers, finished, published."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pendulum
import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from mutualaid.adapters.plans import SqlPlans
from mutualaid.adapters.tables import AuditRow, PlanRow, WeekRow
from mutualaid.contract.written import written_json
from mutualaid.domain.lifecycle import CANCELLED, PlanRequest
from mutualaid.domain.plan import SolveProgress, Suggestion, Unserved, reason
from mutualaid.services.ports import ActivePlanExists, ConflictError, LeaseLost, NotFoundError

from . import world
from .conftest import FakeClock, UowFactory


@pytest.fixture
def week(make_uow: UowFactory) -> pendulum.Date:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        uow.commit()
    return world.WEEK


def _solved(make_uow: UowFactory, **kw: str) -> str:
    with make_uow() as uow:
        plan = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(plan.id, world.plan(**kw))
        uow.commit()
    return plan.id


def test_a_second_active_plan_for_a_week_is_refused(make_uow: UowFactory, week: object) -> None:
    with make_uow() as uow:
        first = uow.plans.create(world.AREA, world.WEEK)
        uow.commit()
    with make_uow() as uow, pytest.raises(ActivePlanExists):
        uow.plans.create(world.AREA, world.WEEK)
    with make_uow() as uow:
        uow.plans.fail(first.id, reason("plan_solver_failed", error="crashed"))
        again = uow.plans.create(world.AREA, world.WEEK)  # a finished plan no longer counts
        uow.commit()
    assert again.status == "queued"


def test_the_index_itself_refuses_a_second_active_plan(
    make_uow: UowFactory, week: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    with make_uow() as uow:
        uow.plans.create(world.AREA, world.WEEK)
        uow.commit()
    # without the look-before-insert, the partial unique index is what says no ...
    monkeypatch.setattr(SqlPlans, "_active_row", lambda self, week: None)
    with make_uow() as uow:
        uow.audit.record("tok", "solve", "week")
        with pytest.raises(ActivePlanExists):
            uow.plans.create(world.AREA, world.WEEK)
        uow.commit()  # ... and the transaction goes on: what it did before is kept
    with make_uow() as uow:
        assert len(uow.audit.entries()) == 1
        assert len(uow.plans.for_week(world.AREA, world.WEEK)) == 1
        # a raw INSERT meets the same index
        week_id = uow.session.exec(select(WeekRow.id)).one()
        uow.session.add(
            PlanRow(id="raw", area_id=world.AREA, week_id=week_id, status="running",
                    created_at=pendulum.now("UTC"))
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            uow.session.flush()


def test_concurrent_requests_get_one_active_plan(make_uow: UowFactory, week: object) -> None:
    created = threading.Event()
    outcomes: list[str] = []

    def first() -> None:
        with make_uow() as uow:
            uow.plans.create(world.AREA, world.WEEK)
            created.set()
            time.sleep(0.3)  # the second request arrives while this one is uncommitted
            uow.commit()
        outcomes.append("created")

    def second() -> None:
        created.wait()
        try:
            with make_uow() as uow:
                uow.plans.create(world.AREA, world.WEEK)
                uow.commit()
            outcomes.append("created")
        except ActivePlanExists:
            outcomes.append("409")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409", "created"]


def test_a_plan_whose_worker_died_is_claimed_again(
    make_uow: UowFactory, week: object, clock: FakeClock
) -> None:
    with make_uow() as uow:
        plan = uow.plans.create(world.AREA, world.WEEK, request=PlanRequest("tok-coord"))
        uow.commit()
    with make_uow() as uow:
        claimed = uow.plans.claim("w1", lease_seconds=30)
        uow.commit()
    assert claimed is not None and claimed.id == plan.id
    assert (claimed.status, claimed.worker, claimed.attempts) == ("running", "w1", 1)
    assert claimed.request == PlanRequest("tok-coord")
    assert claimed.lease_expires_at == clock.now.add(seconds=30)
    clock.advance(20)
    with make_uow() as uow:
        assert uow.plans.claim("w2", lease_seconds=30) is None  # w1's lease still holds
        figures = SolveProgress({"high": 1}, {"high": 2}, 0.5)
        uow.plans.heartbeat(plan.id, "w1", 30, progress=figures)
        uow.commit()
    clock.advance(20)
    with make_uow() as uow:
        assert uow.plans.claim("w2", lease_seconds=30) is None  # the heartbeat renewed it
    clock.advance(11)  # w1 died: no heartbeat for 31 s
    with make_uow() as uow:
        again = uow.plans.claim("w2", lease_seconds=30)
        uow.commit()
    assert again is not None and again.id == plan.id
    assert (again.worker, again.attempts, again.started_at) == ("w2", 2, claimed.started_at)
    assert again.progress == SolveProgress({"high": 1}, {"high": 2}, 0.5)
    with make_uow() as uow:
        with pytest.raises(LeaseLost):
            uow.plans.heartbeat(plan.id, "w1", 30)
        with pytest.raises(LeaseLost):
            uow.plans.finish(plan.id, world.plan(), worker="w1")
        done = uow.plans.finish(plan.id, world.plan(), worker="w2")
        uow.commit()
    assert (done.status, done.worker, done.lease_expires_at) == ("optimal", None, None)
    assert done.finished_at == clock.now


def test_a_plan_that_keeps_killing_workers_ends_in_error(
    make_uow: UowFactory, week: object, clock: FakeClock
) -> None:
    with make_uow() as uow:
        plan = uow.plans.create(world.AREA, world.WEEK)
        uow.commit()
    for attempt in range(2):
        with make_uow() as uow:
            assert uow.plans.claim(f"w{attempt}", 10, max_attempts=2) is not None
            uow.commit()
        clock.advance(11)
    with make_uow() as uow:
        assert uow.plans.claim("w9", 10, max_attempts=2) is None
        uow.commit()
    with make_uow() as uow:
        got = uow.plans.get(plan.id)
    assert (got.status, got.error, got.attempts) == ("error", reason("plan_gave_up", runs=2), 2)


def test_cancel_ends_a_queued_plan_and_asks_a_running_one_to_stop(
    make_uow: UowFactory, week: object
) -> None:
    with make_uow() as uow:
        queued = uow.plans.create(world.AREA, world.WEEK)
        cancelled = uow.plans.cancel(queued.id)
        running = uow.plans.create(world.AREA, world.WEEK)
        assert uow.plans.claim("w1", 30) is not None
        asked = uow.plans.cancel(running.id)
        beat = uow.plans.heartbeat(running.id, "w1", 30)
        stopped = uow.plans.fail(running.id, CANCELLED, worker="w1")
        uow.commit()
    assert (cancelled.status, cancelled.error) == ("error", CANCELLED)
    assert asked.status == "running" and asked.cancel_requested and beat.cancel_requested
    assert stopped.status == "error"
    with make_uow() as uow, pytest.raises(ConflictError):
        uow.plans.cancel(running.id)


def test_times_come_back_aware_in_their_zone(
    make_uow: UowFactory, week: object, clock: FakeClock
) -> None:
    plan_id = _solved(make_uow)
    with make_uow(read_only=True) as uow:
        plan = uow.plans.get(plan_id)
        rows = uow.assignments.for_plan(plan_id)
    assert plan.created_at == clock.now and plan.created_at.tzinfo is not None
    assert plan.created_at.timezone_name == "UTC"
    visit = next(a for a in rows if a.task == "t-visit-zhang")
    expected = pendulum.datetime(2026, 12, 1, 9, 0, tz=world.ZONE)
    assert visit.start == expected and visit.start.isoformat() == "2026-12-01T09:00:00+08:00"
    assert visit.start.timezone_name == world.ZONE == visit.timezone
    assert visit.start.in_timezone("UTC").hour == 1
    assert visit.end - visit.start == pendulum.duration(minutes=60)
    assert [a.task for a in rows] == ["t-meals@mon", "t-visit-zhang", "t-meals@wed", "t-show"]
    assert visit.resident == "r-zhang" and rows[-1].team == "lions"


def test_a_naive_time_is_refused(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.session.add(AuditRow(at=pendulum.naive(2026, 1, 1), actor="a", action="b", target="c"))
        with pytest.raises(StatementError, match="naive datetime"):
            uow.session.flush()


def test_finish_stores_the_plan_and_one_row_per_volunteer_per_task(
    make_uow: UowFactory, week: object
) -> None:
    plan_id = _solved(make_uow)
    with make_uow() as uow:
        plan = uow.plans.get(plan_id)
        rows = uow.assignments.for_plan(plan_id)
        with pytest.raises(ConflictError):
            uow.plans.finish(plan_id, world.plan())
    assert plan.result == world.plan() and plan.status == "optimal"
    assert {(a.task, a.volunteer, a.role, a.state) for a in rows} == {
        ("t-meals@mon", "v-zhao", 0, "pending"),
        ("t-visit-zhang", "v-wang", 0, "pending"),
        ("t-meals@wed", "v-li", 0, "pending"),
        ("t-show", "v-wang", 0, "pending"),
    }


def test_suggestions_checked_after_a_plan_finished_replace_only_its_suggestions(
    make_uow: UowFactory, week: object
) -> None:
    tip = Suggestion("allow_unvetted", "Let them go", ({"op": "add", "path": "/x", "value": 1},),
                     {"task": "t-far", "people": ["v-li"]})  # fmt: skip
    waiting = [Unserved("t-far", "capacity", reason("why_capacity_unknown"), checking=True),
               Unserved("t-near", "capacity", "taken")]  # fmt: skip
    with make_uow() as uow:
        made = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(made.id, replace(world.plan(), unserved=waiting))
        uow.commit()
    later = [Unserved("t-far", "other", "ignored", (tip,)), Unserved("t-gone", "other", "x")]
    with make_uow() as uow:
        uow.plans.suggested(made.id, replace(world.plan(), unserved=later))
        uow.commit()
    with make_uow() as uow:
        stored = uow.plans.get(made.id)
    assert stored.result is not None
    far, near = stored.result.unserved
    assert far.suggestions == (tip,) and not far.checking  # what the checks found
    assert (far.reason, far.detail) == ("capacity", reason("why_capacity_unknown"))
    assert near == waiting[1]  # not in the later plan: as it was
    assert stored.result.assignments == world.plan().assignments


def test_marks_of_checks_a_dead_runner_left_are_ended_and_what_was_checked_kept(
    make_uow: UowFactory, week: object
) -> None:
    """A runner killed (SIGKILL) while a finished plan's suggestions were being checked left
    its tasks marked as being checked; nothing else ends those marks. At the next start they
    are ended: the checked suggestions stay, the plans with no mark are not written."""
    tip = Suggestion("allow_unvetted", "Let them go", ({"op": "add", "path": "/x", "value": 1},),
                     {"task": "t-far", "people": ["v-li"]})  # fmt: skip
    marked = [Unserved("t-far", "capacity", "far", (tip,), checking=True),
              Unserved("t-near", "capacity", "taken", checking=True)]  # fmt: skip
    with make_uow() as uow:
        left = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(left.id, replace(world.plan(), unserved=marked))
        uow.commit()
    clean = _solved(make_uow)
    with make_uow() as uow:
        ended = uow.plans.unmark_checking()
        uow.commit()
    assert ended == [left.id]
    with make_uow() as uow:
        stored, other = uow.plans.get(left.id), uow.plans.get(clean)
    assert stored.result is not None and other.result == world.plan()
    far, near = stored.result.unserved
    assert far.suggestions == (tip,) and not far.checking and not near.checking
    assert stored.status == "optimal" and stored.result.assignments == world.plan().assignments
    with make_uow() as uow:
        assert uow.plans.unmark_checking() == []


def test_publish_keeps_one_plan_per_week_and_carries_answers_over(
    make_uow: UowFactory, week: object
) -> None:
    first = _solved(make_uow)
    with make_uow() as uow:
        queued = uow.plans.create(world.AREA, world.WEEK)
        with pytest.raises(ConflictError):
            uow.plans.publish(queued.id)  # not finished
        uow.plans.fail(queued.id, CANCELLED)
        uow.plans.publish(first)
        wang = uow.assignments.for_volunteer(world.AREA, "v-wang", world.WEEK)
        uow.assignments.accept(wang[0].id)
        uow.commit()
    second = _solved(make_uow, meals_by="v-li")
    with make_uow() as uow:
        uow.plans.publish(second)
        uow.commit()
    with make_uow() as uow:
        published = uow.plans.published(world.AREA, world.WEEK)
        assert published is not None and published.id == second
        assert uow.plans.get(first).published_at is None
        wang = uow.assignments.for_volunteer(world.AREA, "v-wang", world.WEEK)
        assert [(a.plan_id, a.task, a.state) for a in wang] == [
            (second, "t-visit-zhang", "accepted"),
            (second, "t-show", "pending"),
        ]
        assert uow.assignments.for_volunteer(world.AREA, "v-zhao", world.WEEK) == []


def test_the_published_plan_is_the_next_weeks_history(make_uow: UowFactory, week: object) -> None:
    plan_id = _solved(make_uow)
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario(world.NEXT_WEEK))
        assert world.history(uow, world.AREA, world.NEXT_WEEK) == []  # nothing published yet
        uow.plans.publish(plan_id)
        uow.commit()
    with make_uow() as uow:
        assert world.history(uow, world.AREA, world.NEXT_WEEK) == [("r-zhang", "v-wang")]
        exported = written_json(uow.weeks.export_scenario(world.AREA, world.NEXT_WEEK))
        assert exported["history"] == [{"resident": "r-zhang", "volunteer": "v-wang"}]
        assert uow.weeks.load_scenario(world.AREA, world.NEXT_WEEK).continuity_pairs()
        assert world.history(uow, world.AREA, world.WEEK) == []
        visit = next(
            a
            for a in uow.assignments.for_volunteer(world.AREA, "v-wang", world.WEEK)
            if a.task == "t-visit-zhang"
        )
        uow.assignments.decline(visit.id, "ill")
        uow.commit()
    with make_uow() as uow:  # a declined visit was not served: no continuity from it
        assert world.history(uow, world.AREA, world.NEXT_WEEK) == []


def test_unknown_plans_and_weeks_are_not_found(make_uow: UowFactory, week: object) -> None:
    with make_uow() as uow:
        with pytest.raises(NotFoundError):
            uow.plans.get("nope")
        with pytest.raises(NotFoundError):
            uow.plans.create(world.AREA, world.NEXT_WEEK)
        with pytest.raises(NotFoundError):
            uow.assignments.get(12345)


def test_an_assignment_keeps_its_id_while_the_same_volunteer_does_the_same_task(
    make_uow: UowFactory, week: object
) -> None:
    """Issue 7: every publish gave every assignment a new id, so a volunteer who accepted the
    id they were shown got 409 once a repair had been published meanwhile."""
    first = _solved(make_uow)
    with make_uow() as uow:
        uow.plans.publish(first)
        uow.commit()
    with make_uow() as uow:
        shown = {
            (a.task, a.volunteer): a.id
            for who in ("v-wang", "v-zhao", "v-li")
            for a in uow.assignments.for_volunteer(world.AREA, who, world.WEEK)
        }
    second = _solved(make_uow, meals_by="v-li")  # t-meals@mon moves from v-zhao to v-li
    with make_uow() as uow:
        uow.plans.publish(second)
        uow.commit()
    with make_uow() as uow:
        now = {
            (a.task, a.volunteer): a
            for who in ("v-wang", "v-zhao", "v-li")
            for a in uow.assignments.for_volunteer(world.AREA, who, world.WEEK)
        }
        kept = {pair for pair in shown if pair in now}
        assert kept == set(shown) - {("t-meals@mon", "v-zhao")}
        assert {pair: now[pair].id for pair in kept} == {pair: shown[pair] for pair in kept}
        assert all(now[pair].plan_id == second for pair in kept)
        new = now[("t-meals@mon", "v-li")].id
        assert new not in shown.values()
        # the id read from the first plan answers the second plan's assignment
        visit = shown[("t-visit-zhang", "v-wang")]
        accepted = uow.assignments.accept(visit)
        assert (accepted.id, accepted.plan_id, accepted.state) == (visit, second, "accepted")
        assert uow.assignments.get(visit).plan_id == second
        gone = uow.assignments.get(shown[("t-meals@mon", "v-zhao")])
        assert gone.plan_id == first  # no longer in the published plan
        with pytest.raises(ConflictError):
            uow.assignments.accept(gone.id)
        uow.commit()


def test_a_moved_assignment_keeps_its_id_and_is_asked_again(
    make_uow: UowFactory, week: object
) -> None:
    """A crew moved to another time is the same assignment (same id) at a new time; as for
    every carried-over answer, an answer given for the old time goes back to pending."""
    first = _solved(make_uow)
    with make_uow() as uow:
        uow.plans.publish(first)
        visit = next(
            a
            for a in uow.assignments.for_volunteer(world.AREA, "v-wang", world.WEEK)
            if a.task == "t-visit-zhang"
        )
        uow.assignments.accept(visit.id)
        uow.commit()
    moved = world.result()
    for a in moved["assignments"]:
        if a["task"] == "t-visit-zhang":
            a["start"] = a["start"].replace("T09:00", "T14:00")
            a["end"] = a["end"].replace("T10:00", "T15:00")
    with make_uow() as uow:
        plan = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(plan.id, world.as_plan(moved))
        uow.plans.publish(plan.id)
        uow.commit()
    with make_uow() as uow:
        again = uow.assignments.get(visit.id)
        assert (again.plan_id, again.state, again.start.hour) == (plan.id, "pending", 14)


def test_the_published_plans_id_is_read_without_the_plan(
    make_uow: UowFactory, week: object
) -> None:
    plan_id = _solved(make_uow)
    with make_uow() as uow:
        assert uow.plans.published_id(world.AREA, world.WEEK) is None
        uow.plans.publish(plan_id)
        assert uow.plans.published_id(world.AREA, world.WEEK) == plan_id
        uow.commit()
    with make_uow() as uow:
        assert uow.plans.published_id(world.AREA, world.WEEK) == plan_id
        with pytest.raises(NotFoundError):
            uow.plans.published_id(world.AREA, world.NEXT_WEEK)


def test_a_failed_plans_error_is_kept_as_data_and_an_old_sentence_as_it_is(
    make_uow: UowFactory, week: object
) -> None:
    with make_uow() as uow:
        new = uow.plans.create(world.AREA, world.WEEK)
        assert uow.plans.claim("w1", 30) is not None
        uow.plans.fail(new.id, reason("plan_solver_failed", error="boom"), worker="w1")
        old = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.cancel(old.id)
        row = uow.session.get(PlanRow, old.id)
        assert row is not None
        row.error = "gave up after 3 runs"  # as a plan that failed before the move was stored
        uow.commit()
    with make_uow() as uow:
        assert uow.plans.get(new.id).error == reason("plan_solver_failed", error="boom")
        assert uow.plans.get(old.id).error == "gave up after 3 runs"
