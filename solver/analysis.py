"""Static analysis: for each task, who could fill each role, when, and if nobody can, why.

The contract's reason stages 1-4 (no_skill, out_of_range, excluded, no_time) are facts about the
scenario. The same narrowing gives the solver its candidates: a volunteer who cannot serve a
task on their own never gets a variable for it, and a task no one can serve gets none at all.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from mutualaid.domain import eligibility
from mutualaid.domain.eligibility import can_fill, exclusion, reaches, teams_for, within_hours
from mutualaid.domain.matching import matching_size
from mutualaid.domain.model import (
    Need,
    Scenario,
    SkillNeed,
    Span,
    Task,
    TeamNeed,
    Volunteer,
    people_of,
)
from mutualaid.domain.plan import AssignedVolunteer, Reason, reason
from mutualaid.travel import HaversineTravel, Point, TravelModel, point, reach_radians
from solver import clock


@dataclass(frozen=True)
class Pool:
    """One way to fill a role: any of `members` (all of one `team` for team roles)."""

    team: str | None
    members: frozenset[str]


RolePools = list[list[Pool]]


@dataclass
class TaskAnalysis:
    task: Task
    reason: str | None = None
    detail: Reason = field(default_factory=lambda: Reason("why_capacity_unknown"))
    """Why the task cannot be served, once `reason` says it cannot (as data, worded where
    read)."""
    pools: RolePools = field(default_factory=list)
    """Per role, the ways to fill it with people who pass stages 1-4 on their own."""
    travel_home: dict[str, int] = field(default_factory=dict)
    free: dict[str, list[Span]] = field(default_factory=dict)
    """Per candidate, closed ranges of starts at which they can do the task from home."""
    start_domain: list[Span] = field(default_factory=list)
    """Closed ranges of starts at which the roles can all be filled at once."""

    @property
    def candidates(self) -> set[str]:
        """Everyone who could fill some role. A set, whose order follows the hash seed: sort
        it before iterating wherever the order can reach a model, a hint or a plan."""
        return {v for role in self.pools for pool in role for v in pool.members}


def fillable(needs: tuple[Need, ...], pools: RolePools) -> bool:
    """Can every role be filled at once by distinct people (team roles from one team)?"""
    return best_fill(needs, pools)[0]


def best_fill(needs: tuple[Need, ...], pools: RolePools) -> tuple[bool, int, int]:
    """(fillable, most places filled, places needed) over every choice of teams."""
    need_total = people_of(needs)
    best = 0
    for choice in itertools.product(*pools):
        slots: list[frozenset[str]] = []
        for need, pool in zip(needs, choice, strict=True):
            slots += [pool.members] * need.min_people
        got = matching_size(slots)
        best = max(best, got)
        if got == need_total:
            return True, got, need_total
    return False, best, need_total


def narrow(pools: RolePools, keep: set[str]) -> RolePools:
    return [[Pool(p.team, p.members & keep) for p in role] for role in pools]


class Analyzer:
    """Builds TaskAnalysis for every task of a scenario, with indexes for speed."""

    def __init__(self, scenario: Scenario, travel: TravelModel | None = None) -> None:
        self.scenario = scenario
        self.travel = travel or HaversineTravel(scenario.settings)
        self.by_skill: dict[str, set[str]] = defaultdict(set)
        self.by_team: dict[str, set[str]] = defaultdict(set)
        for v in scenario.volunteers.values():
            for s in v.skills:
                self.by_skill[s].add(v.id)
            for t in v.teams:
                self.by_team[t].add(v.id)
        self.declined = scenario.declined_pairs()
        settings = scenario.settings
        self._home_lat: dict[str, float] = {}
        self._reach: dict[str, float] = {}
        """Per volunteer, the latitude difference (radians) beyond which they are surely out
        of range (`reach_radians`). Every task asks it of every candidate."""
        self._task_point: tuple[Task | None, Point] = (None, (0.0, 0.0, 1.0))
        self._homes: dict[str, Point] = {}
        """Per volunteer, their home as a point, when travel is the contract's haversine: the
        travel from home to every task is then worked out without the cache's hashing."""
        fast = isinstance(self.travel, HaversineTravel)
        for v in scenario.volunteers.values():
            if fast:
                self._homes[v.id] = point(v.home)
            self._home_lat[v.id] = math.radians(v.home.lat)
            self._reach[v.id] = reach_radians(
                v.max_travel_minutes, settings.detour_factor, settings.speeds_kmh[v.mode]
            )

    def pools_for(self, need: Need) -> list[Pool]:
        """The ways to fill the role (`teams_for`), each with everyone who `fills` it: an
        index of `eligibility.fills`, so a task does not ask it of every volunteer."""
        if isinstance(need, SkillNeed):
            return [Pool(None, frozenset(self.by_skill.get(need.skill, ())))]
        return [
            Pool(t, frozenset(self.by_team.get(t, ())))
            for t in teams_for(need, self.scenario.teams)
            if t is not None
        ]

    def analyse_all(self) -> dict[str, TaskAnalysis]:
        return {tid: self.analyse(task) for tid, task in self.scenario.tasks.items()}

    def lazily(self) -> LazyAnalyses:
        """The analyses as a mapping that analyses each task when first asked for it."""
        return LazyAnalyses(self)

    def travel_minutes(self, vol: Volunteer, task: Task) -> int:
        return self.travel.minutes(vol.mode, vol.home, task.location)

    def _from_home(self, vol: Volunteer, task: Task) -> int:
        """`travel_minutes`, from precomputed points when travel is the contract's haversine
        (the same figure: the same arithmetic on the same numbers)."""
        home = self._homes.get(vol.id)
        if home is None or not isinstance(self.travel, HaversineTravel):
            return self.travel_minutes(vol, task)
        return self.travel.minutes_between(vol.mode, home, self._point(task))

    def _point(self, task: Task) -> Point:
        if self._task_point[0] is not task:
            self._task_point = (task, point(task.location))
        return self._task_point[1]

    def analyse(self, task: Task) -> TaskAnalysis:
        sc = self.scenario
        a = TaskAnalysis(task)
        needs = task.needs
        pools: RolePools = [self.pools_for(n) for n in needs]
        # 1. no_skill
        if not all(pools) or not fillable(needs, pools):
            a.reason, a.detail = "no_skill", self._why_no_skill(needs, pools)
            return a
        everyone = {v for role in pools for p in role for v in p.members}
        # 2. out_of_range (exact travel only for those a cheap test cannot rule out)
        lat, home_lat, reach = math.radians(task.location.lat), self._home_lat, self._reach
        travel = {
            v: self._from_home(sc.volunteers[v], task)
            for v in sorted(everyone)
            if abs(home_lat[v] - lat) <= reach[v]  # else surely out of range
        }
        in_range = {v for v, t in travel.items() if reaches(sc.volunteers[v], t)}
        ranged = narrow(pools, in_range)
        if not fillable(needs, ranged):
            travel = {v: self.travel_minutes(sc.volunteers[v], task) for v in sorted(everyone)}
            a.reason, a.detail = (
                "out_of_range",
                self._why_out_of_range(needs, pools, in_range, travel),
            )
            return a
        # 3. excluded
        resident = sc.residents[task.resident] if task.resident else None
        why_out: dict[str, list[str]] = defaultdict(list)
        allowed = set()
        for v in sorted(in_range):
            why = exclusion(task, sc.volunteers[v], resident, self.declined)
            if why is None:
                allowed.add(v)
            else:
                why_out[f"excl_{why}"].append(v)
        kept = narrow(ranged, allowed)
        if not fillable(needs, kept):
            a.reason, a.detail = "excluded", self._why_excluded(needs, kept, why_out)
            return a
        # 4. no_time
        dur = task.duration_minutes
        free_at = {}  # by id, so `free_at` and `travel_home` keep one order whatever the hash seed
        for v in sorted(allowed):
            vol = sc.volunteers[v]
            if within_hours(vol, dur):
                starts = eligibility.free(vol, task, travel[v])
                if starts:
                    free_at[v] = starts
        domain = self._start_domain(needs, narrow(kept, set(free_at)), free_at, task.start_ranges)
        if not domain:
            a.reason = "no_time"
            if not any(within_hours(sc.volunteers[v], dur) for v in allowed):
                a.detail = reason("why_no_time_hours", duration=dur)
            elif task.people == len(allowed) > 1:  # all of them needed
                a.detail = reason("why_no_time_all", count=len(allowed), duration=dur)
            elif task.people > 1:  # a crew: never free at once
                a.detail = reason(
                    "why_no_time", count=len(allowed), people=task.people,
                    duration=dur,
                )  # fmt: skip
            elif len(allowed) == 1:
                a.detail = reason("why_no_time_one_of_one", duration=dur)
            else:
                a.detail = reason("why_no_time_one", count=len(allowed), duration=dur)
            return a
        # Drop people whose free starts miss the task's domain: they can never join a crew.
        useful = {v for v, iv in free_at.items() if _overlaps(iv, domain)}
        # a team that cannot field the crew with useful people is no way to fill the role
        a.pools = [
            [pool for pool in role if len(pool.members) >= need.min_people]
            for need, role in zip(needs, narrow(kept, useful), strict=True)
        ]
        a.travel_home = {v: travel[v] for v in free_at if v in useful}
        a.free = {v: iv for v, iv in free_at.items() if v in useful}
        a.start_domain = domain
        return a

    def can_serve(self, task: Task, av: AssignedVolunteer, start: int) -> bool:
        """Whether this one person may fill their role of the task at this start, on their
        own (stages 1-4 for one volunteer; no other task considered): what a published
        assignment must still satisfy after the week changed."""
        sc = self.scenario
        vol = sc.volunteers.get(av.id)
        if vol is None:
            return False
        resident = sc.residents.get(task.resident) if task.resident else None
        travel = self.travel_minutes(vol, task)
        return can_fill(
            task, vol, av.role, av.team, start, travel, sc.teams, resident, self.declined
        )

    def _start_domain(
        self,
        needs: tuple[Need, ...],
        pools: RolePools,
        free: dict[str, list[Span]],
        ranges: tuple[Span, ...],
    ) -> list[Span]:
        """Sweep the start axis: the set of free people changes only where some free range
        begins or ends, so testing one point per segment is exact."""
        if len(needs) == 1 and needs[0].min_people == 1 and len(pools[0]) == 1:
            # one person: the task can start whenever any candidate can (most home visits)
            spans = [
                (max(lo, a), min(hi, b))
                for v in pools[0][0].members
                for lo, hi in free[v]
                for a, b in ranges
                if max(lo, a) <= min(hi, b)
            ]
            return _merge_closed(spans)
        cuts: set[int] = set()
        for lo, hi in ranges:
            cuts.update((lo, hi + 1))
        for iv in free.values():
            for lo, hi in iv:
                cuts.update((lo, hi + 1))
        points = sorted(cuts)
        out: list[list[int]] = []
        for p, q in itertools.pairwise(points):
            if not any(lo <= p <= hi for lo, hi in ranges):
                continue
            ok = {v for v, iv in free.items() if any(lo <= p <= hi for lo, hi in iv)}
            if fillable(needs, narrow(pools, ok)):
                if out and out[-1][1] == p - 1:
                    out[-1][1] = q - 1
                else:
                    out.append([p, q - 1])
        return [(lo, hi) for lo, hi in out]

    # --- the coordinator's sentences ------------------------------------------------------

    def _why_no_skill(self, needs: tuple[Need, ...], pools: RolePools) -> Reason:
        for need, role in zip(needs, pools, strict=True):
            have = max((len(p.members) for p in role), default=0)
            if have >= need.min_people:
                continue
            if isinstance(need, SkillNeed) and have == 0:
                return reason("why_no_skill_none", skill=need.skill)
            if isinstance(need, SkillNeed):
                return reason(
                    "why_no_skill_skill", have=have, skill=need.skill, need=need.min_people
                )
            if isinstance(need, TeamNeed):
                return reason("why_no_skill_team", team=need.team, have=have, need=need.min_people)
            return reason(
                "why_no_skill_team_skill", skill=need.team_skill, need=need.min_people, have=have
            )
        _, got, total = best_fill(needs, pools)
        return reason("why_no_skill_people", need=total, have=got)

    def _why_out_of_range(
        self, needs: tuple[Need, ...], pools: RolePools, inside: set[str], travel: dict[str, int]
    ) -> Reason:
        for need, role in zip(needs, pools, strict=True):
            members = {v for p in role for v in p.members}
            near = members & inside
            if any(len(p.members & inside) >= need.min_people for p in role):
                continue
            far = sorted(members - inside, key=lambda v: (travel[v], v))
            if far:
                vol = self.scenario.volunteers[far[0]]
                fields = {
                    "role": _label(need),
                    "nearest": travel[vol.id],
                    "limit": vol.max_travel_minutes,
                    "mode": reason(f"mode_{vol.mode}"),
                }
                if not near:
                    return reason("why_out_of_range_none", **fields)
                return reason(
                    "why_out_of_range",
                    inside=len(near),
                    total=len(members),
                    need=need.min_people,
                    **fields,
                )
        need = needs[0]
        return reason(
            "why_out_of_range_short", role=_label(need), inside=len(inside), total=len(travel)
        )

    def _why_excluded(
        self, needs: tuple[Need, ...], kept: RolePools, why_out: dict[str, list[str]]
    ) -> Reason:
        failing = next(
            (n for n, role in zip(needs, kept, strict=True)
             if not any(len(p.members) >= n.min_people for p in role)),
            needs[0],
        )  # fmt: skip
        parts = tuple(
            reason(k, ids=", ".join(v[:5]) + (" …" if len(v) > 5 else ""))
            for k, v in why_out.items()
        )
        return reason("why_excluded", role=_label(failing), why=parts or "-")


