"""The plan page's drawing: the map keeps every point inside the picture, north up and east
right, and with a tile URL the tiles cover the whole picture; the timeline puts each visit at
its hour."""

from __future__ import annotations

import json

import pytest

import solver
from api.pages.plan_view import HEIGHT, WIDTH, plan_view
from mutualaid.contract import plan_json
from mutualaid.contract.data import Json
from mutualaid.contract.scenario import load_scenario

from .conftest import SAMPLE


@pytest.fixture(scope="module")
def week() -> tuple[Json, Json]:
    import yaml

    scenario = load_scenario(SAMPLE)
    plan = plan_json.dump(
        solver.solve(scenario, solver.SolveOptions(time_limit=5.0, workers=1)), scenario
    )
    data = json.loads(json.dumps(yaml.safe_load(SAMPLE.read_text("utf-8")), default=str))
    return data, plan


def test_the_map_keeps_every_point_inside_north_up_and_east_right(week: tuple[Json, Json]) -> None:
    data, plan = week
    view = plan_view(data, plan, "en")
    assert view.marks and view.routes and view.tiles == []
    for m in view.marks:
        assert 0 <= m.x <= WIDTH and 0 <= m.y <= HEIGHT
    by_name = {m.label: m for m in view.marks}
    zhang, li = by_name["张奶奶"], by_name["李大爷"]  # 34.78315/113.68628 vs 34.7818/113.67862
    assert zhang.y < li.y and zhang.x > li.x


def test_with_a_tile_url_the_tiles_cover_the_picture(week: tuple[Json, Json]) -> None:
    data, plan = week
    view = plan_view(data, plan, "en", "https://tiles.example/{z}/{x}/{y}.png")
    assert view.tiles and all(t.href.startswith("https://tiles.example/") for t in view.tiles)
    assert min(t.x for t in view.tiles) <= 0 and min(t.y for t in view.tiles) <= 0
    assert max(t.x + t.size for t in view.tiles) >= WIDTH
    assert max(t.y + t.size for t in view.tiles) >= HEIGHT


def test_the_timeline_puts_each_visit_at_its_hour(week: tuple[Json, Json]) -> None:
    data, plan = week
    view = plan_view(data, plan, "zh")
    assert [d.name for d in view.days][:2] == ["星期一", "星期二"]
    blocks = [b for d in view.days for r in d.rows for b in r.blocks]
    assert len(blocks) == sum(len(a["volunteers"]) for a in plan["assignments"])
    first = view.hours[0]
    span = (view.hours[-1] - first) * 60
    for b in blocks:
        hour, minute = map(int, b.start.split(":"))
        assert b.left == pytest.approx(((hour - first) * 60 + minute) / span * 100, abs=0.01)
