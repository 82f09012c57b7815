"""Two coordinators at once on a published week, through a real server (uvicorn, threads started
together by a barrier) on SQLite and PostgreSQL: two recommendations applied, an absence and a
decline, a publish and an absence. Nothing is lost, the loser of a real conflict gets a 409 that
says so, and the plan published at the end keeps every rule of the week as stored (no volunteer
in two places, nobody sent on a day away)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from litestar import Litestar

import solver
from api.app import Infrastructure
from mutualaid.contract.scenario import build_scenario
from mutualaid.validation import validate
from worldgen import generate_world

from .conftest import unless_busy
from .test_concurrency import (
    published_week,
    server,  # noqa: F401  (the uvicorn fixture)
)

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

AREA = "race"
WORLD = generate_world(tasks=40, volunteers=30, subdistricts=1, seed=11)
WEEK = str(WORLD["week_start"])
Answer = tuple[int, Any]
Week = tuple[str, dict[str, str], str, Infrastructure]


@pytest.fixture
def week(server: tuple[str, Litestar]) -> Week:  # noqa: F811
    """The generated week stored and a solve of it published: base URL, admin headers, the
    published plan's id, the app's infrastructure."""
    return published_week(server, WORLD, AREA)


def together(*calls: Callable[[httpx.Client], httpx.Response], base: str,
             admin: dict[str, str]) -> list[Answer]:  # fmt: skip
    """Each call made from a client of its own, all released at once; (status, body) each."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[httpx.Client], httpx.Response]) -> Answer:
        with httpx.Client(base_url=base, timeout=300, headers=admin) as http:
            start.wait()
            answer = unless_busy(lambda: call(http))
            return answer.status_code, answer.json() if answer.content else None

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def final_plan(http: httpx.Client) -> tuple[dict[str, Any], dict[str, Any]]:
    """The week as stored and its one published plan, which must keep every rule of it."""
    stored = http.get(f"/weeks/{WEEK}/scenario?area={AREA}").json()
    plans = http.get(f"/weeks/{WEEK}/plans?area={AREA}").json()
    (final,) = [p for p in plans if p["published_at"] is not None]
    report = validate(build_scenario(stored), final["plan"])
    assert report.ok, report.violations
    return stored, final


def new_task(ident: str, like: dict[str, Any]) -> dict[str, Any]:
    """A new one-visit request shaped like a task of the week (its place, needs, windows)."""
    keep = ("resident", "site", "location", "needs", "duration_minutes", "windows", "start",
            "vetted_only", "languages")  # fmt: skip
    return {"id": ident, **{k: v for k, v in like.items() if k in keep}, "priority": "urgent"}


def served_tasks(http: httpx.Client) -> list[dict[str, Any]]:
    _, final = final_plan(http)
    served = {a["task"] for a in final["plan"]["assignments"]}
    return [t for t in WORLD["tasks"] if t["id"] in served and "every" not in t]


def options(http: httpx.Client, task: dict[str, Any]) -> list[dict[str, Any]]:
    answer = http.post(f"/weeks/{WEEK}/recommendations?area={AREA}", json=task)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["options"])


def test_two_coordinators_apply_two_recommendations_at_once_and_both_or_a_409_hold(
    week: Week,
) -> None:
    base, admin, _, _ = week
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        likes = served_tasks(http)
        picked = []
        for like in likes:
            task = new_task(f"t-new-{len(picked)}", like)
            found = options(http, task)
            if found:
                picked.append((task, found[0]["id"]))
            if len(picked) == 2:
                break
    assert len(picked) == 2

    def apply(task: dict[str, Any], option: str) -> Callable[[httpx.Client], httpx.Response]:
        url = f"/weeks/{WEEK}/recommendations/{option}/apply?area={AREA}"
        return lambda http: http.post(url, json=task)

    answers = together(*(apply(t, o) for t, o in picked), base=base, admin=admin)

    assert all(status in (200, 409) for status, _ in answers), answers
    assert any(status == 200 for status, _ in answers), answers
    for status, body in answers:
        if status == 409:
            assert "no longer offered" in body["detail"], body
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        stored, final = final_plan(http)
        ids = {t["id"] for t in stored["tasks"]}
        given = {a["task"] for a in final["plan"]["assignments"]}
        for (task, _), (status, _) in zip(picked, answers, strict=True):
            assert (task["id"] in ids) == (status == 200), (task["id"], status)
            assert (task["id"] in given) == (status == 200), (task["id"], status)


