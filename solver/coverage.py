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

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from ortools.sat.python import cp_model

from mutualaid.domain.model import Scenario
from mutualaid.travel import TravelModel
from solver import route_hull
from solver.analysis import TaskAnalysis
from solver.cpsat import PlanModel, linear
from solver.pair_writer import PairWriter
from solver.solution import Solution
from solver.stages import (
    STAGE_SHARES,
    ProgressFn,
    StageResult,
    StopFn,
    built_in_time,
    staged_solve,
)

FIRST_GOALS = ("coverage", "waited")
"""The goals solved on the pairwise model; the later ones need travel, so routes."""

KNAPSACK = True
"""Each (volunteer, slot) gets its time knapsack (`CoverageModel._time_knapsack`); False
leaves it out (kept to measure the two side by side: bench/knapsack.py). Measured through the
planner, 30 s, 2 workers, each week both ways in turn, load 6.6-11.2: the one-day weeks 7004,
7010 ... 7046 (none proved either way) served more normal tasks on 6 of 8 (+11, +6, +7, +5,
+1, +10; -1 on 7004 and 7040), the weighted gap 2.6-8.5% (median 4.4%) against 1.3-13.2%
(median 7.1%), the bound lower on 5, higher on 2 (7004: 69 normal against 64); the other
shapes' 7001-7009 were proved both ways, in 0.6-3.5 s (median 2.2 s) against 0.6-13.9 s
(median 2.0 s), load 8.9-11: no gain to show there, so only the parts solved one priority at a
time ask for it (`CoverageModel`'s `knapsacks`). Again on the one-day weeks with
`bench/knapsack.py --shapes one-day` at load 10-20 (each solve starved): better on 5 (7004
2.4% against 8.4%, 7010 2.6% against 5.8%), one high task short on 7040 and 7046 (runs at load
19-20), median gap 8.9% against 8.8%. 7004's coverage stage alone (bench/by_priority.py's
`coverage`), 150 s, load 13: 63 normal served, bound 65, still open."""

ENERGY_CUTS = 8
"""Energetic cuts kept per (volunteer, slot) with a time knapsack (`_energy_cuts`), those whose
visits ask most of their stretch: all of them (5.7k on 7004's part, 7k on 7010's) slowed the
LP more than they tightened it (normal bound 70 against 64 after 30 s on 7004)."""

PROVING: tuple[tuple[str, object], ...] = (("subsolvers", ("lb_tree_search",)),)
"""With the knapsacks (coverage one priority at a time), CP-SAT's full-problem worker is
LP-guided tree search in place of default_lp (with two workers or more; one worker searches as
before, so stays reproducible): the bound is the goal there, CP-SAT's neighbourhoods find the
plans."""

SHARE = 0.75
"""The part of the budget the pairwise model may take (coverage and waiting, split as in
`staged_solve`); what it leaves goes to the later goals, which start from its plan."""


