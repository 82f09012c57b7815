"""An exact solver for tiny worlds, written from SCENARIOS.md alone: the best coverage per
priority (urgent, then high, normal, low), then the most `waited` served, that any plan keeping
hard rules 1-6 can reach.

It shares nothing with `solver/`: it reads the domain objects of `build_scenario` (blocks are the
merged availability less unavailability, `start_ranges` the allowed starts) and the contract's
travel formula from `mutualaid.travel`, and searches exhaustively.

Approach
--------
1. Crews. For each task, every *minimal* crew: exactly `min_people` distinct volunteers per
   role, team roles from one team, each volunteer qualifying (rule 1) and within range
   (rule 2). Crews with the same people are kept once. Minimal crews are enough for coverage:
   dropping an extra member from a served task only removes a stop from that volunteer's route,
   which keeps the route feasible when travel times obey the triangle inequality (see 4).
2. Branch and bound over tasks in priority order: each task is skipped or served by one of its
   crews; a branch is cut when even serving every task left cannot beat the best coverage found
   (compared lexicographically), or when the tasks chosen so far cannot all be scheduled.
3. Scheduling a set of (task, crew) exactly. Weekly hours (rule 5) are a sum. For the times,
   every choice is enumerated: the start range of each task (rule 3), the availability block
   of each (volunteer, task) (rule 4: a task never straddles blocks), and the order of the
   visits in each (volunteer, block). Each choice turns rules 3 and 4 into difference
   constraints on the (integer) start minutes, one start per task shared by its whole crew:
   lo <= s_t <= hi; s_first >= block_start + travel(home, first);
   s_next >= s_prev + duration_prev + travel(prev, next);
   s_last + duration_last + travel(last, home) <= block_end. A set of difference constraints
   with integer bounds has an integer solution iff its constraint graph has no negative cycle
   (Bellman-Ford), and the shortest distances are a witness plan. Choices are checked as they
   are made, so a dead prefix is never extended.
4. Exactness assumes that each volunteer's travel times obey the triangle inequality, which
   the ceiling of a metric does except within 1e-9 of a whole minute; `assumptions_hold` checks
   it for the world at hand (tests `assume` it). It is also what makes feasibility monotone
   (a subset of a schedulable set is schedulable), which the pruning in 2 relies on.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from mutualaid.domain.model import (
    PRIORITIES,
    Location,
    Need,
    Scenario,
    SkillNeed,
    Task,
    TeamNeed,
    Volunteer,
)
from mutualaid.travel import HaversineTravel

Member = tuple[str, int, str | None]
"""(volunteer id, role index, team or None)"""
Crew = tuple[Member, ...]
Edge = tuple[int, int, int]
"""(u, v, w): s_v - s_u <= w, where node 0 is minute 0 of the week and node i a task's start."""


@dataclass(frozen=True)
class Optimum:
    served: dict[str, int]
    """The most tasks of each priority, lexicographically."""
    plan: dict[str, tuple[int, Crew]]
    """A witness: task -> (start minute of the week, crew)."""
    waited: int = 0
    """The most `waited` summed over served tasks, among plans of that coverage."""

    def key(self) -> tuple[int, ...]:
        return (*(self.served[p] for p in PRIORITIES), self.waited)


