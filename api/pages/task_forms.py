"""The coordinator's task forms: a week's task added, edited and deleted by form, with what
cannot be read shown beside its field; saved through the same use cases as the JSON API."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
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
from api.pages.time_lines import read_lines, read_start
from mutualaid.contract.data import Json
from mutualaid.contract.export import stored_task_json
from mutualaid.contract.roster import to_json as roster_json
from mutualaid.domain.tasks import SentTask
from mutualaid.errors import ScenarioError
from mutualaid.messages import msg_in, say, using_locale
from mutualaid.messages.skills import skill_id
from mutualaid.services import access, roster, task_edits, weeks
from mutualaid.services.absences import WeekRepair
from mutualaid.services.ports import ConflictError, InvalidRequest, NotFoundError

TASK_FIELDS = {
    "id": "id",
    "title": "title",
    "resident": "place",
    "site": "place",
    "location": "place",
    "priority": "priority",
    "duration_minutes": "duration_minutes",
    "windows": "windows",
    "start": "start",
    "needs": "needs",
}
"""A task's field (the first key of a problem's path) -> the form field it is shown beside."""


# --- the forms -------------------------------------------------------------------------------


def task_form_values(task: Json) -> dict[str, Any]:
    """A stored task as the form shows it (windows and needs one per line)."""
    lines = []
    for w in task.get("windows") or []:
        when = " ".join(w.get("days") or []) or str(w.get("date", ""))
        lines.append(f"{when} {w.get('from', '')}-{w.get('to', '')}".strip())
    needs = []
    for n in task.get("needs") or []:
        if "skill" in n:
            needs.append(f"{n['skill']} {n.get('count', 1)}")
        elif "team_skill" in n:
            needs.append(f"team_skill {n['team_skill']} {n.get('min_members', 1)}")
        elif "team" in n:
            needs.append(f"team {n['team']} {n.get('min_members', 1)}")
    place = ""
    if task.get("resident"):
        place = f"resident:{task['resident']}"
    elif task.get("site"):
        place = f"site:{task['site']}"
    return {
        "id": task.get("id", ""), "title": task.get("title", ""), "place": place,
        "priority": task.get("priority", "normal"),
        "duration_minutes": task.get("duration_minutes", ""),
        "windows": "\n".join(lines), "start": str(task.get("start") or "")[:16],
        "needs": "\n".join(needs),
    }  # fmt: skip


def task_from_form(data: dict[str, str], base: Json, lang: Lang, form: Form) -> Json:
    """The task the form describes, on top of `base` (the stored task's other fields are
    kept); what cannot be read is added to `form` beside its field."""
    task: dict[str, Any] = {k: v for k, v in base.items() if k not in ("resident", "site",
                            "location", "windows", "start", "needs")}  # fmt: skip
    task["title"] = data.get("title", "").strip()
    kind, _, ident = (data.get("place") or "").partition(":")
    if kind in ("resident", "site") and ident:
        task[kind] = ident
    elif not base.get("location"):  # the form offers residents and sites; a location is kept
        form.add("place", msg_in(lang, "page_place_needed"))
    task["priority"] = data.get("priority") or "normal"
    duration = (data.get("duration_minutes") or "").strip()
    try:
        task["duration_minutes"] = int(duration)
    except ValueError:
        form.add("duration_minutes", msg_in(lang, "not_positive_int", got=repr(duration)))
    windows, bad = read_lines(data.get("windows") or "")
    for number, line in bad:
        form.add("windows", msg_in(lang, "page_window_line", line=number, text=line))
    start = read_start((data.get("start") or "").strip())
    if windows:
        task["windows"] = windows
    if start:
        task["start"] = start
    if windows and start:
        form.add("start", msg_in(lang, "page_time_both"))
    elif not (windows or start or base.get("every") or "windows" in form.errors):
        form.add("windows", msg_in(lang, "page_time_needed"))
    needs = []
    for number, line in enumerate((data.get("needs") or "").splitlines(), 1):
        words = line.split()
        if not words:
            continue
        try:
            if words[0] in ("team_skill", "team") and len(words) in (2, 3):
                count = int(words[2]) if len(words) == 3 else 1
                named = skill_id(words[1]) if words[0] == "team_skill" else words[1]
                needs.append({words[0]: named, "min_members": count})
            elif len(words) in (1, 2):
                count = int(words[1]) if len(words) == 2 else 1
                needs.append({"skill": skill_id(words[0]), "count": count})
            else:
                raise ValueError(line)
        except ValueError:
            form.add("needs", msg_in(lang, "page_need_line", line=number, text=line.strip()))
    task["needs"] = needs
    return task


def _task_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str, week: str,
    form: Form, editing: str | None, status_code: int = 200,
) -> Response[Any]:  # fmt: skip
    context = area_context(request, viewer, lang, area)
    infra = infra_of(request)
    residents = [
        roster_json(e)
        for e in in_lang(
            lang, roster.list_entities, infra.reader(), viewer.actor, "residents", area
        )
    ]
    sites = [
        roster_json(e)
        for e in in_lang(lang, roster.list_entities, infra.reader(), viewer.actor, "sites", area)
    ]
    return page(
        request, viewer, lang, "coordinator/task_form.html", status_code, nav="weeks",
        form=form, editing=editing, week=week, residents=residents, sites=sites,
        priorities=PRIORITIES, **context,
    )  # fmt: skip


@get("/desk/{area:str}/weeks/{week:str}/tasks/new", sync_to_thread=True)
def new_task_form(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str],
) -> Response[Any]:  # fmt: skip
    in_lang(lang, access.parse_week, week)
    values = {"priority": "normal", "duration_minutes": 60, ONCE: secrets.token_hex(8)}
    return _task_page(request, viewer, lang, area, week, Form(values=values), None)


@get("/desk/{area:str}/weeks/{week:str}/tasks/{task:str}/edit", sync_to_thread=True)
def edit_task_form(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], task: FromPath[str],
) -> Response[Any]:  # fmt: skip
    stored = in_lang(
        lang, weeks.get_task, infra_of(request).reader(), viewer.actor, area, week, task
    )
    form = Form(values=task_form_values(stored_task_json(stored)))
    return _task_page(request, viewer, lang, area, week, form, task)


def _save_task(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str, week: str,
    data: dict[str, str], editing: str | None,
) -> Response[Any]:  # fmt: skip
    infra = infra_of(request)
    form = Form(values=dict(data))
    refuse_control_characters(form, data, lang)
    if editing is None and used_once(request, data.get(ONCE)):  # sent twice (a double click)
        flash(request, "page_sent_twice")
        return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)
    base: Json = {}
    ident = editing or (data.get("id") or "").strip()
    if editing is not None:
        found = in_lang(lang, weeks.get_task, infra.reader(), viewer.actor, area, week, editing)
        base = stored_task_json(found)
    else:
        try:
            taken = {t.id for t in in_lang(lang, weeks.list_tasks, infra.reader(), viewer.actor,
                                       area, week)}  # fmt: skip
        except NotFoundError:
            taken = set()
        if not ident:  # random, so that two people adding at once never write one task
            ident = f"t-{secrets.token_hex(3)}"
        elif ident in taken:
            form.add(
                "id",
                msg_in(lang, "already_exists", kind=msg_in(lang, "kind_task"), id=ident),
            )
    task = task_from_form(data, base, lang, form)
    if form.ok:
        try:
            done = in_lang(lang, task_edits.edit_task, infra.uow(), infra.recommender,
                           viewer.actor, area, week, ident, SentTask(task))  # fmt: skip
        except (InvalidRequest, ScenarioError) as exc:
            problems_into(form, exc.problems, TASK_FIELDS)
        except ConflictError as exc:
            form.general.append(str(exc))
        else:
            if done.repair is not None and done.repair.plan is not None:
                _flash_repair(request, viewer, lang, area, str(task["title"]), done.repair)
            else:
                key = "page_task_saved" if not done.new else "page_task_added"
                flash(request, key, title=task["title"])
            if editing is None:
                remember_once(request, data.get(ONCE))
            return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)
    return _task_page(request, viewer, lang, area, week, form, editing, 400)


def _flash_repair(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: str, area: str, title: str,
    repair: WeekRepair,
) -> None:  # fmt: skip
    """The note after a change that broke the task's published visits: they were planned
    again (or could not be), and who was told."""
    people = {v.id: v.name for v in in_lang(lang, roster.list_entities, infra_of(request).reader(),
                                            viewer.actor, "volunteers", area)}  # fmt: skip
    told = ", ".join(people.get(m.volunteer, m.volunteer) for m in repair.moved)
    told = told or msg_in(lang, "page_nobody")
    if repair.unserved:
        u = repair.unserved[0]
        with using_locale(lang):
            detail = u.detail if isinstance(u.detail, str) else say(u.detail)
        why = f"{msg_in(lang, f'reason_{u.reason}')}: {detail}" if detail else u.reason
        flash(request, "page_task_repaired_unserved", title=title, why=why, people=told)
    else:
        flash(request, "page_task_repaired", title=title, people=told)


@post("/desk/{area:str}/weeks/{week:str}/tasks/new", sync_to_thread=True)
def add_task(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], data: FormBody,
) -> Response[Any]:  # fmt: skip
    return _save_task(request, viewer, lang, area, week, data, None)


@post("/desk/{area:str}/weeks/{week:str}/tasks/{task:str}/edit", sync_to_thread=True)
def edit_task(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], task: FromPath[str], data: FormBody,
) -> Response[Any]:  # fmt: skip
    return _save_task(request, viewer, lang, area, week, data, task)


@post("/desk/{area:str}/weeks/{week:str}/tasks/{task:str}/delete", sync_to_thread=True)
def delete_task(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], task: FromPath[str],
) -> Redirect:  # fmt: skip
    try:
        withdrawn = in_lang(
            lang, weeks.delete_task, infra_of(request).uow(), viewer.actor, area, week, task
        )
    except ConflictError as exc:  # a visit of it marked done or missed: said on the week
        flash(request, "page_task_delete_refused", detail=str(exc))
        return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)
    flash(request, "page_task_deleted", task=task, withdrawn=withdrawn)
    return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)


TASK_PAGES = [new_task_form, edit_task_form, add_task, edit_task, delete_task]
