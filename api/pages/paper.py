"""Paper for those who will never open an app: a volunteer's day sheets (one printed page per
day, large type) and the whole week for the noticeboard, in the person's language.

Who may print what is the JSON API's rule, asked of the same use cases: a coordinator of the
area prints any volunteer's sheets and the noticeboard, from the published plan (else the
latest finished one, marked a draft on every page); a volunteer prints only their own week,
from the published plan only (`volunteer_schedule`). Reads are not audited (only changes
are), so printing is not either.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery

from api.pages.common import CurrentViewer, Lang, page, plan_in
from api.pages.marked_notes import plan_notes
from api.pages.named import names_of
from api.pages.sheets import PlanReader, schedule_sheets
from api.pages.task_changed import task_changed_note
from mutualaid.contract.written import written_json
from mutualaid.domain.model import DAYS
from mutualaid.messages import msg, using_locale
from mutualaid.services import access, plans, roster, volunteers, weeks
from mutualaid.services.ports import Forbidden, NotFoundError, PlanRecord

DONE = ("optimal", "feasible")


def _infra(request: Request[Any, Any, Any]) -> Any:
    return request.app.state.infra


def chosen_plan(found: list[PlanRecord], ident: str | None) -> PlanRecord | None:
    """The plan to print: the one named, else the published one, else the latest finished
    (a draft)."""
    done = [p for p in found if p.result is not None and p.status in DONE]
    if ident:
        named = next((p for p in done if p.id == ident), None)
        if named is None:
            raise NotFoundError("plan", ident)
        return named
    published = next((p for p in reversed(found) if p.published_at is not None), None)
    return published or (done[-1] if done else None)


def _day(day: str | None) -> str | None:
    if day is None or not day.strip():
        return None
    if day.strip() not in DAYS:
        raise NotFoundError("page", day)
    return day.strip()


def _reader(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str, week: str,
    plan: str | None,
) -> tuple[PlanRecord | None, PlanReader | None]:  # fmt: skip
    """The coordinator's view of the week's plan to print (Forbidden for anyone else)."""
    infra = _infra(request)
    with using_locale(lang):
        access.parse_week(week)
        viewer.actor.require_area(area)
        try:
            found = plans.list_plans(infra.reader(), viewer.actor, area, week)
        except NotFoundError as exc:
            if exc.kind != "week":
                raise
            found = []
        shown = chosen_plan(found, plan)
        if shown is None or shown.result is None:
            return None, None
        written = weeks.export_scenario(infra.reader(), viewer.actor, area, week)
        scenario = written_json(written)
        names = names_of(scenario)
        result = plan_in(lang, shown, names)
        notes = plan_notes(infra.reader(), shown, written, result, names, lang)
        changed = task_changed_note(shown, list(written.tasks), written.week_start, names, lang)
        return shown, PlanReader(scenario, result, lang, tuple(notes), changed)


@get("/print/{area:str}/{week:str}/sheets", sync_to_thread=True)
def day_sheets(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], volunteer: FromQuery[str | None] = None, day: FromQuery[str | None] = None,
    plan: FromQuery[str | None] = None,
) -> Response[Any]:  # fmt: skip
    """Day sheets: one volunteer's (`volunteer`) or everyone's, every day or one (`day`)."""
    one_day = _day(day)
    context: dict[str, Any] = {"area_id": area, "week": week, "day": one_day}
    if viewer.actor.may_manage(area):
        shown, reader = _reader(request, viewer, lang, area, week, plan)
        sheets = reader.sheets(volunteer or None, one_day) if reader else []
        if volunteer and reader is not None and volunteer not in reader.people:
            raise NotFoundError("volunteer", volunteer)
        return page(
            request, viewer, lang, "paper/sheets.html", sheets=sheets, plan=shown,
            draft=shown is not None and shown.published_at is None, **context,
        )  # fmt: skip
    mine = viewer.actor.volunteer
    with using_locale(lang):
        if mine is None:
            raise Forbidden(msg("forbidden_area", area=area))
        if plan:  # a plan not published is the coordinator's
            viewer.actor.require_manager()
        viewer.actor.require_volunteer(area, volunteer or mine)  # says whose, or which area
        schedule = volunteers.volunteer_schedule(
            _infra(request).reader(), viewer.actor, mine, week, area
        )
        routes = volunteers.volunteer_routes(_infra(request).reader(), viewer.actor, mine, week,
                                             area)  # fmt: skip
    sheets = schedule_sheets(schedule, lang, one_day, routes)
    return page(
        request, viewer, lang, "paper/sheets.html", sheets=sheets, plan=None, draft=False,
        **context,
    )  # fmt: skip


@get("/print/{area:str}/{week:str}/board", sync_to_thread=True)
def board(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: FromPath[str], plan: FromQuery[str | None] = None,
) -> Response[Any]:  # fmt: skip
    """The week for the noticeboard, landscape: a row per volunteer, a column per day, and
    what is not served, with its reason."""
    shown, reader = _reader(request, viewer, lang, area, week, plan)
    with using_locale(lang):
        record = roster.get_area(_infra(request).reader(), viewer.actor, area)
    return page(
        request, viewer, lang, "paper/board.html", area_id=area, area=record, week=week, plan=shown,
        board=reader.board() if reader else None,
        draft=shown is not None and shown.published_at is None,
    )  # fmt: skip


PAPER_PAGES = [day_sheets, board]
