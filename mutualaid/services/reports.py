"""Reports of a week or a month of an area: requests received, served and unserved by reason,
those that had waited, hours by volunteer and team, and residents reached by category.

A month is the weeks whose Monday falls in it (a week is planned whole, so it is counted
whole, in the month it starts). Everything is read from each week's tasks and its published
plan as it stands: a visit counts while the plan gives it (not declined, not withdrawn).
Hours assigned are the minutes of the visits given; hours done are what the hours ledger holds
for those same visits (their credits less their reversals, so a visit marked done counts its
actual minutes, one un-marked counts none). A team's hours are its visits as a team, and its
members' other visits under their first team.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import quote

import pendulum

from mutualaid.contract.export import stored_task_json
from mutualaid.contract.roster import to_json as roster_json
from mutualaid.domain.ledger import CREDIT, MISSED, REVERSAL, LedgerEntry
from mutualaid.domain.lifecycle import DECLINED, WITHDRAWN
from mutualaid.domain.model import CATEGORIES
from mutualaid.domain.week import expanded
from mutualaid.errors import Problem
from mutualaid.messages import msg
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.cells import inert
from mutualaid.services.ledger_ports import BooksUnitOfWork
from mutualaid.services.ports import AssignmentRecord, InvalidRequest, Json, UnitOfWork

NOT_PLANNED = "not_planned"
"""The reason of a task no published plan speaks of (no plan yet, or added since)."""
MISSED_REASON = "missed"
"""The reason of a task whose every visit was marked missed."""
_MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class Period:
    kind: str
    """week | month"""
    label: str
    """2026-11-30, or 2026-11"""
    first: pendulum.Date
    last: pendulum.Date

    def holds(self, week_start: pendulum.Date) -> bool:
        if self.kind == "week":
            return week_start == self.first
        return self.first <= week_start <= self.last


def period_of(kind: str, text: str) -> Period:
    """The week (a Monday, YYYY-MM-DD) or month (YYYY-MM) named; InvalidRequest otherwise."""
    if kind == "week":
        monday = parse_week(text, "week")
        return Period("week", monday.isoformat(), monday, monday.add(days=6))
    if kind == "month" and _MONTH.fullmatch(text):
        year, month = int(text[:4]), int(text[5:])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            first = pendulum.Date(year, month, 1)
            return Period("month", text, first, first.end_of("month"))
    raise InvalidRequest([Problem("month", msg("report_bad_month", got=text))])


@dataclass
class PersonHours:
    id: str
    name: str
    visits: int = 0
    minutes_assigned: int = 0
    minutes_done: int = 0


@dataclass
class Report:
    area: str
    period: Period
    weeks: list[str] = field(default_factory=list)
    """The weeks counted (their Mondays), and of those the ones with no published plan."""
    unplanned_weeks: list[str] = field(default_factory=list)
    received: int = 0
    """Tasks in the weeks (a series counts once per day it runs)."""
    served: int = 0
    unserved: dict[str, int] = field(default_factory=dict)
    """By reason: the contract's (no_skill, out_of_range, excluded, no_time, capacity),
    not_planned, and missed (given, but every visit marked missed)."""
    by_priority: dict[str, dict[str, int]] = field(default_factory=dict)
    """priority -> {received, served}"""
    waited_received: int = 0
    """Tasks that had already waited a week or more when received."""
    waited_served: int = 0
    volunteers: list[PersonHours] = field(default_factory=list)
    teams: list[PersonHours] = field(default_factory=list)
    residents_reached: int = 0
    residents_by_category: dict[str, int] = field(default_factory=dict)
    """Distinct residents at whose home (or for whom) a served task was, per category."""


def build_report(uow: UnitOfWork, actor: Actor, area: str | None, kind: str, text: str) -> Report:
    """The area's report for the week or month named (admin, the area's coordinator)."""
    where = actor.area(area)
    period = period_of(kind, text)
    report = Report(where, period)
    served_residents: set[str] = set()
    with cast(BooksUnitOfWork, uow.reading()) as reader:
        reader.areas.get(where)
        weeks = [w for w in reader.weeks.all(where) if period.holds(w.week_start)]
        people = {v.id: roster_json(v) for v in reader.volunteers.all(where)}
        teams = {t.id: roster_json(t) for t in reader.teams.all(where)}
        residents = {r.id: roster_json(r) for r in reader.residents.all(where)}
        done = done_minutes(reader.ledger.entries(where))
        hours: dict[str, PersonHours] = {}
        team_hours: dict[str, PersonHours] = {}
        for week in sorted(weeks, key=lambda w: w.week_start):
            report.weeks.append(week.week_start.isoformat())
            tasks, gives, reasons = week_outcome(reader, where, week.week_start)
            if gives is None:
                report.unplanned_weeks.append(week.week_start.isoformat())
                gives = []
            missed = all_missed(reader, where, week.week_start, gives)
            served = {r.task for r in gives} - missed
            for ident, task in tasks.items():
                priority = str(task.get("priority") or "normal")
                counts = report.by_priority.setdefault(priority, {"received": 0, "served": 0})
                counts["received"] += 1
                waited = int(task.get("waited") or 0) > 0
                report.received += 1
                report.waited_received += waited
                if ident in served:
                    report.served += 1
                    counts["served"] += 1
                    report.waited_served += waited
                    if task.get("resident"):
                        served_residents.add(str(task["resident"]))
                else:
                    why = MISSED_REASON if ident in missed else reasons.get(ident, NOT_PLANNED)
                    report.unserved[why] = report.unserved.get(why, 0) + 1
            for r in gives:
                minutes = int((r.end - r.start).total_seconds() // 60)
                name = str(people.get(r.volunteer, {}).get("name") or r.volunteer)
                person = hours.setdefault(r.volunteer, PersonHours(r.volunteer, name))
                person.visits += 1
                person.minutes_assigned += minutes
                person.minutes_done += done.get(r.id, 0)
                team = r.team or _first_team(people.get(r.volunteer))
                if team is not None:
                    tname = str(teams.get(team, {}).get("name") or team)
                    crew = team_hours.setdefault(team, PersonHours(team, tname))
                    crew.visits += 1
                    crew.minutes_assigned += minutes
                    crew.minutes_done += done.get(r.id, 0)
    report.volunteers = sorted(hours.values(), key=lambda p: (-p.minutes_assigned, p.id))
    report.teams = sorted(team_hours.values(), key=lambda p: (-p.minutes_assigned, p.id))
    report.residents_reached = len(served_residents)
    found = Counter(
        c for r in served_residents for c in residents.get(r, {}).get("categories") or ()
    )
    report.residents_by_category = {c: found.get(c, 0) for c in CATEGORIES}
    return report


def week_outcome(
    reader: UnitOfWork, area: str, week: pendulum.Date
) -> tuple[dict[str, Json], list[AssignmentRecord] | None, dict[str, str]]:
    """The week's tasks (a series once per day), the visits its published plan gives (not
    declined or withdrawn; None when no plan is published) and the unserved tasks' reasons."""
    tasks = _expanded(map(stored_task_json, reader.weeks.tasks(area, week)))
    plan = reader.plans.published(area, week)
    if plan is None or plan.result is None:
        return tasks, None, {}
    gives = [
        r for r in reader.assignments.for_plan(plan.id)
        if r.state not in (DECLINED, WITHDRAWN) and r.task in tasks
    ]  # fmt: skip
    reasons = {u.task: u.reason for u in plan.result.unserved}
    return tasks, gives, reasons


