"""A small week to store, and plans for it, written the way the service will send them."""

from __future__ import annotations

from typing import Any

import pendulum

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.contract.written import written, written_json, written_of
from mutualaid.domain.model import Scenario, WeekClock
from mutualaid.domain.plan import Plan
from mutualaid.domain.tasks import SentTask
from mutualaid.services.ports import UnitOfWork, WeekRecord

AREA = "jingbalu"
ZONE = "Asia/Shanghai"
WEEK = pendulum.Date(2026, 11, 30)
NEXT_WEEK = WEEK.add(days=7)


def scenario(week_start: pendulum.Date = WEEK) -> dict[str, Any]:
    return {
        "name": f"经八路 — week of {week_start.isoformat()}",
        "timezone": ZONE,
        "week_start": week_start.isoformat(),
        "sites": [
            {"id": "centre", "name": "生活文化中心", "location": {"lat": 34.78, "lon": 113.683}}
        ],
        "teams": [{"id": "lions", "name": "舞狮队", "skills": ["lion_dance"]}],
        "volunteers": [
            {
                "id": "v-wang",
                "name": "王师傅",
                "teams": ["lions"],
                "skills": ["companionship"],
                "home": {"lat": 34.7818, "lon": 113.68464},
                "vetted": True,
                "availability": [
                    {"days": ["mon", "tue", "wed", "fri"], "from": "08:00", "to": "18:00"}
                ],
            },
            {
                "id": "v-li",
                "name": "李姐",
                "skills": ["meals", "companionship"],
                "home": {"lat": 34.7809, "lon": 113.68081},
                "vetted": True,
                "availability": [{"days": ["mon", "tue", "wed"], "from": "08:00", "to": "14:00"}],
            },
            {
                "id": "v-zhao",
                "skills": ["meals"],
                "home": {"lat": 34.7800, "lon": 113.68},
                "availability": [{"days": ["mon", "wed"], "from": "10:00", "to": "13:00"}],
            },
        ],
        "residents": [
            {"id": "r-zhang", "name": "张奶奶", "location": {"lat": 34.7749, "lon": 113.6832}},
            {"id": "r-liu", "name": "刘爷爷", "location": {"lat": 34.7790, "lon": 113.6840}},
        ],
        "tasks": [
            {
                "id": "t-visit-zhang",
                "resident": "r-zhang",
                "needs": [{"skill": "companionship", "count": 1}],
                "duration_minutes": 60,
                "windows": [{"days": ["tue"], "from": "09:00", "to": "11:30"}],
                "priority": "high",
            },
            {
                "id": "t-meals",
                "site": "centre",
                "needs": [{"skill": "meals"}],
                "duration_minutes": 45,
                "every": ["mon", "wed"],
                "window": {"from": "11:00", "to": "12:30"},
            },
            {
                "id": "t-show",
                "location": {"lat": 34.781, "lon": 113.684},
                "needs": [{"team_skill": "lion_dance", "min_members": 1}],
                "duration_minutes": 90,
                "start": f"{week_start.add(days=4).isoformat()}T15:00",
            },
        ],
    }


def result(
    week_start: pendulum.Date = WEEK, *, status: str = "optimal", meals_by: str = "v-zhao"
) -> dict[str, Any]:
    """A contract plan for `scenario()`: who goes where, in local time with offsets."""

    def at(day: int, hh: int, mm: int = 0) -> str:
        return (
            pendulum.datetime(week_start.year, week_start.month, week_start.day, hh, mm, tz=ZONE)
            .add(days=day)
            .isoformat()
        )

    return {
        "scenario": f"经八路 — week of {week_start.isoformat()}",
        "status": status,
        "solve_seconds": 0.5,
        "objective": {
            "served": {"urgent": 0, "high": 1, "normal": 3, "low": 0},
            "tasks": {"urgent": 0, "high": 1, "normal": 3, "low": 0},
            "continuity": 0,
            "travel_minutes": 40,
            "max_load": 0.1,
        },
        "bound": {"urgent": 0, "high": 1, "normal": 3, "low": 0},
        "assignments": [
            {
                "task": "t-meals@mon",
                "start": at(0, 11),
                "end": at(0, 11, 45),
                "volunteers": [{"id": meals_by, "role": 0, "team": None}],
            },
            {
                "task": "t-visit-zhang",
                "start": at(1, 9),
                "end": at(1, 10),
                "volunteers": [{"id": "v-wang", "role": 0, "team": None}],
            },
            {
                "task": "t-meals@wed",
                "start": at(2, 11),
                "end": at(2, 11, 45),
                "volunteers": [{"id": "v-li", "role": 0, "team": None}],
            },
            {
                "task": "t-show",
                "start": at(4, 15),
                "end": at(4, 16, 30),
                "volunteers": [{"id": "v-wang", "role": 0, "team": "lions"}],
            },
        ],
        "unserved": [],
    }


# --- the week repository's writes as the use cases make them (mutualaid.services.weeks) -----


def import_week(uow: UnitOfWork, area: str, data: Any, *, validate: bool = True) -> WeekRecord:
    """Store a scenario (a dict or a domain Scenario) as import_scenario does: checked, turned
    into rows, stored."""
    if validate and not isinstance(data, Scenario):
        build_scenario(data)
    week = written_of(data) if isinstance(data, Scenario) else written(data)
    return uow.weeks.store_scenario(area, uow.weeks.prepare_scenario(area, week))


def put_tasks(
    uow: UnitOfWork, area: str, week: pendulum.Date, tasks: list[Any]
) -> list[dict[str, Any]]:
    """Replace the week's tasks as submit_tasks does (checked, then stored)."""
    return uow.weeks.store_tasks(
        area, week, uow.weeks.prepare_tasks(area, week, [SentTask(t) for t in tasks])
    )


def put_task(
    uow: UnitOfWork, area: str, week: pendulum.Date, task: Any
) -> tuple[dict[str, Any], bool]:
    """Store one task as put_task does; True when it is new."""
    return uow.weeks.store_task(area, week, uow.weeks.prepare_task(area, week, SentTask(task)))


def history(uow: UnitOfWork, area: str, week: pendulum.Date) -> list[tuple[str, str]]:
    """The week's (resident, volunteer) history as a plan of it sees it."""
    exported = written_json(uow.weeks.export_scenario(area, week))
    return [(h["resident"], h["volunteer"]) for h in exported["history"]]


def plan(
    week_start: pendulum.Date = WEEK, *, status: str = "optimal", meals_by: str = "v-zhao"
) -> Plan:
    """`result(...)` as the domain Plan the services hand a store."""
    return as_plan(result(week_start, status=status, meals_by=meals_by), week_start)


def as_plan(data: dict[str, Any], week_start: pendulum.Date = WEEK) -> Plan:
    """A plan's JSON for the week (in `ZONE`) as a domain Plan."""
    return plan_json.load(data, WeekClock(week_start, ZONE))
