"""Use cases after the visit: marking a visit done or missed (or neither again), and the hours
ledger it feeds (时间银行): balances, a volunteer's monthly statement, the CSV export, and
redeeming hours against a request for the volunteer's own household.

Every write holds the volunteer's ledger lock (`LedgerRepository.lock`), so two marks of one
visit, or two redemptions, cannot both read the same balance.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote

import pendulum

from mutualaid.bounds import MAX_TEXT_LENGTH, text_problem
from mutualaid.domain.facts import Fact
from mutualaid.domain.ledger import (
    CREDIT,
    DONE,
    MARKABLE_STATES,
    OUTCOMES,
    REDEMPTION,
    LedgerEntry,
    NewEntry,
    VisitOutcome,
    actual_times_refusal,
    balance,
    hours,
    month_of,
    redemption_refusal,
    reversals,
    service_minutes,
)
from mutualaid.errors import Problem
from mutualaid.messages import CATALOGUE, msg
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.cells import inert
from mutualaid.services.ledger_ports import BooksUnitOfWork
from mutualaid.services.ports import AssignmentRecord, ConflictError, InvalidRequest
from mutualaid.services.volunteers import volunteer_area
from mutualaid.services.weeks import request_hash

_MONTH_FORMAT = "YYYY-MM"


@dataclass(frozen=True)
class Marked:
    outcome: VisitOutcome | None
    """The visit's outcome now (None once un-marked)."""
    entries: list[LedgerEntry]
    """What this mark wrote to the ledger (reversals, then a credit)."""


def mark_visit(
    uow: BooksUnitOfWork, actor: Actor, ident: int, state: str, *,
    actual_start: pendulum.DateTime | None = None, actual_end: pendulum.DateTime | None = None,
    feedback: str | None = None, now: pendulum.DateTime | None = None,
) -> Marked:  # fmt: skip
    """The visit (assignment `ident`) was done or missed: by its volunteer or the area's
    coordinator, once its time has come. Done credits its minutes (actual times where given);
    marking again first reverses what the visit credited before."""
    if state not in OUTCOMES:
        choices = ", ".join(OUTCOMES)
        raise InvalidRequest([Problem("state", msg("not_choice", choices=choices, got=state))])
    feedback = _text(feedback, "feedback")
    if actual_start and actual_end and actual_end <= actual_start:
        raise InvalidRequest([Problem("actual_end", msg("visit_end_before_start"))])
    when = now or pendulum.now("UTC")
    with uow:
        visit = _markable(uow, actor, ident)
        if visit.start > when:
            start = visit.start.format("YYYY-MM-DD HH:mm")
            raise ConflictError(msg("visit_not_yet", id=ident, start=start))
        before = uow.visits.get(ident)
        if before is not None and _same(before, state, actual_start, actual_end, feedback):
            return Marked(_local(before, visit.timezone), [])  # a double tap: nothing to do
        zone = visit.timezone
        _check_actual_times(visit, when, actual_start, actual_end)
        uow.ledger.lock(visit.area, visit.volunteer)
        written = _take_back(uow, visit, actor)
        if state == DONE:
            minutes = service_minutes(visit.start, visit.end, actual_start, actual_end)
            month = month_of(actual_start or visit.start, zone)
            credit = NewEntry(
                visit.volunteer, CREDIT, minutes, month, ident, visit.task, actor=actor.id
            )
            written.append(uow.ledger.append(visit.area, credit))
        outcome = VisitOutcome(
            ident, visit.area, visit.volunteer, visit.task, visit.week_start, state,
            actual_start, actual_end, feedback, actor.id, when,
        )  # fmt: skip
        uow.visits.put(outcome)
        detail: dict[str, Fact] = {"state": state, "task": visit.task, "volunteer": visit.volunteer,
                  "minutes": sum(e.minutes for e in written)}  # fmt: skip
        uow.audit.record(actor.id, f"visit.{state}", f"assignment {ident}", visit.area, detail)
        uow.commit()
    return Marked(_local(outcome, visit.timezone), written)


