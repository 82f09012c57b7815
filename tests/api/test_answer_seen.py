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
