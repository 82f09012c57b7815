"""A plan's suggestions checked as the checks end, so that a coordinator sees the first ones
while the rest are still being checked, and never a suggestion that was not checked.

Each check (`suggest_verify.keeps_promise`, a one-worker solve's coverage stages on the patched
week) takes seconds; a week's unserved tasks have tens of candidates. `Checks` runs them
`processes` at a time (one on a thread of this process, the others in processes of their
own), the next always for the task that has the fewest suggestions kept or under check (most
urgent first among equals): every task gets its first checked suggestion before any gets its
second. `plan()` is the plan as it
stands: each task's kept suggestions (fewest changes first, at most `per_task`, each checked)
and `checking` on the tasks whose checks are not over. Once `done`, the plan is the one
`with_suggestions` gives: a task shows its first `per_task` candidates that keep the promise,
and a candidate is checked only while it could still be shown (a candidate after the
`per_task`-th kept one never is), whatever order the checks ended in.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import replace
from types import TracebackType
from typing import Any

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.domain.plan import Plan, Suggestion, Unserved
from mutualaid.json_patch import Operation, guarded
from solver.suggest import Candidate
from solver.suggest_kinds import suggest

Check = Callable[[dict[str, Any], list[Operation], str, tuple[int, ...], int], bool]
"""check(document, patch, task, coverage before, seed): does the patch keep the promise?"""

PER_TASK = 3
"""Suggestions kept per unserved task (the fewest changes; each checked by a solve)."""

Job = tuple[str, int]
"""(task, index of its candidate)."""


def wanted(cands: list[Candidate], verdicts: dict[Job, bool], busy: set[Job], tid: str,
           per_task: int) -> list[int]:  # fmt: skip
    """The candidates of `tid` to check now: those not yet checked nor under check that could
    still be shown (fewer than `per_task` before them are kept or undecided)."""
    out, could = [], 0
    for i in range(len(cands)):
        if could >= per_task:
            break
        verdict = verdicts.get((tid, i))
        if verdict is False:
            continue
        could += 1
        if verdict is None and (tid, i) not in busy:
            out.append(i)
    return out


class Checks:
    """The checks of `plan`'s suggestions, under way (see the module). A context manager: on
    leaving, checks still running are abandoned (their processes end)."""

    def __init__(
        self,
        scenario: Scenario,
        document: dict[str, Any],
        plan: Plan,
        seed: int | None = None,
        per_task: int = PER_TASK,
        check: Check | None = None,
        tasks: list[str] | None = None,
        processes: int = 1,
        pooled: bool = True,
    ) -> None:
        """`pooled` false (one process only): each check runs in `advance`'s caller, so
        `check` need not be picklable and no box can cut a check short."""
        from solver.suggest_verify import keeps_promise  # it imports this module

        self.document, self.plan_in, self.per_task = document, plan, per_task
        self.check: Check = check or keeps_promise
        self.seed = scenario.settings.seed if seed is None else seed
        self.before = () if plan.objective is None else plan.objective.coverage_key()
        self.found: dict[str, list[Candidate]] = {}
        self.asked = set(tasks) if tasks is not None else {u.task for u in plan.unserved}
        if plan.objective is not None and plan.unserved:
            self.found = suggest(scenario, document, plan, tasks)
        rank = {p: i for i, p in enumerate(PRIORITIES)}
        order = {u.task: i for i, u in enumerate(plan.unserved)}
        self.order = sorted(self.found, key=lambda t: (rank[scenario.tasks[t].priority], order[t]))
        self.verdicts: dict[Job, bool] = {}
        self.running: dict[Future[bool], Job] = {}
        self.processes = max(1, processes)
        self.local: Executor | None = None
        """One check at a time on a thread of this process: warm (its imports done), it
        gives the first checks while the other processes start (bench/suggest_box.py)."""
        self.pool: Executor | None = None
        if pooled or self.processes > 1:
            self.local = ThreadPoolExecutor(1)
        if self.processes > 1:  # CP-SAT's threads and fork do not mix
            spawn = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(self.processes - 1, mp_context=spawn)
        self.on_local: set[Future[bool]] = set()
        self.spread = False
        """Whether the other processes are asked yet: only once the thread's first check has
        ended, since starting them (their imports) slows that first check on two cores."""
        self.alone_until = 0.0
        """Nor before this `time.monotonic()` (a time box's end, `suggest_verify.within`):
        within a 2 s box the thread alone settles more tasks than with them starting."""

    def __enter__(self) -> Checks:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.local is not None:  # a check under way on it ends on its own, unread
            self.local.shutdown(wait=False, cancel_futures=True)
            self.local = None
        if self.pool is not None:
            procs = list((getattr(self.pool, "_processes", None) or {}).values())
            self.pool.shutdown(wait=False, cancel_futures=True)
            for proc in procs if self.running else ():
                proc.terminate()  # a check under way is not waited for
            self.pool = None

    def _busy(self) -> set[Job]:
        return set(self.running.values())

    def _next(self) -> Job | None:
        """The task with the fewest suggestions kept or under check, its first candidate to
        check; None when no task has one to check."""
        busy = self._busy()
        best: tuple[int, int, Job] | None = None
        for n, tid in enumerate(self.order):
            todo = wanted(self.found[tid], self.verdicts, busy, tid, self.per_task)
            if not todo:
                continue
            kept = sum(self.verdicts.get((tid, i), False) for i in range(len(self.found[tid])))
            under = sum(1 for t, _ in busy if t == tid)
            if best is None or (kept + under, n) < best[:2]:
                best = (kept + under, n, (tid, todo[0]))
        return None if best is None else best[2]

    def settled(self, tid: str) -> bool:
        """Whether `tid`'s suggestions are final."""
        if tid not in self.found:
            return True
        busy = self._busy()
        return not any(t == tid for t, _ in busy) and not wanted(
            self.found[tid], self.verdicts, busy, tid, self.per_task
        )

    @property
    def done(self) -> bool:
        return all(self.settled(t) for t in self.found)

    def _run(self, job: Job) -> bool:
        tid, i = job
        return self.check(self.document, self.found[tid][i].patch, tid, self.before, self.seed)

    def advance(self, until: float | None = None) -> list[str]:
        """Check on until a task's suggestions are final (those tasks returned), every task's
        are, or `time.monotonic()` passes `until` (checks under way go on meanwhile)."""
        was = {t for t in self.found if self.settled(t)}
        while not self.done:
            if until is not None and time.monotonic() >= until:
                break
            if self.local is None:
                job = self._next()
                if job is None:
                    break
                self.verdicts[job] = self._run(job)
            else:
                alone = not self.spread or time.monotonic() < self.alone_until
                room = 1 if alone else self.processes
                while len(self.running) < room and (job := self._next()) is not None:
                    tid, i = job
                    here = not self.on_local or self.pool is None
                    where = self.local if here else self.pool
                    assert where is not None
                    patch = self.found[tid][i].patch
                    future = where.submit(self.check, self.document, patch, tid, self.before,
                                          self.seed)  # fmt: skip
                    self.running[future] = job
                    if here:
                        self.on_local.add(future)
                left = None if until is None else max(0.0, until - time.monotonic())
                ended, _ = wait(list(self.running), timeout=left, return_when=FIRST_COMPLETED)
                for future in ended:
                    self.spread = True
                    self.on_local.discard(future)
                    self.verdicts[self.running.pop(future)] = future.result()
            now = [t for t in self.found if t not in was and self.settled(t)]
            if now:
                return now
        return []

    def plan(self) -> Plan:
        """The plan with the suggestions checked so far; `checking` where more may come."""
        plan = self.plan_in
        if plan.objective is None or not plan.unserved:
            return plan
        unserved: list[Unserved] = []
        for u in plan.unserved:
            if u.task not in self.found:  # none found, or not asked for
                unserved.append(replace(u, checking=False) if u.task in self.asked else u)
                continue
            kept: list[Suggestion] = []
            for i, cand in enumerate(self.found[u.task]):
                if len(kept) >= self.per_task:
                    break
                if self.verdicts.get((u.task, i)):
                    patch = guarded(self.document, cand.patch)  # fails whole on a changed week
                    kept.append(Suggestion(cand.kind, cand.text(), tuple(patch),
                                           dict(cand.text_fields)))  # fmt: skip
            unserved.append(replace(u, suggestions=tuple(kept),
                                    checking=not self.settled(u.task)))  # fmt: skip
        return replace(plan, unserved=unserved)
