"""A volunteer ill or away for a range of days: the absence is stored (listed, deletable), its
days are written into the volunteer's `unavailable` (the contract's field, so every week built
from the roster sees them, later ones too), and each week it touches whose plan is published
is repaired at once: every visit the absence takes from them re-planned in one minimal-change
repair, validated and published as a decline's repair is (the same lock, the same compare and
swap). The answer names everyone whose visit moved and every visit left unserved, with why."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pendulum

from mutualaid.bounds import MAX_TEXT_LENGTH, parse_date, parse_week_start, text_problem
from mutualaid.contract import plan_json
from mutualaid.contract.data import Json
from mutualaid.domain.lifecycle import PlanRequest
from mutualaid.domain.model import MINUTES_PER_DAY, Pin, TimeBlock
from mutualaid.domain.plan import Plan, Reason
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.absence_ports import AbsenceRecord
from mutualaid.services.access import Actor
from mutualaid.services.built import built_week
from mutualaid.services.ports import (
    ActivePlanExists,
    ConflictError,
    InvalidRequest,
    NotFoundError,
    PlanRecord,
    UnitOfWork,
)
from mutualaid.services.recommend import Recommender
from mutualaid.services.volunteers import (
    _REPAIRS,
    REPAIR_ATTEMPTS,
    still_current,
    store_repair,
    volunteer_area,
)
from mutualaid.validation import validate

MAX_DAYS = 92
"""The longest absence one entry may hold (a quarter); longer ones are entered in parts."""
_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_FIELDS = ("week", "from", "to", "start", "end", "reason")


@dataclass(frozen=True)
class Moved:
    volunteer: str
    tasks: tuple[str, ...]
    """The visits of theirs that changed (moved in time, given to them, or taken away)."""


@dataclass(frozen=True)
class Unserved:
    task: str
    reason: str
    detail: Reason | str
    """Worded where it is read (a sentence only for plans stored before reasons were data)."""


@dataclass(frozen=True)
class WeekRepair:
    week: pendulum.Date
    plan: PlanRecord | None
    """The repair, published when valid; None when no visit of the week needed one, or a
    solve of the week is queued or running (`waiting`: it will see the absence)."""
    changed: int = 0
    moved: tuple[Moved, ...] = ()
    unserved: tuple[Unserved, ...] = ()
    waiting: bool = False


@dataclass(frozen=True)
class Reported:
    absence: AbsenceRecord
    repairs: list[WeekRepair]


def blocks(a: AbsenceRecord) -> list[TimeBlock]:
    """The absence as `unavailable` entries of the volunteer: one per day."""
    out = []
    day = a.first_day
    while day <= a.last_day:
        if a.start is not None and a.end is not None:
            out.append(TimeBlock(date=day, start=a.start, end=a.end))
        else:
            out.append(TimeBlock(date=day))
        day = day.add(days=1)
    return out


def _read(body: Any) -> tuple[pendulum.Date, pendulum.Date, int | None, int | None, str | None]:
    """(first day, last day, start, end, reason) of a request's body; InvalidRequest naming
    every field that is wrong."""
    if not isinstance(body, Mapping):
        raise InvalidRequest([Problem("", msg("not_mapping", got=type(body).__name__))])
    problems: list[Problem] = []
    for key in body:  # a misspelt field must not pass as left out (whole days away)
        if key not in _FIELDS:
            text = msg("unknown_field", key=key)
            if hint := difflib.get_close_matches(str(key), _FIELDS, n=1):
                text += msg("did_you_mean", suggestion=hint[0])
            problems.append(Problem(str(key), text))
    first = last = None
    if body.get("week") is not None and body.get("from") is None and body.get("to") is None:
        try:
            first = parse_week_start(body["week"])
            last = first.add(days=6)
        except ValueError as exc:
            problems.append(Problem("week", str(exc)))
    elif body.get("from") is not None and body.get("to") is not None and "week" not in body:
        for name in ("from", "to"):
            try:
                day = parse_date(body[name])
            except ValueError as exc:
                problems.append(Problem(name, str(exc)))
                continue
            first, last = (day, last) if name == "from" else (first, day)
    else:
        problems.append(Problem("week", msg("absence_dates")))
    if first is not None and last is not None:
        if last < first:
            problems.append(Problem("to", msg("absence_order", to=last, start=first)))
        elif (last - first).in_days() >= MAX_DAYS:
            problems.append(Problem("to", msg("absence_too_long", days=MAX_DAYS)))
    start, end = body.get("start"), body.get("end")
    minutes: list[int] = []
    for name, value in (("start", start), ("end", end)):
        if value is not None and not (isinstance(value, str) and _CLOCK.fullmatch(value)):
            problems.append(Problem(name, msg("absence_times")))
        elif isinstance(value, str):
            minutes.append(int(value[:2]) * 60 + int(value[3:]))
    if (start is None) != (end is None) or (len(minutes) == 2 and minutes[0] >= minutes[1]):
        problems.append(Problem("end", msg("absence_times")))
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        problems.append(Problem("reason", msg("not_string", got=type(reason).__name__)))
    elif reason is not None and (bad := text_problem(reason, MAX_TEXT_LENGTH)):
        problems.append(Problem("reason", bad))
    if problems:
        raise InvalidRequest(problems)
    assert first is not None and last is not None
    s, e = (minutes[0], minutes[1]) if len(minutes) == 2 else (None, None)
    return first, last, s, e, (reason.strip() or None) if isinstance(reason, str) else None


def report_absence(
    uow: UnitOfWork, recommender: Recommender, actor: Actor, volunteer: str, area: str | None,
    body: Any,
) -> Reported:  # fmt: skip
    """Store the absence, mark its days unavailable, and repair every published week it
    touches. The coordinator of the area, an admin, or the volunteer themself. The same days
    and hours reported again (a second click, or again after a repair that did not finish)
    keep the absence already stored and repair again: no second record."""
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    first, last, start, end, reason = _read(body)
    with uow:
        person = uow.volunteers.get(where, volunteer)
        same = (first, last, start, end)
        known_before = [a for a in uow.absences.of(where, volunteer)
                        if (a.first_day, a.last_day, a.start, a.end) == same]  # fmt: skip
        if known_before:
            record = known_before[0]
        else:
            record = uow.absences.add(where, volunteer, first, last, start, end, reason, actor.id)
        had = person.unavailable
        added = tuple(b for b in blocks(record) if b not in had)
        uow.volunteers.upsert(where, replace(person, unavailable=had + added))
        _check_weeks(uow, where, first, last)
        if not known_before:
            detail: Json = {"from": first.isoformat(), "to": last.isoformat(), "reason": reason}
            uow.audit.record(actor.id, "absence.create", f"volunteer {volunteer}", where, detail)
        uow.commit()
    repairs = []
    week = first.start_of("week")
    while week <= last:
        done = _repair_week(uow, recommender, actor, record, week)
        if done is not None:
            repairs.append(done)
        week = week.add(days=7)
    return Reported(record, repairs)


def _check_weeks(uow: UnitOfWork, area: str, first: pendulum.Date, last: pendulum.Date) -> None:
    """Every stored week the absence touches must still form a valid scenario: a pin of the
    volunteer on a day away breaks it (ConflictError naming what broke; nothing is stored)."""
    for week in uow.weeks.all(area):
        if first.start_of("week") <= week.week_start <= last:
            try:
                uow.weeks.load_scenario(area, week.week_start)
            except ScenarioError as exc:
                pins = uow.weeks.export_scenario(area, week.week_start).pinned
                shown = "; ".join(_pin_named(p, pins).render() for p in exc.problems[:5])
                raise ConflictError(
                    msg("absence_breaks_week", week=week.week_start.isoformat(), problems=shown)
                ) from None


def _pin_named(problem: Problem, pins: tuple[Pin, ...]) -> Problem:
    """The problem with its pin's task named (`pinned[0]` says little to a coordinator)."""
    found = re.match(r"pinned\[(\d+)\]", problem.path)
    if found is None or int(found.group(1)) >= len(pins):
        return problem
    task = pins[int(found.group(1))].task
    return Problem(f"{problem.path} ({task})", problem.message, problem.line)


