"""A proved lower bound on travel (`travel_floor`): no plan that serves at least a given count at
every priority and keeps at least a given number of continuity pairs travels less. It says
where "within 5% of VROOM" is out of reach in the contract's order (issue 10, item 7): where
the bound at a plan's continuity is above VROOM's travel, no search can close the gap.

The model (CP-SAT; its proved bound is the answer whether or not it finishes) chooses for each
volunteer's block one route or none, as set partitioning does: every route the block can hold
is listed (`solver.route_sets.block_routes`: the visits in an order whose earliest starts keep
rules 3 and 4, each set of visits at the least travel of its orders), so the linear relaxation
is the strong one of vehicle routing. Where a block holds too many routes to list, the
bound is also the one of priced routes (`solver.route_pricing`: the same set partitioning's
LP, its routes generated; it holds whether or not pricing finished), and the CP-SAT model
gives that block a relaxed route: a circuit through home and the visits it makes, each leg
forcing the next start after the last visit's end plus the leg, and the route's travel and
visits inside the block's minutes. Each task is visited at most once, every priority served
at least as given, the continuity pairs kept at least as given, weekly hours kept. Every real
plan is a choice of that model with its own travel, so the least one travels no more than any
plan. Tasks of more than one person, or of a team, are outside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ortools.sat.python import cp_model

from mutualaid.domain.model import Scenario, SkillNeed, Span
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.route_pricing import priced_routes
from solver.route_sets import HOME, Route, RouteChoice, block_routes, starts_of, tuned


def travel_floor(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    travel: TravelModel,
    served: Mapping[str, int],
    pairs: int,
    *,
    seconds: float = 10.0,
    priced: bool = True,
) -> int | None:
    """The least travel (minutes) of any plan serving at least `served[p]` tasks of every
    priority p and keeping at least `pairs` continuity pairs, as proved in `seconds` (twice that
    where a block is too wide to list: `seconds` more for priced routes); None when a task that
    can be served needs more than one person or a team (outside the model). Raises ValueError
    when no plan can serve that much with that many pairs. `priced` False: CP-SAT's bound
    alone, as before priced routes (for the benchmark's before)."""
    tasks = sorted(t for t, a in analyses.items() if a.reason is None and a.free)
    for tid in tasks:
        needs = scenario.tasks[tid].needs
        if len(needs) != 1 or not isinstance(needs[0], SkillNeed) or needs[0].count != 1:
            return None
    choice = RouteChoice.empty()
    blocks: dict[tuple[str, int], dict[str, list[Span]]] = {}
    listed: dict[tuple[str, int], dict[frozenset[str], Route] | None] = {}
    for vid in sorted(scenario.volunteers):
        vol = scenario.volunteers[vid]
        for b, block in enumerate(vol.blocks):
            ranges = {t: r for t in tasks if (r := starts_of(analyses[t], vid, block))}
            if not ranges:
                continue
            routes = block_routes(scenario, travel, vid, b, ranges)
            blocks[(vid, b)], listed[(vid, b)] = ranges, routes
            if routes is None:
                _circuit(choice, scenario, travel, vid, b, ranges)
            else:
                choice.add_block(vid, b, routes)
    lp = -math.inf
    if priced and any(
        r is None for r in listed.values()
    ):  # CP-SAT's bound over circuits is weak there
        # its own `seconds`: on 7003 under load 10, 60 s split left CP-SAT 5 s and pricing one
        # round, and the floor fell from 807 to 543
        lp = priced_routes(scenario, travel, blocks, listed, served, pairs, seconds=seconds).bound
    kept, _ = choice.hold(scenario, tasks, served, 0)
    choice.model.add(kept >= pairs)
    choice.model.minimize(sum(choice.travelled))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    tuned(solver)
    status = solver.solve(choice.model)
    if status == cp_model.INFEASIBLE:
        raise ValueError("no plan serves that much with that many pairs")
    return max(0, math.ceil(max(solver.best_objective_bound, lp) - 1e-6))


def _circuit(
    choice: RouteChoice, scenario: Scenario, travel: TravelModel, vid: str, b: int,
    ranges: Mapping[str, list[Span]],
) -> None:  # fmt: skip
    """The block's route relaxed: a circuit through home and its visits, each start between
    the earliest and latest the volunteer can make there and pushed by each leg taken, the
    route's travel and visits inside the block's minutes."""
    vol, tasks, model = scenario.volunteers[vid], scenario.tasks, choice.model
    here = {t: (r[0][0], r[-1][1]) for t, r in ranges.items()}
    nodes = [HOME, *sorted(here)]
    place = {HOME: vol.home} | {t: tasks[t].location for t in here}
    start = {t: model.new_int_var(lo, hi, f"start[{vid},{b},{t}]") for t, (lo, hi) in here.items()}
    arcs: list[tuple[int, int, cp_model.LiteralT]] = []
    busy: list[cp_model.LinearExprT] = []
    for i, ti in enumerate(nodes):
        for j, tj in enumerate(nodes):
            if i == j:
                continue
            leg = travel.minutes(vol.mode, place[ti], place[tj])
            if ti and tj and here[ti][0] + tasks[ti].duration_minutes + leg > here[tj][1]:
                continue  # i cannot end before j must start, even at their extremes
            x = model.new_bool_var(f"leg[{vid},{b},{ti or 'home'},{tj or 'home'}]")
            arcs.append((i, j, x))
            choice.travelled.append(leg * x)
            busy.append(leg * x)
            if ti and tj:
                model.add(
                    start[tj] >= start[ti] + tasks[ti].duration_minutes + leg
                ).only_enforce_if(x)
    arcs.append((0, 0, model.new_bool_var(f"idle[{vid},{b}]")))
    for i, t in enumerate(nodes[1:], start=1):
        visit = model.new_bool_var(f"visit[{vid},{b},{t}]")
        arcs.append((i, i, ~visit))
        choice.visits[(t, vid)].append(visit)
        busy.append(tasks[t].duration_minutes * visit)
    model.add_circuit(arcs)
    begin, end = vol.blocks[b]
    model.add(sum(busy) <= end - begin)  # the route runs inside its block
