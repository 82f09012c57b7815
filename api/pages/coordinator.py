"""The coordinator's desk: areas -> weeks -> one week (its tasks, added, edited and deleted by
form), a solve with live progress, the plan (timeline, map, unserved and why), publishing, the
audit log and the roster. Every change goes through the same use cases as the JSON API."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

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
    day_code,
    flash,
    page,
    problems_into,
    refuse_control_characters,
    remember_once,
    used_once,
)
from api.pages.plan_view import plan_view
from api.pages.task_table import task_table
from mutualaid.errors import ScenarioError
from mutualaid.messages import CATALOGUE, msg_in, using_locale
from mutualaid.services import access, plans, roster, weeks
from mutualaid.services.ports import (
    ActivePlanExists,
    ConflictError,
    InvalidRequest,
    Json,
    NotFoundError,
    PlanRecord,
)

T = TypeVar("T")
PRIORITIES = ("urgent", "high", "normal", "low")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AREA_TABS = [
    ("weeks", "page_tab_weeks", "/desk/{area}"),
    ("volunteers", "page_tab_volunteers", "/desk/{area}/roster/volunteers"),
    ("residents", "page_tab_residents", "/desk/{area}/roster/residents"),
    ("sites", "page_tab_sites", "/desk/{area}/roster/sites"),
    ("teams", "page_tab_teams", "/desk/{area}/roster/teams"),
    ("audit", "page_tab_audit", "/desk/{area}/audit"),
]
"""The area's sections, in the navigation (name, catalogue key, path); later sections (import
and export, printed sheets) add a row here."""
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
_RANGE = re.compile(r"^(\d{1,2}:\d{2})\s*[-–~至到]\s*(\d{1,2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _infra(request: Request[Any, Any, Any]) -> Any:
    return request.app.state.infra


def _in(lang: Lang, call: Callable[..., T], *args: Any) -> T:
    """Run a use case with its messages in the person's language."""
    with using_locale(lang):
        return call(*args)


def area_context(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str
) -> Any:
    """The area (checked: the viewer may manage it) and its sections' tabs: the context of a
    template that extends coordinator/area_base.html."""
    record = _in(lang, roster.get_area, _infra(request).reader(), viewer.actor, area)
    tabs = [(n, k, p.format(area=area)) for n, k, p in AREA_TABS]
    return {"area": record, "tabs": tabs}


# --- areas and weeks ------------------------------------------------------------------------


@get("/desk", sync_to_thread=True)
def areas(request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang) -> Response[Any]:
    """The areas the person coordinates (straight to the area when there is one)."""
    if viewer.is_volunteer:
        return Redirect("/my", status_code=303)
    found = _in(lang, roster.list_areas, _infra(request).reader(), viewer.actor)
    if len(found) == 1 and not viewer.actor.is_admin:
        return Redirect(f"/desk/{found[0].id}", status_code=303)
    return page(request, viewer, lang, "coordinator/areas.html", areas=found)


@get("/desk/{area:str}", sync_to_thread=True)
def area_weeks(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromQuery[str | None] = None,
) -> Response[Any]:  # fmt: skip
    """The area's weeks, and a form to open any week (a new one is made by adding a task)."""
    context = area_context(request, viewer, lang, area)
    form = Form(values={"week": week or ""})
    if week:
        try:
            monday = _in(lang, access.parse_week, week)
            return Redirect(f"/desk/{area}/weeks/{monday.isoformat()}", status_code=303)
        except InvalidRequest as exc:
            problems_into(form, exc.problems, {"week_start": "week"})
    found = _in(lang, weeks.list_weeks, _infra(request).reader(), viewer.actor, area)
    this = pendulum.now(context["area"].timezone).date().start_of("week")
    return page(
        request, viewer, lang, "coordinator/weeks.html", nav="weeks", weeks=found, form=form,
        this_week=this.isoformat(), next_week=this.add(weeks=1).isoformat(), **context,
    )  # fmt: skip