def test_one_option_applied_twice_at_once_is_stored_once_and_the_other_told_409(
    week: Week,
) -> None:
    base, admin, _, _ = week
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        task = new_task("t-new-once", served_tasks(http)[0])
        option = options(http, task)[0]["id"]
    url = f"/weeks/{WEEK}/recommendations/{option}/apply?area={AREA}"

    answers = together(*(lambda http: http.post(url, json=task) for _ in range(3)),
                       base=base, admin=admin)  # fmt: skip

    assert sorted(status for status, _ in answers) == [200, 409, 409], answers
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        stored, _ = final_plan(http)
        assert [t["id"] for t in stored["tasks"]].count("t-new-once") == 1
        plans = http.get(f"/weeks/{WEEK}/plans?area={AREA}").json()
        assert sum(p["kind"] == "repair" for p in plans) == 1


def busiest(final: dict[str, Any]) -> tuple[str, str]:
    """The volunteer with the most visits in the plan, and the day of their first one."""
    counts: dict[str, list[str]] = {}
    for a in final["plan"]["assignments"]:
        for v in a["volunteers"]:
            counts.setdefault(v["id"], []).append(a["start"][:10])
    who = max(sorted(counts), key=lambda v: len(counts[v]))
    return who, min(counts[who])


def test_an_absence_and_a_decline_at_once_both_hold(week: Week) -> None:
    base, admin, _, _ = week
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        _, final = final_plan(http)
        away, day = busiest(final)
        mine = http.get(f"/volunteers/{away}/assignments?week={WEEK}&area={AREA}").json()
        others = [a for v in WORLD["volunteers"] if v["id"] != away
                  for a in http.get(f"/volunteers/{v['id']}/assignments?week={WEEK}&area={AREA}")
                  .json()["assignments"]]  # fmt: skip
        assert mine["assignments"] and others
        declined = others[0]

    answers = together(
        lambda http: http.post(f"/volunteers/{away}/absences?area={AREA}",
                               json={"from": day, "to": day, "reason": "ill"}),
        lambda http: http.post(f"/assignments/{declined['id']}/decline", json={"reason": "no"}),
        base=base, admin=admin,
    )  # fmt: skip

    assert [status for status, _ in answers] == [201, 200], answers
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        stored, final = final_plan(http)
        pairs = {(d["task"], d["volunteer"]) for d in stored["declined"]}
        assert (declined["task"], declined["volunteer"]) in pairs
        given = {(a["task"], v["id"]) for a in final["plan"]["assignments"]
                 for v in a["volunteers"]}  # fmt: skip
        assert (declined["task"], declined["volunteer"]) not in given
        assert not any(v == away and a["start"].startswith(day)
                       for a in final["plan"]["assignments"] for v in
                       (x["id"] for x in a["volunteers"]))  # fmt: skip


def test_a_publish_and_an_absence_at_once_leave_a_published_plan_that_keeps_the_absence(
    week: Week,
) -> None:
    base, admin, _, infra = week
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        _, final = final_plan(http)
        away, day = busiest(final)
    # a second plan of the week, finished but not published, that still sends them that day
    scenario = build_scenario(WORLD)
    other = solver.solve(scenario, solver.SolveOptions(time_limit=1.0, workers=1, seed=3))
    assert any(v.id == away and scenario.week_start.add(days=a.start // 1440).isoformat() == day
               for a in other.assignments for v in a.volunteers)  # fmt: skip
    with infra.uow() as uow:
        plan = uow.plans.create(AREA, scenario.week_start)
        uow.plans.finish(plan.id, other)
        uow.commit()

    answers = together(
        lambda http: http.post(f"/volunteers/{away}/absences?area={AREA}",
                               json={"from": day, "to": day, "reason": "ill"}),
        lambda http: http.post(f"/plans/{plan.id}/publish"),
        base=base, admin=admin,
    )  # fmt: skip

    assert answers[0][0] == 201, answers
    assert answers[1][0] in (200, 409), answers  # 409: it sends them on their day away
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        _, final = final_plan(http)
        assert not any(
            v["id"] == away and a["start"].startswith(day)
            for a in final["plan"]["assignments"]
            for v in a["volunteers"]
        )
