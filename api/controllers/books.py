"""The backlog and the hours ledger over HTTP: an area's requests (recorded, changed,
withdrawn), drawing a week's tasks from them, marking a visit done or missed, balances, a
volunteer's statement, the CSV export and redemptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import pendulum
from litestar import Controller, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath, QueryParameter, SkipValidation

from api.controllers.common import AreaParam, CurrentActor, IdempotencyKey
from api.errors import responses
from mutualaid.contract.requests import request_json
from mutualaid.domain.ledger import LedgerEntry, VisitOutcome, hours
from mutualaid.messages import msg
from mutualaid.services import backlog, ledger
from mutualaid.services.ledger_ports import BooksUnitOfWork

Books = NamedDependency[SkipValidation[BooksUnitOfWork]]
"""The request's unit of work (`uow` writes, `reader` reads), with the books' repositories."""
StatusParam = Annotated[
    str | None,
    QueryParameter(description="open | served | withdrawn | overdue; all when left out."),
]
VolunteerParam = Annotated[str | None, QueryParameter(description="One volunteer's entries only.")]
MonthParam = Annotated[
    str | None, QueryParameter(description="A month, YYYY-MM; all time when left out.")
]
REQUEST = {
    "id": "r-zhang-chat",
    "title": "陪张奶奶聊天",
    "resident": "r-zhang",
    "needs": [{"skill": "companionship", "count": 1}],
    "duration_minutes": 60,
    "windows": [{"days": ["tue", "thu"], "from": "09:00", "to": "11:30"}],
    "priority": "high",
    "deadline": "2026-12-31",
    "standing": False,
}
RequestBody = Annotated[
    dict[str, Any],
    Body(
        title="request",
        description=(
            "A request: who (`resident`) or where (`site`), what is needed (`needs`: skills and "
            "people), `duration_minutes`, the weekly `windows` it wants, `priority`, an "
            "optional `deadline` (YYYY-MM-DD) and `standing` (a task every week); "
            "`household_of` names the volunteer whose household it helps (their hours may "
            "be redeemed on it)."
        ),
        examples=[Example(summary="a visit", value=REQUEST)],
    ),
]


class RequestController(Controller):
    path = "/areas/{area:str}/requests"
    tags = ("backlog",)

    @get("/", sync_to_thread=True, responses=responses(404))
    def list_requests(
        self, actor: CurrentActor, reader: Books, area: FromPath[str], status: StatusParam = None
    ) -> list[dict[str, Any]]:
        """The area's requests, oldest first (`?status=open|served|withdrawn|overdue`); an
        open request past its deadline says `"overdue": true`."""
        found, today = backlog.list_requests(reader, actor, area, status)
        return [request_json(r, today) for r in found]

    @post("/", sync_to_thread=True, responses=responses(404, 409))
    def create_request(
        self, actor: CurrentActor, uow: Books, area: FromPath[str], data: RequestBody
    ) -> Response[dict[str, Any]]:
        """Record a request (201), open until a plan serves it, it is withdrawn or its
        deadline passes. 409 when its id is taken."""
        made, _ = backlog.save_request(uow, actor, area, data)
        return Response(request_json(made), status_code=201)

    @get("/{ident:str}", sync_to_thread=True, responses=responses(404))
    def get_request(
        self, actor: CurrentActor, reader: Books, area: FromPath[str], ident: FromPath[str]
    ) -> dict[str, Any]:
        return request_json(backlog.get_request(reader, actor, area, ident))

    @put("/{ident:str}", sync_to_thread=True, responses=responses(404, 409))
    def put_request(
        self, actor: CurrentActor, uow: Books, area: FromPath[str], ident: FromPath[str],
        data: RequestBody,
    ) -> Response[dict[str, Any]]:  # fmt: skip
        """Record (201) or change (200) a request; its status stays. 409 once withdrawn."""
        saved, new = backlog.save_request(uow, actor, area, data, ident)
        return Response(request_json(saved), status_code=201 if new else 200)

    @delete("/{ident:str}", status_code=200, sync_to_thread=True, responses=responses(404))
    def withdraw_request(
        self, actor: CurrentActor, uow: Books, area: FromPath[str], ident: FromPath[str]
    ) -> dict[str, Any]:
        """Withdraw the request: kept (status `withdrawn`), never drawn again; its tasks are
        deleted from the weeks not yet over whose published plan does not give them
        (`removed_from`); the weeks gone by keep it, as their history."""
        request, weeks = backlog.withdraw_request(uow, actor, area, ident)
        return {**request_json(request), "removed_from": weeks}


@dataclass
class DrawnView:
    week_start: str
    drawn: list[dict[str, Any]]
    """Each request with a task in the week: `request`, `task`, `waited`."""
    served: list[str]
    overdue: list[str]
    skipped: list[dict[str, Any]]
    """Open requests the week cannot take as they are, with the problems of their task."""
    kept: list[dict[str, Any]]
    """Requests changed since their task was drawn, whose task the published plan gives
    visits: the week keeps the task as drawn (`request`, `task`, `message`: what to do)."""


class DrawController(Controller):
    path = "/weeks/{week_start:str}/draw"
    tags = ("backlog",)

    @post("/", status_code=200, sync_to_thread=True, responses=responses(404))
    def draw(
        self, actor: CurrentActor, uow: Books, week_start: FromPath[str], area: AreaParam = None
    ) -> DrawnView:
        """Draw the week's tasks from the area's open requests (the week is created when
        missing): each request's task `req-{id}`, with `waited` the earlier weeks it was
        drawn into and not served. Requests an earlier week's published plan served are
        closed; those past their deadline are flagged overdue. Drawing again brings the
        drawn tasks up to date."""
        done = backlog.draw_week(uow, actor, area, week_start)
        return DrawnView(
            done.week_start.isoformat(),
            [{"request": r.id, "task": r.task_id, "waited": w} for r, w in done.drawn],
            [r.id for r in done.served],
            [r.id for r in done.overdue],
            [
                {"request": r.id, "problems": [{"path": p.path, "message": p.message}
                                               for p in problems]}
                for r, problems in done.skipped
            ],
            [{"request": r.id, "task": r.task_id,
              "message": msg("draw_kept_published", request=r.id, task=r.task_id)}
             for r in done.kept],
        )  # fmt: skip


# --- after the visit, and the ledger ----------------------------------------------------------


@dataclass
class EntryView:
    id: int
    volunteer: str
    kind: str
    """credit | reversal | redemption"""
    minutes: int
    hours: str
    month: str
    at: str
    actor: str
    assignment: int | None
    task: str | None
    request: str | None
    reverses: int | None
    note: str | None

    @classmethod
    def of(cls, e: LedgerEntry) -> EntryView:
        return cls(
            e.id, e.volunteer, e.kind, e.minutes, hours(e.minutes), e.month, e.at.isoformat(),
            e.actor, e.assignment, e.task, e.request, e.reverses, e.note,
        )  # fmt: skip


@dataclass
class OutcomeView:
    assignment: int
    state: str
    """done | missed"""
    actual_start: str | None
    actual_end: str | None
    feedback: str | None
    marked_by: str
    marked_at: str

    @classmethod
    def of(cls, o: VisitOutcome) -> OutcomeView:
        return cls(
            o.assignment, o.state, _iso(o.actual_start), _iso(o.actual_end), o.feedback,
            o.marked_by,
            o.marked_at.isoformat(),
        )  # fmt: skip


def _iso(when: pendulum.DateTime | None) -> str | None:
    return None if when is None else when.isoformat()


@dataclass
class MarkedView:
    outcome: OutcomeView | None
    entries: list[EntryView]
    """What the mark wrote to the ledger."""


@dataclass
class DoneWrite:
    actual_start: str | None = None
    """ISO 8601 with its offset, 2026-11-30T09:05:00+08:00; the planned start when left out."""
    actual_end: str | None = None
    feedback: str | None = None
    """The resident's feedback."""


