"""Who can take a new request? Options against the published plan: who goes, when, which other
visits move for it, and what it does to the week's objective; and the plan with one applied.

First every crew that fits into the published routes as they stand: each candidate's insertion
positions between the visits of their day (`solver.routes` through the greedy's schedules),
crews intersecting their members' start ranges. While fewer than `limit` are found, a small
CP-SAT over the request and the visits that hold its candidates (`holding`) may move other
visits: the most coverage kept (a visit may have to give way, and the option says so), then
the fewest changed pairs; each crew found is then forbidden so the next solve finds another.
Options are ranked by the contract's objective order (coverage by priority, waiting, then
`settings.objective_order`), then fewest changes; an option that would serve less by that order
than leaving the request out is not offered.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from mutualaid.domain.model import MINUTES_PER_DAY, PRIORITIES, Scenario, Span
from mutualaid.domain.plan import AssignedVolunteer, Assignment, Plan, Reason
from mutualaid.domain.recommendation import Effect, Move, Option
from mutualaid.travel import HaversineTravel, TravelModel
from solver import not_before as moment
from solver.analysis import Analyzer, TaskAnalysis
from solver.cpsat import PlanModel
from solver.greedy import _Schedules
from solver.repair import _consistent, pairs, still_fits
from solver.routes import block_of
from solver.solution import Solution, build_plan, count_by_priority, service_minutes
from solver.stages import coverage_weights, wall_safety_net

LIMIT = 5
"""Options answered by default."""
CREWS = 40
"""Crews that fit as the routes stand, at most, weighed before ranking."""
NODES = 20_000
"""Steps of the search for crews before it stops (a many-person task with many candidates)."""
NEIGHBOURHOODS = (16, 32)
"""Tasks around the request (it included) that the CP-SAT may move, in turn."""

BUDGET = 0.4
"""CP-SAT's deterministic time, over all the solves that look for options moving other visits
(deterministic, so applying an option finds it again on the same plan)."""

Crew = tuple[AssignedVolunteer, ...]


@dataclass(frozen=True)
class Week:
    """The published plan as a Solution of the week as it is now (tasks since deleted left
    out), and the part of it that still fits the week, from which options are made."""

    published: Solution
    base: Solution


def week_of(scenario: Scenario, plan: Plan, analyzer: Analyzer) -> Week:
    published = Solution()
    for a in plan.assignments:
        if a.task in scenario.tasks:
            published.starts[a.task] = a.start
            published.crews[a.task] = a.volunteers
    kept = {
        t: c
        for t, c in published.crews.items()
        if still_fits(analyzer, scenario.tasks[t], published.starts[t], c)
    }
    base, _ = _consistent(scenario, Solution({t: published.starts[t] for t in kept}, kept))
    return Week(published, base)


def recommend(
    scenario: Scenario,
    plan: Plan,
    task_id: str,
    *,
    limit: int = LIMIT,
    budget: float = BUDGET,
    seed: int | None = None,
    not_before: int = 0,
) -> list[Option]:
    """The best `limit` options for serving `task_id` (in `scenario`, not in `plan`), best
    first; none when nobody can serve it even with other visits moved. `budget`: CP-SAT's
    deterministic time for the options that move other visits. `not_before`: the moment
    (`solver.not_before`): no option starts before it or moves a visit started before it."""
    travel = HaversineTravel(scenario.settings)
    analyzer = Analyzer(scenario, travel)
    lazily = analyzer.lazily()
    if lazily[task_id].reason is not None:
        return []  # nobody can serve it: the week's plan is not built for that
    week = week_of(scenario, plan, analyzer)
    analyses = moment.Ahead(lazily, not_before, moment.started(week.base, not_before))
    a = analyses[task_id]
    if not a.start_domain:
        return []  # every start is before the moment
    found: dict[frozenset[str], Solution] = {}
    for crew, start in itertools.islice(_insertions(scenario, a, week.base, travel), CREWS):
        after = _copy(week.base)
        after.starts[task_id], after.crews[task_id] = start, crew
        found.setdefault(frozenset(av.id for av in crew), after)
    if len(found) < limit:
        more = _moving(
            scenario, analyses, week.base, task_id, travel, list(found), limit - len(found),
            budget, scenario.settings.seed if seed is None else seed,
        )  # fmt: skip
        for after in more:
            found.setdefault(frozenset(av.id for av in after.crews[task_id]), after)
    pairs_kept = scenario.continuity_pairs()
    before = Before(week.published, service_minutes(scenario, week.published.crews))
    options = [_option(scenario, before, s, task_id, travel, pairs_kept) for s in found.values()]
    # an option that serves less by the contract's order than not taking the request at all
    # (a high visit dropped for a low request) is no recommendation
    options = [o for o in options if _coverage(o) >= (0,) * len(PRIORITIES)]
    order = scenario.settings.objective_order
    options.sort(key=lambda o: (tuple(-x for x in o.effect.key(order)), o.changed, o.id))
    return options[:limit]


def options_for(scenario: Scenario, plan: Plan, task_id: str) -> tuple[list[Option], Reason | None]:
    """The options, and when there is none the sentence saying why (a reason nobody can
    serve it on their own, or that nobody can without dropping more important visits)."""
    options = recommend(scenario, plan, task_id)
    if options:
        return options, None
    a = Analyzer(scenario).analyse(scenario.tasks[task_id])
    return [], a.detail if a.reason is not None else None


def _coverage(option: Option) -> tuple[int, ...]:
    return tuple(option.effect.served[p] for p in PRIORITIES)


def insert(scenario: Scenario, plan: Plan, option: Option) -> Solution:
    """The published plan with the option applied: its moves, then the request's visit."""
    after = Solution()
    for a in plan.assignments:
        if a.task in scenario.tasks:
            after.starts[a.task], after.crews[a.task] = a.start, a.volunteers
    for move in option.moves:
        after.starts.pop(move.task, None)
        after.crews.pop(move.task, None)
        if move.after is not None:
            after.starts[move.task] = move.after.start
            after.crews[move.task] = move.after.volunteers
    new = option.assignment
    after.starts[new.task], after.crews[new.task] = new.start, new.volunteers
    return after


