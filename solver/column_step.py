"""The route-set master's columns beside each open coverage step of a one-day part (issue 10,
items 1 and 2, stop 25 A): a competitor of CP-SAT's search, not only a hint, and a bound.

Once per part, at its first open step, column generation on the route-set master
(`solver.route_master`) is seeded with the step's hinted plan's routes and run for COLUMN_SHARE
of the step's time; its sets are kept on the model for every later step, which is seeded with
them and its own hinted plan's routes. Not the last priority's step (low): there it never won
and its bound was far above CP-SAT's (7004, 7010, 8030, 8036 at load 7: no column plan kept
the held counts, Lagrangian bounds of 110-311 low tasks), and its 2 s are CP-SAT's. Each step
then solves the integer master over the sets (`route_plan.integer_master`, the held counts
soft) and turns its choice into a plan (`route_plan.column_plan`); CP-SAT searches the step in
the time left.

The competitor: when the column plan keeps every count held above the step (the held tasks it
lost given back from the hinted plan: `restore`) and serves more of the step's priority than
the hint, CP-SAT's search is hinted with it; when it serves more than CP-SAT's incumbent (or
CP-SAT found none), it is the step's result (the next step is hinted from it). Its visits keep
every rule (tests/test_column_step.py holds them to the validator and the reference checker),
so it is a plan of the pairwise model too (`solver.coverage`'s docstring: that model's plans
are exactly the contract's routes).

The bound: the least Lagrangian bound L seen over the step's rounds is valid at every round
(`solver.route_master`'s docstring), for every plan serving at least the held counts above. So
no such plan serves more than floor(L + MARGIN) of the step's priority (`MasterBound.proves`);
the step's bound is the smaller of that and CP-SAT's, and the step is proved when the plan's
count reaches it. A pinned task is left out of the column plan (the master drops pins), so a
part with a pin gets neither; nor does a reproducible solve (column generation is timed by the
wall clock), nor a part of more than MAX_TASKS (a district's part: its slots alone took 161 s,
stop 24 B).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mutualaid.domain.model import PRIORITIES
from solver import low_enum_step, route_plan
from solver.energy_bound import one_day
from solver.route_master import MARGIN, RouteMaster, Slot
from solver.solution import Solution

COMPETE = False
"""The column plan competes with each open step of a one-day part (module docstring). Off:
in turn A B B A on 7004, 7010, 8030, 8036 (30 s, load 11-15) it won 8030 by 4 normal and
7010 by 1 in one pair, and lost 7004 by 2 normal, 7010 by 2 and 8036 by 4 low in the other
(docs/engine-on-unseen-weeks.md, stop 25 A): at that load one-task moves are the noise."""

BOUND = False
"""The master's Lagrangian bound bounds each open step of a one-day part. Off with COMPETE
(one switch measured): its bounds were at least as tight in every pair (8030's normal step
proved at 61, 7004's normal bound 64 where CP-SAT's was 65-66), but its column generation
shares the CPU with CP-SAT's search."""

LOW = False
"""The master's bound beside the last priority's step (low) of a one-day part, alone: column
generation beside CP-SAT's search for the whole step, its duals smoothed (SMOOTH), no integer
master (stop 26 A; docs/engine-on-unseen-weeks.md)."""

SMOOTH = 0.0
"""The weight of the best bound's duals in the duals priced at the low step (Wentges smoothing,
`RouteMaster.bound(smooth=)`); 0: the LP's own."""

COLUMN_SHARE = 0.35
"""Of an open step's time, what column generation may take: most of the part's columns are
generated at its first expensive step (normal)."""

BESIDE = True
"""The entrant runs beside CP-SAT's search of the step (`Beside`), which keeps all its time;
False: before it, in COLUMN_SHARE of the step's time taken from CP-SAT's (stop 25 A's first
A/B: 7004 lost 3 normal tasks, its columns unconverged in 3.9 s at load 12)."""

BESIDE_SHARE = 0.7
"""Beside CP-SAT, what column generation may take of the step's time (the integer master's
MIP_SHARE after it), so the entrant is ready when CP-SAT's search ends."""

MIP_SHARE = 0.1
"""Of a step's time, what the integer master over the columns may take."""

MAX_TASKS = 400
"""Parts of more tasks get no columns (module docstring)."""

LOG: list[dict[str, Any]] | None = None
"""When a list (a bench sets it), each step's figures are appended to it."""


@dataclass
class Entrant:
    """One step's column plan (None: none that keeps the held counts), its count of the step's
    priority, the master's integer bound on that count, and the wall seconds it took."""

    plan: Solution | None
    count: int
    bound: int | None
    seconds: float


def applies(model: Any, deterministic: bool) -> bool:
    """Whether the model's part gets columns (module docstring)."""
    switched = COMPETE or BOUND or LOW or low_enum_step.ENUM
    if not switched or deterministic or len(model.tids) > MAX_TASKS:
        return False
    mine = set(model.tids)
    if any(pin.task in mine for pin in model.scenario.pinned):
        return False
    return one_day(model.analyses, model.tids)


