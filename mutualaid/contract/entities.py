"""The scenario's settings and entities (sites, teams, volunteers, residents) and a task's
needs, read from plain data field by field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pendulum

from mutualaid.contract.fields import Reader, describe
from mutualaid.contract.yaml_text import FieldPath
from mutualaid.domain.model import (
    CATEGORIES,
    LATER_GOALS,
    MODES,
    Need,
    Resident,
    Settings,
    Site,
    SkillNeed,
    Team,
    TeamNeed,
    TeamSkillNeed,
    Volunteer,
    merge_spans,
    subtract_spans,
)
from mutualaid.messages import msg

T = TypeVar("T")

_VOLUNTEER = (
    "id", "name", "teams", "skills", "home", "mode", "max_travel_minutes", "max_hours_per_week",
    "vetted", "gender", "languages", "availability", "unavailable", "address", "phone",
)  # fmt: skip
CONTACT = ("address", "phone")
"""Optional contact fields of sites, volunteers and residents (the project's addition to the
format): free text, never read by the solver."""


def read_contact(r: Reader, m: dict[str, Any], p: FieldPath) -> dict[str, str | None]:
    """A site's, volunteer's or resident's address and phone (each optional text)."""
    return {key: r.string(m, key, p, None) for key in CONTACT}


def read_settings(r: Reader, top: dict[str, Any]) -> Settings:
    raw = top.get("settings")
    if raw is None:
        return Settings()
    path: FieldPath = ("settings",)
    fields = (
        "service_circle_minutes", "detour_factor", "speeds_kmh", "time_limit_seconds", "seed",
        "objective_order",
    )  # fmt: skip
    m = r.mapping(raw, path, fields)
    if m is None:
        return Settings()
    base = Settings()
    speeds = dict(base.speeds_kmh)
    if m.get("speeds_kmh") is not None:
        sm = r.mapping(m["speeds_kmh"], (*path, "speeds_kmh"), MODES)
        for mode in MODES:
            if sm is not None and mode in sm:
                got = r.number(sm, mode, (*path, "speeds_kmh"), None, integer=False, positive=True)
                if got is not None:
                    speeds[mode] = got
    circle = r.number(m, "service_circle_minutes", path, 15, integer=True, positive=False)
    detour = r.number(m, "detour_factor", path, 1.3, integer=False, positive=True)
    limit = r.number(m, "time_limit_seconds", path, 10, integer=False, positive=True)
    seed = r.number(m, "seed", path, 0, integer=True, positive=False)
    order = _objective_order(r, m, path)
    return Settings(
        service_circle_minutes=circle if circle is not None else 15,
        detour_factor=detour or 1.3,
        speeds_kmh=speeds,
        time_limit_seconds=limit or 10.0,
        seed=seed if seed is not None else 0,
        objective_order=order,
    )


def _objective_order(r: Reader, m: dict[str, Any], path: FieldPath) -> tuple[str, ...]:
    """`settings.objective_order`: some or all of the later goals, each once; the goals it
    leaves out follow in their default order."""
    raw = m.get("objective_order")
    if raw is None:
        return LATER_GOALS
    p = (*path, "objective_order")
    if not isinstance(raw, list):
        r.add(p, msg("not_list", got=describe(raw)))
        return LATER_GOALS
    named: list[str] = []
    for i, goal in enumerate(raw):
        if goal not in LATER_GOALS:
            choices = ", ".join(LATER_GOALS)
            r.add((*p, i), msg("not_choice", choices=choices, got=describe(goal)))
        elif goal in named:
            r.add((*p, i), msg("duplicate_goal", goal=goal))
        else:
            named.append(goal)
    return (*named, *(g for g in LATER_GOALS if g not in named))


def read_entities(
    r: Reader,
    top: dict[str, Any],
    key: str,
    build: Callable[[dict[str, Any], FieldPath], T | None],
) -> dict[str, tuple[FieldPath, T | None]]:
    out: dict[str, tuple[FieldPath, T | None]] = {}
    seen: dict[str, FieldPath] = {}
    for p, item in r.items(top, key, ()):
        if not isinstance(item, dict):
            r.add(p, msg("not_mapping", got=describe(item)))
            continue
        ident = r.ident(item, "id", p)
        if ident is None:
            if "id" not in item:
                r.add((*p, "id"), msg("missing_field"))
            build(item, p)  # still report the entry's other problems
            continue
        r.unique([((*p, "id"), ident)], seen)
        if ident not in out:
            out[ident] = (p, build(item, p))
    return out


def read_site(r: Reader, item: dict[str, Any], p: FieldPath) -> Site | None:
    m = r.mapping(item, p, ("id", "name", "kind", "location", *CONTACT), ("id", "location"))
    if m is None:
        return None
    loc = r.location(m, "location", p)
    ident = r.ident(m, "id", p)
    contact = read_contact(r, m, p)
    if loc is None or ident is None:
        return None
    name, kind = r.string(m, "name", p, ident), r.string(m, "kind", p, None)
    return Site(ident, name, kind, loc, **contact)


