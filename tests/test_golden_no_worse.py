"""The check that re-recorded golden plans are no worse (`tests/golden/no_worse.py`) decides by
the first goal that changed, in the scenario's order."""

from __future__ import annotations

from typing import Any

from tests.golden.no_worse import goals, verdict


def plan(served: tuple[int, ...], continuity: int, travel: int, load: float) -> dict[str, Any]:
    names = ("urgent", "high", "normal", "low")
    return {
        "objective": {
            "served": dict(zip(names, served, strict=True)),
            "continuity": continuity,
            "travel_minutes": travel,
            "max_load": load,
        }
    }


ORDER = ("continuity", "travel", "fairness")


def test_less_travel_at_the_same_continuity_is_better() -> None:
    old, new = plan((1, 2, 3, 4), 5, 900, 0.5), plan((1, 2, 3, 4), 5, 800, 0.7)
    assert verdict(goals(old, ORDER), goals(new, ORDER)) == "better in travel"


def test_less_travel_for_less_continuity_is_worse() -> None:
    old, new = plan((1, 2, 3, 4), 5, 900, 0.5), plan((1, 2, 3, 4), 4, 500, 0.5)
    assert verdict(goals(old, ORDER), goals(new, ORDER)) == "WORSE in continuity"


def test_travel_first_orders_travel_before_continuity() -> None:
    old, new = plan((1, 2, 3, 4), 5, 900, 0.5), plan((1, 2, 3, 4), 4, 500, 0.5)
    order = ("travel", "continuity", "fairness")
    assert verdict(goals(old, order), goals(new, order)) == "better in travel"


def test_one_low_task_more_outweighs_everything_after() -> None:
    old, new = plan((1, 2, 3, 4), 5, 900, 0.5), plan((1, 2, 3, 5), 0, 2000, 1.0)
    assert verdict(goals(old, ORDER), goals(new, ORDER)) == "better in low"
    assert verdict(goals(old, ORDER), goals(old, ORDER)) is None
