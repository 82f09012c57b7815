"""Hypothesis strategies for random but valid weeks, written as contract dicts (what a
coordinator's YAML parses to) so every world also goes through `build_scenario`.

Worlds are dense on purpose: one or two days, windows and availability blocks on a half-hour
grid inside 08:00-18:00 (nudged a few minutes off it now and then, so that routes get tight to
the minute), homes and places within about 1.5 km of one point. Tasks compete for the same
people at the same hours, so `capacity`, routing and weekly hours all bind. Pins are left out:
the tests take them from plans (test_properties.py) or write them by hand (test_rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

WEEK_START = "2026-11-30"
CENTER = (34.77, 113.68)
STEP_DEG = 0.0005
"""Coordinates are CENTER + k * STEP_DEG (about 55 m north-south, 46 m east-west)."""
DAYS = ("mon", "tue", "wed")
DATES = {"mon": "2026-11-30", "tue": "2026-12-01", "wed": "2026-12-02"}
SKILLS = ("companionship", "home_repair", "first_aid")
TEAM_SKILLS = ("lion_dance", "choir")
LANGUAGES = ("zh", "henan", "en")
PRIORITIES = ("urgent", "high", "normal", "low")
DURATIONS = (30, 45, 60, 90)
FIRST_MINUTE = 8 * 60
HALF_HOUR = 30

World = dict[str, Any]


@dataclass(frozen=True)
class Size:
    """How many of each a world has: (fewest, most) tasks and volunteers, and at most so many
    residents, sites and teams."""

    tasks: tuple[int, int]
    volunteers: tuple[int, int]
    residents: int
    sites: int
    teams: int
    crowded: bool = False
    """One day, everyone vetted, no language needs or declines: mostly `capacity` decides."""


TINY = Size(tasks=(4, 6), volunteers=(2, 4), residents=3, sites=2, teams=1)
CROWDED = Size(tasks=(5, 6), volunteers=(2, 3), residents=3, sites=2, teams=1, crowded=True)
SMALL = Size(tasks=(10, 15), volunteers=(5, 8), residents=6, sites=3, teams=2)


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def points(draw: st.DrawFn, radius: int) -> dict[str, float]:
    """A location within `radius` grid steps of CENTER in each direction."""
    k_lat = draw(st.integers(-radius, radius))
    k_lon = draw(st.integers(-radius, radius))
    return {
        "lat": round(CENTER[0] + k_lat * STEP_DEG, 6),
        "lon": round(CENTER[1] + k_lon * STEP_DEG, 6),
    }


def grid_minutes(first: int = FIRST_MINUTE, slots: int = 13) -> st.SearchStrategy[int]:
    """Half-hour marks from `first` on (08:00 .. 14:00 by default)."""
    return st.integers(0, slots - 1).map(lambda k: first + k * HALF_HOUR)


def nudges() -> st.SearchStrategy[int]:
    """Mostly 0, else a few minutes either way: off the grid, routes get tight to the minute."""
    return st.sampled_from((0, 0, 0, -7, -3, -1, 1, 2, 5))


@st.composite
def day_sets(draw: st.DrawFn, days: list[str]) -> list[str]:
    return draw(st.lists(st.sampled_from(days), min_size=1, max_size=len(days), unique=True))


@st.composite
def availability_blocks(draw: st.DrawFn, days: list[str]) -> dict[str, Any]:
    start = draw(grid_minutes(slots=9)) + draw(nudges())
    length = draw(st.sampled_from((120, 180, 240, 300))) + draw(nudges())
    when: dict[str, Any]
    if draw(st.integers(0, 4)) == 0:  # a one-off date now and then
        when = {"date": DATES[draw(st.sampled_from(days))]}
    else:
        when = {"days": draw(day_sets(days))}
    return {**when, "from": clock(start), "to": clock(start + length)}


@st.composite
def unavailable_entries(draw: st.DrawFn, days: list[str]) -> dict[str, Any]:
    day = draw(st.sampled_from(days))
    kind = draw(st.sampled_from(("whole_day", "part_of_date", "part_of_weekday")))
    if kind == "whole_day":
        return {"date": DATES[day]}
    start = draw(grid_minutes())
    end = start + draw(st.sampled_from((30, 60, 90)))
    when = {"date": DATES[day]} if kind == "part_of_date" else {"days": [day]}
    return {**when, "from": clock(start), "to": clock(end)}


@st.composite
def volunteers(draw: st.DrawFn, index: int, days: list[str], teams: list[str]) -> dict[str, Any]:
    vol: dict[str, Any] = {
        "id": f"v-{index}",
        "name": f"志愿者{index}",
        "home": draw(points(radius=14)),
        "mode": draw(st.sampled_from(("walk", "bike"))),
        "skills": [s for s in SKILLS if draw(st.integers(0, 2)) > 0] or [SKILLS[index % 3]],
        "vetted": draw(st.sampled_from((True, True, True, True, False))),
        "availability": draw(st.lists(availability_blocks(days), min_size=1, max_size=3)),
    }
    if teams and draw(st.integers(0, 3)) > 0:
        vol["teams"] = draw(st.lists(st.sampled_from(teams), min_size=1, unique=True))
    gender = draw(st.sampled_from(("m", "f", None)))
    if gender is not None:
        vol["gender"] = gender
    if draw(st.integers(0, 4)) > 0:
        vol["languages"] = draw(
            st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True)
        )
    if draw(st.integers(0, 3)) == 0:
        vol["max_travel_minutes"] = draw(st.sampled_from((10, 20, 30)))
    if draw(st.integers(0, 2)) == 0:  # few hours, so weekly hours bind
        vol["max_hours_per_week"] = draw(st.sampled_from((0.5, 1, 1.5, 2)))
    if draw(st.integers(0, 4)) == 0:
        vol["unavailable"] = [draw(unavailable_entries(days))]
    return vol


@st.composite
def needs(draw: st.DrawFn, skills: list[str], teams: list[dict[str, Any]]) -> dict[str, Any]:
    """A role; mostly one that some volunteer (`skills`) or team could fill."""
    # team roles only now and then where no team exists: they can only end as no_skill
    kinds = ["skill"] * 5 + ["team_skill", "team"] if teams else ["skill"] * 9 + ["team_skill"]
    kind = draw(st.sampled_from(kinds))
    if kind == "skill":
        pool = skills if skills and draw(st.integers(0, 5)) > 0 else SKILLS
        return {"skill": draw(st.sampled_from(pool)), "count": draw(st.sampled_from((1, 1, 1, 2)))}
    low = draw(st.integers(1, 2))
    need: dict[str, Any] = {"min_members": low}
    if draw(st.booleans()):
        need["max_members"] = low + draw(st.integers(0, 1))
    if kind == "team":
        return {"team": draw(st.sampled_from([t["id"] for t in teams])), **need}
    offered = sorted({s for t in teams for s in t["skills"]})
    if offered and draw(st.integers(0, 4)) > 0:  # mostly a skill some team has
        return {"team_skill": draw(st.sampled_from(offered)), **need}
    return {"team_skill": draw(st.sampled_from(TEAM_SKILLS)), **need}


@st.composite
def tasks(
    draw: st.DrawFn,
    index: int,
    days: list[str],
    residents: list[str],
    sites: list[str],
    skills: list[str],
    teams: list[dict[str, Any]],
) -> dict[str, Any]:
    duration = draw(st.sampled_from(DURATIONS))
    task: dict[str, Any] = {"id": f"t-{index}", "title": f"任务{index}"}
    place = draw(st.sampled_from(("resident", "resident", "resident", "site", "location")))
    if place == "resident" and residents:
        task["resident"] = draw(st.sampled_from(residents))
    elif place == "site" and sites:
        task["site"] = draw(st.sampled_from(sites))
    else:
        task["location"] = draw(points(radius=8))
    first = draw(needs(skills, teams))
    task["needs"] = [first]
    if draw(st.integers(0, 4)) == 0:
        task["needs"].append(draw(needs(skills, teams)))
    task["duration_minutes"] = duration
    if draw(st.integers(0, 6)) == 0:  # an event at a fixed start
        day = draw(st.sampled_from(days))
        minute = draw(grid_minutes()) + draw(st.sampled_from((0, 0, 15))) + draw(nudges())
        task["start"] = f"{DATES[day]}T{clock(minute)}"
    else:
        windows = []
        for _ in range(draw(st.integers(1, 2))):
            start = draw(grid_minutes(slots=9)) + draw(nudges())
            slack = draw(st.sampled_from((30, 60, 90, 120, 180))) + draw(nudges())
            windows.append(
                {
                    "days": draw(day_sets(days)),
                    "from": clock(start),
                    "to": clock(start + duration + slack),
                }
            )
        task["windows"] = windows
    task["priority"] = draw(st.sampled_from(PRIORITIES))
    if draw(st.integers(0, 2)) == 0:
        task["waited"] = draw(st.integers(0, 3))
    if draw(st.integers(0, 4)) == 0:
        task["vetted_only"] = draw(st.booleans())
    if draw(st.integers(0, 11)) == 0:
        task["languages"] = [draw(st.sampled_from(LANGUAGES))]
    return task


@st.composite
def worlds(draw: st.DrawFn, size: Size = SMALL) -> World:
    """A valid week of `size`, on one to three consecutive days."""
    n_days = 1 if size.crowded else draw(st.sampled_from((1, 1, 2, 3)))
    first_day = draw(st.integers(0, len(DAYS) - n_days))
    days = list(DAYS[first_day : first_day + n_days])
    n_teams = draw(st.integers(0, size.teams))
    teams = [
        {
            "id": f"team-{i}",
            "name": f"队伍{i}",
            "skills": draw(st.lists(st.sampled_from(TEAM_SKILLS), min_size=1, unique=True)),
        }
        for i in range(n_teams)
    ]
    team_ids = [t["id"] for t in teams]
    n_vols = draw(st.integers(*size.volunteers))
    vols = [draw(volunteers(i, days, team_ids)) for i in range(n_vols)]
    if size.crowded:  # nobody is kept away by vetting
        for v in vols:
            v["vetted"] = True
    vol_ids = [v["id"] for v in vols]
    residents = []
    for i in range(draw(st.integers(0, size.residents))):
        res: dict[str, Any] = {"id": f"r-{i}", "name": f"居民{i}", "location": draw(points(8))}
        if draw(st.integers(0, 4)) == 0:
            res["gender_preference"] = draw(st.sampled_from(("m", "f")))
        if draw(st.integers(0, 2)) == 0:
            res["preferred_volunteers"] = draw(
                st.lists(st.sampled_from(vol_ids), min_size=1, max_size=2, unique=True)
            )
        if draw(st.booleans()):
            res["categories"] = draw(
                st.lists(
                    st.sampled_from(("over_70", "living_alone", "empty_nest", "disabled")),
                    max_size=2,
                    unique=True,
                )
            )
        residents.append(res)
    res_ids = [r["id"] for r in residents]
    sites = [
        {"id": f"s-{i}", "name": f"服务站{i}", "kind": "service_point", "location": draw(points(8))}
        for i in range(draw(st.integers(0, size.sites)))
    ]
    site_ids = [s["id"] for s in sites]
    skills = sorted({s for v in vols for s in v["skills"]})
    task_list = [
        draw(tasks(i, days, res_ids, site_ids, skills, teams))
        for i in range(draw(st.integers(*size.tasks)))
    ]
    world: World = {
        "name": "随机的一周",
        "timezone": "Asia/Shanghai",
        "week_start": WEEK_START,
        "sites": sites,
        "teams": teams,
        "volunteers": vols,
        "residents": residents,
        "tasks": task_list,
    }
    if draw(st.integers(0, 3)) == 0:
        goals = draw(st.permutations(("continuity", "travel", "fairness")))
        world["settings"] = {"objective_order": list(goals)}
    if res_ids:
        history = draw(
            st.lists(
                st.tuples(st.sampled_from(res_ids), st.sampled_from(vol_ids)),
                max_size=3,
                unique=True,
            )
        )
        if history:
            world["history"] = [{"resident": r, "volunteer": v} for r, v in history]
    if size.crowded:  # nor by languages or declines
        for t in task_list:
            t.pop("languages", None)
        return world
    declined = draw(
        st.lists(
            st.tuples(st.sampled_from([t["id"] for t in task_list]), st.sampled_from(vol_ids)),
            max_size=2,
            unique=True,
        )
    )
    if declined:
        world["declined"] = [{"task": t, "volunteer": v} for t, v in declined]
    return world


def tiny_worlds() -> st.SearchStrategy[World]:
    """At most 6 tasks and 4 volunteers: small enough for the brute-force solver. Half of
    them crowded, so that tasks compete for the same few people."""
    return st.one_of(worlds(TINY), worlds(CROWDED))


def small_worlds() -> st.SearchStrategy[World]:
    """At most 15 tasks and 8 volunteers."""
    return worlds(SMALL)


SHAPES = ("one-day", "wide")


def reshaped(world: World, shape: str) -> World:
    """The week in one of the unseen benchmark's shapes (bench/unseen.py): `one-day` moves
    every task and every availability block to the week's first day, so each block holds many
    candidate visits; `wide` opens every task window from 08:00 to 21:00."""
    first = "mon"
    out: World = {**world, "tasks": [dict(t) for t in world["tasks"]]}
    for task in out["tasks"]:
        if shape == "one-day" and "start" in task:
            task["start"] = DATES[first] + task["start"][len(DATES[first]) :]
        if "windows" in task:
            task["windows"] = [
                {**w, "days": [first]}
                if shape == "one-day"
                else {**w, "from": clock(FIRST_MINUTE), "to": "21:00"}
                for w in task["windows"]
            ]
    if shape == "one-day":
        out["volunteers"] = [
            {**v, "availability": [_on(first, block) for block in v["availability"]]}
            for v in world["volunteers"]
        ]
    return out


def _on(day: str, block: dict[str, Any]) -> dict[str, Any]:
    moved = {k: v for k, v in block.items() if k not in ("days", "date")}
    return {**moved, "days": [day]}


def shaped_worlds(base: st.SearchStrategy[World]) -> st.SearchStrategy[World]:
    """Worlds of `base`, each in one of SHAPES."""
    return st.tuples(base, st.sampled_from(SHAPES)).map(lambda ws: reshaped(*ws))
