"""The contract's structures in one canonical form, as stored and as exported.

Canonical means: every field that has a default is written out (names default to ids,
`mode: walk`, `count: 1`, `max_members` = `min_members`, `vetted_only` from the place, the
whole `settings`), dates are `YYYY-MM-DD` text, clocks `HH:MM`, a fixed start
`YYYY-MM-DDTHH:MM` local time, lists keep the order written (repeats dropped), and optional
fields without a default (`kind`, `gender`, `gender_preference`, a volunteer's own
`max_travel_minutes`) are left out when unset. An `every` series stays one task as written.
Input is expected to have passed `build_scenario`; these functions only reshape it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pendulum

from mutualaid.contract.clock import clock_text, local_start, local_text
from mutualaid.domain.model import (
    LATER_GOALS,
    Location,
    Need,
    Scenario,
    Settings,
    SkillNeed,
    Task,
    TeamNeed,
    TeamSkillNeed,
    TimeBlock,
)
from mutualaid.domain.tasks import StoredTask

Json = dict[str, Any]


def unique(items: Iterable[Any]) -> list[Any]:
    """The items in the order given, each once (as the loader reads a list)."""
    return list(dict.fromkeys(str(x).strip() for x in items or ()))


def _text(value: Any, default: str) -> str:
    """A name or title as the loader reads it: stripped, the id when absent."""
    text = "" if value is None else str(value).strip()
    return text or default


def iso_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return dt.date.fromisoformat(str(value).strip()).isoformat()


def hh_mm(value: Any) -> str:
    h, m = str(value).strip().split(":")
    return f"{int(h):02d}:{int(m):02d}"


def location(value: Mapping[str, Any]) -> Json:
    return {"lat": float(value["lat"]), "lon": float(value["lon"])}


def block(value: Mapping[str, Any]) -> Json:
    out: Json = {}
    if value.get("days") is not None:
        out["days"] = unique(value["days"])
    else:
        out["date"] = iso_date(value["date"])
    if "from" in value:
        out["from"] = hh_mm(value["from"])
        out["to"] = hh_mm(value["to"])
    return out


def settings(value: Mapping[str, Any] | None) -> Json:
    base = Settings()
    given = dict(value or {})
    speeds = dict(base.speeds_kmh)
    speeds.update({k: float(v) for k, v in (given.get("speeds_kmh") or {}).items()})
    return {
        "service_circle_minutes": int(given.get("service_circle_minutes", 15)),
        "detour_factor": float(given.get("detour_factor", base.detour_factor)),
        "speeds_kmh": speeds,
        "time_limit_seconds": float(given.get("time_limit_seconds", base.time_limit_seconds)),
        "seed": int(given.get("seed", base.seed)),
        "objective_order": _goals(given.get("objective_order")),
    }


def settings_of(value: Mapping[str, Any] | None) -> Settings:
    """Settings as written (or stored, in canonical form) as the domain's."""
    c = settings(value)
    return Settings(
        service_circle_minutes=c["service_circle_minutes"],
        detour_factor=c["detour_factor"],
        speeds_kmh=c["speeds_kmh"],
        time_limit_seconds=c["time_limit_seconds"],
        seed=c["seed"],
        objective_order=tuple(c["objective_order"]),
    )


def settings_json(st: Settings) -> Json:
    """The domain's settings in canonical form."""
    return settings(
        {
            "service_circle_minutes": st.service_circle_minutes,
            "detour_factor": st.detour_factor,
            "speeds_kmh": st.speeds_kmh,
            "time_limit_seconds": st.time_limit_seconds,
            "seed": st.seed,
            "objective_order": st.objective_order,
        }
    )


def _goals(value: Iterable[str] | None) -> list[str]:
    """The later goals in full: those named first, the rest in their default order."""
    named = unique(value or ())
    return [*named, *(g for g in LATER_GOALS if g not in named)]


def site(value: Mapping[str, Any]) -> Json:
    ident = str(value["id"]).strip()
    out: Json = {
        "id": ident,
        "name": _text(value.get("name"), ident),
        "location": location(value["location"]),
    }
    if value.get("kind") is not None:
        out["kind"] = str(value["kind"])
    return _contact(out, value)


