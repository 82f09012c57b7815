"""Price and branch on the route-set master (issue 10, items 1 and 2, stop 24 A2): after the
column generation of `solver.route_master` converges (or at its clock), the integer master over
the sets it generated (CP-SAT, the counts above held), then the chosen sets turned into visits.

`integer_master` keeps the master's rows with x and y integral: a slot routes one set, each
volunteer's weekly minutes, a task once per volunteer, each role's people and the crew's total
(`solver.route_master`'s docstring). Its optimum over the generated sets is neither a bound nor
a plan: crews' common start, the roles' matching and pins are not in it.

`column_plan` makes it a plan: each served task's crew is matched to its roles from the people
whose chosen set holds it (`greedy.assign_roles`), each set is routed again in the best order
of its kept visits (the earliest starts, as the labels made them), and a crew's visit starts at
the latest of its members' earliest starts, pushed until every member's route agrees; a visit
whose crew cannot be matched is dropped, and a crew that cannot agree gives up a visit of a lower
priority beside it in a member's set, or else its own visit, and so is every pinned task (the master
drops pins). What is left keeps every rule the master and the routing hold; the tests hold it
against the validator and the reference checker.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from mutualaid.domain.model import PRIORITIES
from mutualaid.domain.plan import AssignedVolunteer
from solver.energy_bound import one_day
from solver.greedy import assign_roles
from solver.route_master import MasterBound, RouteMaster, Slot
from solver.solution import Solution

BESIDE = 8
"""How many visits beside a crew apart are tried in turn for giving up (lowest first)."""

ROUNDS = 30
"""How often crews' common starts are pushed before a crew still apart is dropped."""


@dataclass
class IntegerMaster:
    """The integer master's answer: the chosen sets, the tasks it serves, its value, CP-SAT's
    bound over the same sets, status and CPU-free wall seconds."""

    chosen: list[tuple[int, frozenset[str]]]
    served: set[str]
    value: int
    bound: float
    status: str
    seconds: float


def integer_master(
    master: RouteMaster, priority: str, held: Mapping[str, int], step: MasterBound, *,
    seconds: float = 10.0, workers: int = 2, soft: bool = False,
    start: Iterable[tuple[int, frozenset[str]]] = (), at_least: int | None = None,
    cut: tuple[Sequence[int], Mapping[str, int], int] | None = None, linearization: int = 1,
) -> IntegerMaster:  # fmt: skip
    """The master over `step.sets` with x and y integral (module docstring); `soft`: each
    held count short costs more than every task of the step (feasible by construction; the
    value is then the step's count less that cost). `start`: sets hinted (a plan's routes,
    cut to the step's tasks as `RouteMaster.bound` cuts its seed), the search starting there.
    `at_least`: the step's count at least that; `cut`: (each set's integer weight, each
    task's, a floor) with sum of the chosen sets' and served tasks' weights >= the floor
    (`route_enum`'s reduced-cost row); `linearization`: CP-SAT's linearization_level (2: the
    whole model in its LP, which decides `route_enum`'s questions 4-10 times faster)."""
    t0 = time.monotonic()
    sc, tasks, slots = master.scenario, master.scenario.tasks, master.slots
    m = cp_model.CpModel()
    tids = step.tids
    y = {t: m.new_bool_var(f"y_{t}") for t in tids}
    x = [m.new_bool_var(f"x_{n}") for n in range(len(step.sets))]
    by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    minutes: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    holds: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
    for var, (i, s) in zip(x, step.sets, strict=True):
        slot = slots[i]
        by_slot[i].append(var)
        minutes[slot.vid].append((sum(slot.minutes[t] for t in s), var))
        for t in s:
            if t in y:
                holds[(slot.vid, t)].append(var)
    for vs in by_slot.values():
        m.add_at_most_one(vs)
    for v, terms in minutes.items():
        m.add(sum(c * var for c, var in terms) <= sc.volunteers[v].max_service_minutes)
    for vs in holds.values():
        m.add(sum(vs) <= 1)
    for t in tids:
        task, pools = tasks[t], master.analyses[t].pools
        for need, role in zip(task.needs, pools, strict=True):
            people = sorted({v for pool in role for v in pool.members})
            mine = [var for v in people for var in holds.get((v, t), [])]
            m.add(need.min_people * y[t] <= sum(mine))
        everyone = [var for v in master.analyses[t].candidates for var in holds.get((v, t), [])]
        m.add(task.people * y[t] <= sum(everyone))
    short = []
    for q, n in held.items():
        if soft:
            short.append(gap := m.new_int_var(0, n, f"short_{q}"))
            m.add(sum(y[t] for t in tids if tasks[t].priority == q) + gap >= n)
        else:
            m.add(sum(y[t] for t in tids if tasks[t].priority == q) >= n)
    if start:
        keep = set(tids)
        hinted = {(i, s & keep) for i, s in start}
        for var, c in zip(x, step.sets, strict=True):
            m.add_hint(var, c in hinted)
        for t in tids:
            m.add_hint(y[t], any(t in s for _, s in hinted))
    if at_least is not None:
        m.add(sum(y[t] for t in tids if tasks[t].priority == priority) >= at_least)
    if cut is not None:
        weights, of_task, least = cut
        m.add(sum(w * var for w, var in zip(weights, x, strict=True))
              + sum(of_task.get(t, 0) * y[t] for t in tids) >= least)  # fmt: skip
    big = len(tids) + 1
    if at_least is None:  # (with it: is there such a solution, the first found)
        m.maximize(sum(y[t] for t in tids if tasks[t].priority == priority) - big * sum(short))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.linearization_level = linearization
    status = solver.solve(m)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return IntegerMaster([], set(), 0, solver.best_objective_bound, name,
                             time.monotonic() - t0)  # fmt: skip
    chosen = [c for var, c in zip(x, step.sets, strict=True) if solver.value(var)]
    served = {t for t in tids if solver.value(y[t])}
    value = (int(solver.objective_value) if at_least is None
             else sum(tasks[t].priority == priority for t in served))  # fmt: skip
    return IntegerMaster(
        chosen, served, value, solver.best_objective_bound, name, time.monotonic() - t0
    )


