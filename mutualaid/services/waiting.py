"""Residents who waited: those left unserved two weeks or more running, with the reason of
each week (issue 11 item 4).

A resident is left unserved in a week when a task for them (at their home, or for them) is
not served by the week's published plan: the plan left it unserved (its reason code), no plan
is published (`not_planned`), or every visit it gave was marked missed (`missed`). Weeks run
when their Mondays are seven days apart and the resident was left unserved in each. Reasons
are stored and answered as codes; the edge words them in the reader's language.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import cast

import pendulum

from mutualaid.errors import Problem
from mutualaid.messages import msg
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.cells import inert
from mutualaid.services.ledger_ports import BooksUnitOfWork
from mutualaid.services.ports import InvalidRequest, Json, UnitOfWork
from mutualaid.services.reports import MISSED_REASON, NOT_PLANNED, all_missed, week_outcome

LEAST_WEEKS = 2


@dataclass(frozen=True)
class Miss:
    task: str
    title: str
    reason: str
    """A reason code: the contract's, not_planned or missed."""


@dataclass(frozen=True)
class WeekLeft:
    week: str
    misses: tuple[Miss, ...]


@dataclass(frozen=True)
class Waited:
    """One run of weeks a resident was left unserved."""

    resident: str
    name: str
    weeks: tuple[WeekLeft, ...]
    running: bool
    """The run reaches the last week counted (they are still waiting)."""


def residents_who_waited(
    uow: UnitOfWork, actor: Actor, area: str | None, until: str | None = None,
    least: int = LEAST_WEEKS,
) -> list[Waited]:  # fmt: skip
    """Every run of `least` weeks or more running in which a resident of the area was left
    unserved, up to the week `until` (a Monday; default: the area's last week), longest first."""
    where = actor.area(area)
    last = parse_week(until, "until") if until else None
    if least < 1:
        raise InvalidRequest([Problem("least", msg("waited_bad_least", got=least))])
    left: dict[str, list[tuple[pendulum.Date, list[Miss]]]] = {}
    with cast(BooksUnitOfWork, uow.reading()) as reader:
        reader.areas.get(where)
        residents = {r.id: r.name for r in reader.residents.all(where)}
        weeks = sorted(w.week_start for w in reader.weeks.all(where))
        weeks = [w for w in weeks if last is None or w <= last]
        for week in weeks:
            tasks, gives, reasons = week_outcome(reader, where, week)
            missed = all_missed(reader, where, week, gives)
            served = {r.task for r in gives or ()} - missed
            per: dict[str, list[Miss]] = {}
            for ident, task in tasks.items():
                if not task.get("resident") or ident in served:
                    continue
                why = MISSED_REASON if ident in missed else reasons.get(ident, NOT_PLANNED)
                miss = Miss(ident, str(task.get("title") or ident), why)
                per.setdefault(str(task["resident"]), []).append(miss)
            for resident, misses in per.items():
                left.setdefault(resident, []).append((week, misses))
    end = weeks[-1] if weeks else None
    found = [
        Waited(resident, residents.get(resident) or resident,
               tuple(WeekLeft(w.isoformat(), tuple(m)) for w, m in run), run[-1][0] == end)
        for resident, rows in left.items()
        for run in _runs(rows) if len(run) >= least
    ]  # fmt: skip
    return sorted(found, key=lambda f: (-len(f.weeks), not f.running, f.resident, f.weeks[0].week))


def _runs(
    rows: list[tuple[pendulum.Date, list[Miss]]],
) -> list[list[tuple[pendulum.Date, list[Miss]]]]:
    """The rows (by week, ascending) cut where a week does not follow the one before."""
    runs: list[list[tuple[pendulum.Date, list[Miss]]]] = []
    for row in rows:
        if runs and (row[0] - runs[-1][-1][0]).in_days() == 7:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def waited_json(found: list[Waited]) -> list[Json]:
    """The runs as the API answers them: reasons as codes, each worded beside it."""
    return [
        {
            "resident": w.resident,
            "name": w.name,
            "weeks_running": len(w.weeks),
            "running": w.running,
            "weeks": [
                {"week": k.week, "unserved": [
                    {"task": m.task, "title": m.title, "reason": m.reason,
                     "reason_text": msg(f"reason_{m.reason}")}
                    for m in k.misses
                ]}
                for k in w.weeks
            ],
        }
        for w in found
    ]  # fmt: skip


def waited_csv(found: list[Waited]) -> str:
    """One row per resident, week and task left unserved (UTF-8 with a BOM)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["resident", "name", "weeks_running", "running", "week", "task", "title",
                "reason", "reason_text"])  # fmt: skip
    for run in found:
        for k in run.weeks:
            for m in k.misses:
                w.writerow([inert(run.resident), inert(run.name), len(run.weeks),
                            "yes" if run.running else "no", k.week, inert(m.task),
                            inert(m.title), m.reason, msg(f"reason_{m.reason}")])  # fmt: skip
    return "\ufeff" + out.getvalue()
