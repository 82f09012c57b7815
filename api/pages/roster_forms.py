"""The roster by form: volunteers, residents, sites and teams added, edited and deleted on the
coordinator's desk, through the same use cases as the API. Each kind's form is a list of
`Field`s; fields a form does not show (languages, unavailable, ...) are kept as stored."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from api.pages.auth import FormBody
from api.pages.common import (
    CurrentViewer,
    Form,
    Lang,
    flash,
    page,
    problems_into,
    refuse_control_characters,
)
from api.pages.desk import area_context
from api.pages.time_lines import read_lines
from mutualaid.contract.data import Json
from mutualaid.contract.roster import to_json as roster_json
from mutualaid.domain.model import CATEGORIES, MODES
from mutualaid.domain.roster import RosterKind
from mutualaid.errors import ScenarioError
from mutualaid.messages import msg_in, using_locale
from mutualaid.messages.skills import skill_id
from mutualaid.services import roster, volunteer_edits
from mutualaid.services.absences import WeekRepair
from mutualaid.services.ports import (
    ConflictError,
    InvalidRequest,
    NotFoundError,
)


@dataclass(frozen=True)
class Field:
    name: str
    """The form field, and the entity's key unless `kind` says otherwise."""
    label: str
    """Catalogue key of its label."""
    kind: str = "text"
    """text | number | list (comma-separated) | bool | choice | lines (availability) |
    lat | lon (of `place`)"""
    choices: tuple[str, ...] = ()
    hint: str | None = None
    place: str = ""
    """For lat/lon: the entity's key of the point (home, location)."""


CONTACT_FIELDS = (
    Field("address", "page_sheet_address", "optional"),
    Field("phone", "page_sheet_phone", "optional"),
)
"""Optional text: left empty, the entity has none."""

FIELDS: dict[str, tuple[Field, ...]] = {
    "volunteers": (
        Field("name", "page_name"),
        Field("skills", "page_skills", "list", hint="page_list_hint"),
        Field("lat", "page_home_lat", "lat", place="home", hint="page_latlon_hint"),
        Field("lon", "page_home_lon", "lon", place="home"),
        Field("mode", "page_mode", "choice", MODES),
        Field("max_travel_minutes", "page_max_travel", "number"),
        Field("max_hours_per_week", "page_hours", "number"),
        Field("availability", "page_availability", "lines", hint="page_availability_hint"),
        Field("gender", "page_gender", "choice", ("", "m", "f")),
        Field("vetted", "page_vetted", "bool"),
        *CONTACT_FIELDS,
    ),
    "residents": (
        Field("name", "page_name"),
        Field("lat", "page_lat", "lat", place="location", hint="page_latlon_hint"),
        Field("lon", "page_lon", "lon", place="location"),
        Field("categories", "page_categories", "list", hint="page_categories_hint"),
        Field("preferred_volunteers", "page_preferred", "list", hint="page_list_hint"),
        Field("gender_preference", "page_gender_preference", "choice", ("", "m", "f")),
        *CONTACT_FIELDS,
    ),
    "sites": (
        Field("name", "page_name"),
        Field("kind", "page_site_kind"),
        Field("lat", "page_lat", "lat", place="location", hint="page_latlon_hint"),
        Field("lon", "page_lon", "lon", place="location"),
        *CONTACT_FIELDS,
    ),
    "teams": (
        Field("name", "page_name"),
        Field("skills", "page_skills", "list", hint="page_list_hint"),
    ),
}
"""Each kind's form, in order."""


def problem_fields(kind: str) -> dict[str, str]:
    """An entity's key (a problem path's first key) -> the form field shown beside it."""
    out = {"id": "id"}
    for f in FIELDS[kind]:
        out[f.place or f.name] = "lat" if f.place else f.name
    return out