def _contact(out: Json, value: Mapping[str, Any]) -> Json:
    """The optional address and phone, written only when given."""
    for key in ("address", "phone"):
        if value.get(key) is not None and str(value[key]).strip():
            out[key] = str(value[key]).strip()
    return out


def team(value: Mapping[str, Any]) -> Json:
    ident = str(value["id"]).strip()
    return {
        "id": ident,
        "name": _text(value.get("name"), ident),
        "skills": unique(value.get("skills") or ()),
    }


def volunteer(value: Mapping[str, Any]) -> Json:
    ident = str(value["id"]).strip()
    hours = value.get("max_hours_per_week")
    out: Json = {
        "id": ident,
        "name": _text(value.get("name"), ident),
        "teams": unique(value.get("teams") or ()),
        "skills": unique(value.get("skills") or ()),
        "home": location(value["home"]),
        "mode": value.get("mode") or "walk",
        "max_hours_per_week": 40 if hours is None else hours,
        "vetted": bool(value.get("vetted") or False),
        "languages": unique(value.get("languages") or ()),
        "availability": [block(b) for b in value.get("availability") or ()],
        "unavailable": [block(b) for b in value.get("unavailable") or ()],
    }
    if value.get("max_travel_minutes") is not None:
        out["max_travel_minutes"] = int(value["max_travel_minutes"])
    if value.get("gender") is not None:
        out["gender"] = value["gender"]
    return _contact(out, value)


def resident(value: Mapping[str, Any]) -> Json:
    ident = str(value["id"]).strip()
    out: Json = {
        "id": ident,
        "name": _text(value.get("name"), ident),
        "location": location(value["location"]),
        "categories": unique(value.get("categories") or ()),
        "preferred_volunteers": unique(value.get("preferred_volunteers") or ()),
    }
    if value.get("gender_preference") is not None:
        out["gender_preference"] = value["gender_preference"]
    return _contact(out, value)


def need(value: Mapping[str, Any]) -> Json:
    if value.get("skill") is not None:
        count = value.get("count")
        return {"skill": str(value["skill"]).strip(), "count": int(1 if count is None else count)}
    kind = "team_skill" if value.get("team_skill") is not None else "team"
    lo = int(value["min_members"])
    hi = value.get("max_members")
    return {kind: str(value[kind]).strip(), "min_members": lo, "max_members": int(hi or lo)}


def task(value: Mapping[str, Any]) -> Json:
    ident = str(value["id"]).strip()
    out: Json = {"id": ident, "title": _text(value.get("title"), ident)}
    if value.get("resident") is not None:
        out["resident"] = str(value["resident"]).strip()
    elif value.get("site") is not None:
        out["site"] = str(value["site"]).strip()
    else:
        out["location"] = location(value["location"])
    out["needs"] = [need(n) for n in value["needs"]]
    out["duration_minutes"] = int(value["duration_minutes"])
    if value.get("windows") is not None:
        out["windows"] = [block(w) for w in value["windows"]]
    elif value.get("start") is not None:
        out["start"] = local_start(value["start"])
    else:
        out["every"] = unique(value["every"])
        window = value["window"]
        out["window"] = {"from": hh_mm(window["from"]), "to": hh_mm(window["to"])}
    out["priority"] = value.get("priority") or "normal"
    out["waited"] = int(value.get("waited") or 0)
    vetted = value.get("vetted_only")
    out["vetted_only"] = bool(vetted) if vetted is not None else "resident" in out
    out["languages"] = unique(value.get("languages") or ())
    return out


def expect(value: Mapping[str, Any] | None) -> Json | None:
    if value is None:
        return None
    return {
        "served": [str(t) for t in value.get("served") or ()],
        "unserved": {str(k): str(v) for k, v in (value.get("unserved") or {}).items()},
        "coverage": {str(k): float(v) for k, v in (value.get("coverage") or {}).items()},
    }


