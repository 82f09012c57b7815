"""Use cases of the backlog: requests recorded on any day, withdrawn, and drawn into a week's
tasks (`draw_week`), each with the weeks it already waited; a request served, or past its
deadline, is settled at the next draw (`mutualaid.domain.backlog.decide`)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import pendulum

from mutualaid.contract.requests import read_request, task_of
from mutualaid.domain.backlog import (
    OPEN,
    OVERDUE,
    REQUEST_STATUSES,
    SERVED,
    WITHDRAWN,
    Decision,
    Draw,
    Request,
    decide,
)
from mutualaid.domain.ledger import MISSED
from mutualaid.domain.tasks import SentTask, StoredTask
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.ledger_ports import BooksUnitOfWork
from mutualaid.services.ports import (
    ConflictError,
    InvalidRequest,
    NotFoundError,
    PreparedTasks,
    UnitOfWork,
)


def today_in(uow: UnitOfWork, area: str) -> pendulum.Date:
    """Today in the area's time zone."""
    return pendulum.now(uow.areas.get(area).timezone).date()


def list_requests(
    uow: BooksUnitOfWork, actor: Actor, area: str | None, status: str | None = None
) -> tuple[list[Request], pendulum.Date]:
    """The area's requests (of one status if given), with today in the area (for `overdue`)."""
    where = actor.area(area)
    if status is not None and status not in REQUEST_STATUSES:
        choices = ", ".join(REQUEST_STATUSES)
        raise InvalidRequest([Problem("status", msg("not_choice", choices=choices, got=status))])
    with uow:
        today = today_in(uow, where)
        return uow.requests.all(where, None if status is None else [status]), today


def get_request(uow: BooksUnitOfWork, actor: Actor, area: str | None, ident: str) -> Request:
    where = actor.area(area)
    with uow:
        return uow.requests.get(where, ident)


def save_request(
    uow: BooksUnitOfWork, actor: Actor, area: str | None, body: Any, ident: str | None = None
) -> tuple[Request, bool]:
    """Record a request (`ident` None: the body's id, which must be new) or change one (its
    status and the day it was recorded are kept, but an overdue one given a deadline of
    today or later is open again). True when it is new. The resident, site
    and household's volunteer it names must be the area's (InvalidRequest naming the field)."""
    where = actor.area(area)
    with uow:
        today = today_in(uow, where)
        request = read_request(body, where, today, ident)
        _check_names(uow, request)
        try:
            before: Request | None = uow.requests.get(where, request.id)
        except NotFoundError:
            before = None
        if before is None:
            uow.requests.add(request)
        elif ident is None:
            raise ConflictError(msg("request_exists", id=request.id))
        else:
            if before.status == WITHDRAWN:
                raise ConflictError(msg("request_withdrawn", id=request.id))
            # an overdue request whose deadline moved to today or later is open again
            reopened = before.status == OVERDUE and not request.overdue_on(today)
            request = dataclasses.replace(
                request, status=OPEN if reopened else before.status, recorded_on=before.recorded_on
            )
            uow.requests.update(request)
        action = "request.create" if before is None else "request.update"
        uow.audit.record(actor.id, action, f"request {request.id}", where, {})
        uow.commit()
    return request, before is None


def withdraw_request(
    uow: BooksUnitOfWork, actor: Actor, area: str | None, ident: str,
    today: pendulum.Date | None = None,
) -> tuple[Request, list[str]]:  # fmt: skip
    """The request is withdrawn (kept, never drawn again); its tasks are deleted from the
    weeks not yet over whose published plan does not give them (so no later solve plans
    them). The weeks gone by keep it as they were: what they received and left unserved is
    their history (the reports, the residents who waited). The request and the weeks whose
    task went."""
    where = actor.area(area)
    with uow:
        request = uow.requests.get(where, ident)
        today = today or today_in(uow, where)
        gone: list[str] = []
        if request.status != WITHDRAWN:
            request = dataclasses.replace(request, status=WITHDRAWN)
            uow.requests.update(request)
            for d in uow.requests.draws(where, ident):
                if d.week_start.add(days=6) < today:
                    continue  # a week gone by: its history stays
                if d.task in _published_tasks(uow, where, d.week_start):
                    continue  # visits already given stay; the coordinator decides
                try:
                    uow.weeks.delete_task(where, d.week_start, d.task)
                except NotFoundError:
                    continue  # deleted by hand already
                gone.append(d.week_start.isoformat())
            uow.audit.record(
                actor.id, "request.withdraw", f"request {ident}", where, {"weeks": gone}
            )
            uow.commit()
    return request, gone


