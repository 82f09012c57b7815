"""Volunteers' absences by form (`services.absences`, as `POST /volunteers/{id}/absences`): the
coordinator records one from the roster or the week, sees the repair (the visits moved and
who, what could not be kept), lists and removes them; a volunteer reports "I am ill / away"
from their phone and sees their own."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
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
from api.pages.desk import area_context, in_lang, infra_of, when_text
from api.pages.volunteer import _mine
from mutualaid.contract.clock import local_text
from mutualaid.contract.export import stored_task_json
from mutualaid.contract.roster import to_json as roster_json
from mutualaid.messages import CATALOGUE, msg_in, say, using_locale
from mutualaid.services import absences, roster, volunteers, weeks
from mutualaid.services.absence_ports import AbsenceRecord
from mutualaid.services.ports import ConflictError, InvalidRequest, NotFoundError

FIELDS = {"from": "from", "to": "to", "week": "from", "reason": "reason", "end": "to",
          "start": "from"}  # fmt: skip
"""A problem's path -> the form field it is shown beside."""
_RESULT = "absence_result"


def days_text(a: AbsenceRecord, lang: str) -> str:
    first, last = a.first_day.isoformat(), a.last_day.isoformat()
    text = (msg_in(lang, "page_absence_one_day", first=first) if first == last
            else msg_in(lang, "page_absence_days", first=first, last=last))  # fmt: skip
    if a.start is not None and a.end is not None:
        hours = msg_in(lang, "page_absence_hours", start=f"{a.start // 60:02d}:{a.start % 60:02d}",
                       end=f"{a.end // 60:02d}:{a.end % 60:02d}")  # fmt: skip
        text = f"{text}, {hours}"
    return text


def _listed(found: list[AbsenceRecord], lang: str) -> list[dict[str, Any]]:
    return [{"id": a.id, "days": days_text(a, lang), "reason": a.reason or ""} for a in found]


def _form(data: Mapping[str, str] | None, lang: str, first: str = "") -> Form:
    if data is None:
        return Form(values={"from": first, "to": first, ONCE: secrets.token_hex(8)})
    names = ("from", "to", "reason", "volunteer", ONCE)
    form = Form(values={k: str(data.get(k) or "").strip() for k in names})
    refuse_control_characters(form, dict(data), lang)
    return form


def _report(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, volunteer: str,
    area: str | None, form: Form,
) -> tuple[absences.Reported | None, bool]:  # fmt: skip
    """The absence in `form` reported (None with the problems added to the form); True when
    the same form was sent before (a double click): nothing is reported again."""
    if used_once(request, form.values.get(ONCE)):
        return None, True
    if not form.ok:
        return None, False
    body = {"from": form.values["from"] or None, "to": form.values["to"] or None,
            "reason": form.values["reason"] or None}  # fmt: skip
    if body["from"] and not body["to"]:
        body["to"] = body["from"]
    infra = infra_of(request)
    try:
        done = in_lang(lang, absences.report_absence, infra.uow(), infra.recommender,
                       viewer.actor, volunteer, area, body)  # fmt: skip
    except InvalidRequest as exc:
        problems_into(form, exc.problems, FIELDS)
        return None, False
    except ConflictError as exc:
        form.general.append(str(exc))
        return None, False
    remember_once(request, form.values.get(ONCE))
    return done, False


