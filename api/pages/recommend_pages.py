"""A new request on a published week, from the coordinator's desk: the task form, the best
options against the published plan as a table (who, day and start, the other visits that move
and who, the effect on coverage per priority, the travel), one chosen, applied and published
(`services.recommend`, the same guarantees as `POST …/recommendations/{id}/apply`), and a
confirmation naming every volunteer whose visit changed."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping
from typing import Any

import pendulum
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from api.controllers.replan import option_view
from api.pages.auth import FormBody
from api.pages.common import (
    ONCE,
    CurrentViewer,
    Form,
    Lang,
    page,
    problems_into,
    refuse_control_characters,
)
from api.pages.desk import PRIORITIES, area_context, in_lang, infra_of, when_text
from api.pages.task_forms import TASK_FIELDS, task_from_form
from mutualaid.contract.data import Json
from mutualaid.contract.export import stored_task_json
from mutualaid.contract.roster import to_json as roster_json
from mutualaid.domain.tasks import SentTask
from mutualaid.errors import ScenarioError
from mutualaid.messages import msg_in, say, using_locale
from mutualaid.services import access, plans, recommend, roster, weeks
from mutualaid.services.ports import ConflictError, InvalidRequest, NotFoundError

FORM_FIELDS = ("title", "id", "place", "priority", "duration_minutes", "windows", "start", "needs")
"""The task form's fields, carried (hidden) from the options to the one chosen."""
_DONE = "recommend_done"
"""The session key of the last option applied (shown by the confirmation page)."""


def _roster(request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str,
            kind: str) -> list[Json]:  # fmt: skip
    found = in_lang(lang, roster.list_entities, infra_of(request).reader(), viewer.actor, kind,
                    area)  # fmt: skip
    return [roster_json(e) for e in found]


def _published(request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str,
               week: str) -> Any:  # fmt: skip
    """The week's published plan record, or None (also for a week not made yet)."""
    try:
        found = in_lang(lang, plans.list_plans, infra_of(request).reader(), viewer.actor, area,
                        week)  # fmt: skip
    except NotFoundError as exc:
        if exc.kind != "week":
            raise
        return None
    return next((p for p in reversed(found) if p.published_at is not None), None)


def _titles(request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str,
            week: str) -> dict[str, str]:  # fmt: skip
    try:
        listed = in_lang(lang, weeks.list_tasks, infra_of(request).reader(), viewer.actor, area,
                         week)  # fmt: skip
    except NotFoundError:
        return {}
    return {t.id: str(stored_task_json(t).get("title") or t.id) for t in listed}


def option_row(option: Mapping[str, Any], names: Mapping[str, str], titles: Mapping[str, str],
               zone: str, lang: str) -> dict[str, Any]:  # fmt: skip
    """An option (as the JSON API answers it, or as the apply replayed it) as the page shows
    it: names instead of ids, times in the area's zone, coverage per priority in words."""
    sep = "、" if lang == "zh" else ", "

    def who(visit: Mapping[str, Any] | None) -> list[str]:
        if visit is None:
            return []
        return [names.get(v["id"], v["id"]) for v in visit.get("volunteers") or []]

    def said(visit: Mapping[str, Any] | None) -> str | None:
        if visit is None:
            return None
        return f"{sep.join(who(visit))} · {when_text(visit['start'], zone, lang)}"

    visit = option["visit"]
    moves, people = [], list(who(visit))
    for m in option.get("moves") or []:
        moves.append({"title": titles.get(m["task"], m["task"]),
                      "before": said(m.get("before")), "after": said(m.get("after"))})  # fmt: skip
        for name in who(m.get("before")) + who(m.get("after")):
            if name not in people:
                people.append(name)
    effect = option.get("effect") or {}
    coverage = []
    for p in PRIORITIES:
        change = int((effect.get("served") or {}).get(p, 0))
        if change:
            text = msg_in(lang, "page_coverage_change", change=f"{change:+d}",
                          priority=msg_in(lang, f"page_priority_{p}"))  # fmt: skip
            coverage.append({"priority": p, "change": f"{change:+d}", "text": text})
    travel = int(effect.get("travel_minutes") or 0)
    if travel > 0:
        travel_text = msg_in(lang, "page_travel_more", n=travel)
    elif travel < 0:
        travel_text = msg_in(lang, "page_travel_less", n=-travel)
    else:
        travel_text = msg_in(lang, "page_travel_same")
    return {
        "id": option["id"], "who": sep.join(who(visit)),
        "when": when_text(visit["start"], zone, lang),
        "until": pendulum.parse(visit["end"]).in_timezone(zone).format("HH:mm"),  # type: ignore[union-attr]
        "moves": moves, "coverage": coverage, "travel": travel_text, "people": people,
    }  # fmt: skip


def _page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str, week: str,
    form: Form, status_code: int = 200, **extra: Any,
) -> Response[Any]:  # fmt: skip
    context = area_context(request, viewer, lang, area)
    return page(
        request, viewer, lang, "coordinator/recommend.html", status_code, nav="weeks",
        form=form, editing=None, week=week, residents=_roster(request, viewer, lang, area,
        "residents"), sites=_roster(request, viewer, lang, area, "sites"),
        priorities=PRIORITIES, published=_published(request, viewer, lang, area, week),
        fields=FORM_FIELDS, **{"options": None, **extra}, **context,
    )  # fmt: skip


