"""The coordinator's spreadsheets: volunteers, residents and a week's tasks imported from CSV
or .xlsx (a preview that lists every bad row with its column and reason before anything is
stored, then all the rows or none), and the same lists, the published plan and empty
templates downloaded as CSV or .xlsx.

A previewed file waits in this process's memory (`Drafts`, an hour at most) for its
confirmation, as the pages' sessions do: several server processes need a shared store.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect

from api.pages.auth import FormBody
from api.pages.common import CurrentViewer, Lang, flash, page, plan_in
from api.pages.desk import area_context, in_lang, infra_of
from api.pages.marked_notes import plan_notes
from api.pages.named import names_of as week_names
from api.pages.sheets import PlanReader
from api.pages.spreadsheet import (
    COLUMNS,
    FORMATS,
    LISTS,
    MEDIA,
    TableError,
    column_of,
    header_fields,
    list_rows,
    names_of,
    read_table,
    rows_of,
    write_table,
)
from mutualaid.contract.data import Json
from mutualaid.contract.export import stored_task_json
from mutualaid.contract.roster import to_json as roster_json
from mutualaid.contract.written import written_json
from mutualaid.messages import msg_in
from mutualaid.services import access, imports, plans, roster, task_edits, weeks
from mutualaid.services.absences import WeekRepair
from mutualaid.services.access import Actor
from mutualaid.services.imports import Row, RowProblem
from mutualaid.services.ports import ConflictError, InvalidRequest, NotFoundError
from mutualaid.services.volunteer_edits import RosterRepairing

MAX_FILE_BYTES = 5 * 1024 * 1024
MultiPart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


@dataclass
class Draft:
    """A checked file waiting for its confirmation."""

    token: str
    """The signed-in token's id: only who previewed it confirms it."""
    area: str
    kind: str
    week: str
    filename: str
    rows: list[Row]
    headers: dict[str, str] = field(default_factory=dict)
    """Field -> the file's header of it (problems are told by the file's own words)."""
    made: float = field(default_factory=time.monotonic)