def _label(need: Need) -> str:
    if isinstance(need, SkillNeed):
        return need.skill
    if isinstance(need, TeamNeed):
        return need.team
    return need.team_skill


def _overlaps(a: list[Span], b: list[Span]) -> bool:
    return any(max(x, y) <= min(p, q) for x, p in a for y, q in b)


def _merge_closed(spans: list[Span]) -> list[Span]:
    """Union of closed integer ranges, adjacent ones joined."""
    out: list[list[int]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


class LazyAnalyses(Mapping[str, TaskAnalysis]):
    """Every task's analysis, each made when first read: a repair reads a few tasks' (the
    declined one, its rivals, the unserved), not a district's two thousand."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.done: dict[str, TaskAnalysis] = {}

    def __getitem__(self, tid: str) -> TaskAnalysis:
        found = self.done.get(tid)
        if found is None:
            found = self.done[tid] = self.analyzer.analyse(self.analyzer.scenario.tasks[tid])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.analyzer.scenario.tasks)

    def __len__(self) -> int:
        return len(self.analyzer.scenario.tasks)

    def __contains__(self, tid: object) -> bool:
        return tid in self.analyzer.scenario.tasks


def route_arcs(scenario: Scenario, analyses: Mapping[str, TaskAnalysis], tids: list[str]) -> int:
    """Arcs an exact model of these tasks would have: sum over (volunteer, block) of n*n for
    the n tasks that could fall in that block (a block counts a task when an end of one of its
    ranges of starts lies in the block)."""
    per_block: dict[tuple[str, int], int] = defaultdict(int)
    begins: dict[str, list[int] | None] = {}
    for tid in tids:
        clock.check()  # 0.25 s a call on a district's part, asked up to 8 times a solve
        a = analyses[tid]
        for vid, starts in a.free.items():
            blocks = scenario.volunteers[vid].blocks
            if vid not in begins:
                begins[vid] = _begins(blocks)
            for b in _blocks_hit(blocks, begins[vid], starts):
                per_block[(vid, b)] += 1
    return sum(n * n for n in per_block.values() if n > 1)


def _begins(blocks: tuple[Span, ...]) -> list[int] | None:
    """The blocks' begins when the blocks are sorted and apart as closed ranges (a minute lies
    in one at most, so bisection finds it), else None."""
    ordered = all(bs <= be for bs, be in blocks)
    if ordered and all(x[1] < y[0] for x, y in itertools.pairwise(blocks)):
        return [bs for bs, _ in blocks]
    return None


def _blocks_hit(
    blocks: tuple[Span, ...], begins: list[int] | None, starts: list[Span]
) -> Iterable[int]:
    """The blocks holding an end of one of these ranges of starts: by bisection when `begins`
    (a district's route_arcs asked every block of every candidate of every task, 0.25 s)."""
    if begins is None:
        return [
            b
            for b, (bs, be) in enumerate(blocks)
            if any(bs <= lo <= be or bs <= hi <= be for lo, hi in starts)
        ]
    hit = set()
    for lo, hi in starts:
        for x in (lo, hi):
            b = bisect_right(begins, x) - 1
            if b >= 0 and x <= blocks[b][1]:
                hit.add(b)
    return hit
