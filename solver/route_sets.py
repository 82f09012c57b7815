"""Routes as sets (issue 10, item 7): every route each volunteer's block can hold, listed, and
one chosen per block by CP-SAT, as set partitioning does in vehicle routing. On a part of
one-person visits whose blocks hold a few visits each (the routing weeks) this is the whole
later problem, exactly: `best_routes` gives the plan the most continuity pairs, then the least
travel, that any plan serving as much (and waiting as much) reaches, where ruin and recreate
(`solver.reroute`) stopped at a local optimum. `solver.travel_bound` uses the same list for
its proved bound.

Why: on generated routing weeks in the contract's order the plans (30 s, load 8) travelled
897, 1,068, 936 and 564 minutes (7001, 7005, 7007, 7010) and 20,000 steps of ruin and
recreate with their pairs held found 897, 1,029, 923 and 562; this model, at the same pairs
and coverage, proves 839, 998, 888 and 492 in 7-12 s (VROOM: 798, 983, 880, 490).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from mutualaid.domain.model import PRIORITIES, Scenario, SkillNeed, Span
from mutualaid.domain.plan import AssignedVolunteer
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.routes import block_of
from solver.solution import Solution

HOME = ""
"""A volunteer's home, as a stop of their route."""

ROUTES_PER_BLOCK = 20_000
"""Partial routes listed per block at most (`block_routes`): the generated routing weeks'
blocks of 2-4 hours list 3,000-14,000 except on wide-window weeks, where one block of 33
candidate visits had 750,000 orders."""

Route = tuple[int, tuple[str, ...], tuple[int, ...]]
"""(travel minutes, the visits in order, their earliest starts)."""


def starts_of(a: TaskAnalysis, vid: str, block: tuple[int, int]) -> list[Span]:
    """The starts the volunteer can make of the task from home and back inside this block
    (`TaskAnalysis.free`), sorted."""
    bs, be = block
    return sorted((lo, hi) for lo, hi in a.free.get(vid, []) if bs <= lo <= be)


def legs_of(scenario: Scenario, travel: TravelModel, vid: str) -> Callable[[str, str], int]:
    """The volunteer's minutes from one visit's place to another's ("" is home), each leg
    asked of the travel model once."""
    vol = scenario.volunteers[vid]
    legs: dict[tuple[str, str], int] = {}

    def leg(a: str, b: str) -> int:
        got = legs.get((a, b))
        if got is None:
            here = scenario.tasks[a].location if a else vol.home
            there = scenario.tasks[b].location if b else vol.home
            got = legs[(a, b)] = travel.minutes(vol.mode, here, there)
        return got

    return leg


def block_routes(
    scenario: Scenario, travel: TravelModel, vid: str, block: int, ranges: Mapping[str, list[Span]]
) -> dict[frozenset[str], Route] | None:
    """Every set of these visits (each with the starts it may take, `ranges`) that the
    volunteer can make in one route in this block, each at the least travel of its orders
    that fit (earliest starts along the order, from home and back inside the block); None when
    more than ROUTES_PER_BLOCK partial routes would be listed. Partial routes with the same
    visits and last visit are kept only when no other is both ready earlier and cheaper."""
    vol = scenario.volunteers[vid]
    begin, end = vol.blocks[block]
    tasks = {t: scenario.tasks[t] for t in ranges}
    tids = sorted(ranges)
    leg = legs_of(scenario, travel, vid)

    def start_after(last: str, t: str, ready: int) -> int | None:
        arrive = ready + leg(last, t)
        start = next((max(arrive, lo) for lo, hi in ranges[t] if hi >= arrive), None)
        if start is None or start + tasks[t].duration_minutes + leg(t, HOME) > end:
            return None
        return start

    Label = tuple[int, int, tuple[str, ...], tuple[int, ...]]  # ready, travel, order, starts
    best: dict[frozenset[str], Route] = {}
    level: dict[tuple[frozenset[str], str], list[Label]] = {
        (frozenset(), HOME): [(begin, 0, (), ())]
    }
    listed = 0
    while level:
        following: dict[tuple[frozenset[str], str], list[Label]] = {}
        for (visited, last), labels in level.items():
            for t in tids:
                if t in visited:
                    continue
                for ready, cost, order, starts in labels:
                    start = start_after(last, t, ready)
                    if start is None:
                        continue
                    done, spent = start + tasks[t].duration_minutes, cost + leg(last, t)
                    key = (visited | {t}, t)
                    kept = following.setdefault(key, [])
                    if any(r <= done and c <= spent for r, c, _, _ in kept):
                        continue
                    kept[:] = [k for k in kept if not (done <= k[0] and spent <= k[1])]
                    kept.append((done, spent, (*order, t), (*starts, start)))
                    listed += 1
                    if listed > ROUTES_PER_BLOCK:
                        return None
                    whole = spent + leg(t, HOME)
                    if key[0] not in best or whole < best[key[0]][0]:
                        best[key[0]] = (whole, (*order, t), (*starts, start))
        level = following
    return best


