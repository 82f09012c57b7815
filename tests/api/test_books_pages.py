"""The backlog's and the ledger's pages through the app (SQLite and PostgreSQL): the
coordinator records a request by form (errors beside the field), draws a week and withdraws;
the volunteer marks a past visit done on the phone and prints their statement; the coordinator
reads the hours and downloads them."""

from __future__ import annotations

import pendulum
import pytest

from mutualaid.services import access, roster, weeks
from tests.adapters import world

from .conftest import Client, infra
from .test_pages import csrf, field_errors, sign_in

AREA = world.AREA
PAST = pendulum.Date(2026, 11, 2)


@pytest.fixture
def people(client: Client) -> dict[str, str]:
    uow = infra(client).uow
    roster.create_area(uow(), access.CLI, AREA, "经八路街道", world.ZONE)
    weeks.import_scenario(uow(), access.CLI, AREA, PAST.isoformat(), world.scenario(PAST))
    _, coordinator = access.create_token(uow(), access.CLI, "coordinator", [AREA])
    _, volunteer = access.create_token(uow(), access.CLI, "volunteer", [AREA], "v-wang")
    return {"coordinator": coordinator, "volunteer": volunteer}


def test_a_coordinator_records_draws_and_withdraws_a_request_by_form(
    client: Client, people: dict[str, str]
) -> None:
    sign_in(client, people["coordinator"])
    listed = client.get(f"/desk/{AREA}/requests")
    assert listed.status_code == 200 and 'for="f-week"' in listed.text
    form = {
        "_csrf_token": csrf(client, f"/desk/{AREA}/requests/new"), "title": "陪刘爷爷聊天",
        "id": "r-liu", "place": "resident:r-liu", "priority": "high", "duration_minutes": "0",
        "windows": "mon tue 09:00-12:00", "needs": "companionship 1", "deadline": "2026-12-31",
    }  # fmt: skip
    bad = client.post(f"/desk/{AREA}/requests/new", data=form)
    assert bad.status_code == 400
    assert field_errors(bad.text, "duration_minutes")
    form["duration_minutes"] = "60"
    form["_csrf_token"] = csrf(client, f"/desk/{AREA}/requests/new")
    saved = client.post(f"/desk/{AREA}/requests/new", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert "陪刘爷爷聊天" in client.get(f"/desk/{AREA}/requests").text
    token = csrf(client, f"/desk/{AREA}/requests")
    drawn = client.post(f"/desk/{AREA}/requests/draw", follow_redirects=False,
                        data={"_csrf_token": token, "week": PAST.isoformat()})  # fmt: skip
    assert drawn.headers["location"] == f"/desk/{AREA}/weeks/{PAST.isoformat()}"
    assert "req-r-liu" in client.get(drawn.headers["location"]).text
    gone = client.post(f"/desk/{AREA}/requests/r-liu/withdraw", follow_redirects=False,
                       data={"_csrf_token": csrf(client, f"/desk/{AREA}/requests")})  # fmt: skip
    assert gone.status_code == 303
    shown = client.get(f"/desk/{AREA}/requests?status=withdrawn",
                       headers={"Accept-Language": "zh-CN"}).text  # fmt: skip
    assert "陪刘爷爷聊天" in shown and "已撤回" in shown


def test_a_volunteer_marks_a_past_visit_done_and_prints_their_hours(
    client: Client, people: dict[str, str]
) -> None:
    with infra(client).uow() as uow:
        plan = uow.plans.create(AREA, PAST)
        uow.plans.finish(plan.id, world.plan(PAST))
        uow.plans.publish(plan.id)
        uow.commit()
        ids = {a.id: a.task for a in uow.assignments.for_plan(plan.id)}
    [visit] = [a for a, t in ids.items() if t == "t-visit-zhang"]
    sign_in(client, people["volunteer"])
    week = client.get(f"/my?week={PAST.isoformat()}")
    assert f'<label for="fb-{visit}">' in week.text and 'value="done"' in week.text
    assert f"/my/assignments/{visit}/decline" in week.text
    marked = client.post(f"/my/assignments/{visit}/outcome", follow_redirects=False,
                         data={"_csrf_token": csrf(client, f"/my?week={PAST.isoformat()}"),
                               "state": "done", "feedback": "张奶奶很高兴"})  # fmt: skip
    assert marked.status_code == 303, marked.text
    after = client.get(marked.headers["location"]).text
    assert "60 minutes counted" in after and "张奶奶很高兴" in after
    assert f"/my/assignments/{visit}/decline" not in after  # done: no longer declined (409)
    printed = client.get(f"/print/{AREA}/ledger/v-wang?month=2026-11")
    assert printed.status_code == 200 and "1.00" in printed.text
    assert client.get(f"/print/{AREA}/ledger/v-li?month=2026-11").status_code == 403
    client.cookies.clear()
    sign_in(client, people["coordinator"])
    hours = client.get(f"/desk/{AREA}/ledger?month=2026-11")
    assert hours.status_code == 200 and "王师傅" in hours.text
    exported = client.get(f"/desk/{AREA}/ledger.csv")
    assert exported.status_code == 200 and "v-wang,王师傅,credit,60,1.00" in exported.text
    visits = client.get(f"/desk/{AREA}/visits?week={PAST.isoformat()}")
    assert visits.status_code == 200 and visits.text.count('value="done"') == 3  # unmarked
    [meal] = [a for a, t in ids.items() if t == "t-meals@mon"]
    marked = client.post(f"/desk/{AREA}/visits/{meal}/outcome", follow_redirects=False,
                         data={"_csrf_token": csrf(client, f"/desk/{AREA}/ledger"),
                               "state": "missed"})  # fmt: skip
    assert marked.headers["location"] == f"/desk/{AREA}/visits?week={PAST.isoformat()}"
    assert client.get(marked.headers["location"]).text.count('value="undo"') == 2


def test_the_week_s_visits_show_each_task_by_its_title(client: Client) -> None:
    """The column headed 'Title' showed the task's id (t-visit-zhang)."""
    uow = infra(client).uow
    roster.create_area(uow(), access.CLI, AREA, "经八路街道", world.ZONE)
    scenario = world.scenario(PAST)
    scenario["tasks"][0]["title"] = "陪张奶奶聊天"
    weeks.import_scenario(uow(), access.CLI, AREA, PAST.isoformat(), scenario)
    _, coordinator = access.create_token(uow(), access.CLI, "coordinator", [AREA])
    with uow() as u:
        plan = u.plans.create(AREA, PAST)
        u.plans.finish(plan.id, world.plan(PAST))
        u.plans.publish(plan.id)
        u.commit()
    sign_in(client, coordinator)
    page = client.get(f"/desk/{AREA}/visits?week={PAST.isoformat()}").text
    assert "<td>陪张奶奶聊天</td>" in page
    assert "<td>t-visit-zhang</td>" not in page
