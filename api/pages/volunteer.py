"""The volunteer's phone: my week (each visit with time, place, who is helped and who else
goes), accept, decline with a reason, and the week as a calendar file."""

from __future__ import annotations

from typing import Any

import pendulum
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from api.controllers.volunteers import calendar
from api.pages.auth import FormBody
from api.pages.common import CurrentViewer, Form, Lang, flash, page, refuse_control_characters
from api.pages.desk import when_text
from mutualaid.messages import msg, msg_in, using_locale
from mutualaid.services import calendar_feeds, ledger, volunteers
from mutualaid.services.ports import AnswerMoved, Forbidden, NotFoundError

REASON_MAX = 500


def _infra(request: Request[Any, Any, Any]) -> Any:
    return request.app.state.infra


def _mine(viewer: CurrentViewer) -> str:
    """The volunteer the viewer is (coordinators have their own pages)."""
    if viewer.actor.volunteer is None:
        raise Forbidden(msg("forbidden_role", role=viewer.actor.role))
    return viewer.actor.volunteer


def _day_groups(schedule: volunteers.Schedule, lang: Lang) -> list[dict[str, Any]]:
    """The week's visits by day, in the area's time zone, every day listed."""
    days = []
    for offset in range(7):
        day = schedule.week_start.add(days=offset)
        visits = []
        for a in schedule.assignments:
            start = a.record.start.in_timezone(schedule.timezone)
            if start.date() == day:
                visits.append({"a": a, "start": start,
                               "end": a.record.end.in_timezone(schedule.timezone)})  # fmt: skip
        days.append({"date": day, "name": msg_in(lang, f"day_{_DAY[day.isoweekday()]}"),
                     "visits": visits})  # fmt: skip
    return days


_DAY = {1: "mon", 2: "tue", 3: "wed", 4: "thu", 5: "fri", 6: "sat", 7: "sun"}


@get("/my", sync_to_thread=True)
def my_week(
    request: Request[Any, Any, Any],
    viewer: CurrentViewer,
    lang: Lang,
    week: FromQuery[str | None] = None,
) -> Response[Any]:
    """The published assignments of the week (this week unless `week` names a Monday)."""
    if not viewer.is_volunteer:
        return Redirect("/desk", status_code=303)
    with using_locale(lang):
        schedule = volunteers.volunteer_schedule(
            _infra(request).reader(), viewer.actor, _mine(viewer), week, unplanned_empty=True
        )
        outcomes = ledger.visit_outcomes(
            _infra(request).reader(), viewer.actor, schedule.area, schedule.volunteer,
            schedule.week_start,
        )  # fmt: skip
        made = calendar_feeds.calendar_link_made(
            _infra(request).reader(), viewer.actor, _mine(viewer), None
        )
    monday = schedule.week_start
    return page(
        request, viewer, lang, "volunteer/week.html",
        schedule=schedule, days=_day_groups(schedule, lang),
        previous=monday.subtract(weeks=1).isoformat(), next=monday.add(weeks=1).isoformat(),
        today=pendulum.now(schedule.timezone).date(), now=pendulum.now(schedule.timezone),
        outcomes=outcomes, feed_made=made,
    )  # fmt: skip


@post("/my/assignments/{assignment_id:int}/accept", sync_to_thread=True)
def accept(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang,
    assignment_id: FromPath[int], data: FormBody,
) -> Redirect:  # fmt: skip
    """A yes to the visit at the time the page showed (its form's `seen`): when a new plan
    moved it since, nothing is accepted and the week says the new time."""
    try:
        seen = pendulum.parse(data.get("seen") or "")
    except ValueError:
        seen = None
    seen = seen if isinstance(seen, pendulum.DateTime) else None
    try:
        with using_locale(lang):
            done = volunteers.accept_assignment(
                _infra(request).uow(), viewer.actor, assignment_id, seen
            )
    except AnswerMoved as moved:
        record = volunteers.get_assignment(_infra(request).reader(), viewer.actor, moved.ident)
        when = when_text(moved.start.isoformat(), record.timezone, lang)
        flash(request, "page_accept_moved", when=when)
        return Redirect(f"/my?week={record.week_start.isoformat()}", status_code=303)
    flash(request, "page_accepted")
    return Redirect(f"/my?week={done.week_start.isoformat()}", status_code=303)


