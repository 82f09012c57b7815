"""The solver behind the services' ports: `SolverPlanner` (a week's solve, the Planner),
`SolverRepairer` (a decline's repair and a rescore, the Repairer) and `SolverRecommender`
(options for a new request, an absence's repair). They take plain settings, so
whoever builds them (`api.app`) reads its own configuration and passes numbers.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection, Generator, Iterator
from dataclasses import dataclass, replace
from typing import Any

from mutualaid.contract.export import from_scenario
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan, Reason, SolveProgress, reason
from mutualaid.domain.recommendation import Option
from mutualaid.services.ports import Progress
from solver.absence import repair_all
from solver.analysis import Analyzer
from solver.not_before import minute_now, said, too_late
from solver.planner import SolveOptions, solve
from solver.recommend import inserted_plan, recommend
from solver.repair import repair, rescore, solution_from


@dataclass(frozen=True)
class PlannerSettings:
    """How a week's solve runs."""

    time_limit_seconds: float | None = None
    """Seconds per solve; None: each scenario's own `settings.time_limit_seconds`."""
    workers: int = 1
    """CP-SAT search workers per solve."""
    deterministic: bool = False
    """False: the time limit is wall-clock time over the whole solve (the time a coordinator
    waits). True (with one worker): CP-SAT's deterministic time, so the same week and seed give
    the same plan, however loaded the machine."""
    seed: int | None = None
    """CP-SAT's seed; None: the scenario's `settings.seed`."""
    suggest: bool = False
    """Unserved tasks carry suggestions, each checked by a one-worker solve (one more solve
    per suggestion), with patches against the week's canonical export."""
    suggest_within_seconds: float = 2.0
    """With `suggest`: the plan is given with the suggestions checked within this many seconds
    of the solve's end, the tasks still being checked marked so; the rest come through the
    plan's `rest` as their checks end."""


@dataclass(frozen=True)
class RepairSettings:
    """How a decline's repair runs."""

    budget_seconds: float = 1.0
    """CP-SAT's deterministic time the repair may take (with one worker)."""
    workers: int = 1
    """One: the same decline gives the same repair, and a request does not take every core."""
    suggest: bool = False
    """The repaired plan's unserved tasks carry suggestions, checked after it is stored, on a
    thread (`suggestion_checks`), as a solve's are (PlannerSettings.suggest)."""


class SolverPlanner:
    """CP-SAT (`solver.solve`) as the services' Planner. Picklable (it holds only its settings),
    so a cluster can run it."""

    def __init__(self, settings: PlannerSettings) -> None:
        self.settings = settings

    def plan(
        self,
        scenario: Scenario,
        progress: Progress,
        map_parts: Callable[..., Iterator[tuple[int, Any] | None]] | None = None,
        stop: Callable[[], bool] | None = None,
        since: float | None = None,
    ) -> Plan:
        options = SolveOptions(
            time_limit=self.settings.time_limit_seconds,
            workers=self.settings.workers,
            deterministic=self.settings.deterministic,
            seed=self.settings.seed,
            since=since,
        )

        def report(served: dict[str, int], bound: dict[str, int], elapsed: float) -> None:
            progress(SolveProgress(dict(served), dict(bound), round(elapsed, 2)))

        plan = solve(scenario, options, report, map_parts, stop)
        if self.settings.suggest and plan.status != "error":
            plan = self._with_suggestions(scenario, plan)
        return plan

    def _with_suggestions(self, scenario: Scenario, plan: Plan) -> Plan:
        """The plan with what was checked within `suggest_within_seconds`, and the rest to
        come (`Plan.rest`). The checks run on a thread of this process: a Dask worker's
        process may have no children."""
        from solver.suggest_checks import Checks  # it imports this module's solve
        from solver.suggest_verify import within

        solved = time.monotonic()
        checks = Checks(scenario, from_scenario(scenario), plan, self.settings.seed)
        try:
            boxed = within(checks, self.settings.suggest_within_seconds, solved)
        except BaseException:
            checks.close()
            raise
        if checks.done:
            checks.close()
            return boxed
        return replace(boxed, rest=_rest(checks))


REST_EVERY_SECONDS = 1.0
"""How often the checks' progress is given (each time a write of the plan)."""


