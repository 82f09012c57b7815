"""The backlog's and the ledger's use cases on the in-memory store (tests/fakes_ledger.py):
recording and drawing requests week after week, marking visits, the hours they credit and
their redemption; no database (tests/adapters/test_books.py runs the SQL repositories)."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.contract import plan_json
from mutualaid.contract import roster as read
from mutualaid.domain.ledger import service_minutes
from mutualaid.domain.model import Location, Scenario, Settings, Task, WeekClock
from mutualaid.services import backlog, ledger
from mutualaid.services.access import Actor
from mutualaid.services.ports import ConflictError, Forbidden, InvalidRequest
from tests.fakes_ledger import BooksStore, BooksUnitOfWork

AREA = "area"
ZONE = "Asia/Shanghai"
W1 = pendulum.Date(2026, 11, 2)
W2, W3 = W1.add(weeks=1), W1.add(weeks=2)
COORDINATOR = Actor("tok-c", "coordinator", (AREA,))
WANG = Actor("tok-w", "volunteer", (AREA,), "v-wang")
LATER = pendulum.datetime(2026, 12, 31, tz="UTC")
REQUEST: dict[str, Any] = {
    "id": "r-chen", "title": "Companionship for Chen", "resident": "res-chen",
    "needs": [{"skill": "companionship", "count": 1}], "duration_minutes": 60,
    "windows": [{"days": ["tue", "thu"], "from": "09:00", "to": "12:00"}],
}  # fmt: skip


def add_week(store: BooksStore, week: pendulum.Date, tasks: list[str]) -> None:
    made = {t: Task(t, t, Location(34.7, 113.6), (), 60) for t in tasks}
    store.add_week(AREA, Scenario("w", ZONE, week, Settings(), {}, {}, {}, {}, made))


def publish(
    store: BooksStore, week: pendulum.Date, visits: list[tuple[str, str, int]]
) -> list[int]:
    """A published plan of the week giving (task, volunteer, day of the week at 09:00, an
    hour); the assignments' ids."""
    uow = BooksUnitOfWork(store)
    with uow:
        plan = uow.plans.create(AREA, week)
        items = []
        for task, volunteer, day in visits:
            start = pendulum.datetime(week.year, week.month, week.day, 9, tz=ZONE).add(days=day)
            items.append({"task": task, "start": start.isoformat(),
                          "end": start.add(hours=1).isoformat(),
                          "volunteers": [{"id": volunteer, "role": 0}]})  # fmt: skip
        done = {"status": "optimal", "assignments": items}
        uow.plans.finish(plan.id, plan_json.load(done, WeekClock(week, ZONE)))
        uow.plans.publish(plan.id)
        uow.commit()
        return [a.id for a in uow.assignments.for_plan(plan.id)]


HOME = {"lat": 34.78, "lon": 113.68}


def _resident(ident: str, name: str) -> Any:
    return read.resident({"id": ident, "name": name, "location": HOME})


@pytest.fixture
def store() -> BooksStore:
    made = BooksStore()
    made.state.roster[("residents", AREA)] = {"res-chen": _resident("res-chen", "陈")}
    made.state.roster[("volunteers", AREA)] = {
        "v-wang": read.volunteer({"id": "v-wang", "name": "王", "teams": ["t-a"], "home": HOME}),
        "v-li": read.volunteer({"id": "v-li", "name": "李", "teams": ["t-a"], "home": HOME}),
    }
    add_week(made, W1, ["req-r-chen", "t-other"])
    return made


def test_a_request_recorded_is_drawn_into_the_week_as_a_task(store: BooksStore) -> None:
    uow = BooksUnitOfWork(store)
    request, new = backlog.save_request(uow, COORDINATOR, AREA, REQUEST)
    assert new and request.status == "open"
    drawn = backlog.draw_week(uow, COORDINATOR, AREA, W1.isoformat())
    assert [(r.id, waited) for r, waited in drawn.drawn] == [("r-chen", 0)]
    [task] = store.books.tasks[(AREA, W1)].values()
    assert (task.id, task.waited, task.resident) == ("req-r-chen", 0, "res-chen")
    assert [e.action for e in store.state.audit] == ["request.create", "week.draw"]