@dataclass(frozen=True)
class Drawn:
    """What drawing a week did."""

    week_start: pendulum.Date
    drawn: list[tuple[Request, int]]
    """The requests that have a task in the week, with its `waited`."""
    served: list[Request]
    """Closed now: an earlier week's published plan served them."""
    overdue: list[Request]
    """Flagged now: their deadline passed unserved."""
    skipped: list[tuple[Request, list[Problem]]]
    """Open requests whose task the week cannot take as it is (a resident since deleted...)."""
    kept: list[Request] = dataclasses.field(default_factory=list)
    """Requests changed since their task was drawn into this week, whose task the published
    plan gives visits: the week keeps the task as drawn (a published visit never changes
    under its volunteer); the coordinator changes the week's task itself, which repairs the
    plan (`services.task_edits`), and later weeks draw the request as it is now."""


DRAW_ATTEMPTS = 3
"""How often a draw reads the week again when its tasks or requests changed meanwhile."""
_TASK_PATH = re.compile(r"^tasks\[(\d+)\]\.?")


@dataclass(frozen=True)
class _Planned:
    """A draw worked out in a read-only transaction, to be stored in a short write one."""

    decisions: list[Decision]
    open_ids: set[str]
    task_ids: list[str]
    """The week's tasks when read (a task added meanwhile must not be replaced away)."""
    prepared: PreparedTasks | None
    """The week's tasks with the drawn ones, checked; None when nothing is drawn."""
    drawn: list[tuple[Request, int]]
    skipped: list[tuple[Request, list[Problem]]]
    kept: list[Request] = dataclasses.field(default_factory=list)


def draw_week(
    uow: BooksUnitOfWork, actor: Actor, area: str | None, week_start: str,
    today: pendulum.Date | None = None,
) -> Drawn:  # fmt: skip
    """Draw the week's tasks from the open requests (the week is created when missing). An
    earlier week served a request when its published plan gave the task and not every visit
    of it was marked missed. Drawing a week again brings its drawn tasks up to date and adds
    new requests' tasks; the week's other tasks stay as they are.

    The week's tasks with the drawn ones are checked in one batch in a read-only transaction
    (a request whose task the week cannot take is skipped, with the problems); the write
    transaction only stores them, after reading again if the week's tasks or the open
    requests changed meanwhile. `today` (the area's when None; a replay's own) decides which
    requests past their deadline are flagged overdue (`decide`)."""
    where, week = actor.area(area), parse_week(week_start)
    for _ in range(DRAW_ATTEMPTS):
        planned = _plan_draw(cast(BooksUnitOfWork, uow.reading()), where, week, today)
        with uow:
            open_now = {r.id for r in uow.requests.all(where, [OPEN])}
            if open_now != planned.open_ids or _task_ids(uow, where, week) != planned.task_ids:
                continue  # changed since it was read: read again
            for d in planned.decisions:
                if d.request.status != OPEN:
                    uow.requests.update(d.request)
            if planned.prepared is not None:
                uow.weeks.store_tasks(where, week, planned.prepared)
            for request, _waited in planned.drawn:
                uow.requests.add_draw(where, Draw(request.id, week, request.task_id))
            result = Drawn(
                week,
                planned.drawn,
                [d.request for d in planned.decisions if d.request.status == SERVED],
                [d.request for d in planned.decisions if d.request.status == OVERDUE],
                planned.skipped,
                planned.kept,
            )
            detail: Mapping[str, Any] = {
                "drawn": [r.id for r, _ in result.drawn],
                "served": [r.id for r in result.served],
                "overdue": [r.id for r in result.overdue],
                "skipped": [r.id for r, _ in result.skipped],
                "kept": [r.id for r in result.kept],
            }
            target = f"week {where}/{week.isoformat()}"
            uow.audit.record(actor.id, "week.draw", target, where, detail)
            uow.commit()
            return result
    raise ConflictError(msg("draw_contended", week=week.isoformat()))


def _refuse_a_week_gone(
    reader: BooksUnitOfWork, where: str, week: pendulum.Date, today: pendulum.Date
) -> None:
    """A draw creates a missing week only from this week on or from the area's first week on
    (a gap between its weeks is drawn): a week further back (2000 for 2026, a click far back)
    is refused naming `week_start`, rather than left behind empty."""
    this_week = today.start_of("week")
    if week >= this_week:
        return
    starts = [w.week_start for w in reader.weeks.all(where)]
    if starts and week >= min(starts):
        return
    key, first = ("draw_week_gone_first", min(starts)) if starts else ("draw_week_gone", None)
    text = msg(key, week=week.isoformat(), this_week=this_week.isoformat(), first=first)
    raise InvalidRequest([Problem("week_start", text)])