def movable_part(scenario: Scenario, analyses: Mapping[str, TaskAnalysis], tids: list[str]) -> bool:
    """Whether every task of the part that can be served is one person's visit, with no pin or
    team: then its routes are the whole later problem. A fixed start is a start range of one
    minute (`Task.start_ranges`), which `block_routes` keeps as any range: the generated routing
    weeks but 7001 and 7005 have 1-4 such visits, which kept their whole parts out."""
    pinned = {p.task for p in scenario.pinned}
    for tid in tids:
        a, task = analyses[tid], scenario.tasks[tid]
        if a.reason is not None or not a.pools:
            continue
        need = task.needs[0] if len(task.needs) == 1 else None
        if not isinstance(need, SkillNeed) or need.count != 1 or tid in pinned:
            return False
        if any(p.team is not None for p in a.pools[0]):
            return False
    return True


@dataclass
class RouteChoice:
    """The CP-SAT model of one route (or none) per volunteer's block, over listed routes."""

    model: cp_model.CpModel
    chosen: dict[tuple[str, int], dict[frozenset[str], cp_model.IntVar]]
    routes: dict[tuple[str, int], dict[frozenset[str], Route]]
    visits: dict[tuple[str, str], list[cp_model.IntVar]]
    """(task, volunteer) -> whether they visit it, one per block that could."""
    travelled: list[cp_model.LinearExprT]
    narrowed: bool = False
    """Whether a block lists only the routes near its plan's (`_nearest`): then the choice's
    optimum is no least travel of every plan."""

    @classmethod
    def empty(cls) -> RouteChoice:
        return cls(cp_model.CpModel(), {}, {}, defaultdict(list), [])

    def add_block(self, vid: str, b: int, routes: dict[frozenset[str], Route]) -> None:
        """The block's route is one of those listed, or none."""
        model = self.model
        chosen = {r: model.new_bool_var(f"route[{vid},{b},{i}]") for i, r in enumerate(routes)}
        model.add_at_most_one(chosen.values())
        self.chosen[(vid, b)], self.routes[(vid, b)] = chosen, routes
        self.travelled += [routes[r][0] * x for r, x in chosen.items()]
        by_task: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for r, x in chosen.items():
            for t in r:
                by_task[t].append(x)
        for t, xs in sorted(by_task.items()):
            visit = model.new_bool_var(f"visit[{vid},{b},{t}]")
            model.add(sum(xs) == visit)
            self.visits[(t, vid)].append(visit)

    def hold(
        self, scenario: Scenario, tids: list[str], served: Mapping[str, int], waited: int
    ) -> tuple[cp_model.LinearExprT, dict[str, cp_model.LinearExprT]]:
        """Each task visited at most once, weekly hours, every priority served at least as
        `served` says and at least `waited` weeks of waiting served; the continuity pairs
        kept and each task's visits, as expressions."""
        model, tasks = self.model, scenario.tasks
        by_task: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        minutes: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
        for (t, vid), ways in self.visits.items():
            by_task[t] += ways
            minutes[vid] += [tasks[t].duration_minutes * w for w in ways]
        for vid, spent in sorted(minutes.items()):
            model.add(sum(spent) <= scenario.volunteers[vid].max_service_minutes)
        served_by: dict[str, cp_model.LinearExprT] = {t: sum(by_task[t]) for t in tids}
        for t in tids:
            model.add(served_by[t] <= 1)
        for p in PRIORITIES:
            model.add(sum(served_by[t] for t in tids if tasks[t].priority == p) >= served.get(p, 0))
        model.add(sum(tasks[t].waited * served_by[t] for t in tids) >= waited)
        pairs = scenario.continuity_pairs()
        kept: cp_model.LinearExprT = sum(
            w for key, ways in sorted(self.visits.items()) if key in pairs for w in ways
        )
        return kept, served_by


