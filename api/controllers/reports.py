"""Reports over HTTP: a week's or a month's requests, service, hours and residents reached,
as JSON or CSV (`?format=csv`, audited as an export)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.params import FromPath, QueryParameter

from api.controllers.common import AreaParam, CurrentActor, Uow
from api.errors import responses
from mutualaid.services import reports, waiting

Format = Annotated[
    str, QueryParameter(description="json (the default) or csv.", pattern="^(json|csv)$")
]


def answer(
    uow: Any, reader: Any, actor: Any, area: str | None, kind: str, text: str, fmt: str
) -> Response[Any]:
    """The report as JSON, or as a CSV file (its export recorded in the audit log)."""
    found = reports.build_report(reader, actor, area, kind, text)
    if fmt != "csv":
        return Response(reports.report_json(found), media_type="application/json")
    reports.record_export(uow, actor, found)
    name = reports.csv_filename(found)
    return Response(
        reports.report_csv(found).encode("utf-8"),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class ReportController(Controller):
    path = "/reports"
    tags = ("reports",)

    @get("/weeks/{week:str}", sync_to_thread=True, responses=responses(404))
    def week(
        self, actor: CurrentActor, uow: Uow, reader: Uow, week: FromPath[str],
        area: AreaParam = None, format: Format = "json",
    ) -> Response[dict[str, Any]]:  # fmt: skip
        """The week's report (its Monday, YYYY-MM-DD): tasks received, served, unserved by
        reason, those that had waited, hours assigned and done (the hours ledger's
        credits for those visits) by volunteer and team, residents reached by category.
        Admin or the area's coordinator."""
        return answer(uow, reader, actor, area, "week", week, format)

    @get("/months/{month:str}", sync_to_thread=True, responses=responses(404))
    def month(
        self, actor: CurrentActor, uow: Uow, reader: Uow, month: FromPath[str],
        area: AreaParam = None, format: Format = "json",
    ) -> Response[dict[str, Any]]:  # fmt: skip
        """The month's report (YYYY-MM): the weeks whose Monday is in it, summed."""
        return answer(uow, reader, actor, area, "month", month, format)

    @get("/waited", sync_to_thread=True, responses=responses(404))
    def waited(
        self, actor: CurrentActor, reader: Uow, area: AreaParam = None,
        until: Annotated[str | None, QueryParameter(
            description="The last week counted (a Monday, YYYY-MM-DD); default the area's last."
        )] = None,
        least: Annotated[int, QueryParameter(ge=1, le=520)] = waiting.LEAST_WEEKS,
        format: Format = "json",
    ) -> Response[Any]:  # fmt: skip
        """Residents left unserved `least` (2) weeks or more running, longest first: each
        week's tasks left and the reason as a code (the contract's, `not_planned`, `missed`)
        worded in the request's language. Admin or the area's coordinator."""
        found = waiting.residents_who_waited(reader, actor, area, until, least)
        if format != "csv":
            return Response(waiting.waited_json(found), media_type="application/json")
        return Response(
            waiting.waited_csv(found).encode("utf-8"),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="residents-who-waited.csv"'},
        )
