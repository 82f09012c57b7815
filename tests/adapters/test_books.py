"""The backlog's and the ledger's repositories on SQLite and PostgreSQL, through their use
cases: requests drawn week after week into checked tasks, visits marked, the ledger appended
to and summed, redemptions, and nothing lost when the roster changes."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest
from sqlmodel import col, select

from mutualaid.adapters.ledger_tables import LedgerEntryRow
from mutualaid.services import backlog, ledger, reports, roster, waiting
from mutualaid.services.access import CLI, Actor
from mutualaid.services.ports import ConflictError

from . import world
from .conftest import UowFactory

COORDINATOR = Actor("tok-c", "coordinator", (world.AREA,))
WANG = Actor("tok-w", "volunteer", (world.AREA,), "v-wang")
LATER = pendulum.datetime(2027, 1, 10, tz="UTC")
REQUEST: dict[str, Any] = {
    "id": "r-liu-chat", "title": "陪刘爷爷聊天", "resident": "r-liu",
    "needs": [{"skill": "companionship", "count": 1}], "duration_minutes": 60,
    "windows": [{"days": ["mon", "tue"], "from": "09:00", "to": "12:00"}],
    "priority": "high", "household_of": "v-wang",
}  # fmt: skip


@pytest.fixture
def stored(make_uow: UowFactory) -> UowFactory:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        uow.commit()
    return make_uow


def publish(make_uow: UowFactory, week: pendulum.Date, result: dict[str, Any]) -> str:
    with make_uow() as uow:
        plan = uow.plans.create(world.AREA, week)
        uow.plans.finish(plan.id, world.as_plan(result, week))
        uow.plans.publish(plan.id)
        uow.commit()
    return plan.id


def test_a_request_is_drawn_week_after_week_until_a_plan_serves_it(stored: UowFactory) -> None:
    backlog.save_request(stored(), COORDINATOR, None, REQUEST)
    first = backlog.draw_week(stored(), COORDINATOR, None, world.WEEK.isoformat())
    assert [(r.id, w) for r, w in first.drawn] == [("r-liu-chat", 0)]
    with stored() as uow:
        task = uow.weeks.get_task(world.AREA, world.WEEK, "req-r-liu-chat")
    assert (task.resident, task.waited, task.priority) == ("r-liu", 0, "high")
    publish(stored, world.WEEK, world.result())  # the plan does not serve it
    second = backlog.draw_week(stored(), COORDINATOR, None, world.NEXT_WEEK.isoformat())
    assert [(r.id, w) for r, w in second.drawn] == [("r-liu-chat", 1)]
    plan = world.result(world.NEXT_WEEK)
    plan["assignments"].append({
        "task": "req-r-liu-chat", "start": plan["assignments"][0]["start"],
        "end": plan["assignments"][0]["end"], "volunteers": [{"id": "v-li", "role": 0}],
    })  # fmt: skip
    publish(stored, world.NEXT_WEEK, plan)
    third = backlog.draw_week(stored(), COORDINATOR, None, world.NEXT_WEEK.add(weeks=1).isoformat())
    assert third.drawn == [] and [r.id for r in third.served] == ["r-liu-chat"]
    requests, _ = backlog.list_requests(stored(), COORDINATOR, None, "served")
    assert [r.id for r in requests] == ["r-liu-chat"]


def test_a_request_whose_resident_left_is_skipped_with_the_reason(stored: UowFactory) -> None:
    backlog.save_request(stored(), COORDINATOR, None, REQUEST)
    roster.delete_entity(stored(), CLI, "residents", world.AREA, "r-liu")
    drawn = backlog.draw_week(stored(), COORDINATOR, None, world.WEEK.isoformat())
    [(request, problems)] = drawn.skipped
    assert request.id == "r-liu-chat" and "r-liu" in problems[0].message
    assert backlog.get_request(stored(), COORDINATOR, None, "r-liu-chat").status == "open"


def test_marks_credit_and_reverse_and_redemptions_stop_at_zero(stored: UowFactory) -> None:
    publish(stored, world.WEEK, world.result())
    with stored() as uow:
        visits = {a.task: a.id for a in uow.assignments.for_volunteer(world.AREA, "v-wang",
                                                                      world.WEEK)}  # fmt: skip
    zhang, show = visits["t-visit-zhang"], visits["t-show"]
    ledger.mark_visit(stored(), WANG, zhang, "done", now=LATER)
    ledger.mark_visit(stored(), WANG, show, "done", actual_end=None, feedback="好", now=LATER)
    ledger.mark_visit(stored(), COORDINATOR, show, "missed", now=LATER)
    backlog.save_request(stored(), COORDINATOR, None, REQUEST)
    with pytest.raises(ConflictError):
        ledger.redeem_hours(stored(), COORDINATOR, None, "v-wang", "r-liu-chat", 61)
    ledger.redeem_hours(stored(), COORDINATOR, None, "v-wang", "r-liu-chat", 45, now=LATER)
    with stored() as uow:
        outcome = uow.visits.get(show)
        rows = uow.session.exec(select(LedgerEntryRow).order_by(col(LedgerEntryRow.id))).all()
        written = [(r.kind, r.minutes) for r in rows]
    assert outcome is not None and (outcome.state, outcome.marked_by) == ("missed", "tok-c")
    assert written == [
        ("credit", 60), ("credit", 90), ("reversal", -90), ("redemption", -45),
    ]  # fmt: skip
    sums = ledger.balances(stored(), COORDINATOR, None)
    assert (sums.volunteers, sums.teams, sums.total) == ({"v-wang": 15}, {"lions": 15}, 15)
    assert ledger.balances(stored(), COORDINATOR, None, "2026-12").volunteers == {"v-wang": 60}
    mine = ledger.statement(stored(), WANG, None, "v-wang", None)
    assert (mine.name, mine.closing, len(mine.entries)) == ("王师傅", 15, 4)


def test_a_volunteer_deleted_keeps_their_ledger(stored: UowFactory) -> None:
    publish(stored, world.WEEK, world.result())
    with stored() as uow:
        [meal] = [a.id for a in uow.assignments.for_volunteer(world.AREA, "v-zhao", world.WEEK)]
    ledger.mark_visit(stored(), COORDINATOR, meal, "done", now=LATER)
    csv = ledger.ledger_csv(stored(), COORDINATOR, None)
    assert "v-zhao,v-zhao,credit,45,0.75" in csv  # no name in the roster: the id again


def test_withdrawing_a_request_keeps_the_weeks_gone_by_that_left_it_unserved(
    stored: UowFactory,
) -> None:
    """Withdrawing deleted the request's task from every week whose published plan did not
    give it, the weeks gone by too: the resident's two weeks of waiting vanished from the
    waited report and the week's report no longer counted the request received."""
    with stored() as uow:
        world.import_week(uow, world.AREA, world.scenario(world.NEXT_WEEK))
        uow.commit()
    backlog.save_request(stored(), COORDINATOR, None, REQUEST)
    for week in (world.WEEK, world.NEXT_WEEK):
        backlog.draw_week(stored(), COORDINATOR, None, week.isoformat())
        publish(stored, week, world.result(week))  # neither serves it
    later = world.NEXT_WEEK.add(weeks=1)
    backlog.draw_week(stored(), COORDINATOR, None, later.isoformat())
    today = pendulum.Date(2026, 12, 15)  # the week of 12-14 is under way
    _, gone = backlog.withdraw_request(stored(), COORDINATOR, None, "r-liu-chat", today)
    assert gone == [later.isoformat()]  # not yet over: no later solve may plan it
    [waited] = waiting.residents_who_waited(
        stored(), COORDINATOR, None, world.NEXT_WEEK.isoformat()
    )
    assert waited.resident == "r-liu" and len(waited.weeks) == 2
    report = reports.build_report(stored(), COORDINATOR, None, "week", world.WEEK.isoformat())
    assert report.received == 5 and report.unserved == {"not_planned": 1}