def list_absences(
    uow: UnitOfWork, actor: Actor, volunteer: str, area: str | None
) -> list[AbsenceRecord]:
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    with uow:
        uow.volunteers.get(where, volunteer)
        return uow.absences.of(where, volunteer)


def delete_absence(
    uow: UnitOfWork, actor: Actor, volunteer: str, ident: int, area: str | None
) -> None:
    """Remove the absence and its days from the volunteer's `unavailable` (the published plans
    stay: they hold without it; the next solve may use the days again)."""
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    with uow:
        record = uow.absences.get(where, volunteer, ident)
        others = {b for a in uow.absences.of(where, volunteer) if a.id != ident
                  for b in blocks(a)}  # fmt: skip
        gone = set(blocks(record)) - others
        person = uow.volunteers.get(where, volunteer)
        kept = tuple(b for b in person.unavailable if b not in gone)
        uow.volunteers.upsert(where, replace(person, unavailable=kept))
        uow.absences.delete(where, volunteer, ident)
        detail: Json = {"absence": ident, "from": record.first_day.isoformat(),
                        "to": record.last_day.isoformat()}  # fmt: skip
        uow.audit.record(actor.id, "absence.delete", f"volunteer {volunteer}", where, detail)
        uow.commit()


def _spans(a: AbsenceRecord, week: pendulum.Date) -> list[tuple[int, int]]:
    out = []
    for offset in range(7):
        day = week.add(days=offset)
        if a.first_day <= day <= a.last_day:
            lo = offset * MINUTES_PER_DAY + (a.start or 0)
            hi = offset * MINUTES_PER_DAY + (a.end if a.end is not None else MINUTES_PER_DAY)
            out.append((lo, hi))
    return out


