"""Lists brought in from a spreadsheet (volunteers, residents, a week's tasks): every row
checked as the roster and task use cases check one entry, every bad row told with its number
and field, and the rows stored all together in one transaction or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mutualaid.contract.roster import referenced
from mutualaid.domain.facts import Fact
from mutualaid.domain.roster import RosterEntry, RosterKind
from mutualaid.domain.tasks import SentTask
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.ports import InvalidRequest, PreparedTasks, UnitOfWork
from mutualaid.services.roster import SINGULAR, checked_entry, repo_of
from mutualaid.services.weeks import Runner, plainly

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
    row is checked, in order, in a read-only transaction; with any problem, or when only
    previewing (`store` false), the problems are the answer. Else all the rows are stored in
    one short write transaction, or none: checking 3,000 rows inside it held SQLite's one write
    lock 10 s, and every other write of every area meanwhile answered 503 busy (stop 26, D2);
    the write is one statement (`upsert_all`).
    When an id the rows name (a resident's preferred volunteer) was deleted between the two,
    the rows are checked again inside the write, as before."""
    where = actor.area(area)
    _too_many(rows)
    problems = _repeated(rows)
    with uow.reading() as reader:
        entries, bad = _checked(reader, kind, where, rows)
    problems.extend(bad)
    if problems or not store:
        return sorted(problems, key=lambda p: p.row)
    with uow:
        if not _still_known(uow, kind, where, rows):
            entries, bad = _checked(uow, kind, where, rows)
            if bad:
                return sorted(bad, key=lambda p: p.row)
        repo_of(uow, kind).upsert_all(where, entries)
        detail: dict[str, Fact] = {"kind": kind, "rows": len(rows)}
        uow.audit.record(actor.id, f"{SINGULAR[kind]}.import", f"area {where}", where, detail)
        uow.commit()
    return []


def _checked(
    uow: UnitOfWork, kind: RosterKind, where: str, rows: Sequence[Row]
) -> tuple[list[RosterEntry], list[RowProblem]]:
    uow.areas.get(where)
    entries: list[RosterEntry] = []
    problems: list[RowProblem] = []
    for r in rows:
        try:
            entries.append(checked_entry(uow, kind, where, r.item))
        except (ScenarioError, InvalidRequest) as exc:
            problems.extend(_problems(r.number, exc))
    return entries, problems


def _still_known(uow: UnitOfWork, kind: RosterKind, where: str, rows: Sequence[Row]) -> bool:
    """Whether every id of another list the rows name is still stored (one read a list)."""
    named: dict[RosterKind, set[str]] = {}
    for r in rows:
        for other, idents in referenced(kind, r.item).items():
            named.setdefault(other, set()).update(idents)
    return all(repo_of(uow, o).known(where, ids) == ids for o, ids in named.items() if ids)


def import_tasks(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str, rows: Sequence[Row],
    store: bool, run: Runner | None = None,
) -> list[RowProblem]:  # fmt: skip
    """Add or update each row's task of the week (by id), as `put_task` would: every row
    checked against the week in a read-only transaction, then (when none is bad and `store`)
    all stored in one write transaction, run by `run` (`task_edits.Repairing`: the published
    visits the rows break repaired in it)."""
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

    def write(w: UnitOfWork) -> None:
        for one in prepared:
            w.weeks.store_task(where, week, one)
        detail: dict[str, Fact] = {"week": week.isoformat(), "rows": len(rows)}
        w.audit.record(actor.id, "task.import", f"week {where}/{week}", where, detail)

    (run or plainly)(uow, where, week, write)
    return []
