"""The backlog's and the ledger's pages: the coordinator's requests (listed with what is
overdue, recorded and changed by form, withdrawn) and drawing a week from them; the area's
hours (balances per volunteer and team, the CSV); a volunteer's monthly statement on paper;
and, on the volunteer's phone, a visit marked done or missed once its time has come. The same
use cases as the JSON API."""

from __future__ import annotations

import secrets
from typing import Any

import pendulum
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from api.pages.auth import FormBody
from api.pages.common import (
    ONCE,
    CurrentViewer,
    Form,
    Lang,
    flash,
    page,
    problems_into,
    refuse_control_characters,
    remember_once,
    used_once,
)
from api.pages.desk import PRIORITIES, area_context, in_lang, infra_of
from api.pages.task_forms import TASK_FIELDS, task_form_values, task_from_form
from mutualaid.contract.requests import request_json
from mutualaid.domain.ledger import hours
from mutualaid.errors import ScenarioError
from mutualaid.messages import msg_in, using_locale
from mutualaid.services import backlog, ledger, roster, volunteers, weeks
from mutualaid.services.ports import InvalidRequest, NotFoundError

REQUEST_FIELDS = {
    **TASK_FIELDS, "deadline": "deadline", "standing": "standing",
    "household_of": "household_of", "note": "note",
}  # fmt: skip


@get("/desk/{area:str}/requests", sync_to_thread=True)
def requests_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    status: FromQuery[str | None] = None,
) -> Response[Any]:  # fmt: skip
    """The area's requests, open first by default, each overdue one flagged; a form to draw
    a week from them."""
    context = area_context(request, viewer, lang, area)
    infra = infra_of(request)
    shown, today = in_lang(lang, backlog.list_requests, infra.reader(), viewer.actor, area,
                           status or None)  # fmt: skip
    shown.sort(key=lambda r: (r.status != "open", not r.overdue_on(today), r.id))
    next_monday = today.add(days=7 - today.weekday()).isoformat()
    return page(
        request, viewer, lang, "coordinator/requests.html", nav="requests", requests=shown,
        today=today, status=status or "", draw=Form(values={"week": next_monday}), **context,
    )  # fmt: skip


@post("/desk/{area:str}/requests/draw", sync_to_thread=True)
def draw_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    data: FormBody,
) -> Response[Any]:  # fmt: skip
    week = (data.get("week") or "").strip()
    done = in_lang(lang, backlog.draw_week, infra_of(request).uow(), viewer.actor, area, week)
    flash(request, "page_drawn", week=week, drawn=len(done.drawn), served=len(done.served),
          overdue=len(done.overdue), skipped=len(done.skipped))  # fmt: skip
    if done.kept:
        flash(request, "page_drawn_kept", tasks=", ".join(r.task_id for r in done.kept))
    return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)


def _form_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str, form: Form,
    editing: str | None, status_code: int = 200,
) -> Response[Any]:  # fmt: skip
    context = area_context(request, viewer, lang, area)
    reader = infra_of(request).reader
    with using_locale(lang):
        residents = roster.list_entities(reader(), viewer.actor, "residents", area)
        sites = roster.list_entities(reader(), viewer.actor, "sites", area)
        people = roster.list_entities(reader(), viewer.actor, "volunteers", area)
    return page(
        request, viewer, lang, "coordinator/request_form.html", status_code, nav="requests",
        form=form, editing=editing, residents=residents, sites=sites, people=people,
        priorities=PRIORITIES, **context,
    )  # fmt: skip


@get("/desk/{area:str}/requests/new", sync_to_thread=True)
def new_request_form(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str]
) -> Response[Any]:
    values = {"priority": "normal", "duration_minutes": 60, ONCE: secrets.token_hex(8)}
    return _form_page(request, viewer, lang, area, Form(values=values), None)


@get("/desk/{area:str}/requests/{ident:str}/edit", sync_to_thread=True)
def edit_request_form(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    ident: FromPath[str],
) -> Response[Any]:  # fmt: skip
    stored = in_lang(lang, backlog.get_request, infra_of(request).reader(), viewer.actor, area,
                     ident)  # fmt: skip
    shown = request_json(stored)
    values = {**task_form_values(shown), "deadline": shown["deadline"] or "",
              "standing": shown["standing"], "household_of": shown["household_of"] or "",
              "note": shown["note"] or ""}  # fmt: skip
    return _form_page(request, viewer, lang, area, Form(values=values), ident)


