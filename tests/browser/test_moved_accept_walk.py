"""A volunteer's yes on the phone to a visit a new plan moved meanwhile (stop 24, E): the tap
accepts nothing and the week says the new time, in the phone's language."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from mutualaid.messages import msg_in
from mutualaid.services import access, plans

from .conftest import AREA, WEEK, Served, publish_a_plan
from .test_walks import sign_in


def republish_moved(served: Served, volunteer: str, minutes: int) -> None:
    """The published plan again, the volunteer's first visit `minutes` later, published."""
    [published] = [p for p in plans.list_plans(served.infra.reader(), access.CLI, AREA, WEEK)
                   if p.published_at]  # fmt: skip
    result = plans.get_plan(served.infra.reader(), access.CLI, published.id).result
    assert result is not None
    first = min((a for a in result.assignments if any(v.id == volunteer for v in a.volunteers)),
                key=lambda a: a.start)  # fmt: skip
    moved = [dataclasses.replace(a, start=a.start + minutes, end=a.end + minutes)
             if a is first else a for a in result.assignments]  # fmt: skip
    with served.infra.uow() as uow:
        plan = uow.plans.create(AREA, published.week_start)
        uow.plans.finish(plan.id, dataclasses.replace(result, assignments=tuple(moved)))
        uow.plans.publish(plan.id)
        uow.commit()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_accept_of_a_visit_moved_meanwhile_says_the_new_time_on_the_phone(
    open_browser: Any, served: Served, lang: str
) -> None:
    publish_a_plan(served)
    b = open_browser(lang, phone=True, name=f"moved-accept-{lang}")
    page = b.page
    b.go(f"/my?week={WEEK}")
    sign_in(b, served.secrets["volunteer"], lang)
    page.wait_for_url(re.compile(r"/my\?week="))
    first = page.locator("article.visit").first
    shown = first.locator(".when").inner_text()
    republish_moved(served, "v-wang", 30)  # the coordinator published a new plan meanwhile
    first.get_by_role("button", name=msg_in(lang, "page_accept")).click()
    page.wait_for_url(re.compile(r"/my\?week="))
    note = page.locator("p.note[role=status]").first
    expect(page.get_by_text(msg_in(lang, "page_accepted"))).to_have_count(0)
    now = page.locator("article.visit").first
    assert now.locator(".when").inner_text() != shown
    expect(now.get_by_text(msg_in(lang, "page_state_pending"))).to_be_visible()
    assert now.locator(".when").inner_text().split("–")[0] in note.inner_text()
    b.assert_fits()
    b.shoot("moved")
