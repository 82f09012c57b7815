"""A volunteer ill or away for a range of days: the absence is stored (listed, deletable), its
days are written into the volunteer's `unavailable` (the contract's field, so every week built
from the roster sees them, later ones too), and each week it touches whose plan is published
is repaired at once: every visit the absence takes from them re-planned in one minimal-change
repair, validated and published as a decline's repair is (the same lock, the same compare and
swap). The answer names everyone whose visit moved and every visit left unserved, with why."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping
from contextlib import ExitStack
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
from mutualaid.services.built import BuiltWeek, built_week
from mutualaid.services.jobs import check_suggestions
from mutualaid.services.marked_apart import carry_kept, kept_busy
from mutualaid.services.ports import (
    ConflictError,
    InvalidRequest,
    NotFoundError,
    PlanRecord,
    UnitOfWork,
)
from mutualaid.services.recommend import Recommender
from mutualaid.services.repair_chain import REPAIR_ATTEMPTS, REPAIRS, still_current, store_repair
from mutualaid.services.volunteers import volunteer_area
from mutualaid.validation import Report, validate

_EPOCH = pendulum.datetime(2000, 1, 1)
MAX_DAYS = 92
"""The longest absence one entry may hold (a quarter); longer ones are entered in parts."""
_CLOCK = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")
_DAY_END = "24:00"
"""As the scenario's hours: 9:00 as 09:00, and 24:00 the day's end (an end only)."""
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
    tasks: tuple[str, ...] = ()
    """The plan's tasks whose visits were planned again (a task edit's repair)."""


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
        ends = name == "end" and value == _DAY_END
        if value is not None and not (isinstance(value, str) and (_CLOCK.fullmatch(value) or ends)):
            problems.append(Problem(name, msg("absence_times")))
        elif isinstance(value, str):
            hours, _, mins = value.partition(":")
            minutes.append(int(hours) * 60 + int(mins))
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
    touches, all in one transaction: a process stopped anywhere on the way stores nothing, so
    no published plan is left sending someone on a day the roster says they are away. The
    coordinator of the area, an admin, or the volunteer themself. The same days and hours
    reported again (a second click) keep the absence already stored and repair again: no
    second record."""
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    days = _read(body)
    weeks = []
    week = days[0].start_of("week")
    while week <= days[1]:
        weeks.append(week)
        week = week.add(days=7)
    with ExitStack() as held:  # this process's repairs of these weeks wait (in week order)
        for week in weeks:
            held.enter_context(REPAIRS.of(where, week))
        for _ in range(REPAIR_ATTEMPTS):
            found = _weeks_with(uow, actor, where, volunteer, days, weeks)
            made = [_repair(recommender, w) for w in found]
            done = _store(uow, actor, where, volunteer, days, made)
            if done is not None:
                weeks_made = {w.week: w.built.scenario for w in made}
                for repair in done.repairs:  # the repairs' suggestions, checked after
                    if repair.plan is not None:
                        check_suggestions(uow, recommender, weeks_made[repair.week], repair.plan)
                return done
    raise ConflictError(msg("absence_contended", week=weeks[0].isoformat()))


Days = tuple[pendulum.Date, pendulum.Date, int | None, int | None, str | None]
"""An absence's first and last day, start and end minute each day, and reason."""


@dataclass
class _Week:
    """A published week the absence touches, as it will be once the absence is stored."""

    week: pendulum.Date
    published: PlanRecord
    version: str
    """The week's version before the absence (it must be so when the repair is stored)."""
    built: BuiltWeek
    absence: AbsenceRecord
    waiting: bool = False
    result: Plan | None = None
    changed: int = 0
    report: Report | None = None


def _known(uow: UnitOfWork, where: str, volunteer: str, days: Days) -> AbsenceRecord | None:
    """The volunteer's absence of these very days and hours, if stored already."""
    same = days[:4]
    found = [a for a in uow.absences.of(where, volunteer)
             if (a.first_day, a.last_day, a.start, a.end) == same]  # fmt: skip
    return found[0] if found else None


def _write(
    uow: UnitOfWork, actor: Actor, where: str, volunteer: str, days: Days
) -> tuple[AbsenceRecord, bool]:
    """The absence and its days in the volunteer's unavailable, written in `uow` (not
    committed); whether it is a new one. ConflictError when a stored week breaks with it."""
    first, last, start, end, reason = days
    person = uow.volunteers.get(where, volunteer)
    _refuse_over_marked(uow, where, volunteer, days)
    known = _known(uow, where, volunteer, days)
    had = person.unavailable
    record = known
    if record is None:  # the days the roster had, from no absence: the coordinator's own
        theirs = {b for a in uow.absences.of(where, volunteer) for b in blocks(a)}
        shape = AbsenceRecord(0, where, volunteer, first, last, start, end, None, "", _EPOCH)
        own = tuple(b.date for b in blocks(shape) if b.date and b in had and b not in theirs)
        record = uow.absences.add(where, volunteer, first, last, start, end, reason, actor.id, own)
    added = tuple(b for b in blocks(record) if b not in had)
    uow.volunteers.upsert(where, replace(person, unavailable=had + added))
    _check_weeks(uow, where, first, last)
    return record, known is None