def route(slot: Slot, visits: frozenset[str], at_least: Mapping[str, int]) -> dict[str, int] | None:
    """The earliest starts of `visits` in the slot's best order (least time home), no visit
    before `at_least`; None when no order routes them all."""
    legs, ranges, minutes = slot.legs, slot.ranges, slot.minutes
    best: tuple[int, dict[str, int]] | None = None
    for order in itertools.permutations(sorted(visits)):
        ready, last, starts = slot.begin, "", {}
        for t in order:
            arrive = max(ready + legs[(last, t)], at_least.get(t, 0))
            start = next((max(arrive, lo) for lo, hi in ranges[t] if hi >= arrive), None)
            if start is None:
                break
            starts[t], ready, last = start, start + minutes[t], t
        else:
            home = ready + (legs[(last, "")] if last else 0)
            if home <= slot.end and (best is None or home < best[0]):
                best = (home, starts)
    return None if best is None else best[1]


def column_plan(master: RouteMaster, chosen: list[tuple[int, frozenset[str]]],
                served: set[str]) -> Solution:  # fmt: skip
    """The chosen sets as visits (module docstring); every visit kept is routable and every
    crew matched and at one start."""
    sc, tasks = master.scenario, master.scenario.tasks
    pinned = {p.task for p in sc.pinned}
    holders: dict[str, list[str]] = defaultdict(list)
    for i, s in chosen:
        for t in s:
            if t in served and t not in pinned:
                holders[t].append(master.slots[i].vid)
    crews: dict[str, tuple[AssignedVolunteer, ...]] = {}
    for t in sorted(holders):
        a = master.analyses[t]
        crew = assign_roles(tasks[t].needs, a.pools, set(holders[t]), (), lambda v: (v,))
        if crew is not None:
            crews[t] = crew
    while True:
        starts = _agree(master, chosen, crews, {})
        if isinstance(starts, dict):
            return Solution(starts, crews)
        # A crew apart (or a route broken): a visit of a lower priority beside it in one of
        # its members' sets is given up if that lets the crew meet, else the crew's visit.
        t = starts
        rank = PRIORITIES.index(tasks[t].priority)
        members = {a.id for a in crews[t]}
        beside = sorted(
            {u for i, s in chosen if t in s and master.slots[i].vid in members for u in s
             if u in crews and u != t and PRIORITIES.index(tasks[u].priority) > rank},
            key=lambda u: (-PRIORITIES.index(tasks[u].priority), len(crews[u]), u),
        )  # fmt: skip
        for u in beside[:BESIDE]:
            kept = crews.pop(u)
            again = _agree(master, chosen, crews, {})
            if isinstance(again, dict) or again != t:
                break
            crews[u] = kept
        else:
            if not _other_crew(master, chosen, crews, t, holders[t]):
                del crews[t]