def values_of(kind: str, entity: Json) -> dict[str, Any]:
    """A stored entity as its form shows it."""
    values: dict[str, Any] = {"id": entity.get("id", "")}
    for f in FIELDS[kind]:
        if f.kind in ("lat", "lon"):
            values[f.name] = (entity.get(f.place) or {}).get(f.kind, "")
        elif f.kind == "list":
            values[f.name] = ", ".join(str(x) for x in entity.get(f.name) or [])
        elif f.kind == "lines":
            lines = []
            for b in entity.get(f.name) or []:
                when = " ".join(b.get("days") or []) or str(b.get("date", ""))
                lines.append(f"{when} {b.get('from', '')}-{b.get('to', '')}".strip())
            values[f.name] = "\n".join(lines)
        elif f.kind == "bool":
            values[f.name] = bool(entity.get(f.name))
        else:
            value = entity.get(f.name)
            values[f.name] = "" if value is None else value
    return values


def entity_from(kind: str, data: dict[str, str], base: Json, lang: str, form: Form) -> Json:
    """The entity the form describes, on top of `base`; unreadable fields go into `form`."""
    out: dict[str, Any] = dict(base)
    for f in FIELDS[kind]:
        raw = (data.get(f.name) or "").strip()
        if f.kind in ("lat", "lon", "number"):  # ３４．７８ from a Chinese input method
            raw = unicodedata.normalize("NFKC", raw)
        if f.kind in ("lat", "lon"):
            try:
                out.setdefault(f.place, {})
                out[f.place] = {**out[f.place], f.kind: float(raw)}
            except ValueError:
                form.add("lat", msg_in(lang, "page_latlon_bad", got=raw or "—"))
        elif f.kind == "list":
            listed = [x for x in re.split(r"[,，、;；\s]+", raw) if x]
            out[f.name] = [skill_id(x) for x in listed] if f.name == "skills" else listed
        elif f.kind == "lines":
            blocks, bad = read_lines(raw)
            for number, line in bad:
                form.add(f.name, msg_in(lang, "page_window_line", line=number, text=line))
            out[f.name] = blocks
        elif f.kind == "bool":
            out[f.name] = data.get(f.name) == "on"
        elif f.kind == "number":
            if not raw:
                out.pop(f.name, None)
                continue
            try:
                out[f.name] = float(raw) if "." in raw else int(raw)
            except ValueError:
                form.add(f.name, msg_in(lang, "not_positive_number", got=repr(raw)))
        elif f.kind in ("choice", "optional") and not raw:
            out.pop(f.name, None)
        else:
            out[f.name] = raw
    return out


def _infra(request: Request[Any, Any, Any]) -> Any:
    return request.app.state.infra


def _kind(kind: str) -> RosterKind:
    for known in roster.KINDS:
        if kind == known:
            return known
    raise NotFoundError("page", kind)


def _form_page(
    request: Request[Any, Any, Any], viewer: Any, lang: str, area: str, kind: str, form: Form,
    editing: str | None, status_code: int = 200,
) -> Response[Any]:  # fmt: skip
    context = area_context(request, viewer, lang, area)
    return page(
        request, viewer, lang, "coordinator/roster_form.html", status_code, nav=kind, kind=kind,
        fields=FIELDS[kind], form=form, editing=editing, categories=CATEGORIES, **context,
    )  # fmt: skip


@get("/desk/{area:str}/roster/{kind:str}/new", sync_to_thread=True)
def new_entity_form(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    kind: FromPath[str],
) -> Response[Any]:  # fmt: skip
    values = {"mode": "walk"} if kind == "volunteers" else {}
    return _form_page(request, viewer, lang, area, _kind(kind), Form(values=values), None)


@get("/desk/{area:str}/roster/{kind:str}/{ident:str}/edit", sync_to_thread=True)
def edit_entity_form(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    kind: FromPath[str], ident: FromPath[str],
) -> Response[Any]:  # fmt: skip
    with using_locale(lang):
        stored = roster.get_entity(_infra(request).reader(), viewer.actor, _kind(kind), area, ident)
    return _form_page(
        request, viewer, lang, area, kind, Form(values=values_of(kind, roster_json(stored))), ident
    )


