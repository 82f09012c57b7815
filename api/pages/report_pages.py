"""The area's report on the pages: a week or a month (requests, service, hours, residents
reached), and the same as a CSV file (its export audited)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import pendulum
from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect

from api.pages.auth import FormBody
from api.pages.common import CurrentViewer, Form, Lang, flash, page, problems_into
from api.pages.desk import area_context, in_lang, infra_of
from mutualaid.domain.model import PRIORITIES
from mutualaid.domain.plan import REASONS
from mutualaid.services import fairness, reports, waiting
from mutualaid.services.ports import InvalidRequest


@get("/desk/{area:str}/reports", sync_to_thread=True)
def area_reports(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: Annotated[str | None, QueryParameter()] = None,
    month: Annotated[str | None, QueryParameter()] = None,
) -> Response[Any]:  # fmt: skip
    """The area's report of a week (`?week=`) or a month (`?month=`), this week by default;
    a link to the same as CSV."""
    context = area_context(request, viewer, lang, area)
    form = Form(values={"week": week or "", "month": month or ""})
    kind, text = ("month", month) if month else ("week", week)
    if not text:
        this = pendulum.now(context["area"].timezone).date().start_of("week")
        kind, text = "week", this.isoformat()
        form.values["week"] = text
    found = None
    try:
        found = in_lang(lang, reports.build_report, infra_of(request).reader(), viewer.actor,
                        area, kind, text)  # fmt: skip
    except InvalidRequest as exc:
        problems_into(form, exc.problems, {"week": "week", "month": "month"})
    body = None if found is None else in_lang(lang, reports.report_json, found)
    across = Form(values={"across_weeks": context["area"].fairness_across_weeks})
    csv_path = None
    if found is not None:
        csv_path = f"/desk/{quote(area)}/reports.csv?{kind}={found.period.label}"
    return page(
        request, viewer, lang, "coordinator/reports.html", 200 if form.ok else 400,
        nav="reports", form=form, report=body, csv_path=csv_path, reasons=REASONS,
        priorities=PRIORITIES, fairness_form=across, **context,
    )  # fmt: skip


@get("/desk/{area:str}/reports.csv", sync_to_thread=True)
def area_report_csv(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    week: Annotated[str | None, QueryParameter()] = None,
    month: Annotated[str | None, QueryParameter()] = None,
) -> Response[Any]:  # fmt: skip
    """The same report as a CSV file, for the pages' session (the API's needs a token)."""
    kind, text = ("month", month) if month else ("week", week or "")
    infra = infra_of(request)
    found = in_lang(lang, reports.build_report, infra.reader(), viewer.actor, area, kind, text)
    in_lang(lang, reports.record_export, infra.uow(), viewer.actor, found)
    name = reports.csv_filename(found)
    return Response(
        in_lang(lang, reports.report_csv, found).encode("utf-8"),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@get("/desk/{area:str}/waited", sync_to_thread=True)
def area_waited(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    until: Annotated[str | None, QueryParameter()] = None,
) -> Response[Any]:  # fmt: skip
    """Residents left unserved two weeks or more running, up to the week `?until=` (default
    the area's last), each week's tasks left and why; a link to the same as CSV."""
    context = area_context(request, viewer, lang, area)
    form = Form(values={"until": until or ""})
    found = None
    try:
        found = in_lang(lang, waiting.residents_who_waited, infra_of(request).reader(),
                        viewer.actor, area, until or None)  # fmt: skip
    except InvalidRequest as exc:
        problems_into(form, exc.problems, {"until": "until"})
    runs = None if found is None else in_lang(lang, waiting.waited_json, found)
    csv_path = f"/desk/{quote(area)}/waited.csv" + (f"?until={quote(until)}" if until else "")
    return page(
        request, viewer, lang, "coordinator/waited.html", 200 if form.ok else 400,
        nav="reports", form=form, runs=runs, csv_path=csv_path, **context,
    )  # fmt: skip


@get("/desk/{area:str}/waited.csv", sync_to_thread=True)
def area_waited_csv(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    until: Annotated[str | None, QueryParameter()] = None,
) -> Response[Any]:  # fmt: skip
    """The same as a CSV file, for the pages' session."""
    found = in_lang(lang, waiting.residents_who_waited, infra_of(request).reader(),
                    viewer.actor, area, until or None)  # fmt: skip
    return Response(
        in_lang(lang, waiting.waited_csv, found).encode("utf-8"),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="residents-who-waited.csv"'},
    )


@post("/desk/{area:str}/fairness", sync_to_thread=True)
def set_fairness(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    data: FormBody,
) -> Response[Any]:  # fmt: skip
    """Fairness across weeks on (the box ticked) or off, from the Reports tab."""
    across = bool(data.get("across_weeks"))
    in_lang(lang, fairness.set_fairness, infra_of(request).uow(), viewer.actor, area, across)
    flash(request, "page_fairness_saved")
    return Redirect(f"/desk/{quote(area)}/reports", status_code=303)


REPORT_PAGES = [area_reports, area_report_csv, area_waited, area_waited_csv, set_fairness]