def enter(model: Any, p: str, held: Mapping[str, int], seconds: float,
          best: Solution | None, stop: Callable[[], bool] | None = None) -> Entrant:  # fmt: skip
    """Column generation for step `p` given `held` (kept on the model across its steps, seeded
    with `best`'s routes), the integer master and its plan, within the step's `seconds` (or
    until `stop()`: then no integer master)."""
    t0 = time.monotonic()
    last = p == PRIORITIES[-1]  # (LOW: the bound alone, until CP-SAT's search ends)
    share = (1.0 if last else BESIDE_SHARE) if stop is not None else COLUMN_SHARE
    kept = getattr(model, "_column_step", None)
    first = kept is None
    if kept is None:
        kept = (RouteMaster(model.scenario, model.analyses, model.tids, model.travel), [])
    master, sets = kept
    mine = route_plan.routes_of(master, best) if best is not None else []
    seed = sets + mine
    step = master.bound(p, held, deadline=t0 + seconds * share, seed=seed, stop=stop,
                        smooth=SMOOTH if last else 0.0)  # fmt: skip
    model._column_step = (master, sorted(set(sets) | set(step.sets), key=_order))
    proving = (BOUND or (LOW and last)) and step.sound()
    bound = math.floor(step.bound + MARGIN) if proving and math.isfinite(step.bound) else None
    out = Entrant(None, 0, bound, 0.0)
    info: dict[str, Any] = {}
    if COMPETE and not last and step.sets and not (stop is not None and stop()):
        mip = max(0.2, seconds * MIP_SHARE)
        got = route_plan.integer_master(master, p, held, step, seconds=mip, workers=1,
                                        soft=True, start=mine)  # fmt: skip
        sol = route_plan.column_plan(master, got.chosen, got.served)
        count = {q: sum(model.scenario.tasks[t].priority == q for t in sol.crews)
                 for q in PRIORITIES}  # fmt: skip
        info = {"mip": got.status, "columns": dict(count)}
        if best is not None and any(count[q] < n for q, n in held.items()):
            sol = restore(master, sol, best, held, p)
            count = {q: sum(model.scenario.tasks[t].priority == q for t in sol.crews)
                     for q in PRIORITIES}  # fmt: skip
            info["restored"] = dict(count)
        if all(count[q] >= n for q, n in held.items()):
            out.plan, out.count = sol, count[p]
    out.seconds = time.monotonic() - t0
    if LOG is not None:
        LOG.append(info | {"priority": p, "held": dict(held), "first": first, "lp": step.lp,
                    "lagrangian": step.bound, "converged": step.converged, "sound": step.sound(),
                    "rounds": step.rounds, "sets": len(step.sets), "count": out.count,
                    "plan": out.plan is not None, "seconds": out.seconds})  # fmt: skip
    return out


def restore(master: RouteMaster, sol: Solution, best: Solution, held: Mapping[str, int],
            p: str) -> Solution:  # fmt: skip
    """`sol` with the held tasks it lost (short of a held count: the master has no crews'
    common start) given back from `best` (which serves every held count) at `best`'s start and
    crew, each member's visits of `p` nearest it dropped until the member's route and weekly
    minutes fit; a task that would need a held visit dropped stays out."""
    sc, tasks = master.scenario, master.scenario.tasks
    index = {(slot.vid, slot.k): i for i, slot in enumerate(master.slots)}
    out = Solution(dict(sol.starts), dict(sol.crews))
    count = {q: sum(tasks[t].priority == q for t in out.crews) for q in held}
    for t in sorted(best.crews, key=lambda t: (PRIORITIES.index(tasks[t].priority), t)):
        q = tasks[t].priority
        if q not in held or t in out.crews or count[q] >= held[q]:
            continue
        start, drop = best.starts[t], set()
        for av in best.crews[t]:
            v = av.id
            blocks = sc.volunteers[v].blocks
            k = next((k for k, (lo, hi) in enumerate(blocks) if lo <= start < hi), None)
            i = index.get((v, k)) if k is not None else None
            if i is None or t not in master.slots[i].ranges:
                break
            slot = master.slots[i]
            mine = {u: out.starts[u] for u, crew in out.crews.items()
                    if u not in drop and any(a.id == v for a in crew)}  # fmt: skip
            here = {u: at for u, at in mine.items() if slot.begin <= at < slot.end}
            used = sum(tasks[u].duration_minutes for u in mine) + tasks[t].duration_minutes
            while (
                not _fits(slot, {**here, t: start}) or used > sc.volunteers[v].max_service_minutes
            ):
                near = [u for u in (here if not _fits(slot, {**here, t: start}) else mine)
                        if tasks[u].priority == p and u not in drop]  # fmt: skip
                if not near:
                    break
                u = min(near, key=lambda u: (abs(out.starts[u] - start), u))
                drop.add(u)
                here.pop(u, None)
                mine.pop(u)
                used -= tasks[u].duration_minutes
            else:
                continue
            break
        else:
            for u in drop:
                del out.crews[u], out.starts[u]
            out.crews[t], out.starts[t] = best.crews[t], start
            count[q] += 1
    return out