def read_team(r: Reader, item: dict[str, Any], p: FieldPath) -> Team | None:
    m = r.mapping(item, p, ("id", "name", "skills"), ("id",))
    if m is None:
        return None
    ident = r.ident(m, "id", p)
    skills = frozenset(r.strings(m, "skills", p))
    return Team(ident, r.string(m, "name", p, ident), skills) if ident else None


def read_volunteer(
    r: Reader,
    item: dict[str, Any],
    p: FieldPath,
    settings: Settings,
    week_start: pendulum.Date | None,
) -> Volunteer | None:
    m = r.mapping(item, p, _VOLUNTEER, ("id", "home"))
    if m is None:
        return None
    ident = r.ident(m, "id", p)
    home = r.location(m, "home", p)
    available = [
        b for q, x in r.items(m, "availability", p) if (b := r.time_block(x, q, whole_day_ok=True))
    ]
    unavailable = [
        b for q, x in r.items(m, "unavailable", p) if (b := r.time_block(x, q, whole_day_ok=True))
    ]
    max_travel = r.number(
        m, "max_travel_minutes", p, settings.service_circle_minutes, integer=True, positive=False
    )
    max_hours = r.number(m, "max_hours_per_week", p, 40, integer=False, positive=False)
    vol = dict(
        name=r.string(m, "name", p, ident),
        teams=tuple(dict.fromkeys(r.strings(m, "teams", p))),
        skills=frozenset(r.strings(m, "skills", p)),
        mode=r.choice(m, "mode", p, MODES, "walk"),
        vetted=r.boolean(m, "vetted", p, False),
        gender=r.choice(m, "gender", p, ("m", "f"), None),
        languages=frozenset(r.strings(m, "languages", p)),
        **read_contact(r, m, p),
    )
    if ident is None or home is None or week_start is None:
        return None
    spans = [s for b in available for s in b.spans(week_start)]
    cuts = [s for b in unavailable for s in b.spans(week_start)]
    blocks = tuple(subtract_spans(merge_spans(spans), cuts))
    return Volunteer(
        ident,
        home=home,
        max_travel_minutes=max_travel if max_travel is not None else 15,
        max_hours_per_week=max_hours if max_hours is not None else 40,
        availability=tuple(available),
        unavailable=tuple(unavailable),
        blocks=blocks,
        **vol,
    )


def read_resident(r: Reader, item: dict[str, Any], p: FieldPath) -> Resident | None:
    fields = (
        "id", "name", "location", "categories", "preferred_volunteers", "gender_preference",
        *CONTACT,
    )  # fmt: skip
    m = r.mapping(item, p, fields, ("id", "location"))
    if m is None:
        return None
    ident = r.ident(m, "id", p)
    loc = r.location(m, "location", p)
    categories = []
    for q, c in r.items(m, "categories", p):
        if c in CATEGORIES:
            categories.append(c)
        else:
            r.add(q, msg("not_choice", choices=", ".join(CATEGORIES), got=describe(c)))
    preferred = tuple(r.strings(m, "preferred_volunteers", p))
    gender = r.choice(m, "gender_preference", p, ("m", "f"), None)
    contact = read_contact(r, m, p)
    if ident is None or loc is None:
        return None
    name = r.string(m, "name", p, ident)
    return Resident(ident, name, loc, tuple(categories), preferred, gender, **contact)


def read_need(r: Reader, item: Any, p: FieldPath) -> Need | None:
    fields = ("skill", "count", "team_skill", "team", "min_members", "max_members")
    m = r.mapping(item, p, fields)
    if m is None:
        return None
    kinds = [k for k in ("skill", "team_skill", "team") if m.get(k) is not None]
    if len(kinds) != 1:
        r.add(p, msg("need_one_of"))
        return None
    kind = kinds[0]
    name = r.string(m, kind, p)
    if kind == "skill":
        for extra in ("min_members", "max_members"):
            if extra in m:
                r.add(
                    (*p, extra),
                    msg("unknown_field", key=extra) + msg("did_you_mean", suggestion="count"),
                )
        count = r.number(m, "count", p, 1, integer=True, positive=True)
        return SkillNeed(name, count) if name and count else None
    if "count" in m:
        r.add(
            (*p, "count"),
            msg("unknown_field", key="count") + msg("did_you_mean", suggestion="min_members"),
        )
    if m.get("min_members") is None:
        r.add((*p, "min_members"), msg("missing_field"))
        return None
    lo = r.number(m, "min_members", p, None, integer=True, positive=True)
    hi = r.number(m, "max_members", p, lo, integer=True, positive=True)
    if not name or lo is None or hi is None:
        return None
    if lo > hi:
        r.add((*p, "min_members"), msg("min_gt_max", min=lo, max=hi))
        return None
    return TeamSkillNeed(name, lo, hi) if kind == "team_skill" else TeamNeed(name, lo, hi)