class BruteForce:
    def __init__(self, scenario: Scenario, max_tasks: int = 8) -> None:
        if scenario.pinned:
            raise ValueError("the brute force does not handle pins")
        if len(scenario.tasks) > max_tasks:
            raise ValueError(f"{len(scenario.tasks)} tasks is too many to enumerate")
        self.sc = scenario
        self.travel = HaversineTravel(scenario.settings)
        self.declined = {(d.task, d.volunteer) for d in scenario.declined}

    # --- rules 1 and 2: who may fill which role --------------------------------------------

    def minutes(self, vol: Volunteer, a: Location, b: Location) -> int:
        return self.travel.minutes(vol.mode, a, b)

    def may_serve(self, vol: Volunteer, task: Task) -> bool:
        """Rule 1 beyond the role itself, and rule 2."""
        if task.vetted_only and not vol.vetted:
            return False
        if task.resident is not None:
            wanted = self.sc.residents[task.resident].gender_preference
            if wanted is not None and vol.gender != wanted:
                return False
        if task.languages and not task.languages & vol.languages:
            return False
        if (task.id, vol.id) in self.declined:
            return False
        return self.minutes(vol, vol.home, task.location) <= vol.max_travel_minutes

    def ways(self, need: Need) -> list[tuple[str | None, list[str]]]:
        """Each way to fill a role: (team or None, the volunteers it may draw on)."""
        vols = sorted(self.sc.volunteers.values(), key=lambda v: v.id)
        if isinstance(need, SkillNeed):
            return [(None, [v.id for v in vols if need.skill in v.skills])]
        if isinstance(need, TeamNeed):
            teams = [need.team]
        else:
            teams = sorted(t.id for t in self.sc.teams.values() if need.team_skill in t.skills)
        return [(t, [v.id for v in vols if t in v.teams]) for t in teams]

    def crews(self, task: Task) -> list[Crew]:
        """Every minimal crew for the task, one per set of people."""
        allowed = {v.id for v in self.sc.volunteers.values() if self.may_serve(v, task)}
        out: dict[frozenset[str], Crew] = {}

        def fill(r: int, used: frozenset[str], crew: Crew) -> None:
            if r == len(task.needs):
                out.setdefault(used, crew)
                return
            need = task.needs[r]
            for team, people in self.ways(need):
                free = [v for v in people if v in allowed and v not in used]
                for pick in itertools.combinations(free, need.min_people):
                    fill(r + 1, used | set(pick), crew + tuple((v, r, team) for v in pick))

        fill(0, frozenset(), ())
        return list(out.values())

    # --- rules 3, 4 and 5: can these tasks all be scheduled? -------------------------------

    def schedule(self, chosen: dict[str, Crew]) -> dict[str, int] | None:
        """Start minutes keeping rules 3-5 for every chosen (task, crew), or None."""
        tasks = self.sc.tasks
        load: dict[str, int] = defaultdict(int)
        visits: dict[str, list[str]] = defaultdict(list)
        for tid, crew in chosen.items():
            for vid, _, _ in crew:
                load[vid] += tasks[tid].duration_minutes
                visits[vid].append(tid)
        for vid, minutes in load.items():
            if minutes > 60 * self.sc.volunteers[vid].max_hours_per_week:
                return None
        order = sorted(chosen)
        node = {tid: i + 1 for i, tid in enumerate(order)}
        n = len(order) + 1
        placements = [(vid, tid) for vid in sorted(visits) for tid in sorted(visits[vid])]

        def ranges(i: int, edges: list[Edge]) -> dict[str, int] | None:
            if i == len(order):
                return blocks(0, edges, {})
            tid = order[i]
            for lo, hi in tasks[tid].start_ranges:
                more = [*edges, (0, node[tid], hi), (node[tid], 0, -lo)]
                if consistent(n, more) is None:
                    continue
                got = ranges(i + 1, more)
                if got is not None:
                    return got
            return None

        def blocks(
            i: int, edges: list[Edge], where: dict[tuple[str, int], list[str]]
        ) -> dict[str, int] | None:
            if i == len(placements):
                return routes(sorted(where.items()), edges)
            vid, tid = placements[i]
            vol, task = self.sc.volunteers[vid], tasks[tid]
            there = self.minutes(vol, vol.home, task.location)
            back = self.minutes(vol, task.location, vol.home)
            for b, (bs, be) in enumerate(vol.blocks):
                # the whole trip lies in the block (exact for a lone visit; for a longer route
                # it follows from the triangle inequality)
                more = [
                    *edges,
                    (node[tid], 0, -(bs + there)),
                    (0, node[tid], be - back - task.duration_minutes),
                ]
                if consistent(n, more) is None:
                    continue
                where.setdefault((vid, b), []).append(tid)
                got = blocks(i + 1, more, where)
                where[(vid, b)].pop()
                if not where[(vid, b)]:
                    del where[(vid, b)]
                if got is not None:
                    return got
            return None

        def routes(
            groups: list[tuple[tuple[str, int], list[str]]], edges: list[Edge]
        ) -> dict[str, int] | None:
            if not groups:
                dist = consistent(n, edges)
                assert dist is not None
                return {tid: dist[node[tid]] - dist[0] for tid in order}
            (vid, b), group = groups[0]
            for route in itertools.permutations(group):
                more = [*edges, *self.route_edges(vid, b, route, node)]
                if consistent(n, more) is None:
                    continue
                got = routes(groups[1:], more)
                if got is not None:
                    return got
            return None

        return ranges(0, [])

    def route_edges(
        self, vid: str, b: int, route: tuple[str, ...], node: dict[str, int]
    ) -> list[Edge]:
        """Rule 4 for one volunteer's visits in one block, in this order."""
        vol = self.sc.volunteers[vid]
        bs, be = vol.blocks[b]
        tasks = self.sc.tasks
        first, last = tasks[route[0]], tasks[route[-1]]
        edges: list[Edge] = [
            (node[first.id], 0, -(bs + self.minutes(vol, vol.home, first.location))),
            (
                0,
                node[last.id],
                be - last.duration_minutes - self.minutes(vol, last.location, vol.home),
            ),
        ]
        for prev, nxt in itertools.pairwise(route):
            gap = tasks[prev].duration_minutes + self.minutes(
                vol, tasks[prev].location, tasks[nxt].location
            )
            edges.append((node[nxt], node[prev], -gap))
        return edges

    # --- the objective -----------------------------------------------------------------------

    def solve(self) -> Optimum:
        """The lexicographically best coverage, then waiting, with a plan that reaches it."""
        tasks = sorted(self.sc.tasks.values(), key=lambda t: (PRIORITIES.index(t.priority), t.id))
        options = {
            t.id: [c for c in self.crews(t) if self.schedule({t.id: c}) is not None] for t in tasks
        }
        tasks = [t for t in tasks if options[t.id]]
        # left[i][p]: how many tasks of priority p are at position i or later
        left = [dict.fromkeys(PRIORITIES, 0) for _ in range(len(tasks) + 1)]
        waited_left = [0] * (len(tasks) + 1)
        for i in range(len(tasks) - 1, -1, -1):
            left[i] = dict(left[i + 1])
            left[i][tasks[i].priority] += 1
            waited_left[i] = waited_left[i + 1] + tasks[i].waited
        best: list[Optimum] = [Optimum(dict.fromkeys(PRIORITIES, 0), {})]
        counts = dict.fromkeys(PRIORITIES, 0)
        chosen: dict[str, Crew] = {}

        def waited() -> int:
            return sum(self.sc.tasks[t].waited for t in chosen)

        def search(i: int, starts: dict[str, int]) -> None:
            if i == len(tasks):
                if (*(counts[p] for p in PRIORITIES), waited()) > best[0].key():
                    plan = {t: (starts[t], crew) for t, crew in chosen.items()}
                    best[0] = Optimum(dict(counts), plan, waited())
                return
            ceiling = (*(counts[p] + left[i][p] for p in PRIORITIES), waited() + waited_left[i])
            if ceiling <= best[0].key():
                return
            task = tasks[i]
            for crew in options[task.id]:
                chosen[task.id] = crew
                got = self.schedule(chosen)
                if got is not None:
                    counts[task.priority] += 1
                    search(i + 1, got)
                    counts[task.priority] -= 1
                del chosen[task.id]
            search(i + 1, starts)

        search(0, {})
        return best[0]

    def reachable(self) -> set[tuple[int, ...]]:
        """Every coverage any plan keeping the hard rules reaches: the count per priority (in
        PRIORITIES' order) of each set of tasks that can be served together. What a bound
        conditional on the higher priorities (the contract's `bound`) is checked against."""
        found: set[tuple[int, ...]] = set()
        for plan in self.plans():
            counts = dict.fromkeys(PRIORITIES, 0)
            for tid in plan:
                counts[self.sc.tasks[tid].priority] += 1
            found.add(tuple(counts[p] for p in PRIORITIES))
        return found

    def plans(self) -> Iterator[dict[str, tuple[int, Crew]]]:
        """A plan keeping the hard rules (task -> (start, crew)) for every set of (task, crew)
        that can be served together: what a cut of a model must never cut off."""
        tasks = sorted(self.sc.tasks.values(), key=lambda t: t.id)
        options = {t.id: self.crews(t) for t in tasks}
        chosen: dict[str, Crew] = {}

        def search(i: int, starts: dict[str, int]) -> Iterator[dict[str, tuple[int, Crew]]]:
            if i == len(tasks):
                yield {t: (starts[t], crew) for t, crew in chosen.items()}
                return
            yield from search(i + 1, starts)
            task = tasks[i]
            for crew in options[task.id]:
                chosen[task.id] = crew
                got = self.schedule(chosen)
                if got is not None:  # (a subset of a schedulable set is)
                    yield from search(i + 1, got)
                del chosen[task.id]

        yield from search(0, {})

    # --- the assumption ----------------------------------------------------------------------

    def assumptions_hold(self) -> bool:
        """Each volunteer's travel times between their home and the task places obey the
        triangle inequality (see the module docstring)."""
        places = {t.location for t in self.sc.tasks.values()}
        for vol in self.sc.volunteers.values():
            pts = sorted(places | {vol.home}, key=lambda p: (p.lat, p.lon))
            for a, b, c in itertools.product(pts, repeat=3):
                if self.minutes(vol, a, c) > self.minutes(vol, a, b) + self.minutes(vol, b, c):
                    return False
        return True


def consistent(n: int, edges: list[Edge]) -> list[int] | None:
    """Shortest distances of the constraint graph from a virtual source joined to every node by
    0 (a solution of the difference constraints), or None when a negative cycle makes them
    unsatisfiable (Bellman-Ford)."""
    dist = [0] * n
    for _ in range(n + 1):
        changed = False
        for u, v, w in edges:
            if dist[u] + w < dist[v]:
                dist[v] = dist[u] + w
                changed = True
        if not changed:
            return dist
    return None
