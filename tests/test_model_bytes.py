"""A faster model build may not build another model: every kind of model the solver builds, for
every part of every golden scenario and of two generated subdistrict weeks, is the same proto
byte for byte as the one recorded before the speed-ups (`tests/model_prints.py`)."""

from __future__ import annotations

import pytest

from tests.model_prints import GENERATED, prints_of, recorded, scenarios

BIG = {"subdistrict-a", *GENERATED}
"""200-task weeks: a few seconds of building each, so in the slow set."""


def _cases() -> list[object]:
    return [
        pytest.param(name, make, id=name, marks=[pytest.mark.slow] if name in BIG else [])
        for name, make in scenarios()
    ]


@pytest.mark.parametrize(("name", "make"), _cases())
def test_every_model_is_built_byte_for_byte_as_recorded(name: str, make: object) -> None:
    expected = recorded()[name]
    assert callable(make)
    assert prints_of(make()) == expected


def test_every_golden_scenario_has_recorded_prints() -> None:
    assert {name for name, _ in scenarios()} <= set(recorded())