def _week_state(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str, week: str
) -> dict[str, Any]:
    """The week's tasks and plans; an unknown week is an empty one."""
    infra = _infra(request)
    monday = _in(lang, access.parse_week, week)
    try:
        tasks = _in(lang, weeks.list_tasks, infra.reader(), viewer.actor, area, week)
        found = _in(lang, plans.list_plans, infra.reader(), viewer.actor, area, week)
    except NotFoundError as exc:
        if exc.kind != "week":
            raise
        tasks, found = [], []
    people = {
        kind: {
            e["id"]: e
            for e in _in(lang, roster.list_entities, infra.reader(), viewer.actor, kind, area)
        }
        for kind in ("residents", "sites", "volunteers")
    }
    active = next((p for p in reversed(found) if p.active), None)
    published = next((p for p in reversed(found) if p.published_at is not None), None)
    done = [p for p in found if p.result is not None and p.status in ("optimal", "feasible")]
    shown = published or (done[-1] if done else None)
    latest = found[-1] if found else None
    return {
        "week": monday.isoformat(), "monday": monday, "tasks": tasks, "plans": found,
        "active": active, "published": published, "shown": shown, "latest": latest,
        "people": people,
    }  # fmt: skip


def task_outcomes(
    result: Json | None, people: dict[str, dict[str, Json]], lang: Lang, zone: str
) -> Any:
    """Task id as written -> what the plan did with it: served (who, when) or unserved (why);
    a series' days (`t@mon`) are listed under `t`."""
    out: dict[str, list[dict[str, Any]]] = {}
    if not result:
        return out
    for a in result.get("assignments") or []:
        names = [str(people["volunteers"].get(v["id"], {}).get("name", v["id"]))
                 for v in a.get("volunteers") or []]  # fmt: skip
        start = pendulum.parse(a["start"]).in_timezone(zone)  # type: ignore[union-attr]
        when = f"{msg_in(lang, f'day_{DAYS[start.weekday()]}')} {start.format('HH:mm')}"
        out.setdefault(str(a["task"]).split("@")[0], []).append(
            {"served": True, "task": a["task"], "who": names, "when": when}
        )
    for u in result.get("unserved") or []:
        reason = str(u.get("reason"))
        key = f"reason_{reason}"
        out.setdefault(str(u["task"]).split("@")[0], []).append(
            {
                "served": False,
                "task": u["task"],
                "reason": reason,
                "reason_text": msg_in(lang, key) if key in CATALOGUE else reason,
                "detail": u.get("detail") or "",
                "suggestions": u.get("suggestions") or [],
            }
        )
    return out


@get("/desk/{area:str}/weeks/{week:str}", sync_to_thread=True)
def week_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str],
) -> Response[Any]:  # fmt: skip
    """The week: its tasks with what the plan did with each, and the solve button."""
    context = area_context(request, viewer, lang, area)
    state = _week_state(request, viewer, lang, area, week)
    shown: PlanRecord | None = state["shown"]
    zone = context["area"].timezone
    outcomes = task_outcomes(shown.result if shown else None, state["people"], lang, zone)
    table = task_table(request.query_params, state["tasks"], state["people"], outcomes)
    return page(
        request, viewer, lang, "coordinator/week.html", nav="weeks", outcomes=outcomes,
        priorities=PRIORITIES, table=table, **state, **context,
    )  # fmt: skip


# --- tasks ----------------------------------------------------------------------------------


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
    task["priority"] = data.get("priority") or "normal"
    duration = (data.get("duration_minutes") or "").strip()
    try:
        task["duration_minutes"] = int(duration)
    except ValueError:
        form.add("duration_minutes", msg_in(lang, "not_positive_int", got=repr(duration)))
    windows = []
    for number, line in enumerate((data.get("windows") or "").splitlines(), 1):
        words = line.replace(",", " ").replace("，", " ").replace("、", " ").split()
        if not words:
            continue
        span = _RANGE.match(words[-1]) if words else None
        if span is None:
            form.add("windows", msg_in(lang, "page_window_line", line=number, text=line.strip()))
            continue
        window: dict[str, Any] = {"from": span.group(1).zfill(5), "to": span.group(2).zfill(5)}
        rest = [day_code(w) for w in words[:-1]]
        if len(rest) == 1 and _DATE.match(rest[0]):
            window["date"] = rest[0]
        else:
            window["days"] = rest
        windows.append(window)
    start = (data.get("start") or "").strip()
    if windows:
        task["windows"] = windows
    if start:
        task["start"] = start
    needs = []
    for number, line in enumerate((data.get("needs") or "").splitlines(), 1):
        words = line.split()
        if not words:
            continue
        try:
            if words[0] in ("team_skill", "team") and len(words) in (2, 3):
                count = int(words[2]) if len(words) == 3 else 1
                needs.append({words[0]: words[1], "min_members": count})
            elif len(words) in (1, 2):
                needs.append({"skill": words[0], "count": int(words[1]) if len(words) == 2 else 1})
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
    infra = _infra(request)
    residents = _in(lang, roster.list_entities, infra.reader(), viewer.actor, "residents", area)
    sites = _in(lang, roster.list_entities, infra.reader(), viewer.actor, "sites", area)
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
    _in(lang, access.parse_week, week)
    values = {"priority": "normal", "duration_minutes": 60, ONCE: secrets.token_hex(8)}
    return _task_page(request, viewer, lang, area, week, Form(values=values), None)


