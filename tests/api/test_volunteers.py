"""The volunteer's side over HTTP: their own assignments, the calendar feed, accepting and
declining, and the repair a decline triggers (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import yaml

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario, load_scenario
from mutualaid.domain.model import Decline
from mutualaid.services import access
from mutualaid.validation import validate
from tests.adapters import world

from .conftest import ROOT, Client, bearer, infra, wait_for

AREA = world.AREA
WEEK = world.WEEK.isoformat()
Headers = dict[str, str]
REAL_WEEK = ROOT / "scenarios" / "05-hongda-respect-elderly-month.yaml"


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


@pytest.mark.slow
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


def statuses(client: Client, ident: str, headers: Headers) -> dict[str, tuple[str, int, str]]:
    """The volunteer's calendar: each event's task (from its UID) -> STATUS, SEQUENCE, UID."""
    answer = client.get(f"/volunteers/{ident}/calendar.ics?week={WEEK}", headers=headers)
    assert answer.status_code == 200, answer.text
    out = {}
    for event in icalendar.Calendar.from_ical(answer.content).walk("VEVENT"):
        uid = str(event["UID"])
        task = uid.split("/")[2]
        out[task] = (str(event["STATUS"]), int(event.get("SEQUENCE", 0)), uid)
    return out


@pytest.mark.slow
def test_the_calendar_says_tentative_confirmed_and_cancelled(
    client: Client, admin: Headers, published: str
) -> None:
    """Found in review: a pending visit said CONFIRMED, and declined or withdrawn visits left
    the feed, so phone calendars kept them."""
    wang = volunteer(client, "v-wang")
    first = statuses(client, "v-wang", wang)
    assert {t: s for t, (s, _, _) in first.items()} == {
        "t-visit-zhang": "TENTATIVE", "t-show": "TENTATIVE"
    }  # fmt: skip
    mine = {a["task"]: a["id"] for a in schedule(client, "v-wang", wang)["assignments"]}
    assert client.post(f"/assignments/{mine['t-visit-zhang']}/accept", headers=wang).is_success
    declined = client.post(f"/assignments/{mine['t-show']}/decline", headers=wang)
    assert declined.status_code == 200 and declined.json()["repair"]["published"]
    after = statuses(client, "v-wang", wang)
    assert after["t-visit-zhang"][:2] == ("CONFIRMED", 0)
    assert after["t-show"][0] == "CANCELLED" and after["t-show"][1] > first["t-show"][1]
    assert {t: uid for t, (_, _, uid) in after.items()} == {
        t: uid for t, (_, _, uid) in first.items()
    }  # the same UIDs across the repair: the phone updates its events
    assert client.delete(f"/weeks/{WEEK}/tasks/t-visit-zhang?area={AREA}", headers=admin).is_success
    gone = statuses(client, "v-wang", wang)
    assert gone["t-visit-zhang"][0] == "CANCELLED" and gone["t-visit-zhang"][1] > 0
    assert [a["task"] for a in schedule(client, "v-wang", wang)["assignments"]] == []


@pytest.mark.slow
def test_an_accepted_visit_a_new_plan_leaves_out_is_cancelled_in_the_calendar(
    client: Client, published: str
) -> None:
    wang = volunteer(client, "v-wang")
    mine = {a["task"]: a["id"] for a in schedule(client, "v-wang", wang)["assignments"]}
    assert client.post(f"/assignments/{mine['t-visit-zhang']}/accept", headers=wang).is_success
    before = statuses(client, "v-wang", wang)
    result = world.result()
    result["assignments"] = [a for a in result["assignments"] if a["task"] != "t-visit-zhang"]
    with infra(client).uow() as uow:  # another solve, published over the first
        plan = uow.plans.create(AREA, world.WEEK)
        uow.plans.finish(plan.id, world.as_plan(result))
        uow.plans.publish(plan.id)
        uow.commit()
    after = statuses(client, "v-wang", wang)
    assert after["t-visit-zhang"][0] == "CANCELLED" and after["t-visit-zhang"][1] > 0
    assert after["t-visit-zhang"][2] == before["t-visit-zhang"][2]
    assert after["t-show"][0] == "TENTATIVE"


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_a_repair_changes_only_the_pairs_it_reports_on_a_real_week() -> None:
    """On scenario 05, every decline of a published plan repairs to a valid plan whose
    reported change count is the pairs that differ, and nothing outside the freed tasks
    moves."""
    scenario = load_scenario(REAL_WEEK)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=5.0, workers=1))
    published = solver.solution_of(scenario, plan_json.dump(plan, scenario))
    declines = sorted((t, av.id) for t, crew in published.crews.items() for av in crew)
    widened = 0
    for task, who in declines:
        declined = dataclasses.replace(scenario, declined=(*scenario.declined, Decline(task, who)))
        done = solver.repair(declined, published, task, budget=1.0, workers=1)
        repaired = plan_json.dump(done.plan, declined)
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


@pytest.mark.slow
def test_deleting_a_task_withdraws_its_published_assignments(
    client: Client, admin: Headers, published: str
) -> None:
    """Found by the stateful test: the deleted task's assignment stayed listed (at 0,0) and a
    decline of it was stored, then its repair failed and the week could not be read."""
    wang = volunteer(client, "v-wang")
    visit = next(a for a in schedule(client, "v-wang", wang)["assignments"]
                 if a["task"] == "t-visit-zhang")  # fmt: skip
    crew = {v["id"] for a in world.result()["assignments"] if a["task"] == "t-visit-zhang"
            for v in a["volunteers"]}  # fmt: skip
    gone = client.delete(f"/weeks/{WEEK}/tasks/t-visit-zhang?area={AREA}", headers=admin)
    assert gone.status_code == 204, gone.text
    left = schedule(client, "v-wang", wang)["assignments"]
    assert left and "t-visit-zhang" not in {a["task"] for a in left}
    assert statuses(client, "v-wang", wang)["t-visit-zhang"][0] == "CANCELLED"  # phones drop it
    for answer in ("decline", "accept"):
        refused = client.post(f"/assignments/{visit['id']}/{answer}", headers=wang)
        assert refused.status_code == 409, refused.text
        assert "withdrawn" in refused.json()["detail"]
    stored = client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin).json()
    assert not [d for d in stored["declined"] if d["task"] == "t-visit-zhang"]
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    deleted = [e for e in audit if e["action"] == "task.delete"]
    assert [e["detail"]["withdrawn"] for e in deleted] == [len(crew)]
    assert "assignment.decline" not in {e["action"] for e in audit}


@pytest.mark.slow
def test_a_plan_solved_before_a_decline_is_not_published(
    client: Client, admin: Headers, published: str
) -> None:
    """Found by the stateful test: publishing a plan made before a decline put the volunteer
    who declined back on the task."""
    with infra(client).uow() as uow:
        older = uow.plans.create(AREA, world.WEEK)
        uow.plans.finish(older.id, world.plan())  # the same plan, not yet published
        uow.commit()
    zhao = volunteer(client, "v-zhao")
    meals = schedule(client, "v-zhao", zhao)["assignments"][0]
    answer = client.post(f"/assignments/{meals['id']}/decline", headers=zhao)
    assert answer.status_code == 200 and answer.json()["repair"]["published"], answer.text
    repaired = answer.json()["repair"]["plan_id"]
    refused = client.post(f"/plans/{older.id}/publish", headers=admin)
    assert refused.status_code == 409, refused.text
    assert "v-zhao" in refused.json()["detail"] and "t-meals@mon" in refused.json()["detail"]
    plans = client.get(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).json()
    assert [p["id"] for p in plans if p["published_at"] is not None] == [repaired]
    assert schedule(client, "v-zhao", zhao)["assignments"] == []
    again = client.post(f"/plans/{repaired}/publish", headers=admin)  # already published
    assert again.status_code == 200, again.text


def test_deleting_a_task_named_by_expect_leaves_a_week_that_solves(
    client: Client, admin: Headers
) -> None:
    """Found by the stateful test: every solve after such a delete ended in `error`
    ("expect.served[1]: unknown task")."""
    path = ROOT / "scenarios" / "11-edge-declined.yaml"
    url = "/weeks/2026-11-30/{}?area=edge"
    imported = client.post(url.format("scenario"), content=path.read_bytes(),
                           headers={**admin, "Content-Type": "application/yaml"})  # fmt: skip
    assert imported.status_code == 200, imported.text
    named = build_scenario(yaml_of(path)).expect
    assert named is not None and named.served
    target = named.served[0]
    assert client.delete(url.format(f"tasks/{target}"), headers=admin).status_code == 204
    exported = client.get(url.format("scenario"), headers=admin).json()
    kept = build_scenario(exported).expect
    assert kept is not None and target not in kept.served
    assert set(kept.served) == set(named.served) - {target}
    queued = client.post(url.format("plans"), headers=admin)
    assert queued.status_code == 202, queued.text

    def done() -> Any:
        plan = client.get(f"/plans/{queued.json()['id']}", headers=admin).json()
        return plan if plan["status"] not in ("queued", "running") else None

    plan = wait_for(done)
    assert plan["status"] in ("optimal", "feasible"), plan["error"]
    assert target not in {a["task"] for a in plan["plan"]["assignments"]}


def yaml_of(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_repair_drops_crews_that_no_longer_fit_the_week() -> None:
    """The week may change after publishing (here a task's window moves to another day);
    a repair then drops that crew instead of publishing a plan that breaks a rule, and
    keeps every other crew that does not take part in the repair."""
    raw = yaml_of(REAL_WEEK)
    scenario = build_scenario(raw)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=3.0, workers=1))
    published = solver.solution_of(scenario, plan_json.dump(plan, scenario))
    plain = {t["id"]: t for t in raw["tasks"] if "every" not in t and "start" not in t}
    moved, declined_task = sorted(t for t in published.crews if t in plain)[:2]
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    day = days[published.starts[moved] // (24 * 60)]
    plain[moved]["windows"] = [
        {"days": [d for d in days if d != day][:1], "from": "08:00", "to": "20:00"}
    ]
    who = published.crews[declined_task][0].id
    raw["declined"] = [*(raw.get("declined") or []), {"task": declined_task, "volunteer": who}]
    raw.pop("expect", None)
    week = build_scenario(raw)
    done = solver.repair(week, published, declined_task, budget=1.0, workers=1)
    repaired = plan_json.dump(done.plan, week)
    report = validate(week, repaired)
    assert report.ok, report.violations
    after = solver.solution_of(week, repaired)
    assert after.crews.get(moved) != published.crews[moved] or (
        after.starts[moved] != published.starts[moved]
    )
    touched = {t for _, t in solver.changed_pairs(published, after)}
    for t, crew in published.crews.items():
        if t not in touched and t != moved:
            assert after.crews.get(t) == crew and after.starts[t] == published.starts[t], t


@pytest.mark.slow
def test_replacing_a_published_week_without_its_tasks_needs_replace(
    client: Client, admin: Headers, published: str
) -> None:
    """Found by probing: posting another scenario (or a batch of tasks) into a week with a
    published plan silently withdrew the visits volunteers had in hand."""
    wang = volunteer(client, "v-wang")
    crew = {v["id"] for a in world.result()["assignments"] if a["task"] == "t-visit-zhang"
            for v in a["volunteers"]}  # fmt: skip
    fewer = world.scenario()
    fewer["tasks"] = [t for t in fewer["tasks"] if t["id"] != "t-visit-zhang"]
    tasks = client.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json()
    kept = [t for t in tasks if t["id"] != "t-visit-zhang"]
    for refused in (
        client.post(f"/weeks/{WEEK}/scenario?area={AREA}", json=fewer, headers=admin),
        client.put(f"/weeks/{WEEK}/tasks?area={AREA}", json=kept, headers=admin),
        client.put(f"/weeks/{WEEK}/tasks?area={AREA}&replace=false", json=kept, headers=admin),
    ):
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"] == "conflict"
        detail = refused.json()["detail"]
        assert "t-visit-zhang" in detail and f"{len(crew)} assignment" in detail
        assert "replace=true" in detail
    # nothing was stored: the week and the volunteer's visits are as before
    assert client.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json() == tasks
    assert "t-visit-zhang" in {a["task"] for a in schedule(client, "v-wang", wang)["assignments"]}
    # the same week again withdraws nothing: no need to say replace
    same = client.post(f"/weeks/{WEEK}/scenario?area={AREA}", json=world.scenario(), headers=admin)
    assert same.status_code == 200, same.text
    replaced = client.put(f"/weeks/{WEEK}/tasks?area={AREA}&replace=true", json=kept,
                          headers=admin)  # fmt: skip
    assert replaced.status_code == 200, replaced.text
    assert "t-visit-zhang" not in {
        a["task"] for a in schedule(client, "v-wang", wang)["assignments"]
    }
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    submits = [e for e in audit if e["action"] == "tasks.submit"]
    assert [e["detail"].get("withdrawn") for e in submits] == [len(crew)]


@pytest.mark.slow
def test_deleting_a_volunteer_revokes_their_tokens_so_a_new_person_of_that_id_is_not_read(
    client: Client, admin: Headers, published: str
) -> None:
    person = {**world.scenario()["volunteers"][1], "id": "v-temp", "name": "临时"}
    assert client.post(f"/volunteers?area={AREA}", json=person, headers=admin).status_code == 201
    old = volunteer(client, "v-temp")
    assert schedule(client, "v-temp", old)["assignments"] == []
    gone = client.delete(f"/volunteers/v-temp?area={AREA}", headers=admin)
    assert gone.status_code == 204, gone.text
    read = client.get(f"/volunteers/v-temp/assignments?week={WEEK}", headers=old)
    assert read.status_code == 401, read.text
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    revoked = [e for e in audit if e["action"] == "token.revoke"]
    assert [e["detail"]["volunteer"] for e in revoked] == ["v-temp"]
    newcomer = {**person, "name": "新来的"}
    assert client.post(f"/volunteers?area={AREA}", json=newcomer, headers=admin).status_code == 201
    read = client.get(f"/volunteers/v-temp/assignments?week={WEEK}", headers=old)
    assert read.status_code == 401, read.text
    assert schedule(client, "v-temp", volunteer(client, "v-temp"))["name"] == "新来的"
