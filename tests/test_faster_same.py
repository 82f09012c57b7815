"""Shortcuts taken for speed give what the slow way gave: the largest loads ranked on floats
first, a part's continuity pairs asked for its own tasks, route arcs counted by bisection, a
volunteer's slots remembered."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import replace
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mutualaid.contract.scenario import load_scenario
from solver.analysis import route_arcs
from solver.route_search import largest
from solver.routes import slots_around, slots_of
from tests.golden.record import ROOT

# Loads that round to the same float but differ (1/3 and its neighbours), and plain ones.
NEAR = [Fraction(1, 3), Fraction(10**17 + 1, 3 * 10**17), Fraction(10**17 - 1, 3 * 10**17)]
loads = st.dictionaries(
    st.sampled_from([f"v{i}" for i in range(12)]),
    st.one_of(st.sampled_from(NEAR), st.fractions(min_value=0, max_value=2, max_denominator=50)),
)


@given(loads, st.integers(min_value=1, max_value=4))
def test_largest_loads_are_heapqs_largest(found: dict[str, Fraction], n: int) -> None:
    assert largest(found, n) == heapq.nlargest(n, ((load, v) for v, load in found.items()))


def test_largest_loads_tell_apart_loads_of_one_float() -> None:
    found = {"a": NEAR[2], "b": NEAR[0], "c": NEAR[1], "d": Fraction(0)}
    assert float(NEAR[0]) == float(NEAR[1]) == float(NEAR[2])
    assert largest(found, 1) == [(NEAR[1], "c")]
    assert largest(found, 2) == [(NEAR[1], "c"), (NEAR[0], "b")]


def test_a_parts_continuity_pairs_are_the_weeks_of_its_tasks() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "01-jingbalu-life-centre.yaml")
    every = scenario.continuity_pairs()
    tids = sorted(scenario.tasks)[::2]
    assert every
    assert scenario.continuity_pairs(tids) == {(t, v) for t, v in every if t in tids}


def _slow_route_arcs(blocks: dict[str, list[tuple[int, int]]], free: list[dict[str, Any]]) -> int:
    """route_arcs as it was: every block of every candidate of every task tried in turn."""
    per_block: dict[tuple[str, int], int] = defaultdict(int)
    for found in free:
        for vid, starts in found.items():
            for b, (bs, be) in enumerate(blocks[vid]):
                if any(bs <= lo <= be or bs <= hi <= be for lo, hi in starts):
                    per_block[(vid, b)] += 1
    return sum(n * n for n in per_block.values() if n > 1)


spans = st.tuples(st.integers(0, 60), st.integers(0, 60)).map(lambda s: (s[0], s[0] + s[1]))
apart = st.lists(st.integers(0, 40), min_size=0, max_size=8).map(
    lambda gaps: [(10 * i + g, 10 * i + g + 7) for i, g in enumerate(sorted(set(gaps)))]
)
"""Sorted blocks apart (as `Volunteer.blocks` are: the bisection's way), sorted ones that may
touch or overlap, or any at all."""
blocks_of = st.one_of(apart, st.lists(spans, max_size=5).map(sorted), st.lists(spans, max_size=5))
people = [f"v{i}" for i in range(4)]


@given(
    st.fixed_dictionaries({v: blocks_of for v in people}),
    st.lists(st.dictionaries(st.sampled_from(people), st.lists(spans, max_size=3)), max_size=8),
)
def test_route_arcs_by_bisection_are_the_slow_counts(
    blocks: dict[str, list[tuple[int, int]]], free: list[dict[str, Any]]
) -> None:
    scenario = SimpleNamespace(
        volunteers={v: SimpleNamespace(blocks=tuple(b)) for v, b in blocks.items()}
    )
    analyses = {f"t{i}": SimpleNamespace(free=found) for i, found in enumerate(free)}
    got = route_arcs(scenario, analyses, list(analyses))  # type: ignore[arg-type]
    assert got == _slow_route_arcs(blocks, free)


def test_route_arcs_count_a_minute_in_two_touching_blocks_in_both() -> None:
    blocks = {"v": [(0, 10), (10, 20)]}
    free: list[dict[str, Any]] = [{"v": [(10, 10)]}, {"v": [(5, 10)]}]
    scenario = SimpleNamespace(volunteers={"v": SimpleNamespace(blocks=tuple(blocks["v"]))})
    analyses = {f"t{i}": SimpleNamespace(free=found) for i, found in enumerate(free)}
    assert _slow_route_arcs(blocks, free) == 2 * 2 + 2 * 2
    assert route_arcs(scenario, analyses, list(analyses)) == 8  # type: ignore[arg-type]


def test_remembered_slots_are_the_slots_of_their_visits_past_the_cap() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "01-jingbalu-life-centre.yaml")
    vol = next(v for v in scenario.volunteers.values() if v.blocks)
    bs, be = vol.blocks[0]
    place = next(iter(scenario.tasks.values())).location
    sets = [[(bs + k, bs + k + 1, place)] for k in range(min(be - bs - 1, 150))] + [[]]
    assert len(sets) > 65  # past the cache's 64 sets of a volunteer, and back to the first
    for visits in sets + sets[:3]:
        got = slots_around(vol, visits)
        assert got == slots_of(vol, visits)
        got.clear()  # a caller's list is its own
        assert slots_around(vol, visits) == slots_of(vol, visits)


def test_remembered_slots_tell_apart_two_weeks_volunteers_of_one_id() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "01-jingbalu-life-centre.yaml")
    vol = next(v for v in scenario.volunteers.values() if v.blocks)
    other = replace(vol, blocks=((vol.blocks[0][0], vol.blocks[0][0] + 30),))
    assert other == vol  # entities are equal by id
    assert slots_around(vol, []) == slots_of(vol, [])
    assert slots_around(other, []) == slots_of(other, []) != slots_of(vol, [])