@dataclass
class MissedWrite:
    feedback: str | None = None


class VisitController(Controller):
    path = "/assignments/{assignment_id:int}"
    tags = ("ledger",)

    @post("/done", status_code=200, sync_to_thread=True, responses=responses(404, 409))
    def done(
        self, actor: CurrentActor, uow: Books, assignment_id: FromPath[int],
        data: Annotated[DoneWrite | None, Body(description="actual times, feedback")] = None,
    ) -> MarkedView:  # fmt: skip
        """The visit was made: its minutes (the actual times where given) are credited to
        its volunteer. Its volunteer, the area's coordinators and admins, once the visit
        began; marking again reverses what it credited first. 409 for a visit declined,
        withdrawn or not yet begun."""
        body = data or DoneWrite()
        start = ledger.parse_time(body.actual_start, "actual_start")
        end = ledger.parse_time(body.actual_end, "actual_end")
        marked = ledger.mark_visit(
            uow, actor, assignment_id, "done", actual_start=start, actual_end=end,
            feedback=body.feedback,
        )  # fmt: skip
        return _marked(marked)

    @post("/missed", status_code=200, sync_to_thread=True, responses=responses(404, 409))
    def missed(
        self, actor: CurrentActor, uow: Books, assignment_id: FromPath[int],
        data: Annotated[MissedWrite | None, Body(description="feedback")] = None,
    ) -> MarkedView:  # fmt: skip
        """The visit did not happen: what it credited is reversed."""
        feedback = data.feedback if data is not None else None
        return _marked(ledger.mark_visit(uow, actor, assignment_id, "missed", feedback=feedback))

    @get("/outcome", sync_to_thread=True, responses=responses(404))
    def outcome(
        self, actor: CurrentActor, reader: Books, assignment_id: FromPath[int]
    ) -> OutcomeView | None:
        """The visit's outcome (null when not marked)."""
        found = ledger.visit_outcome(reader, actor, assignment_id)
        return None if found is None else OutcomeView.of(found)

    @delete("/outcome", status_code=200, sync_to_thread=True, responses=responses(404))
    def unmark(self, actor: CurrentActor, uow: Books, assignment_id: FromPath[int]) -> MarkedView:
        """Neither done nor missed any more: what the visit credited is reversed."""
        return _marked(ledger.unmark_visit(uow, actor, assignment_id))


