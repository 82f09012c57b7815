"""Spreadsheets over HTTP: the body of `POST /imports/{list}` is a CSV or .xlsx file, checked
(and with `store=true`, stored: every row or none) as the coordinator's import page does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath, FromQuery, RawBody

from api.controllers.common import AreaParam, CurrentActor, repair_headers
from api.errors import responses
from api.pages.imports import check_file
from api.pages.spreadsheet import TableError
from mutualaid.errors import Problem
from mutualaid.messages import locale
from mutualaid.services import task_edits
from mutualaid.services.ports import InvalidRequest


@dataclass
class ImportView:
    list: str
    rows: int
    """The rows read (blank ones skipped)."""
    stored: bool
    """True when every row was stored; false for a check alone."""


@post("/imports/{name:str}", status_code=200, sync_to_thread=True, tags=["imports"],
      responses=responses(400, 404, 409))  # fmt: skip
def import_spreadsheet(
    request: Request[Any, Any, Any], actor: CurrentActor, name: FromPath[str], body: RawBody,
    area: AreaParam = None, week: FromQuery[str | None] = None, store: FromQuery[bool] = False,
) -> Response[ImportView]:  # fmt: skip
    """`volunteers`, `residents` or `tasks` (`?week=`) from the body, a CSV (UTF-8 or GBK) or
    .xlsx file with English or Chinese headers (as the templates of the import page). Every
    row is checked; 400 lists every bad one, `line` its row and `path` its column, and
    nothing is stored. With `store=true` and no bad row every row is stored in one
    transaction (known ids updated, their empty cells kept); visits of the published plan
    the task rows no longer allow are then planned again at once, as `PUT
    /weeks/{week}/tasks/{task}` does (`Repair-Plan`, `Repair-Told` headers; 409 while a solve
    of the week runs)."""
    where = actor.area(area)
    infra = request.app.state.infra
    run = task_edits.Repairing(infra.recommender, actor)
    try:
        draft, problems = check_file(
            infra, actor, locale(), name, where, (week or "").strip(), f"{name}.upload", body,
            store, run,
        )  # fmt: skip
    except TableError as exc:
        raise InvalidRequest([Problem("", str(exc))]) from None
    if problems:
        raise InvalidRequest([Problem(p.field, p.message, p.row or None) for p in problems])
    view = ImportView(draft.kind, len(draft.rows), store)
    return Response(view, headers=repair_headers(run.repair) or None)
