"""The volunteer's side over HTTP: their own assignments, the calendar feed, accepting and
declining, and the repair a decline triggers (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

import solver
from mutualaid.domain.model import Decline
from mutualaid.scenario import build_scenario, load_scenario
from mutualaid.services import access
from mutualaid.validation import validate
from tests.adapters import world

from .conftest import ROOT, Client, bearer, infra

AREA = world.AREA
WEEK = world.WEEK.isoformat()
Headers = dict[str, str]
REAL_WEEK = ROOT / "scenarios" / "05-hongda-respect-elderly-month.yaml"


@pytest.fixture
def published(client: Client, admin: Headers) -> str:
    """The sample week stored and `world.result()` published as its plan; the plan's id."""
    answer = client.post(f"/weeks/{WEEK}/scenario?area={AREA}", json=world.scenario(),
                         headers=admin)  # fmt: skip
    assert answer.status_code == 200, answer.text
    with infra(client).uow() as uow:
        plan = uow.plans.create(AREA, world.WEEK)
        uow.plans.finish(plan.id, world.result())
        uow.plans.publish(plan.id)
        uow.commit()
    return plan.id


def volunteer(client: Client, ident: str) -> Headers:
    _, secret = access.create_token(infra(client).uow(), access.CLI, "volunteer", [AREA], ident)
    return bearer(secret)


def schedule(client: Client, ident: str, headers: Headers) -> Any:
    answer = client.get(f"/volunteers/{ident}/assignments?week={WEEK}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def pairs(plan: dict[str, Any]) -> set[tuple[str, str]]:
    return {(v["id"], a["task"]) for a in plan["assignments"] for v in a["volunteers"]}


def test_a_volunteer_sees_only_their_own_assignments(
    client: Client, admin: Headers, published: str
) -> None:
    wang = volunteer(client, "v-wang")
    mine = schedule(client, "v-wang", wang)
    assert mine["timezone"] == world.ZONE and mine["week_start"] == WEEK
    seen = {a["task"]: a for a in mine["assignments"]}
    assert set(seen) == {"t-visit-zhang", "t-show"}
    visit = seen["t-visit-zhang"]
    assert visit["resident"] == "r-zhang" and visit["resident_name"] == "张奶奶"
    assert visit["location"] == {"lat": 34.7749, "lon": 113.6832}
    assert visit["start"] == "2026-12-01T09:00:00+08:00" and visit["end"].endswith("+08:00")
    assert visit["state"] == "pending" and visit["role_name"] == "companionship"
    assert seen["t-show"]["team"] == "lions" and seen["t-show"]["co_volunteers"] == []
    for other in ("v-li", "v-zhao"):
        answer = client.get(f"/volunteers/{other}/assignments?week={WEEK}", headers=wang)
        assert answer.status_code == 403
        assert answer.json()["error"] == "forbidden"
    unnamed = client.get(f"/volunteers/v-li/assignments?week={WEEK}", headers=admin)
    assert unnamed.status_code == 400  # an admin names the area
    by_admin = client.get(f"/volunteers/v-li/assignments?week={WEEK}&area={AREA}", headers=admin)
    assert [a["task"] for a in by_admin.json()["assignments"]] == ["t-meals@wed"]
    assert by_admin.json()["assignments"][0]["place"] == "生活文化中心"


def test_the_calendar_parses_back_in_the_area_s_zone(client: Client, published: str) -> None:
    wang = volunteer(client, "v-wang")
    answer = client.get(f"/volunteers/v-wang/calendar.ics?week={WEEK}", headers=wang)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(answer.content)
    zones = [z for z in cal.walk("VTIMEZONE")]
    assert [str(z["TZID"]) for z in zones] == [world.ZONE]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert len(events) == 2
    visit = next(e for e in events.values() if "张奶奶" in str(e["DESCRIPTION"]))
    start, end = visit.decoded("DTSTART"), visit.decoded("DTEND")
    assert visit["DTSTART"].params["TZID"] == world.ZONE
    shanghai = ZoneInfo(world.ZONE)
    assert start == dt.datetime(2026, 12, 1, 9, 0, tzinfo=shanghai)
    assert end - start == dt.timedelta(minutes=60)
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert str(visit["LOCATION"]) == "张奶奶's home"
    geo = visit["GEO"]
    assert (geo.latitude, geo.longitude) == (34.7749, 113.6832)
    uids = {str(e["UID"]) for e in events.values()}
    again = icalendar.Calendar.from_ical(
        client.get(f"/volunteers/v-wang/calendar.ics?week={WEEK}", headers=wang).content
    )
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == uids


def test_accepting_and_declining_change_the_state(client: Client, published: str) -> None:
    wang, li = volunteer(client, "v-wang"), volunteer(client, "v-li")
    visit = next(a for a in schedule(client, "v-wang", wang)["assignments"]
                 if a["task"] == "t-visit-zhang")  # fmt: skip
    assert client.post(f"/assignments/{visit['id']}/accept", headers=li).status_code == 403
    accepted = client.post(f"/assignments/{visit['id']}/accept", headers=wang)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert schedule(client, "v-wang", wang)["assignments"][0]["state"] == "accepted"
    show = next(a for a in schedule(client, "v-wang", wang)["assignments"]
                if a["task"] == "t-show")  # fmt: skip
    declined = client.post(f"/assignments/{show['id']}/decline", headers=wang)
    assert declined.status_code == 200, declined.text
    assert declined.json()["assignment"]["state"] == "declined"
    again = client.post(f"/assignments/{show['id']}/accept", headers=wang)
    assert again.status_code == 409
    # the repair kept the accepted visit, answer included
    assert [(a["task"], a["state"]) for a in schedule(client, "v-wang", wang)["assignments"]] == [
        ("t-visit-zhang", "accepted")
    ]
    assert client.post("/assignments/999999/accept", headers=wang).status_code in (403, 404)


def test_a_decline_is_repaired_with_few_changes(
    client: Client, admin: Headers, published: str
) -> None:
    zhao = volunteer(client, "v-zhao")
    meals = schedule(client, "v-zhao", zhao)["assignments"]
    assert [a["task"] for a in meals] == ["t-meals@mon"]
    answer = client.post(f"/assignments/{meals[0]['id']}/decline", json={"reason": "ill"},
                         headers=zhao)  # fmt: skip
    assert answer.status_code == 200, answer.text
    repair = answer.json()["repair"]
    assert repair["published"] and repair["served"] and repair["status"] == "feasible"
    before = client.get(f"/plans/{published}", headers=admin).json()
    after = client.get(f"/plans/{repair['plan_id']}", headers=admin).json()
    assert after["kind"] == "repair" and after["published_at"] is not None
    changed = pairs(before["plan"]) ^ pairs(after["plan"])
    assert repair["changed"] == len(changed) == 2
    assert changed == {("v-zhao", "t-meals@mon"), ("v-li", "t-meals@mon")}
    assert after["plan"]["repair"]["parent"] == published
    stored = client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin).json()
    scenario = build_scenario(stored)
    assert ("t-meals@mon", "v-zhao") in scenario.declined_pairs()
    report = validate(scenario, after["plan"])
    assert report.ok, report.violations
    assert schedule(client, "v-zhao", zhao)["assignments"] == []
    li = schedule(client, "v-li", volunteer(client, "v-li"))["assignments"]
    assert [a["task"] for a in li] == ["t-meals@mon", "t-meals@wed"]
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    assert {"assignment.decline", "plan.repair"} <= {e["action"] for e in audit}


