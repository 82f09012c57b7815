"""A coordinator's week and a volunteer's phone, walked in headless Chromium in English and
Chinese: what a person sees, types and presses, with no console error, every field labelled,
and a screenshot of every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from mutualaid.messages import msg_in
from mutualaid.services import access, plans

from .conftest import AREA, DESKTOP, WEEK, Served, publish_a_plan

LANGS = ["en", "zh"]


def sign_in(b: Any, secret: str, lang: str) -> None:
    page = b.page
    page.get_by_label(msg_in(lang, "page_token")).fill(secret)
    b.assert_labelled()
    b.shoot("sign-in")
    page.get_by_role("button", name=msg_in(lang, "page_sign_in")).click()


@pytest.mark.parametrize("lang", LANGS)
def test_a_coordinator_plans_the_week_in_the_browser(
    open_browser: Any, served: Served, lang: str
) -> None:
    b = open_browser(lang, name="coordinator")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go("/")
    expect(page.get_by_role("button", name=t("page_sign_in"))).to_be_visible()
    sign_in(b, served.secrets["coordinator"], lang)
    page.wait_for_url(re.compile(rf"/desk/{AREA}$"))  # one area: straight to it
    b.assert_labelled()
    b.shoot("weeks")
    page.get_by_role("link", name=t("page_week_of", date=WEEK)).click()
    page.wait_for_url(re.compile(rf"/weeks/{WEEK}$"))
    expect(page.get_by_text("免费家电维修: fridge not cooling")).to_be_visible()
    expect(page.get_by_text(t("page_no_plan_yet"))).to_be_visible()
    b.shoot("week")

    # a task nobody can serve: the plan must say why
    page.get_by_role("link", name=t("page_add_task")).first.click()
    b.assert_labelled()
    page.get_by_label(t("page_task_title")).fill("Eye-drop help 滴眼药")
    page.get_by_label(t("page_task_place")).select_option(
        label=t("page_resident_home", name="李大爷")
    )
    page.get_by_label(t("page_task_priority")).select_option(label=t("page_priority_urgent"))
    page.get_by_label(t("page_task_duration")).fill("30")
    page.get_by_label(t("page_task_windows")).fill("mon wed 09:00-11:00")
    page.get_by_label(t("page_task_needs")).fill("ophthalmology 1")
    b.shoot("task-form")
    page.get_by_role("button", name=t("page_save")).click()
    page.wait_for_url(re.compile(rf"/weeks/{WEEK}$"))
    expect(page.get_by_text(t("page_task_added", title="Eye-drop help 滴眼药"))).to_be_visible()

    # solve: the progress bar first, then the plan (the page follows it by itself)
    page.get_by_role("button", name=t("page_solve")).click()
    page.wait_for_url(re.compile(r"/plans/[0-9a-f]+$"))
    expect(page.locator("#progress-bar")).to_be_visible()
    b.shoot("progress")
    page.get_by_role("heading", name=t("page_figures")).wait_for(timeout=60_000)
    assert page.locator("#progress-bar").get_attribute("value") == page.locator(
        "#progress-bar"
    ).get_attribute("max")  # all it could serve (the sample week is solved to optimality)
    unserved = page.locator("ul.unserved > li").filter(has_text="Eye-drop help 滴眼药")
    expect(unserved.get_by_text(t("reason_no_skill"))).to_be_visible()
    assert page.locator(".map svg polyline").count() > 0
    assert page.locator(".tl-block").count() > 0
    b.assert_labelled()
    b.shoot("plan")
    page.get_by_role("button", name=t("page_publish")).click()
    expect(page.get_by_text(t("page_published"))).to_be_visible()
    b.shoot("published")
    print_on_paper(b, t)
    page.get_by_role("link", name=t("page_back_to_week")).click()
    row = page.locator("tr").filter(has_text="Eye-drop help 滴眼药")
    expect(row.get_by_text(t("reason_no_skill"))).to_be_visible()
    assert page.locator("td .ok").count() >= 19  # the sample's 19 served tasks say so
    b.assert_fits()
    b.assert_labelled()  # the table's filters too
    b.shoot("week-planned")

    # the audit log names what was done, and the roster pages open
    page.get_by_role("link", name=t("page_tab_audit")).click()
    expect(page.get_by_role("cell", name="plan.publish").first).to_be_visible()
    b.shoot("audit")
    for kind in ("volunteers", "residents", "sites", "teams"):
        page.get_by_role("link", name=t(f"page_tab_{kind}")).click()
        expect(page.get_by_role("heading", name=t(f"page_tab_{kind}"))).to_be_visible()
        b.assert_labelled()
        b.shoot(f"roster-{kind}")
        page.get_by_role("link", name=t(f"page_add_{kind}")).click()
        b.assert_labelled()
        b.shoot(f"roster-{kind}-form")
        page.get_by_role("link", name=t("page_cancel")).click()


def as_printed(b: Any) -> None:
    """The page as the printer gets it (print media, an A4 page's width at 96 dpi): no
    navigation and no buttons, 16pt body type, nothing cut at the side."""
    page = b.page
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.wait_for_load_state()  # the print stylesheet in
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".paper-tools")).to_be_hidden()
    b.assert_fits()
    cut = page.evaluate(
        """() => Array.from(document.querySelectorAll('.sheet, .board-grid td, .sheet dd'))
             .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.outerHTML)"""
    )
    assert cut == [], cut


def print_on_paper(b: Any, t: Any) -> None:
    """From the plan page: a volunteer's day sheets and the noticeboard, as printed."""
    page = b.page
    who = page.locator(".paper-links li").filter(has_text="陈姐")  # two visits on a Thursday
    who.get_by_role("link", name=t("page_print_sheets")).click()
    page.wait_for_url(re.compile(r"/print/.+/sheets\?volunteer="))
    sheet = page.locator("article.sheet").first
    expect(sheet.get_by_text(t("page_sheet_signature"))).to_be_visible()
    expect(page.get_by_role("button", name=t("page_print"))).to_be_visible()
    b.assert_labelled()
    as_printed(b)
    size = page.evaluate(
        """() => ['.sheet dd', '.sheet h2', '.sheet h1'].map(
             s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"""
    )
    assert size[0] >= 16 * 96 / 72 - 0.01 and size[0] < size[1] < size[2], size  # px
    b.shoot("day-sheet-print")
    pdf = page.pdf(prefer_css_page_size=True)  # what the printer gets: a page per sheet
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == page.locator("article.sheet").count() >= 2, pages
    page.emulate_media(media="screen")
    page.set_viewport_size(DESKTOP)
    page.go_back()
    page.get_by_role("link", name=t("page_print_board")).click()
    expect(page.locator("table.board-grid")).to_be_visible()
    as_printed(b)
    page.set_viewport_size({"width": 1123, "height": 794})  # the page is landscape
    b.assert_fits()
    b.shoot("board-print")
    page.emulate_media(media="screen")
    page.set_viewport_size(DESKTOP)
    page.go_back()