@get("/desk/{area:str}/weeks/{week:str}/tasks/{task:str}/edit", sync_to_thread=True)
def edit_task_form(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], task: FromPath[str],
) -> Response[Any]:  # fmt: skip
    stored = _in(lang, weeks.get_task, _infra(request).reader(), viewer.actor, area, week, task)
    form = Form(values=task_form_values(stored))
    return _task_page(request, viewer, lang, area, week, form, task)


def _save_task(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str, week: str,
    data: dict[str, str], editing: str | None,
) -> Response[Any]:  # fmt: skip
    infra = _infra(request)
    form = Form(values=dict(data))
    refuse_control_characters(form, data, lang)
    if editing is None and used_once(request, data.get(ONCE)):  # sent twice (a double click)
        flash(request, "page_sent_twice")
        return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)
    base: Json = {}
    ident = editing or (data.get("id") or "").strip()
    if editing is not None:
        base = _in(lang, weeks.get_task, infra.reader(), viewer.actor, area, week, editing)
    else:
        try:
            taken = {t["id"] for t in _in(lang, weeks.list_tasks, infra.reader(), viewer.actor,
                                          area, week)}  # fmt: skip
        except NotFoundError:
            taken = set()
        if not ident:  # random, so that two people adding at once never write one task
            ident = f"t-{secrets.token_hex(3)}"
        elif ident in taken:
            form.add("id", msg_in(lang, "already_exists", kind=msg_in(lang, "kind_task"), id=ident))
    task = task_from_form(data, base, lang, form)
    if form.ok:
        try:
            _, new = _in(lang, weeks.put_task, infra.uow(), viewer.actor, area, week, ident, task)
        except (InvalidRequest, ScenarioError) as exc:
            problems_into(form, exc.problems, TASK_FIELDS)
        else:
            flash(request, "page_task_saved" if not new else "page_task_added", title=task["title"])
            if editing is None:
                remember_once(request, data.get(ONCE))
            return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)
    return _task_page(request, viewer, lang, area, week, form, editing, 400)


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
    withdrawn = _in(lang, weeks.delete_task, _infra(request).uow(), viewer.actor, area, week, task)
    flash(request, "page_task_deleted", task=task, withdrawn=withdrawn)
    return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)


# --- plans ----------------------------------------------------------------------------------


@post("/desk/{area:str}/weeks/{week:str}/solve", sync_to_thread=True)
def solve(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str],
) -> Redirect:  # fmt: skip
    """Queue a solve and follow it on the plan's page."""
    infra = _infra(request)
    try:
        plan = _in(lang, plans.request_plan, infra.uow(), infra.runner, viewer.actor, area, week)
    except ActivePlanExists:
        active = _week_state(request, viewer, lang, area, week)["active"]
        flash(request, "page_solve_running")
        if active is not None:
            return Redirect(f"/desk/{area}/weeks/{week}/plans/{active.id}", status_code=303)
        return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)
    except NotFoundError as exc:
        if exc.kind != "week":
            raise
        flash(request, "page_solve_empty")
        return Redirect(f"/desk/{area}/weeks/{week}", status_code=303)
    return Redirect(f"/desk/{area}/weeks/{week}/plans/{plan.id}", status_code=303)


def progress_of(plan: PlanRecord) -> dict[str, Any]:
    """What the progress bar shows: tasks served so far against the bound, and time."""
    figures = plan.progress or {}
    served = figures.get("served") or {}
    bound = figures.get("bound") or {}
    if plan.result is not None:
        served = plan.result.get("objective", {}).get("served") or served
        bound = plan.result.get("bound") or bound
    total_served = sum(int(v) for v in served.values())
    total_bound = sum(int(v) for v in bound.values())
    elapsed = figures.get("elapsed")
    if plan.result is not None:
        elapsed = plan.result.get("solve_seconds", elapsed)
    return {
        "id": plan.id, "status": plan.status, "active": plan.active,
        "served": total_served, "bound": total_bound,
        "elapsed": None if elapsed is None else round(float(elapsed), 1),
        "error": plan.error,
    }  # fmt: skip