def _save(
    request: Request[Any, Any, Any], viewer: Any, lang: str, area: str, kind: RosterKind,
    data: dict[str, str], editing: str | None,
) -> Response[Any]:  # fmt: skip
    infra = _infra(request)
    form = Form(values={**data, "vetted": data.get("vetted") == "on"})
    refuse_control_characters(form, data, lang)
    base: Json = {}
    ident = editing or (data.get("id") or "").strip()
    with using_locale(lang):
        if editing is not None:
            base = roster_json(roster.get_entity(infra.reader(), viewer.actor, kind, area, editing))
        elif not ident:
            form.add("id", msg_in(lang, "missing_field"))
        entity = entity_from(kind, data, base, lang, form)
        entity["id"] = ident
        if form.ok:
            try:
                repairs: tuple[WeekRepair, ...] = ()
                if editing is None:
                    roster.create_entity(infra.uow(), viewer.actor, kind, area, entity)
                elif kind == "volunteers":  # published visits it breaks are planned again
                    repairs = volunteer_edits.edit_volunteer(
                        infra.uow(), infra.recommender, viewer.actor, area, ident, entity
                    ).repairs
                else:
                    roster.put_entity(infra.uow(), viewer.actor, kind, area, ident, entity)
            except (InvalidRequest, ScenarioError) as exc:
                problems_into(form, exc.problems, problem_fields(kind))
            except ConflictError as exc:
                form.add("id", str(exc))
            else:
                name = entity.get("name") or ident
                if made := [r for r in repairs if r.plan is not None]:
                    _flash_repairs(request, viewer, lang, area, str(name), made)
                else:
                    flash(request, "page_roster_saved", name=name)
                return Redirect(f"/desk/{area}/roster/{kind}", status_code=303)
    return _form_page(request, viewer, lang, area, kind, form, editing, 400)


@post("/desk/{area:str}/roster/{kind:str}/new", sync_to_thread=True)
def add_entity(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    kind: FromPath[str], data: FormBody,
) -> Response[Any]:  # fmt: skip
    return _save(request, viewer, lang, area, _kind(kind), data, None)


@post("/desk/{area:str}/roster/{kind:str}/{ident:str}/edit", sync_to_thread=True)
def edit_entity(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    kind: FromPath[str], ident: FromPath[str], data: FormBody,
) -> Response[Any]:  # fmt: skip
    return _save(request, viewer, lang, area, _kind(kind), data, ident)


@post("/desk/{area:str}/roster/{kind:str}/{ident:str}/delete", sync_to_thread=True)
def delete_entity(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    kind: FromPath[str], ident: FromPath[str],
) -> Redirect:  # fmt: skip
    try:
        with using_locale(lang):
            roster.delete_entity(_infra(request).uow(), viewer.actor, _kind(kind), area, ident)
    except ConflictError as exc:
        flash(request, "page_roster_in_use", detail=str(exc))
    else:
        flash(request, "page_roster_deleted", id=ident)
    return Redirect(f"/desk/{area}/roster/{kind}", status_code=303)


ROSTER_PAGES = [new_entity_form, edit_entity_form, add_entity, edit_entity, delete_entity]


def _flash_repairs(
    request: Request[Any, Any, Any], viewer: Any, lang: str, area: str, name: str,
    repairs: list[WeekRepair],
) -> None:  # fmt: skip
    """The note after a volunteer's change broke published visits: the weeks planned again
    and who was told, by name."""
    listed = roster.list_entities(_infra(request).reader(), viewer.actor, "volunteers", area)
    people = {v.id: v.name for v in listed}  # in the page's language: called under its locale
    told = dict.fromkeys(people.get(m.volunteer, m.volunteer) for r in repairs for m in r.moved)
    weeks = ", ".join(r.week.isoformat() for r in repairs)
    flash(request, "page_volunteer_repaired", name=name, weeks=weeks,
          people=", ".join(told) or msg_in(lang, "page_nobody"))  # fmt: skip
