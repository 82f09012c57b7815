"""The calendar subscription link (issue 9 item 6): made on the volunteer's week page, shown
once, stored hashed, fetched by a calendar app with no cookie and no token; a new link, by
the volunteer or the coordinator, revokes the old one."""

from __future__ import annotations

import re

import icalendar
import pendulum
from sqlalchemy import text

from .conftest import infra
from .test_pages import AREA, WEEK, Desk, csrf, desk, sign_in  # noqa: F401  (the fixture)
from .test_paper import _result, _solve

URL = re.compile(r'id="feed-url" type="text" value="https?://[^/]+(/calendar/([^"]+)\.ics)"')


def _make(d: Desk, path: str, form_page: str) -> tuple[str, str]:
    got = d.client.post(path, data={"_csrf_token": csrf(d.client, form_page)})
    assert got.status_code == 200, got.text
    found = URL.search(got.text)
    assert found, "the page shows no link"
    assert "webcal://" in got.text
    return found.group(1), found.group(2)


def test_a_volunteer_subscribes_and_a_new_link_revokes_the_old(desk: Desk) -> None:  # noqa: F811
    result = _result(desk, _solve(desk, publish=True))
    mine = [a for a in result["assignments"] if any(v["id"] == "v-wang" for v in a["volunteers"])]
    sign_in(desk.client, desk.secrets["volunteer"])
    desk.client.cookies.set("lang", "en")
    week = desk.client.get(f"/my?week={WEEK}").text
    assert "Make my calendar link" in week
    path, secret = _make(desk, "/my/calendar-link", "/my")
    engine = infra(desk.client).engine
    with engine.connect() as conn:
        stored = [r[0] for r in conn.execute(text("SELECT secret_hash FROM calendar_feeds"))]
    assert len(stored) == 1 and secret not in stored[0]
    desk.client.cookies.clear()  # a calendar app: no session, no token
    feed = desk.client.get(path)
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    if _in_feed(WEEK):
        assert len(events) >= len(mine)
    sign_in(desk.client, desk.secrets["volunteer"])
    assert "Make a new link" in desk.client.get("/my").text
    new_path, _ = _make(desk, "/my/calendar-link", "/my")
    assert desk.client.get(path).status_code == 404
    assert desk.client.get(new_path).status_code == 200


def _in_feed(week: str) -> bool:
    """The feed holds last week to four weeks ahead of today: the sample week only then."""
    monday = pendulum.now("Asia/Shanghai").date().start_of("week")
    return -1 <= (pendulum.Date.fromisoformat(week) - monday).days // 7 <= 4


def test_the_coordinator_makes_a_volunteer_a_new_link(desk: Desk) -> None:  # noqa: F811
    sign_in(desk.client, desk.secrets["volunteer"])
    old, _ = _make(desk, "/my/calendar-link", "/my")
    sign_in(desk.client, desk.secrets["coordinator"])
    edit = f"/desk/{AREA}/roster/volunteers/v-wang/edit"
    assert "calendar-link" in desk.client.get(edit).text
    new, _ = _make(desk, f"/desk/{AREA}/roster/volunteers/v-wang/calendar-link", edit)
    assert desk.client.get(old).status_code == 404
    assert desk.client.get(new).status_code == 200
    assert desk.client.get("/calendar/not-a-secret.ics").status_code == 404