def all_missed(
    reader: BooksUnitOfWork, area: str, week: pendulum.Date, gives: list[AssignmentRecord] | None
) -> set[str]:
    """Tasks given whose every visit was marked missed: not served (the backlog's rule)."""
    if not gives:
        return set()
    outcome = {o.assignment: o.state for o in reader.visits.for_week(area, week)}
    by_task: dict[str, list[str | None]] = {}
    for r in gives:
        by_task.setdefault(r.task, []).append(outcome.get(r.id))
    return {t for t, states in by_task.items() if all(s == MISSED for s in states)}


def done_minutes(entries: Iterable[LedgerEntry]) -> dict[int, int]:
    """Minutes the ledger holds per visit (assignment id): credits less reversals."""
    per: dict[int, int] = {}
    for e in entries:
        if e.assignment is not None and e.kind in (CREDIT, REVERSAL):
            per[e.assignment] = per.get(e.assignment, 0) + e.minutes
    return per


def record_export(uow: UnitOfWork, actor: Actor, report: Report) -> None:
    """An export (the report leaving the service as a file) in the audit log."""
    with uow:
        detail = {"period": report.period.kind, "label": report.period.label}
        uow.audit.record(actor.id, "report.export", f"report {report.period.label}",
                         report.area, detail)  # fmt: skip
        uow.commit()


