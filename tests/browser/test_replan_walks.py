"""A new request and an absence on a published week (issue 10 items 5 and 6), walked in
headless Chromium in English and Chinese: the coordinator describes the request, reads the
options table, chooses one and is told who moved; records a volunteer's days away from the
week and reads the repair; the volunteer reports being ill from the phone. No console error,
every field labelled, nothing wider than the phone, a screenshot of every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from mutualaid.messages import msg_in

from .conftest import AREA, WEEK, Served, publish_a_plan
from .test_walks import LANGS, sign_in


@pytest.mark.parametrize("lang", LANGS)
def test_a_coordinator_fits_a_new_request_then_records_an_absence(
    open_browser: Any, served: Served, lang: str
) -> None:
    publish_a_plan(served)
    b = open_browser(lang, name="replan")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go(f"/desk/{AREA}/weeks/{WEEK}")
    sign_in(b, served.secrets["coordinator"], lang)
    page.wait_for_url(re.compile(rf"/weeks/{WEEK}$"))
    page.get_by_role("link", name=t("page_fit_request")).click()
    expect(page.get_by_role("heading", name=t("page_fit_request"))).to_be_visible()
    title = "修电饭锅" if lang == "zh" else "Mend the rice cooker"
    page.get_by_label(t("page_task_title")).fill(title)
    page.get_by_label(t("page_task_place")).select_option(
        label=t("page_resident_home", name="钱奶奶")
    )
    page.get_by_label(t("page_task_priority")).select_option(label=t("page_priority_high"))
    days = ("周三", "周四") if lang == "zh" else ("wed", "thu")
    page.get_by_label(t("page_task_windows")).fill(f"{days[0]} 09:00-12:00\n{days[1]} 14:00-17:30")
    page.get_by_label(t("page_task_needs")).fill("appliance_repair 1")
    b.assert_labelled()
    b.shoot("request-form")
    page.get_by_role("button", name=t("page_find_options")).click()
    heading = t("page_options_title", title=title)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    rows = page.locator("table.options tbody tr")
    assert 1 <= rows.count() <= 5
    first = rows.first
    who = first.locator("td").first.inner_text()
    assert who.strip()
    expect(first).to_contain_text(t("page_coverage_change", change="+1",
                                    priority=t("page_priority_high")))  # fmt: skip
    b.assert_labelled()
    b.shoot("options")
    first.get_by_role("button", name=t("page_option_choose")).click()
    expect(page.get_by_role("heading", name=t("page_applied_title", title=title))).to_be_visible()
    people = page.locator("ul.people")
    expect(people).to_contain_text(who.split("、")[0].split(",")[0].strip())
    b.shoot("applied")

    page.get_by_role("link", name=t("page_open_new_plan")).click()
    expect(page.locator("#plan-status")).to_be_visible()
    expect(page.get_by_text(title).first).to_be_attached()
    page.get_by_role("link", name=t("page_back_to_week")).click()
    page.get_by_role("link", name=t("page_absence_someone")).click()
    expect(page.get_by_role("heading", name=t("page_absence_someone"))).to_be_visible()
    page.get_by_label(t("page_absence_volunteer")).select_option(label="王师傅")
    page.get_by_label(t("page_absence_from")).fill("2026-12-02")
    page.get_by_label(t("page_absence_to")).fill("2026-12-04")
    page.get_by_label(t("page_absence_reason")).fill("住院" if lang == "zh" else "in hospital")
    b.assert_labelled()
    b.shoot("absence-form")
    page.get_by_role("button", name=t("page_absence_save")).click()
    expect(page.get_by_role("heading", name=t("page_absences_of", name="王师傅"))).to_be_visible()
    result = page.locator("section.absence-result")
    expect(result).to_contain_text(t("page_absence_week_repaired", week=WEEK))
    expect(result.get_by_role("heading", name=t("page_absence_tell"))).to_be_visible()
    b.shoot("absence-repaired")
    page.get_by_role("button", name=t("page_absence_remove")).click()
    expect(page.get_by_text(t("page_absence_removed"))).to_be_visible()
    expect(page.get_by_text(t("page_absence_none"))).to_be_visible()
    b.shoot("absence-removed")


@pytest.mark.parametrize("lang", LANGS)
def test_a_volunteer_reports_being_ill_on_the_phone(
    open_browser: Any, served: Served, lang: str
) -> None:
    publish_a_plan(served)
    b = open_browser(lang, phone=True, name="away")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go(f"/my?week={WEEK}")
    sign_in(b, served.secrets["volunteer"], lang)
    page.wait_for_url(re.compile(r"/my\?week="))
    page.get_by_role("link", name=t("page_my_absences")).click()
    expect(page.get_by_role("heading", name=t("page_my_absences"))).to_be_visible()
    page.get_by_label(t("page_absence_from")).fill("2026-11-30")
    page.get_by_label(t("page_absence_to")).fill("2026-12-06")
    page.get_by_label(t("page_absence_reason")).fill("感冒" if lang == "zh" else "flu")
    b.assert_labelled()
    b.assert_fits()
    b.shoot("form")
    page.get_by_role("button", name=t("page_my_absence_save")).click()
    days = t("page_absence_days", first="2026-11-30", last="2026-12-06")
    recorded = t("page_absence_recorded", days=days)
    expect(page.get_by_role("status").filter(has_text=recorded)).to_be_visible()
    expect(page.locator("section.card[role=status]")).to_be_visible()
    height = page.get_by_role("button", name=t("page_my_absence_save")).bounding_box()["height"]
    assert height >= 44
    b.assert_fits()
    b.shoot("reported")
    page.get_by_role("link", name=t("page_my_absence_back")).click()
    page.wait_for_url(re.compile(r"/my"))
    b.go(f"/my?week={WEEK}")
    expect(page.get_by_text(t("page_my_week_empty"))).to_be_visible()  # every visit given away
    b.shoot("week-after")