def test_a_repair_changes_only_the_pairs_it_reports_on_a_real_week() -> None:
    """On scenario 05, every decline of a published plan repairs to a valid plan whose
    reported change count is the pairs that differ, and nothing outside the freed tasks
    moves."""
    scenario = load_scenario(REAL_WEEK)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=5.0, workers=1))
    published = solver.solution_of(scenario, plan.to_json(scenario))
    declines = sorted((t, av.id) for t, crew in published.crews.items() for av in crew)
    widened = 0
    for task, who in declines:
        declined = dataclasses.replace(scenario, declined=(*scenario.declined, Decline(task, who)))
        done = solver.repair(declined, published, task, budget=1.0, workers=1)
        repaired = done.plan.to_json(declined)
        report = validate(declined, repaired)
        assert report.ok, (task, who, report.violations)
        after = solver.solution_of(declined, repaired)
        assert done.changed == len(solver.changed_pairs(published, after))
        assert (who, task) not in {(av.id, t) for t, c in after.crews.items() for av in c}
        if done.served and done.freed == 1:  # only the declined task moved
            assert {t for _, t in solver.changed_pairs(published, after)} == {task}
        widened += done.freed > 1
        assert repaired["repair"]["changed"] == done.changed
    assert declines and widened >= 1


def test_declining_a_task_withdrawn_after_publishing_is_refused_and_stores_nothing(
    client: Client, admin: Headers, published: str
) -> None:
    """Found by the stateful test: the decline was stored, then the repair failed (400) and
    the volunteer's whole week could no longer be read."""
    wang = volunteer(client, "v-wang")
    visit = next(a for a in schedule(client, "v-wang", wang)["assignments"]
                 if a["task"] == "t-visit-zhang")  # fmt: skip
    gone = client.delete(f"/weeks/{WEEK}/tasks/t-visit-zhang?area={AREA}", headers=admin)
    assert gone.status_code == 204, gone.text
    refused = client.post(f"/assignments/{visit['id']}/decline", headers=wang)
    assert refused.status_code == 409, refused.text
    assert "withdrawn" in refused.text
    assert schedule(client, "v-wang", wang)["assignments"]  # the week still reads