def _check_actual_times(
    visit: AssignmentRecord, now: pendulum.DateTime, actual_start: pendulum.DateTime | None,
    actual_end: pendulum.DateTime | None,
) -> None:  # fmt: skip
    refused = actual_times_refusal(
        visit.start, visit.end, visit.timezone, now, actual_start, actual_end
    )
    if refused is None:
        return
    field, key = refused
    given = actual_start if field == "actual_start" else actual_end
    assert given is not None
    local = visit.start.in_timezone(visit.timezone)
    text = msg(
        key, day=local.format("YYYY-MM-DD"), start=local.format("HH:mm"),
        end=visit.end.in_timezone(visit.timezone).format("HH:mm"),
        now=now.in_timezone(visit.timezone).format("YYYY-MM-DD HH:mm"),
        got=given.in_timezone(visit.timezone).format("YYYY-MM-DD HH:mm"),
    )  # fmt: skip
    raise InvalidRequest([Problem(field, text)])


def _same(
    o: VisitOutcome, state: str, start: pendulum.DateTime | None,
    end: pendulum.DateTime | None, feedback: str | None,
) -> bool:  # fmt: skip
    return (o.state, o.actual_start, o.actual_end, o.feedback) == (state, start, end, feedback)


def unmark_visit(uow: BooksUnitOfWork, actor: Actor, ident: int) -> Marked:
    """Neither done nor missed again: what the visit credited is reversed."""
    with uow:
        visit = _markable(uow, actor, ident, any_state=True)
        uow.ledger.lock(visit.area, visit.volunteer)
        written = _take_back(uow, visit, actor)
        if uow.visits.get(ident) is not None or written:
            uow.visits.clear(ident)
            detail: dict[str, Fact] = {"task": visit.task, "volunteer": visit.volunteer,
                      "minutes": sum(e.minutes for e in written)}  # fmt: skip
            uow.audit.record(actor.id, "visit.unmark", f"assignment {ident}", visit.area, detail)
            uow.commit()
    return Marked(None, written)


def visit_outcome(uow: BooksUnitOfWork, actor: Actor, ident: int) -> VisitOutcome | None:
    """The visit's outcome, its times in the area's zone (`_local`)."""
    with uow:
        found = uow.assignments.get(ident)
        actor.require_volunteer(found.area, found.volunteer)
        outcome = uow.visits.get(ident)
        return None if outcome is None else _local(outcome, found.timezone)


def _local(outcome: VisitOutcome, zone: str) -> VisitOutcome:
    """The outcome with its times (actual start and end, when it was marked) in the area's
    zone, as a visit's own times are given, whatever offset they were sent or stored with."""

    def local(when: pendulum.DateTime | None) -> pendulum.DateTime | None:
        return None if when is None else when.in_timezone(zone)

    return replace(
        outcome, actual_start=local(outcome.actual_start), actual_end=local(outcome.actual_end),
        marked_at=outcome.marked_at.in_timezone(zone),
    )  # fmt: skip


def _markable(
    uow: BooksUnitOfWork, actor: Actor, ident: int, *, any_state: bool = False
) -> AssignmentRecord:
    found = uow.assignments.get(ident)
    actor.require_volunteer(found.area, found.volunteer)
    uow.weeks.lock(found.area, found.week_start)
    found = uow.assignments.get(ident)
    if not any_state and (found.state not in MARKABLE_STATES or not uow.assignments.given(ident)):
        state = found.state if found.state not in MARKABLE_STATES else "not_given"
        key = f"assignment_state_{state}"
        said = msg(key) if key in CATALOGUE else state
        raise ConflictError(msg("visit_not_markable", id=ident, state=said))
    return found


def _take_back(uow: BooksUnitOfWork, visit: AssignmentRecord, actor: Actor) -> list[LedgerEntry]:
    """Reverse what the visit credited (a correction is a new entry, never an edit)."""
    entries = uow.ledger.entries(visit.area, visit.volunteer, assignment=visit.id)
    return [uow.ledger.append(visit.area, e) for e in reversals(entries, visit.id, actor.id)]