def _fits(slot: Slot, starts: Mapping[str, int]) -> bool:
    """Whether visits at these starts make one route of the slot (home to home)."""
    ready, last = slot.begin, ""
    for t in sorted(starts, key=lambda t: starts[t]):
        if t not in slot.ranges or not any(lo <= starts[t] <= hi for lo, hi in slot.ranges[t]):
            return False
        if starts[t] < ready + slot.legs[(last, t)]:
            return False
        ready, last = starts[t] + slot.minutes[t], t
    return ready + (slot.legs[(last, "")] if last else 0) <= slot.end


def before(
    model: Any, p: str, held: Mapping[str, int], hinted: int | None, limit: float,
    best: Solution | None, run: Any,
) -> tuple[Entrant | Beside | low_enum_step.Early | None, Solution | None, float]:  # fmt: skip
    """Before CP-SAT searches step `p`: the column plan's hint (`route_plan.column_hint`, off
    unless `route_plan.HINT`, given to the model here) and this module's entrant (None where it
    does not apply, and on the last priority's step), hinted when it serves more
    than the hint; the step's time left for CP-SAT. With `low_enum_step.ENUM`, the low step's
    enumeration starts at the step before it and is the low step's entrant."""
    t0 = time.monotonic()
    if cols := route_plan.column_hint(model, p, held, hinted, limit, best):
        model.hint(cols)
    if low_enum_step.ENUM and p in PRIORITIES[-2:] and applies(model, run.deterministic):
        if p != PRIORITIES[-1]:
            low_enum_step.start(model, p, held, hinted, best, limit)
        else:
            return low_enum_step.at_low(model, held, limit, best), cols, limit
    entrant: Entrant | Beside | None = None
    steps = (COMPETE or BOUND) if p != PRIORITIES[-1] else LOW
    if steps and applies(model, run.deterministic):
        if BESIDE:
            return Beside(model, p, held, limit, best), cols, limit
        entrant = enter(model, p, held, limit, best)
        if wins(entrant, -1 if hinted is None else hinted):
            assert entrant.plan is not None
            model.hint(entrant.plan)  # CP-SAT's search starts from it
    if route_plan.HINT or entrant is not None:
        limit = max(0.05, limit - (time.monotonic() - t0))
    return entrant, cols, limit


class Beside:
    """`enter` in a thread of its own while CP-SAT searches (BESIDE): CP-SAT's search runs in
    C++ without Python's lock. `get()` stops its column generation (between rounds; no integer
    master then) and waits for its entrant."""

    def __init__(self, model: Any, p: str, held: Mapping[str, int], seconds: float,
                 best: Solution | None) -> None:  # fmt: skip
        self.done = threading.Event()
        self.out: Entrant | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(model, p, dict(held), seconds,
                                       best), name="column-step", daemon=True)  # fmt: skip
        self.thread.start()

    def _run(self, model: Any, p: str, held: dict[str, int], seconds: float,
             best: Solution | None) -> None:  # fmt: skip
        try:
            self.out = enter(model, p, held, seconds, best, stop=self.done.is_set)
        except BaseException as exc:  # (raised again where the step asks for it)
            self.error = exc

    def get(self) -> Entrant | None:
        self.done.set()
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.out


def _got(entrant: Entrant | Beside | low_enum_step.Early | None) -> Entrant | None:
    if isinstance(entrant, low_enum_step.Early):
        got: Entrant | None = entrant.get()
        return got
    return entrant.get() if isinstance(entrant, Beside) else entrant


def wins(entrant: Entrant | Beside | low_enum_step.Early | None, value: int) -> bool:
    """Whether the entrant's plan serves more of its step than `value` (CP-SAT's)."""
    got = _got(entrant)
    return got is not None and got.plan is not None and got.count > value


def judge(
    entrant: Entrant | Beside | low_enum_step.Early | None, value: int, bound: int, optimal: bool
) -> tuple[Solution | None, int, int, bool]:
    """The step's result beside CP-SAT's (`value`, `bound`, `optimal`): the entrant's plan
    when it serves more (else None), the count, the smaller bound, and whether proved."""
    early = entrant if isinstance(entrant, low_enum_step.Early) else None
    entrant = _got(entrant)
    if entrant is None:
        return None, value, bound, optimal
    taken = entrant.plan if wins(entrant, value) else None
    if taken is not None:
        value = entrant.count
    if entrant.bound is not None and entrant.bound >= value:  # (below: never, by weak duality)
        bound = min(bound, entrant.bound)
    if early is not None:
        early.info.update(taken=taken is not None, step_value=value, step_bound=bound)
    elif LOG is not None:
        LOG[-1].update(taken=taken is not None, step_value=value, step_bound=bound)
    return taken, value, bound, optimal or value >= bound


def _order(c: tuple[int, frozenset[str]]) -> tuple[int, list[str]]:
    return c[0], sorted(c[1])


def finish(model: Any) -> None:
    """After a part's coverage steps: no thread of theirs left running."""
    low_enum_step.finish(model)
