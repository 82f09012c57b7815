"""Reduced-cost route enumeration on the route-set master (issue 10, item 1, stop 27 A; Baldacci,
Christofides & Mingozzi 2008): from the duals d of column generation (`solver.route_master`),
the integer master's optimum exactly, or how far the enumeration would have to go.

At duals d, the Lagrangian bound is L = C + sum_t max(0, r_t) + sum_b B_b, where B_b >= 0 is
slot b's best set's prize (`best_set`, found exactly) and C, r_t as `route_master`'s
docstring. For any integer solution (x, y) of the master (every plan gives one), its count z
of the priority satisfies

    z <= L - sum_b gap_b - sum_t (max(0, r_t) - r_t y_t),   gap_b = B_b - p_b(S_b)

(S_b the set slot b routes, the empty set of prize 0 when it routes none; every term >= 0,
and the relaxed rows' slack only lowers z further). So a solution serving at least I + 1
routes in each slot a set of prize p_b(S) >= B_b - G, G = L - (I + 1). `enumerate_sets` lists
EVERY such set of a slot (labels over all its visits, negative prizes too, a label dropped
only when its prize plus the knapsack of its time left cannot reach the threshold), or gives
up past `cap` labels (then nothing is proved). The integer master over exactly those sets
(`route_plan.integer_master`, the counts above held) then answers: optimum <= I proves that
no plan serves more than I; an optimum z* >= I + 1 is the master's integer optimum (a set it
would need is listed). `prove` starts at I = floor(L) - 1 (the least G) and steps I down while
the integer master's best over the listed sets is below I (the optimum is in [z*, I]).

The master drops crews' common start, team roles and pins (`route_master`), so its integer
optimum bounds the plan's count; a value above the plan's is no plan (`route_plan.column_plan`
makes one). Not in the planner (stop 27 A, docs/engine-on-unseen-weeks.md).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from solver import route_plan
from solver.route_master import LABELS, MARGIN, Duals, MasterBound, RouteMaster, Slot, best_set

CAP = 200_000
"""Labels one slot's enumeration makes at most; past it the enumeration is too big (no proof)."""


@dataclass
class Pricing:
    """The Lagrangian bound at the duals, each slot's best prize B_b and visits' prizes, the
    step's tasks, and whether every slot was priced exactly (else L is no base to enumerate)."""

    value: float
    best: list[float]
    prizes: list[dict[str, float]]
    tids: list[str]
    exact: bool
    reduced: dict[str, float] = field(default_factory=dict)
    """Each task's reduced cost r_t (its y's coefficient in L(x, y; d))."""
    constant: float = 0.0
    """C: L(x, y; d) = C + sum_t r_t y_t + sum of the chosen sets' prizes."""


def lagrangian(
    master: RouteMaster, priority: str, held: Mapping[str, int], d: Duals, cap: int = LABELS
) -> Pricing:
    """L at duals `d` (module docstring), recomputed with each slot priced to the end."""
    sc, tasks, analyses = master.scenario, master.scenario.tasks, master.analyses
    a, b, g, e, s_ = d
    tids = [t for t in master.open if tasks[t].priority == priority or tasks[t].priority in held]
    keep = set(tids)
    roles_of: dict[tuple[str, str], list[int]] = defaultdict(list)
    for t in tids:
        for r, role in enumerate(analyses[t].pools):
            for v in sorted({v for pool in role for v in pool.members}):
                roles_of[(v, t)].append(r)
    vols = sorted({slot.vid for slot in master.slots})
    value = sum(e.get(v, 0.0) * sc.volunteers[v].max_service_minutes for v in vols)
    value += sum(g.values()) - sum(s_.get(q, 0.0) * n for q, n in held.items())
    constant, reduced_of = value, {}
    for t in tids:
        task = tasks[t]
        reduced = (1.0 if task.priority == priority else 0.0) + s_.get(task.priority, 0.0)
        reduced -= sum(need.min_people * a.get((t, r), 0.0) for r, need in enumerate(task.needs))
        reduced -= task.people * b.get(t, 0.0)
        reduced_of[t] = reduced
        value += max(0.0, reduced)
    best, prizes, exact = [], [], True
    for slot in master.slots:
        prize = {
            t: (b.get(t, 0.0) + sum(a.get((t, r), 0.0) for r in roles_of[(slot.vid, t)])
                if t in keep else 0.0)
            - g.get((slot.vid, t), 0.0) - e.get(slot.vid, 0.0) * slot.minutes[t]
            for t in slot.ranges
        }  # fmt: skip
        most, _, above = best_set(slot, prize, cap)
        exact &= above == most
        value += above
        best.append(above)
        prizes.append(prize)
    return Pricing(value, best, prizes, tids, exact, reduced_of, constant)