def _listed(
    scenario: Scenario, analyses: Mapping[str, TaskAnalysis], tids: list[str], travel: TravelModel,
    deadline: float | None, sol: Solution, cache: Listed | None = None, narrow: bool = True,
) -> RouteChoice | None:  # fmt: skip
    """Every block's routes listed into a model, or None when the deadline passes. A block
    with too many lists those among its plan's visits and the visits nearest them
    (`_nearest`): every route listed is a route, so the choice is still a plan, no longer
    the least travel of every plan. `cache` keeps each block's list for the next call."""
    cache = {} if cache is None else cache
    choice = RouteChoice.empty()
    plan = _plan_blocks(scenario, sol)
    for vid in sorted({v for t in tids for v in analyses[t].free}):
        vol = scenario.volunteers[vid]
        for b, block in enumerate(vol.blocks):
            if deadline is not None and time.time() >= deadline:
                return None
            ranges = {
                t: r
                for t in tids
                if analyses[t].reason is None
                and vid in _people(analyses[t])
                and (r := starts_of(analyses[t], vid, block))
            }
            if not ranges:
                continue
            routes = _block(scenario, travel, vid, b, ranges, cache)
            keep = NEAREST if narrow else 0
            while routes is None and keep > 0:
                if deadline is not None and time.time() >= deadline:
                    return None
                near = _nearest(scenario, travel, vid, plan.get((vid, b), set()), ranges, keep)
                routes = _block(scenario, travel, vid, b, near, cache)
                choice.narrowed, keep = True, keep // 2
            if routes is None:
                return None
            choice.add_block(vid, b, routes)
            if choice.narrowed and sum(len(r) for r in choice.routes.values()) > NARROWED_IN_ALL:
                return None
    return choice


Listed = dict[tuple[str, int, frozenset[str]], dict[frozenset[str], Route] | None]
"""(volunteer, block, the visits it may list) -> `block_routes`' answer."""


def _block(
    scenario: Scenario, travel: TravelModel, vid: str, b: int, ranges: dict[str, list[Span]],
    cache: Listed,
) -> dict[frozenset[str], Route] | None:  # fmt: skip
    key = (vid, b, frozenset(ranges))
    if key not in cache:
        cache[key] = block_routes(scenario, travel, vid, b, ranges)
    return cache[key]


NEAREST = 12
NARROWED_IN_ALL = 25_000
"""A choice with narrowed blocks gives up past this many routes in all: on the wide weeks
7003 and 7009 (36,000 and 61,000 routes, 2 and 6 blocks narrowed) its model took 85% of
rerouting's time from ruin and recreate and ended 1.9-2.3% above the plans before route sets
ran there (868 against 852, 975 against 953, load 11); 7007 lists 12,000 with one narrowed."""
"""A block whose routes are too many to list lists those over its plan's visits and this many
visits nearest them (halved until they fit): on routing week 7007 one block listed over
20,000 partial routes, which kept the whole part out of the choice."""


def _nearest(
    scenario: Scenario, travel: TravelModel, vid: str, mine: set[str],
    ranges: Mapping[str, list[Span]], keep: int,
) -> dict[str, list[Span]]:  # fmt: skip
    """`ranges` for the plan's visits of the block and the `keep` others nearest to them (or
    to the volunteer's home)."""
    vol, tasks = scenario.volunteers[vid], scenario.tasks
    places = [vol.home, *(tasks[t].location for t in sorted(mine) if t in ranges)]

    def distance(t: str) -> int:
        return min(travel.minutes(vol.mode, p, tasks[t].location) for p in places)

    others = sorted((t for t in ranges if t not in mine), key=lambda t: (distance(t), t))
    kept = {t for t in mine if t in ranges} | set(others[:keep])
    return {t: r for t, r in ranges.items() if t in kept}


def _plan_blocks(scenario: Scenario, sol: Solution) -> dict[tuple[str, int], set[str]]:
    """(volunteer, block) -> the visits the plan gives them in it."""
    plan: dict[tuple[str, int], set[str]] = defaultdict(set)
    for tid, crew in sol.crews.items():
        for av in crew:
            vol = scenario.volunteers[av.id]
            b = block_of(
                vol, sol.starts[tid], sol.starts[tid] + scenario.tasks[tid].duration_minutes
            )
            if b is not None:
                plan[(av.id, b)].add(tid)
    return plan


def _people(a: TaskAnalysis) -> set[str]:
    return (
        {v for pool in a.pools[0] if pool.team is None for v in pool.members} if a.pools else set()
    )


