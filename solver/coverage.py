"""Coverage and waiting on a model without routes: each volunteer's visits in a block are kept
apart pairwise by travel, which is exact under the contract's travel; later goals are then
solved on the routing model (`PlanModel`), started from this model's plan.

Why pairwise separation is exact. A route (rule 4) of visits in one block, sorted by start, needs
each visit to fit the block from home and back (the start domains of `in_slot` say so) and each
consecutive pair to leave travel between them. Pairwise separation of every pair implies the
consecutive ones; conversely a route separates every pair i < k, by induction over the visit j
between them: s_k >= e_j + t(j,k) >= e_i + t(i,j) + d_j + t(j,k) >= e_i + t(i,k), because the
contract's minutes are within one minute of a metric (the ceiling of a distance, whole numbers
within 1e-9 counted as such: t(i,k) <= t(i,j) + t(j,k) + 1) and every duration is >= 1 minute.
So the two models have the same plans' coverage: this model's bound is a true bound. (Its
plans are routes under any travel; its bound needs the inequality, as do the routing model's
clauses for pairs that fit in neither order.)
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from ortools.sat.python import cp_model

from mutualaid.domain.model import Scenario
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.cpsat import PlanModel
from solver.solution import Solution
from solver.stages import ProgressFn, StageResult, StopFn, built_in_time, staged_solve

FIRST_GOALS = ("coverage", "waited")
"""The goals solved on the pairwise model; the later ones need travel, so routes."""

SHARE = 0.75
"""The part of the budget the pairwise model may take (coverage and waiting, split as in
`staged_solve`); what it leaves goes to the later goals, which start from its plan."""


class CoverageModel(PlanModel):
    """`PlanModel` with each (volunteer, block)'s route replaced by pairwise separation: for
    two visits that could collide, an order literal when either may come first, one implication
    when only one order fits, a clause when neither does, nothing when they never meet."""

    solver_parameters = (
        ("optimize_with_core", True),
        ("cp_model_probing_level", 0),
        ("max_presolve_iterations", 1),
    )
    """Measured (bench/coverage.py's worlds): with one worker the default search climbs to
    the optimum one low task at a time below a near-tight bound; core-based search proved
    subdistrict-a in half the CPU time (1.1-1.3 s against 2.0-3.0 s, three seeds), and on a
    contended 400-task week stopped at 8 s it ended nearer the bound (a weighted gap of 3k
    against 17k). With two workers it was no slower.

    Presolve without probing and with one pass: on the unseen 200-task weeks (bench/unseen.py,
    seeds 7001, 7005, 7007 and subdistrict-a, 2 workers, load 17) presolve was most of the
    proof (12 of 16.5 s on 7005 in one run), and the coverage stage alone proved in 1.4 / 3.2 /
    0.9 / 5.7 s where it took 3.3 / 4.4 / 3.0 / 8.3 s with both on (each pair in one run)."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: Mapping[str, TaskAnalysis],
        tids: list[str],
        travel: TravelModel,
        weights: dict[str, int],
        *,
        fixed: Solution | None = None,
    ) -> None:
        """`fixed`: visits outside `tids` that stay as they are (neighbourhood search; they
        cut blocks into slots, as in `PlanModel`, so its plans are whole valid plans). Raises
        `solver.clock.OutOfTime` as `PlanModel` does."""
        self.order: dict[tuple[str, int, str, str], cp_model.IntVar] = {}
        """(v, block, i, j) -> literal 'i comes before j' (only where either order fits)."""
        super().__init__(scenario, analyses, tids, travel, weights, fixed=fixed)

    def stages(self) -> tuple[str, ...]:
        return tuple(s for s in super().stages() if s in FIRST_GOALS)

    def _route(self, key: tuple[str, int], tasks: list[str]) -> None:
        vid, k = key
        vol = self.scenario.volunteers[vid]
        m = self.m
        for i, j in itertools.combinations(tasks, 2):
            ti, tj = self.scenario.tasks[i], self.scenario.tasks[j]
            wi, wj = self._windows[(vid, i, k)], self._windows[(vid, j, k)]
            gap_ij = ti.duration_minutes + self.travel.minutes(vol.mode, ti.location, tj.location)
            gap_ji = tj.duration_minutes + self.travel.minutes(vol.mode, tj.location, ti.location)
            if wi[-1][1] + gap_ij <= wj[0][0] or wj[-1][1] + gap_ji <= wi[0][0]:
                continue  # one always ends, with travel, before the other can start
            both = [self.in_slot[(vid, i, k)], self.in_slot[(vid, j, k)]]
            i_first = wi[0][0] + gap_ij <= wj[-1][1]
            j_first = wj[0][0] + gap_ji <= wi[-1][1]
            si, sj = self.start[i], self.start[j]
            if i_first and j_first:
                lit = m.new_bool_var(f"before[{vid},{k},{i}<{j}]")
                self.order[(vid, k, i, j)] = lit
                m.add(sj >= si + gap_ij).only_enforce_if([*both, lit])
                m.add(si >= sj + gap_ji).only_enforce_if([*both, lit.Not()])
            elif i_first:
                m.add(sj >= si + gap_ij).only_enforce_if(both)
            elif j_first:
                m.add(si >= sj + gap_ji).only_enforce_if(both)
            else:
                m.add_bool_or([b.Not() for b in both])

    def hint(self, whole: Solution) -> None:
        super().hint(whole)
        sol = self.restrict(whole)
        for (_, _, i, j), lit in self.order.items():
            si = sol.starts.get(i, self.analyses[i].start_domain[0][0])
            sj = sol.starts.get(j, self.analyses[j].start_domain[0][0])
            self._hint(lit, si <= sj)