def test_a_request_not_served_waits_one_more_week_each_week_until_served(
    store: BooksStore,
) -> None:
    uow = BooksUnitOfWork(store)
    backlog.save_request(uow, COORDINATOR, AREA, REQUEST)
    backlog.draw_week(uow, COORDINATOR, AREA, W1.isoformat())
    publish(store, W1, [("t-other", "v-wang", 1)])  # the week's plan leaves Chen unserved
    add_week(store, W2, ["req-r-chen"])
    second = backlog.draw_week(uow, COORDINATOR, AREA, W2.isoformat())
    assert [(r.id, waited) for r, waited in second.drawn] == [("r-chen", 1)]
    assert store.books.tasks[(AREA, W2)]["req-r-chen"].waited == 1
    publish(store, W2, [("req-r-chen", "v-wang", 1)])
    third = backlog.draw_week(uow, COORDINATOR, AREA, W3.isoformat())
    assert third.drawn == [] and [r.id for r in third.served] == ["r-chen"]
    assert backlog.get_request(uow, COORDINATOR, AREA, "r-chen").status == "served"


def test_a_request_whose_every_visit_was_missed_was_not_served(store: BooksStore) -> None:
    uow = BooksUnitOfWork(store)
    backlog.save_request(uow, COORDINATOR, AREA, REQUEST)
    backlog.draw_week(uow, COORDINATOR, AREA, W1.isoformat())
    [visit] = publish(store, W1, [("req-r-chen", "v-wang", 1)])
    ledger.mark_visit(uow, WANG, visit, "missed", feedback="不在家", now=LATER)
    second = backlog.draw_week(uow, COORDINATOR, AREA, W2.isoformat())
    assert [(r.id, waited) for r, waited in second.drawn] == [("r-chen", 1)]


def test_a_withdrawn_request_loses_its_unpublished_task_and_is_never_drawn(
    store: BooksStore,
) -> None:
    uow = BooksUnitOfWork(store)
    backlog.save_request(uow, COORDINATOR, AREA, REQUEST)
    backlog.draw_week(uow, COORDINATOR, AREA, W1.isoformat())
    request, weeks = backlog.withdraw_request(uow, COORDINATOR, AREA, "r-chen", W1)
    assert (request.status, weeks) == ("withdrawn", [W1.isoformat()])
    assert store.books.tasks[(AREA, W1)] == {}
    assert backlog.draw_week(uow, COORDINATOR, AREA, W2.isoformat()).drawn == []
    with pytest.raises(ConflictError):
        backlog.save_request(uow, COORDINATOR, AREA, REQUEST, "r-chen")


def test_a_withdrawn_request_leaves_a_published_week_it_was_not_served_in(
    store: BooksStore,
) -> None:
    uow = BooksUnitOfWork(store)
    backlog.save_request(uow, COORDINATOR, AREA, REQUEST)
    backlog.draw_week(uow, COORDINATOR, AREA, W1.isoformat())
    publish(store, W1, [("t-other", "v-wang", 1)])
    _, weeks = backlog.withdraw_request(uow, COORDINATOR, AREA, "r-chen", W1.add(days=6))
    assert weeks == [W1.isoformat()] and store.books.tasks[(AREA, W1)] == {}


def test_a_request_naming_someone_unknown_is_refused_naming_the_field(store: BooksStore) -> None:
    body = {**REQUEST, "resident": "res-nobody", "household_of": "v-nobody"}
    with pytest.raises(InvalidRequest) as caught:
        backlog.save_request(BooksUnitOfWork(store), COORDINATOR, AREA, body)
    assert [p.path for p in caught.value.problems] == ["resident", "household_of"]
    assert store.books.requests == {} and store.state.audit == []


def test_volunteers_may_not_record_requests(store: BooksStore) -> None:
    with pytest.raises(Forbidden):
        backlog.save_request(BooksUnitOfWork(store), WANG, AREA, REQUEST)


