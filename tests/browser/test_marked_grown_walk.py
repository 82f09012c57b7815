"""A task whose needs grew after its visit was marked, walked in headless Chromium in English
and Chinese: 张奶奶's visit marked done with 王师傅, then her task asks for two people; the new
plan's page says the marked visit stays and whom the plan adds. No console error, nothing
wider than the screen, a screenshot kept."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from mutualaid.messages import msg_in
from tests.adapters import world

from .conftest import AREA, Served
from .test_books_walk import PAST, past_week_published
from .test_walks import LANGS, sign_in


def _grown_plan(served: Served, people: int = 2) -> str:
    """The visit marked done, the task grown to `people`, a new plan made: its id."""
    auth = {"Authorization": f"Bearer {served.secrets['coordinator']}"}
    with httpx.Client(base_url=served.base, headers=auth, timeout=60) as api:
        week = api.get(f"/volunteers/v-wang/assignments?week={PAST}&area={AREA}").json()
        zhang = next(a["id"] for a in week["assignments"] if a["task"] == "t-visit-zhang")
        assert api.post(f"/assignments/{zhang}/done").status_code == 200
        task = next(t for t in world.scenario(PAST)["tasks"] if t["id"] == "t-visit-zhang")
        grown = {**task, "needs": [{"skill": "companionship", "count": people}]}
        assert api.put(f"/weeks/{PAST}/tasks/t-visit-zhang?area={AREA}", json=grown).is_success
        made = api.post(f"/weeks/{PAST}/plans?area={AREA}")
        assert made.status_code == 202, made.text
        deadline = time.monotonic() + 300  # a guard against a hang only
        while api.get(f"/plans/{made.json()['id']}").json()["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, "the plan did not end"
            time.sleep(0.2)
        return str(made.json()["id"])


@pytest.mark.parametrize("lang", LANGS)
def test_the_plan_page_says_a_marked_visits_task_now_needs_more(
    open_browser: Any, served: Served, lang: str
) -> None:
    past_week_published(served)
    plan = _grown_plan(served)
    b = open_browser(lang, name="marked-grown")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go(f"/desk/{AREA}/weeks/{PAST}/plans/{plan}")
    sign_in(b, served.secrets["coordinator"], lang)
    page.wait_for_url(re.compile(rf"/plans/{plan}$"))
    expect(page.get_by_role("heading", name=t("page_marked_grown_title"))).to_be_visible()
    note = page.locator("ul.marked-notes li")
    expect(note).to_have_count(1)
    added = "另安排 李姐" if lang == "zh" else "adds 李姐"
    expect(note).to_contain_text(added)
    b.assert_fits()
    b.shoot("plan")


@pytest.mark.parametrize("lang", LANGS)
def test_the_noticeboard_says_a_marked_visits_task_now_needs_more_and_what_is_not_served(
    open_browser: Any, served: Served, lang: str
) -> None:
    """The grown task's plan published: the printed noticeboard has the plan page's note
    and the unserved list (with what would serve each, where the plan has it), at a desk's
    width and at 360 px, screenshots kept."""
    past_week_published(served)
    plan = _grown_plan(served)
    auth = {"Authorization": f"Bearer {served.secrets['coordinator']}"}
    with httpx.Client(base_url=served.base, headers=auth, timeout=60) as api:
        assert api.post(f"/plans/{plan}/publish").status_code == 200
    b = open_browser(lang, name="marked-grown-board")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go(f"/print/{AREA}/{PAST}/board")
    sign_in(b, served.secrets["coordinator"], lang)
    page.wait_for_url(re.compile(r"/board$"))
    expect(page.get_by_role("heading", name=t("page_marked_grown_title"))).to_be_visible()
    note = page.locator("section.board-marked li")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("另安排 李姐" if lang == "zh" else "adds 李姐")
    expect(page.locator("section.board-unserved h2")).to_be_visible()
    b.shoot("board-desk")
    b.assert_fits()
    page.set_viewport_size({"width": 360, "height": 780})
    expect(note).to_be_visible()
    b.assert_fits()  # the grid scrolls in its box
    spilled = page.evaluate(
        """() => Array.from(document.querySelectorAll('.board-grid .time')).filter(
             e => e.getBoundingClientRect().right
                  > e.closest('td').getBoundingClientRect().right + 1
           ).map(e => e.textContent)"""
    )
    assert spilled == [], spilled  # no time runs over into the next day's cell
    b.shoot("board-360")


@pytest.mark.parametrize("lang", LANGS)
def test_the_plan_page_lists_a_grown_task_no_one_can_join_as_unserved_beside_its_marked_visit(
    open_browser: Any, served: Served, lang: str
) -> None:
    """Three people now, two with the skill: the plan page's note says the plan adds no one,
    and the unserved list says why (the marked visit stays), at a desk's width and 360 px."""
    past_week_published(served)
    plan = _grown_plan(served, people=3)
    b = open_browser(lang, name="marked-grown-apart")
    t = lambda key, **f: msg_in(lang, key, **f)  # noqa: E731
    page = b.page
    b.go(f"/desk/{AREA}/weeks/{PAST}/plans/{plan}")
    sign_in(b, served.secrets["coordinator"], lang)
    page.wait_for_url(re.compile(rf"/plans/{plan}$"))
    expect(page.get_by_role("heading", name=t("page_marked_grown_title"))).to_be_visible()
    entry = page.locator("ul.unserved > li").filter(has_text="t-visit-zhang")
    expect(entry).to_contain_text("保持不变" if lang == "zh" else "stays as it was")
    expect(entry).to_contain_text("王师傅")  # the marked volunteer by name, not by id
    expect(page.locator("#plan-status")).to_have_text(t("page_status_kept_apart"))
    expect(page.locator("#bound-static")).to_be_visible()
    expect(page.locator("#suggestions-none")).to_have_text(t("page_suggestions_none_apart"))
    kept = page.locator(".tl-block.tl-kept")
    expect(kept).to_have_count(1)
    expect(kept).to_contain_text(t("page_visit_kept"))
    b.assert_fits()
    b.shoot("plan-desk")
    page.set_viewport_size({"width": 360, "height": 780})
    expect(entry).to_be_visible()
    b.assert_fits()
    b.shoot("plan-360")
    auth = {"Authorization": f"Bearer {served.secrets['coordinator']}"}
    with httpx.Client(base_url=served.base, headers=auth, timeout=60) as api:
        assert api.post(f"/plans/{plan}/publish").status_code == 200
    for sheet in ("board", "sheets"):
        page.set_viewport_size({"width": 1280, "height": 900})
        b.go(f"/print/{AREA}/{PAST}/{sheet}")
        label = page.locator("em.kept")
        expect(label).to_have_count(1)
        expect(label).to_contain_text(t("page_visit_kept"))
        b.shoot(f"{sheet}-desk")
        page.set_viewport_size({"width": 360, "height": 780})
        b.assert_fits()
        b.shoot(f"{sheet}-360")
    # the week page's list of plans names it as the plan page does
    page.set_viewport_size({"width": 1280, "height": 900})
    b.go(f"/desk/{AREA}/weeks/{PAST}")
    listed = page.locator(f"li:has(a[href$='/plans/{plan}'])")
    expect(listed).to_contain_text(t("page_status_kept_apart"))
    b.shoot("week-desk")
    page.set_viewport_size({"width": 360, "height": 780})
    expect(listed).to_be_visible()
    b.assert_fits()
    b.shoot("week-360")