def _refuse_over_marked(uow: UnitOfWork, where: str, volunteer: str, days: Days) -> None:
    """ConflictError when the absence covers a visit of theirs marked done or missed: it is
    past, its hours are in the ledger; a repair would give it to someone else after the fact
    (as a decline of it is refused)."""
    first, last, start, end, _ = days
    week = first.start_of("week")
    while week <= last:
        try:
            theirs = uow.assignments.for_volunteer(where, volunteer, week)
        except NotFoundError:  # no such week stored
            theirs = []
        for a in theirs:
            at = a.start.in_timezone(a.timezone)
            lo = at.hour * 60 + at.minute
            hi = lo + int((a.end - a.start).total_seconds() // 60)
            if not first <= at.date() <= last or a.state == "declined":
                continue
            if start is not None and end is not None and not (lo < end and start < hi):
                continue
            if (marked := uow.assignments.marked(a.id)) is not None:
                raise ConflictError(msg("absence_over_marked", id=a.id, task=a.task,
                                        start=at.format("YYYY-MM-DD HH:mm"),
                                        state=msg(f"outcome_{marked}")))  # fmt: skip
        week = week.add(days=7)


def _weeks_with(
    uow: UnitOfWork, actor: Actor, where: str, volunteer: str, days: Days,
    weeks: list[pendulum.Date],
) -> list[_Week]:  # fmt: skip
    """Each published week the absence touches, built as it will be with the absence: the
    absence written in a transaction that is then rolled back (stored only with its repairs)."""
    out: list[_Week] = []
    with uow:
        found = []
        for week in weeks:
            try:
                published = uow.plans.published(where, week)
            except NotFoundError:  # no such week yet: it will be built with the absence
                continue
            if published is not None and published.result is not None:
                found.append((week, published, uow.weeks.version(where, week)))
        record, _ = _write(uow, actor, where, volunteer, days)
        for week, published, version in found:
            built, _ = built_week(uow, published.id, where, week)
            waiting = uow.plans.active(where, week) is not None
            out.append(_Week(week, published, version, built, record, waiting))
    return out  # left without commit: nothing of it stored


def _repair(recommender: Recommender, w: _Week) -> _Week:
    """The week's published plan repaired for the absence (outside any transaction)."""
    if w.waiting:
        return w
    scenario, before = w.built.scenario, w.published.result
    assert before is not None
    scenario = kept_busy(scenario, before)  # a marked visit kept apart: its time is taken
    spans = _spans(w.absence, w.week)
    hit = [a.task for a in before.assignments
           if any(v.id == w.absence.volunteer for v in a.volunteers)
           and any(a.start < hi and lo < a.end for lo, hi in spans)]  # fmt: skip
    result, changed = recommender.repair_all(scenario, before, hit)
    if not list(result.extra.get("repair", {}).get("tasks") or ()):
        return w
    result.extra["repair"] = {**result.extra["repair"], "parent": w.published.id,
                              "changed": changed, "cause": "absence"}  # fmt: skip
    result.extra["basis"] = w.built.basis.to_json()
    carry_kept(result, before)
    report = validate(scenario, plan_json.dump(result, scenario))
    return dataclasses.replace(w, result=result, changed=changed, report=report)


def _store(
    uow: UnitOfWork, actor: Actor, where: str, volunteer: str, days: Days, made: list[_Week]
) -> Reported | None:
    """The absence and every week's repair stored and published in one transaction, if no
    week was published or written meanwhile (else None: made again on the weeks now)."""
    repairs: list[WeekRepair] = []
    with uow:
        for w in made:
            uow.weeks.lock(where, w.week)
            if not still_current(uow, (where, w.week), w.published.id, w.version):
                return None
        record, new = _write(uow, actor, where, volunteer, days)
        for w in made:
            if w.waiting or uow.plans.active(where, w.week) is not None:
                repairs.append(WeekRepair(w.week, None, waiting=True))
                continue
            if w.result is None or w.report is None:
                repairs.append(WeekRepair(w.week, None))
                continue
            version = uow.weeks.version(where, w.week)  # with the absence, as it is stored
            plan = store_repair(
                uow, actor, (where, w.week), w.published.id, w.result, w.report,
                (w.built, version), PlanRequest(actor.id),
                {"changed": w.changed, "absence": record.id},
            )  # fmt: skip
            lost = set(w.result.extra["repair"].get("tasks") or ())
            before = w.published.result
            assert before is not None
            unserved = tuple(Unserved(u.task, u.reason, u.detail)
                             for u in w.result.unserved if u.task in lost)  # fmt: skip
            moved = moved_between(before, w.result)
            repairs.append(WeekRepair(w.week, plan, w.changed, moved, unserved))
        if new:
            detail: Json = {"from": days[0].isoformat(), "to": days[1].isoformat(),
                            "reason": days[4]}  # fmt: skip
            uow.audit.record(actor.id, "absence.create", f"volunteer {volunteer}", where, detail)
        uow.commit()
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
    stay: they hold without it; the next solve may use the days again), but for the days
    another absence holds too and those the roster had marked itself (`roster_days`)."""
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    with uow:
        record = uow.absences.get(where, volunteer, ident)
        rest = [a for a in uow.absences.of(where, volunteer) if a.id != ident]
        others = {b for a in rest for b in blocks(a)}
        own = {b for b in blocks(record) if b.date in record.roster_days}
        gone = set(blocks(record)) - others - own
        handed: dict[int, AbsenceRecord] = {}
        for day in record.roster_days:  # the roster's days another absence holds too: it
            held = [a for a in rest for b in blocks(a) if b in own and b.date == day]
            if held:  # keeps them as the roster's now
                keeper = handed.get(held[0].id, held[0])
                handed[keeper.id] = replace(keeper, roster_days=(*keeper.roster_days, day))
        for a in handed.values():
            uow.absences.keep_roster_days(where, volunteer, a.id, a.roster_days)
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


def moved_between(before: Plan, after: Plan) -> tuple[Moved, ...]:
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