def enumerate_sets(
    slot: Slot, prize: Mapping[str, float], floor: float, cap: int = CAP,
    limit: int | None = None,
) -> tuple[set[frozenset[str]] | None, int]:  # fmt: skip
    """Every set of visits the slot routes whose prize is at least `floor` (the empty set
    included when 0 is) and, given `limit`, whose minutes are within it (the volunteer's
    weekly minutes: a plan's set is); the labels made; None past `cap` labels (too big)."""
    legs, ranges, minutes = slot.legs, slot.ranges, slot.minutes
    tids = sorted(ranges)
    gain = {t: max(0.0, prize[t]) for t in tids}
    latest = {t: max(hi for _, hi in ranges[t]) for t in tids}
    weight = {t: minutes[t] + slot.into[t] for t in tids}
    by_ratio = sorted(tids, key=lambda t: (-gain[t] / max(1, weight[t]), t))
    reach = legs if slot.triangle else {
        (a, t): min(legs[(a, t)], slot.into[t]) for a in ["", *tids] for t in tids if a != t
    }  # fmt: skip

    def completion(visited: frozenset[str], last: str, ready: int) -> float:
        """The most prize visits after a label can add (`best_set`'s knapsack bound)."""
        rest, room = 0.0, slot.end - ready
        for t in by_ratio:
            if gain[t] <= 0:
                break
            if t in visited or latest[t] < ready + reach[(last, t)]:
                continue
            if weight[t] <= room:
                rest += gain[t]
                room -= weight[t]
            else:
                return rest + gain[t] * max(0, room) / max(1, weight[t])
        return rest

    found: set[frozenset[str]] = {frozenset()} if floor <= 0 else set()
    level: dict[tuple[frozenset[str], str], tuple[int, float]] = {
        (frozenset(), ""): (slot.begin, 0.0)
    }
    made = 0
    while level:
        following: dict[tuple[frozenset[str], str], tuple[int, float]] = {}
        for (visited, last), (ready, got) in level.items():
            if got + completion(visited, last, ready) < floor:
                continue  # no set extending it reaches the floor
            for t in tids:
                if t in visited:
                    continue
                arrive = ready + legs[(last, t)]
                start = next((max(arrive, lo) for lo, hi in ranges[t] if hi >= arrive), None)
                if start is None:
                    continue
                done = start + minutes[t]
                if done + legs[(t, "")] > slot.end:
                    continue
                key = (visited | {t}, t)
                if key in following and following[key][0] <= done:
                    continue
                if limit is not None and sum(minutes[u] for u in key[0]) > limit:
                    continue
                value = got + prize[t]
                following[key] = (done, value)
                if value >= floor:
                    found.add(key[0])
                made += 1
                if made > cap:
                    return None, made
        level = following
    return found, made


@dataclass
class Proof:
    """`prove`'s answer: the least count proved (no plan serves more; None: none), the
    integer master's solution serving more than the last I tried (its value, sets, tasks;
    then `optimum`: that value is the master's integer optimum), and each try (I, G, sets
    listed, most sets of a slot, labels, the integer master's status, CPU seconds so far);
    `big`: the slots' labels when an enumeration was cut (too big: nothing proved there)."""

    lagrangian: float
    proved: int | None = None
    value: int | None = None
    optimum: bool = False
    chosen: list[tuple[int, frozenset[str]]] = field(default_factory=list)
    served: set[str] = field(default_factory=set)
    tries: list[tuple[int, float, int, int, int, str, float]] = field(default_factory=list)
    big: list[int] = field(default_factory=list)


def listed(
    master: RouteMaster, pricing: Pricing, gap: float, cap: int = CAP,
    deadline: float | None = None,
) -> tuple[list[tuple[int, frozenset[str]]] | None, list[int], int]:  # fmt: skip
    """Every slot's sets within `gap` of its best prize (non-empty ones), each slot's
    labels, the most sets of one slot; None when a slot passed `cap` or the deadline."""
    sets: list[tuple[int, frozenset[str]]] = []
    sizes, most = [], 0
    for n, slot in enumerate(master.slots):
        # MARGIN under the threshold: a set the floats put a hair below it is listed too.
        limit = master.scenario.volunteers[slot.vid].max_service_minutes
        got, made = enumerate_sets(slot, pricing.prizes[n], pricing.best[n] - gap - MARGIN, cap,
                                   limit)  # fmt: skip
        sizes.append(made)
        if got is None or (deadline is not None and time.monotonic() > deadline):
            return None, sizes, most
        sets += [(n, s) for s in sorted(got, key=sorted) if s]
        most = max(most, len(got))
    return sets, sizes, most