def best_routes(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    sol: Solution,
    *,
    seconds: float,
    deadline: float | None = None,
    deterministic: bool = False,
    goals_found: dict[str, tuple[int, float, bool]] | None = None,
    listed: Listed | None = None,
    narrow: bool = True,
) -> Solution | None:
    """The part's plan re-chosen from every route its blocks can hold: serving at least as
    much at every priority and waiting as much, then the goals after waiting in the
    scenario's order (continuity, travel; fairness is left to the caller's comparison), each
    stage held at what the one before reached (continuity, when first, only held at the
    plan's pairs: the model's time goes to travel); `sol` is the hint, so nothing found is
    worse in those goals. None when the part is not one-person visits alone (`movable_part`),
    the order puts fairness before travel, or the time ends before the first stage finds a
    plan. A block with too many routes lists those near its plan's (`_listed`). `seconds` is
    CP-SAT's deterministic time when `deterministic`, else the wall clock (never past
    `deadline`). `goals_found`, when given,
    gets each goal the model reached: its value, CP-SAT's bound and whether proved; `listed`
    keeps the blocks' routes for a later call on the same part (the listing is most of the
    time where a block has too many: 7-9 s of 11-13 on routing week 7007 at load 12);
    `narrow` False: None where a block has too many, as before `_nearest`."""
    order = [g for g in scenario.settings.objective_order if g != "fairness"]
    if list(scenario.settings.objective_order[: len(order)]) != order:
        return None
    if not movable_part(scenario, analyses, tids):
        return None
    began = time.time()
    ends = began + seconds if deadline is None else min(deadline, began + seconds)
    choice = _listed(scenario, analyses, tids, travel, None if deterministic else ends, sol,
                     listed, narrow)  # fmt: skip
    if choice is None:
        return None
    mine = set(tids)
    served = {p: 0 for p in PRIORITIES}
    for t in sol.crews:
        if t in mine:
            served[scenario.tasks[t].priority] += 1
    waited = sum(scenario.tasks[t].waited for t in sol.crews if t in mine)
    kept, _ = choice.hold(scenario, tids, served, waited)
    _hint(choice, scenario, sol)
    goals: dict[str, cp_model.LinearExprT] = {"continuity": -kept, "travel": sum(choice.travelled)}
    solver = cp_model.CpSolver()
    tuned(solver)
    found = None
    if order[0] == "continuity":  # held at the plan's pairs: their most is CP-SAT's hard part
        choice.model.add(-kept <= -_kept(scenario, sol, mine))
        order = order[1:]
    for goal in order:
        left = seconds - (time.time() - began) if not deterministic else seconds / len(order)
        if not deterministic:
            left = min(left, ends - time.time())
            solver.parameters.max_time_in_seconds = max(0.0, left)
        else:
            solver.parameters.max_deterministic_time = left
        if left <= 0:
            break
        choice.model.minimize(goals[goal])
        status = solver.solve(choice.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        found = _solution(choice, solver)
        if goals_found is not None:
            value = round(solver.objective_value)
            sign = -1 if goal == "continuity" else 1  # (pairs were minimised negated)
            exact = status == cp_model.OPTIMAL and not choice.narrowed
            goals_found[goal] = (sign * value, sign * solver.best_objective_bound, exact)
        if status != cp_model.OPTIMAL:
            break
        choice.model.add(goals[goal] <= round(solver.objective_value))
        _hint_from(choice, solver)
    return found


def tuned(solver: cp_model.CpSolver) -> None:
    """CP-SAT's parameters for choosing routes: one worker, the one that runs the linear
    relaxation (set partitioning's strength; with two workers on routing week 7001 the bound
    was 357 after 20 s, with one 839, proved), and no probing (on that week's 9,571 routes
    probing took 16 s of presolve and 8 s more before search at load 13; without it the
    optimum, 839, was proved in 3.7 s)."""
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.cp_model_probing_level = 0


def _kept(scenario: Scenario, sol: Solution, mine: set[str]) -> int:
    pairs = scenario.continuity_pairs()
    return sum((t, a.id) in pairs for t, crew in sol.crews.items() if t in mine for a in crew)


def _hint(choice: RouteChoice, scenario: Scenario, sol: Solution) -> None:
    """The plan's own routes as CP-SAT's hint (each is listed: its visits fit in that order)."""
    plan = _plan_blocks(scenario, sol)
    for key, chosen in choice.chosen.items():
        mine = frozenset(plan.get(key, ()))
        for r, x in chosen.items():
            choice.model.add_hint(x, r == mine)


def _hint_from(choice: RouteChoice, solver: cp_model.CpSolver) -> None:
    choice.model.clear_hints()  # type: ignore[no-untyped-call]
    for chosen in choice.chosen.values():
        for x in chosen.values():
            choice.model.add_hint(x, solver.boolean_value(x))


def _solution(choice: RouteChoice, solver: cp_model.CpSolver) -> Solution:
    out = Solution()
    for (vid, _), chosen in choice.chosen.items():
        for r, x in chosen.items():
            if solver.boolean_value(x):
                _, order, starts = choice.routes[(vid, _)][r]
                for t, s in zip(order, starts, strict=True):
                    out.starts[t] = s
                    out.crews[t] = (AssignedVolunteer(vid, 0, None),)
    return out
