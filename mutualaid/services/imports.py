"""Lists brought in from a spreadsheet (volunteers, residents, a week's tasks): every row
checked as the roster and task use cases check one entry, every bad row told with its number
and field, and the rows stored all together in one transaction or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mutualaid.domain.facts import Fact
from mutualaid.domain.roster import RosterKind
from mutualaid.domain.tasks import SentTask
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.ports import InvalidRequest, PreparedTasks, UnitOfWork
from mutualaid.services.roster import SINGULAR, checked_entry, repo_of

MAX_ROWS = 5_000
"""Rows in one file: a district's list fits; past that it is refused before any check."""


@dataclass(frozen=True)
class Row:
    """One row of the file: its number as the spreadsheet shows it (the header is row 1) and
    the entry it describes, in the contract's field names."""

    number: int
    item: Mapping[str, Any]


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    """The entry's field path, as the use cases name it (`home.lat`, `needs[0].skill`)."""
    message: str


def _problems(number: int, exc: ScenarioError | InvalidRequest) -> list[RowProblem]:
    return [RowProblem(number, p.path, p.message) for p in exc.problems]


def _repeated(rows: Sequence[Row]) -> list[RowProblem]:
    """An id given on two rows: the second would silently replace the first."""
    first: dict[str, int] = {}
    out = []
    for r in rows:
        ident = str(r.item.get("id") or "").strip()
        if not ident:
            continue
        if ident in first:
            out.append(RowProblem(r.number, "id", msg("import_repeated_id", id=ident,
                                                      row=first[ident])))  # fmt: skip
        else:
            first[ident] = r.number
    return out


def _too_many(rows: Sequence[Row]) -> None:
    if len(rows) > MAX_ROWS:
        raise InvalidRequest([Problem("", msg("import_too_many", count=len(rows), most=MAX_ROWS))])


def import_roster(
    uow: UnitOfWork, actor: Actor, kind: RosterKind, area: str | None, rows: Sequence[Row],
    store: bool,
) -> list[RowProblem]:  # fmt: skip
    """Add or update each row's volunteer or resident (by id), as `put_entity` would. Every
    row is checked, in order, in one transaction; with any problem, or when only previewing
    (`store` false), it is rolled back and the problems are the answer. Else it commits: all
    the rows or none."""
    where = actor.area(area)
    _too_many(rows)
    problems = _repeated(rows)
    with uow:
        uow.areas.get(where)
        repo = repo_of(uow, kind)
        for r in rows:
            try:
                repo.upsert(where, checked_entry(uow, kind, where, r.item))
            except (ScenarioError, InvalidRequest) as exc:
                problems.extend(_problems(r.number, exc))
        if problems or not store:
            return sorted(problems, key=lambda p: p.row)
        detail: dict[str, Fact] = {"kind": kind, "rows": len(rows)}
        uow.audit.record(actor.id, f"{SINGULAR[kind]}.import", f"area {where}", where, detail)
        uow.commit()
    return []


def import_tasks(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str, rows: Sequence[Row],
    store: bool,
) -> list[RowProblem]:  # fmt: skip
    """Add or update each row's task of the week (by id), as `put_task` would: every row
    checked against the week in a read-only transaction, then (when none is bad and `store`)
    all stored in one write transaction."""
    where, week = actor.area(area), parse_week(week_start)
    _too_many(rows)
    problems = _repeated(rows)
    prepared: list[PreparedTasks] = []
    with uow.reading() as reader:
        for r in rows:
            try:
                prepared.append(reader.weeks.prepare_task(where, week, SentTask(r.item)))
            except (ScenarioError, InvalidRequest) as exc:
                problems.extend(_problems(r.number, exc))
    if problems or not store:
        return sorted(problems, key=lambda p: p.row)
    with uow:
        for one in prepared:
            uow.weeks.store_task(where, week, one)
        detail: dict[str, Fact] = {"week": week.isoformat(), "rows": len(rows)}
        uow.audit.record(actor.id, "task.import", f"week {where}/{week}", where, detail)
        uow.commit()
    return []