def scenario(value: Mapping[str, Any]) -> Json:
    """The whole scenario in canonical form (what an export gives back)."""
    out: Json = {
        "name": str(value.get("name") or "").strip(),
        "timezone": str(value["timezone"]).strip(),
        "week_start": iso_date(value["week_start"]),
        "settings": settings(value.get("settings")),
        "sites": [site(x) for x in value.get("sites") or ()],
        "teams": [team(x) for x in value.get("teams") or ()],
        "volunteers": [volunteer(x) for x in value.get("volunteers") or ()],
        "residents": [resident(x) for x in value.get("residents") or ()],
        "tasks": [task(x) for x in value.get("tasks") or ()],
        "history": [
            {"resident": str(h["resident"]), "volunteer": str(h["volunteer"])}
            for h in value.get("history") or ()
        ],
        "pinned": [
            {"task": str(p["task"]), "volunteers": unique(p["volunteers"])}
            for p in value.get("pinned") or ()
        ],
        "declined": [
            {"task": str(d["task"]), "volunteer": str(d["volunteer"])}
            for d in value.get("declined") or ()
        ],
    }
    exp = expect(value.get("expect"))
    if exp is not None:
        out["expect"] = exp
    return out


# --- from the domain back to the contract ---------------------------------------------------


def block_of(b: TimeBlock) -> Json:
    out: Json = {"days": list(b.days)} if b.days is not None else {"date": iso_date(b.date)}
    if b.start is not None and b.end is not None:
        out["from"], out["to"] = clock_text(b.start), clock_text(b.end)
    return out


def need_of(n: Need) -> Json:
    if isinstance(n, SkillNeed):
        return {"skill": n.skill, "count": n.count}
    if isinstance(n, TeamSkillNeed):
        return {
            "team_skill": n.team_skill,
            "min_members": n.min_members,
            "max_members": n.max_members,
        }
    assert isinstance(n, TeamNeed)
    return {"team": n.team, "min_members": n.min_members, "max_members": n.max_members}


def _task_of(s: Scenario, t: Task, ident: str) -> Json:
    out: Json = {"id": ident, "title": t.title}
    if t.resident is not None:
        out["resident"] = t.resident
    elif t.site is not None:
        out["site"] = t.site
    else:
        out["location"] = {"lat": t.location.lat, "lon": t.location.lon}
    out["needs"] = [need_of(n) for n in t.needs]
    out["duration_minutes"] = t.duration_minutes
    if t.fixed_start is not None:
        out["start"] = local_text(s.week_start, t.fixed_start)
    else:
        out["windows"] = [block_of(w) for w in t.windows]
    out["priority"] = t.priority
    out["waited"] = t.waited
    out["vetted_only"] = t.vetted_only
    out["languages"] = sorted(t.languages)
    return out


def _tasks_of(s: Scenario) -> list[Json]:
    """Tasks, with the members of an `every` series folded back into one task when they are
    the same but for the day (they always are when the scenario came from the loader)."""
    out: list[Json] = []
    done: set[str] = set()
    for t in s.tasks.values():
        if t.id in done:
            continue
        members = [m for m in s.tasks.values() if t.series and m.series == t.series]
        if members and _is_series(s, t.series or "", members):
            first = _task_of(s, members[0], t.series or "")
            window = first.pop("windows")[0]
            first["every"] = [w.days[0] for m in members for w in m.windows if w.days]
            first["window"] = {"from": window["from"], "to": window["to"]}
            out.append(first)
            done.update(m.id for m in members)
        else:
            out.append(_task_of(s, t, t.id))
            done.add(t.id)
    return out


def _is_series(s: Scenario, series: str, members: list[Task]) -> bool:
    shapes = []
    for m in members:
        if len(m.windows) != 1 or not m.windows[0].days or len(m.windows[0].days) != 1:
            return False
        if m.id != f"{series}@{m.windows[0].days[0]}":
            return False
        shape = _task_of(s, m, series)
        shape["windows"] = [{**w, "days": []} for w in shape["windows"]]
        shapes.append(shape)
    return all(x == shapes[0] for x in shapes)