def redeem_hours(
    uow: BooksUnitOfWork, actor: Actor, area: str | None, volunteer: str, request: str,
    minutes: int | None = None, note: str | None = None, now: pendulum.DateTime | None = None,
    key: str | None = None,
) -> LedgerEntry:  # fmt: skip
    """Redeem the volunteer's hours against a request for their own household (by default
    the request's minutes: its duration times its people): a negative entry, refused when
    the balance would go below zero. With an idempotency `key`, sent again it answers the
    entry written the first time (a double submit redeems once); IdempotencyKeyReused when
    the key came with another redemption."""
    where = actor.area(area)
    note = _text(note, "note")
    if minutes is not None and minutes <= 0:
        bad = msg("redeem_not_positive", minutes=minutes)
        raise InvalidRequest([Problem("minutes", bad)])
    scope = f"POST redemption {where}"
    digest = request_hash({"volunteer": volunteer, "request": request, "minutes": minutes,
                           "note": note})  # fmt: skip
    with uow:
        wanted = uow.requests.get(where, request)
        uow.volunteers.get(where, volunteer)
        if wanted.household_of != volunteer:
            raise ConflictError(msg("redeem_not_household", request=request, volunteer=volunteer))
        amount = wanted.duration_minutes * wanted.people if minutes is None else minutes
        uow.ledger.lock(where, volunteer)
        if key is not None and (stored := uow.idempotency.lookup(scope, key, digest)):
            answered = stored.response  # as saved below: {"entry": its id}
            assert isinstance(answered, Mapping)
            ident = int(str(answered["entry"]))
            return next(e for e in uow.ledger.entries(where, volunteer) if e.id == ident)
        held = balance(uow.ledger.entries(where, volunteer))
        if (why := redemption_refusal(held, amount)) is not None:
            raise ConflictError(msg(why, minutes=amount, balance=held))
        month = month_of(now or pendulum.now("UTC"), uow.areas.get(where).timezone)
        entry = uow.ledger.append(
            where,
            NewEntry(
                volunteer, REDEMPTION, -amount, month, request=request, note=note, actor=actor.id
            ),
        )
        detail: dict[str, Fact] = {"volunteer": volunteer, "request": request, "minutes": amount}
        uow.audit.record(actor.id, "ledger.redeem", f"volunteer {volunteer}", where, detail)
        if key is not None:  # in the entry's transaction: both, or neither
            uow.idempotency.save(scope, key, digest, 201, {"entry": entry.id})
        uow.commit()
    return entry


@dataclass(frozen=True)
class Statement:
    """One volunteer's month (or all time, `month` None)."""

    area: str
    volunteer: str
    name: str
    month: str | None
    opening: int
    """Minutes held before the month."""
    entries: list[LedgerEntry]
    closing: int

    @property
    def credited(self) -> int:
        return sum(e.minutes for e in self.entries if e.minutes > 0)

    @property
    def debited(self) -> int:
        return -sum(e.minutes for e in self.entries if e.minutes < 0)


def statement(
    uow: BooksUnitOfWork, actor: Actor, area: str | None, volunteer: str, month: str | None
) -> Statement:
    """The volunteer's ledger: theirs to read, their coordinator's and an admin's."""
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    month = parse_month(month)
    with uow:
        person = uow.volunteers.get(where, volunteer)
        entries = uow.ledger.entries(where, volunteer)
    shown = [e for e in entries if month is None or e.month == month]
    opening = balance(e for e in entries if month is not None and e.month < month)
    closing = opening + balance(shown)
    name = person.name or volunteer
    return Statement(where, volunteer, name, month, opening, shown, closing)


@dataclass(frozen=True)
class Balances:
    area: str
    month: str | None
    volunteers: dict[str, int]
    """Minutes per volunteer with entries (of the month, or held all time)."""
    names: dict[str, str]
    teams: dict[str, int]
    """The sum over each team's members."""
    total: int


def balances(
    uow: BooksUnitOfWork, actor: Actor, area: str | None, month: str | None = None
) -> Balances:
    where = actor.area(area)
    month = parse_month(month)
    with uow:
        uow.areas.get(where)
        per = uow.ledger.balances(where, month)
        people = uow.volunteers.some(where, set(per))
    teams: dict[str, int] = {}
    for ident, minutes in per.items():
        for team in people[ident].teams if ident in people else ():
            teams[team] = teams.get(team, 0) + minutes
    names = {i: (people[i].name if i in people else "") or i for i in per}
    return Balances(where, month, dict(sorted(per.items())), names, teams, sum(per.values()))


