"""A volunteer's week that nobody has planned yet (no week stored for it), on the phone's pages
(SQLite and PostgreSQL). Found on a 360 px phone: the area planned next week ahead, this week
had no week stored, and a volunteer signing in landed on "Page not found: no such week
'jingbalu/2026-11-30'", whose only button ("Back to my page") led to the same page. Their
week is an empty week with the way to the next one, and its calendar file an empty calendar.
The JSON API still answers 404 for a week that is not stored (its documented answer)."""

from __future__ import annotations

import html
import re

import pytest

from mutualaid.messages import msg_in

from .test_pages import WEEK, Desk, desk, sign_in  # noqa: F401  (desk: a fixture)

UNPLANNED = "2026-12-07"  # the sample week is 2026-11-30: the week after is not stored


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_week_not_planned_yet_is_an_empty_week_with_the_way_on(desk: Desk, lang: str) -> None:  # noqa: F811
    client = desk.client
    assert sign_in(client, desk.secrets["volunteer"]).status_code in (302, 303)
    page = client.get(f"/my?week={UNPLANNED}", headers={"Accept-Language": lang})
    assert page.status_code == 200, page.text
    assert msg_in(lang, "page_my_week_empty") in html.unescape(page.text)
    assert 'href="/my?week=2026-12-14"' in page.text and 'href="/my?week=2026-11-30"' in page.text
    ics = client.get(f"/my/calendar.ics?week={UNPLANNED}", headers={"Accept-Language": lang})
    assert ics.status_code == 200, ics.text
    assert "BEGIN:VCALENDAR" in ics.text and "BEGIN:VEVENT" not in ics.text


def test_the_json_api_still_says_a_week_not_stored_is_not_found(desk: Desk) -> None:  # noqa: F811
    headers = {"Authorization": f"Bearer {desk.secrets['volunteer']}"}
    answer = desk.client.get(
        f"/volunteers/v-wang/assignments?week={UNPLANNED}&area=jingbalu", headers=headers
    )
    assert answer.status_code == 404, answer.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_decline_page_names_the_visits_day_as_the_week_does(desk: Desk, lang: str) -> None:  # noqa: F811
    """Found on the phone: the week says "Friday 12/11" and the decline page said
    "2026-12-11 14:30–16:30", a date a retired volunteer must work out the day of."""
    from .test_paper import _solve

    _solve(desk, publish=True)
    client = desk.client
    sign_in(client, desk.secrets["volunteer"])
    mine = client.get(f"/my?week={WEEK}", headers={"Accept-Language": lang})
    [first, *_] = re.findall(r"/my/assignments/(\d+)/decline", mine.text)
    form = client.get(f"/my/assignments/{first}/decline", headers={"Accept-Language": lang})
    [when] = re.findall(r'<p class="when">([^<]*)</p>', form.text)
    day = {"en": r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ [A-Z][a-z]{2} \d\d:\d\d–\d\d:\d\d$",
           "zh": r"^周[一二三四五六日] \d+月\d+日 \d\d:\d\d–\d\d:\d\d$"}[lang]  # fmt: skip
    assert re.match(day, html.unescape(when)), when