# --- options as the routes stand -----------------------------------------------------------


def _insertions(
    scenario: Scenario, a: TaskAnalysis, base: Solution, travel: TravelModel
) -> Iterator[tuple[Crew, int]]:
    """Crews that fit between their visits as they stand, each at its start of least added
    travel (then earliest); the likeliest first: continuity, then the nearest."""
    task = a.task
    sched = _Schedules(scenario, travel)
    for tid, crew in sorted(base.crews.items()):
        for av in crew:
            sched.book(av.id, scenario.tasks[tid], base.starts[tid])
    ranges: dict[str, list[Span]] = {}
    for v in sorted(a.candidates):
        iv = sched.insertion_starts(v, task, a.free[v])
        iv = _intersect(iv, a.start_domain)
        if iv:
            ranges[v] = iv
    continuity = scenario.continuity_pairs()

    def rank(v: str) -> tuple[object, ...]:
        return ((task.id, v) not in continuity, a.travel_home[v], v)

    def added(v: str, start: int) -> int:
        vol = scenario.volunteers[v]
        end = start + task.duration_minutes
        block = block_of(vol, start, end)
        stops = sched.stops.get((v, -1 if block is None else block), [])
        before = [s for s in stops if s[1] <= start]
        after = [s for s in stops if s[0] >= end]
        here = before[-1][2] if before else vol.home
        there = after[0][2] if after else vol.home
        m = vol.mode
        return (
            travel.minutes(m, here, task.location)
            + travel.minutes(m, task.location, there)
            - travel.minutes(m, here, there)
        )

    steps = 0
    seen: set[frozenset[tuple[str, int, str | None]]] = set()
    for choice in itertools.product(*a.pools):
        places: list[tuple[int, str | None, list[str]]] = []
        for r, (need, pool) in enumerate(zip(task.needs, choice, strict=True)):
            cands = sorted((v for v in pool.members if v in ranges), key=rank)
            places += [(r, pool.team, cands)] * need.min_people
        stack: list[tuple[int, int, Crew, list[Span]]] = [(0, 0, (), list(a.start_domain))]
        while stack and steps < NODES:
            steps += 1
            place, first, crew, iv = stack.pop()
            if place == len(places):
                key = frozenset((av.id, av.role, av.team) for av in crew)
                if key not in seen:
                    seen.add(key)
                    best = min((sum(added(av.id, lo) for av in crew), lo) for lo, _ in iv)
                    yield crew, best[1]
                continue
            role, team, cands = places[place]
            taken = {av.id for av in crew}
            later = []
            for k in range(first, len(cands)):
                v = cands[k]
                if v in taken:
                    continue
                both = _intersect(iv, ranges[v])
                if not both:
                    continue
                nxt = place + 1
                # the next place of the same role takes a later candidate (no permutations)
                start_at = k + 1 if nxt < len(places) and places[nxt][0] == role else 0
                later.append((nxt, start_at, (*crew, AssignedVolunteer(v, role, team)), both))
            stack.extend(reversed(later))  # the best-ranked candidate is popped first