def cover_then_route(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    weights: dict[str, int],
    floor: Solution | None,
    *,
    budget: float,
    workers: int,
    seed: int,
    report: ProgressFn | None = None,
    deterministic: bool | None = None,
    deadline: float | None = None,
    stop: StopFn | None = None,
    ahead: Callable[[Solution], Solution] | None = None,
    by_priority: bool = True,
    first_only: bool = False,
) -> tuple[Solution | None, list[StageResult], str | None]:
    """`staged_solve`'s answer for one part: coverage and waiting on `CoverageModel`, then the
    later goals on `PlanModel` with those two held at the values found (exactly when proved,
    else at least), started from the pairwise model's plan (as `ahead` gives it back, when
    given: rerouted, serving the same tasks). With one worker the budget is
    deterministic time, as in `staged_solve`, so the plan stays reproducible; a wall-clock
    `deadline` and `stop` reach both models. `by_priority`: coverage one priority at a time
    (`staged_solve`), each priority's count then held on the routing model too.
    `first_only`: the pairwise model's plan, its goals solved exactly as they would be
    before the later ones (the same budget), the later goals untried."""
    if deterministic is None:
        deterministic = workers == 1
    building = time.monotonic()
    cover = built_in_time(
        lambda: CoverageModel(scenario, analyses, tids, travel, weights),
        deadline,
        stop,
    )
    built = time.monotonic() - building
    if cover is None:  # the deadline passed while it was built: the floor as it stands
        return _unsolved(scenario, tids, weights, floor, built)
    first = cover.stages()
    sol, stages, failure = staged_solve(
        cover, floor, budget=budget * SHARE, workers=workers, seed=seed, report=report,
        deterministic=deterministic, deadline=deadline, stop=stop, by_priority=by_priority,
    )  # fmt: skip
    if sol is None:
        return None, stages, failure
    if first_only:
        return sol, [*stages, *_untried(scenario, tids, [s.name for s in stages])], None
    spent = sum(s.work if deterministic else s.seconds for s in stages)
    if stages:  # the seconds reported (not the budget's) count building the model
        stages = [replace(stages[0], seconds=stages[0].seconds + built), *stages[1:]]
    model = built_in_time(
        lambda: PlanModel(scenario, analyses, tids, travel, weights), deadline, stop
    )
    if model is None:  # out of time for routes: the pairwise model's plan is a whole plan
        names = [s.name for s in stages]
        return sol, [*stages, *_untried(scenario, tids, names)], None
    for stage in stages:
        expr = model.objective(stage.name)[0]
        model.m.add(expr == stage.value if stage.optimal else expr >= stage.value)
        for step in stage.priorities:  # what each priority's step held, held again
            mine = (t for t in tids if scenario.tasks[t].priority == step.priority)
            count = sum(model.served[t] for t in mine)
            model.m.add(count == step.value if step.optimal else count >= step.value)
    later = tuple(s for s in model.stages() if s not in first)
    if not later:
        return sol, stages, None
    if ahead is not None:
        sol = ahead(sol)
    routed, more, failure = staged_solve(
        model,
        sol,
        budget=max(0.05, budget - spent),
        workers=workers,
        seed=seed,
        stages_wanted=later,
        deterministic=deterministic,
        deadline=deadline,
        stop=stop,
    )
    if routed is None:  # cannot happen with `sol` as its hint and floor; kept for safety
        return sol, stages, None
    return routed, [*stages, *more], failure


def _untried(scenario: Scenario, tids: list[str], done: list[str]) -> list[StageResult]:
    """The stages (`PlanModel.stages`) after `done` that no model solved (values unknown,
    nothing proved)."""
    waiting = ("waited",) if any(scenario.tasks[t].waited for t in tids) else ()
    goals = ("coverage", *waiting, *scenario.settings.objective_order)
    return [StageResult(name, 0, 0, False, 0.0) for name in goals if name not in done]


def _unsolved(
    scenario: Scenario,
    tids: list[str],
    weights: dict[str, int],
    floor: Solution | None,
    seconds: float,
) -> tuple[Solution | None, list[StageResult], str | None]:
    """`cover_then_route`'s answer when no model could be built in time: the floor as it
    stands (its coverage, bounded by nothing), or no plan."""
    if floor is None:
        return None, [], "UNKNOWN"
    value = sum(weights[scenario.tasks[t].priority] for t in floor.crews if t in set(tids))
    coverage = StageResult("coverage", value, math.inf, False, seconds)
    return floor, [coverage, *_untried(scenario, tids, ["coverage"])], None