def reduced_cost_row(
    pricing: Pricing, sets: list[tuple[int, frozenset[str]]], count: int
) -> tuple[list[int], dict[str, int], int]:
    """The row every solution serving `count` meets: C + sum r_t y_t + sum p(S) x_S >= count
    (module docstring), in integers of 1/SCALE, each weight rounded up and the floor down
    (a hair lower still, for the floats' error): it never cuts such a solution off."""
    weights = [math.ceil(sum(pricing.prizes[n][t] for t in s) * SCALE) for n, s in sets]
    of_task = {t: math.ceil(r * SCALE) for t, r in pricing.reduced.items()}
    least = math.floor((count - pricing.constant - MARGIN) * SCALE)
    return weights, of_task, least


LINEARIZATION = 2
"""CP-SAT's linearization_level for the integer master's questions: its LP over the listed sets
is near L, and with the whole model in it 7004's "serving 11" took 0.4 s CPU, not 5-8 s, and
7010's "serving 7" at G = 1 3.2 s, not undecided in 33 s (stop 27 A)."""

SCALE = 10_000
"""The reduced-cost row's integer unit (1/SCALE of a task)."""


def prove(
    master: RouteMaster, priority: str, held: Mapping[str, int], step: MasterBound, *,
    target: int | None = None, cap: int = CAP, seconds: float = 10.0, workers: int = 1,
    deadline: float | None = None, start: Iterable[tuple[int, frozenset[str]]] = (),
    max_gap: float = math.inf,
) -> Proof:  # fmt: skip
    """From `step`'s duals (module docstring): is there an integer solution of the master
    serving I + 1 over the sets within G of zero reduced cost; none proves I. From I =
    `target` (one try), else from floor(L) - 1 down until one is found (the optimum then
    I + 1, proved at I + 1 the try before) or a try is cut, or G would pass `max_gap`."""
    c0 = time.process_time()
    if step.duals is None:
        return Proof(math.inf)
    pricing = lagrangian(master, priority, held, step.duals)
    out = Proof(pricing.value)
    out.tries.append((-1, 0.0, 0, 0, 0, "priced", time.process_time() - c0))
    if not pricing.exact or not math.isfinite(pricing.value):
        return out
    top = math.floor(pricing.value + MARGIN)
    out.proved = top  # L alone
    i = top - 1 if target is None else target
    if i >= top:
        return out
    while i >= 0:
        gap = pricing.value - (i + 1)
        if gap >= max_gap:
            return out
        sets, sizes, most = listed(master, pricing, gap, cap, deadline)
        out.tries.append((i, gap, -1 if sets is None else len(sets), most, sum(sizes),
                          "listed", time.process_time() - c0))  # fmt: skip
        if sets is None:
            out.big = sizes
            out.tries.append((i, gap, -1, most, sum(sizes), "too big", time.process_time() - c0))
            return out
        one = MasterBound(priority, pricing.value, pricing.value, 0, True, 0.0, len(sets),
                          sets=sets, tids=pricing.tids)  # fmt: skip
        got = route_plan.integer_master(
            master, priority, held, one, seconds=seconds, workers=workers, at_least=i + 1,
            cut=reduced_cost_row(pricing, sets, i + 1), linearization=LINEARIZATION,
        )  # fmt: skip
        out.tries.append((i, gap, len(sets), most, sum(sizes), got.status,
                          time.process_time() - c0))  # fmt: skip
        if got.status == "INFEASIBLE":
            out.proved = i  # no solution serving i + 1 uses a set left out
            # A solution over the sets listed is one of the master: serving i, i is the optimum.
            best = route_plan.integer_master(master, priority, held, one, seconds=seconds,
                                             workers=workers, start=start, at_least=i,
                                             linearization=LINEARIZATION)  # fmt: skip
            out.tries.append((i, gap, len(sets), most, sum(sizes), f"best {best.status} "
                              f"{best.value}", time.process_time() - c0))  # fmt: skip
            if best.status in ("OPTIMAL", "FEASIBLE") and best.value >= i:
                out.value, out.chosen, out.served = best.value, best.chosen, best.served
                out.optimum = True
                return out
        elif got.status in ("OPTIMAL", "FEASIBLE"):
            out.value, out.chosen, out.served = got.value, got.chosen, got.served
            out.optimum = out.proved == i + 1
            return out
        else:
            return out  # not answered in time: nothing proved at i
        if target is not None:
            return out
        i -= 1
    return out