@get("/my/assignments/{assignment_id:int}/decline", sync_to_thread=True)
def decline_form(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, assignment_id: FromPath[int]
) -> Response[Any]:
    try:
        visit = _visit(request, viewer, lang, assignment_id)
    except _NotInWeek as gone:  # declined already, or moved by a repair: back, or a stale tab
        flash(request, "page_decline_gone" if gone.declined else "page_visit_moved")
        return Redirect(f"/my?week={gone.week}", status_code=303)
    return page(request, viewer, lang, "volunteer/decline.html", visit=visit, form=Form())


@post("/my/assignments/{assignment_id:int}/decline", sync_to_thread=True)
def decline(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang,
    assignment_id: FromPath[int], data: FormBody,
) -> Response[Any]:  # fmt: skip
    reason = (data.get("reason") or "").strip()
    form = Form(values={"reason": reason})
    if len(reason) > REASON_MAX:
        form.add("reason", msg_in(lang, "page_reason_too_long", max=REASON_MAX))
    refuse_control_characters(form, {"reason": reason}, lang)
    if not form.ok:
        visit = _visit(request, viewer, lang, assignment_id)
        return page(request, viewer, lang, "volunteer/decline.html", 400, visit=visit, form=form)
    infra = _infra(request)
    with using_locale(lang):
        done = volunteers.decline_assignment(
            infra.uow(), infra.repairer, viewer.actor, assignment_id, reason or None
        )
    flash(request, "page_declined")
    return Redirect(f"/my?week={done.assignment.week_start.isoformat()}", status_code=303)


def _visit(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, assignment_id: int
) -> dict[str, Any]:
    """The assignment as its volunteer sees it (404 when it is not in their week)."""
    infra = _infra(request)
    with using_locale(lang):
        record = volunteers.get_assignment(infra.reader(), viewer.actor, assignment_id)
        schedule = volunteers.volunteer_schedule(
            infra.reader(), viewer.actor, record.volunteer, record.week_start.isoformat(),
            record.area,
        )  # fmt: skip
    for a in schedule.assignments:
        if a.record.id == assignment_id:
            when = when_text(a.record.start.isoformat(), schedule.timezone, lang)  # Fri 11 Dec
            return {"a": a, "start": a.record.start.in_timezone(schedule.timezone),
                    "end": a.record.end.in_timezone(schedule.timezone), "when": when}  # fmt: skip
    raise _NotInWeek(assignment_id, record.state == "declined", record.week_start.isoformat())


class _NotInWeek(NotFoundError):
    """The volunteer's own visit, no longer in their published week: declined, or moved."""

    def __init__(self, assignment_id: int, declined: bool, week: str) -> None:
        super().__init__("assignment", assignment_id)
        self.declined, self.week = declined, week


@get("/my/calendar.ics", sync_to_thread=True)
def my_calendar(
    request: Request[Any, Any, Any],
    viewer: CurrentViewer,
    lang: Lang,
    week: FromQuery[str | None] = None,
) -> Response[bytes]:
    """The week as an iCalendar file, for the phone's calendar."""
    with using_locale(lang):
        schedule = volunteers.volunteer_schedule(
            _infra(request).reader(), viewer.actor, _mine(viewer), week, unplanned_empty=True
        )
        body = calendar(schedule)
    name = f"mutualaid-{schedule.week_start.isoformat()}.ics"
    return Response(
        body, media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


VOLUNTEER_PAGES = [my_week, accept, decline_form, decline, my_calendar]
