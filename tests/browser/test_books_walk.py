"""The backlog and the hours, walked in headless Chromium in English and Chinese: the
coordinator records a request and draws a week from it; the volunteer, on the phone, marks a
visit of a past week done and opens their statement. Every field labelled, no console error,
a screenshot of each page."""

from __future__ import annotations

import re
from typing import Any

import pendulum
import pytest
from playwright.sync_api import expect

from mutualaid.messages import msg_in
from mutualaid.services import access, weeks
from tests.adapters import world

from .conftest import AREA, Served
from .test_walks import LANGS, sign_in

PAST = pendulum.Date(2026, 11, 2)


def past_week_published(served: Served) -> None:
    """world's week, two Mondays before the sample's, with its plan published."""
    infra = served.infra
    weeks.import_scenario(infra.uow(), access.CLI, AREA, PAST.isoformat(), world.scenario(PAST))
    with infra.uow() as uow:
        plan = uow.plans.create(AREA, PAST)
        uow.plans.finish(plan.id, world.plan(PAST))
        uow.plans.publish(plan.id)
        uow.commit()


@pytest.mark.parametrize("lang", LANGS)
def test_a_coordinator_records_a_request_and_draws_a_week(
    open_browser: Any, served: Served, lang: str
) -> None:
    past_week_published(served)
    b = open_browser(lang, name="requests")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go("/")
    sign_in(b, served.secrets["coordinator"], lang)
    page.get_by_role("link", name=t("page_tab_requests")).click()
    expect(page.get_by_text(t("page_requests_empty"))).to_be_visible()
    b.assert_labelled()
    page.get_by_role("link", name=t("page_new_request")).click()
    page.get_by_label(t("page_task_title")).fill("陪刘爷爷聊天 chat")
    page.get_by_label(t("page_task_place")).select_option(
        label=t("page_resident_home", name="刘爷爷")
    )
    page.get_by_label(t("page_task_duration")).fill("60")
    page.get_by_label(t("page_task_windows")).fill("mon tue 09:00-12:00")
    page.get_by_label(t("page_task_needs")).fill("companionship 1")
    page.get_by_label(t("page_request_deadline")).fill("2026-12-31")
    page.get_by_label(t("page_request_household")).select_option(label="王师傅")
    b.assert_labelled()
    b.shoot("request-form")
    page.get_by_role("button", name=t("page_save")).click()
    page.wait_for_url(re.compile(rf"/desk/{AREA}/requests$"))
    expect(page.get_by_text(t("page_request_saved", title="陪刘爷爷聊天 chat"))).to_be_visible()
    page.get_by_label(t("page_draw_week")).fill(PAST.add(weeks=1).isoformat())
    b.assert_fits()
    b.shoot("requests")
    page.get_by_role("button", name=t("page_draw")).click()
    page.wait_for_url(re.compile(rf"/weeks/{PAST.add(weeks=1).isoformat()}$"))
    expect(page.get_by_text("陪刘爷爷聊天 chat").first).to_be_visible()
    b.shoot("drawn-week")

    # the week gone by: its visits marked from the desk
    page.get_by_role("link", name=t("page_tab_ledger")).click()
    page.get_by_role("link", name=t("page_visits_link")).click()
    page.get_by_label(t("page_visits_week")).fill(PAST.isoformat())
    page.get_by_role("button", name=t("page_open")).click()
    row = page.locator("tr").filter(has_text="t-show")
    row.get_by_role("button", name=t("page_visit_done_button")).click()
    expect(page.get_by_text(t("page_visit_flash_done", minutes=90))).to_be_visible()
    b.assert_labelled()
    b.shoot("visits")
    page.get_by_role("link", name=t("page_tab_ledger")).last.click()  # the tab (the crumb too)
    expect(page.get_by_text(t("page_ledger_total", hours="1.50"))).to_be_visible()
    b.shoot("hours")


@pytest.mark.parametrize("lang", LANGS)
def test_a_volunteer_marks_a_visit_done_on_the_phone(
    open_browser: Any, served: Served, lang: str
) -> None:
    past_week_published(served)
    b = open_browser(lang, phone=True, name="visit-done")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go("/")
    sign_in(b, served.secrets["volunteer"], lang)
    b.go(f"/my?week={PAST.isoformat()}")
    visit = page.locator("article.visit").filter(has_text="t-visit-zhang").first
    visit.get_by_label(t("page_visit_feedback")).fill("张奶奶很高兴")
    b.assert_labelled()
    b.shoot("before")
    visit.get_by_role("button", name=t("page_visit_done_button")).click()
    expect(page.get_by_text(t("page_visit_flash_done", minutes=60))).to_be_visible()
    expect(page.get_by_text("张奶奶很高兴")).to_be_visible()
    b.assert_fits()
    b.shoot("done")
    page.get_by_role("link", name=t("page_my_hours")).click()
    b.go(f"/print/{AREA}/ledger/v-wang?month=2026-11")
    expect(page.get_by_text(t("page_statement_closing", hours="1.00"))).to_be_visible()
    b.shoot("statement")