def _plan_draw(
    reader: BooksUnitOfWork, where: str, week: pendulum.Date, today: pendulum.Date | None
) -> _Planned:
    with reader:
        reader.areas.get(where)  # an unknown area is not found, whoever says what day it is
        today = today or today_in(reader, where)
        _refuse_a_week_gone(reader, where, week, today)
        published: dict[pendulum.Date, dict[str, int]] = {}

        def served(d: Draw) -> bool:
            """The week's published plan gives the task, and not every visit of it was
            marked missed."""
            if d.week_start not in published:
                given = _published_tasks(reader, where, d.week_start)
                for o in reader.visits.for_week(where, d.week_start):
                    if o.state == MISSED and o.task in given:
                        given[o.task] -= 1
                published[d.week_start] = given
            return published[d.week_start].get(d.task, 0) > 0

        requests = reader.requests.all(where, [OPEN])
        decisions = [
            decide(r, reader.requests.draws(where, r.id), week, served, today) for r in requests
        ]
        drawn = {
            d.request.task_id: (d.request, d.waited, SentTask(task_of(d.request, d.waited, d.days)))
            for d in decisions
            if d.days is not None
        }
        try:
            tasks = reader.weeks.tasks(where, week)
        except NotFoundError:
            tasks = []
        task_ids = [t.id for t in tasks]
        merged: list[StoredTask | SentTask] = [
            drawn[t.id][2] if t.id in drawn else t for t in tasks
        ]
        merged += [task for ident, (_, _, task) in drawn.items() if ident not in task_ids]
        skipped: list[tuple[Request, list[Problem]]] = []
        prepared = None
        while drawn:
            try:
                prepared = reader.weeks.prepare_tasks(where, week, merged)
                break
            except (ScenarioError, InvalidRequest) as exc:
                bad = _drawn_problems(exc.problems, merged, drawn)
                for ident, problems in bad.items():
                    skipped.append((drawn.pop(ident)[0], problems))
                merged = [t for t in merged if str(t.id) not in bad]
        kept = _kept_under_plan(reader, where, week, tasks, prepared, drawn)
        if kept:  # the week keeps those tasks as drawn before: checked again with them
            merged = [kept[str(t.id)][1] if str(t.id) in kept else t for t in merged]
            prepared = reader.weeks.prepare_tasks(where, week, merged)
            for ident in kept:
                drawn.pop(ident)
    return _Planned(
        decisions, {r.id for r in requests}, task_ids, prepared,
        [(request, waited) for request, waited, _ in drawn.values()], skipped,
        [request for request, _ in kept.values()],
    )  # fmt: skip


def _kept_under_plan(
    reader: BooksUnitOfWork, where: str, week: pendulum.Date, tasks: list[StoredTask],
    prepared: PreparedTasks | None, drawn: Mapping[str, tuple[Request, int, SentTask]],
) -> dict[str, tuple[Request, StoredTask]]:  # fmt: skip
    """The drawn tasks the draw would change (their request changed since) while the week's
    published plan gives them visits, by id: each with its request and the task as stored,
    which the week keeps."""
    if prepared is None:
        return {}
    live = {t.split("@")[0] for t in _published_tasks(reader, where, week)}
    stored = {t.id: t for t in tasks if t.id in live and t.id in drawn}
    out = {}
    for task in prepared.tasks:
        old = stored.get(task.id)
        if old is not None and dataclasses.replace(task, waited=old.waited) != old:
            out[task.id] = (drawn[task.id][0], old)
    return out


def _drawn_problems(
    problems: list[Problem], tasks: list[StoredTask | SentTask], drawn: Mapping[str, Any]
) -> dict[str, list[Problem]]:
    """The problems of each drawn task, by its id, with paths relative to the task; raises
    ScenarioError when a problem is not a drawn task's (the week itself cannot be stored)."""
    out: dict[str, list[Problem]] = {}
    for p in problems:
        found = _TASK_PATH.match(p.path)
        if found is None or str(tasks[int(found.group(1))].id) not in drawn:
            raise ScenarioError(problems)
        ident = str(tasks[int(found.group(1))].id)
        rest = p.path[found.end() :]
        out.setdefault(ident, []).append(Problem(rest, p.message, p.line))
    return out


def _task_ids(uow: UnitOfWork, area: str, week: pendulum.Date) -> list[str]:
    try:
        return [t.id for t in uow.weeks.tasks(area, week)]
    except NotFoundError:
        return []


def _published_tasks(uow: UnitOfWork, area: str, week: pendulum.Date) -> dict[str, int]:
    try:
        return uow.weeks.published_tasks(area, week)
    except NotFoundError:
        return {}


def _check_names(uow: UnitOfWork, request: Request) -> None:
    problems = []
    for field, ident, repo, kind in (
        ("resident", request.resident, uow.residents, "kind_resident"),
        ("site", request.site, uow.sites, "kind_site"),
        ("household_of", request.household_of, uow.volunteers, "kind_volunteer"),
    ):
        if ident is not None and not repo.some(request.area, {ident}):
            problems.append(Problem(field, msg("unknown_ref", kind=msg(kind), id=ident)))
    if problems:
        raise InvalidRequest(problems)
