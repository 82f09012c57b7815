"""Insertion that pushes a route's later visits: each unserved one-person task fitted into a
candidate's availability block at some place in its route, the visits after it moved later
where their windows allow (their order and volunteers kept).

Greedy (`solver.greedy`) books each visit at its earliest start and never moves it again, so a
task fits a volunteer only into a gap already open between two visits. On a week whose tasks
all fall on one day most unserved tasks' candidates have time left in the block, but in
pieces: the visit needs the later ones pushed back. Measured on the district one-day week 7004
(1,769 tasks in one part), from scarcest first's plan 88/341/621/76: 88/342/638/102 in 0.4 s
by insertion, 88/342/655/101 with swaps after it.

Every rule is kept by construction: a new visit goes only to a candidate of its task (rules 1
and 2, `TaskAnalysis.candidates`), at a start in their free ranges within the task's start
domain (rule 3), within their weekly hours (rule 5); the block's route is timed again from home
to home with travel between visits (rule 4); visits of more than one person and pinned ones
keep their starts (a crew starts together, rule 3; rule 6), and a route that cannot keep them
is not taken. Nothing served is dropped, so coverage never falls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from mutualaid.domain.eligibility import within_hours
from mutualaid.domain.model import PRIORITIES, Scenario, Span
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.greedy import assign_roles
from solver.solution import Solution


def _alone(scenario: Scenario, tid: str) -> bool:
    needs = scenario.tasks[tid].needs
    return len(needs) == 1 and needs[0].min_people == 1


def _allowed(a: TaskAnalysis, v: str) -> list[Span]:
    """Closed ranges of starts of `a`'s task for `v`: their free ranges within the domain."""
    return sorted(
        (max(lo, x), min(hi, y))
        for lo, hi in a.free.get(v, [])
        for x, y in a.start_domain
        if max(lo, x) <= min(hi, y)
    )


