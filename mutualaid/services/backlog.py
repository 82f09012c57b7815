"""Use cases of the backlog: requests recorded on any day, withdrawn, and drawn into a week's
tasks (`draw_week`), each with the weeks it already waited; a request served, or past its
deadline, is settled at the next draw (`mutualaid.domain.backlog.decide`)."""

from __future__ import annotations

import dataclasses
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
    status and the day it was recorded are kept). True when it is new. The resident, site
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
            request = dataclasses.replace(
                request, status=before.status, recorded_on=before.recorded_on
            )
            uow.requests.update(request)
        action = "request.create" if before is None else "request.update"
        uow.audit.record(actor.id, action, f"request {request.id}", where, {})
        uow.commit()
    return request, before is None


def withdraw_request(
    uow: BooksUnitOfWork, actor: Actor, area: str | None, ident: str
) -> tuple[Request, list[str]]:
    """The request is withdrawn (kept, never drawn again); its tasks in weeks not yet
    published are deleted. The request and the weeks whose task went."""
    where = actor.area(area)
    with uow:
        request = uow.requests.get(where, ident)
        gone: list[str] = []
        if request.status != WITHDRAWN:
            request = dataclasses.replace(request, status=WITHDRAWN)
            uow.requests.update(request)
            for d in uow.requests.draws(where, ident):
                if _published_tasks(uow, where, d.week_start):
                    continue  # a published week keeps its visits; the coordinator decides
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


def draw_week(uow: BooksUnitOfWork, actor: Actor, area: str | None, week_start: str) -> Drawn:
    """Draw the week's tasks from the open requests (the week is created when missing). An
    earlier week served a request when its published plan gave the task and not every visit
    of it was marked missed.
    Drawing a week again brings its drawn tasks up to date and adds new requests' tasks.

    Read and checked in a read-only transaction first; stored in a short write one, where a
    request changed meanwhile (withdrawn, say) is left out."""
    where, week = actor.area(area), parse_week(week_start)
    decisions: list[Decision] = []
    prepared: dict[str, PreparedTasks] = {}
    skipped: list[tuple[Request, list[Problem]]] = []
    with cast(BooksUnitOfWork, uow.reading()) as reader:
        reader.areas.get(where)
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

        for request in reader.requests.all(where, [OPEN]):
            decision = decide(request, reader.requests.draws(where, request.id), week, served)
            decisions.append(decision)
            if decision.days is None:
                continue
            task = task_of(request, decision.waited, decision.days)
            try:
                prepared[request.id] = reader.weeks.prepare_task(where, week, task)
            except (ScenarioError, InvalidRequest) as exc:
                skipped.append((request, list(exc.problems)))
    drawn: list[tuple[Request, int]] = []
    with uow:
        current = {r.id: r for r in uow.requests.all(where, [OPEN])}
        for decision in decisions:
            request = decision.request
            if request.id not in current:
                continue  # withdrawn (or settled by another draw) meanwhile
            if request.status != OPEN:
                uow.requests.update(request)
            elif request.id in prepared:
                uow.weeks.store_task(where, week, prepared[request.id])
                uow.requests.add_draw(where, Draw(request.id, week, request.task_id))
                drawn.append((request, decision.waited))
        result = Drawn(
            week,
            drawn,
            [d.request for d in decisions if d.request.status == SERVED],
            [d.request for d in decisions if d.request.status == OVERDUE],
            skipped,
        )
        detail: Mapping[str, Any] = {
            "drawn": [r.id for r, _ in drawn],
            "served": [r.id for r in result.served],
            "overdue": [r.id for r in result.overdue],
            "skipped": [r.id for r, _ in skipped],
        }
        uow.audit.record(actor.id, "week.draw", f"week {where}/{week.isoformat()}", where, detail)
        uow.commit()
    return result


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
