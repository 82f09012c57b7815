"""A scenario stored and read back is the scenario written: for every file in scenarios/."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pendulum
import pytest
import yaml

from mutualaid.contract.scenario import build_scenario
from mutualaid.contract.written import written_json
from mutualaid.services import access, weeks
from worldgen import generate_world

from . import world
from .conftest import UowFactory

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
SPEEDS = {"walk": 4.5, "bike": 12, "ebike": 18, "car": 25}


def normalise(written: dict[str, Any]) -> dict[str, Any]:
    """The scenario as written, with what SCENARIOS.md says an absent field means made
    explicit, so it can equal an export:

    - dates (YAML reads them as date objects) become YYYY-MM-DD text, clocks HH:MM;
    - `settings` has every field, `speeds_kmh` every mode; absent lists are [];
    - names and titles default to the id, `mode` to walk, `max_hours_per_week` to 40,
      `vetted` to false, a skill need's `count` to 1, `max_members` to `min_members`,
      `priority` to normal, `waited` to 0, `vetted_only` to "the task is at a resident's
      home", `objective_order` to the default order;
    - `expect` gets all three parts.

    Not made explicit, because the contract gives them no value of their own: a site's
    `kind`, `gender`, `gender_preference`, and a volunteer's `max_travel_minutes` (its default
    is the week's `service_circle_minutes`, so it is stored as "not given").
    """

    def day(value: Any) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    def clock(value: str) -> str:
        h, m = value.split(":")
        return f"{int(h):02d}:{int(m):02d}"

    def block(b: dict[str, Any]) -> dict[str, Any]:
        out = dict(b)
        if "date" in out:
            out["date"] = day(out["date"])
        for k in ("from", "to"):
            if k in out:
                out[k] = clock(out[k])
        return out

    def named(x: dict[str, Any]) -> dict[str, Any]:
        return {"name": x["id"], **x}

    settings = dict(written.get("settings") or {})
    settings = {
        "service_circle_minutes": 15,
        "detour_factor": 1.3,
        "time_limit_seconds": 10,
        "seed": 0,
        "objective_order": ["continuity", "travel", "fairness"],
        **settings,
        "speeds_kmh": {**SPEEDS, **(settings.get("speeds_kmh") or {})},
    }
    volunteers = []
    for v in written.get("volunteers") or []:
        volunteers.append(
            {
                "teams": [],
                "skills": [],
                "mode": "walk",
                "max_hours_per_week": 40,
                "vetted": False,
                "languages": [],
                **named(v),
                "availability": [block(b) for b in v.get("availability") or []],
                "unavailable": [block(b) for b in v.get("unavailable") or []],
            }
        )
    residents = [
        {"categories": [], "preferred_volunteers": [], **named(r)}
        for r in written.get("residents") or []
    ]
    tasks = []
    for t in written.get("tasks") or []:
        task = {
            "title": t["id"],
            "priority": "normal",
            "waited": 0,
            "vetted_only": "resident" in t,
            "languages": [],
            **t,
        }
        task["needs"] = [
            {"count": 1, **n} if "skill" in n else {"max_members": n["min_members"], **n}
            for n in t["needs"]
        ]
        if "windows" in t:
            task["windows"] = [block(w) for w in t["windows"]]
        if "window" in t:
            task["window"] = block(t["window"])
        tasks.append(task)
    out = {
        **written,
        "week_start": day(written["week_start"]),
        "settings": settings,
        "sites": [named(s) for s in written.get("sites") or []],
        "teams": [{"skills": [], **named(t)} for t in written.get("teams") or []],
        "volunteers": volunteers,
        "residents": residents,
        "tasks": tasks,
        "history": written.get("history") or [],
        "pinned": written.get("pinned") or [],
        "declined": written.get("declined") or [],
    }
    if "expect" in written:
        out["expect"] = {"served": [], "unserved": {}, "coverage": {}, **written["expect"]}
    return out


def _same_domain(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert dataclasses.asdict(build_scenario(a)) == dataclasses.asdict(build_scenario(b))


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_scenario_file_comes_back_as_written(make_uow: UowFactory, path: Path) -> None:
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    with make_uow() as uow:
        week = world.import_week(uow, "area", written)
        uow.commit()
    with make_uow(read_only=True) as uow:
        exported = written_json(uow.weeks.export_scenario("area", week.week_start))
    assert exported == normalise(written)
    json.dumps(exported)  # plain JSON, no date objects
    _same_domain(exported, written)


@pytest.mark.slow
def test_a_domain_scenario_is_stored_with_its_series_folded(make_uow: UowFactory) -> None:
    for path in SCENARIOS:
        written = yaml.safe_load(path.read_text(encoding="utf-8"))
        domain = build_scenario(written)
        with make_uow() as uow:
            week = world.import_week(uow, path.stem, domain)
            exported = written_json(uow.weeks.export_scenario(path.stem, week.week_start))
            loaded = uow.weeks.load_scenario(path.stem, week.week_start)
            uow.commit()
        # loaded to be planned, so without `expect` (only replays read it); exported with it
        planned = dataclasses.replace(domain, expect=None)
        assert dataclasses.asdict(loaded) == dataclasses.asdict(planned), path.stem
        assert build_scenario(exported).expect == domain.expect, path.stem
        series = [t["id"] for t in written.get("tasks") or [] if "every" in t]
        assert [t["id"] for t in exported["tasks"] if "every" in t] == series


def test_a_generated_district_comes_back_as_written(make_uow: UowFactory) -> None:
    written = generate_world(120, 60, 3, seed=7)
    with make_uow() as uow:
        week = world.import_week(uow, "district", written)
        uow.commit()
    with make_uow() as uow:
        exported = written_json(uow.weeks.export_scenario("district", week.week_start))
    assert exported == normalise(written)
    _same_domain(exported, written)


def test_an_import_over_a_roster_upserts_it_and_lists_the_others_after(
    make_uow: UowFactory,
) -> None:
    """The use case (checked and turned into rows first, then stored in bulk): a second
    scenario into the same area replaces the week, upserts its roster in its own order, keeps
    the area's other entities after it, and a decline it keeps keeps its reason."""
    first = generate_world(120, 60, 3, seed=7)
    declined = first["declined"][0]
    weeks.import_scenario(
        make_uow(), access.CLI, "district", first["week_start"], {**first, "declined": []}
    )
    week = pendulum.Date.fromisoformat(first["week_start"])
    with make_uow() as uow:
        uow.weeks.add_decline("district", week, declined["task"], declined["volunteer"], "ill")
        uow.commit()

    kept = {r["id"] for r in first["residents"][::2]}
    second = {
        **first,
        "name": "the same district, a week later revised",
        "volunteers": [{**v, "name": f"{v['name']} (revised)"} for v in first["volunteers"][::-1]],
        "residents": [r for r in first["residents"] if r["id"] in kept],
        "tasks": [t for t in first["tasks"] if t.get("resident", next(iter(kept))) in kept],
        "history": [h for h in first["history"] if h["resident"] in kept],
    }
    ids = {t["id"] for t in second["tasks"]}
    second["pinned"] = [p for p in first["pinned"] if p["task"] in ids]
    second["declined"] = [d for d in first["declined"] if d["task"] in ids]
    assert declined in second["declined"]  # the generator's decline is of a task kept
    weeks.import_scenario(make_uow(), access.CLI, "district", first["week_start"], second)

    with make_uow(read_only=True) as uow:
        exported = written_json(uow.weeks.export_scenario("district", week))
        reasons = {(d.task, d.volunteer): d.reason for d in uow.weeks.declines("district", week)}
    want = normalise(second)
    dropped = [r for r in normalise(first)["residents"] if r["id"] not in kept]
    assert dropped and exported == {**want, "residents": want["residents"] + dropped}
    assert reasons[(declined["task"], declined["volunteer"])] == "ill"
