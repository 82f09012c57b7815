"""The coordinator's desk: areas -> weeks -> one week (its tasks, added, edited and deleted by
form in `task_forms`), a solve with live progress, the plan (timeline, map, unserved and why),
publishing, the audit log and the roster. Every change goes through the same use cases as the
JSON API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pendulum
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from api.pages.common import (
    CurrentViewer,
    Form,
    Lang,
    flash,
    page,
    plan_in,
    problems_into,
)
from api.pages.desk import DAYS, PRIORITIES, area_context, in_lang, infra_of
from api.pages.marked_notes import plan_notes
from api.pages.named import Names, names_of
from api.pages.plan_view import plan_view
from api.pages.task_changed import task_changed_note
from api.pages.task_forms import TASK_PAGES
from api.pages.task_table import task_table
from mutualaid.contract import plan_json
from mutualaid.contract.data import Json
from mutualaid.contract.export import stored_task_json
from mutualaid.contract.roster import to_json as roster_json
from mutualaid.contract.written import written_json
from mutualaid.domain.plan import Reason
from mutualaid.messages import CATALOGUE, msg_in, using_locale
from mutualaid.services import access, plans, roster, weeks
from mutualaid.services.ports import (
    ActivePlanExists,
    ConflictError,
    InvalidRequest,
    NotFoundError,
    PlanRecord,
)

# --- areas and weeks ------------------------------------------------------------------------


@get("/desk", sync_to_thread=True)
def areas(request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang) -> Response[Any]:
    """The areas the person coordinates (straight to the area when there is one)."""
    if viewer.is_volunteer:
        return Redirect("/my", status_code=303)
    found = in_lang(lang, roster.list_areas, infra_of(request).reader(), viewer.actor)
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
            monday = in_lang(lang, access.parse_week, week)
            return Redirect(f"/desk/{area}/weeks/{monday.isoformat()}", status_code=303)
        except InvalidRequest as exc:
            problems_into(form, exc.problems, {"week_start": "week"})
    found = in_lang(lang, weeks.list_weeks, infra_of(request).reader(), viewer.actor, area)
    this = pendulum.now(context["area"].timezone).date().start_of("week")
    return page(
        request, viewer, lang, "coordinator/weeks.html", nav="weeks", weeks=found, form=form,
        this_week=this.isoformat(), next_week=this.add(weeks=1).isoformat(), **context,
    )  # fmt: skip


def _week_state(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str, week: str
) -> dict[str, Any]:
    """The week's tasks and plans; an unknown week is an empty one."""
    infra = infra_of(request)
    monday = in_lang(lang, access.parse_week, week)
    try:
        listed = in_lang(lang, weeks.list_tasks, infra.reader(), viewer.actor, area, week)
        tasks = [stored_task_json(t) for t in listed]
        found = in_lang(lang, plans.list_plans, infra.reader(), viewer.actor, area, week)
    except NotFoundError as exc:
        if exc.kind != "week":
            raise
        listed, tasks, found = [], [], []
    people = {
        kind: {
            e.id: roster_json(e)
            for e in in_lang(lang, roster.list_entities, infra.reader(), viewer.actor, kind, area)
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
        "people": people, "stored_tasks": listed,
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
                "checking": u.get("suggestions_checking") is True,
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
    names = Names(
        {v: str(e.get("name") or v) for v, e in state["people"]["volunteers"].items()},
        {str(t["id"]): str(t.get("title") or t["id"]) for t in state["tasks"]},
        {t.id: t.name for t in in_lang(lang, roster.list_entities, infra_of(request).reader(),
                                       viewer.actor, "teams", area)},
    )  # fmt: skip
    result = plan_in(lang, shown, names) if shown and shown.result is not None else None
    outcomes = task_outcomes(result, state["people"], lang, zone)
    table = task_table(request.query_params, state["tasks"], state["people"], outcomes)
    changed = task_changed_note(shown, state["stored_tasks"], state["monday"], names, lang)
    active, trouble = state.get("active"), None
    if active is not None:
        trouble = progress_of(active, lang, infra_of(request).runner.trouble())["trouble"]
    return page(
        request, viewer, lang, "coordinator/week.html", nav="weeks", outcomes=outcomes,
        priorities=PRIORITIES, table=table, status_key=status_key, trouble=trouble,
        repair_key=repair_key, task_changed=changed, **state, **context,
    )  # fmt: skip


# --- plans ----------------------------------------------------------------------------------


@post("/desk/{area:str}/weeks/{week:str}/solve", sync_to_thread=True)
def solve(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str],
) -> Redirect:  # fmt: skip
    """Queue a solve and follow it on the plan's page."""
    infra = infra_of(request)
    try:
        plan = in_lang(
            lang, plans.request_plan, infra.uow(), infra.runner, viewer.actor, area, week
        )
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


def _said(lang: str, text: Reason | str) -> str:
    with using_locale(lang):
        return plan_json.detail_text(text)


def progress_of(plan: PlanRecord, lang: str, trouble: Reason | None = None) -> dict[str, Any]:
    """What the progress bar shows: tasks served so far against the bound, and time; and
    while it waits, why plans cannot be solved now (the job runner's `trouble`), if so."""
    figures = plan.progress
    served: Mapping[str, Any] = figures.served if figures else {}
    bound: Mapping[str, Any] = figures.bound if figures else {}
    if plan.result is not None:
        done = plan.result.objective
        served = (done.served if done is not None else None) or served
        bound = plan.result.bound or bound
    total_served = sum(int(v) for v in served.values())
    total_bound = sum(int(v) for v in bound.values())
    elapsed = figures.elapsed if figures else None
    if plan.result is not None:
        elapsed = plan.result.solve_seconds
    return {
        "id": plan.id, "status": plan.status, "active": plan.active,
        "served": total_served, "bound": total_bound,
        "elapsed": None if elapsed is None else round(float(elapsed), 1),
        "error": None if plan.error is None else _said(lang, plan.error),
        "trouble": (
            _said(lang, trouble) if trouble is not None and plan.status in ("queued", "running")
            else None
        ),
    }  # fmt: skip


@get("/desk/{area:str}/weeks/{week:str}/plans/{plan_id:str}", sync_to_thread=True)
def plan_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], plan_id: FromPath[str],
) -> Response[Any]:  # fmt: skip
    """A plan: live progress while it runs; then its figures, a timeline per volunteer and
    day, the map, what is unserved and why, and the publish button."""
    context = area_context(request, viewer, lang, area)
    plan = in_lang(lang, plans.get_plan, infra_of(request).reader(), viewer.actor, plan_id)
    if plan.area != area or plan.week_start.isoformat() != week:
        raise NotFoundError("plan", plan_id)
    view, notes, changed = None, [], None
    if plan.result is not None and plan.status in ("optimal", "feasible"):
        written = in_lang(lang, weeks.export_scenario, infra_of(request).reader(), viewer.actor,
                          area, week)  # fmt: skip
        scenario = written_json(written)
        names = names_of(scenario)
        result = plan_in(lang, plan, names)
        view = plan_view(scenario, result, lang, request.app.state.pages.tile_url)
        notes = plan_notes(infra_of(request).reader(), plan, written, result, names, lang)
        changed = task_changed_note(plan, list(written.tasks), written.week_start, names, lang)
    return page(
        request, viewer, lang, "coordinator/plan.html", nav="weeks", plan=plan, week=week,
        progress=progress_of(plan, lang, infra_of(request).runner.trouble()), view=view,
        marked_notes=notes, task_changed=changed, status_key=status_key(plan), **context,
    )  # fmt: skip


