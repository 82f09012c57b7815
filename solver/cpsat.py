"""The CP-SAT model of one independent part of a week (`solver.stages` solves it goal by goal).

Variables (named so a model can be read): served[t], start[t], assign[v,t,r,team] (v fills role r
of t for team), works[v,t], in_block[v,t,b], arc[v,b,i->j] (v goes from task i to task j in
availability block b; the depot is home), team[t,r,team]. Routes are one AddCircuit per
(volunteer, block) over the tasks that could fall in it; a task left out takes its self-loop.

Each goal of the objective is a term list (`objective(stage)`); the arithmetic the model shares
with greedy and repair (slots, the starts that fit one, weekly hours) comes from `solver.routes`
and `mutualaid.domain.eligibility`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from ortools.sat.python import cp_model

from mutualaid.domain.eligibility import minutes_left
from mutualaid.domain.model import PRIOR_WEEKS, Location, Scenario, Span
from mutualaid.domain.plan import AssignedVolunteer
from mutualaid.travel import TravelModel
from solver import clock
from solver.analysis import TaskAnalysis
from solver.routes import Slot, Visit, fitting, slots_around, sorted_ends
from solver.solution import Solution, service_minutes

LOAD_SCALE = 10_000
"""Fairness is minimised as ceil(load * LOAD_SCALE): 'optimal' fairness is proved to 1/10,000."""

Terms = list[tuple[cp_model.IntVar, int]]


class PlanModel:
    """One part's variables and constraints, and how to read a Solution back.

    `fixed` holds visits outside `tids` that stay as they are (neighbourhood search): they
    cut the volunteers' blocks into slots and use up weekly hours.
    """

    solver_parameters: tuple[tuple[str, object], ...] = ()
    """CP-SAT parameters (name, value) for every stage solved on this model, beyond those
    `staged_solve` sets."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: Mapping[str, TaskAnalysis],
        tids: list[str],
        travel: TravelModel,
        weights: dict[str, int],
        *,
        fixed: Solution | None = None,
        pin_assumptions: bool = False,
    ) -> None:
        """Raises `solver.clock.OutOfTime` once the solve's time is up (checked before each
        volunteer's visits are placed and each of their slots is routed: the bulk of a large
        model's building; `solver.stages.built_in_time` gives one build a deadline of its own)."""
        with clock.phase("building"):
            self._build(scenario, analyses, tids, travel, weights, fixed, pin_assumptions)

    def _build(
        self,
        scenario: Scenario,
        analyses: Mapping[str, TaskAnalysis],
        tids: list[str],
        travel: TravelModel,
        weights: dict[str, int],
        fixed: Solution | None,
        pin_assumptions: bool,
    ) -> None:
        self.scenario = scenario
        self.analyses = analyses
        self.tids = tids
        self.travel = travel
        self.weights = weights
        m = self.m = cp_model.CpModel()
        self.served: dict[str, cp_model.IntVar] = {}
        self.start: dict[str, cp_model.IntVar] = {}
        self.assign: dict[tuple[str, str, int, str | None], cp_model.IntVar] = {}
        self.works: dict[tuple[str, str], cp_model.IntVar] = {}
        self.in_slot: dict[tuple[str, str, int], cp_model.IntVar] = {}
        self.team: dict[tuple[str, int, str], cp_model.IntVar] = {}
        self.arcs: dict[tuple[str, int, str, str], cp_model.IntVar] = {}
        """(v, slot, from, to) with '' for the slot's ends -> literal."""
        self.idle: dict[tuple[str, int], cp_model.IntVar] = {}
        self.slot_tasks: dict[tuple[str, int], list[str]] = {}
        self.slots: dict[str, list[Slot]] = {}
        self.travel_terms: Terms = []
        self.travel_constant = 0
        self._windows: dict[tuple[str, str, int], list[Span]] = {}
        self._hinted: dict[int, int] = {}
        self._hint_vars: list[int] = []
        self._hint_values: list[int] = []
        self._trip_cache: dict[str, dict[tuple[int, int], int]] = {}

        mine = set(tids)
        kept = {t: c for t, c in fixed.crews.items() if t not in mine} if fixed else {}
        fixed_starts = fixed.starts if fixed else {}
        fixed_visits: dict[str, list[Visit]] = defaultdict(list)
        for tid, crew in kept.items():
            task = scenario.tasks[tid]
            start = fixed_starts[tid]
            for av in crew:
                fixed_visits[av.id].append((start, start + task.duration_minutes, task.location))

        for tid in tids:
            a = analyses[tid]
            self.served[tid] = m.new_bool_var(f"served[{tid}]")
            self.start[tid] = m.new_int_var_from_domain(
                cp_model.Domain.from_intervals([list(s) for s in a.start_domain]), f"start[{tid}]"
            )
        for tid in tids:
            clock.check()
            self._roles(tid)
        volunteers = sorted({v for (v, _) in self.works})
        self._works_of: dict[str, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
        """Per volunteer, (task, works literal) in the order of `works` (an index: a district's
        model asked every volunteer of every literal)."""
        for (v, t), w in self.works.items():
            self._works_of[v].append((t, w))
        for vid in volunteers:
            clock.check()
            vol = scenario.volunteers[vid]
            self.slots[vid] = slots_around(vol, sorted(fixed_visits.get(vid, [])))
            self._place(vid)
        for key, tasks in self.slot_tasks.items():
            clock.check()
            self._route(key, tasks)
        minutes_fixed = service_minutes(scenario, kept)
        self.minutes: dict[str, tuple[Terms, int]] = {}
        """Per volunteer, service minutes as terms plus the fixed visits' minutes."""
        for vid in volunteers:
            terms = [(w, scenario.tasks[t].duration_minutes) for t, w in self._works_of[vid]]
            self.minutes[vid] = (terms, minutes_fixed.get(vid, 0))
            cap = minutes_left(scenario.volunteers[vid], minutes_fixed.get(vid, 0))
            if sum(c for _, c in terms) > cap:
                m.add(linear(terms) <= cap)
        self.pin_lits: dict[str, cp_model.IntVar] = {}
        for pin in scenario.pinned:
            if pin.task in self.served:
                # a literal per pin, so that conflicting pins can be named by assumptions
                lit = self.pin_lits[pin.task] = m.new_bool_var(f"pin[{pin.task}]")
                m.add(self.served[pin.task] == 1).only_enforce_if(lit)
                for vid in pin.volunteers:
                    m.add(self.works[(vid, pin.task)] == 1).only_enforce_if(lit)
                if pin_assumptions:
                    m.add_assumption(lit)
                else:
                    m.add(lit == 1)

        self.coverage_terms: Terms = [
            (self.served[t], weights[scenario.tasks[t].priority]) for t in tids
        ]
        self.waited_terms: Terms = [
            (self.served[t], scenario.tasks[t].waited) for t in tids if scenario.tasks[t].waited
        ]
        pairs = scenario.continuity_pairs(tids)
        self.continuity_terms: Terms = [
            (w, 1) for (v, t), w in self.works.items() if (t, v) in pairs
        ]
        self.load = m.new_int_var(0, LOAD_SCALE, "max_load")
        for vid in volunteers:
            cap, prior = self._load_of(vid)
            terms, base = self.minutes[vid]
            m.add((linear(terms) + base + prior) * LOAD_SCALE * 100 <= self.load * cap)

    def _load_of(self, vid: str) -> tuple[int, int]:
        return load_basis(self.scenario, vid)

    # --- building ----------------------------------------------------------------------------

    def _roles(self, tid: str) -> None:
        m, a = self.m, self.analyses[tid]
        people: dict[str, list[cp_model.IntVar]] = {}
        for r, (need, pools) in enumerate(zip(a.task.needs, a.pools, strict=True)):
            if len(pools) == 1 and pools[0].team is None:
                lits = [self._assign(v, tid, r, None, people) for v in sorted(pools[0].members)]
                m.add(sum(lits) == need.min_people * self.served[tid])
                continue
            choices = []
            for pool in pools:
                if len(pool.members) < need.min_people:
                    continue
                assert pool.team is not None
                pick = m.new_bool_var(f"team[{tid},{r},{pool.team}]")
                self.team[(tid, r, pool.team)] = pick
                choices.append(pick)
                lits = [self._assign(v, tid, r, pool.team, people) for v in sorted(pool.members)]
                m.add(sum(lits) >= need.min_people * pick)
                m.add(sum(lits) <= need.max_people * pick)
            m.add(sum(choices) == self.served[tid])
        for vid, lits in people.items():
            works = m.new_bool_var(f"works[{vid},{tid}]")
            m.add(sum(lits) == works)
            self.works[(vid, tid)] = works

    def _assign(
        self, vid: str, tid: str, r: int, team: str | None, people: dict[str, list[cp_model.IntVar]]
    ) -> cp_model.IntVar:
        lit = self.m.new_bool_var(f"assign[{vid},{tid},{r},{team}]")
        self.assign[(vid, tid, r, team)] = lit
        people.setdefault(vid, []).append(lit)
        return lit

    def _trips(self, mode: str) -> Callable[[Location, Location], int]:
        """`travel.minutes` by `mode`, cached by the places' identities (the scenario's own
        objects, alive as long as the model): the travel model's cache hashes each place's
        fields, most of a pair's time where every pair of a slot asks two trips (the pairwise
        separation; where each trip is asked about once, as in placing visits in slots, this
        cache only costs: measured, so those ask the travel model)."""
        cache = self._trip_cache.setdefault(mode, {})
        minutes = self.travel.minutes

        def trip(a: Location, b: Location) -> int:
            key = (id(a), id(b))
            got = cache.get(key)
            if got is None:
                got = cache[key] = minutes(mode, a, b)
            return got

        return trip

    def _place(self, vid: str) -> None:
        """Which slot each of v's tasks would fall in, and the starts that slot allows."""
        m, vol = self.m, self.scenario.volunteers[vid]
        slots = self.slots[vid]
        ends = sorted_ends(slots)
        for tid, works in self._works_of[vid]:
            a = self.analyses[tid]
            task = a.task
            options = []
            for k in fitting(slots, task, a.start_domain, ends):
                slot = slots[k]
                lo, hi = slot.window(task, self.travel, vol.mode)
                allowed = [
                    (max(lo, x), min(hi, y)) for x, y in a.start_domain if max(lo, x) <= min(hi, y)
                ]
                if not allowed:
                    continue
                lit = m.new_bool_var(f"in_slot[{vid},{tid},{k}]")
                m.add_linear_expression_in_domain(
                    self.start[tid], cp_model.Domain.from_intervals([list(s) for s in allowed])
                ).only_enforce_if(lit)
                self.in_slot[(vid, tid, k)] = lit
                self._windows[(vid, tid, k)] = allowed
                self.slot_tasks.setdefault((vid, k), []).append(tid)
                options.append(lit)
            m.add(sum(options) == works)

    def _route(self, key: tuple[str, int], tasks: list[str]) -> None:
        vid, k = key
        vol = self.scenario.volunteers[vid]
        slot = self.slots[vid][k]
        m = self.m

        def trip(a: Location, b: Location) -> int:
            return self.travel.minutes(vol.mode, a, b)

        passing = trip(slot.origin, slot.destination)
        if len(tasks) == 1:
            t = tasks[0]
            loc = self.scenario.tasks[t].location
            lit = self.in_slot[(vid, t, k)]
            self.travel_terms.append(
                (lit, trip(slot.origin, loc) + trip(loc, slot.destination) - passing)
            )
            self.travel_constant += passing
            return
        node = {t: i + 1 for i, t in enumerate(tasks)}
        arcs: list[tuple[int, int, Any]] = []
        idle = self.idle[key] = m.new_bool_var(f"idle[{vid},{k}]")
        arcs.append((0, 0, idle))
        self.travel_terms.append((idle, passing))
        for t in tasks:
            lit = self.in_slot[(vid, t, k)]
            m.add_implication(idle, lit.Not())
            arcs.append((node[t], node[t], lit.Not()))
            loc = self.scenario.tasks[t].location
            for src, dst, cost in (
                (0, node[t], trip(slot.origin, loc)),
                (node[t], 0, trip(loc, slot.destination)),
            ):
                names = ("" if src == 0 else t, "" if dst == 0 else t)
                arc = m.new_bool_var(f"arc[{vid},{k},{names[0] or 'start'}->{names[1] or 'end'}]")
                arcs.append((src, dst, arc))
                self.arcs[(vid, k, *names)] = arc
                self.travel_terms.append((arc, cost))
        m.add_bool_or([idle, *(self.in_slot[(vid, t, k)] for t in tasks)])
        for i, j in itertools.permutations(tasks, 2):
            ti, tj = self.scenario.tasks[i], self.scenario.tasks[j]
            cost = trip(ti.location, tj.location)
            earliest_i = self._windows[(vid, i, k)][0][0]
            latest_j = self._windows[(vid, j, k)][-1][1]
            if earliest_i + ti.duration_minutes + cost > latest_j:
                continue  # j can never follow i in this slot
            arc = m.new_bool_var(f"arc[{vid},{k},{i}->{j}]")
            arcs.append((node[i], node[j], arc))
            self.arcs[(vid, k, i, j)] = arc
            self.travel_terms.append((arc, cost))
            m.add(self.start[j] >= self.start[i] + ti.duration_minutes + cost).only_enforce_if(arc)
        for i, j in itertools.combinations(tasks, 2):
            if (vid, k, i, j) not in self.arcs and (vid, k, j, i) not in self.arcs:
                m.add_bool_or([self.in_slot[(vid, i, k)].Not(), self.in_slot[(vid, j, k)].Not()])
        m.add_circuit(arcs)

    # --- objectives ---------------------------------------------------------------------------

    def stages(self) -> tuple[str, ...]:
        """The objective's goals in order: coverage, waiting (only when some task of the part
        waited), then the later goals in the scenario's `objective_order`."""
        waiting = ("waited",) if self.waited_terms else ()
        return ("coverage", *waiting, *self.scenario.settings.objective_order)

    def objective(self, stage: str) -> tuple[Any, bool]:
        """The stage's expression, and whether it is maximised."""
        if stage == "coverage":
            return linear(self.coverage_terms), True
        if stage == "waited":
            return linear(self.waited_terms), True
        if stage == "continuity":
            return linear(self.continuity_terms), True
        if stage == "travel":
            return linear(self.travel_terms) + self.travel_constant, False
        return self.load, False

    def hinted_value(self, stage: str) -> int:
        """The value a stage's objective takes at the last hint."""
        if stage == "fairness":
            return self._hinted[self.load.index]
        terms = {
            "coverage": self.coverage_terms,
            "waited": self.waited_terms,
            "continuity": self.continuity_terms,
            "travel": self.travel_terms,
        }[stage]
        base = self.travel_constant if stage == "travel" else 0
        return base + sum(c * self._hinted.get(v.index, 0) for v, c in terms)

    # --- hints and reading back ------------------------------------------------------------

    def restrict(self, sol: Solution) -> Solution:
        """The part of a solution that lies in this model's tasks."""
        return Solution(
            {t: s for t, s in sol.starts.items() if t in self.served},
            {t: c for t, c in sol.crews.items() if t in self.served},
        )

    def _hint(self, var: cp_model.IntVar, value: int | bool) -> None:
        """`CpModel.add_hint`, kept until `_hints_written` writes them all at once (four calls
        into the proto a variable were most of a district's hints)."""
        self._hint_vars.append(var.index)
        self._hint_values.append(int(value))
        self._hinted[var.index] = int(value)

    def _hints_written(self) -> None:
        """The hints kept by `_hint` into the proto, in the order given (as `add_hint` would
        have written them: every variable hinted here is a variable, never a negation)."""
        hint = self.m.proto.solution_hint
        assert all(i >= 0 for i in self._hint_vars)
        hint.vars.extend(self._hint_vars)
        hint.values.extend(self._hint_values)
        self._hint_vars, self._hint_values = [], []

    def hint(self, whole: Solution) -> None:
        """A complete hint: every variable gets the value the solution implies."""
        self.m.clear_hints()  # type: ignore[no-untyped-call]
        self._hinted, self._hint_vars, self._hint_values = {}, [], []
        sol = self.restrict(whole)
        chosen = {(av.id, tid, av.role, av.team) for tid, crew in sol.crews.items() for av in crew}
        for tid in self.tids:
            self._hint(self.served[tid], tid in sol.crews)
            self._hint(self.start[tid], sol.starts.get(tid, self.analyses[tid].start_domain[0][0]))
        for key, lit in self.assign.items():
            self._hint(lit, key in chosen)
        teams = {(tid, r, team) for (_, tid, r, team) in chosen if team is not None}
        for team_key, lit in self.team.items():
            self._hint(lit, team_key in teams)
        works = {(v, t) for (v, t, _, _) in chosen}
        for pair, lit in self.works.items():
            self._hint(lit, pair in works)
        placed: set[tuple[str, str, int]] = set()
        on_route: set[tuple[str, int, str, str]] = set()
        visits: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for v, t in works:
            visits[v].append((sol.starts[t], t))
        for vid, slots in self.slots.items():
            mine = sorted(visits.get(vid, ()))
            for k, slot in enumerate(slots):
                inside = [t for s, t in mine if slot.begin <= s < slot.end]
                placed.update((vid, t, k) for t in inside)
                names = ["", *inside, ""]
                on_route.update((vid, k, x, y) for x, y in itertools.pairwise(names))
        for slot_key, lit in self.in_slot.items():
            self._hint(lit, slot_key in placed)
        for arc_key, lit in self.arcs.items():
            self._hint(lit, arc_key in on_route)
        for (vid, k), lit in self.idle.items():
            self._hint(lit, not any((vid, t, k) in placed for t in self.slot_tasks[(vid, k)]))
        for lit in self.pin_lits.values():
            self._hint(lit, True)
        worst = 0
        for vid in self.slots:
            cap, prior = self._load_of(vid)
            terms, base = self.minutes[vid]
            mins = base + prior + sum(c * self._hinted.get(v.index, 0) for v, c in terms)
            worst = max(worst, -(-mins * LOAD_SCALE * 100 // cap))
        self._hint(self.load, min(worst, LOAD_SCALE))
        self._hints_written()

    def extract(self, solver: cp_model.CpSolver) -> Solution:
        sol = Solution()
        for tid in self.tids:
            if solver.boolean_value(self.served[tid]):
                sol.starts[tid] = solver.value(self.start[tid])
                sol.crews[tid] = tuple(
                    AssignedVolunteer(v, r, team)
                    for (v, t, r, team), lit in self.assign.items()
                    if t == tid and solver.boolean_value(lit)
                )
        return sol


def load_basis(scenario: Scenario, vid: str) -> tuple[int, int]:
    """The denominator of a volunteer's load (fairness) and the minutes it starts from: this
    week's alone, or with the weeks before counted (`Scenario.prior_minutes`, at most their
    hours in each of those weeks, so a load stays within 1)."""
    hours = scenario.volunteers[vid].max_hours_per_week
    if not scenario.prior_minutes:
        return _load_denominator(hours), 0
    prior = min(scenario.prior_minutes.get(vid, 0), PRIOR_WEEKS * round(60 * hours))
    return _load_denominator(hours * (PRIOR_WEEKS + 1)), max(0, prior)


def _load_denominator(hours: float) -> int:
    """100 * 60 * hours as an integer: loads are minutes / (60 * hours), exactly as the plan
    reports them (not over the whole minutes the hours allow), to 1/100 of a minute."""
    return max(1, round(6000 * hours))


def linear(terms: Terms) -> Any:
    """The weighted sum of the terms, as one CP-SAT expression."""
    return cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms])