@pytest.mark.parametrize("lang", LANGS)
def test_a_volunteer_sees_the_week_on_a_phone_and_declines(
    open_browser: Any, served: Served, lang: str
) -> None:
    publish_a_plan(served)

    b = open_browser(lang, phone=True, name="volunteer")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go(f"/my?week={WEEK}")  # the link a coordinator sends: sign in, then the week
    sign_in(b, served.secrets["volunteer"], lang)
    page.wait_for_url(re.compile(r"/my\?week="))
    expect(page.get_by_role("heading", name=t("page_my_week_of", name="王师傅"))).to_be_visible()
    visits = page.locator("article.visit")
    assert visits.count() >= 1
    first = visits.first
    expect(first.get_by_text(t("page_state_pending"))).to_be_visible()
    expect(first.get_by_text(t("page_helping"))).to_be_visible()
    height = first.get_by_role("button", name=t("page_accept")).bounding_box()["height"]
    assert height >= 44  # a finger, not a mouse pointer
    b.assert_fits()
    b.assert_labelled()
    b.shoot("week")
    title = first.locator("h3").inner_text()
    first.get_by_role("link", name=t("page_decline")).click()
    b.assert_labelled()
    page.get_by_label(t("page_decline_reason")).fill("这周住院 / in hospital this week")
    b.assert_fits()
    b.shoot("decline")
    page.get_by_role("button", name=t("page_decline_confirm")).click()
    page.wait_for_url(re.compile(r"/my\?week="))
    expect(page.get_by_text(t("page_declined"))).to_be_visible()
    # the repaired plan is published at once: the visit is no longer the volunteer's to answer
    assert page.locator("article.visit.state-pending").filter(has_text=title).count() == 0
    b.assert_fits()
    b.shoot("declined")
    page.get_by_role("link", name=t("page_print_my_week")).click()
    expect(page.locator("article.sheet h1").first).to_have_text("王师傅")
    assert page.locator("article.sheet").filter(has_text=title).count() == 0  # declined
    b.assert_labelled()
    as_printed(b)
    b.shoot("day-sheets-print")


