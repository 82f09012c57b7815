"""Notices and reports in headless Chromium, English and Chinese: the coordinator's Notices
and Reports tabs after a publish, the volunteer's notices on a phone; every field labelled,
nothing off the screen, a screenshot of each."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from mutualaid.messages import msg_in

from .conftest import AREA, WEEK, Served, publish_a_plan
from .test_walks import LANGS, sign_in


@pytest.mark.parametrize("lang", LANGS)
def test_the_coordinator_and_the_volunteer_see_what_a_publish_told(
    open_browser: Any, served: Served, lang: str
) -> None:
    publish_a_plan(served)
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731

    desk = open_browser(lang, name="notices-desk")
    desk.go(f"/desk/{AREA}/notices")
    sign_in(desk, served.secrets["coordinator"], lang)
    desk.page.wait_for_url(re.compile(r"/notices"))
    expect(desk.page.get_by_role("heading", name=t("page_tab_notices"))).to_be_visible()
    assert desk.page.locator("tbody tr").count() >= 1
    desk.assert_labelled()
    desk.shoot("notices")
    desk.go(f"/desk/{AREA}/reports?week={WEEK}")
    expect(desk.page.get_by_role("heading", name=t("page_tab_reports"))).to_be_visible()
    expect(desk.page.get_by_text(t("page_report_volunteers"))).to_be_visible()
    desk.assert_labelled()
    desk.shoot("report")

    phone = open_browser(lang, phone=True, name="notices-phone")
    phone.go("/my/notices")
    sign_in(phone, served.secrets["volunteer"], lang)
    phone.page.wait_for_url(re.compile(r"/my/notices"))
    expect(phone.page.get_by_role("heading", name=t("page_my_notices"))).to_be_visible()
    assert phone.page.locator("article.notice").count() >= 1
    phone.page.get_by_label(t("page_contact_email")).fill("wang@example.org")
    phone.assert_labelled()
    phone.assert_fits()
    phone.shoot("my-notices")