def _expanded(tasks: Iterable[Json]) -> dict[str, Json]:
    """The week's tasks by the ids plans give them (a series once per day)."""
    return {i: t for t in tasks for i in expanded(str(t["id"]), t.get("every") or None)}


def _first_team(person: Json | None) -> str | None:
    teams = (person or {}).get("teams") or ()
    return str(teams[0]) if teams else None


def report_json(report: Report) -> Json:
    """The report as the API answers it (the note says what the hours are)."""
    p = report.period
    return {
        "area": report.area,
        "period": {
            "kind": p.kind,
            "label": p.label,
            "first": p.first.isoformat(),
            "last": p.last.isoformat(),
        },
        "weeks": report.weeks,
        "unplanned_weeks": report.unplanned_weeks,
        "received": report.received,
        "served": report.served,
        "unserved": dict(sorted(report.unserved.items())),
        "by_priority": report.by_priority,
        "waited": {"received": report.waited_received, "served": report.waited_served},
        "volunteers": [_hours_json(h) for h in report.volunteers],
        "teams": [_hours_json(h) for h in report.teams],
        "residents": {
            "reached": report.residents_reached,
            "by_category": report.residents_by_category,
        },
        "note": msg("report_note"),
    }


def _hours_json(h: PersonHours) -> Json:
    return {"id": h.id, "name": h.name, "visits": h.visits,
            "hours_assigned": round(h.minutes_assigned / 60, 2),
            "hours_done": round(h.minutes_done / 60, 2)}  # fmt: skip


class _Writer:
    """A CSV writer whose text cells cannot be read as a formula by a spreadsheet (a name
    beginning =, +, - or @ is written with a leading apostrophe)."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: list[object]) -> None:
        self.writer.writerow([inert(v) for v in row])


def csv_filename(report: Report) -> str:
    """The CSV's file name, ASCII whatever the area's id holds (a header is Latin-1: an area
    named 二七区 made the export a 500)."""
    area = quote(report.area, safe="")
    return f"mutualaid-{area}-{report.period.kind}-{report.period.label}.csv"


def report_csv(report: Report) -> str:
    """The report as one CSV table: section, id, name, value, unit (UTF-8 with a BOM, so a
    spreadsheet opens Chinese names right)."""
    out = io.StringIO()
    w = _Writer(csv.writer(out, lineterminator="\r\n"))
    w.writerow(["section", "id", "name", "value", "unit"])
    p = report.period
    w.writerow(["period", p.kind, p.label, f"{p.first.isoformat()}..{p.last.isoformat()}", ""])
    w.writerow(["requests", "received", "", report.received, "tasks"])
    w.writerow(["requests", "served", "", report.served, "tasks"])
    for reason, n in sorted(report.unserved.items()):
        w.writerow(["unserved", reason, "", n, "tasks"])
    for priority, counts in report.by_priority.items():
        for what, n in counts.items():
            w.writerow([f"priority_{what}", priority, "", n, "tasks"])
    w.writerow(["waited", "received", "", report.waited_received, "tasks"])
    w.writerow(["waited", "served", "", report.waited_served, "tasks"])
    for section, rows in (("volunteer", report.volunteers), ("team", report.teams)):
        for h in rows:
            w.writerow([f"{section}_hours_assigned", h.id, h.name,
                        round(h.minutes_assigned / 60, 2), "hours"])  # fmt: skip
            w.writerow([f"{section}_hours_done", h.id, h.name,
                        round(h.minutes_done / 60, 2), "hours"])  # fmt: skip
            w.writerow([f"{section}_visits", h.id, h.name, h.visits, "visits"])
    w.writerow(["residents", "reached", "", report.residents_reached, "residents"])
    for category, n in report.residents_by_category.items():
        w.writerow(["residents_by_category", category, "", n, "residents"])
    w.writerow(["note", "", "", msg("report_note"), ""])
    return "\ufeff" + out.getvalue()