class _Routes:
    """Each volunteer's served visits, and the timing of a block's route from home to home."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: Mapping[str, TaskAnalysis],
        travel: TravelModel,
        sol: Solution,
    ) -> None:
        self.scenario, self.analyses, self.travel, self.sol = scenario, analyses, travel, sol
        self.visits: dict[str, list[str]] = defaultdict(list)
        self.minutes: dict[str, int] = defaultdict(int)
        pinned = {p.task for p in scenario.pinned}
        self.fixed = {t for t, crew in sol.crews.items() if len(crew) > 1 or t in pinned}
        for tid in sorted(sol.crews):
            for av in sol.crews[tid]:
                self.visits[av.id].append(tid)
                self.minutes[av.id] += scenario.tasks[tid].duration_minutes

    def timed(self, v: str, block: Span, seq: list[str]) -> list[int] | None:
        """Starts for the visits of `seq` in this order, each at its earliest; None when the
        route breaks a rule (a fixed visit's start not reached, a visit without a start in
        its ranges, the way home past the block's end)."""
        vol = self.scenario.volunteers[v]
        at, here = block[0], vol.home
        starts = []
        for tid in seq:
            task = self.scenario.tasks[tid]
            earliest = at + self.travel.minutes(vol.mode, here, task.location)
            if tid in self.fixed:
                start: int | None = self.sol.starts[tid]
                if start is None or start < earliest:
                    return None
            else:
                start = next(
                    (max(lo, earliest) for lo, hi in _allowed(self.analyses[tid], v)
                     if hi >= earliest),
                    None,
                )  # fmt: skip
                if start is None:
                    return None
            starts.append(start)
            at, here = start + task.duration_minutes, task.location
        if at + self.travel.minutes(vol.mode, here, vol.home) > block[1]:
            return None
        return starts

    def insert(self, tid: str, only: str | None = None) -> bool:
        """`tid` served by the first of its candidates (nearest home first) whose route takes
        it somewhere, the visits after it pushed later; whether it was."""
        a = self.analyses[tid]
        task = a.task
        for v in sorted(a.candidates, key=lambda c: (a.travel_home.get(c, 0), c)):
            if only is not None and v != only:
                continue
            vol = self.scenario.volunteers[v]
            allowed = _allowed(a, v)
            if not allowed or not within_hours(vol, self.minutes[v] + task.duration_minutes):
                continue
            crew = assign_roles(task.needs, a.pools, {v}, (), lambda c: (c,))
            if crew is None:
                continue
            for bs, be in vol.blocks:
                if not any(lo <= be and hi >= bs for lo, hi in allowed):
                    continue
                seq = sorted(
                    (t for t in self.visits[v] if bs <= self.sol.starts[t] < be),
                    key=lambda t: self.sol.starts[t],
                )
                for i in range(len(seq) + 1):
                    trial = [*seq[:i], tid, *seq[i:]]
                    starts = self.timed(v, (bs, be), trial)
                    if starts is not None:
                        self.sol.starts.update(zip(trial, starts, strict=True))
                        self.sol.crews[tid] = crew
                        self.visits[v].append(tid)
                        self.minutes[v] += task.duration_minutes
                        return True
        return False

    def remove(self, tid: str) -> None:
        """`tid` no longer served (a one-person visit; the route around it stays valid, since
        travel between its neighbours is never longer than through it)."""
        (av,) = self.sol.crews.pop(tid)
        del self.sol.starts[tid]
        self.visits[av.id].remove(tid)
        self.minutes[av.id] -= self.scenario.tasks[tid].duration_minutes

    def swap(self, tid: str) -> bool:
        """`tid` served in place of a visit `x` of one of its candidates, of its priority or
        lower, and `x` inserted elsewhere (`insert`); where `x` is lower it may stay unserved.
        Whether `tid` was served; coverage never falls (by the priorities' order)."""
        a = self.analyses[tid]
        rank = PRIORITIES.index(a.task.priority)
        for v in sorted(a.candidates, key=lambda c: (a.travel_home.get(c, 0), c)):
            held = [
                x for x in sorted(self.visits[v])
                if x not in self.fixed
                and PRIORITIES.index(self.scenario.tasks[x].priority) >= rank
            ]  # fmt: skip
            for x in held:
                ax, crew = self.analyses[x], self.sol.crews[x]
                timed = {t: self.sol.starts[t] for t in self.visits[v]}  # x's start among them
                self.remove(x)
                if self.insert(tid, only=v):
                    if self.insert(x) or PRIORITIES.index(ax.task.priority) > rank:
                        return True
                    self.remove(tid)
                self.sol.starts.update(timed)  # (the insertion may have pushed them)
                self.sol.crews[x] = crew
                self.visits[v].append(x)
                self.minutes[v] += ax.task.duration_minutes
        return False


def push_in(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    travel: TravelModel,
    sol: Solution,
    tids: Iterable[str],
) -> Solution:
    """`sol` (a valid plan) with as many of the unserved one-person tasks of `tids` as fit
    inserted (see the module's docstring), urgent before low, longest waited then fewest
    candidates first; then each still unserved swapped in for a visit of its priority or lower
    (`_Routes.swap`). A new Solution, `sol` untouched. Deterministic: no clock, no hash order.
    On district 7004, after the insertions' 88/342/638/102, swaps reach 88/342/655/101 in
    1.4 s (load 12); a second round of swaps found none."""
    out = Solution(dict(sol.starts), dict(sol.crews))
    routes = _Routes(scenario, analyses, travel, out)
    pinned = {p.task for p in scenario.pinned}
    waiting = sorted(
        (
            t
            for t in tids
            if t not in out.crews
            and t not in pinned
            and analyses[t].reason is None
            and _alone(scenario, t)
        ),
        key=lambda t: (
            PRIORITIES.index(scenario.tasks[t].priority),
            -scenario.tasks[t].waited,
            len(analyses[t].candidates),
            t,
        ),
    )
    for tid in waiting:
        routes.insert(tid)
    for tid in waiting:
        if tid not in out.crews:
            routes.swap(tid)
    return out
