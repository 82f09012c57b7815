"""Publishing checks a plan against the week as it is now, and deleting a task withdraws what
the published plan gave of it (SQLite and PostgreSQL). Found by review: stale plans were
published, good ones refused for stale figures, re-added tasks hidden."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.validation import validate
from tests.adapters import world

from .conftest import Client, infra
from .test_volunteers import AREA, WEEK, Headers, schedule, volunteer

VISIT = next(t for t in world.scenario()["tasks"] if t["id"] == "t-visit-zhang")


def finished_plan(client: Client, week: Any = world.WEEK) -> tuple[str, dict[str, Any]]:
    """A plan of the week as stored now, solved and finished, not published."""
    with infra(client).uow() as uow:
        scenario = uow.weeks.load_scenario(AREA, week)
        basis = uow.weeks.basis(AREA, week)
    solved = solver.solve(scenario, solver.SolveOptions(time_limit=2, workers=1))
    solved.extra["basis"] = basis.to_json()  # as the job runner stores it
    with infra(client).uow() as uow:
        plan = uow.plans.create(AREA, week)
        uow.plans.finish(plan.id, solved)
        uow.commit()
    return plan.id, plan_json.dump(solved, scenario)


def publish(client: Client, admin: Headers, ident: str) -> Any:
    return client.post(f"/plans/{ident}/publish", headers=admin)


def current(client: Client, admin: Headers) -> Any:
    return build_scenario(client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin).json())


@pytest.mark.slow
def test_a_harmless_roster_edit_is_scored_again_not_refused(
    client: Client, admin: Headers, published: str
) -> None:
    ident, result = finished_plan(client)
    who = result["assignments"][0]["volunteers"][0]["id"]
    person = client.get(f"/volunteers/{who}?area={AREA}", headers=admin).json()
    person["max_hours_per_week"] = person["max_hours_per_week"] // 2  # max_load changes
    assert client.put(f"/volunteers/{who}?area={AREA}", json=person, headers=admin).is_success
    answer = publish(client, admin, ident)
    assert answer.status_code == 200, answer.text
    plan = client.get(f"/plans/{ident}", headers=admin).json()["plan"]
    assert plan["rescored"] is True and plan["assignments"] == result["assignments"]
    assert plan["objective"]["max_load"] != result["objective"]["max_load"]
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    assert [e["detail"].get("rescored") for e in audit if e["target"] == f"plan {ident}"] == [True]
    report = validate(current(client, admin), plan)
    assert report.ok, report.violations


@pytest.mark.slow
def test_a_task_added_since_the_solve_is_listed_unserved_when_published(
    client: Client, admin: Headers, published: str
) -> None:
    ident, _ = finished_plan(client)
    extra = {**copy.deepcopy(VISIT), "id": "t-visit-extra", "priority": "low"}
    assert client.put(f"/weeks/{WEEK}/tasks/t-visit-extra?area={AREA}", json=extra,
                      headers=admin).status_code == 201  # fmt: skip
    answer = publish(client, admin, ident)
    assert answer.status_code == 200, answer.text
    plan = client.get(f"/plans/{ident}", headers=admin).json()["plan"]
    assert "t-visit-extra" in {u["task"] for u in plan["unserved"]}
    assert validate(current(client, admin), plan).ok


@pytest.mark.slow
def test_a_plan_that_breaks_a_rule_of_the_week_now_is_refused(
    client: Client, admin: Headers, published: str
) -> None:
    ident, result = finished_plan(client)
    task = result["assignments"][0]["task"]
    assert client.delete(f"/weeks/{WEEK}/tasks/{task.split('@')[0]}?area={AREA}",
                         headers=admin).status_code == 204  # fmt: skip
    answer = publish(client, admin, ident)
    assert answer.status_code == 409, answer.text
    assert task in answer.json()["detail"] and "solve the week again" in answer.json()["detail"]
    plans = client.get(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).json()
    assert [p["id"] for p in plans if p["published_at"]] == [published]


@pytest.mark.slow
def test_a_plan_solved_before_a_delete_and_re_add_shows_the_task_once_published(
    client: Client, admin: Headers, published: str
) -> None:
    ident, result = finished_plan(client)
    crew = {v["id"] for a in result["assignments"] if a["task"] == "t-visit-zhang"
            for v in a["volunteers"]}  # fmt: skip
    assert crew
    client.delete(f"/weeks/{WEEK}/tasks/t-visit-zhang?area={AREA}", headers=admin)
    client.put(f"/weeks/{WEEK}/tasks/t-visit-zhang?area={AREA}", json=VISIT, headers=admin)
    # the published plan's assignment stays withdrawn: the re-added task is a new request
    wang = volunteer(client, "v-wang")
    assert "t-visit-zhang" not in {
        a["task"] for a in schedule(client, "v-wang", wang)["assignments"]
    }
    assert publish(client, admin, ident).status_code == 200
    for who in crew:
        mine = schedule(client, who, volunteer(client, who))["assignments"]
        assert "t-visit-zhang" in {a["task"] for a in mine if a["state"] == "pending"}, who


@pytest.mark.slow
def test_a_series_losing_a_day_withdraws_only_that_day(
    client: Client, admin: Headers, published: str
) -> None:
    li = volunteer(client, "v-li")
    before = schedule(client, "v-li", li)["assignments"]
    assert "t-meals@wed" in [a["task"] for a in before]
    meals = copy.deepcopy(next(t for t in world.scenario()["tasks"] if t["id"] == "t-meals"))
    meals["every"] = ["mon"]
    assert client.put(f"/weeks/{WEEK}/tasks/t-meals?area={AREA}", json=meals,
                      headers=admin).status_code == 200  # fmt: skip
    assert "t-meals@wed" not in [a["task"] for a in schedule(client, "v-li", li)["assignments"]]
    gone = next(a for a in before if a["task"] == "t-meals@wed")
    for answer in ("accept", "decline"):
        assert client.post(f"/assignments/{gone['id']}/{answer}", headers=li).status_code == 409
    zhao = volunteer(client, "v-zhao")
    assert "t-meals@mon" in [a["task"] for a in schedule(client, "v-zhao", zhao)["assignments"]]


def test_a_task_id_with_an_at_sign_that_is_no_series_reads_whole(
    client: Client, admin: Headers
) -> None:
    scenario = world.scenario()
    for t in scenario["tasks"]:
        if t["id"] == "t-visit-zhang":
            t["id"] = "t-visit-zhang@home"
    assert client.post(f"/weeks/{WEEK}/scenario?area={AREA}", json=scenario,
                       headers=admin).status_code == 200  # fmt: skip
    ident, result = finished_plan(client)
    assert publish(client, admin, ident).status_code == 200
    crew = [v["id"] for a in result["assignments"] if a["task"] == "t-visit-zhang@home"
            for v in a["volunteers"]]  # fmt: skip
    mine = schedule(client, crew[0], volunteer(client, crew[0]))["assignments"]
    visit = next(a for a in mine if a["task"] == "t-visit-zhang@home")
    assert visit["resident_name"] and visit["role_name"] == VISIT["needs"][0]["skill"]
    assert visit["location"]["lat"] != 0.0


HOME = {"lat": 34.78, "lon": 113.68}


def person(ident: str, skill: str, day: str = "mon") -> dict[str, Any]:
    return {"id": ident, "skills": [skill], "home": HOME, "max_travel_minutes": 60,
            "availability": [{"days": [day], "from": "08:00", "to": "18:00"}]}  # fmt: skip


def job(ident: str, skill: str, start: str, priority: str) -> dict[str, Any]:
    need = [{"skill": skill, "count": 1}]
    return {"id": ident, "title": ident, "location": HOME, "priority": priority,
            "needs": need, "duration_minutes": 60, "start": start}  # fmt: skip


def store(client: Client, admin: Headers, data: dict[str, Any]) -> None:
    answer = client.post(f"/weeks/{WEEK}/scenario?area={AREA}", json=data, headers=admin)
    assert answer.status_code == 200, answer.text


def fresh_solve(client: Client, admin: Headers) -> Any:
    now = current(client, admin)
    return plan_json.dump(solver.solve(now, solver.SolveOptions(time_limit=2, workers=1)), now)


@pytest.mark.slow
def test_a_plan_whose_week_gained_a_volunteer_is_published_without_its_old_bound(
    client: Client, admin: Headers
) -> None:
    """Review: an optimal plan published after someone joined kept 'optimal' and a bound
    that a fresh solve beats (nothing the validator sees had changed)."""
    store(client, admin, {"name": "w", "timezone": world.ZONE, "week_start": WEEK,
                          "volunteers": [person("vA", "s")],
                          "tasks": [job("U1", "s", "2026-11-30T09:00", "urgent"),
                                    job("U2", "s", "2026-11-30T09:00", "urgent")]})  # fmt: skip
    ident, result = finished_plan(client)
    assert result["status"] == "optimal" and result["bound"]["urgent"] == 1
    assert client.put(f"/volunteers/vB?area={AREA}", json=person("vB", "s"),
                      headers=admin).is_success  # fmt: skip
    assert publish(client, admin, ident).status_code == 200
    plan = client.get(f"/plans/{ident}", headers=admin).json()["plan"]
    assert plan["status"] == "feasible" and plan["rescored"] is True
    assert plan["bound"]["urgent"] >= fresh_solve(client, admin)["objective"]["served"]["urgent"]


@pytest.mark.slow
def test_a_decline_taken_back_makes_the_repair_drop_the_published_bound(
    client: Client, admin: Headers
) -> None:
    """Review: re-importing the week without a decline kept the fingerprint (declines were
    left out of it), and the next repair kept a bound that no longer held."""
    data = {"name": "w", "timezone": world.ZONE, "week_start": WEEK,
            "volunteers": [person("vA", "s"), person("vB", "n", "tue"), person("vC", "n", "tue")],
            "tasks": [job("U1", "s", "2026-11-30T09:00", "urgent"),
                      job("N1", "n", "2026-12-01T09:00", "normal")],
            "declined": [{"task": "U1", "volunteer": "vA"}]}  # fmt: skip
    store(client, admin, data)
    ident, result = finished_plan(client)
    assert result["bound"]["urgent"] == 0
    assert publish(client, admin, ident).status_code == 200
    store(client, admin, {**data, "declined": []})  # the coordinator takes the decline back
    who = next(v["id"] for a in result["assignments"] if a["task"] == "N1" for v in a["volunteers"])
    mine = schedule(client, who, volunteer(client, who))["assignments"]
    answer = client.post(f"/assignments/{mine[0]['id']}/decline", headers=volunteer(client, who))
    assert answer.status_code == 200, answer.text
    repaired = client.get(f"/plans/{answer.json()['repair']['plan_id']}", headers=admin).json()
    assert validate(current(client, admin), repaired["plan"]).ok
    assert repaired["plan"]["bound"]["urgent"] >= 1  # vA may do U1 again


@pytest.mark.slow
def test_a_plan_published_again_gives_back_a_task_that_came_back(
    client: Client, admin: Headers, published: str
) -> None:
    """Review: published, superseded, published again after its task was deleted and added
    back: its rows stayed withdrawn and the volunteer never saw the task."""
    client.delete(f"/weeks/{WEEK}/tasks/t-visit-zhang?area={AREA}", headers=admin)
    client.put(f"/weeks/{WEEK}/tasks/t-visit-zhang?area={AREA}", json=VISIT, headers=admin)
    other, _ = finished_plan(client)
    assert publish(client, admin, other).status_code == 200
    assert publish(client, admin, published).status_code == 200
    plan = client.get(f"/plans/{published}", headers=admin).json()["plan"]
    assert "t-visit-zhang" in {a["task"] for a in plan["assignments"]}
    seen = schedule(client, "v-wang", volunteer(client, "v-wang"))["assignments"]
    assert "t-visit-zhang" in {a["task"] for a in seen}


def test_publishing_the_published_plan_again_changes_nothing_and_is_not_audited_again(
    client: Client, admin: Headers, published: str
) -> None:
    """Two coordinators pressing Publish on one plan (or a double click) were answered 200
    each, rightly, but the audit log said the plan was published twice, three times..."""

    def publishes() -> list[Any]:
        audit = client.get(f"/audit?area={AREA}", headers=admin).json()
        return [e for e in audit if e["action"] == "plan.publish"]

    once = publishes()
    for _ in range(2):
        again = publish(client, admin, published)
        assert again.status_code == 200, again.text
        assert again.json()["id"] == published and again.json()["published_at"]
    assert publishes() == once