class Drafts:
    """Previewed files by a random id, an hour at most, a hundred at most (oldest first out)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, Draft] = {}

    def put(self, draft: Draft) -> str:
        ident = secrets.token_urlsafe(16)
        with self._lock:
            now = time.monotonic()
            self._kept = {k: d for k, d in self._kept.items() if now - d.made < 3600}
            while len(self._kept) >= 100:
                self._kept.pop(next(iter(self._kept)))
            self._kept[ident] = draft
        return ident

    def take(self, ident: str, token: str) -> Draft | None:
        with self._lock:
            draft = self._kept.get(ident)
            if draft is None or draft.token != token or time.monotonic() - draft.made >= 3600:
                return None
            return self._kept.pop(ident)


_DRAFTS_GUARD = threading.Lock()


def _drafts(request: Request[Any, Any, Any]) -> Drafts:
    with _DRAFTS_GUARD:
        found = getattr(request.app.state, "import_drafts", None)
        if found is None:
            found = Drafts()
            request.app.state.import_drafts = found
        return found


def _kind(kind: str | None) -> str:
    if kind not in LISTS:
        raise NotFoundError("page", str(kind))
    return kind


def _stored(infra: Any, actor: Actor, lang: str, kind: str, area: str,
            week: str) -> dict[str, Json]:  # fmt: skip
    """What the area (or the week) already has, by id: a row updates it."""
    reader = infra.reader()
    if kind == "tasks":
        try:
            tasks = in_lang(lang, weeks.list_tasks, reader, actor, area, week)
        except NotFoundError:
            tasks = []
        return {t.id: stored_task_json(t) for t in tasks}
    found = in_lang(lang, roster.list_entities, reader, actor, kind, area)
    return {e.id: roster_json(e) for e in found}


def _check(
    infra: Any, actor: Actor, lang: str, draft: Draft, store: bool,
    run: task_edits.Repairing | None = None, people: RosterRepairing | None = None,
) -> list[RowProblem]:  # fmt: skip
    """The use case's answer for the rows, each problem named by the file's column (task
    rows stored by `run`: the published visits they break repaired with them)."""
    uow = infra.uow()
    if draft.kind == "tasks":
        found = in_lang(lang, imports.import_tasks, uow, actor, draft.area, draft.week,
                        draft.rows, store, run)  # fmt: skip
    else:
        found = in_lang(lang, imports.import_roster, uow, actor, draft.kind, draft.area,
                        draft.rows, store, people)  # fmt: skip
    by_number = {r.number: r for r in draft.rows}
    return [
        RowProblem(
            p.row, column_of(draft.kind, p.field, by_number[p.row], lang, draft.headers),
            p.message,
        )
        if p.row in by_number else p
        for p in found
    ]  # fmt: skip


def check_file(
    infra: Any, actor: Actor, lang: str, kind: str, area: str, week: str, name: str, raw: bytes,
    store: bool = False, run: task_edits.Repairing | None = None,
    people: RosterRepairing | None = None,
) -> tuple[Draft, list[RowProblem]]:  # fmt: skip
    """Read the file and check every row (and, with `store` and no bad row, store them all in
    one transaction): the rows read and every problem, by row and column. TableError for a
    file that is no table (too big, empty, neither CSV nor .xlsx)."""
    kind = _kind(kind)
    if kind == "tasks":
        in_lang(lang, access.parse_week, week)
    if len(raw) > MAX_FILE_BYTES:
        raise TableError(msg_in(lang, "import_too_big", most="5 MB"))
    table = read_table(raw, lang, name)
    stored = _stored(infra, actor, lang, kind, area, week)
    names = None
    if kind == "tasks":  # "张奶奶" as well as "r-zhang"
        names = {k.rstrip("s"): names_of(_stored(infra, actor, lang, k, area, week).values())
                 for k in ("residents", "sites")}  # fmt: skip
    rows, problems = rows_of(kind, table, stored, lang, names)
    fields, _ = header_fields(kind, table[0], lang)
    headers = {f: table[0][i] for i, f in enumerate(fields) if f}
    draft = Draft(actor.id, area, kind, week, name, rows, headers)
    if any(p.row == 1 for p in problems):  # the header is not read: its problems alone
        return draft, problems
    try:
        told = {(p.row, p.field) for p in problems}  # a cell unread is "missing" after
        checked = _check(infra, actor, lang, draft, store and not problems, run, people)
        problems += [p for p in checked if (p.row, p.field) not in told]
    except InvalidRequest as exc:
        problems += [RowProblem(0, name, p.message) for p in exc.problems]
    return draft, sorted(problems, key=lambda p: p.row)


def _weeks(request: Request[Any, Any, Any], viewer: Any, lang: str, area: str) -> list[str]:
    found = in_lang(lang, weeks.list_weeks, infra_of(request).reader(), viewer.actor, area)
    return [w.week_start.isoformat() for w in found]


def _form(
    request: Request[Any, Any, Any], viewer: Any, lang: str, area: str, kind: str, week: str,
    problems: list[RowProblem], status_code: int = 200,
) -> Response[Any]:  # fmt: skip
    context = area_context(request, viewer, lang, area)
    return page(
        request, viewer, lang, "coordinator/import.html", status_code, nav="import", kind=kind,
        week=week, weeks=_weeks(request, viewer, lang, area), lists=LISTS, formats=FORMATS,
        problems=problems, **context,
    )  # fmt: skip


@get("/desk/{area:str}/import", sync_to_thread=True)
def import_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    list_: Annotated[str | None, QueryParameter(name="list")] = None,
    week: FromQuery[str | None] = None,
) -> Response[Any]:  # fmt: skip
    """Choose a list and a file; below, every list to download."""
    kind = list_ if list_ in LISTS else "volunteers"
    weeks_ = _weeks(request, viewer, lang, area)
    chosen = (week or "").strip() or (weeks_[-1] if weeks_ else "")
    return _form(request, viewer, lang, area, kind, chosen, [])


@post("/desk/{area:str}/import", sync_to_thread=True)
def import_preview(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    data: MultiPart,
) -> Response[Any]:  # fmt: skip
    """Read and check the file without storing anything: every row, every bad one with its
    row number, column and reason; the confirm button only when none is bad."""
    kind = _kind(str(data.get("list") or ""))
    week = str(data.get("week") or "").strip()
    upload = data.get("file")
    name = upload.filename if isinstance(upload, UploadFile) else ""
    raw = upload.file.read(MAX_FILE_BYTES + 1) if isinstance(upload, UploadFile) else b""
    try:
        draft, problems = check_file(infra_of(request), viewer.actor, lang, kind, area, week,
                                     name, raw)  # fmt: skip
    except TableError as exc:
        one = RowProblem(0, name or "—", str(exc))
        return _form(request, viewer, lang, area, kind, week, [one], 400)
    ident = _drafts(request).put(draft) if not problems else None
    context = area_context(request, viewer, lang, area)
    headers = [c.header(lang) for c in COLUMNS[kind]]
    return page(
        request, viewer, lang, "coordinator/import_preview.html", 400 if problems else 200,
        nav="import", draft=draft, draft_id=ident, problems=problems, headers=headers,
        table=list_rows(kind, [dict(r.item) for r in draft.rows[:200]], lang)[1:],
        bad={p.row for p in problems}, **context,
    )  # fmt: skip


@post("/desk/{area:str}/import/confirm", sync_to_thread=True)
def import_confirm(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    data: FormBody,
) -> Response[Any]:  # fmt: skip
    """Store the previewed rows in one transaction: all of them, or (when the area changed
    since and a row no longer holds) none, with the problems shown again."""
    draft = _drafts(request).take(str(data.get("draft") or ""), viewer.actor.id)
    if draft is None or draft.area != area:
        flash(request, "import_expired")
        return Redirect(f"/desk/{area}/import", status_code=303)
    infra = infra_of(request)
    run = task_edits.Repairing(infra.recommender, viewer.actor)
    people = RosterRepairing(infra.recommender, viewer.actor)
    try:
        problems = _check(infra, viewer.actor, lang, draft, True, run, people)
    except ConflictError as exc:  # a solve of the week runs: nothing stored
        flash(request, "import_refused", name=draft.filename, why=str(exc))
        return Redirect(f"/desk/{area}/import", status_code=303)
    if problems:
        return _form(request, viewer, lang, area, draft.kind, draft.week, problems, 409)
    flash(request, "import_done", count=len(draft.rows), name=draft.filename)
    if run.repair is not None and run.repair.plan is not None:
        _flash_repair(request, infra, viewer.actor, lang, area, run.repair)
    for repair in people.repairs:  # each week the people's rows broke
        if repair.plan is not None:
            _flash_repair(request, infra, viewer.actor, lang, area, repair)
    if draft.kind == "tasks":
        return Redirect(f"/desk/{area}/weeks/{draft.week}", status_code=303)
    return Redirect(f"/desk/{area}/roster/{draft.kind}", status_code=303)


def _flash_repair(
    request: Request[Any, Any, Any], infra: Any, actor: Actor, lang: str, area: str,
    repair: WeekRepair,
) -> None:  # fmt: skip
    """The note after rows that broke published visits: planned again, who was told, and
    what no one can take now."""
    people = {v.id: v.name for v in in_lang(lang, roster.list_entities, infra.reader(), actor,
                                            "volunteers", area)}  # fmt: skip
    told = ", ".join(people.get(m.volunteer, m.volunteer) for m in repair.moved)
    week = in_lang(lang, weeks.list_tasks, infra.reader(), actor, area, str(repair.week))
    titles = {t.id: t.title for t in week}

    def said(ids: set[str]) -> str:  # a coordinator knows a task by its title, not its id
        return ", ".join(f"“{titles.get(i, i)}”" for i in sorted(ids))

    tasks = said({t.split("@")[0] for t in repair.tasks})
    flash(request, "import_repaired", tasks=tasks, people=told or msg_in(lang, "page_nobody"))
    if repair.unserved:
        lost = said({u.task.split("@")[0] for u in repair.unserved})
        flash(request, "import_repaired_unserved", tasks=lost)


def _file(
    rows: list[list[str]], fmt: str, name: str, more: Sequence[tuple[str, list[list[str]]]] = ()
) -> Response[bytes]:
    body = write_table(rows, fmt, name, more)
    disposition = f"attachment; filename*=UTF-8''{quote(name)}.{fmt}"
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


def _split(name: str) -> tuple[str, str]:
    stem, _, fmt = name.rpartition(".")
    if fmt not in FORMATS:
        raise NotFoundError("page", name)
    return stem, fmt


@get("/desk/{area:str}/export/{name:str}", sync_to_thread=True)
def export_list(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    name: FromPath[str], week: FromQuery[str | None] = None,
) -> Response[bytes]:  # fmt: skip
    """`volunteers.xlsx`, `residents.csv`, `tasks.xlsx?week=`, `plan.csv?week=` (the
    published plan, one row per visit)."""
    stem, fmt = _split(name)
    reader = infra_of(request).reader()
    when = (week or "").strip()
    if stem == "plan":
        found = in_lang(lang, plans.list_plans, reader, viewer.actor, area, when)
        shown = next((p for p in reversed(found) if p.published_at is not None), None)
        if shown is None or shown.result is None:
            raise NotFoundError("plan", when)
        written = in_lang(lang, weeks.export_scenario, reader, viewer.actor, area, when)
        scenario = written_json(written)
        names = week_names(scenario)
        result = plan_in(lang, shown, names)
        notes = plan_notes(reader, shown, written, result, names, lang)
        plan = PlanReader(scenario, result, lang, tuple(notes))
        more = [(msg_in(lang, "export_unserved_sheet"), plan.unserved_table())]
        if notes:  # the grown tasks' notes of the plan page (`marked_notes`)
            said = [[msg_in(lang, "page_marked_grown_title")], *([n] for n in notes)]
            more.append((msg_in(lang, "export_marked_sheet"), said))
        return _file(plan.table(), fmt, f"plan-{area}-{when}", more)
    kind = _kind(stem)
    entries = list(_stored(infra_of(request), viewer.actor, lang, kind, area, when).values())
    if kind == "tasks":
        in_lang(lang, access.parse_week, when)
    suffix = f"-{when}" if kind == "tasks" else ""
    return _file(list_rows(kind, entries, lang), fmt, f"{kind}-{area}{suffix}")


@get("/desk/{area:str}/template/{name:str}", sync_to_thread=True)
def template_file(
    viewer: CurrentViewer, lang: Lang, area: FromPath[str], name: FromPath[str]
) -> Response[bytes]:  # fmt: skip
    """An empty list with the column headers in the person's language, to fill in."""
    stem, fmt = _split(name)
    in_lang(lang, viewer.actor.require_area, area)
    return _file(list_rows(_kind(stem), [], lang), fmt, f"{stem}-template")


IMPORT_PAGES = [import_page, import_preview, import_confirm, export_list, template_file]
