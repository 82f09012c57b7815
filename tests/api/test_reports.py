"""Reports of a week and a month over HTTP (SQLite and PostgreSQL): requests received,
served, unserved by reason, waited, hours by volunteer and team, residents reached by
category; JSON and CSV; roles; a withdrawn visit no longer counts."""

from __future__ import annotations

import csv
import io
from typing import Any

from mutualaid.services.reports import report_csv
from tests.adapters import world

from .conftest import Client, infra
from .test_volunteers import AREA, WEEK, Headers, volunteer


def week_with_a_plan(client: Client, admin: Headers) -> None:
    data = world.scenario()
    data["residents"][0]["categories"] = ["over_70", "living_alone"]
    data["tasks"][0]["waited"] = 2
    data["tasks"].append({
        "id": "t-sign", "title": "Sign language at the clinic", "site": "centre",
        "needs": [{"skill": "sign_language"}], "duration_minutes": 60,
        "windows": [{"days": ["thu"], "from": "09:00", "to": "12:00"}],
    })  # fmt: skip
    answer = client.post(f"/weeks/{WEEK}/scenario?area={AREA}", json=data, headers=admin)
    assert answer.status_code == 200, answer.text
    result = world.result()
    result["unserved"] = [{"task": "t-sign", "reason": "no_skill", "detail": "nobody signs"}]
    with infra(client).uow() as uow:
        plan = uow.plans.create(AREA, world.WEEK)
        uow.plans.finish(plan.id, world.as_plan(result))
        uow.plans.publish(plan.id)
        uow.commit()


def report(client: Client, admin: Headers, query: str = "") -> Any:
    """The week's report, its answer checked."""
    answer = client.get(f"/reports/weeks/{WEEK}?area={AREA}{query}", headers=admin)
    assert answer.status_code == 200, answer.text
    return answer


def hours(rows: list[dict[str, Any]]) -> dict[str, float]:
    return {r["id"]: r["hours_assigned"] for r in rows}


def test_a_weeks_report_counts_requests_service_hours_and_residents(
    client: Client, admin: Headers
) -> None:
    week_with_a_plan(client, admin)
    r = report(client, admin).json()
    assert (r["received"], r["served"], r["unserved"]) == (5, 4, {"no_skill": 1})
    assert r["by_priority"]["high"] == {"received": 1, "served": 1}
    assert r["waited"] == {"received": 1, "served": 1}
    assert hours(r["volunteers"]) == {"v-wang": 2.5, "v-li": 0.75, "v-zhao": 0.75}
    assert {v["id"]: v["name"] for v in r["volunteers"]}["v-wang"] == "王师傅"
    assert all(v["hours_done"] == 0 for v in r["volunteers"])  # nothing marked done yet
    assert hours(r["teams"]) == {"lions": 2.5}  # the show as a team, and a member's visit
    assert r["residents"]["reached"] == 1
    assert r["residents"]["by_category"] == {
        "over_70": 1, "living_alone": 1, "empty_nest": 0, "bereaved_parent": 0,
        "disabled": 0, "low_income": 0,
    }  # fmt: skip
    assert "ledger" in r["note"]
    month = client.get(f"/reports/months/2026-11?area={AREA}", headers=admin).json()
    assert (month["weeks"], month["received"], month["served"]) == ([WEEK], 5, 4)
    empty = client.get(f"/reports/months/2026-12?area={AREA}", headers=admin).json()
    assert (empty["weeks"], empty["received"]) == ([], 0)


def test_a_withdrawn_visit_leaves_the_report(client: Client, admin: Headers) -> None:
    week_with_a_plan(client, admin)
    gone = client.delete(f"/weeks/{WEEK}/tasks/t-show?area={AREA}", headers=admin)
    assert gone.status_code == 204, gone.text
    r = report(client, admin).json()
    assert (r["received"], r["served"]) == (4, 3)
    assert hours(r["volunteers"])["v-wang"] == 1.0 and hours(r["teams"]) == {"lions": 1.0}