def _repair_week(
    uow: UnitOfWork, recommender: Recommender, actor: Actor, absence: AbsenceRecord,
    week: pendulum.Date,
) -> WeekRepair | None:  # fmt: skip
    """The week's published plan repaired for the absence; None without a published plan."""
    where = absence.area
    with _REPAIRS.of(where, week):
        for _ in range(REPAIR_ATTEMPTS):
            with uow:
                try:
                    published = uow.plans.published(where, week)
                except NotFoundError:  # no such week yet: it will be built with the absence
                    return None
                if published is None or published.result is None:
                    return None
                if uow.plans.active(where, week) is not None:
                    return WeekRepair(week, None, waiting=True)
                built, version = built_week(uow, published.id, where, week)
            scenario = built.scenario
            before = published.result
            spans = _spans(absence, week)
            hit = [a.task for a in before.assignments
                   if any(v.id == absence.volunteer for v in a.volunteers)
                   and any(a.start < hi and lo < a.end for lo, hi in spans)]  # fmt: skip
            result, changed = recommender.repair_all(scenario, before, hit)
            lost = list(result.extra.get("repair", {}).get("tasks") or ())
            if not lost:
                return WeekRepair(week, None)
            repaired = {**result.extra["repair"], "parent": published.id, "changed": changed}
            result.extra["repair"] = repaired
            result.extra["basis"] = built.basis.to_json()
            report = validate(scenario, plan_json.dump(result, scenario))
            with uow:
                uow.weeks.lock(where, week)
                if not still_current(uow, (where, week), published.id, version):
                    continue  # published or written meanwhile: made again on the week now
                try:
                    made = store_repair(
                        uow, actor, (where, week), published.id, result, report,
                        (built, version), PlanRequest(actor.id),
                        {"changed": changed, "absence": absence.id},
                    )  # fmt: skip
                except ActivePlanExists:
                    return WeekRepair(week, None, waiting=True)
                uow.commit()
            unserved = tuple(
                Unserved(u.task, u.reason, u.detail) for u in result.unserved if u.task in lost
            )
            return WeekRepair(week, made, changed, _moved(before, result), unserved)
    raise ConflictError(msg("absence_contended", id=absence.id, week=week.isoformat()))


def _moved(before: Plan, after: Plan) -> tuple[Moved, ...]:
    """Everyone whose visits differ between the two plans, with those visits."""

    def visits(plan: Plan) -> dict[str, tuple[int, frozenset[str]]]:
        return {a.task: (a.start, frozenset(v.id for v in a.volunteers)) for a in plan.assignments}

    old, new = visits(before), visits(after)
    people: dict[str, set[str]] = {}
    for task in set(old) | set(new):
        a, b = old.get(task), new.get(task)
        if a == b:
            continue
        for v in (a[1] if a else frozenset()) | (b[1] if b else frozenset()):
            if a is None or b is None or a[0] != b[0] or (v in a[1]) != (v in b[1]):
                people.setdefault(v, set()).add(task)
    return tuple(Moved(v, tuple(sorted(ts))) for v, ts in sorted(people.items()))
