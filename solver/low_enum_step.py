"""Reduced-cost route enumeration (`solver.route_enum`, stop 27 A) beside the low step of a
one-day part (issue 10, item 1, stop 27 A2), behind ENUM (off).

Column generation for the low priority starts at the normal step, in a thread of its own beside
CP-SAT's search (`Early`), with normal held at the hint's count; once converged it waits for
the low step. The low step binds it to its own counts (`at_low`): column generation runs again
at them, seeded with every set found so far (any set is a column of the master, whatever the
counts held; only the duals and bound belong to the counts), so the bound is always the low
step's own. Once converged at them, one enumeration at I = floor(L) - 1 (G < MAX_GAP) asks
the integer master whether a solution serving I + 1 exists over the sets listed: none proves I.

At the low step's end (`Early.get`) the thread stops; its bound (`Proof.proved`, valid for
every plan serving the held counts) bounds the step, and the integer master's column plan
(`route_plan.column_plan`, the held tasks it lost given back: `column_step.restore`) is the
step's result ONLY when it serves more low tasks than CP-SAT's plan, keeps every held count
and passes the project's validator. The step is proved only when its plan reaches the bound
(`column_step.judge`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from mutualaid.contract import plan_json
from mutualaid.domain.model import PRIORITIES
from mutualaid.validation import validate
from solver import route_enum, route_plan
from solver.route_master import RouteMaster
from solver.solution import Solution, build_plan

ENUM = False
"""Route enumeration beside the low step of a one-day part (module docstring)."""

MAX_GAP = 1.0
"""Enumerate only while G = L - (I + 1) is below it: one try, at I = floor(L) - 1 (stop 27 A:
7010's G = 1 try took 8 s of CPU; 8036's G = 0.8 listed 125,000 sets)."""

MIP_SECONDS = 10.0
"""One integer-master question's time at most (stop 27 A: 0.3-4.7 s of CPU each)."""

WAIT = False
"""Tests: the thread runs to its end (converged, enumerated) whatever its deadline, and `get`
waits for it (a test waits for states, never for seconds)."""

LOG: list[dict[str, Any]] | None = None
"""When a list (a bench sets it), each thread's figures are appended to it."""