def result_of(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, done: absences.Reported
) -> dict[str, Any]:
    """The repair as the pages show it (kept in the session for the page that follows): per
    week, the absent volunteer's visits given to others (to whom, when), those that could not
    be kept and why, and everyone else whose visits changed. The phone names nobody else."""
    infra = infra_of(request)
    area, absent = done.absence.area, done.absence.volunteer
    names: dict[str, str] = {}
    if not viewer.is_volunteer:
        found = in_lang(lang, roster.list_entities, infra.reader(), viewer.actor, "volunteers",
                        area)  # fmt: skip
        names = {v.id: str(roster_json(v).get("name") or v.id) for v in found}
    sep = "、" if lang == "zh" else ", "
    out: list[dict[str, Any]] = []
    had = gave = still = lost_count = 0
    for r in done.repairs:
        titles: dict[str, str] = {}
        if not viewer.is_volunteer:
            try:
                listed = in_lang(lang, weeks.list_tasks, infra.reader(), viewer.actor, area,
                                 r.week.isoformat())  # fmt: skip
                titles = {t.id: str(stored_task_json(t).get("title") or t.id) for t in listed}
            except NotFoundError:
                pass
        with using_locale(lang):
            lost = [{"title": titles.get(u.task, u.task),
                     "reason": msg_in(lang, f"reason_{u.reason}")
                     if f"reason_{u.reason}" in CATALOGUE else u.reason,
                     "detail": u.detail if isinstance(u.detail, str) else say(u.detail)}
                    for u in r.unserved]  # fmt: skip
        mine = next((m.tasks for m in r.moved if m.volunteer == absent), ())
        had += len(mine)
        lost_count += len(lost)
        now = {a.task: a for a in (r.plan.result.assignments if r.plan and r.plan.result else ())}
        given, kept = [], []
        for task in mine:
            a = now.get(task)
            if a is None:
                continue
            crew = [v.id for v in a.volunteers]
            if absent in crew:
                kept.append(task)  # still theirs, on another day or hour
            else:
                gave += 1
            if not viewer.is_volunteer:
                when = when_text(local_text(r.week, a.start), None, lang)
                given.append({"title": titles.get(task, task),
                              "who": sep.join(names.get(v, v) for v in crew),
                              "when": when})  # fmt: skip
        moved = [] if viewer.is_volunteer else [
            m if m.volunteer != absent else absences.Moved(m.volunteer, tuple(kept))
            for m in r.moved if m.volunteer != absent or kept
        ]  # fmt: skip
        still += len(kept)
        out.append({
            "week": r.week.isoformat(), "plan_id": None if r.plan is None else r.plan.id,
            "published": r.plan is not None and r.plan.published_at is not None,
            "waiting": r.waiting, "given": given, "lost": lost,
            "moved": [{"name": names.get(m.volunteer, m.volunteer),
                       "tasks": [titles.get(t, t) for t in m.tasks]} for m in moved],
        })  # fmt: skip
    return {"absence": done.absence.id, "days": days_text(done.absence, lang), "weeks": out,
            "had": had, "mine": gave, "still": still, "lost": lost_count}  # fmt: skip


def _shown_result(request: Request[Any, Any, Any], ids: set[int]) -> Any:
    found = request.session.get(_RESULT)
    return found if isinstance(found, dict) and found.get("absence") in ids else None


# --- the coordinator ------------------------------------------------------------------------


def _desk_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str,
    volunteer: str | None, form: Form, status_code: int = 200, week: str | None = None,
) -> Response[Any]:  # fmt: skip
    context = area_context(request, viewer, lang, area)
    infra = infra_of(request)
    people = [roster_json(v) for v in in_lang(lang, roster.list_entities, infra.reader(),
                                              viewer.actor, "volunteers", area)]  # fmt: skip
    listed: list[AbsenceRecord] = []
    person = None
    if volunteer is not None:
        person = next((p for p in people if p["id"] == volunteer), None)
        if person is None:
            raise NotFoundError("volunteer", volunteer)
        listed = in_lang(lang, absences.list_absences, infra.reader(), viewer.actor, volunteer,
                         area)  # fmt: skip
    return page(
        request, viewer, lang, "coordinator/absences.html", status_code, nav="volunteers",
        form=form, person=person, people=people, absences=_listed(listed, lang), week=week,
        result=_shown_result(request, {a.id for a in listed}), **context,
    )  # fmt: skip


@get("/desk/{area:str}/volunteers/{volunteer:str}/absences", sync_to_thread=True)
def volunteer_absences(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    volunteer: FromPath[str],
) -> Response[Any]:  # fmt: skip
    """The volunteer's absences, the repair of the one just recorded, and the form."""
    today = pendulum.now(area_context(request, viewer, lang, area)["area"].timezone).date()
    form = _form(None, lang, today.isoformat())
    return _desk_page(request, viewer, lang, area, volunteer, form)


@get("/desk/{area:str}/absences/new", sync_to_thread=True)
def new_absence(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromQuery[str | None] = None,
) -> Response[Any]:  # fmt: skip
    """The form with the volunteer to choose (from the week: its days offered)."""
    zone = area_context(request, viewer, lang, area)["area"].timezone
    today = pendulum.now(zone).date()
    first = today
    if week:
        try:
            monday = pendulum.Date.fromisoformat(week)
            first = today if monday <= today <= monday.add(days=6) else monday
        except ValueError:
            week = None
    return _desk_page(request, viewer, lang, area, None, _form(None, lang, first.isoformat()),
                      week=week)  # fmt: skip


