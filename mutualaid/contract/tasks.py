"""Tasks: their fields, `every` series expanded one task per day, fixed starts (local time
-> minute of the week), then each task placed (site or resident) and its start ranges.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pendulum

from mutualaid.contract import clock
from mutualaid.contract.entities import read_need
from mutualaid.contract.fields import Reader, describe
from mutualaid.contract.yaml_text import FieldPath
from mutualaid.domain.model import (
    DAYS,
    MINUTES_PER_WEEK,
    PRIORITIES,
    Resident,
    Site,
    Span,
    Task,
    Team,
    TeamNeed,
    TimeBlock,
)
from mutualaid.messages import msg

_TASK = (
    "id", "title", "resident", "site", "location", "needs", "duration_minutes", "windows",
    "start", "every", "window", "priority", "vetted_only", "languages", "waited",
)  # fmt: skip


def read_tasks(
    r: Reader, top: dict[str, Any], week_start: pendulum.Date | None, timezone: str | None
) -> dict[str, tuple[FieldPath, dict[str, Any] | None]]:
    """Tasks checked field by field, with `every` expanded; places are resolved later."""
    out: dict[str, tuple[FieldPath, dict[str, Any] | None]] = {}
    seen: dict[str, FieldPath] = {}
    for p, item in r.items(top, "tasks", ()):
        m = r.mapping(item, p, _TASK, ("id", "needs", "duration_minutes"))
        if m is None:
            continue
        ident = r.ident(m, "id", p)
        needs = [n for q, x in r.items(m, "needs", p) if (n := read_need(r, x, q)) is not None]
        if m.get("needs") is not None and isinstance(m["needs"], list) and not m["needs"]:
            r.add((*p, "needs"), msg("empty_list"))
        duration = r.number(m, "duration_minutes", p, None, integer=True, positive=True)
        priority = r.choice(m, "priority", p, PRIORITIES, "normal")
        waited = r.number(m, "waited", p, 0, integer=True, positive=False)
        vetted_only = r.boolean(m, "vetted_only", p, None)
        languages = frozenset(r.strings(m, "languages", p))
        places = [k for k in ("resident", "site", "location") if m.get(k) is not None]
        if len(places) != 1:
            r.add(p, msg("place_one_of"))
        location = r.location(m, "location", p) if "location" in places else None
        when = [k for k in ("windows", "start", "every") if m.get(k) is not None]
        if m.get("window") is not None and "every" not in when:
            r.add(
                (*p, "window"),
                msg("unknown_field", key="window") + msg("did_you_mean", suggestion="windows"),
            )
        base = dict(
            title=r.string(m, "title", p, ident),
            needs=tuple(needs),
            duration=duration,
            priority=priority,
            waited=waited or 0,
            vetted_only=vetted_only,
            languages=languages,
            resident=r.string(m, "resident", p, None),
            site=r.string(m, "site", p, None),
            location=location,
            path=p,
        )
        # a task whose timing is wrong keeps its ids (raw None), so references to it still resolve
        expanded: list[tuple[str | None, dict[str, Any] | None]] = []
        if len(when) != 1:
            r.add(p, msg("when_one_of"))
            expanded.append((ident, None))
        elif when == ["windows"]:
            windows = [
                b
                for q, x in r.items(m, "windows", p)
                if (b := r.time_block(x, q, whole_day_ok=False))
            ]
            if isinstance(m["windows"], list) and not m["windows"]:
                r.add((*p, "windows"), msg("empty_list"))
            expanded.append((ident, {**base, "windows": windows, "window_path": (*p, "windows")}))
        elif when == ["start"]:
            start = _fixed_start(r, m["start"], (*p, "start"), week_start, duration, timezone)
            expanded.append((ident, {**base, "fixed_start": start}))
        else:
            days = []
            for q, d in r.items(m, "every", p):
                if d in DAYS:
                    days.append(d)
                else:
                    r.add(q, msg("bad_day", got=d))
            if isinstance(m["every"], list) and not m["every"]:
                r.add((*p, "every"), msg("empty_list"))
            block = None
            if m.get("window") is None:
                r.add((*p, "every"), msg("every_needs_window"))
            else:
                wm = r.mapping(m["window"], (*p, "window"), ("from", "to"), ("from", "to"))
                if wm is not None and "from" in wm and "to" in wm:
                    block = r.time_block(
                        {"days": ["mon"], **wm}, (*p, "window"), whole_day_ok=False
                    )
            for d in dict.fromkeys(days):
                if ident is None:
                    continue
                if block is None:
                    expanded.append((f"{ident}@{d}", None))
                    continue
                b = TimeBlock((d,), None, block.start, block.end)
                expanded.append(
                    (
                        f"{ident}@{d}",
                        {
                            **base,
                            "windows": [b],
                            "series": ident,
                            "window_path": (*p, "window"),
                        },
                    )
                )
        for tid, raw in expanded:
            if tid is None:
                continue
            r.unique([((*p, "id"), tid)], seen)
            if tid not in out:
                out[tid] = (p, raw if duration is not None else None)
    return out


def _fixed_start(
    r: Reader,
    value: Any,
    path: FieldPath,
    week_start: pendulum.Date | None,
    duration: int | None,
    timezone: str | None = None,
) -> int | None:
    parsed: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        r.add(path, msg("bad_start", got=describe(value)))
        return None
    if parsed.tzinfo is not None:
        r.add(path, msg("start_has_offset", got=describe(value)))
        return None
    if timezone is not None and not clock.exists(parsed, ZoneInfo(timezone)):  # daylight saving
        r.add(path, msg("start_in_gap", got=describe(value), zone=timezone))
        return None
    if week_start is None:
        return None
    minute = clock.local_minute(week_start, parsed)
    if not 0 <= minute < MINUTES_PER_WEEK:
        r.add(
            path,
            msg(
                "start_outside_week",
                got=value,
                week_start=week_start.isoformat(),
                week_end=week_start.add(days=6).isoformat(),
            ),
        )
        return None
    if duration is not None and minute + duration > MINUTES_PER_WEEK:
        r.add(path, msg("start_crosses_week"))
        return None
    if duration is not None and timezone is not None:
        end = minute + duration  # a visit's end must exist too, or it reads back an hour off
        if any(g0 <= end < g1 for g0, g1 in clock.missing_minutes(week_start, timezone)):
            r.add(path, msg("end_in_gap", got=describe(value), zone=timezone))
            return None
    return minute


def place_task(
    r: Reader,
    tid: str,
    p: FieldPath,
    raw: dict[str, Any],
    sites: dict[str, tuple[FieldPath, Site | None]],
    residents: dict[str, tuple[FieldPath, Resident | None]],
    teams: dict[str, tuple[FieldPath, Team | None]],
    week_start: pendulum.Date | None,
    timezone: str | None = None,
) -> Task | None:
    for i, need in enumerate(raw["needs"]):
        if isinstance(need, TeamNeed) and need.team not in teams:
            r.add((*p, "needs", i, "team"), msg("unknown_ref", kind=msg("kind_team"), id=need.team))
    location = raw["location"]
    if raw["resident"] is not None:
        got = residents.get(raw["resident"])
        if got is None:
            r.add(
                (*p, "resident"), msg("unknown_ref", kind=msg("kind_resident"), id=raw["resident"])
            )
            return None
        location = got[1].location if got[1] else None
    if raw["site"] is not None:
        site = sites.get(raw["site"])
        if site is None:
            r.add((*p, "site"), msg("unknown_ref", kind=msg("kind_site"), id=raw["site"]))
            return None
        location = site[1].location if site[1] else None
    duration = raw["duration"]
    if location is None or not raw["needs"] or duration is None or week_start is None:
        return None
    ranges: list[Span] = []
    windows: tuple[TimeBlock, ...] = tuple(raw.get("windows", ()))
    fixed = raw.get("fixed_start")
    if "fixed_start" in raw:
        if fixed is None:
            return None
        ranges = [(fixed, fixed)]
    else:
        spans = [s for w in windows for s in w.spans(week_start)]
        if windows and not spans:
            r.add(raw["window_path"], msg("task_no_window_in_week"))
            return None
        ranges = sorted({(a, b - duration) for a, b in spans if b - duration >= a})
        if ranges and timezone is not None:
            gaps = clock.missing_minutes(week_start, timezone)
            if gaps and not (ranges := clock.starts_that_exist(ranges, duration, gaps)):
                r.add(raw["window_path"], msg("window_in_gap", zone=timezone))
                return None
        elif spans and not ranges:
            longest = max(b - a for a, b in spans)
            r.add(
                raw["window_path"],
                msg("duration_fits_no_window", duration=duration, longest=longest),
            )
            return None
        if not windows:
            return None
    vetted = raw["vetted_only"]
    return Task(
        tid,
        title=raw["title"] or "",
        location=location,
        needs=raw["needs"],
        duration_minutes=duration,
        resident=raw["resident"],
        site=raw["site"],
        windows=windows,
        fixed_start=fixed,
        priority=raw["priority"],
        waited=raw["waited"],
        vetted_only=vetted if vetted is not None else raw["resident"] is not None,
        languages=raw["languages"],
        series=raw.get("series"),
        start_ranges=tuple(ranges),
    )
