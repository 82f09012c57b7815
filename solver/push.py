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
is not taken. Nothing served is dropped but a visit lower than the one served in its place, so
coverage never falls (by the priorities' order).

Most unserved one-day tasks have a few candidates (median 3 on 7004) whose hours are not spent
but whose routes are full near the task's narrow range (median 84 minutes of starts): it fits
only once a visit near it goes to someone else, and often only once a visit there goes on to a
third, or a fourth (`_Routes.swap` with `depth`: an ejection chain two or three deep).

Chains try many insertions of the same task on routes a failed move left as they were: a
route carries a stamp (`_Routes.state`), new on each change and given back when a move is
undone, and an insertion that failed on a route is not tried again at the same stamp. The
plans are the same (the insertion depends on that route alone), in less time: on 7004's top
model's refill two deep took 5.8 s where it took 8.7 s (load 4-5).
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping

from mutualaid.domain.eligibility import within_hours
from mutualaid.domain.model import PRIORITIES, Scenario, Span
from mutualaid.domain.plan import AssignedVolunteer
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


FAR = 10**9
"""A block's end no route reaches: `_Routes.timed` of a route's first visits, home after more."""

SLACK = 5
"""Minutes of leeway when `_Routes.insert` stops trying later places: whole-minute travel may
break the triangle inequality by a minute a leg."""

NEAR = 60
"""How far (minutes) from a task's ranges a visit may start and still be moved aside for it
(`_Routes.near`)."""


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
        self._ranges: dict[tuple[str, str], list[Span]] = {}
        self._legs: dict[tuple[str, str, str], int] = {}  # (volunteer, from, to); "" is home
        self._order: dict[str, list[tuple[str, tuple[AssignedVolunteer, ...]]]] = {}
        self._blocks: dict[tuple[str, str], list[Span]] = {}
        self._stamps = itertools.count(1)
        self.state: dict[str, int] = defaultdict(int)  # a route's stamp, new on each change
        self._failed: dict[tuple[str, str], int] = {}  # (task, volunteer): the state it failed at
        for tid in sorted(sol.crews):
            for av in sol.crews[tid]:
                self.visits[av.id].append(tid)
                self.minutes[av.id] += scenario.tasks[tid].duration_minutes

    def allowed(self, tid: str, v: str) -> list[Span]:
        """`_allowed` of `tid` for `v`, worked out once (both are static)."""
        key = (tid, v)
        got = self._ranges.get(key)
        if got is None:
            got = self._ranges[key] = _allowed(self.analyses[tid], v)
        return got

    def leg(self, v: str, here: str, there: str) -> int:
        """`v`'s minutes from task `here` to task `there` ("" is their home), worked out once."""
        key = (v, here, there)
        got = self._legs.get(key)
        if got is None:
            vol, tasks = self.scenario.volunteers[v], self.scenario.tasks
            a = tasks[here].location if here else vol.home
            b = tasks[there].location if there else vol.home
            got = self._legs[key] = self.travel.minutes(vol.mode, a, b)
        return got

    def timed(
        self, v: str, block: Span, seq: list[str], at: int | None = None, here: str = ""
    ) -> list[int] | None:
        """Starts for the visits of `seq` in this order, each at its earliest, leaving `here`
        (a task, or "" for home) at `at` (the block's start when None); None when the route
        breaks a rule (a fixed visit's start not reached, a visit without a start in its
        ranges, the way home past the block's end)."""
        at = block[0] if at is None else at
        starts = []
        for tid in seq:
            earliest = at + self.leg(v, here, tid)
            if tid in self.fixed:
                start: int | None = self.sol.starts[tid]
                if start is None or start < earliest:
                    return None
            else:
                start = next(
                    (max(lo, earliest) for lo, hi in self.allowed(tid, v) if hi >= earliest),
                    None,
                )  # fmt: skip
                if start is None:
                    return None
            starts.append(start)
            at, here = start + self.scenario.tasks[tid].duration_minutes, tid
        if at + self.leg(v, here, "") > block[1]:
            return None
        return starts

    def order(self, tid: str) -> list[tuple[str, tuple[AssignedVolunteer, ...]]]:
        """`tid`'s candidates, nearest home first, each with its crew of them alone."""
        got = self._order.get(tid)
        if got is None:
            a = self.analyses[tid]
            got = self._order[tid] = []
            for v in sorted(a.candidates, key=lambda c: (a.travel_home.get(c, 0), c)):
                crew = assign_roles(a.task.needs, a.pools, {v}, (), lambda c: (c,))
                if crew is not None:
                    got.append((v, crew))
        return got

    def blocks(self, tid: str, v: str) -> list[Span]:
        """`v`'s availability blocks that hold some of `tid`'s starts for them."""
        key = (tid, v)
        got = self._blocks.get(key)
        if got is None:
            allowed = self.allowed(tid, v)
            got = self._blocks[key] = [
                (bs, be) for bs, be in self.scenario.volunteers[v].blocks
                if any(lo <= be and hi >= bs for lo, hi in allowed)
            ]  # fmt: skip
        return got

    def insert(self, tid: str, only: str | None = None) -> bool:
        """`tid` served by the first of its candidates (nearest home first) whose route takes
        it somewhere, the visits after it pushed later; whether it was. The places are tried
        in the route's order, the visits before each timed once; the search of a block ends
        at the first place from which `tid` could not start in time (a place further on is
        reached no earlier, travel keeping the triangle inequality within `SLACK`)."""
        a = self.analyses[tid]
        task = a.task
        for v, crew in self.order(tid):
            if only is not None and v != only:
                continue
            if self._failed.get((tid, v)) == self.state[v]:
                continue  # tried on this very route
            vol = self.scenario.volunteers[v]
            allowed = self.allowed(tid, v)
            if not allowed or not within_hours(vol, self.minutes[v] + task.duration_minutes):
                continue
            latest = allowed[-1][1]
            for bs, be in self.blocks(tid, v):
                seq = sorted(
                    (t for t in self.visits[v] if bs <= self.sol.starts[t] < be),
                    key=lambda t: self.sol.starts[t],
                )
                at, here = bs, ""
                for i in range(len(seq) + 1):
                    if at + self.leg(v, here, tid) > latest + SLACK:
                        break
                    tail = self.timed(v, (bs, be), [tid, *seq[i:]], at, here)
                    if tail is not None:
                        head = self.timed(v, (bs, FAR), seq[:i])  # (home comes after tid)
                        assert head is not None  # (each of them was timed so just above)
                        trial = [*seq[:i], tid, *seq[i:]]
                        self.sol.starts.update(zip(trial, [*head, *tail], strict=True))
                        self.sol.crews[tid] = crew
                        self.visits[v].append(tid)
                        self.minutes[v] += task.duration_minutes
                        self.state[v] = next(self._stamps)
                        return True
                    if i == len(seq):
                        break
                    step = self.timed(v, (at, FAR), [seq[i]], at, here)
                    if step is None:
                        break  # the visits so far cannot all keep their ranges
                    at, here = step[0] + self.scenario.tasks[seq[i]].duration_minutes, seq[i]
            self._failed[tid, v] = self.state[v]
        return False

    def remove(self, tid: str) -> None:
        """`tid` no longer served (a one-person visit; the route around it stays valid, since
        travel between its neighbours is never longer than through it)."""
        (av,) = self.sol.crews.pop(tid)
        del self.sol.starts[tid]
        self.visits[av.id].remove(tid)
        self.minutes[av.id] -= self.scenario.tasks[tid].duration_minutes
        self.state[av.id] = next(self._stamps)

    def restore(self, x: str, v: str, crew: tuple[AssignedVolunteer, ...],
                timed: dict[str, int], state: int) -> None:  # fmt: skip
        """`x` served by `v` again with `crew`, and `v`'s starts as `timed` and its route's
        stamp as `state` (both taken before: the route is as it was then)."""
        self.sol.starts.update(timed)  # (an insertion may have pushed them)
        self.state[v] = state
        self.sol.crews[x] = crew
        self.visits[v].append(x)
        self.minutes[v] += self.scenario.tasks[x].duration_minutes

    def near(self, tid: str, v: str) -> list[str]:
        """`v`'s visits that may stand in the way of `tid`: not fixed, and starting within
        `NEAR` minutes of `tid`'s ranges for `v` (a visit further off leaves its slack where
        it is). The rest of the route only shifts."""
        ranges, length = self.allowed(tid, v), self.scenario.tasks[tid].duration_minutes
        return [
            x for x in sorted(self.visits[v])
            if x not in self.fixed
            and any(lo - NEAR <= self.sol.starts[x] <= hi + length + NEAR for lo, hi in ranges)
        ]  # fmt: skip

    def swap(self, tid: str, depth: int = 1) -> bool:
        """`tid` served in place of a visit `x` of one of its candidates `v`, `x` inserted
        elsewhere (`insert`); where `x` is lower than `tid` it may stay unserved. `depth` 2 or
        more: where `x` fits nowhere, it may take the place of a visit `y` of another of its
        candidates, `y` inserted elsewhere (or, lower than `tid`, left unserved), and so on
        (`eject`): an ejection chain of `depth` moves, where only visits near the moved task's
        ranges are tried (`near`). Whether `tid` was served; coverage never falls (by the
        priorities' order), and a chain that fails is undone whole."""
        a = self.analyses[tid]
        rank = PRIORITIES.index(a.task.priority)
        deep = depth > 1
        for v in sorted(a.candidates, key=lambda c: (a.travel_home.get(c, 0), c)):
            if not self.allowed(tid, v):
                continue
            for x in self.near(tid, v) if deep else sorted(self.visits[v]):
                if x in self.fixed:
                    continue
                x_rank = PRIORITIES.index(self.scenario.tasks[x].priority)
                if x_rank < rank and not deep:
                    continue  # one deep: only a visit of tid's priority or lower, as before
                lower = x_rank > rank
                crew, timed = self.sol.crews[x], {t: self.sol.starts[t] for t in self.visits[v]}
                state = self.state[v]
                self.remove(x)
                if self.insert(tid, only=v):
                    if self.insert(x) or lower or (deep and self.eject(x, v, rank, depth - 1)):
                        return True
                    self.remove(tid)
                self.restore(x, v, crew, timed, state)
        return False

    def eject(self, x: str, avoid: str, rank: int, depth: int = 1) -> bool:
        """`x` (unserved just now) served by one of its candidates but `avoid` in place of a
        visit `y` near it, `y` inserted elsewhere or, when lower than `rank`, left out; or,
        `depth` above 1, `y` itself moved on the same way (one move fewer left)."""
        a = self.analyses[x]
        for w in sorted(a.candidates, key=lambda c: (a.travel_home.get(c, 0), c)):
            if w == avoid or not self.allowed(x, w):
                continue
            for y in self.near(x, w):
                crew, timed = self.sol.crews[y], {t: self.sol.starts[t] for t in self.visits[w]}
                state = self.state[w]
                self.remove(y)
                if self.insert(x, only=w):
                    if self.insert(y) or PRIORITIES.index(self.scenario.tasks[y].priority) > rank:
                        return True
                    if depth > 1 and self.eject(y, w, rank, depth - 1):
                        return True
                    self.remove(x)
                self.restore(y, w, crew, timed, state)
        return False


def push_in(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    travel: TravelModel,
    sol: Solution,
    tids: Iterable[str],
    depth: int = 1,
    until: float | None = None,
) -> Solution:
    """`sol` (a valid plan) with as many of the unserved one-person tasks of `tids` as fit
    inserted (see the module's docstring), urgent before low, longest waited then fewest
    candidates first; then each still unserved swapped in for a visit of its priority or lower
    (`_Routes.swap`); then, `depth` 2 or more, each still unserved served by an ejection
    chain (`_Routes.swap` with `depth`): priority by priority, two deep first, then each
    deeper up to `depth` for the tasks still unserved, until the wall clock reaches `until`
    (None: every one tried); so a chain three deep never takes a normal task's time before
    a high one's, and a cut leaves the lowest tasks' deepest chains untried. A new Solution,
    `sol` untouched. Deterministic when `until` is None: no hash order.
    On district 7004, after the insertions' 88/342/638/102, swaps reach 88/342/655/101 in
    1.4 s (load 12); a second round of swaps found none. From the top model's refill there
    (88/354/583/68), one deep 88/354/627/101 in 0.6 s, two deep 88/354/677/122 in 5.1 s (load
    8); from the sweeps' plan 88/354/657/112, 661/112 and 691/127 in 0.6 and 5.6 s."""
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
    for priority, deep in chain_passes(depth):
        for tid in waiting:
            if until is not None and time.time() >= until:
                return out
            if tid not in out.crews and scenario.tasks[tid].priority == priority:
                routes.swap(tid, depth=deep)
    return out


SHALLOW = 3
"""Chains up to this deep go first, priority by priority; deeper ones after every shallow
one, and never for the lowest priority (`chain_passes`)."""


def chain_passes(depth: int) -> list[tuple[str, int]]:
    """The order of `push_in`'s passes of ejection chains, each (priority, depth): up to
    `SHALLOW` deep, urgent first; the lowest priority's two deep only; then the deeper ones,
    urgent first. A chain's cost grows about threefold a step, and a task of the lowest
    priority can leave nothing out, so its chains succeed only where every visit they move is
    seated again. On 7004's top model's refill (load 7, passes in this order): normal three
    deep seated 17 in 5.2 s, low three deep 7 in 9.6 s, normal four deep 12 in 11.4 s, low
    four deep 7 in 46 s."""
    lowest = PRIORITIES[-1]
    first = [(p, d) for p in PRIORITIES[:-1] for d in range(2, min(depth, SHALLOW) + 1)]
    low = [(lowest, 2)] if depth >= 2 else []
    deeper = [(p, d) for d in range(SHALLOW + 1, depth + 1) for p in PRIORITIES[:-1]]
    return [*first, *low, *deeper]