@get("/desk/{area:str}/weeks/{week:str}/plans/{plan_id:str}", sync_to_thread=True)
def plan_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], plan_id: FromPath[str],
) -> Response[Any]:  # fmt: skip
    """A plan: live progress while it runs; then its figures, a timeline per volunteer and
    day, the map, what is unserved and why, and the publish button."""
    context = area_context(request, viewer, lang, area)
    plan = _in(lang, plans.get_plan, _infra(request).reader(), viewer.actor, plan_id)
    if plan.area != area or plan.week_start.isoformat() != week:
        raise NotFoundError("plan", plan_id)
    view = None
    if plan.result is not None and plan.status in ("optimal", "feasible"):
        scenario = _in(lang, weeks.export_scenario, _infra(request).reader(), viewer.actor,
                       area, week)  # fmt: skip
        view = plan_view(scenario, plan.result, lang, request.app.state.pages.tile_url)
    return page(
        request, viewer, lang, "coordinator/plan.html", nav="weeks", plan=plan, week=week,
        progress=progress_of(plan), view=view, **context,
    )  # fmt: skip


@get("/desk/plans/{plan_id:str}/progress", sync_to_thread=True)
def plan_progress(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, plan_id: FromPath[str]
) -> dict[str, Any]:
    """The progress bar's figures as JSON (the page's script polls it)."""
    plan = _in(lang, plans.get_plan, _infra(request).reader(), viewer.actor, plan_id)
    return progress_of(plan)


@post("/desk/{area:str}/weeks/{week:str}/plans/{plan_id:str}/publish", sync_to_thread=True)
def publish(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], plan_id: FromPath[str],
) -> Redirect:  # fmt: skip
    infra = _infra(request)
    try:
        _in(lang, plans.publish_plan, infra.uow(), infra.repairer, viewer.actor, plan_id)
    except ConflictError as exc:
        flash(request, "page_publish_refused", detail=str(exc))
    else:
        flash(request, "page_published")
    return Redirect(f"/desk/{area}/weeks/{week}/plans/{plan_id}", status_code=303)


@post("/desk/{area:str}/weeks/{week:str}/plans/{plan_id:str}/cancel", sync_to_thread=True)
def cancel(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], plan_id: FromPath[str],
) -> Redirect:  # fmt: skip
    """Stop a solve: a queued one at once, a running one at its next heartbeat."""
    try:
        _in(lang, plans.cancel_plan, _infra(request).uow(), viewer.actor, plan_id)
    except ConflictError as exc:
        flash(request, "page_publish_refused", detail=str(exc))
    else:
        flash(request, "page_cancel_asked")
    return Redirect(f"/desk/{area}/weeks/{week}/plans/{plan_id}", status_code=303)


# --- audit and roster -------------------------------------------------------------------------


@get("/desk/{area:str}/audit", sync_to_thread=True)
def audit(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str]
) -> Response[Any]:
    context = area_context(request, viewer, lang, area)
    infra = _infra(request)
    entries = _in(lang, access.read_audit, infra.reader(), viewer.actor, area, 200)
    names = _in(lang, access.actor_names, infra.reader(), viewer.actor, [e.actor for e in entries])
    return page(
        request, viewer, lang, "coordinator/audit.html", nav="audit", entries=entries,
        names=names, **context,
    )  # fmt: skip


@get("/desk/{area:str}/roster/{kind:str}", sync_to_thread=True)
def roster_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    kind: FromPath[str],
) -> Response[Any]:  # fmt: skip
    if kind not in roster.KINDS:
        raise NotFoundError("page", kind)
    context = area_context(request, viewer, lang, area)
    entities = _in(lang, roster.list_entities, _infra(request).reader(), viewer.actor, kind, area)
    return page(
        request, viewer, lang, "coordinator/roster.html", nav=kind, kind=kind,
        entities=entities, **context,
    )  # fmt: skip


COORDINATOR_PAGES = [
    areas, area_weeks, week_page, new_task_form, edit_task_form, add_task, edit_task,
    delete_task, solve, plan_page, plan_progress, publish, cancel, audit, roster_page,
]  # fmt: skip