def test_the_csv_is_one_table_a_spreadsheet_opens_and_its_export_is_audited(
    client: Client, admin: Headers
) -> None:
    week_with_a_plan(client, admin)
    answer = report(client, admin, "&format=csv")
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "id", "name", "value", "unit"]
    assert ["volunteer_hours_assigned", "v-wang", "王师傅", "2.5", "hours"] in rows
    assert ["unserved", "no_skill", "", "1", "tasks"] in rows
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    assert "report.export" in {e["action"] for e in audit}


def test_reports_are_for_coordinators_and_bad_periods_are_named(
    client: Client, admin: Headers
) -> None:
    week_with_a_plan(client, admin)
    li = volunteer(client, "v-li")
    assert client.get(f"/reports/weeks/{WEEK}?area={AREA}", headers=li).status_code == 403
    bad = client.get(f"/reports/months/2026-13?area={AREA}", headers=admin)
    assert bad.status_code == 400 and bad.json()["problems"][0]["path"] == "month"
    tuesday = client.get(f"/reports/weeks/2026-12-01?area={AREA}", headers=admin)
    assert tuesday.status_code == 400 and tuesday.json()["problems"][0]["path"] == "week"
    csv_of = client.get(f"/reports/weeks/{WEEK}?area={AREA}&format=xls", headers=admin)
    assert csv_of.status_code == 400


def test_a_name_a_spreadsheet_would_run_is_written_as_text() -> None:
    import pendulum

    from mutualaid.services.reports import Period, PersonHours, Report

    day = pendulum.Date(2026, 11, 30)
    report = Report("a", Period("week", "2026-11-30", day, day.add(days=6)))
    report.volunteers = [PersonHours("v-x", '=HYPERLINK("http://x")', 1, 60)]
    assert "'=HYPERLINK" in report_csv(report)


def test_the_report_page_shows_the_week_and_offers_its_csv(client: Client, admin: Headers) -> None:
    from mutualaid.services import access

    from .test_pages import sign_in

    week_with_a_plan(client, admin)
    _, secret = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA])
    sign_in(client, secret)
    page = client.get(f"/desk/{AREA}/reports?week={WEEK}", headers={"Accept-Language": "zh"})
    assert page.status_code == 200
    assert "王师傅" in page.text and "高龄（70 岁以上）" in page.text
    assert '<label for="f-week">' in page.text and '<label for="f-month">' in page.text
    link = f"/desk/{AREA}/reports.csv?week={WEEK}"
    assert link in page.text
    got = client.get(link)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    bad = client.get(f"/desk/{AREA}/reports?month=2026-13")
    assert bad.status_code == 400 and 'id="month-error"' in bad.text


def test_hours_done_are_the_ledgers_for_the_visits_given(client: Client, admin: Headers) -> None:
    from .test_books_api import PAST, publish, token

    answer = client.post(f"/weeks/{PAST.isoformat()}/scenario?area={AREA}",
                         json=world.scenario(PAST), headers=admin)  # fmt: skip
    assert answer.status_code == 200, answer.text
    visits = publish(client)
    coordinator = token(client, "coordinator")
    zhang = visits["t-visit-zhang/v-wang"]
    end = f"{PAST.add(days=1).isoformat()}T10:30:00+08:00"
    done = client.post(f"/assignments/{zhang}/done", headers=coordinator, json={"actual_end": end})
    assert done.status_code == 200, done.text
    meals = visits["t-meals@mon/v-zhao"]
    assert client.post(f"/assignments/{meals}/done", headers=coordinator).status_code == 200
    assert client.delete(f"/assignments/{meals}/outcome", headers=coordinator).status_code == 200
    r = client.get(f"/reports/weeks/{PAST.isoformat()}?area={AREA}", headers=admin).json()
    done_hours = {v["id"]: v["hours_done"] for v in r["volunteers"]}
    assert done_hours["v-wang"] == 1.5 and done_hours["v-zhao"] == 0  # un-marked: nothing
    assert all(v["hours_done"] <= v["hours_assigned"] + 1 for v in r["volunteers"])
    rows = client.get(f"/reports/weeks/{PAST.isoformat()}?area={AREA}&format=csv", headers=admin)
    table = list(csv.reader(io.StringIO(rows.content.decode("utf-8-sig"))))
    assert ["volunteer_hours_done", "v-wang", "王师傅", "1.5", "hours"] in table