CSV_COLUMNS = (
    "id", "at", "month", "volunteer", "name", "kind", "minutes", "hours", "assignment", "task",
    "request", "reverses", "actor", "note",
)  # fmt: skip


def ledger_csv(
    uow: BooksUnitOfWork, actor: Actor, area: str | None, month: str | None = None,
    volunteer: str | None = None,
) -> str:  # fmt: skip
    """The ledger's entries as CSV (UTF-8, a header row), of one month and volunteer if given;
    each volunteer's name beside their id (the id where the roster no longer has them)."""
    where = actor.area(area)
    month = parse_month(month)
    with uow:
        uow.areas.get(where)
        entries = uow.ledger.entries(where, volunteer, month=month)
        people = uow.volunteers.some(where, {e.volunteer for e in entries})
    names = {i: p.name or i for i, p in people.items()}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([inert(v) for v in [
            e.id, e.at.isoformat(), e.month, e.volunteer, names.get(e.volunteer, e.volunteer),
            e.kind, e.minutes, hours(e.minutes),
            e.assignment or "", e.task or "", e.request or "", e.reverses or "", e.actor,
            e.note or "",
        ]])  # fmt: skip
    return out.getvalue()


def csv_filename(area: str, month: str | None) -> str:
    """The export's file name, ASCII whatever the area's id holds (a header is Latin-1)."""
    return f"ledger-{quote(area, safe='')}{'-' + month if month else ''}.csv"


def parse_month(text: str | None) -> str | None:
    """A month written YYYY-MM (None: all time); InvalidRequest naming `month` otherwise."""
    if text is None or not text.strip():
        return None
    try:
        parsed = pendulum.from_format(text.strip(), _MONTH_FORMAT)
    except ValueError:
        parsed = None
    if parsed is None or parsed.format(_MONTH_FORMAT) != text.strip() or parsed.year < 2000:
        raise InvalidRequest([Problem("month", msg("bad_month", got=text))])
    return text.strip()


def _text(value: str | None, field: str) -> str | None:
    value = value.strip() if value and value.strip() else None
    if value is not None and (bad := text_problem(value, MAX_TEXT_LENGTH)):
        raise InvalidRequest([Problem(field, bad)])
    return value


def parse_time(text: str | None, field: str) -> pendulum.DateTime | None:
    """An instant written ISO 8601 with its offset (2026-11-30T09:05:00+08:00); None when
    left out. InvalidRequest naming `field` otherwise."""
    if text is None or not text.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise InvalidRequest([Problem(field, msg("bad_instant", got=text))])
    return pendulum.instance(parsed).in_timezone("UTC")


def visit_outcomes(
    uow: BooksUnitOfWork, actor: Actor, area: str, volunteer: str, week_start: pendulum.Date
) -> dict[int, VisitOutcome]:
    """The outcomes of the volunteer's visits of the week, by assignment id."""
    actor.require_volunteer(area, volunteer)
    with uow:
        found = uow.visits.for_week(area, week_start)
    return {o.assignment: o for o in found if o.volunteer == volunteer}


def this_month(uow: BooksUnitOfWork, area: str) -> str:
    """The month it is now in the area's time zone, YYYY-MM."""
    with uow:
        zone = uow.areas.get(area).timezone
    return pendulum.now(zone).format(_MONTH_FORMAT)


@dataclass(frozen=True)
class WeekVisit:
    visit: AssignmentRecord
    outcome: VisitOutcome | None


def week_visits(uow: BooksUnitOfWork, actor: Actor, area: str | None, week: str) -> list[WeekVisit]:
    """The visits the week's published plan gives (declined and withdrawn ones left out),
    by start, each with its outcome: what the coordinator marks done or missed."""
    where, week_start = actor.area(area), parse_week(week)
    with uow:
        plan = uow.plans.published(where, week_start)
        if plan is None:
            return []
        given = [a for a in uow.assignments.for_plan(plan.id) if a.state in MARKABLE_STATES]
        outcomes = {o.assignment: o for o in uow.visits.for_week(where, week_start)}
    return [WeekVisit(a, outcomes.get(a.id)) for a in given]