def test_a_done_visit_credits_its_minutes_and_unmarking_reverses_them(store: BooksStore) -> None:
    [visit] = publish(store, W1, [("t-other", "v-wang", 1)])
    uow = BooksUnitOfWork(store)
    marked = ledger.mark_visit(uow, WANG, visit, "done", feedback="很好", now=LATER)
    assert [(e.kind, e.minutes, e.month) for e in marked.entries] == [("credit", 60, "2026-11")]
    again = ledger.mark_visit(uow, COORDINATOR, visit, "missed", now=LATER)
    assert [(e.kind, e.minutes) for e in again.entries] == [("reversal", -60)]
    ledger.mark_visit(uow, WANG, visit, "done", now=LATER)
    assert ledger.mark_visit(uow, WANG, visit, "done", now=LATER).entries == []  # a double tap
    ledger.unmark_visit(uow, WANG, visit)
    kinds = [(e.kind, e.minutes) for e in store.books.ledger]
    assert kinds == [("credit", 60), ("reversal", -60), ("credit", 60), ("reversal", -60)]
    assert ledger.statement(uow, WANG, AREA, "v-wang", None).closing == 0
    assert [e.action for e in store.state.audit] == [
        "visit.done", "visit.missed", "visit.done", "visit.unmark",
    ]  # fmt: skip


def test_a_visit_is_marked_only_once_it_began_and_only_by_its_volunteer_or_coordinator(
    store: BooksStore,
) -> None:
    [visit] = publish(store, W1, [("t-other", "v-li", 1)])
    uow = BooksUnitOfWork(store)
    before = pendulum.datetime(2026, 11, 3, 0, tz=ZONE)
    with pytest.raises(ConflictError):
        ledger.mark_visit(uow, COORDINATOR, visit, "done", now=before)
    with pytest.raises(Forbidden):
        ledger.mark_visit(uow, WANG, visit, "done", now=LATER)
    assert store.books.ledger == []


def test_hours_are_redeemed_only_for_the_volunteers_household_and_within_the_balance(
    store: BooksStore,
) -> None:
    [visit] = publish(store, W1, [("t-other", "v-wang", 1)])
    uow = BooksUnitOfWork(store)
    ledger.mark_visit(uow, WANG, visit, "done", now=LATER)
    backlog.save_request(uow, COORDINATOR, AREA, {**REQUEST, "household_of": "v-wang"})
    backlog.save_request(uow, COORDINATOR, AREA, {**REQUEST, "id": "r-other"})
    with pytest.raises(ConflictError):
        ledger.redeem_hours(uow, COORDINATOR, AREA, "v-wang", "r-other", 30)
    with pytest.raises(ConflictError):
        ledger.redeem_hours(uow, COORDINATOR, AREA, "v-wang", "r-chen", 61)
    spent = ledger.redeem_hours(uow, COORDINATOR, AREA, "v-wang", "r-chen", now=LATER)
    assert (spent.kind, spent.minutes, spent.month) == ("redemption", -60, "2026-12")
    sums = ledger.balances(uow, COORDINATOR, AREA)
    assert (sums.volunteers, sums.teams, sums.total) == ({"v-wang": 0}, {"t-a": 0}, 0)


def test_the_statement_of_a_month_opens_with_what_was_held_before(store: BooksStore) -> None:
    [nov] = publish(store, W1, [("t-other", "v-wang", 1)])
    add_week(store, pendulum.Date(2026, 11, 30), ["t-dec"])
    [dec] = publish(store, pendulum.Date(2026, 11, 30), [("t-dec", "v-wang", 2)])
    uow = BooksUnitOfWork(store)
    ledger.mark_visit(uow, WANG, nov, "done", now=LATER)
    ledger.mark_visit(uow, WANG, dec, "done", actual_end=None, now=LATER)
    december = ledger.statement(uow, WANG, AREA, "v-wang", "2026-12")
    assert (december.opening, december.credited, december.closing) == (60, 60, 120)
    csv = ledger.ledger_csv(uow, COORDINATOR, AREA, "2026-12")
    assert csv.splitlines()[1].split(",")[2:8] == [
        "2026-12", "v-wang", "王", "credit", "60", "1.00"
    ]  # fmt: skip
    with pytest.raises(InvalidRequest):
        ledger.statement(uow, WANG, AREA, "v-wang", "2026-13")


