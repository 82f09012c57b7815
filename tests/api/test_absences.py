"""A volunteer's absence over HTTP: stored and listed, their days unavailable for every week,
each published week it touches repaired at once, and the answer naming who moved and what is
left unserved (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from api.settings import Settings
from mutualaid.cli import app
from mutualaid.contract.scenario import build_scenario
from mutualaid.services import access
from mutualaid.validation import validate
from tests.adapters import world

from .conftest import Client, bearer, infra

AREA = world.AREA
WEEK = world.WEEK.isoformat()
Headers = dict[str, str]
URL = f"/volunteers/v-wang/absences?area={AREA}"
runner = CliRunner()


def volunteer(client: Client, ident: str) -> Headers:
    _, secret = access.create_token(infra(client).uow(), access.CLI, "volunteer", [AREA], ident)
    return bearer(secret)


def stored_plan(client: Client, admin: Headers, plan_id: str) -> Any:
    plan = client.get(f"/plans/{plan_id}", headers=admin).json()
    scenario = build_scenario(client.get(f"/weeks/{WEEK}/scenario?area={AREA}",
                                         headers=admin).json())  # fmt: skip
    assert validate(scenario, plan["plan"]).ok
    return plan


def test_a_day_away_moves_the_visit_to_someone_else_and_names_them(
    client: Client, admin: Headers, published: str
) -> None:
    answer = client.post(URL, json={"from": "2026-12-01", "to": "2026-12-01", "reason": "flu"},
                         headers=admin)  # fmt: skip
    assert answer.status_code == 201, answer.text
    done = answer.json()
    assert done["absence"]["first_day"] == "2026-12-01" and done["absence"]["reason"] == "flu"
    [week] = done["repairs"]
    assert week["published"] and week["status"] == "feasible" and week["unserved"] == []
    moved = {m["volunteer"]: m["tasks"] for m in week["moved"]}
    assert moved == {"v-wang": ["t-visit-zhang"], "v-li": ["t-visit-zhang"]}
    plan = stored_plan(client, admin, week["plan_id"])
    assert plan["kind"] == "repair" and plan["plan"]["repair"]["parent"] == published
    wang = client.get(f"/volunteers/v-wang?area={AREA}", headers=admin).json()
    assert {"date": "2026-12-01"} in wang["unavailable"]
    listed = client.get(URL, headers=admin).json()
    assert [a["id"] for a in listed] == [done["absence"]["id"]]
    actions = {e["action"] for e in client.get(f"/audit?area={AREA}", headers=admin).json()}
    assert {"absence.create", "plan.repair"} <= actions


def test_a_week_away_repairs_all_visits_in_one_repair_and_says_what_is_left(
    client: Client, admin: Headers, published: str
) -> None:
    answer = client.post(URL, json={"week": WEEK}, headers=admin)
    assert answer.status_code == 201, answer.text
    [week] = answer.json()["repairs"]
    assert week["published"]
    assert [u["task"] for u in week["unserved"]] == ["t-show"]
    assert week["unserved"][0]["reason"] and week["unserved"][0]["detail"]
    plan = stored_plan(client, admin, week["plan_id"])
    given = {(a["task"], v["id"]) for a in plan["plan"]["assignments"] for v in a["volunteers"]}
    assert not any(v == "v-wang" for _, v in given)
    assert ("t-visit-zhang", "v-li") in given
    plans = client.get(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).json()
    assert sum(p["kind"] == "repair" for p in plans) == 1


def test_a_volunteer_reports_their_own_absence_only(
    client: Client, admin: Headers, published: str
) -> None:
    wang = volunteer(client, "v-wang")
    mine = client.post(URL, json={"from": "2026-12-07", "to": "2026-12-08"}, headers=wang)
    assert mine.status_code == 201, mine.text
    assert mine.json()["repairs"] == []  # no published plan that week; later weeks see it
    other = client.post(f"/volunteers/v-li/absences?area={AREA}", json={"week": WEEK},
                        headers=wang)  # fmt: skip
    assert other.status_code == 403


def test_bad_absences_name_the_field_and_an_absence_can_be_taken_back(
    client: Client, admin: Headers, published: str
) -> None:
    for body, field in (({"from": "2026-12-03", "to": "2026-12-01"}, "to"),
                        ({"week": "2026-12-01"}, "week"), ({}, "week"),
                        ({"week": WEEK, "start": "9am", "end": "10:00"}, "start"),
                        ({"week": WEEK, "start": "10:00"}, "end"),
                        ({"from": "2026-01-01", "to": "2026-12-31"}, "to")):  # fmt: skip
        bad = client.post(URL, json=body, headers=admin)
        assert bad.status_code == 400, (body, bad.text)
        assert field in {p["path"] for p in bad.json()["problems"]}, (body, bad.json())
    zh = client.post(URL, json={}, headers={**admin, "Accept-Language": "zh"})
    assert "周一日期" in zh.text
    made = client.post(URL, json={"from": "2026-12-03", "to": "2026-12-04", "start": "08:00",
                                  "end": "12:00"}, headers=admin).json()  # fmt: skip
    ident = made["absence"]["id"]
    wang = client.get(f"/volunteers/v-wang?area={AREA}", headers=admin).json()
    assert {"date": "2026-12-03", "from": "08:00", "to": "12:00"} in wang["unavailable"]
    gone = client.delete(f"/volunteers/v-wang/absences/{ident}?area={AREA}", headers=admin)
    assert gone.status_code == 204
    wang = client.get(f"/volunteers/v-wang?area={AREA}", headers=admin).json()
    assert not any(e.get("date") == "2026-12-03" for e in wang.get("unavailable") or [])
    assert client.get(URL, headers=admin).json() == []
    again = client.delete(f"/volunteers/v-wang/absences/{ident}?area={AREA}", headers=admin)
    assert again.status_code == 404


def test_the_command_line_records_lists_and_takes_back_an_absence(
    client: Client, admin: Headers, published: str, settings: Settings
) -> None:
    url = ["--area", AREA, "--url", settings.database.url]
    added = runner.invoke(app, ["absence", "add", "v-wang", "--from", "2026-12-01",
                                "--to", "2026-12-01", "--reason", "flu", *url])  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "v-li (t-visit-zhang)" in added.output and "unserved: -" in added.output
    listed = runner.invoke(app, ["absence", "list", "v-wang", *url])
    ident = listed.output.split("\t")[0]
    assert listed.exit_code == 0 and "2026-12-01..2026-12-01\tflu" in listed.output
    bad = runner.invoke(app, ["absence", "add", "v-wang", "--week", "2026-12-01", *url])
    assert bad.exit_code == 2 and "week" in bad.output
    gone = runner.invoke(app, ["absence", "delete", "v-wang", ident, *url])
    assert gone.exit_code == 0, gone.output
    assert client.get(URL, headers=admin).json() == []


def test_an_absence_over_a_pinned_visit_is_refused_and_stores_nothing(
    client: Client, admin: Headers, published: str
) -> None:
    week = world.scenario()
    week["pinned"] = [{"task": "t-show", "volunteers": ["v-wang"]}]
    stored = client.post(f"/weeks/{WEEK}/scenario?area={AREA}&replace=true", json=week,
                         headers=admin)  # fmt: skip
    assert stored.status_code == 200, stored.text
    answer = client.post(URL, json={"from": "2026-12-04", "to": "2026-12-04"}, headers=admin)
    assert answer.status_code == 409, answer.text
    assert "t-show" in answer.json()["detail"] and "unpin" in answer.json()["detail"]
    assert client.get(URL, headers=admin).json() == []
    wang = client.get(f"/volunteers/v-wang?area={AREA}", headers=admin).json()
    assert not wang.get("unavailable")


def test_hours_away_that_leave_no_time_to_walk_home_after_a_visit_move_it_too(
    client: Client, admin: Headers, published: str
) -> None:
    # Wang's Tuesday visit ends at 10:00, 14 minutes' walk from home: away from 10:05 it no
    # longer fits, though it does not overlap the hours away
    answer = client.post(URL, json={"from": "2026-12-01", "to": "2026-12-01", "start": "10:05",
                                    "end": "12:00"}, headers=admin)  # fmt: skip
    assert answer.status_code == 201, answer.text
    [week] = answer.json()["repairs"]
    assert week["published"], week
    assert {m["volunteer"] for m in week["moved"]} >= {"v-wang"}
    stored_plan(client, admin, week["plan_id"])  # valid against the week with the absence


def test_a_misspelt_field_is_refused_rather_than_read_as_whole_days_away(
    client: Client, admin: Headers, published: str
) -> None:
    body = {"from": "2026-12-01", "to": "2026-12-01", "start_time": "10:00", "end_time": "11:00"}
    answer = client.post(URL, json=body, headers=admin)
    assert answer.status_code == 400, answer.text
    problems = {p["path"]: p["message"] for p in answer.json()["problems"]}
    assert "start_time" in problems and "'start'" in problems["start_time"], problems
    zh = client.post(URL, json=body, headers={**admin, "Accept-Language": "zh"})
    assert "未知字段" in zh.text
    assert client.get(URL, headers=admin).json() == []  # nothing stored


def test_an_absence_id_past_any_row_is_not_found(
    client: Client, admin: Headers, published: str
) -> None:
    for ident in ("0", "-1", str(2**31), "99999999999999999999"):
        gone = client.delete(f"/volunteers/v-wang/absences/{ident}?area={AREA}", headers=admin)
        assert gone.status_code == 404, (ident, gone.text)


def test_days_away_given_back_to_front_are_said_in_the_words_of_the_form(
    client: Client, admin: Headers, published: str
) -> None:
    """Found by the outsider's attack: the phone's 'I am ill or away' form (从哪天起, 到哪天止)
    said '“to”（2026-12-01）早于“from”（2026-12-05）', the API's field names in a Chinese
    sentence."""
    body = {"from": "2026-12-05", "to": "2026-12-01"}
    bad = client.post(URL, json=body, headers={**admin, "Accept-Language": "zh"})
    assert bad.status_code == 400, bad.text
    [problem] = bad.json()["problems"]
    assert problem["path"] == "to"
    said = problem["message"]
    assert "最后一天" in said and "第一天" in said and "from" not in said, said


def _unavailable(client: Client, admin: Headers) -> list[Any]:
    found: list[Any] = client.get(f"/volunteers/v-wang?area={AREA}", headers=admin).json()[
        "unavailable"
    ]
    return found


def test_taking_back_an_absence_keeps_the_days_the_roster_had_already(
    client: Client, admin: Headers, published: str
) -> None:
    """The coordinator had entered Wednesday as a day v-wang cannot come; an absence of
    Tuesday-Thursday is reported, then taken back (a mistake): Wednesday stays unavailable,
    so the next solve does not send v-wang on it. With a second absence over the same days
    taken back in either order, only the roster's own day is left."""
    wang = client.get(f"/volunteers/v-wang?area={AREA}", headers=admin).json()
    wang["unavailable"] = [{"date": "2026-12-02"}]
    assert client.put(f"/volunteers/v-wang?area={AREA}", json=wang, headers=admin).is_success
    for order in ((0, 1), (1, 0)):
        made = [client.post(URL, json=days, headers=admin).json()["absence"]["id"]
                for days in ({"from": "2026-12-01", "to": "2026-12-03"},
                             {"from": "2026-12-02", "to": "2026-12-04"})]  # fmt: skip
        gone = client.delete(f"/volunteers/v-wang/absences/{made[order[0]]}?area={AREA}",
                             headers=admin)  # fmt: skip
        assert gone.status_code == 204
        assert {"date": "2026-12-02"} in _unavailable(client, admin)
        client.delete(f"/volunteers/v-wang/absences/{made[order[1]]}?area={AREA}", headers=admin)
        assert _unavailable(client, admin) == [{"date": "2026-12-02"}]


def test_hours_away_are_written_as_the_scenario_writes_them_and_may_end_at_midnight(
    client: Client, admin: Headers, published: str
) -> None:
    """The scenario takes "9:00" and an end of "24:00"; an absence refused both ("start and
    end are HH:MM ..."), so an evening away to the day's end could not be said."""
    body = {"from": "2026-12-05", "to": "2026-12-05", "start": "9:00", "end": "24:00"}
    answer = client.post(URL, json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    assert {"date": "2026-12-05", "from": "09:00", "to": "24:00"} in _unavailable(client, admin)
    for start, end in (("24:00", "24:00"), ("09:00", "24:30"), ("9:0", "10:00")):
        bad = {**body, "start": start, "end": end}
        assert client.post(URL, json=bad, headers=admin).status_code == 400, (start, end)