def from_scenario(s: Scenario) -> Json:
    """A domain Scenario as a canonical contract dict (sets come out sorted)."""
    out: Json = {
        "name": s.name,
        "timezone": s.timezone,
        "week_start": s.week_start.isoformat(),
        "settings": settings_json(s.settings),
        "sites": [
            site(
                {
                    "id": x.id,
                    "name": x.name,
                    "kind": x.kind,
                    "location": vars(x.location),
                    "address": x.address,
                    "phone": x.phone,
                }
            )
            for x in s.sites.values()
        ],
        "teams": [
            team({"id": x.id, "name": x.name, "skills": sorted(x.skills)}) for x in s.teams.values()
        ],
        "volunteers": [
            volunteer(
                {
                    "id": v.id,
                    "name": v.name,
                    "teams": list(v.teams),
                    "skills": sorted(v.skills),
                    "home": vars(v.home),
                    "mode": v.mode,
                    "max_travel_minutes": v.max_travel_minutes,
                    "max_hours_per_week": v.max_hours_per_week,
                    "vetted": v.vetted,
                    "gender": v.gender,
                    "languages": sorted(v.languages),
                    "availability": [block_of(b) for b in v.availability],
                    "unavailable": [block_of(b) for b in v.unavailable],
                    "address": v.address,
                    "phone": v.phone,
                }
            )
            for v in s.volunteers.values()
        ],
        "residents": [
            resident(
                {
                    "id": r.id,
                    "name": r.name,
                    "location": vars(r.location),
                    "categories": list(r.categories),
                    "preferred_volunteers": list(r.preferred_volunteers),
                    "gender_preference": r.gender_preference,
                    "address": r.address,
                    "phone": r.phone,
                }
            )
            for r in s.residents.values()
        ],
        "tasks": [task(t) for t in _tasks_of(s)],
        "history": [{"resident": h.resident, "volunteer": h.volunteer} for h in s.history],
        "pinned": [{"task": p.task, "volunteers": list(p.volunteers)} for p in s.pinned],
        "declined": [{"task": d.task, "volunteer": d.volunteer} for d in s.declined],
    }
    if s.expect is not None:
        out["expect"] = expect(
            {
                "served": list(s.expect.served),
                "unserved": dict(s.expect.unserved),
                "coverage": dict(s.expect.coverage),
            }
        )
    return out


# --- a stored task <-> the contract -----------------------------------------------------------


def _minute(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _block_in(value: Mapping[str, Any]) -> TimeBlock:
    days, date = value.get("days"), value.get("date")
    return TimeBlock(
        days=tuple(days) if days is not None else None,
        date=pendulum.Date.fromisoformat(date) if date is not None else None,
        start=_minute(value["from"]) if "from" in value else None,
        end=_minute(value["to"]) if "to" in value else None,
    )


def _need_in(value: Mapping[str, Any]) -> Need:
    if "skill" in value:
        return SkillNeed(value["skill"], value["count"])
    if "team_skill" in value:
        return TeamSkillNeed(value["team_skill"], value["min_members"], value["max_members"])
    return TeamNeed(value["team"], value["min_members"], value["max_members"])


def stored_task(value: Mapping[str, Any]) -> StoredTask:
    """A task as written (checked by the loader) as the domain's stored task."""
    c = task(value)
    window = c.get("window")
    return StoredTask(
        id=c["id"], title=c["title"], needs=tuple(_need_in(n) for n in c["needs"]),
        duration_minutes=c["duration_minutes"], resident=c.get("resident"),
        site=c.get("site"),
        location=Location(**c["location"]) if "location" in c else None,
        windows=tuple(_block_in(b) for b in c["windows"]) if "windows" in c else None,
        start=dt.datetime.fromisoformat(c["start"]) if "start" in c else None,
        every=tuple(c["every"]) if "every" in c else None,
        window=(_minute(window["from"]), _minute(window["to"])) if window else None,
        priority=c["priority"], waited=c["waited"], vetted_only=c["vetted_only"],
        languages=tuple(c["languages"]),
    )  # fmt: skip


def stored_task_json(t: StoredTask) -> Json:
    """The stored task in the contract's canonical form (what the API answers)."""
    out: Json = {
        "id": t.id, "title": t.title, "resident": t.resident, "site": t.site,
        "needs": [need_of(n) for n in t.needs], "duration_minutes": t.duration_minutes,
        "priority": t.priority, "waited": t.waited, "vetted_only": t.vetted_only,
        "languages": list(t.languages),
    }  # fmt: skip
    if t.location is not None:
        out["location"] = vars(t.location)
    if t.windows is not None:
        out["windows"] = [block_of(b) for b in t.windows]
    elif t.start is not None:
        out["start"] = t.start.strftime("%Y-%m-%dT%H:%M")
    else:
        out["every"] = list(t.every or ())
        lo, hi = t.window or (0, 0)
        out["window"] = {"from": clock_text(lo), "to": clock_text(hi)}
    return task(out)
