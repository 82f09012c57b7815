"""A bound on coverage per priority that sees time: an LP over who serves what, with each
volunteer's energetic reasoning over stretches of their day, for the weeks where every task
competes for the same hours (the one-day weeks), where column generation's knapsack over a
volunteer's minutes (`solver.colgen`) sees none of it.

The LP, for priority p, given what a plan serves above p:

    max  sum of y_t over tasks t of p
    s.t. sum over v in the pools of role r of z_tvr >= N_r * y_t    each role r of each task t
         sum over r of z_tvr <= y_t                                each candidate v of t
         sum over t, r of d_t * z_tvr <= weekly minutes of v        each volunteer v
         sum over t, r of need_v(t, [a, b]) * z_tvr <= b - a         stretches [a, b] of v's day
         sum of y_t over tasks of q >= served_q                     each priority q above p
         0 <= y, z <= 1;  tasks of priorities below p: y_t = 0

Every plan of the contract is a point of it: y_t = 1 for a task it serves, z_tvr = 1 where v
fills role r there (a crew fills at least N_r of each role, one role a person). The stretches
are in doubled minutes, each visit widened by half its least trip in and half its least trip
out, as `CoverageModel._energy_cuts` argues (`need_v`, `Person.need`): one volunteer's widened
visits never overlap and stay within their blocks, so in any stretch [a, b] the least part each
must take of it, over the starts the volunteer may have for it (`TaskAnalysis.free` within the
task's `start_domain`), sums to at most b - a. What is relaxed: a crew's common start (rule 3),
team roles' single team, the order of visits beyond the least trips, and integrality (a
volunteer may give 1.3 visits). So the LP's optimum bounds every plan's count at p, and so
does the optimum of the LP with any subset of its rows: the stretches are added as cuts, the
most violated by the LP's answer per volunteer, round after round, each round's optimum a
bound.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from mutualaid.domain.model import PRIORITIES, Scenario, Volunteer
from mutualaid.travel import EARTH_RADIUS_KM, HaversineTravel, TravelModel
from solver import clock
from solver.analysis import TaskAnalysis
from solver.solution import GAP_WEIGHTS, Solution, count_by_priority

EPS = 1e-6

DAY = 24 * 60

ONE_DAY = 0.8
"""The share of a part's tasks on one day from which it is taken as a one-day week
(`one_day`): district 7004 has 94% of its large part's tasks on Wednesday (its repeated
tasks keep their days); a week of seven days has about a fifth on any."""

ROUNDING = 1e-3
"""Taken as still reachable above the LP's optimum before its floor is the bound: GLOP's
answer is within its tolerances (about 1e-7 a row), so an optimum that is truly a whole
number is never floored below it."""

ROUNDS = 12
"""Rounds of cuts per priority at most (each a GLOP solve from the last basis)."""

WIDEN = True
"""Each visit widened by its least trips in and out (see the module); False: not widened, a
looser relaxation (the bench's before)."""

GLOP_PARAMETERS = "use_dual_simplex: true, use_preprocessing: false"
"""Each round adds rows the last answer breaks: its basis stays dual feasible, so the dual
simplex goes on from it, and presolve would only start it over. On district 7004's normal
step (load 10-12, eight rounds each): 1.5-1.9 s a round against 1.8-7.4 s with GLOP's
defaults, and 906.3 against 906.9 after them."""

LIKELY = 0.7
"""A round is begun only with this part of the last round's time left, at least: each takes
a little longer than the one before (more rows), and one cut short by its time limit bounds
nothing, where its seconds could have gone to the next priority's."""

SEEDS = 3
"""Stretches per volunteer added before the first LP (`EnergyLp.seed`)."""

CUTS_PER_PERSON = 6
"""Stretches added per volunteer per round, the most violated first. On district 7004's
normal step given 88/354 (load 10-11): 3 a round reach 915.7 in three rounds (4.2 s), 8
reach 910.9 in as long; 981.8 with none."""


@dataclass
class Person:
    """One volunteer's candidate visits, in doubled minutes: (task, earliest widened start,
    latest widened start, widened length) for each range of starts."""

    id: str
    weekly: int
    spans: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    _arrays: tuple[list[str], np.ndarray, np.ndarray] | None = None

    def need(self, t: str, a: int, b: int) -> int:
        """The least doubled minutes t's widened visit must take of [a, b], over its starts."""
        least = None
        for early, late, length in self.spans[t]:
            part = max(0, min(length, b - a, early + length - a, b - late))
            least = part if least is None else min(least, part)
        return least or 0

    def needs(self, a: int, b: int) -> tuple[list[str], np.ndarray]:
        """(each task, `need` of it over [a, b]) at once."""
        tasks, spans, first = self.arrays()
        early, late, length = spans
        part = np.maximum(
            0, np.minimum(np.minimum(length, b - a), np.minimum(early + length - a, b - late))
        )
        return tasks, np.minimum.reduceat(part, first)

    def arrays(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(the tasks, their spans as rows early / late / length, each task's first span)."""
        if self._arrays is None:
            tasks = sorted(self.spans)
            rows = [span for t in tasks for span in self.spans[t]]
            first = np.cumsum([0] + [len(self.spans[t]) for t in tasks[:-1]])
            self._arrays = (tasks, np.array(rows, dtype=np.int64).T, first)
        return self._arrays


def people(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
) -> dict[str, Person]:
    """Each candidate's widened visits (see the module): the least trip in is the trip from
    home or from another of their candidate tasks, the least trip out likewise."""
    tasks_of: dict[str, list[str]] = defaultdict(list)
    for t in tids:
        for v in sorted(analyses[t].candidates):
            tasks_of[v].append(t)
    out: dict[str, Person] = {}
    for v, tasks in sorted(tasks_of.items()):
        clock.check()
        vol = scenario.volunteers[v]
        person = Person(v, vol.max_service_minutes)
        ranges: dict[str, list[tuple[int, int]]] = {}
        for t in tasks:
            a = analyses[t]
            got = [
                (max(lo, dlo), min(hi, dhi))
                for lo, hi in a.free.get(v, ())
                for dlo, dhi in a.start_domain
                if max(lo, dlo) <= min(hi, dhi)
            ]
            if got:
                ranges[t] = got
        kept = sorted(ranges)
        way_in, way_out = _least_trips(scenario, travel, vol, kept, ranges)
        for t in kept:
            length = 2 * scenario.tasks[t].duration_minutes + way_in[t] + way_out[t]
            person.spans[t] = [
                (2 * lo - way_in[t], 2 * hi - way_in[t], length) for lo, hi in ranges[t]
            ]
        if person.spans:
            out[v] = person
    return out


def _least_trips(
    scenario: Scenario,
    travel: TravelModel,
    vol: Volunteer,
    kept: list[str],
    ranges: dict[str, list[tuple[int, int]]],
) -> tuple[dict[str, int], dict[str, int]]:
    """Per task, a lower bound on the volunteer's trip into it and out of it on any route:
    from or to home, or another of `kept` that could come before or after it (started as
    early as it may, it ends by the other's latest start). With the contract's haversine the
    trips between tasks are worked out at once (numpy) and a minute taken off each, so that
    floating point can only make them shorter; WIDEN false: none (zero)."""
    if not WIDEN or not kept:
        return dict.fromkeys(kept, 0), dict.fromkeys(kept, 0)
    tasks = scenario.tasks
    home = [travel.minutes(vol.mode, vol.home, tasks[t].location) for t in kept]
    back = [travel.minutes(vol.mode, tasks[t].location, vol.home) for t in kept]
    first_end = np.array([ranges[t][0][0] + tasks[t].duration_minutes for t in kept])
    last_start = np.array([ranges[t][-1][1] for t in kept])
    meet = first_end[:, None] <= last_start[None, :]  # [u, t]: u may come before t
    np.fill_diagonal(meet, False)
    trips = _trip_matrix(scenario, travel, vol, kept)
    big = np.iinfo(np.int64).max
    kept_trips = np.where(meet, trips, big)
    into = kept_trips.min(axis=0)  # [t]: over each u that may come before t
    out_of = kept_trips.min(axis=1)  # [u]: over each t that may come after u
    way_in = {t: int(min(home[i], into[i])) for i, t in enumerate(kept)}
    way_out = {t: int(min(back[i], out_of[i])) for i, t in enumerate(kept)}
    return way_in, way_out


def _trip_matrix(
    scenario: Scenario, travel: TravelModel, vol: Volunteer, kept: list[str]
) -> np.ndarray:
    """[u, t]: a lower bound on the volunteer's trip from task u to task t."""
    places = [scenario.tasks[t].location for t in kept]
    if not isinstance(travel, HaversineTravel):
        return np.array([[travel.minutes(vol.mode, a, b) for b in places] for a in places])
    lat = np.radians([p.lat for p in places])
    lon = np.radians([p.lon for p in places])
    cos = np.cos(lat)
    h = np.sin((lat[None, :] - lat[:, None]) / 2) ** 2 + (
        cos[:, None] * cos[None, :] * np.sin((lon[None, :] - lon[:, None]) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    settings = scenario.settings
    exact = np.ceil(km * settings.detour_factor / settings.speeds_kmh[vol.mode] * 60 - 1e-9)
    out: np.ndarray = np.maximum(0, exact.astype(np.int64) - 1)
    return out


class EnergyLp:
    """The LP of the module over one part, its cuts kept from priority to priority."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: Mapping[str, TaskAnalysis],
        tids: list[str],
        persons: dict[str, Person],
    ) -> None:
        self.scenario, self.persons = scenario, persons
        s = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        if GLOP_PARAMETERS:
            s.SetSolverSpecificParametersAsString(GLOP_PARAMETERS)
        self.tids = tids
        self.y = {t: s.NumVar(0.0, 1.0, "") for t in tids}
        self.z: dict[tuple[str, str], list[pywraplp.Variable]] = {}
        """(t, v) -> a variable per role v may fill there."""
        by_person: dict[str, list[str]] = defaultdict(list)
        for t in tids:
            clock.check()
            task = scenario.tasks[t]
            roles: dict[str, list[pywraplp.Variable]] = defaultdict(list)
            for need, pools in zip(task.needs, analyses[t].pools, strict=True):
                members = sorted({v for pool in pools for v in pool.members if v in persons})
                row = s.Constraint(0.0, s.infinity())
                row.SetCoefficient(self.y[t], -float(need.min_people))
                for v in members:
                    if t not in persons[v].spans:
                        continue
                    var = s.NumVar(0.0, 1.0, "")
                    row.SetCoefficient(var, 1.0)
                    roles[v].append(var)
            for v, vars_ in roles.items():
                self.z[(t, v)] = vars_
                by_person[v].append(t)
                if len(vars_) > 1:
                    one = s.Constraint(-s.infinity(), 0.0)
                    one.SetCoefficient(self.y[t], -1.0)
                    for var in vars_:
                        one.SetCoefficient(var, 1.0)
        self.tasks_of = dict(by_person)
        for v, tasks in self.tasks_of.items():
            weekly = s.Constraint(-s.infinity(), float(persons[v].weekly))
            for t in tasks:
                for var in self.z[(t, v)]:
                    weekly.SetCoefficient(var, float(scenario.tasks[t].duration_minutes))
        self.levels: dict[str, pywraplp.Constraint] = {}
        for q in PRIORITIES:
            row = s.Constraint(-s.infinity(), s.infinity())
            for t in tids:
                if scenario.tasks[t].priority == q:
                    row.SetCoefficient(self.y[t], 1.0)
            self.levels[q] = row
        self.cuts: set[tuple[str, int, int]] = set()

    def add_cut(self, v: str, a: int, b: int) -> None:
        if (v, a, b) in self.cuts:
            return
        self.cuts.add((v, a, b))
        s = self.solver
        row = s.Constraint(-s.infinity(), float(b - a))
        tasks, needs = self.persons[v].needs(a, b)
        for t, need in zip(tasks, needs.tolist(), strict=True):
            if need and (t, v) in self.z:
                for var in self.z[(t, v)]:
                    row.SetCoefficient(var, float(need))

    def seed(self) -> None:
        """Before any LP: per volunteer, the SEEDS stretches of one task's own span (from its
        earliest widened start to its latest widened end) whose tasks, each counted whole,
        ask most of them beyond their length."""
        for v, mine in self.tasks_of.items():
            clock.check()
            if len(mine) < 2:
                continue
            _, (early, late, length), _ = self.persons[v].arrays()
            found = []
            for a, b in set(zip(early.tolist(), (late + length).tolist(), strict=True)):
                _, needs = self.persons[v].needs(a, b)
                asked = int(needs.sum())
                if asked > b - a:
                    found.append((-asked / (b - a), a, b))
            found.sort()
            for _, a, b in found[:SEEDS]:
                self.add_cut(v, a, b)

    def load(self, t: str, v: str) -> float:
        return float(sum(var.solution_value() for var in self.z[(t, v)]))

    def violated(self) -> list[tuple[str, int, int]]:
        """The stretches most violated by the LP's answer, CUTS_PER_PERSON per volunteer."""
        found: list[tuple[str, int, int]] = []
        for v, tasks in self.tasks_of.items():
            person = self.persons[v]
            used = [(t, x) for t in tasks if (x := self.load(t, v)) > EPS]
            if len(used) < 2:
                continue
            starts = sorted({e for t, _ in used for e, _, _ in person.spans[t]})
            ends = sorted({late + n for t, _ in used for _, late, n in person.spans[t]})
            seen: list[tuple[float, int, int]] = []
            for a in starts:
                for b in ends:
                    if b <= a:
                        continue
                    asked = sum(x * person.need(t, a, b) for t, x in used)
                    if asked > (b - a) * (1 + 1e-4) + EPS:
                        seen.append((-(asked - (b - a)) / (b - a), a, b))
            seen.sort()
            found += [(v, a, b) for _, a, b in seen[:CUTS_PER_PERSON] if (v, a, b) not in self.cuts]
        return found

    def bound(
        self,
        priority: str,
        above: dict[str, int],
        deadline: float,
        each: Callable[[float, int], None] | None = None,
    ) -> tuple[float, int]:
        """(the least LP optimum reached for `priority` given `above`, rounds of cuts run);
        inf when no LP was solved before `deadline` (time.monotonic). `each(optimum, cuts
        added)` after every round (the bench's)."""
        level = PRIORITIES.index(priority)
        objective = self.solver.Objective()
        objective.Clear()
        for t in self.tids:
            p = self.scenario.tasks[t].priority
            self.y[t].SetUb(1.0 if PRIORITIES.index(p) <= level else 0.0)
            objective.SetCoefficient(self.y[t], 1.0 if p == priority else 0.0)
        objective.SetMaximization()
        for q, row in self.levels.items():
            row.SetLb(float(above[q]) if q in above else -self.solver.infinity())
        best, rounds, took = math.inf, 0, 0.0
        while rounds < ROUNDS:
            left = deadline - time.monotonic()
            if left <= max(0.05, took * LIKELY):  # a round cut short bounds nothing
                break
            self.solver.SetTimeLimit(max(1, int(left * 1000)))
            started = time.monotonic()
            if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
                break
            value = self.solver.Objective().Value()
            best = min(best, value)
            rounds += 1
            if deadline - time.monotonic() <= 0.05:  # no time for another round's cuts
                break
            cuts = self.violated()
            took = time.monotonic() - started
            for v, a, b in cuts:
                self.add_cut(v, a, b)
            if each is not None:
                each(value, len(cuts))
            if not cuts:
                break
        return best, rounds


def energetic_bounds(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    plan: Solution,
    *,
    budget: float,
    deadline: float | None = None,
) -> dict[str, int] | None:
    """For each priority p, a bound on the part's tasks of p served by any plan serving at
    least `plan`'s count at each priority above p (the module's LP); a priority the plan
    serves whole, or one left when `budget` seconds run out: its count (the whole part's).
    The priorities still open go by what each could add to the weighted gap (GAP_WEIGHTS,
    per priority, times the tasks the plan leaves unserved), most first (each bound is
    given the plan's counts above, whatever the others' are), each with a share of what is
    left by the same measure: on district 7004, normal (8 x 337) before high (30 x 7).
    None when the LP could not be built within the budget."""
    started = time.monotonic()
    if deadline is not None:  # (a wall-clock time: the solve's end)
        budget = min(budget, deadline - time.time())
    ends = started + budget
    tids = sorted(t for t in tids if analyses[t].reason is None)
    mine = set(tids)
    served = count_by_priority(scenario, (t for t in plan.crews if t in mine))
    totals = count_by_priority(scenario, tids)
    out = dict(totals)
    try:
        with clock.until(deadline_wall(ends)):
            persons = people(scenario, analyses, tids, travel)
            lp = EnergyLp(scenario, analyses, tids, persons)
            lp.seed()
    except clock.OutOfTime:
        return None
    at_stake = {p: GAP_WEIGHTS[p] * (totals[p] - served[p]) for p in PRIORITIES}
    open_ = sorted((p for p in PRIORITIES if served[p] < totals[p]), key=lambda p: -at_stake[p])
    for k, p in enumerate(open_):
        level = PRIORITIES.index(p)
        rest = sum(at_stake[q] for q in open_[k:])
        share = (ends - time.monotonic()) * at_stake[p] / max(1, rest)
        if share <= 0.05:
            continue
        above = {q: served[q] for q in PRIORITIES[:level]}
        got, _ = lp.bound(p, above, time.monotonic() + share)
        if math.isfinite(got):
            out[p] = max(served[p], min(totals[p], math.floor(got + ROUNDING)))
    return out


def one_day(analyses: Mapping[str, TaskAnalysis], tids: list[str]) -> bool:
    """Whether at least ONE_DAY of the part's servable tasks can only start on one and the
    same day (a one-day week: its repeated tasks keep their own days): there the tasks compete
    for the same hours, and the LP's stretches say what weekly minutes and a volunteer's
    blocks do not (elsewhere column generation's bound nears the LP's)."""
    days: dict[int, int] = defaultdict(int)
    servable = 0
    for t in tids:
        a = analyses[t]
        if a.reason is None and a.start_domain:
            servable += 1
            first, last = a.start_domain[0][0] // DAY, a.start_domain[-1][1] // DAY
            if first == last:
                days[first] += 1
    return servable > 0 and max(days.values(), default=0) >= ONE_DAY * servable


def deadline_wall(monotonic_deadline: float) -> float:
    """The wall-clock time of a `time.monotonic` deadline."""
    return time.time() + (monotonic_deadline - time.monotonic())