def _intersect(a: list[Span], b: list[Span]) -> list[Span]:
    """Closed ranges in both lists."""
    out = []
    for lo, hi in a:
        for x, y in b:
            if max(lo, x) <= min(hi, y):
                out.append((max(lo, x), min(hi, y)))
    return sorted(out)


# --- options that move other visits ---------------------------------------------------------


def _moving(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    base: Solution,
    task_id: str,
    travel: TravelModel,
    known: list[frozenset[str]],
    want: int,
    budget: float,
    seed: int,
) -> list[Solution]:
    """Up to `want` plans serving `task_id` with crews not in `known`, each re-planning a
    neighbourhood around the request: the most coverage it can keep, then the fewest changed
    pairs (a visit that must give way for the request is left unserved, and said so)."""
    weights = coverage_weights(count_by_priority(scenario, scenario.tasks))
    out: list[Solution] = []
    crews = list(known)
    spent = 0.0
    for size in NEIGHBOURHOODS:
        group = [t for t in holding(scenario, analyses[task_id], base, size)
                 if analyses[t].reason is None and analyses[t].start_domain]  # fmt: skip
        model = PlanModel(scenario, analyses, group, travel, weights, fixed=base)
        m = model.m
        m.add(model.served[task_id] == 1)
        before = {p for p in pairs(base) if p[1] in model.served}
        changes = sum((1 - lit) if p in before else lit for p, lit in model.works.items())
        # coverage first (a visit may have to give way, the effect says so), then fewest changes
        most = len(model.works) + 1
        kept = sum(weights[scenario.tasks[t].priority] * model.served[t] for t in group)
        m.minimize(changes - most * kept)
        for crew in crews:
            _forbid(model, task_id, crew)
        model.hint(base)
        first = True
        while len(out) < want and spent < budget:
            # the first solve of a model finds the best; later ones, hinted by the one
            # before, only need another crew
            share = (budget - spent) / 2 if first else budget / 8
            solver = one_worker(seed, max(0.03, min(budget - spent, share)))
            status = solver.solve(m)
            spent += solver.response_proto.deterministic_time
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break
            found = model.extract(solver)
            whole = Solution(
                {t: s for t, s in base.starts.items() if t not in model.served},
                {t: c for t, c in base.crews.items() if t not in model.served},
            )
            whole.merge(found)
            out.append(whole)
            crew = frozenset(av.id for av in found.crews[task_id])
            crews.append(crew)
            _forbid(model, task_id, crew)
            model.hint(whole)
            first = False
        if len(out) >= want or spent >= budget:
            break
    return out