def test_the_plan_page_follows_a_solve_by_itself_and_shows_the_plan_when_done(
    open_browser: Any, served: Served
) -> None:
    infra = served.infra
    infra.runner.stop()  # the plan waits in the queue while the page is watched
    plan = plans.request_plan(infra.uow(), None, access.CLI, AREA, WEEK)
    b = open_browser("en", name="progress")
    page = b.page
    b.go(f"/desk/{AREA}/weeks/{WEEK}/plans/{plan.id}")
    sign_in(b, served.secrets["coordinator"], "en")
    page.wait_for_url(re.compile(rf"/plans/{plan.id}$"))
    page.evaluate("window.stayed = true")  # gone if the page reloads
    box = page.locator("#progress")
    expect(box).to_have_attribute("data-status", "queued")  # written by the script's poll
    assert page.evaluate("window.stayed") is True
    b.shoot("queued")
    infra.runner.start()
    infra.runner.submit(plan.id)
    page.get_by_role("heading", name=msg_in("en", "page_figures")).wait_for(timeout=60_000)
    assert page.evaluate("window.stayed") is None  # reloaded once, to show the plan
    expect(page.locator("#plan-status")).to_have_text(msg_in("en", "page_status_optimal"))


def test_a_mistake_in_a_form_is_said_beside_the_field_in_chinese(
    open_browser: Any, served: Served
) -> None:
    b = open_browser("zh", name="mistake")
    t = lambda key, **f: msg_in("zh", key, **f)  # noqa: E731
    page = b.page
    b.go(f"/desk/{AREA}/weeks/{WEEK}/tasks/new")
    sign_in(b, served.secrets["coordinator"], "zh")
    page.get_by_label(t("page_task_title")).fill("送饭")
    page.get_by_label(t("page_task_windows")).fill("周二 上午")
    page.get_by_label(t("page_task_needs")).fill("errands 1")
    b.allow_status(400)  # the form comes back with its errors: 400, as the API would say
    page.get_by_role("button", name=t("page_save")).click()
    windows = page.get_by_label(t("page_task_windows"))
    expect(windows).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#windows-error")).to_have_text(
        t("page_window_line", line=1, text="周二 上午")
    )
    expect(page.get_by_label(t("page_task_title"))).to_have_value("送饭")  # kept as typed
    b.assert_labelled()
    b.shoot("task-error")
    windows.fill("周二、周四 09:00至11:30")  # as a coordinator in Zhengzhou writes it
    page.get_by_label(t("page_task_place")).select_option(
        label=t("page_resident_home", name="李大爷")
    )
    page.get_by_role("button", name=t("page_save")).click()
    expect(page.get_by_text(t("page_task_added", title="送饭"))).to_be_visible()
    row = page.locator("tr").filter(has_text="送饭")
    expect(row).to_contain_text("周二 周四")
