"""Suggestions for unserved tasks: the smallest changes to the scenario, as JSON Patches against
the scenario's document, under which the task could join the plan as it stands.

How a candidate is built. For an unserved task t and a start s, every volunteer who could fill
one of t's roles is tried against the plan: allowed (safeguards), in range, inside one of their
availability blocks from home and back, apart (with travel) from each visit they already make
in that block, and within their weekly hours. Each kind relaxes exactly one of these, for the
fewest people it can: `extend_hours` their hours, `extend_range` their travel limit,
`allow_unvetted` the task's vetting, `swap` their visits to lower-priority tasks (which the
patch frees them from by pinning them to t), `widen_window` / `move_day` the start s itself
(a window stretched on its day, or the same hours on a day the task had none), and `recruit`
adds new volunteers with exactly the missing role, living at the place and free exactly then.

What this proves, cheaply (`Candidate.insertion`): the patched scenario has a plan that serves
t together with every task the current plan serves (a swap drops only strictly
lower-priority tasks), so its coverage optimum is lexicographically above the current plan's.
Every patch only widens what the scenario allows (hours, range, windows, people, vetting),
and pins the people it names (for a recruit, the new ones) to the task, which the insertion
plan keeps. It does not prove what the one-worker solver will return in its time limit: that
depends on the whole solve (the parts' budgets are shared by size, the weights by what
analysis allows), so the contract's promise is checked by `solver.suggest_verify` with the
one-worker solve before a suggestion is shown. The pin is what makes that check cheap: the
task is then served by any plan, so only coverage is left to check, which the solve's first
stages settle (see `solver.suggest_verify`).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from mutualaid.domain.model import (
    DAYS,
    MINUTES_PER_DAY,
    PRIORITIES,
    Need,
    Scenario,
    SkillNeed,
    Task,
    TeamNeed,
    TeamSkillNeed,
)
from mutualaid.domain.plan import Plan
from mutualaid.json_patch import Operation, pointer
from mutualaid.messages.suggestions import word
from mutualaid.travel import HaversineTravel

KINDS: tuple[str, ...] = (
    "widen_window",
    "move_day",
    "allow_unvetted",
    "extend_hours",
    "extend_range",
    "swap",
    "recruit",
)
"""The contract's kinds; among suggestions of as many changes, this order (least intrusive
first) decides."""

_STATIC_KINDS = ("allow_unvetted", "extend_range")
"""The kinds that relax what `Suggester._static` checks (the others see the same people)."""

_RELAXES = {"block": "", "clash": "swap", "hours": "extend_hours"}
"""What keeps a person out unrelaxed -> the one kind that may let them in ("": none; a
safeguard or the range: the kind's own `_reachable` decides)."""

MAX_STARTS = 48
"""Starts tried per task and kind: the points where someone's availability or visit begins or
ends (a crew free at some start is free at one of those), thinned evenly beyond this."""


@dataclass(frozen=True)
class Fit:
    """One volunteer at one start of the task, and what (if anything) must change for them."""

    vid: str
    fixed: bool = False
    drop: tuple[str, ...] = ()
    """Visits (tasks) they leave, for a swap."""
    hours: int = 0
    """Weekly hours they need, for extend_hours."""
    travel: int = 0
    """Travel minutes to the task, for extend_range."""


@dataclass
class Candidate:
    task: str
    kind: str
    patch: list[Operation]
    changes: int
    text_fields: dict[str, Any]
    insertion: tuple[int, list[tuple[str, int, str | None]]]
    """(start, crew as (volunteer, role, team)) of t in the plan that proves the optimum."""
    dropped: tuple[str, ...] = ()

    def text(self, lang: str | None = None) -> str:
        return word(self.kind, lang, **self.text_fields)


@dataclass
class _Slot:
    role: int
    team: str | None
    allowed: set[str] = field(default_factory=set)


class Suggester:
    """Builds candidates for the unserved tasks of one plan of one scenario."""

    def __init__(self, scenario: Scenario, document: dict[str, Any], plan: Plan) -> None:
        self.sc = scenario
        self.doc = document
        self.plan = plan
        self.travel = HaversineTravel(scenario.settings)
        self.declined = scenario.declined_pairs()
        self.pinned = {p.task for p in scenario.pinned}
        self.busy: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.used: dict[str, int] = defaultdict(int)
        self.crew_of: dict[str, set[str]] = {}
        for a in plan.assignments:
            self.crew_of[a.task] = {v.id for v in a.volunteers}
            for av in a.volunteers:
                self.busy[av.id].append((a.start, a.end, a.task))
                self.used[av.id] += a.end - a.start
        self.vol_index = _index_of(document.get("volunteers"))
        self.task_index = _index_of(document.get("tasks"))
        self._statics: dict[tuple[str, str, str | None], tuple[bool, int] | None] = {}
        self._gaps: dict[tuple[str, str, str], int] = {}
        self._qualifying: dict[str, list[str]] = {}
        self._plain: dict[tuple[str, int], dict[str, Fit | str]] = {}
        self._slots: dict[str, list[list[_Slot]]] = {}
        self._reach: dict[tuple[str, str | None], list[str]] = {}
        self._blocks: dict[tuple[str, str, int], tuple[int, int] | None] = {}
        self._starts: dict[tuple[str, tuple[tuple[int, int], ...]], list[int]] = {}
        self.by_skill: dict[str, set[str]] = defaultdict(set)
        self.by_team: dict[str, set[str]] = defaultdict(set)
        for v in scenario.volunteers.values():
            for s in v.skills:
                self.by_skill[s].add(v.id)
            for t in v.teams:
                self.by_team[t].add(v.id)

    # -- one volunteer at one start ------------------------------------------------------
    def _static(self, vid: str, task: Task, relax: str | None) -> tuple[bool, int] | None:
        """The part of `fit` that does not depend on the start: (relaxed, travel from home),
        or None when the safeguards or the range keep them out. Asked for every start: kept."""
        key = (vid, task.id, relax)
        if key not in self._statics:
            self._statics[key] = self._static_uncached(vid, task, relax)
        return self._statics[key]

    def _static_uncached(self, vid: str, task: Task, relax: str | None) -> tuple[bool, int] | None:
        vol = self.sc.volunteers[vid]
        fixed = False
        if task.vetted_only and not vol.vetted:
            if relax != "allow_unvetted":
                return None
            fixed = True
        resident = self.sc.residents[task.resident] if task.resident else None
        if resident and resident.gender_preference and vol.gender != resident.gender_preference:
            return None
        if task.languages and not task.languages & vol.languages:
            return None
        if (task.id, vid) in self.declined:
            return None
        tr = self.travel.minutes(vol.mode, vol.home, task.location)
        if tr > vol.max_travel_minutes:
            if relax != "extend_range":
                return None
            fixed = True
        return fixed, tr

    def _between(self, mode: str, a: str, b: str) -> int:
        key = (mode, a, b)
        if key not in self._gaps:
            there, here = self.sc.tasks[a].location, self.sc.tasks[b].location
            self._gaps[key] = self.travel.minutes(mode, there, here)
        return self._gaps[key]

    def fit(self, vid: str, task: Task, start: int, relax: str | None) -> Fit | None:
        """Whether `vid` can do `task` at `start` beside their visits in the plan, relaxing
        only `relax` (a kind), and what that relaxation needs."""
        found = self._try(vid, task, start, relax)
        return found if isinstance(found, Fit) else None

    def _try(self, vid: str, task: Task, start: int, relax: str | None) -> Fit | str:
        """`fit`, or the first check that keeps them out: "static" (safeguards, range),
        "block" (no availability block holds it), "clash" (a visit in the way), "hours"."""
        static = self._static(vid, task, relax)
        if static is None:
            return "static"
        fixed, tr = static
        vol = self.sc.volunteers[vid]
        end = start + task.duration_minutes
        key = (vid, task.id, start)
        if key not in self._blocks:  # the same for every kind: kept
            self._blocks[key] = next(
                ((bs, be) for bs, be in vol.blocks if bs + tr <= start and end + tr <= be), None
            )
        block = self._blocks[key]
        if block is None:
            return "block"
        drop = []
        for a_start, a_end, other in self.busy.get(vid, ()):
            if not block[0] <= a_start < block[1]:
                continue
            if (
                a_end + self._between(vol.mode, other, task.id) <= start
                or end + self._between(vol.mode, task.id, other) <= a_start
            ):
                continue
            if relax != "swap" or not self._lower(other, task) or other in self.pinned:
                return "clash"
            drop.append(other)
        minutes = self.used.get(vid, 0) + task.duration_minutes
        minutes -= sum(self.sc.tasks[o].duration_minutes for o in drop)
        hours = 0
        if minutes > vol.max_service_minutes:
            if relax != "extend_hours":
                return "hours"
            hours = math.ceil(minutes / 60)
            fixed = True
        reach = tr if relax == "extend_range" else 0
        return Fit(vid, fixed or bool(drop), tuple(drop), hours, reach)

    def _reachable(self, task: Task, relax: str | None) -> list[str]:
        """The qualifying people (in their order) whom the safeguards and the range let in
        when `relax` is relaxed: the only ones `fit` can say yes to, at any start."""
        key = (task.id, relax if relax in _STATIC_KINDS else None)
        if key not in self._reach:
            self._reach[key] = [
                v for v in self.qualifying(task) if self._static(v, task, key[1]) is not None
            ]
        return self._reach[key]

    def _fits(self, task: Task, start: int, relax: str | None) -> list[Fit]:
        """`fit` of every qualifying person, in their order, each unrelaxed when they fit so
        (every kind asks that first: kept per start), else relaxing `relax`. A person kept
        out unrelaxed is asked again only when `relax` relaxes what kept them out (a block
        missing keeps them out of every kind)."""
        key = (task.id, start)
        if key not in self._plain:
            self._plain[key] = {v: self._try(v, task, start, None)
                                for v in self._reachable(task, None)}  # fmt: skip
        plain = self._plain[key]
        if relax is None:
            return [f for f in plain.values() if isinstance(f, Fit)]
        out = []
        for v in self._reachable(task, relax):
            was = plain.get(v, "static")
            if isinstance(was, Fit):
                out.append(was)
            elif _RELAXES.get(was, relax) == relax and (f := self.fit(v, task, start, relax)):
                out.append(f)
        return out

    def _lower(self, other: str, task: Task) -> bool:
        rank = PRIORITIES.index
        return rank(self.sc.tasks[other].priority) > rank(task.priority)

    # -- a crew at one start ---------------------------------------------------------------
    def qualifying(self, task: Task) -> list[str]:
        if task.id not in self._qualifying:
            self._qualifying[task.id] = self._qualifying_uncached(task)
        return self._qualifying[task.id]

    def _qualifying_uncached(self, task: Task) -> list[str]:
        people: set[str] = set()
        for need in task.needs:
            if isinstance(need, SkillNeed):
                people |= self.by_skill.get(need.skill, set())
            else:
                for team in self._teams(need):
                    people |= self.by_team.get(team, set())
        return sorted(people)

    def _teams(self, need: Need) -> list[str]:
        if isinstance(need, TeamNeed):
            return [need.team] if need.team in self.sc.teams else []
        if isinstance(need, TeamSkillNeed):
            return sorted(t.id for t in self.sc.teams.values() if need.team_skill in t.skills)
        return []

    def _slot_sets(self, task: Task) -> list[list[_Slot]]:
        """Every choice of teams for the team roles, as the task's places (kept per task:
        nobody changes them)."""
        if task.id not in self._slots:
            self._slots[task.id] = self._slot_sets_uncached(task)
        return self._slots[task.id]

    def _slot_sets_uncached(self, task: Task) -> list[list[_Slot]]:
        options: list[list[str | None]] = [
            [None] if isinstance(n, SkillNeed) else list(self._teams(n)) for n in task.needs
        ]
        for i, need in enumerate(task.needs):
            if isinstance(need, TeamSkillNeed) and not options[i]:
                options[i] = [new_team_id(self.sc, task, i)]  # no team has it: a new one
        out = []
        for choice in itertools.product(*options):
            slots = []
            for i, (need, team) in enumerate(zip(task.needs, choice, strict=True)):
                if isinstance(need, SkillNeed):
                    allowed = set(self.by_skill.get(need.skill, set()))
                else:
                    allowed = set(self.by_team.get(team or "", set()))
                slots += [_Slot(i, team, allowed) for _ in range(need.min_people)]
            out.append(slots)
        return out

    def crew(
        self, task: Task, start: int, relax: str | None, recruit: bool = False
    ) -> tuple[list[Fit], list[tuple[_Slot, str | None]]] | None:
        """The fewest relaxed people (or, with `recruit`, unfilled places) that, with people
        free as they are, fill every place of the task at `start`: (fits used, places with
        who fills them, None for a place a recruit takes)."""
        fits = self._fits(task, start, relax)
        plain = [f for f in fits if not f.fixed]
        relaxed = sorted((f for f in fits if f.fixed), key=_fix_cost)
        best: tuple[list[Fit], list[tuple[_Slot, str | None]]] | None = None
        for slots in self._slot_sets(task):
            chosen = list(plain)
            owner = _match(slots, {f.vid for f in chosen})
            for f in relaxed:
                if len(owner) == len(slots):
                    break
                more = _match(slots, {g.vid for g in chosen} | {f.vid})
                if len(more) > len(owner):
                    chosen.append(f)
                    owner = more
            if len(owner) < len(slots) and not recruit:
                continue
            used = set(owner.values())
            fitted = [f for f in chosen if f.vid in used and (f.fixed or recruit)]
            places = [(s, owner.get(i)) for i, s in enumerate(slots)]
            if recruit and any(
                s.team is None and not isinstance(task.needs[s.role], SkillNeed) for s, _ in places
            ):
                continue
            cost = len(fitted) + sum(who is None for _, who in places)
            if best is None or cost < len(best[0]) + sum(w is None for _, w in best[1]):
                best = ([f for f in chosen if f.vid in used], places)
        return best

    # -- starts ----------------------------------------------------------------------------
    def may_relax(self, task: Task, relax: str) -> bool:
        """Whether relaxing a safeguard or the range lets in anyone at all (else the kind has
        nothing to offer for the task, at any start)."""
        people = self.qualifying(task)
        return any((st := self._static(v, task, relax)) is not None and st[0] for v in people)

    def starts(self, task: Task, ranges: list[tuple[int, int]]) -> list[int]:
        """Points inside the closed ranges where someone's block or visit begins or ends."""
        key = (task.id, tuple(ranges))
        if key not in self._starts:
            self._starts[key] = self._starts_uncached(task, ranges)
        return self._starts[key]

    def _starts_uncached(self, task: Task, ranges: list[tuple[int, int]]) -> list[int]:
        points: set[int] = set()
        d = task.duration_minutes
        for lo, hi in ranges:
            points |= {lo, hi}
        for vid in self.qualifying(task):
            vol = self.sc.volunteers[vid]
            tr = self.travel.minutes(vol.mode, vol.home, task.location)
            for bs, be in vol.blocks:
                points |= {bs + tr, be - tr - d}
            for a_start, a_end, _ in self.busy.get(vid, ()):
                points |= {a_end + tr, a_start - d - tr}
        inside = sorted(p for p in points if any(lo <= p <= hi for lo, hi in ranges))
        if len(inside) > MAX_STARTS:
            step = len(inside) / MAX_STARTS
            inside = [inside[int(i * step)] for i in range(MAX_STARTS)]
        return inside


def new_team_id(scenario: Scenario, task: Task, role: int) -> str:
    """The id of the team a recruit suggestion founds for a team role no team can fill."""
    tid = f"new-team-{task.id}-{role}"
    while tid in scenario.teams:
        tid += "x"
    return tid


def _fix_cost(f: Fit) -> tuple[int, int, int, str]:
    return (len(f.drop), f.hours, f.travel, f.vid)


def _match(slots: list[_Slot], people: set[str]) -> dict[int, str]:
    """A maximum matching of places to distinct people (augmenting paths): place -> person."""
    owner: dict[str, int] = {}

    def augment(i: int, seen: set[str]) -> bool:
        for v in sorted(slots[i].allowed & people):
            if v in seen:
                continue
            seen.add(v)
            if v not in owner or augment(owner[v], seen):
                owner[v] = i
                return True
        return False

    for i in sorted(range(len(slots)), key=lambda i: len(slots[i].allowed & people)):
        augment(i, set())
    return {i: v for v, i in owner.items()}


def _index_of(items: Any) -> dict[str, int]:
    if not isinstance(items, list):
        return {}
    return {str(x["id"]): i for i, x in enumerate(items) if isinstance(x, dict) and "id" in x}


def clock(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def day_and_clock(minute_of_week: int) -> tuple[str, str]:
    day, minute = divmod(minute_of_week, MINUTES_PER_DAY)
    return DAYS[day], clock(minute)


def _volunteer_field(s: Suggester, vid: str, key: str, value: Any) -> Operation:
    i = s.vol_index[vid]
    present = key in s.doc["volunteers"][i]
    return {"op": "replace" if present else "add", "path": pointer("volunteers", i, key),
            "value": value}  # fmt: skip


def _names(s: Suggester, vids: list[str]) -> list[str]:
    return [s.sc.volunteers[v].name for v in vids]


def pin(s: Suggester, task: str, vids: list[str]) -> Operation:
    """The patch's operation that pins `vids` to `task` (the contract's `pinned`): whatever the
    one-worker solve of the patched week does, it serves the task (hard rule 6)."""
    value = {"task": task, "volunteers": vids}
    if isinstance(s.doc.get("pinned"), list):
        return {"op": "add", "path": "/pinned/-", "value": value}
    return {"op": "add", "path": "/pinned", "value": [value]}
