"""Shortcuts taken for speed give what the slow way gave: the largest loads ranked on floats
first, a part's continuity pairs asked for its own tasks."""

from __future__ import annotations

import heapq
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from mutualaid.contract.scenario import load_scenario
from solver.route_search import largest
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
