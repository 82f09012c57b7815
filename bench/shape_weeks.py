"""Weeks of shapes nobody generated: scenario YAML written straight from the contract
(../shared/SCENARIOS.md), not through `worldgen`, each dimension pushed to its extremes. Used by
`bench/shapes.py`; `week(seed, shape, tasks)` is pure, so a seed and a shape reproduce a week.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from typing import Any

Week = dict[str, Any]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PRIORITIES = ["urgent", "high", "normal", "low"]
SKILLS = ["companionship", "home_repair", "haircut", "cleaning", "meals", "medical", "it_help"]
CENTRE = (34.7731, 113.6809)


def _near(rng: random.Random, km: float) -> dict[str, float]:
    """A point within `km` of the centre (roughly uniform on the disc)."""
    r, a = km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return {
        "lat": round(CENTRE[0] + r * math.cos(a) / 111.0, 6),
        "lon": round(CENTRE[1] + r * math.sin(a) / (111.0 * math.cos(math.radians(CENTRE[0]))), 6),
    }


def _hm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def base(rng: random.Random, tasks: int, volunteers: int, spread_km: float = 0.8) -> Week:
    """An ordinary week of `tasks` one-person visits and `volunteers` people, plainly random
    (fewer skills on small weeks, so that some of their tasks can be served at all)."""
    skills = SKILLS[: max(2, min(len(SKILLS), tasks // 3))]
    residents, sites = [], []
    for i in range(max(1, tasks // 2)):
        residents.append({"id": f"r{i}", "name": f"R{i}", "location": _near(rng, spread_km)})
    for i in range(3):
        sites.append({"id": f"s{i}", "name": f"S{i}", "location": _near(rng, spread_km)})
    vols = []
    for i in range(volunteers):
        days = sorted(rng.sample(DAYS, rng.randint(2, 6)), key=DAYS.index)
        start = rng.choice([7 * 60, 8 * 60, 9 * 60, 13 * 60])
        vols.append(
            {
                "id": f"v{i}",
                "name": f"V{i}",
                "skills": rng.sample(skills, rng.randint(1, min(3, len(skills)))),
                "home": _near(rng, spread_km),
                "mode": rng.choice(["walk", "walk", "bike", "ebike", "car"]),
                "max_hours_per_week": rng.choice([2, 4, 8, 12, 20]),
                "vetted": rng.random() < 0.6,
                "gender": rng.choice(["m", "f"]),
                "languages": rng.sample(["zh", "henan", "en"], rng.randint(1, 2)),
                "availability": [
                    {
                        "days": days,
                        "from": _hm(start),
                        "to": _hm(start + rng.choice([240, 300, 480, 600])),
                    }
                ],
            }
        )
    ts = []
    for i in range(tasks):
        dur = rng.choice([30, 45, 60, 60, 90, 120])
        lo = rng.choice([8 * 60, 9 * 60, 10 * 60, 14 * 60])
        t: dict[str, Any] = {
            "id": f"t{i}",
            "title": f"T{i}",
            "needs": [{"skill": rng.choice(skills), "count": 1}],
            "duration_minutes": dur,
            "windows": [
                {
                    "days": sorted(rng.sample(DAYS, rng.randint(1, 3)), key=DAYS.index),
                    "from": _hm(lo),
                    "to": _hm(min(lo + dur + rng.choice([0, 60, 180, 300, 480]), 23 * 60)),
                }
            ],
            "priority": rng.choice(PRIORITIES),
        }
        where = rng.random()
        if where < 0.6:
            t["resident"] = rng.choice(residents)["id"]
        elif where < 0.8:
            t["site"] = rng.choice(sites)["id"]
        else:
            t["location"] = _near(rng, spread_km)
        ts.append(t)
    return {
        "name": "shape fuzz",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "settings": {},
        "sites": sites,
        "teams": [],
        "volunteers": vols,
        "residents": residents,
        "tasks": ts,
    }


# --- modifiers: each pushes one dimension of the contract to an extreme --------------------------


def repeats(rng: random.Random, w: Week) -> None:
    for t in w["tasks"]:
        if rng.random() < 0.5 and "start" not in t:
            win = t.pop("windows")[0]
            t["every"] = sorted(rng.sample(DAYS, rng.randint(1, 7)), key=DAYS.index)
            t["window"] = {"from": win["from"], "to": win["to"]}


def fixed_starts(rng: random.Random, w: Week) -> None:
    for t in w["tasks"]:
        if rng.random() < 0.5 and "every" not in t:
            t.pop("windows", None)
            day = rng.randrange(7)
            minute = rng.randrange(7 * 60, 20 * 60, 15)
            minute = min(minute, 24 * 60 - t["duration_minutes"])
            t["start"] = (
                f"2026-{11 if day == 0 else 12}-{30 if day == 0 else day:02d}T{_hm(minute)}"
            )


def crews(rng: random.Random, w: Week) -> None:
    vols = w["volunteers"]
    known = sorted({s for v in vols for s in v["skills"]})
    teams = []
    for i in range(rng.randint(1, 3)):
        members = rng.sample(vols, min(len(vols), rng.randint(1, 8)))
        teams.append(
            {"id": f"team{i}", "name": f"Team{i}", "skills": rng.sample(SKILLS, 2)}
        )  # team skills: any
        for v in members:
            v.setdefault("teams", []).append(f"team{i}")
    w["teams"] = teams
    for t in w["tasks"]:
        r = rng.random()
        if r < 0.3:
            t["needs"] = [{"skill": rng.choice(known), "count": rng.randint(2, 4)}]
        elif r < 0.5:
            team = rng.choice(teams)
            lo = rng.randint(1, 4)
            t["needs"] = [
                {
                    "team_skill": rng.choice(team["skills"]),
                    "min_members": lo,
                    "max_members": lo + rng.randint(0, 3),
                }
            ]
        elif r < 0.65:
            lo = rng.randint(1, 3)
            t["needs"] = [
                {"team": rng.choice(teams)["id"], "min_members": lo},
                {"skill": rng.choice(known), "count": rng.randint(1, 2)},
            ]


def vetted_only(rng: random.Random, w: Week) -> None:
    for t in w["tasks"]:
        t["vetted_only"] = rng.random() < 0.5
    for v in w["volunteers"]:
        v["vetted"] = rng.random() < 0.2


def gender_language(rng: random.Random, w: Week) -> None:
    for r in w["residents"]:
        if rng.random() < 0.5:
            r["gender_preference"] = rng.choice(["m", "f"])
    for t in w["tasks"]:
        if rng.random() < 0.5:
            t["languages"] = rng.sample(["zh", "henan", "en", "yue"], rng.randint(1, 2))


def declined(rng: random.Random, w: Week) -> None:
    ids = _task_ids(w)
    w["declined"] = [
        {"task": rng.choice(ids), "volunteer": v["id"]}
        for v in w["volunteers"]
        for _ in range(rng.randint(0, 3))
    ]
    w["declined"] = [dict(t) for t in {tuple(d.items()) for d in w["declined"]}]
    w["declined"].sort(key=lambda d: (d["task"], d["volunteer"]))


def pinned(rng: random.Random, w: Week) -> None:
    """A pin of one qualified volunteer on a one-person task whose window holds the volunteer's
    block; it may still clash (then the plan must be a clear error, not a traceback)."""
    pins = []
    used: set[str] = set()
    for t in w["tasks"]:
        if len(pins) >= 3 or "every" in t or len(t["needs"]) != 1 or "skill" not in t["needs"][0]:
            continue
        if t["needs"][0]["count"] != 1:
            continue
        skill = t["needs"][0]["skill"]
        able = [v for v in w["volunteers"] if skill in v["skills"] and v["id"] not in used]
        if able:
            v = rng.choice(able)
            v["vetted"] = True
            v["max_travel_minutes"] = 600
            v["availability"] = [{"days": list(DAYS), "from": "00:00", "to": "23:59"}]
            prefs = {r["id"]: r.get("gender_preference") for r in w["residents"]}
            if prefs.get(t.get("resident")):
                v["gender"] = prefs[t["resident"]]
            t.pop("languages", None)
            w["declined"] = [
                d
                for d in w.get("declined", [])
                if (d["task"], d["volunteer"]) != (t["id"], v["id"])
            ]
            used.add(v["id"])
            pins.append({"task": t["id"], "volunteers": [v["id"]]})
    w["pinned"] = pins


def unavailable(rng: random.Random, w: Week) -> None:
    for v in w["volunteers"]:
        v["unavailable"] = []
        for _ in range(rng.randint(1, 3)):
            day = rng.randrange(7)
            date = f"2026-{11 if day == 0 else 12}-{30 if day == 0 else day:02d}"
            if rng.random() < 0.5:
                v["unavailable"].append({"date": date})
            else:
                lo = rng.randrange(6 * 60, 18 * 60, 5)
                v["unavailable"].append(
                    {"date": date, "from": _hm(lo), "to": _hm(lo + rng.choice([5, 60, 240]))}
                )
        if rng.random() < 0.3:
            v["unavailable"].append({"days": [rng.choice(DAYS)], "from": "10:00", "to": "10:05"})


def expect(rng: random.Random, w: Week) -> None:
    w["expect"] = {"coverage": {"urgent": 0.0}}


def hours_tiny(rng: random.Random, w: Week) -> None:
    for v in w["volunteers"]:
        v["max_hours_per_week"] = rng.choice([0, 0.1, 0.25, 0.5, 1, 1.5])


def hours_huge(rng: random.Random, w: Week) -> None:
    for v in w["volunteers"]:
        v["max_hours_per_week"] = rng.choice([100, 167.5, 168])
        v["availability"] = [{"days": list(DAYS), "from": "00:00", "to": "23:59"}]


def travel_tiny(rng: random.Random, w: Week) -> None:
    for v in w["volunteers"]:
        v["max_travel_minutes"] = rng.choice([0, 1, 2, 3])
    w["settings"]["service_circle_minutes"] = 0


def travel_huge(rng: random.Random, w: Week) -> None:
    for v in w["volunteers"]:
        v["max_travel_minutes"] = rng.choice([600, 1000, 1440])
        v["mode"] = rng.choice(["walk", "car"])


def one_place(rng: random.Random, w: Week) -> None:
    spot = {"lat": CENTRE[0], "lon": CENTRE[1]}
    for x in [*w["residents"], *w["sites"]]:
        x["location"] = dict(spot)
    for v in w["volunteers"]:
        v["home"] = dict(spot)
    for t in w["tasks"]:
        if "location" in t:
            t["location"] = dict(spot)


def far_apart(rng: random.Random, w: Week) -> None:
    for x in [*w["residents"], *w["sites"]]:
        x["location"] = _near(rng, 60.0)
    for t in w["tasks"]:
        if "location" in t:
            t["location"] = _near(rng, 60.0)
    for v in w["volunteers"]:
        v["max_travel_minutes"] = rng.choice([15, 120, 600])
        v["mode"] = "car"


def durations(rng: random.Random, w: Week) -> None:
    for t in w["tasks"]:
        dur = rng.choice([5, 5, 10, 240, 480])
        t["duration_minutes"] = dur
        _refit(t, dur, rng)


def tight_windows(rng: random.Random, w: Week) -> None:
    for t in w["tasks"]:
        if "windows" in t:
            for win in t["windows"]:
                lo = int(win["from"][:2]) * 60 + int(win["from"][3:])
                win["to"] = _hm(min(lo + t["duration_minutes"], 24 * 60 - 1))
                if lo + t["duration_minutes"] > 24 * 60 - 1:
                    win["from"] = _hm(24 * 60 - 1 - t["duration_minutes"])


def seven_days(rng: random.Random, w: Week) -> None:
    for v in w["volunteers"]:
        v["availability"] = [{"days": list(DAYS), "from": "06:00", "to": "22:00"}]
    for t in w["tasks"]:
        if "windows" in t:
            t["windows"][0]["days"] = list(DAYS)


def one_day(rng: random.Random, w: Week) -> None:
    for v in w["volunteers"]:
        for b in v["availability"]:
            b["days"] = ["wed"]
    for t in w["tasks"]:
        if "windows" in t:
            for win in t["windows"]:
                win["days"] = ["wed"]


def objective_order(rng: random.Random, w: Week) -> None:
    goals = ["continuity", "travel", "fairness"]
    w["settings"]["objective_order"] = list(rng.choice(list(itertools.permutations(goals))))
    w["history"] = [
        {"resident": r["id"], "volunteer": rng.choice(w["volunteers"])["id"]}
        for r in w["residents"]
        if rng.random() < 0.5
    ]


def waited(rng: random.Random, w: Week) -> None:
    for t in w["tasks"]:
        t["waited"] = rng.choice([0, 0, 1, 2, 5, 52])


def all_urgent(rng: random.Random, w: Week) -> None:
    for t in w["tasks"]:
        t["priority"] = "urgent"


def all_low(rng: random.Random, w: Week) -> None:
    for t in w["tasks"]:
        t["priority"] = "low"


def dst_week(rng: random.Random, w: Week) -> None:
    """A week in which the clocks change (Europe/Berlin, Sunday 29 March 2026)."""
    w["timezone"] = "Europe/Berlin"
    w["week_start"] = "2026-03-23"
    for v in w["volunteers"]:
        for u in v.get("unavailable", []):
            if "date" in u:
                u["date"] = f"2026-03-{23 + (int(u['date'][-2:]) % 7):02d}"
    for v in w["volunteers"]:
        if rng.random() < 0.5:
            v["availability"].append({"days": ["sun"], "from": "00:00", "to": "06:00"})
    for t in w["tasks"]:
        if "windows" in t and rng.random() < 0.5:  # across the hour the clocks jump over
            dur = t["duration_minutes"]
            end = _hm(max(5 * 60, 4 * 60 + dur))
            t["windows"] = [{"days": ["sun"], "from": "01:00", "to": end}]
        if "start" in t:
            day = DAYS.index("sun") if rng.random() < 0.5 else rng.randrange(7)
            t["start"] = f"2026-03-{23 + day:02d}T{t['start'][-5:]}"


def _refit(t: dict[str, Any], dur: int, rng: random.Random) -> None:
    """Make the task's windows or fixed start hold `dur` minutes again."""
    for win in t.get("windows", []):
        lo = min(int(win["from"][:2]) * 60, 24 * 60 - dur - 1)
        win["from"], win["to"] = _hm(lo), _hm(min(lo + dur + rng.choice([0, 60, 180]), 24 * 60 - 1))
    if "window" in t:
        lo = min(int(t["window"]["from"][:2]) * 60, 24 * 60 - dur - 1)
        t["window"] = {"from": _hm(lo), "to": _hm(lo + dur)}
    if "start" in t:
        hh = min(int(t["start"][-5:-3]), (24 * 60 - dur) // 60 - 1)
        t["start"] = t["start"][:-5] + f"{hh:02d}:00"


def _task_ids(w: Week) -> list[str]:
    ids = []
    for t in w["tasks"]:
        ids += [f"{t['id']}@{d}" for d in t["every"]] if "every" in t else [t["id"]]
    return ids


Modifier = Callable[[random.Random, Week], None]
MODIFIERS: dict[str, Modifier] = {
    f.__name__.replace("_", "-"): f
    for f in (
        repeats,
        fixed_starts,
        crews,
        vetted_only,
        gender_language,
        declined,
        pinned,
        unavailable,
        expect,
        hours_tiny,
        hours_huge,
        travel_tiny,
        travel_huge,
        one_place,
        far_apart,
        durations,
        tight_windows,
        seven_days,
        one_day,
        objective_order,
        waited,
        all_urgent,
        all_low,
        dst_week,
    )
}
# modifiers that must run after others (pins last: they repair the pinned volunteer)
LATE = ("tight-windows", "declined", "pinned", "dst-week")
SIZES: dict[str, tuple[int, int]] = {
    "tiny": (6, 3),
    "tiny8": (8, 4),
    "small": (20, 8),
    "subdistrict": (200, 80),
    "large": (2000, 600),
    "one-volunteer": (300, 1),
    "crowd": (20, 1000),
    "single": (1, 1),
}


def week(seed: int, shape: str, size: str) -> Week:
    """The week of `seed` in `shape` ('+'-joined modifiers, or 'mixed' for 2-5 drawn from the
    seed, or 'plain') and `size` (a name of SIZES)."""
    rng = random.Random(f"{seed}/{shape}/{size}")
    tasks, vols = SIZES[size]
    w = base(rng, tasks, vols)
    names = list(MODIFIERS) if shape == "all" else [] if shape == "plain" else shape.split("+")
    if shape == "mixed":
        names = rng.sample(sorted(MODIFIERS), rng.randint(2, 5))
    names = sorted(names, key=lambda n: (n in LATE, LATE.index(n) if n in LATE else 0))
    for name in names:
        MODIFIERS[name](rng, w)
    w["name"] = f"shape fuzz {size} seed {seed} {shape}"[:200]
    return w