def _save(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str,
    data: dict[str, str], editing: str | None,
) -> Response[Any]:  # fmt: skip
    form = Form(values=dict(data))
    refuse_control_characters(form, data, lang)
    if editing is None and used_once(request, data.get(ONCE)):
        flash(request, "page_sent_twice")
        return Redirect(f"/desk/{area}/requests", status_code=303)
    body = task_from_form(data, {}, lang, form)
    body["id"] = editing or (data.get("id") or "").strip() or f"r-{secrets.token_hex(3)}"
    body.pop("priority", None)
    body["priority"] = data.get("priority") or "normal"
    for key in ("deadline", "household_of", "note"):
        if (data.get(key) or "").strip():
            body[key] = data[key].strip()
    body["standing"] = bool(data.get("standing"))
    if form.ok:
        try:
            saved, _ = in_lang(lang, backlog.save_request, infra_of(request).uow(), viewer.actor,
                               area, body, editing)  # fmt: skip
        except (InvalidRequest, ScenarioError) as exc:
            problems_into(form, list(exc.problems), REQUEST_FIELDS)
        else:
            if editing is None:
                remember_once(request, data.get(ONCE))
            flash(request, "page_request_saved", title=saved.title)
            return Redirect(f"/desk/{area}/requests", status_code=303)
    return _form_page(request, viewer, lang, area, form, editing, 400)


@post("/desk/{area:str}/requests/new", sync_to_thread=True)
def add_request(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    data: FormBody,
) -> Response[Any]:  # fmt: skip
    return _save(request, viewer, lang, area, data, None)


@post("/desk/{area:str}/requests/{ident:str}/edit", sync_to_thread=True)
def edit_request(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    ident: FromPath[str], data: FormBody,
) -> Response[Any]:  # fmt: skip
    return _save(request, viewer, lang, area, data, ident)


@post("/desk/{area:str}/requests/{ident:str}/withdraw", sync_to_thread=True)
def withdraw_request(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    ident: FromPath[str],
) -> Redirect:  # fmt: skip
    in_lang(lang, backlog.withdraw_request, infra_of(request).uow(), viewer.actor, area, ident)
    flash(request, "page_request_withdrawn", id=ident)
    return Redirect(f"/desk/{area}/requests", status_code=303)


# --- hours ------------------------------------------------------------------------------------


@get("/desk/{area:str}/ledger", sync_to_thread=True)
def ledger_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    month: FromQuery[str | None] = None,
) -> Response[Any]:  # fmt: skip
    """Hours per volunteer (each with their statement), per team, and the area's total."""
    context = area_context(request, viewer, lang, area)
    sums = in_lang(lang, ledger.balances, infra_of(request).reader(), viewer.actor, area, month)
    return page(
        request, viewer, lang, "coordinator/ledger.html", nav="ledger", sums=sums, hours=hours,
        month=sums.month or "", form=Form(values={"month": sums.month or ""}), **context,
    )  # fmt: skip


@get("/desk/{area:str}/ledger.csv", sync_to_thread=True)
def ledger_csv_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    month: FromQuery[str | None] = None,
) -> Response[str]:  # fmt: skip
    text = in_lang(lang, ledger.ledger_csv, infra_of(request).reader(), viewer.actor, area, month)
    name = ledger.csv_filename(area, month)
    return Response(
        "\ufeff" + text, media_type="text/csv",  # the BOM: Excel reads UTF-8
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


@get("/print/{area:str}/ledger/{volunteer:str}", sync_to_thread=True)
def statement_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    volunteer: FromPath[str], month: FromQuery[str | None] = None,
) -> Response[Any]:  # fmt: skip
    """A volunteer's monthly statement, to print (this month when none is named): theirs,
    their coordinators' and admins'."""
    infra = infra_of(request)
    with using_locale(lang):
        chosen = month or ledger.this_month(infra.reader(), area)
        s = ledger.statement(infra.reader(), viewer.actor, area, volunteer, chosen)
    notes = {e.id: _entry_words(lang, e) for e in s.entries}
    return page(
        request, viewer, lang, "paper/statement.html", s=s, hours=hours,
        words=notes, back=_back(viewer, area),
    )  # fmt: skip