class CoverageModel(PlanModel):
    """`PlanModel` with each (volunteer, block)'s route replaced by pairwise separation: for
    two visits that could collide, an order literal when either may come first, one implication
    when only one order fits, a clause when neither does, nothing when they never meet."""

    solver_parameters: tuple[tuple[str, object], ...] = (
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
        knapsacks: bool = False,
    ) -> None:
        """`fixed`: visits outside `tids` that stay as they are (neighbourhood search; they
        cut blocks into slots, as in `PlanModel`, so its plans are whole valid plans).
        `knapsacks`: each slot's time knapsack (`_time_knapsack`; with KNAPSACK), asked where
        coverage is solved one priority at a time (`solver.by_priority`: greedy serves little,
        the one-day weeks), where it pays: elsewhere the weeks were proved without it as soon
        (bench/knapsack.py), and its LP's work shifted a golden plan's later stages. Raises
        `solver.clock.OutOfTime` as `PlanModel` does."""
        self.order: dict[tuple[str, int, str, str], cp_model.IntVar] = {}
        """(v, block, i, j) -> literal 'i comes before j' (only where either order fits)."""
        self.knapsacks: dict[tuple[str, int], tuple[dict[str, int], int]] = {}
        """(v, slot) -> (task -> minutes it takes of the slot, doubled; the slot's minutes,
        doubled): each time knapsack added (`_time_knapsack`)."""
        self.energy: dict[tuple[str, int], list[tuple[dict[str, int], int]]] = {}
        """(v, slot) -> each energetic cut added (`_energy_cuts`): (task -> the doubled
        minutes it must take of the stretch, the stretch's doubled minutes)."""
        self.with_knapsacks = knapsacks and KNAPSACK
        if self.with_knapsacks:
            self.solver_parameters = (*self.solver_parameters, *PROVING)
        super().__init__(scenario, analyses, tids, travel, weights, fixed=fixed)

    def stages(self) -> tuple[str, ...]:
        return tuple(s for s in super().stages() if s in FIRST_GOALS)

    def _route(self, key: tuple[str, int], tasks: list[str]) -> None:
        vid, k = key
        vol, slot = self.scenario.volunteers[vid], self.slots[vid][k]
        m, trip = self.m, self._trips(vol.mode)
        knapsack = self.with_knapsacks and len(tasks) > 1
        way_in: dict[str, int] = {}  # (only for the knapsack: every build's slots would pay)
        way_out: dict[str, int] = {}
        if knapsack:
            places = {t: self.scenario.tasks[t].location for t in tasks}
            way_in = {t: trip(slot.origin, places[t]) for t in tasks}
            way_out = {t: trip(places[t], slot.destination) for t in tasks}
        # Per task, what every pair reads (each pair's constraints are written into the proto
        # directly, as `m.add(...).only_enforce_if(...)` writes them: tests/test_model_bytes.py)
        seen = []
        for t in tasks:
            task, window = self.scenario.tasks[t], self._windows[(vid, t, k)]
            lit, start = self.in_slot[(vid, t, k)], self.start[t]
            seen.append((t, task.location, task.duration_minutes, window[0][0], window[-1][1],
                         lit.index, start.index))  # fmt: skip
        emit = PairWriter(m)
        for n, (i, loc_i, dur_i, first_i, last_i, in_i, s_i) in enumerate(seen):
            for j, loc_j, dur_j, first_j, last_j, in_j, s_j in seen[n + 1 :]:
                trip_ij, trip_ji = trip(loc_i, loc_j), trip(loc_j, loc_i)
                gap_ij, gap_ji = dur_i + trip_ij, dur_j + trip_ji
                i_first = first_i + gap_ij <= last_j
                j_first = first_j + gap_ji <= last_i
                if knapsack and i_first:  # j's way in may come from i, i's way out go to j
                    way_in[j], way_out[i] = min(way_in[j], trip_ij), min(way_out[i], trip_ij)
                if knapsack and j_first:
                    way_in[i], way_out[j] = min(way_in[i], trip_ji), min(way_out[j], trip_ji)
                if last_i + gap_ij <= first_j or last_j + gap_ji <= first_i:
                    continue  # one always ends, with travel, before the other can start
                if i_first and j_first:
                    lit = m.new_bool_var(f"before[{vid},{k},{i}<{j}]")
                    self.order[(vid, k, i, j)] = lit
                    emit.after(s_i, s_j, gap_ij, in_i, in_j, lit.index)
                    emit.after(s_j, s_i, gap_ji, in_i, in_j, -lit.index - 1)
                elif i_first:
                    emit.after(s_i, s_j, gap_ij, in_i, in_j)
                elif j_first:
                    emit.after(s_j, s_i, gap_ji, in_i, in_j)
                else:
                    emit.not_both(in_i, in_j)
        if knapsack:
            minutes = {
                t: 2 * self.scenario.tasks[t].duration_minutes + way_in[t] + way_out[t]
                for t in tasks
            }
            self._time_knapsack(key, minutes)
            self._energy_cuts(key, tasks, way_in, way_out)
            if route_hull.HULL:
                route_hull.add_route_hull(self, key, tasks)

    def _time_knapsack(self, key: tuple[str, int], minutes: dict[str, int]) -> None:
        """A cut for CP-SAT's LP, which sees nothing of the pairwise disjunctions: the visits
        v makes in slot k fit in the slot with their trips. `minutes[t]`: twice t's duration,
        plus the least trip into t and the least trip out of it (from or to the slot's ends, or
        another visit that may come before or after it there). A route's trips are each one
        visit's way in, plus the last way out; and each one visit's way out, plus the first
        way in: so twice its trips are at least the sum of the least ways in and out. Valid for
        every route of the contract, so the proof stays exact; it only tightens the LP."""
        vid, k = key
        slot = self.slots[vid][k]
        room = 2 * (slot.end - slot.begin)
        if sum(minutes.values()) > room:  # (else every visit fits: no cut)
            lits = [(self.in_slot[(vid, t, k)], c) for t, c in minutes.items()]
            self.m.add(linear(lits) <= room)
            self.knapsacks[key] = (minutes, room)

    def _energy_cuts(
        self,
        key: tuple[str, int],
        tasks: list[str],
        way_in: dict[str, int],
        way_out: dict[str, int],
    ) -> None:
        """Energetic cuts, the time knapsack on stretches of the slot: each visit widened by
        half its least trip in before it and half its least trip out after it (in doubled
        minutes: [2s - in, 2e + out]); a route's widened visits never overlap (consecutive
        i, j: 2e_i + out_i <= 2e_i + t(i,j) <= 2s_j - t(i,j) <= 2s_j - in_j; the first's
        way in comes from the slot's start, the last's way out reaches its end), so in any
        stretch [a, b] the least part each visit must take of it, from its earliest and latest
        start, sums to at most b - a. The ENERGY_CUTS stretches whose visits ask most of them
        (stretches from an earliest start to a latest end). Valid for every route, as the
        knapsack is; for CP-SAT's LP only."""
        vid, k = key
        spans = []
        for t in tasks:
            window = self._windows[(vid, t, k)]
            early, late = 2 * window[0][0] - way_in[t], 2 * window[-1][1] - way_in[t]
            spans.append((t, early, late, 2 * self.scenario.tasks[t].duration_minutes
                          + way_in[t] + way_out[t]))  # fmt: skip
        cuts = []
        for a in sorted({early for _, early, _, _ in spans}):
            for b in sorted({late + length for _, _, late, length in spans}):
                if b <= a:
                    continue
                need = {}
                for t, early, late, length in spans:
                    part = min(length, b - a, early + length - a, b - late)
                    if part > 0:
                        need[t] = part
                if len(need) > 1 and sum(need.values()) > b - a:
                    cuts.append((-sum(need.values()) / (b - a), a, b, need))
        cuts.sort(key=lambda cut: cut[:3])
        for _, a, b, need in cuts[:ENERGY_CUTS]:
            lits = [(self.in_slot[(vid, t, k)], c) for t, c in need.items()]
            self.m.add(linear(lits) <= b - a)
            self.energy.setdefault(key, []).append((need, b - a))

    def hint(self, whole: Solution) -> None:
        super().hint(whole)
        sol = self.restrict(whole)
        for (_, _, i, j), lit in self.order.items():
            si = sol.starts.get(i, self.analyses[i].start_domain[0][0])
            sj = sol.starts.get(j, self.analyses[j].start_domain[0][0])
            self._hint(lit, si <= sj)
        route_hull.hint_hulls(self)
        self._hints_written()


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
    routes: Routes | None = None,
) -> tuple[Solution | None, list[StageResult], str | None]:
    """`staged_solve`'s answer for one part: coverage and waiting on `CoverageModel`, then the
    later goals on `PlanModel` with those two held at the values found (exactly when proved,
    else at least), started from the pairwise model's plan (as `ahead` gives it back, when
    given: rerouted, serving the same tasks). With one worker the budget is
    deterministic time, as in `staged_solve`, so the plan stays reproducible; a wall-clock
    `deadline` and `stop` reach both models. `by_priority`: coverage one priority at a time
    (`staged_solve`), each priority's count then held on the routing model too.
    `first_only`: the pairwise model's plan after its coverage stage, solved exactly as it
    would be before the later goals (the same budget); waiting and the later goals untried
    (they hold coverage, all a check asks: `solver.suggest_verify`). `routes`: the travel
    stage's time goes to `routes` instead of CP-SAT, after the continuity stage
    (`routes_first`)."""
    if deterministic is None:
        deterministic = workers == 1
    building = time.monotonic()
    cover = built_in_time(
        lambda: CoverageModel(scenario, analyses, tids, travel, weights, knapsacks=by_priority),
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
        whole=True, upto="coverage" if first_only else None,
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
    if routes is not None:
        first_routes = routes_first(model, sol, later, routes, budget=max(0.05, budget - spent),
                                    workers=workers, seed=seed, deterministic=deterministic,
                                    deadline=deadline, stop=stop)  # fmt: skip
        if first_routes is not None:
            return first_routes[0], [*stages, *first_routes[1]], first_routes[2]
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


Routed = tuple[Solution, dict[str, tuple[int, float, bool]]]
Routes = Callable[[Solution, float, float | None], Routed | None]
"""routes(plan, seconds, deadline): the plan's routes re-chosen with its coverage, waiting and
continuity pairs held (`solver.route_sets.best_routes`), and each goal that model reached
(value, bound, proved); None when it cannot (then CP-SAT's stages run as before)."""


def routes_first(
    model: PlanModel,
    sol: Solution,
    later: tuple[str, ...],
    routes: Routes,
    *,
    budget: float,
    workers: int,
    seed: int,
    deterministic: bool,
    deadline: float | None,
    stop: StopFn | None,
) -> tuple[Solution, list[StageResult], str | None] | None:
    """The later stages with `routes` in the travel stage's place: continuity (when before
    travel) on CP-SAT in its share, then `routes` in travel's share, then fairness (when
    after) on CP-SAT with travel held. None when the order does not allow it (fairness before
    travel) or `routes` gave nothing, having spent only the continuity stage (returned then
    as the plan to go on from is not: the caller's stages run again from its hint).

    Why: CP-SAT's travel stage on routing weeks barely moves its first routes, where choosing
    among every route of each block proves the least travel at the plan's pairs in seconds."""
    if "travel" not in later or later[: later.index("travel")] not in ((), ("continuity",)):
        return None
    total = sum(STAGE_SHARES[s] for s in later)
    stages: list[StageResult] = []
    spent = 0.0
    if later[0] == "continuity":
        share = budget * STAGE_SHARES["continuity"] / total
        cont_deadline = deadline
        if deadline is not None:
            cont_deadline = (
                time.time() + (deadline - time.time()) * STAGE_SHARES["continuity"] / total
            )
        got, stages, _ = staged_solve(model, sol, budget=share, workers=workers, seed=seed,
                                            stages_wanted=("continuity",),
                                            deterministic=deterministic, deadline=cont_deadline,
                                            stop=stop)  # fmt: skip
        if got is None:
            return None
        sol = got
        spent = sum(s.work if deterministic else s.seconds for s in stages)
    rest = tuple(s for s in later if s not in ("continuity", "travel"))
    mine = STAGE_SHARES["travel"] / (STAGE_SHARES["travel"] + sum(STAGE_SHARES[s] for s in rest))
    seconds = max(0.05, budget - spent) * mine
    ends = None
    if deadline is not None:
        ends = time.time() + max(0.0, deadline - time.time()) * mine
        if not deterministic:
            seconds = min(seconds, ends - time.time())
    began = time.monotonic()
    found = routes(sol, seconds, ends)
    if found is None:
        if stages:
            return _go_on(model, sol, stages, later[1:], budget - spent, workers, seed,
                          deterministic, deadline, stop)  # fmt: skip
        return None
    new, goals = found
    if _goals(model, new, later) >= _goals(model, sol, later):  # no better: the plan as it
        new = sol  # was (its routes in their order; an equal choice may list them otherwise)
    model.hint(new)
    for name in [g for g in later if g in ("continuity", "travel")]:
        if any(s.name == name for s in stages):
            continue
        value = model.hinted_value(name)
        reached = goals.get(name)
        exact = reached is not None and reached[2] and reached[0] == value
        bound = (
            reached[1]
            if exact and reached is not None
            else (math.inf if name == "continuity" else -math.inf)
        )
        stages.append(StageResult(name, value, bound, exact, time.monotonic() - began))
    expr = model.objective("travel")[0]
    model.m.add(expr <= model.hinted_value("travel"))
    if "continuity" in later:
        model.m.add(model.objective("continuity")[0] >= model.hinted_value("continuity"))
    spent += time.monotonic() - began if not deterministic else seconds
    if not rest:
        return new, stages, None
    return _go_on(model, new, stages, rest, budget - spent, workers, seed, deterministic,
                  deadline, stop)  # fmt: skip


def _go_on(
    model: PlanModel,
    sol: Solution,
    stages: list[StageResult],
    wanted: tuple[str, ...],
    budget: float,
    workers: int,
    seed: int,
    deterministic: bool,
    deadline: float | None,
    stop: StopFn | None,
) -> tuple[Solution, list[StageResult], str | None]:
    """The stages `wanted` on CP-SAT from `sol`, after `stages`."""
    routed, more, failure = staged_solve(model, sol, budget=max(0.05, budget), workers=workers,
                                         seed=seed, stages_wanted=wanted,
                                         deterministic=deterministic, deadline=deadline,
                                         stop=stop)  # fmt: skip
    if routed is None:
        return sol, stages, None
    return routed, [*stages, *more], failure


def _goals(model: PlanModel, sol: Solution, later: tuple[str, ...]) -> tuple[int, ...]:
    """Continuity and travel at `sol`, in `later`'s order, to be minimised."""
    model.hint(sol)
    return tuple(
        -model.hinted_value(g) if g == "continuity" else model.hinted_value(g)
        for g in later
        if g in ("continuity", "travel")
    )