@get("/desk/{area:str}/weeks/{week:str}/recommend", sync_to_thread=True)
def request_form(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str],
) -> Response[Any]:  # fmt: skip
    """The new request's form (the task form's fields), on a week with a published plan."""
    in_lang(lang, access.parse_week, week)
    values = {"priority": "high", "duration_minutes": 60}
    return _page(request, viewer, lang, area, week, Form(values=values))


def _read_form(data: Mapping[str, str], lang: Lang) -> tuple[Form, Json]:
    form = Form(values={k: str(data.get(k) or "") for k in (*FORM_FIELDS, ONCE)})
    refuse_control_characters(form, dict(data), lang)
    if not form.values["id"].strip():  # one made up now, carried to the option chosen
        form.values["id"] = f"t-{secrets.token_hex(3)}"
    if not form.values[ONCE]:
        form.values[ONCE] = secrets.token_hex(8)
    task = task_from_form(dict(form.values), {"id": form.values["id"].strip()}, lang, form)
    return form, task


def _options(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str, week: str,
    form: Form, task: Json, status_code: int = 200, **extra: Any,
) -> Response[Any]:  # fmt: skip
    """The options for the request in `form`, or the form again with what is wrong."""
    infra = infra_of(request)
    if form.ok:
        try:
            found = in_lang(lang, recommend.recommend_task, infra.reader(), infra.recommender,
                            viewer.actor, area, week, SentTask(task))  # fmt: skip
        except (InvalidRequest, ScenarioError) as exc:
            problems_into(form, exc.problems, TASK_FIELDS)
        except ConflictError as exc:
            form.general.append(str(exc))
        else:
            zone = area_context(request, viewer, lang, area)["area"].timezone
            names = {v["id"]: str(v.get("name") or v["id"])
                     for v in _roster(request, viewer, lang, area, "volunteers")}  # fmt: skip
            titles = _titles(request, viewer, lang, area, week)
            rows = [option_row(dataclasses.asdict(in_lang(lang, option_view, o, found.scenario)),
                               names, titles, zone, lang) for o in found.options]  # fmt: skip
            none = None
            if not rows:
                with using_locale(lang):
                    none = msg_in(lang, "recommend_none") if found.reason is None else say(
                        found.reason[1])  # fmt: skip
            return _page(request, viewer, lang, area, week, form, status_code, options=rows,
                         none=none, task=task, **extra)  # fmt: skip
    return _page(request, viewer, lang, area, week, form, 400)


@post("/desk/{area:str}/weeks/{week:str}/recommend", sync_to_thread=True)
def find_options(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], data: FormBody,
) -> Response[Any]:  # fmt: skip
    """The best five options for the request (nothing is stored)."""
    form, task = _read_form(data, lang)
    return _options(request, viewer, lang, area, week, form, task)


@post("/desk/{area:str}/weeks/{week:str}/recommend/apply", sync_to_thread=True)
def apply_option(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], data: FormBody,
) -> Response[Any]:  # fmt: skip
    """Apply the option chosen: the request stored, the plan changed and published. The
    form's key makes a second click answer as the first (the same Idempotency-Key); when the
    week changed meanwhile, the options as they are now, with that said."""
    form, task = _read_form(data, lang)
    option = str(data.get("option") or "")
    if not form.ok or not option:
        return _options(request, viewer, lang, area, week, form, task)
    infra = infra_of(request)
    try:
        done = in_lang(
            lang, recommend.apply_recommendation, infra.uow(), infra.recommender, viewer.actor,
            area, week, option, SentTask(task), f"page-{form.values[ONCE]}-{option}",
            lambda o, s: dataclasses.asdict(option_view(o, s)),
        )  # fmt: skip
    except ConflictError as exc:
        changed = (msg_in(lang, "recommendation_gone", id=option, task=task["id"]),
                   msg_in(lang, "recommendation_contended", id=option))  # fmt: skip
        if str(exc) in changed:  # the week changed meanwhile: the options as they are now
            return _options(request, viewer, lang, area, week, form, task, 409, changed=True)
        form.general.append(str(exc))
        return _page(request, viewer, lang, area, week, form, 409)
    request.session[_DONE] = {
        "plan_id": done.plan_id, "published": done.published, "option": done.option,
        "title": task.get("title") or task["id"], "task": task["id"], "replayed": done.replayed,
    }  # fmt: skip
    return Redirect(f"/desk/{area}/weeks/{week}/recommend/done/{done.plan_id}", status_code=303)


@get("/desk/{area:str}/weeks/{week:str}/recommend/done/{plan_id:str}", sync_to_thread=True)
def applied(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], plan_id: FromPath[str],
) -> Response[Any]:  # fmt: skip
    """The confirmation: who goes and when, and every volunteer whose visit changed."""
    context = area_context(request, viewer, lang, area)
    done = request.session.get(_DONE)
    if not isinstance(done, dict) or done.get("plan_id") != plan_id:
        return Redirect(f"/desk/{area}/weeks/{week}/plans/{plan_id}", status_code=303)
    names = {v["id"]: str(v.get("name") or v["id"])
             for v in _roster(request, viewer, lang, area, "volunteers")}  # fmt: skip
    titles = _titles(request, viewer, lang, area, week)
    row = option_row(done["option"], names, titles, context["area"].timezone, lang)
    return page(
        request, viewer, lang, "coordinator/recommend_done.html", nav="weeks", week=week,
        done=done, row=row, **context,
    )  # fmt: skip


RECOMMEND_PAGES = [request_form, find_options, apply_option, applied]