def holding(scenario: Scenario, a: TaskAnalysis, base: Solution, size: int) -> list[str]:
    """The task and up to `size - 1` served tasks that hold its candidates, those on its days
    first, then the nearest: the visits that may have to move for it. Unlike
    `solver.lns.rivals` it never fills up with other tasks nearby, which would analyse most of
    a district's week (the rivals' analyses are made lazily)."""
    days = {d for lo, hi in a.start_domain for d in range(lo // MINUTES_PER_DAY,
                                                          hi // MINUTES_PER_DAY + 1)}  # fmt: skip
    here = a.task.location
    scale = math.cos(math.radians(here.lat)) ** 2

    def rank(tid: str) -> tuple[object, ...]:
        there = scenario.tasks[tid].location
        near = (there.lat - here.lat) ** 2 + scale * (there.lon - here.lon) ** 2
        return (base.starts[tid] // MINUTES_PER_DAY not in days, near, tid)

    people = a.candidates
    taken = {t for t, crew in base.crews.items() if any(av.id in people for av in crew)}
    return [a.task.id, *sorted(taken - {a.task.id}, key=rank)][:size]


def one_worker(seed: int, limit: float) -> cp_model.CpSolver:
    """A CP-SAT solver on one worker, limited in deterministic time (the same answer for the
    same model, however busy the machine), with the wall-clock safety net."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers, params.random_seed = 1, seed
    params.max_deterministic_time = limit
    params.max_time_in_seconds = wall_safety_net(limit)
    return solver


def _forbid(model: PlanModel, task_id: str, crew: frozenset[str]) -> None:
    """No solution of the model gives the request this crew again."""
    lits = [model.works.get((v, task_id)) for v in sorted(crew)]
    if all(lit is not None for lit in lits):
        model.m.add(sum(lits) <= len(lits) - 1)  # type: ignore[arg-type]


# --- what an option does --------------------------------------------------------------------


def _copy(sol: Solution) -> Solution:
    return Solution(dict(sol.starts), dict(sol.crews))


def _assignment(scenario: Scenario, sol: Solution, tid: str) -> Assignment:
    start = sol.starts[tid]
    crew = tuple(sorted(sol.crews[tid], key=lambda av: (av.role, av.id)))
    return Assignment(tid, start, start + scenario.tasks[tid].duration_minutes, crew)


@dataclass(frozen=True)
class Before:
    """The published plan every option of a request is measured against, with each
    volunteer's minutes of service in it (counted once, not once per option)."""

    sol: Solution
    minutes: Mapping[str, int]


def _option(
    scenario: Scenario,
    before: Before,
    after: Solution,
    task_id: str,
    travel: TravelModel,
    continuity: frozenset[tuple[str, str]],
) -> Option:
    published = before.sol
    moves = []
    differ = [task_id]
    for tid in sorted((set(published.crews) | set(after.crews)) - {task_id}):
        same_start = published.starts.get(tid) == after.starts.get(tid)
        if same_start and set(published.crews.get(tid, ())) == set(after.crews.get(tid, ())):
            continue
        differ.append(tid)
        old = _assignment(scenario, published, tid) if tid in published.crews else None
        new = _assignment(scenario, after, tid) if tid in after.crews else None
        moves.append(Move(tid, old, new))
    new_visit = _assignment(scenario, after, task_id)
    impact = effect(scenario, before, after, differ, travel, continuity)
    changed = len(_pairs(published, differ) ^ _pairs(after, differ))
    return Option(_fingerprint(new_visit, moves), new_visit, tuple(moves), impact, changed)


def _pairs(sol: Solution, tasks: list[str]) -> set[tuple[str, str]]:
    return {(av.id, t) for t in tasks for av in sol.crews.get(t, ())}


def effect(
    scenario: Scenario,
    before: Before,
    after: Solution,
    differ: list[str],
    travel: TravelModel,
    continuity: frozenset[tuple[str, str]],
) -> Effect:
    """What going from `before` to `after` does to the objective (travel counted over the
    routes of the people whose visits differ). `differ`: every task whose start or crew is
    not the same in both (any other task counts the same on both sides, so only these are
    counted)."""
    was = before.sol
    old, new = _pairs(was, differ), _pairs(after, differ)
    people = {v for v, _ in old ^ new}
    people |= {
        av.id
        for t in differ
        if t in was.starts and t in after.starts and was.starts[t] != after.starts[t]
        for av in after.crews[t]
    }
    served = dict.fromkeys(PRIORITIES, 0)
    waited = 0
    minutes = dict(before.minutes)
    for t in differ:
        task = scenario.tasks[t]
        for sol, sign in ((was, -1), (after, 1)):
            if t in sol.crews:
                served[task.priority] += sign
                waited += sign * task.waited
                for av in sol.crews[t]:
                    minutes[av.id] = minutes.get(av.id, 0) + sign * task.duration_minutes
    return Effect(
        served=served,
        waited=waited,
        continuity=sum((t, v) in continuity for v, t in new - old)
        - sum((t, v) in continuity for v, t in old - new),
        travel_minutes=_travel(scenario, after, people, travel)
        - _travel(scenario, was, people, travel),
        max_load=_max_load(scenario, minutes),
    )


def _max_load(scenario: Scenario, minutes: Mapping[str, int]) -> float:
    """`solution.max_load` from each volunteer's minutes of service (none: no load)."""
    loads = [
        m / (60 * scenario.volunteers[v].max_hours_per_week)
        for v, m in minutes.items()
        if m > 0 and scenario.volunteers[v].max_hours_per_week > 0
    ]
    return max(loads, default=0.0)


def _travel(scenario: Scenario, sol: Solution, people: set[str], travel: TravelModel) -> int:
    """Route minutes of these people: from home through each block's visits and home again."""
    visits: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for tid, crew in sol.crews.items():
        for av in crew:
            if av.id in people:
                vol = scenario.volunteers[av.id]
                start = sol.starts[tid]
                block = block_of(vol, start, start + scenario.tasks[tid].duration_minutes)
                visits.setdefault((av.id, -1 if block is None else block), []).append((start, tid))
    total = 0
    for (vid, _), stops in visits.items():
        vol = scenario.volunteers[vid]
        here = vol.home
        for _, tid in sorted(stops):
            there = scenario.tasks[tid].location
            total += travel.minutes(vol.mode, here, there)
            here = there
        total += travel.minutes(vol.mode, here, vol.home)
    return total


def _fingerprint(visit: Assignment, moves: list[Move]) -> str:
    def shown(a: Assignment | None) -> object:
        if a is None:
            return None
        return [a.task, a.start, sorted([v.id, v.role, v.team or ""] for v in a.volunteers)]

    text = json.dumps([shown(visit), [[m.task, shown(m.after)] for m in moves]])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def inserted_plan(scenario: Scenario, plan: Plan, option: Option) -> Plan:
    """The published plan with the option applied, as a plan of the week (figures, every task
    listed with the reasons of the unserved, the number of tasks as its bound)."""
    started = time.monotonic()
    travel = HaversineTravel(scenario.settings)
    analyses = Analyzer(scenario, travel).lazily()
    after = insert(scenario, plan, option)
    before = {(v.id, a.task) for a in plan.assignments for v in a.volunteers}
    changed = len(before ^ pairs(after))
    return build_plan(
        scenario, after, analyses, travel, status="feasible",
        bound=count_by_priority(scenario, scenario.tasks), started=started,
        extra={"repair": {"task": option.assignment.task, "option": option.id,
                          "changed": changed, "freed": 1 + len(option.moves)}},
    )  # fmt: skip
