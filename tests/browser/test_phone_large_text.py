"""A volunteer's week on a 360 x 740 phone with its text at 200% (the page is then laid out
180 CSS px wide). Found by the outsider's attack: each visit's details (where, address, who
is helped, phone, role, who else goes) kept a label column beside a value column that could
not shrink, so the card ran 33 px off the side and "张奶奶's home" was cut at the edge. Each
label now stands above its value there, and nothing runs off the side."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import Served, publish_a_plan
from tests.browser.test_walks import sign_in

LARGE_TEXT = {"width": 180, "height": 370}  # 360 x 740 at 200%


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_volunteers_week_at_200_percent_text_fits_the_phone(
    open_browser: Any, served: Served, lang: str
) -> None:
    publish_a_plan(served)
    b = open_browser(lang, phone=True, name="large-text-week")
    b.page.set_viewport_size(LARGE_TEXT)
    b.go("/")
    sign_in(b, served.secrets["volunteer"], lang)
    b.page.wait_for_url(re.compile(r"/my"))
    b.go("/my?week=2026-11-30")
    b.page.locator(".visit dl").first.wait_for()
    b.shoot("week-200pct")
    b.assert_fits()
    cut = b.page.evaluate(
        """() => Array.from(document.querySelectorAll('.visit dd'))
             .filter(e => e.getBoundingClientRect().right > 181)  // the 180 px screen
             .map(e => e.textContent.trim())"""
    )
    assert cut == [], cut
