"""Fairness across weeks, the area's setting (SQLite and PostgreSQL): set over HTTP by the
area's coordinator, audited, shown with the area; when on, a week's solve is given each
volunteer's minutes of the three weeks before (published plans, visits still given)."""

from __future__ import annotations

import pendulum

from mutualaid.contract.scenario import build_scenario
from mutualaid.services.fairness import prior_minutes, with_prior
from tests.adapters import world

from .conftest import Client, infra
from .test_books_api import token
from .test_volunteers import AREA, Headers, volunteer

WEEK = pendulum.Date(2026, 11, 30)


def publish(client: Client, admin: Headers, at: pendulum.Date) -> None:
    answer = client.post(f"/weeks/{at.isoformat()}/scenario?area={AREA}",
                         json=world.scenario(at), headers=admin)  # fmt: skip
    assert answer.status_code == 200, answer.text
    with infra(client).uow() as uow:
        plan = uow.plans.create(AREA, at)
        uow.plans.finish(plan.id, world.plan(at))
        uow.plans.publish(plan.id)
        uow.commit()


def test_the_setting_feeds_the_weeks_before_into_the_solve(client: Client, admin: Headers) -> None:
    for k in (1, 2, 4):  # four weeks back is not counted
        publish(client, admin, WEEK.subtract(weeks=k))
    publish(client, admin, WEEK)
    scenario = build_scenario(world.scenario(WEEK))
    assert with_prior(infra(client).uow(), AREA, WEEK, scenario) is scenario  # off: as before
    coordinator = token(client, "coordinator")
    on = client.put(f"/areas/{AREA}/fairness", json={"across_weeks": True}, headers=coordinator)
    assert on.status_code == 200, on.text
    assert client.get(f"/areas/{AREA}", headers=admin).json()["fairness_across_weeks"] is True
    fed = with_prior(infra(client).uow(), AREA, WEEK, scenario)
    # each week: v-wang the visit (60) and the show (90), v-zhao and v-li a meal (45)
    assert fed.prior_minutes == {"v-wang": 300, "v-zhao": 90, "v-li": 90}
    with infra(client).uow() as uow:
        assert prior_minutes(uow, AREA, WEEK.subtract(weeks=4)) == {}
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    assert "area.fairness" in {e["action"] for e in audit}
    li = volunteer(client, "v-li")
    refused = client.put(f"/areas/{AREA}/fairness", json={"across_weeks": False}, headers=li)
    assert refused.status_code == 403
    bad = client.put(f"/areas/{AREA}/fairness", json={"across_weeks": "yes"}, headers=admin)
    assert bad.status_code == 400


def test_the_reports_tab_turns_it_on_and_off(client: Client, admin: Headers) -> None:
    from mutualaid.services import access

    from .test_pages import csrf, sign_in

    publish(client, admin, WEEK)
    _, secret = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA])
    sign_in(client, secret)
    page = client.get(f"/desk/{AREA}/reports", headers={"Accept-Language": "zh"})
    assert '<label for="f-across_weeks">' in page.text and "跨周公平" in page.text
    form = {"across_weeks": "on", "_csrf_token": csrf(client)}
    done = client.post(f"/desk/{AREA}/fairness", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert client.get(f"/areas/{AREA}", headers=admin).json()["fairness_across_weeks"] is True
    assert 'name="across_weeks" type="checkbox" checked' in client.get(f"/desk/{AREA}/reports").text
    client.post(f"/desk/{AREA}/fairness", data={"_csrf_token": csrf(client)})
    assert client.get(f"/areas/{AREA}", headers=admin).json()["fairness_across_weeks"] is False
