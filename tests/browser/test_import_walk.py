"""The coordinator brings a spreadsheet in (issue 9 items 4 and 8) and a volunteer subscribes
their calendar (item 6), in headless Chromium in English and Chinese: a file with a bad row is
shown with its row, column and reason and stores nothing; the corrected one is previewed and
stored on confirm. No console error, every field labelled, a screenshot of every page."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from api.pages.spreadsheet import COLUMNS
from mutualaid.messages import msg_in
from mutualaid.services import access, roster

from .conftest import AREA, Served
from .test_walks import LANGS, sign_in


def _volunteers_file(lang: str, bad: bool) -> bytes:
    """Two new volunteers in the coordinator's language; the second one's latitude is a word
    when `bad`."""
    headers = [c.header(lang) for c in COLUMNS["volunteers"]][:8]  # id .. home_lon, mode
    rows = [
        ["v-tang", "唐阿姨", "13900000001", "经八路 5 号", "companionship", 34.78, 113.68, "walk"],
        ["v-xu", "许叔", "13900000002", "纬五路 2 号", "repair", "north" if bad else 34.781,
         113.681, "bike"],
    ]  # fmt: skip
    if bad:  # as a coordinator saves it from Excel: CSV
        lines = [",".join(headers)] + [",".join(str(c) for c in r) for r in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [headers, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("lang", LANGS)
def test_a_coordinator_imports_a_spreadsheet_with_a_bad_row_then_a_good_one(
    open_browser: Any, served: Served, lang: str
) -> None:
    b = open_browser(lang, name="import")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go("/")
    sign_in(b, served.secrets["coordinator"], lang)
    page.wait_for_url(re.compile(rf"/desk/{AREA}$"))
    page.get_by_role("link", name=t("page_tab_import")).click()
    expect(page.get_by_role("heading", name=t("import_title"))).to_be_visible()
    b.assert_labelled()
    b.shoot("import-form")

    page.get_by_label(t("import_list"), exact=True).select_option(value="volunteers")
    page.get_by_label(t("import_file")).set_input_files(
        {"name": "volunteers.csv", "mimeType": "text/csv", "buffer": _volunteers_file(lang, True)}
    )
    b.allow_status(400)  # the preview of a bad file answers 400
    page.get_by_role("button", name=t("import_check")).click()
    problems = page.locator("table.import-problems tbody tr")
    expect(problems).to_have_count(1)
    latitude = COLUMNS["volunteers"][5].header(lang)
    expect(problems.first.locator("td").nth(0)).to_have_text("3")
    expect(problems.first.locator("td").nth(1)).to_have_text(latitude)
    expect(page.get_by_text(t("import_nothing_stored"))).to_be_visible()
    b.assert_fits()
    b.shoot("import-bad-row")
    stored = roster.list_entities(served.infra.uow(), access.CLI, "volunteers", AREA)
    assert not any(v.id in ("v-tang", "v-xu") for v in stored)

    page.get_by_role("link", name=t("import_again")).click()
    page.get_by_label(t("import_file")).set_input_files({
        "name": "volunteers.xlsx", "buffer": _volunteers_file(lang, False),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    })  # fmt: skip
    page.get_by_role("button", name=t("import_check")).click()
    expect(page.get_by_text(t("import_all_good"))).to_be_visible()
    expect(page.locator("table.import-rows tbody tr")).to_have_count(2)
    b.assert_labelled()
    b.shoot("import-preview")
    page.get_by_role("button", name=t("import_confirm", count=2)).click()
    page.wait_for_url(re.compile(rf"/desk/{AREA}/roster/volunteers$"))
    expect(page.get_by_text(t("import_done", count=2, name="volunteers.xlsx"))).to_be_visible()
    expect(page.get_by_text("13900000002")).to_be_visible()
    b.shoot("import-stored")


@pytest.mark.parametrize("lang", LANGS)
def test_a_volunteer_makes_a_calendar_link_on_the_phone(
    open_browser: Any, served: Served, lang: str
) -> None:
    b = open_browser(lang, phone=True, name="feed")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go("/")
    sign_in(b, served.secrets["volunteer"], lang)
    page.wait_for_url(re.compile(r"/my"))
    page.get_by_role("button", name=t("page_feed_make")).click()
    link = page.get_by_label(t("page_feed_link"))
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/calendar/[\w-]+\.ics$"))
    expect(page.get_by_role("link", name=t("page_feed_subscribe"))).to_have_attribute(
        "href", re.compile(r"^webcal://")
    )
    b.assert_labelled()
    b.assert_fits()
    b.shoot("calendar-link")
    feed = page.request.get(link.input_value())
    assert feed.status == 200 and b"BEGIN:VCALENDAR" in feed.body()
