"""An absence on the in-memory store: the days go into the volunteer's `unavailable`, the
published week is repaired in one repair that no longer gives them a visit on those days and
names everyone whose visits moved, and taking the absence back removes its days again."""

from __future__ import annotations

import pendulum
import pytest

from mutualaid.domain.plan import Assignment
from mutualaid.services import absences, plans
from mutualaid.services.errors import NotFoundError
from solver.service import SolverRecommender
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.services.test_plans_on_fakes import (
    AREA,
    COORDINATOR,
    REPAIRER,
    no_kept_weeks,
    solved,
    store,
    week_of,
)

__all__ = ["no_kept_weeks", "store"]  # the fixtures, used here too

RECOMMENDER = SolverRecommender()


def first_visit(store: FakeStore) -> tuple[Assignment, str, pendulum.Date]:
    """The week's plan published; its first visit, that visit's first volunteer and day."""
    ident = solved(store)
    plans.publish_plan(FakeUnitOfWork(store), REPAIRER, COORDINATOR, ident)
    monday = pendulum.parse(week_of(store)).date()  # type: ignore[union-attr]
    before = store.state.plans[ident].result
    assert before is not None
    first = min(before.assignments, key=lambda a: (a.start, a.task))
    return first, first.volunteers[0].id, monday.add(days=first.start // 1440)


def test_a_day_away_is_repaired_in_one_published_repair_and_taken_back(
    store: FakeStore,
) -> None:
    first, away, day = first_visit(store)

    reported = absences.report_absence(
        FakeUnitOfWork(store), RECOMMENDER, COORDINATOR, away, AREA,
        {"from": day.isoformat(), "to": day.isoformat(), "reason": "flu"},
    )  # fmt: skip

    [repair] = reported.repairs
    assert repair.plan is not None and repair.plan.published_at is not None
    after = store.state.plans[repair.plan.id].result
    assert after is not None
    lo, hi = (first.start // 1440) * 1440, (first.start // 1440 + 1) * 1440
    theirs = [
        a.task for a in after.assignments
        if any(v.id == away for v in a.volunteers) and a.start < hi and lo < a.end
    ]  # fmt: skip
    assert theirs == []
    assert away in {m.volunteer for m in repair.moved}
    assert first.task in {t for m in repair.moved for t in m.tasks}
    with FakeUnitOfWork(store) as uow:
        person = uow.volunteers.get(AREA, away)
        assert any(b.date == day for b in person.unavailable)
        [record] = uow.absences.of(AREA, away)
    assert record.reason == "flu" and (record.first_day, record.last_day) == (day, day)

    absences.delete_absence(FakeUnitOfWork(store), COORDINATOR, away, record.id, AREA)
    with FakeUnitOfWork(store) as uow:
        assert not any(b.date == day for b in uow.volunteers.get(AREA, away).unavailable)
        assert uow.absences.of(AREA, away) == []
        with pytest.raises(NotFoundError):
            uow.absences.get(AREA, away, record.id)


def test_the_same_absence_reported_again_keeps_one_record_and_repairs_what_was_left(
    store: FakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first report is stored but its repair never made (as a version that stored the
    absence before its repair could leave it, killed between the two): the plan still gives
    the volunteer their visit on the day away. Reported again, the absence already stored is
    kept (one record, one audit entry) and the week is repaired."""
    _, away, day = first_visit(store)
    body = {"from": day.isoformat(), "to": day.isoformat(), "reason": "flu"}

    with monkeypatch.context() as killed:
        killed.setattr(absences, "_repair", lambda _, week: week)
        cut = absences.report_absence(
            FakeUnitOfWork(store), RECOMMENDER, COORDINATOR, away, AREA, body
        )
    assert [r.plan for r in cut.repairs] == [None]
    again = absences.report_absence(
        FakeUnitOfWork(store), RECOMMENDER, COORDINATOR, away, AREA, {**body, "reason": "still"}
    )

    assert again.absence.id == cut.absence.id
    [repair] = again.repairs
    assert repair.plan is not None and repair.plan.published_at is not None
    assert away in {m.volunteer for m in repair.moved}
    with FakeUnitOfWork(store) as uow:
        assert [a.id for a in uow.absences.of(AREA, away)] == [cut.absence.id]
        created = [e for e in uow.audit.entries(AREA) if e.action == "absence.create"]
        assert len(created) == 1
