"""What the outsider's attack of stop 20 saw in the browser, walked again: the plan's timeline
on a 360 px phone, and a right-to-left name in it."""

from __future__ import annotations

from typing import Any

import yaml

from mutualaid.services import access, plans, roster

from .conftest import AREA, SAMPLE, WEEK, Served, publish_a_plan
from .test_walks import sign_in

NARROW = {"width": 360, "height": 740}


def test_the_timeline_s_hours_can_be_read_on_a_360_px_phone(
    open_browser: Any, served: Served
) -> None:
    """The scale's hours ran into one another ('08:0009:0010:00…') and most visits were a
    box a letter wide: the timeline now keeps its width and scrolls inside its box."""
    publish_a_plan(served)
    [plan] = plans.list_plans(served.infra.reader(), access.CLI, AREA, WEEK)
    b = open_browser("zh", phone=True, name="outsider-timeline")
    b.page.set_viewport_size(NARROW)
    b.go(f"/desk/{AREA}/weeks/{WEEK}/plans/{plan.id}")
    sign_in(b, served.secrets["coordinator"], "zh")
    b.page.locator(".tl-scale").first.wait_for()
    b.shoot("plan")
    overlaps = b.page.evaluate(
        """() => Array.from(document.querySelectorAll('.tl-scale')).map(scale => {
             const r = Array.from(scale.children).map(s => s.getBoundingClientRect());
             return r.slice(1).filter((x, i) => x.left < r[i].right - 0.5).length; })"""
    )
    assert overlaps and not any(overlaps), overlaps
    b.assert_fits()


def test_a_right_to_left_name_keeps_its_beginning_in_the_timeline(
    open_browser: Any, served: Served
) -> None:
    """'محمد العربي' lost its first letters to the ellipsis: the name box was left to right."""
    infra = served.infra
    [person] = [v for v in yaml.safe_load(SAMPLE.read_text())["volunteers"] if v["id"] == "v-wang"]
    roster.put_entity(
        infra.uow(), access.CLI, "volunteers", AREA, "v-wang", {**person, "name": "محمد العربي"}
    )
    publish_a_plan(served)
    [plan] = plans.list_plans(infra.reader(), access.CLI, AREA, WEEK)
    b = open_browser("en", name="outsider-rtl")
    b.go(f"/desk/{AREA}/weeks/{WEEK}/plans/{plan.id}")
    sign_in(b, served.secrets["coordinator"], "en")
    name = b.page.locator(".tl-name", has_text="العربي").first
    name.wait_for()
    assert name.evaluate("e => getComputedStyle(e).direction") == "rtl"