class Early:
    """Column generation and one enumeration for the low step, in a thread, from the moment
    the held counts are known (`held`: the normal count the hint's); `bind` gives it the low
    step's end, counts and incumbent; `get` stops it and gives the entrant."""

    def __init__(self, model: Any, held: Mapping[str, int], best: Solution | None,
                 deadline: float = math.inf) -> None:  # fmt: skip
        self.model, self.held, self.best = model, dict(held), best
        self.deadline = deadline
        self.step_held: dict[str, int] | None = None
        self.done = threading.Event()
        self.ready = threading.Event()
        self.proof: route_enum.Proof | None = None
        self.master: RouteMaster | None = None
        self.error: BaseException | None = None
        self.out: Any = None
        self.t0 = time.monotonic()
        self.info: dict[str, Any] = {"held": dict(held)}
        self.thread = threading.Thread(target=self._run, name="low-enum", daemon=True)
        self.thread.start()

    def _stopped(self) -> bool:
        return not WAIT and (self.done.is_set() or time.monotonic() > self.deadline)

    def _run(self) -> None:
        try:
            low = PRIORITIES[-1]
            m = self.model
            master = RouteMaster(m.scenario, m.analyses, m.tids, m.travel)
            self.master = master
            seed = route_plan.routes_of(master, self.best) if self.best is not None else []
            sets, held = list(seed), self.held
            while True:  # until converged at the low step's own counts
                step = master.bound(low, held, seed=sets, stop=self._stopped)
                sets = sorted(set(sets) | set(step.sets), key=_order)
                while not self.ready.wait(0.05):  # (a test's WAIT binds before it gets)
                    if self._stopped():
                        return
                if self._stopped() or (not step.converged and held == self.step_held):
                    return
                if held == self.step_held:
                    break
                held = self.step_held or held  # warm: the sets so far seed the step's counts
            self.info.update(lp=step.lp, lagrangian=step.bound, converged=step.converged,
                             rounds=step.rounds, cg_s=time.monotonic() - self.t0)  # fmt: skip
            deadline = math.inf if WAIT else self.deadline
            left = deadline - time.monotonic()
            self.proof = route_enum.prove(
                master, low, held, step, seconds=max(0.2, min(MIP_SECONDS, left)),
                workers=1, deadline=deadline if math.isfinite(deadline) else None,
                start=seed, max_gap=MAX_GAP,
            )  # fmt: skip
            self.info.update(proved=self.proof.proved, value=self.proof.value,
                             tries=[t[5] for t in self.proof.tries],
                             enum_s=time.monotonic() - self.t0)  # fmt: skip
        except BaseException as exc:  # (raised again where the step asks for it)
            self.error = exc

    def bind(self, held: Mapping[str, int], best: Solution | None, deadline: float) -> None:
        self.step_held, self.best, self.deadline = dict(held), best, deadline
        self.ready.set()

    def stop(self) -> None:
        self.done.set()
        self.ready.set()
        self.thread.join()

    def get(self) -> Any:
        """The low step's entrant (`column_step.Entrant`): bound and plan, or None."""
        if self.out is not None:
            return self.out
        from solver.column_step import Entrant, restore  # (column_step imports this module)

        self.stop()
        if self.error is not None:
            raise self.error
        proof, master, held = self.proof, self.master, self.step_held or self.held
        out = Entrant(None, 0, None, time.monotonic() - self.t0)
        if proof is not None and proof.proved is not None and master is not None:
            out.bound = proof.proved
            if proof.chosen:
                out.plan, out.count = self._plan(master, proof, held, restore)
        self.info.update(bound=out.bound, count=out.count, plan=out.plan is not None,
                         seconds=out.seconds)  # fmt: skip
        if LOG is not None:
            LOG.append(self.info)
        self.out = out
        return out

    def _plan(self, master: RouteMaster, proof: route_enum.Proof, held: Mapping[str, int],
              restore: Any) -> tuple[Solution | None, int]:  # fmt: skip
        """The integer master's column plan when it keeps every held count and the validator
        passes it (else None), and its low count."""
        sc, low = self.model.scenario, PRIORITIES[-1]
        sol = route_plan.column_plan(master, proof.chosen, proof.served)
        count = _count(sc, sol)
        if self.best is not None and any(count[q] < n for q, n in held.items()):
            sol = restore(master, sol, self.best, held, low)
            count = _count(sc, sol)
        self.info["columns"] = dict(count)
        if any(count[q] < n for q, n in held.items()):
            return None, 0
        part = replace(sc, tasks={t: sc.tasks[t] for t in self.model.tids}, expect=None)
        plan = build_plan(part, sol, self.model.analyses, self.model.travel, status="feasible",
                          bound={}, started=time.monotonic())  # fmt: skip
        report = validate(part, plan_json.dump(plan, part))
        self.info["valid"] = report.ok
        return (sol, count[low]) if report.ok else (None, 0)


def _order(c: tuple[int, frozenset[str]]) -> tuple[int, list[str]]:
    return c[0], sorted(c[1])


def _count(sc: Any, sol: Solution) -> dict[str, int]:
    return {q: sum(sc.tasks[t].priority == q for t in sol.crews) for q in PRIORITIES}


def start(model: Any, p: str, held: Mapping[str, int], hinted: int | None,
          best: Solution | None, seconds: float) -> None:  # fmt: skip
    """At the step before low (`p`, of `seconds`), the thread, held at the hint's count of
    `p`; until the low step binds it, it stops by twice the step's time (a low step skipped
    leaves no thread behind for long; `finish` stops it at once)."""
    if hinted is None or best is None or getattr(model, "_low_enum", None) is not None:
        return
    model._low_enum = Early(model, {**held, p: hinted}, best, time.monotonic() + 2 * seconds)


def finish(model: Any) -> None:
    """After the steps: a thread no low step took is stopped."""
    early: Early | None = getattr(model, "_low_enum", None)
    if early is not None:
        early.stop()
        model._low_enum = None


def at_low(model: Any, held: Mapping[str, int], seconds: float, best: Solution | None) -> Early:
    """At the low step: the thread started before (a new one when none is alive), bound to the
    step's counts and end."""
    early: Early | None = getattr(model, "_low_enum", None)
    if early is None or not early.thread.is_alive():
        early = Early(model, held, best)
    model._low_enum = None
    early.bind(held, best, time.monotonic() + seconds)
    return early
