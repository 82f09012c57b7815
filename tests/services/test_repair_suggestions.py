"""A repair's unserved tasks carry suggestions, as a solve's do: a decline's repair is
published with its unserved tasks marked as being checked, then its suggestions, each checked
against the repaired plan and the week with the decline, are written in by a thread; nothing
is checked when suggestions are off."""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any

import pytest

from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.plan import Plan
from mutualaid.services import absences, jobs, plans, volunteers
from mutualaid.services.access import Actor
from mutualaid.services.built import BuiltWeeks
from solver.service import (
    PlannerSettings,
    RepairSettings,
    SolverPlanner,
    SolverRecommender,
    SolverRepairer,
)
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.test_suggestion_box import two_unserved

AREA = "area"
COORDINATOR = Actor("tok-c", "coordinator", (AREA,))
PLANNER = SolverPlanner(PlannerSettings(time_limit_seconds=2.0, workers=1, deterministic=True))


class Held:
    """SolverRepairer (and SolverRecommender) with suggestions on, whose checks wait for `go`
    before the first, and say when the last is written (`ended`)."""

    def __init__(self) -> None:
        self.inner = SolverRepairer(RepairSettings(2.0, suggest=True))
        self.recommender = SolverRecommender(RepairSettings(2.0, suggest=True))
        self.go, self.ended = threading.Event(), threading.Event()

    def __getattr__(self, name: str) -> Any:
        """repair and rescore are the repairer's; recommend, why_not, insert and repair_all
        the recommender's (an absence's repair is the recommender's repair_all)."""
        return getattr(self.inner if name in ("repair", "rescore") else self.recommender, name)

    def suggestion_checks(self, scenario: Any, plan: Plan) -> Generator[Plan, None, None] | None:
        rest = self.inner.suggestion_checks(scenario, plan)
        assert rest is not None

        def held() -> Generator[Plan, None, None]:
            self.go.wait()
            try:
                yield from rest
            finally:
                self.ended.set()  # after the last is written: the runner asked for more

        return held()


@pytest.fixture(autouse=True)
def no_kept_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    from mutualaid.services import built

    monkeypatch.setattr(built, "BUILT", BuiltWeeks())


def test_a_declines_repair_is_marked_then_carries_checked_suggestions() -> None:
    store = FakeStore()
    store.add_week(AREA, build_scenario(two_unserved()))
    [(_, week)] = store.state.weeks
    made = plans.request_plan(FakeUnitOfWork(store), None, COORDINATOR, AREA, week.isoformat())
    jobs.run_next_plan(lambda: FakeUnitOfWork(store), PLANNER, jobs.RunOptions("w"))
    repairer = Held()
    plans.publish_plan(FakeUnitOfWork(store), repairer, COORDINATOR, made.id)
    [visit] = [a for a in store.state.assignments if a.plan_id == made.id]
    volunteer = Actor("tok-v", "volunteer", (AREA,), visit.volunteer)
    done = volunteers.decline_assignment(FakeUnitOfWork(store), repairer, volunteer, visit.ref)
    assert done.repair is not None
    ident = done.repair.plan.id
    marked = store.state.plans[ident].result
    assert marked is not None and {u.task for u in marked.unserved} == {"a", "b", "s"}
    assert all(u.checking and not u.suggestions for u in marked.unserved)  # none unchecked
    repairer.go.set()
    assert repairer.ended.wait(600)
    final = store.state.plans[ident].result
    assert final is not None and not any(u.checking for u in final.unserved)
    by_task = {u.task: u for u in final.unserved}
    assert by_task["a"].suggestions and by_task["b"].suggestions  # recruit someone who signs
    parent = store.state.plans[made.id].result
    assert parent is not None and not any(u.checking for u in parent.unserved)


def test_an_absences_repair_carries_checked_suggestions() -> None:
    store = FakeStore()
    store.add_week(AREA, build_scenario(two_unserved()))
    [(_, week)] = store.state.weeks
    made = plans.request_plan(FakeUnitOfWork(store), None, COORDINATOR, AREA, week.isoformat())
    jobs.run_next_plan(lambda: FakeUnitOfWork(store), PLANNER, jobs.RunOptions("w"))
    helper = Held()
    plans.publish_plan(FakeUnitOfWork(store), helper, COORDINATOR, made.id)
    before = store.state.plans[made.id].result
    assert before is not None
    [visit] = before.assignments
    day = week.add(days=visit.start // 1440).isoformat()
    reported = absences.report_absence(
        FakeUnitOfWork(store), helper, COORDINATOR, visit.volunteers[0].id, AREA,
        {"from": day, "to": day},
    )  # fmt: skip
    [repair] = reported.repairs
    assert repair.plan is not None
    marked = store.state.plans[repair.plan.id].result
    assert marked is not None and all(u.checking for u in marked.unserved)
    helper.go.set()
    assert helper.ended.wait(600)
    final = store.state.plans[repair.plan.id].result
    assert final is not None and not any(u.checking for u in final.unserved)
    assert {u.task for u in final.unserved if u.suggestions} >= {"a", "b"}


def test_a_repairer_with_suggestions_off_checks_nothing() -> None:
    scenario = build_scenario(two_unserved())
    plan = PLANNER.plan(scenario, lambda _: None)
    assert SolverRepairer(RepairSettings(2.0)).suggestion_checks(scenario, plan) is None
    on = SolverRepairer(RepairSettings(2.0, suggest=True)).suggestion_checks(scenario, plan)
    assert on is not None
    on.close()  # nothing started: its candidates are found on the first step