def _other_crew(
    master: RouteMaster, chosen: list[tuple[int, frozenset[str]]],
    crews: dict[str, tuple[AssignedVolunteer, ...]], t: str, holders: list[str],
) -> bool:  # fmt: skip
    """Whether a crew of `t` from its holders without one of its members (each in turn)
    meets at one start (`crews[t]` is then that crew): a crew of two whose routes cannot meet
    may meet with a third holder in one's place (stop 24 A3)."""
    task, a, was = master.scenario.tasks[t], master.analyses[t], crews[t]
    for gone in sorted(av.id for av in was):
        crew = assign_roles(task.needs, a.pools, set(holders) - {gone}, (), lambda v: (v,))
        if crew is None:
            continue
        crews[t] = crew
        again = _agree(master, chosen, crews, {})
        if isinstance(again, dict) or again != t:
            return True
    crews[t] = was
    return False


def _agree(
    master: RouteMaster, chosen: list[tuple[int, frozenset[str]]],
    crews: dict[str, tuple[AssignedVolunteer, ...]], at_least: dict[str, int],
) -> dict[str, int] | str:  # fmt: skip
    """Each visit's start, crews' pushed to one (`at_least` grows), or a task to drop."""
    for _ in range(ROUNDS):
        got: dict[str, list[int]] = defaultdict(list)
        for i, s in chosen:
            slot = master.slots[i]
            kept = frozenset(t for t in s if t in crews and any(a.id == slot.vid for a in crews[t]))
            if not kept:
                continue
            starts = route(slot, kept, at_least)
            if starts is None:
                return max(kept, key=lambda t: (len(crews[t]), t))
            for t, start in starts.items():
                got[t].append(start)
        if all(len(set(v)) == 1 for v in got.values()):
            return {t: v[0] for t, v in got.items()}
        for t, v in got.items():
            at_least[t] = max(v)
    return next(t for t, v in sorted(got.items()) if len(set(v)) > 1)


HINT = False
"""On a one-day part, each open step of coverage by priority (normal, low) is first hinted the
column plan when it serves more of the step's priority than the hint it had
(`column_hint`); False (the default): as before. Left off (stop 24 A2 and A3, docs)."""

HINT_STEPS = ("normal", "low")
"""The steps hinted when HINT is on (a bench may set it: `bench/column_hint_ab.py`)."""

HINT_SHARE = 0.4
"""Of a step's time, what column generation and the integer master may take for the hint."""


def routes_of(master: RouteMaster, sol: Solution) -> list[tuple[int, frozenset[str]]]:
    """A plan's visits as the master's sets: each volunteer's visits in each of their slots."""
    index = {(slot.vid, slot.k): i for i, slot in enumerate(master.slots)}
    by_slot: dict[int, set[str]] = defaultdict(set)
    for v, tids in sol.visits().items():
        for t in tids:
            for k, (lo, hi) in enumerate(master.scenario.volunteers[v].blocks):
                if (v, k) in index and lo <= sol.starts[t] < hi:
                    by_slot[index[(v, k)]].add(t)
    return [(i, frozenset(s)) for i, s in sorted(by_slot.items())]


def column_hint(model: Any, p: str, held: Mapping[str, int], hinted: int | None,
                seconds: float, best: Solution | None = None) -> Solution | None:  # fmt: skip
    """The column plan of step `p` on the model's part given `held`, when the part is one
    day's and the plan serves more of `p` than `hinted` and every held count; else None.
    The master and its sets are kept on the model across its steps (normal, then low), each
    step's generation seeded with them and `best`'s routes; the held counts are soft in the
    integer master (stop 24 A3)."""
    if not HINT or p not in HINT_STEPS or not one_day(model.analyses, model.tids):
        return None
    t0 = time.monotonic()
    master, kept = getattr(model, "_route_columns", None) or (
        RouteMaster(model.scenario, model.analyses, model.tids, model.travel),
        [],
    )
    seed = kept + (routes_of(master, best) if best is not None else [])
    left = seconds * HINT_SHARE - (time.monotonic() - t0)
    step = master.bound(p, held, deadline=time.monotonic() + left * 0.6, seed=seed)
    model._route_columns = (master, sorted(set(kept) | set(step.sets), key=_order))
    left = seconds * HINT_SHARE - (time.monotonic() - t0)
    if left <= 0.05 or not step.sets:
        return None
    got = integer_master(master, p, held, step, seconds=left, workers=1, soft=True)
    sol = column_plan(master, got.chosen, got.served)
    count = {q: sum(model.scenario.tasks[t].priority == q for t in sol.crews) for q in PRIORITIES}
    if any(count[q] < n for q, n in held.items()):
        return None
    return sol if hinted is None or count[p] > hinted else None


def _order(c: tuple[int, frozenset[str]]) -> tuple[int, list[str]]:
    return c[0], sorted(c[1])