def _record(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str,
    volunteer: str | None, data: Mapping[str, str],
) -> Response[Any]:  # fmt: skip
    form = _form(data, lang)
    ident = volunteer or form.values.get("volunteer") or ""
    if not ident:
        form.add("volunteer", msg_in(lang, "page_absence_pick"))
        return _desk_page(request, viewer, lang, area, None, form, 400)
    done, twice = _report(request, viewer, lang, ident, area, form)
    target = f"/desk/{area}/volunteers/{ident}/absences"
    if twice:
        flash(request, "page_sent_twice")
        return Redirect(target, status_code=303)
    if done is None:
        return _desk_page(request, viewer, lang, area, volunteer, form, 400)
    request.session[_RESULT] = result_of(request, viewer, lang, done)
    flash(request, "page_absence_recorded", days=days_text(done.absence, lang))
    return Redirect(target, status_code=303)


@post("/desk/{area:str}/volunteers/{volunteer:str}/absences", sync_to_thread=True)
def record_absence(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    volunteer: FromPath[str], data: FormBody,
) -> Response[Any]:  # fmt: skip
    return _record(request, viewer, lang, area, volunteer, data)


@post("/desk/{area:str}/absences/new", sync_to_thread=True)
def record_someones_absence(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    data: FormBody,
) -> Response[Any]:  # fmt: skip
    return _record(request, viewer, lang, area, None, data)


@post("/desk/{area:str}/volunteers/{volunteer:str}/absences/{absence_id:int}/delete",
      sync_to_thread=True)  # fmt: skip
def remove_absence(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    volunteer: FromPath[str], absence_id: FromPath[int],
) -> Redirect:  # fmt: skip
    in_lang(lang, absences.delete_absence, infra_of(request).uow(), viewer.actor, volunteer,
            absence_id, area)  # fmt: skip
    flash(request, "page_absence_removed")
    return Redirect(f"/desk/{area}/volunteers/{volunteer}/absences", status_code=303)


# --- the volunteer's phone ------------------------------------------------------------------


def _phone_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, form: Form,
    status_code: int = 200,
) -> Response[Any]:  # fmt: skip
    listed = in_lang(lang, absences.list_absences, infra_of(request).reader(), viewer.actor,
                     _mine(viewer), None)  # fmt: skip
    return page(
        request, viewer, lang, "volunteer/absences.html", status_code, form=form,
        absences=_listed(listed, lang), result=_shown_result(request, {a.id for a in listed}),
    )  # fmt: skip


@get("/my/absences", sync_to_thread=True)
def my_absences(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang
) -> Response[Any]:
    """My days away, and the form to add some ("I am ill / away")."""
    if not viewer.is_volunteer:
        return Redirect("/desk", status_code=303)
    with using_locale(lang):
        schedule = volunteers.volunteer_schedule(
            infra_of(request).reader(), viewer.actor, _mine(viewer), None
        )
    today = pendulum.now(schedule.timezone).date().isoformat()
    return _phone_page(request, viewer, lang, _form(None, lang, today))


@post("/my/absences", sync_to_thread=True)
def report_my_absence(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, data: FormBody
) -> Response[Any]:
    form = _form(data, lang)
    done, twice = _report(request, viewer, lang, _mine(viewer), None, form)
    if twice:
        flash(request, "page_sent_twice")
        return Redirect("/my/absences", status_code=303)
    if done is None:
        return _phone_page(request, viewer, lang, form, 400)
    request.session[_RESULT] = result_of(request, viewer, lang, done)
    flash(request, "page_absence_recorded", days=days_text(done.absence, lang))
    return Redirect("/my/absences", status_code=303)


@post("/my/absences/{absence_id:int}/delete", sync_to_thread=True)
def remove_my_absence(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, absence_id: FromPath[int]
) -> Redirect:
    in_lang(lang, absences.delete_absence, infra_of(request).uow(), viewer.actor, _mine(viewer),
            absence_id, None)  # fmt: skip
    flash(request, "page_absence_removed")
    return Redirect("/my/absences", status_code=303)


ABSENCE_PAGES = [
    volunteer_absences, new_absence, record_absence, record_someones_absence, remove_absence,
    my_absences, report_my_absence, remove_my_absence,
]  # fmt: skip