def _rest(checks: Any) -> Generator[Plan, None, None]:
    """The plan again as more tasks' checks end (at most every REST_EVERY_SECONDS), the last
    with every one; closing it abandons the checks."""
    with checks:
        while not checks.done:
            given = time.monotonic()
            while not checks.done and time.monotonic() < given + REST_EVERY_SECONDS:
                checks.advance(given + REST_EVERY_SECONDS)
            yield checks.plan()


def _suggestion_checks(
    settings: RepairSettings, scenario: Scenario, plan: Plan
) -> Generator[Plan, None, None] | None:
    """A stored plan's suggestion checks (`SuggestionChecker`): its candidates found on the
    generator's first step, so that the caller's thread is not held by them."""
    if not settings.suggest or plan.status == "error" or plan.objective is None:
        return None
    if not plan.unserved:
        return None

    def checked() -> Generator[Plan, None, None]:
        from solver.suggest_checks import Checks  # it imports this module's solve

        checks = Checks(scenario, from_scenario(scenario), plan)
        try:
            yield checks.plan()  # the tasks with no candidate no longer marked
            yield from _rest(checks)
        finally:
            checks.close()

    return checked()


Now = Callable[[], dt.datetime]
"""The service's clock: a repair moves or adds no visit before its moment (`solver.not_before`)."""


def _minute(scenario: Scenario, now: Now | None) -> int:
    """The service's moment as a minute of the week (`solver.not_before`; 0 without a clock)."""
    return minute_now(scenario, None if now is None else now())


class SolverRepairer:
    """`solver.repair` and `rescore` as the services' Repairer; a SuggestionChecker too.
    `now`: the service's clock (None, as in the CLI: no moment, as if before the week)."""

    def __init__(self, settings: RepairSettings, now: Now | None = None) -> None:
        self.settings = settings
        self.now = now

    def suggestion_checks(
        self, scenario: Scenario, plan: Plan
    ) -> Generator[Plan, None, None] | None:
        return _suggestion_checks(self.settings, scenario, plan)

    def repair(
        self, scenario: Scenario, published: Plan, task: str, same_week: bool = False
    ) -> tuple[Plan, int]:
        before = solution_from(published)
        known = dict(published.bound) if same_week else None
        s = self.settings
        at = _minute(scenario, self.now)
        done = repair(
            scenario, before, task, s.budget_seconds, s.workers, bound=known, not_before=at
        )
        return done.plan, done.changed

    def rescore(self, scenario: Scenario, plan: Plan) -> Plan:
        return rescored(scenario, plan)


def rescored(scenario: Scenario, plan: Plan) -> Plan:
    """`solver.repair.rescore`, the plan keeping its solve's time (the runners' `rescore`)."""
    return replace(rescore(scenario, plan), solve_seconds=plan.solve_seconds)


class SolverRecommender:
    """`solver.recommend` and `solver.absence` as the services' Recommender: options for a
    new request, the chosen one applied, and an absence's repair (`now`: as the Repairer's)."""

    def __init__(self, settings: RepairSettings | None = None, now: Now | None = None) -> None:
        self.settings = settings or RepairSettings()
        self.now = now

    def suggestion_checks(
        self, scenario: Scenario, plan: Plan
    ) -> Generator[Plan, None, None] | None:
        return _suggestion_checks(self.settings, scenario, plan)

    def recommend(self, scenario: Scenario, published: Plan, task: str) -> list[Option]:
        return recommend(scenario, published, task, not_before=_minute(scenario, self.now))

    def why_not(self, scenario: Scenario, task: str) -> tuple[str, Reason] | None:
        found = Analyzer(scenario).analyse(scenario.tasks[task])
        if found.reason is not None:
            return found.reason, found.detail
        at = _minute(scenario, self.now)
        if too_late(found, at):
            return "capacity", reason("why_recommend_past", at=said(scenario, at))
        return None

    def insert(self, scenario: Scenario, published: Plan, option: Option) -> Plan:
        return inserted_plan(scenario, published, option)

    def repair_all(
        self, scenario: Scenario, published: Plan, tasks: Collection[str]
    ) -> tuple[Plan, int]:
        at = _minute(scenario, self.now)
        return repair_all(scenario, published, tasks, self.settings.budget_seconds, not_before=at)
