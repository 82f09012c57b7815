"""The coordinator's week on a 360 px phone: the tasks table squeezed its place column to
one character a line (张/奶/奶 stacked) and the search row's select had a smaller font than
the rest (found by the outsider's attack). The table now scrolls inside its box instead."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mutualaid.messages import msg_in
from tests.browser.conftest import AREA, SHOTS, WEEK, Served, publish_a_plan
from tests.browser.test_walks import sign_in

NARROW = {"width": 360, "height": 780}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_weeks_table_keeps_whole_words_on_a_360px_phone(
    open_browser: Any, served: Served, lang: str
) -> None:
    publish_a_plan(served)  # the outcome column's sentences, as a coordinator sees them
    b = open_browser(lang, phone=True, name="narrow-week")
    b.page.set_viewport_size(NARROW)
    b.go("/")
    sign_in(b, served.secrets["coordinator"], lang)
    b.page.wait_for_url(re.compile(rf"/desk/{AREA}$"))
    b.go(f"/desk/{AREA}/weeks/{WEEK}")
    b.page.get_by_role("search").wait_for()
    b.shoot("week-360px")
    b.page.locator("form.filters").scroll_into_view_if_needed()
    b.page.evaluate("() => window.scrollBy(0, -80)")
    b.page.screenshot(path=str(SHOTS / f"narrow-week-{lang}-screen.png"))  # what one sees
    b.assert_fits()  # the page itself never runs off the side: the table scrolls in its box
    cells = b.page.evaluate(
        """() => Array.from(document.querySelectorAll('table.tasks tbody tr')).map(row => {
             const cell = row.cells[1];
             const em = parseFloat(getComputedStyle(cell).fontSize);
             return [cell.textContent.trim(), cell.getBoundingClientRect().width / em];
           })"""
    )
    assert cells, "the week shows no tasks"
    squeezed = [(place, round(ems, 1)) for place, ems in cells if ems < 4]
    assert squeezed == [], squeezed  # a place is read across, a few characters at least
    columns = b.page.evaluate(
        """() => Array.from(document.querySelectorAll('table.tasks thead th')).map(th =>
             [th.textContent.trim(), th.getBoundingClientRect().width
                                     / parseFloat(getComputedStyle(th).fontSize)])"""
    )
    narrow = [(name, round(ems, 1)) for name, ems in columns if name and ems < 4]
    assert narrow == [], narrow  # no other column squeezed to a character a line either
    sizes = b.page.evaluate(
        """() => ['#f-q', '#f-show', '.filters button', '.filters label']
             .map(s => getComputedStyle(document.querySelector(s)).fontSize)"""
    )
    assert len(set(sizes)) == 1, sizes  # the search row in one size of type
    assert msg_in(lang, "page_filter_show") in b.page.content()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [320, 360])
def test_each_search_label_stays_on_the_line_of_its_field_on_a_phone(
    open_browser: Any, served: Served, lang: str, width: int
) -> None:
    """At 360 px '显示' ended one line and its select began the next (the search row's items
    wrapped one by one): each label now sits beside its own field."""
    b = open_browser(lang, phone=True, name=f"filters-{width}")
    b.page.set_viewport_size({"width": width, "height": 780})
    b.go("/")
    sign_in(b, served.secrets["coordinator"], lang)
    b.page.wait_for_url(re.compile(rf"/desk/{AREA}$"))
    b.go(f"/desk/{AREA}/weeks/{WEEK}")
    b.page.get_by_role("search").wait_for()
    b.page.locator("form.filters").scroll_into_view_if_needed()
    b.page.screenshot(path=str(SHOTS / f"filters-{lang}-{width}px.png"))
    apart = b.page.evaluate(
        """() => ['f-q', 'f-show'].map(id => {
             const label = document.querySelector(`label[for="${id}"]`).getBoundingClientRect();
             const field = document.getElementById(id).getBoundingClientRect();
             const middle = label.top + label.height / 2;
             return [id, middle > field.top && middle < field.bottom, field.left > label.left];
           }).filter(([, level, after]) => !(level && after))"""
    )
    assert apart == [], apart  # a label above, below or after its field
    b.assert_fits()
