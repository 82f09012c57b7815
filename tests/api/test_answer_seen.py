"""A volunteer's answer on the phone is for the visit the page showed: when a new plan moved
it between the page's loading and the tap, the accept is refused, saying the new time, and
nothing is accepted (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from mutualaid.services import access
from tests.adapters import world

from .conftest import Client, infra
from .test_pages import CSRF, sign_in

WEEK = world.WEEK.isoformat()


def republish_moved(client: Client, minutes: int) -> None:
    """Another plan of the week published, v-wang's visit to 张奶奶 `minutes` later."""
    data = world.result()
    for a in data["assignments"]:
        if a["task"] == "t-visit-zhang":
            a["start"] = a["start"].replace("T09:00", f"T09:{minutes:02d}")
            a["end"] = a["end"].replace("T10:00", f"T10:{minutes:02d}")
    with infra(client).uow() as uow:
        plan = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(plan.id, world.as_plan(data))
        uow.plans.publish(plan.id)
        uow.commit()


def the_visit(client: Client) -> tuple[str, str, str]:
    """The phone's week: the accept form's action, its hidden fields, and the page."""
    page = client.get(f"/my?week={WEEK}")
    assert page.status_code == 200, page.text
    form = re.search(r'<form method="post" action="(/my/assignments/\d+/accept)">(.*?)</form>',
                     page.text, re.S)  # fmt: skip
    assert form, "no accept button on the week"
    return form.group(1), form.group(2), page.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_accept_tapped_on_a_page_that_showed_another_time_is_refused_with_the_new_time(
    client: Client, published: str, lang: str
) -> None:
    _, secret = access.create_token(infra(client).uow(), access.CLI, "volunteer",
                                    [world.AREA], "v-wang")  # fmt: skip
    client.cookies.set("lang", lang)
    sign_in(client, secret)
    action, fields, _ = the_visit(client)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', fields))
    token = CSRF.search(fields)
    assert token
    republish_moved(client, 30)  # the coordinator published a new plan meanwhile
    tapped = client.post(action, data=hidden)
    assert tapped.status_code == 200, tapped.text
    words = {"en": "09:30", "zh": "09:30"}[lang]
    assert words in tapped.text and {"en": "moved", "zh": "改"}[lang] in tapped.text
    with infra(client).reader() as reader:
        ident = int(action.split("/")[3])
        assert reader.assignments.get(ident).state == "pending"  # nothing accepted
    action, fields, _ = the_visit(client)  # the page as it is now: accepted
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', fields))
    again = client.post(action, data=hidden)
    assert again.status_code == 200, again.text
    with infra(client).reader() as reader:
        assert reader.assignments.get(ident).state == "accepted"


def _zhang(client: Client, headers: dict[str, str]) -> dict[str, object]:
    week = client.get(f"/volunteers/v-wang/assignments?week={WEEK}", headers=headers)
    assert week.status_code == 200, week.text
    return next(a for a in week.json()["assignments"] if a["task"] == "t-visit-zhang")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_api_accept_with_the_start_seen_is_refused_once_a_new_plan_moved_it(
    client: Client, published: str, lang: str
) -> None:
    """The JSON API as the phone page: a client that read the visit at 09:00 and sends that
    start with its yes, after the coordinator moved it to 09:30, gets 409 naming 09:30 (the
    week's own time, in the client's language) and nothing is accepted; with the start now,
    or with none (as before), it is accepted."""
    _, secret = access.create_token(infra(client).uow(), access.CLI, "volunteer",
                                    [world.AREA], "v-wang")  # fmt: skip
    wang = {"Authorization": f"Bearer {secret}", "Accept-Language": lang}
    seen = _zhang(client, wang)
    republish_moved(client, 30)
    url = f"/assignments/{seen['id']}/accept"
    refused = client.post(url, json={"seen": seen["start"]}, headers=wang)
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert "09:30:00+08:00" in detail and {"en": "moved", "zh": "已改到"}[lang] in detail, detail
    assert _zhang(client, wang)["state"] == "pending"  # nothing accepted
    bad = client.post(url, json={"seen": "09:00"}, headers=wang)
    assert bad.status_code == 400 and bad.json()["problems"][0]["path"] == "seen", bad.text
    now = _zhang(client, wang)
    accepted = client.post(url, json={"seen": now["start"]}, headers=wang)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted", accepted.text
    republish_moved(client, 40)  # asked again (pending), then a yes sent with no start
    plain = client.post(url, headers=wang)
    assert plain.status_code == 200 and plain.json()["state"] == "accepted", plain.text