def _marked(m: ledger.Marked) -> MarkedView:
    outcome = None if m.outcome is None else OutcomeView.of(m.outcome)
    return MarkedView(outcome, [EntryView.of(e) for e in m.entries])


@dataclass
class BalancesView:
    area: str
    month: str | None
    volunteers: list[dict[str, Any]]
    """`volunteer`, `name`, `minutes`, `hours` for each volunteer with entries."""
    teams: dict[str, int]
    """Minutes per team: the sum over its members."""
    total_minutes: int


@dataclass
class StatementView:
    area: str
    volunteer: str
    name: str
    month: str | None
    opening_minutes: int
    credited_minutes: int
    debited_minutes: int
    closing_minutes: int
    closing_hours: str
    entries: list[EntryView]


@dataclass
class RedeemWrite:
    volunteer: str
    request: str
    """A request whose `household_of` is the volunteer."""
    minutes: int | None = None
    """The request's duration times its people when left out."""
    note: str | None = None


class LedgerController(Controller):
    path = "/areas/{area:str}"
    tags = ("ledger",)

    @get("/ledger", sync_to_thread=True, responses=responses(404))
    def balances(
        self, actor: CurrentActor, reader: Books, area: FromPath[str], month: MonthParam = None
    ) -> BalancesView:
        """Balances per volunteer and team, and the area's total (of a month, or held)."""
        b = ledger.balances(reader, actor, area, month)
        people = [
            {"volunteer": v, "name": b.names[v], "minutes": m, "hours": hours(m)}
            for v, m in b.volunteers.items()
        ]
        return BalancesView(b.area, b.month, people, b.teams, b.total)

    @get("/ledger.csv", sync_to_thread=True, responses=responses(404), media_type="text/csv")
    def export(
        self, actor: CurrentActor, reader: Books, area: FromPath[str], month: MonthParam = None,
        volunteer: VolunteerParam = None,
    ) -> Response[str]:  # fmt: skip
        """Every ledger entry as CSV (UTF-8 with a BOM, so Excel reads the Chinese; a header
        row, each volunteer's name beside their id), of a month and a volunteer if given."""
        text = ledger.ledger_csv(reader, actor, area, month, volunteer)
        name = ledger.csv_filename(area, month)
        return Response(
            "\ufeff" + text, media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )  # fmt: skip

    @get("/ledger/{volunteer:str}", sync_to_thread=True, responses=responses(404))
    def statement(
        self, actor: CurrentActor, reader: Books, area: FromPath[str], volunteer: FromPath[str],
        month: MonthParam = None,
    ) -> StatementView:  # fmt: skip
        """A volunteer's statement: what they held before the month, each entry, what they
        hold after. The volunteer's own, their coordinators' and admins'."""
        s = ledger.statement(reader, actor, area, volunteer, month)
        return StatementView(
            s.area, s.volunteer, s.name, s.month, s.opening, s.credited, s.debited, s.closing,
            hours(s.closing), [EntryView.of(e) for e in s.entries],
        )  # fmt: skip

    @post("/redemptions", sync_to_thread=True, responses=responses(404, 409, 422))
    def redeem(
        self,
        actor: CurrentActor,
        uow: Books,
        area: FromPath[str],
        data: Annotated[RedeemWrite, Body(description="who, against which request, minutes")],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[EntryView]:
        """Redeem a volunteer's hours against a request for their own household (201): a
        negative entry. 409 when the request is not their household's or the balance does
        not cover it. With an `Idempotency-Key`, sent again it answers the same entry and
        redeems nothing more (422: the key came with another redemption)."""
        entry = ledger.redeem_hours(
            uow, actor, area, data.volunteer, data.request, data.minutes, data.note,
            key=idempotency_key,
        )  # fmt: skip
        return Response(EntryView.of(entry), status_code=201)


BOOKS_CONTROLLERS = [RequestController, DrawController, VisitController, LedgerController]
