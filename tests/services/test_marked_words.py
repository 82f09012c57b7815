"""`services.marked.solver_unkept`: the solver's pin errors said of the marked visits whose
tasks they name, and only those (an id that merely starts the same is another task)."""

from __future__ import annotations

import pendulum
import pytest

from mutualaid.domain.marks import MarkedVisit
from mutualaid.messages import say
from mutualaid.services.marked import solver_unkept

AT = pendulum.datetime(2026, 11, 3, 1, 0)
ZHANG = MarkedVisit(2, "done", "t-visit-zhang", "v-wang", AT, AT.add(hours=1))


@pytest.mark.parametrize(
    "error",
    [
        "pinned volunteer 'v-wang' can never be part of a full crew for 't-visit-zhang'",
        "pins cannot all hold together: t-cook, t-visit-zhang",
        "被固定的志愿者“v-wang”无法与他人组成“t-visit-zhang”的完整人员",
    ],
)
def test_an_error_naming_a_marked_visits_task_is_said_of_the_visit(error: str) -> None:
    said = solver_unkept(error, [ZHANG])
    assert said is not None
    assert "2 (t-visit-zhang, v-wang, done)" in say(said)


@pytest.mark.parametrize(
    "error",
    [
        "pinned volunteer 'v-wang' can never be part of a full crew for 't-visit-zhang-2'",
        "pins cannot all hold together: t-cook, t-visit-zhang@tue",
        "no plan found in time for a part of 3 tasks (UNKNOWN)",
    ],
)
def test_an_error_naming_no_marked_visits_task_stays_the_solvers(error: str) -> None:
    assert solver_unkept(error, [ZHANG]) is None
