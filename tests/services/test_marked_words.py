"""`services.marked.solver_unkept`: a solve's unkept pins (the plan's `unkept_pins`, task ids)
said of the marked visits of those tasks, and only those: an id that merely starts the same,
or a task the error's sentence names without its pin being unkept, is another matter."""

from __future__ import annotations

import pendulum
import pytest

from mutualaid.domain.marks import MarkedVisit
from mutualaid.messages import say
from mutualaid.services.marked import solver_unkept

AT = pendulum.datetime(2026, 11, 3, 1, 0)
ZHANG = MarkedVisit(2, "done", "t-visit-zhang", "v-wang", AT, AT.add(hours=1))


@pytest.mark.parametrize("unkept", [("t-visit-zhang",), ("t-cook", "t-visit-zhang")])
def test_an_unkept_pin_of_a_marked_visits_task_is_said_of_the_visit(
    unkept: tuple[str, ...],
) -> None:
    said = solver_unkept(unkept, [ZHANG])
    assert said is not None
    assert "2 (t-visit-zhang, v-wang, done)" in say(said)


@pytest.mark.parametrize(
    "unkept", [("t-visit-zhang-2",), ("t-cook", "t-visit-zhang@tue"), ("t-visit",), ()]
)
def test_unkept_pins_of_no_marked_visits_task_leave_the_solvers_error(
    unkept: tuple[str, ...],
) -> None:
    assert solver_unkept(unkept, [ZHANG]) is None