def repair_key(plan: PlanRecord) -> str:
    """The message that says why a repair was made (`extra.repair.cause`: a decline, an
    absence, a task edited under the published plan, a recommendation taken); a repair
    stored before causes were kept is only a repair."""
    extra = plan.result.extra if plan.result is not None else {}
    cause = (extra.get("repair") or {}).get("cause")
    known = ("decline", "absence", "task_edit", "recommendation")
    return f"page_repair_{cause}" if cause in known else "page_repair"


def status_key(plan: PlanRecord) -> str:
    """The message that names the plan's status: a plan with a grown task held apart
    (`marked_kept`) is `feasible` because it was scored again, not because time ran out."""
    extra = plan.result.extra if plan.result is not None else {}
    kept = bool(extra.get("marked_kept")) and bool(extra.get("rescored"))
    if plan.status == "feasible" and kept:
        return "page_status_kept_apart"
    return f"page_status_{plan.status}"


@get("/desk/plans/{plan_id:str}/progress", sync_to_thread=True)
def plan_progress(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, plan_id: FromPath[str]
) -> dict[str, Any]:
    """The progress bar's figures as JSON (the page's script polls it)."""
    plan = in_lang(lang, plans.get_plan, infra_of(request).reader(), viewer.actor, plan_id)
    return progress_of(plan, lang, infra_of(request).runner.trouble())


@post("/desk/{area:str}/weeks/{week:str}/plans/{plan_id:str}/publish", sync_to_thread=True)
def publish(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], plan_id: FromPath[str],
) -> Redirect:  # fmt: skip
    infra = infra_of(request)
    try:
        in_lang(lang, plans.publish_plan, infra.uow(), infra.repairer, viewer.actor, plan_id)
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
        in_lang(lang, plans.cancel_plan, infra_of(request).uow(), viewer.actor, plan_id)
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
    infra = infra_of(request)
    entries = in_lang(lang, access.read_audit, infra.reader(), viewer.actor, area, 200)
    names = in_lang(
        lang, access.actor_names, infra.reader(), viewer.actor, [e.actor for e in entries]
    )
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
    entities = [
        roster_json(e)
        for e in in_lang(
            lang, roster.list_entities, infra_of(request).reader(), viewer.actor, kind, area
        )
    ]
    return page(
        request, viewer, lang, "coordinator/roster.html", nav=kind, kind=kind,
        entities=entities, **context,
    )  # fmt: skip


COORDINATOR_PAGES = [
    areas, area_weeks, week_page, *TASK_PAGES, solve, plan_page, plan_progress, publish, cancel,
    audit, roster_page,
]  # fmt: skip