def _back(viewer: CurrentViewer, area: str) -> str:
    return "/my" if viewer.is_volunteer else f"/desk/{area}/ledger"


def _entry_words(lang: Lang, e: Any) -> str:
    """What an entry is, in words: the visit it credits or reverses, the request redeemed."""
    if e.kind == "redemption":
        return msg_in(lang, "page_entry_redemption", request=e.request or "-")
    key = "page_entry_credit" if e.kind == "credit" else "page_entry_reversal"
    return msg_in(lang, key, task=e.task or "-", id=e.assignment or "-", reverses=e.reverses)


# --- the coordinator marks the week's visits ---------------------------------------------------


@get("/desk/{area:str}/visits", sync_to_thread=True)
def visits_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromQuery[str | None] = None,
) -> Response[Any]:  # fmt: skip
    """The visits of a week's published plan (this week by default), each with its outcome
    and, once begun, buttons to mark it done or missed."""
    context = area_context(request, viewer, lang, area)
    zone = context["area"].timezone
    now = pendulum.now(zone)
    week = week or now.date().start_of("week").isoformat()
    reader = infra_of(request).reader
    with using_locale(lang):
        visits = ledger.week_visits(reader(), viewer.actor, area, week)
        people = roster.list_entities(reader(), viewer.actor, "volunteers", area)
        try:
            tasks = weeks.list_tasks(reader(), viewer.actor, area, week)
        except NotFoundError:  # no such week stored: no visits either
            tasks = []
    names = {p.id: p.name or p.id for p in people}
    titled = {t.id: t.title for t in tasks if t.title}
    titles = {w.visit.task: titled.get(w.visit.task.partition("@")[0], w.visit.task)
              for w in visits}  # a series' day (t-meals@mon) by its series' title  # fmt: skip
    return page(
        request, viewer, lang, "coordinator/visits.html", nav="ledger", visits=visits,
        names=names, titles=titles, week=week, now=now, zone=zone, **context,
    )  # fmt: skip


@post("/desk/{area:str}/visits/{assignment_id:int}/outcome", sync_to_thread=True)
def mark_visit_desk(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    assignment_id: FromPath[int], data: FormBody,
) -> Redirect:  # fmt: skip
    marked, week = _mark(request, viewer, lang, assignment_id, data)
    flash(request, f"page_visit_flash_{data.get('state')}",
          minutes=sum(e.minutes for e in marked.entries))  # fmt: skip
    return Redirect(f"/desk/{area}/visits?week={week}", status_code=303)


def _mark(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, assignment_id: int,
    data: dict[str, str],
) -> tuple[ledger.Marked, str]:  # fmt: skip
    """Mark (state done | missed) or un-mark (undo) the visit; what it wrote, and its week."""
    state = data.get("state") or ""
    feedback = (data.get("feedback") or "").strip() or None
    infra = infra_of(request)
    with using_locale(lang):
        if state == "undo":
            marked = ledger.unmark_visit(infra.uow(), viewer.actor, assignment_id)
        else:
            marked = ledger.mark_visit(
                infra.uow(), viewer.actor, assignment_id, state, feedback=feedback
            )
        found = volunteers.get_assignment(infra.reader(), viewer.actor, assignment_id)
    return marked, found.week_start.isoformat()


# --- the volunteer's phone ----------------------------------------------------------------------


@post("/my/assignments/{assignment_id:int}/outcome", sync_to_thread=True)
def mark_visit_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang,
    assignment_id: FromPath[int], data: FormBody,
) -> Response[Any]:  # fmt: skip
    """The phone's done / missed buttons (`state`), with the resident's feedback if noted."""
    marked, week = _mark(request, viewer, lang, assignment_id, data)
    flash(request, f"page_visit_flash_{data.get('state')}",
          minutes=sum(e.minutes for e in marked.entries))  # fmt: skip
    return Redirect(f"/my?week={week}", status_code=303)


BOOKS_PAGES = [
    requests_page, draw_page, new_request_form, edit_request_form, add_request, edit_request,
    withdraw_request, ledger_page, ledger_csv_page, statement_page, visits_page,
    mark_visit_desk, mark_visit_page,
]  # fmt: skip
