"""Each slot's route sets as the pairwise model's own variables (issue 10, item 1): the convex
hull of the sets of visits a volunteer's slot can hold, so CP-SAT's LP sees that a slot holds
whole routes, not fractions of many short visits (the one-day weeks' loose bounds).

In a slot k of volunteer v with candidate visits T, one literal x_S per nonempty set S of T
that some order can make, and

    sum over S of x_S <= 1,        in_slot[v, t, k] == sum over S containing t of x_S   (t in T).

Exact, not a cut that might remove a plan: the sets are listed from the model's own start
windows of each visit in the slot (`PlanModel._windows`, which already hold the way in from the
slot's start and the way out to its end) with travel between consecutive visits, labels (visits
made, last visit) keeping the earliest end (a route ending earlier can make every visit a later
one can: starts need only be at or after the arrival, inside the windows). A plan of the
pairwise model separates every pair of its visits in the slot, so in the order of their starts
every consecutive pair: its set is listed. So every plan of the model keeps these constraints;
they tighten its LP (7010's one-day part, every slot listed: the normal step's bound 73 in 10 s
where it was 74-75, the low step's 6 in 4-14 s where 600 s of search reached 7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from solver import clock

if TYPE_CHECKING:
    from solver.cpsat import PlanModel

HULL = False
"""Whether the slots of a part solved one priority at a time get their hull. Off: through the
planner (bench/unseen.py, 30 s, 2 workers, load 6.9-7.8, each week on then off) the bound was
tighter (7010 normal 73 against 75, 7004 64 against 65) but the plans worse (7010 normal 66
against 71, 7004 61 against 62), and no step more was proved: the hull's literals slow the
search that finds plans. Kept, with its tests, for a proof pass on the plan found
(docs/engine-on-unseen-weeks.md, stop 23 A)."""

HULL_SETS = 4_000
"""Sets listed per slot at most: a slot with more gets no hull (its knapsack and cuts stay)."""


def slot_sets(
    windows: dict[str, list[tuple[int, int]]],
    minutes: dict[str, int],
    trip: dict[tuple[str, str], int],
    cap: int | None = None,
) -> list[frozenset[str]] | None:
    """Every nonempty set of visits one route can make: `windows[t]` t's start ranges,
    `minutes[t]` its duration, `trip[(a, b)]` the travel from a to b. None past `cap` sets
    (`HULL_SETS` by default)."""
    cap = HULL_SETS if cap is None else cap
    tids = sorted(windows)
    found: set[frozenset[str]] = set()
    level: dict[tuple[frozenset[str], str], int] = {(frozenset(), ""): -(10**9)}
    while level:
        following: dict[tuple[frozenset[str], str], int] = {}
        for (visited, last), ready in level.items():
            for t in tids:
                if t in visited:
                    continue
                arrive = ready + trip[(last, t)] if last else ready
                start = next((max(arrive, lo) for lo, hi in windows[t] if hi >= arrive), None)
                if start is None:
                    continue
                key = (visited | {t}, t)
                done = start + minutes[t]
                if key in following and following[key] <= done:
                    continue
                following[key] = done
                found.add(key[0])
                if len(found) > cap:
                    return None
        level = following
        clock.check()
    return sorted(found, key=sorted)


def add_route_hull(model: PlanModel, key: tuple[str, int], tasks: list[str]) -> int:
    """The slot's hull constraints (the module's docstring); the number of sets, 0 where the
    slot had more than `HULL_SETS` (then nothing is added)."""
    vid, k = key
    scenario, m = model.scenario, model.m
    mode = scenario.volunteers[vid].mode
    places = {t: scenario.tasks[t].location for t in tasks}
    trip = {
        (a, b): model.travel.minutes(mode, places[a], places[b])
        for a in tasks
        for b in tasks
        if a != b
    }
    windows = {t: model._windows[(vid, t, k)] for t in tasks}
    minutes = {t: scenario.tasks[t].duration_minutes for t in tasks}
    sets = slot_sets(windows, minutes, trip)
    if sets is None:
        return 0
    xs = [m.new_bool_var(f"route[{vid},{k},{'+'.join(sorted(s))}]") for s in sets]
    m.add_at_most_one(xs)
    for t in tasks:
        m.add(model.in_slot[(vid, t, k)] == sum(x for x, s in zip(xs, sets, strict=True) if t in s))
    hulls(model)[key] = dict(zip(sets, xs, strict=True))
    return len(sets)


def hulls(model: PlanModel) -> dict[tuple[str, int], dict[frozenset[str], cp_model.IntVar]]:
    """The model's hulls: (v, slot) -> each listed set's literal."""
    if not hasattr(model, "_hulls"):
        model._hulls = {}  # type: ignore[attr-defined]
    return model._hulls  # type: ignore[attr-defined,no-any-return]


def hint_hulls(model: PlanModel) -> None:
    """Each hull's literals as the hinted in_slot literals imply (after `PlanModel.hint`): the
    hinted plan is then a whole solution of the model with its hulls, not one CP-SAT must
    repair."""
    for (vid, k), by_set in hulls(model).items():
        chosen = frozenset(
            t for t in model.slot_tasks[(vid, k)]
            if model._hinted.get(model.in_slot[(vid, t, k)].index, 0)
        )  # fmt: skip
        for s, x in by_set.items():
            model._hint(x, s == chosen)