OPS = st.lists(
    st.tuples(
        st.sampled_from(["done", "missed", "unmark", "redeem"]),
        st.integers(0, 2),
        st.integers(-30, 60),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_the_balance_is_the_done_visits_minutes_less_what_was_redeemed(
    ops: list[tuple[str, int, int]],
) -> None:
    """Under any sequence of marks, un-marks and redemptions: the ledger's balance is the
    minutes of the visits done now less the redemptions made, and no redemption was let
    through that the balance could not cover."""
    store = BooksStore()
    store.state.roster[("volunteers", AREA)] = {
        "v-wang": read.volunteer({"id": "v-wang", "name": "王", "home": HOME})
    }
    store.state.roster[("residents", AREA)] = {"res-chen": _resident("res-chen", "陈")}
    add_week(store, W1, ["t-1", "t-2", "t-3"])
    visits = publish(store, W1, [("t-1", "v-wang", 0), ("t-2", "v-wang", 2), ("t-3", "v-wang", 4)])
    uow = BooksUnitOfWork(store)
    backlog.save_request(uow, COORDINATOR, AREA, {**REQUEST, "household_of": "v-wang"})
    done: dict[int, int] = {}
    redeemed = 0
    for op, which, shift in ops:
        visit = visits[which]
        if op == "redeem":
            held = sum(done.values()) - redeemed
            try:
                ledger.redeem_hours(uow, COORDINATOR, AREA, "v-wang", "r-chen", shift or None)
            except ConflictError:
                assert (shift or 60) > held
            except InvalidRequest:  # minutes named, not above 0
                assert shift < 0
            else:
                assert 0 < (shift or 60) <= held
                redeemed += shift or 60
        elif op == "unmark":
            ledger.unmark_visit(uow, WANG, visit)
            done.pop(visit, None)
        else:
            a = store.state.assignments[which]
            end = a.end.add(minutes=shift) if shift > -30 else None
            ledger.mark_visit(uow, WANG, visit, op, actual_end=end, now=LATER)
            done.pop(visit, None)
            if op == "done":
                done[visit] = service_minutes(a.start, a.end, None, end)
        entries = store.books.ledger
        assert sum(e.minutes for e in entries) == sum(done.values()) - redeemed


def test_a_note_in_the_ledger_export_is_no_formula(store: BooksStore) -> None:
    [visit] = publish(store, W1, [("t-other", "v-wang", 1)])
    uow = BooksUnitOfWork(store)
    ledger.mark_visit(uow, WANG, visit, "done", now=LATER)
    backlog.save_request(uow, COORDINATOR, AREA, {**REQUEST, "household_of": "v-wang"})
    note = '=HYPERLINK("http://evil.example","paid")'
    ledger.redeem_hours(uow, COORDINATOR, AREA, "v-wang", "r-chen", 30, note=note, now=LATER)
    csv = ledger.ledger_csv(uow, COORDINATOR, AREA)
    assert csv.splitlines()[-1].endswith('"\'=HYPERLINK(""http://evil.example"",""paid"")"')


def test_actual_times_off_the_visits_day_or_still_to_come_credit_nothing(
    store: BooksStore,
) -> None:
    """A volunteer marking their own one-hour visit done from January to December would
    credit themselves a year of hours to redeem."""
    [visit] = publish(store, W1, [("t-other", "v-wang", 1)])
    start = store.state.assignments[0].start
    uow = BooksUnitOfWork(store)
    for times in (
        {"actual_start": start.subtract(days=300), "actual_end": start.add(days=60)},
        {"actual_start": start.subtract(days=1)},
        {"actual_end": start.add(days=2)},
        {"actual_end": start.add(hours=3), "now": start.add(hours=2)},  # not ended yet
    ):
        with pytest.raises(InvalidRequest) as told:
            ledger.mark_visit(uow, WANG, visit, "done", **{"now": LATER, **times})  # type: ignore[arg-type]
        assert told.value.problems[0].path in ("actual_start", "actual_end")
    assert store.books.ledger == []
    late = ledger.mark_visit(uow, WANG, visit, "done", actual_end=start.add(hours=3), now=LATER)
    assert [e.minutes for e in late.entries] == [180]  # a visit that ran late, the same day
