"""The executable spec: checks a plan (the contract's JSON) against every hard rule, the
every-task-once rule and the static reasons, and recomputes the objective figures.

Written apart from the solver on purpose (import-linter forbids `solver` here): it re-derives
everything from the scenario with plain loops, so a solver bug cannot hide behind shared code.
What it finds is data (`Violation`: the rule, the task and volunteer, a catalogue key and its
fields), compared as data; `messages.violation_text` words one at the edge.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from mutualaid.contract import clock
from mutualaid.domain.model import (
    MINUTES_PER_DAY,
    PRIORITIES,
    Need,
    Scenario,
    SkillNeed,
    Task,
    TeamNeed,
    Volunteer,
)
from mutualaid.travel import HaversineTravel
from mutualaid.validation.reasons import safeguard, static_reason

# The rules a violation names: the contract's hard rules, then what a plan says of itself.
FORMAT = "format"
"""The plan's shape: an object with lists, a known status, known tasks, volunteers and roles,
timestamps with an offset inside the week."""
QUALIFIES = "qualifies"
"""Hard rule 1: skill or team for the role, vetted, gender preference, languages, declines."""
REACH = "reach"
"""Hard rule 2: home to task within the volunteer's travel limit."""
TIME = "time"
"""Hard rule 3: the duration, inside a window or at the fixed start."""
CREW = "crew"
"""Each role filled by its number of distinct people, a team role by one team."""
ROUTE = "route"
"""Hard rule 4: inside one availability block, on time, home by its end."""
HOURS = "hours"
"""Hard rule 5: weekly hours."""
PINS = "pins"
"""Hard rule 6: every pinned assignment as given."""
ONCE = "once"
"""A task assigned or listed more than once."""
LISTED = "listed"
"""A task listed nowhere, or an unserved entry for a task the week does not have."""
REASON = "reason"
"""An unserved task's reason is not the first of reasons 1-4 that applies (else capacity)."""
FIGURES = "figures"
"""An objective figure the assignments do not add up to."""
BOUND = "bound"
"""The bound per priority: present, between served and tasks, equal to served if optimal."""
EXPECT = "expect"
"""A scenario's `expect:` block not met (`mutualaid.expectations.check_expect`)."""

DERIVED = frozenset({LISTED, REASON, FIGURES, BOUND})
"""The rules about what a plan *says* of its assignments, not what it assigns: scoring the
same assignments again clears their violations."""


@dataclass(frozen=True)
class Violation:
    """One way a plan breaks the contract, as data. `code` is the catalogue key that words it,
    `params` its fields beyond `task` and `volunteer` (a field that is itself a Violation is
    worded too). Equal when every part is equal."""

    rule: str
    task: str | None
    volunteer: str | None
    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)


def _violation(
    rule: str, code: str, task: str | None = None, volunteer: str | None = None, /, **params: object
) -> Violation:
    """A Violation; `task=` or `volunteer=` given by name go to the fields as they came (an
    id the week does not have, or not even a string)."""
    return Violation(rule, task, volunteer, code, params)


@dataclass
class Report:
    violations: list[Violation] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def derived(self) -> list[Violation]:
        """The violations of what a plan *says* about its assignments (figures, reasons,
        bound, a task not listed at all), not of what it assigns."""
        return [v for v in self.violations if v.rule in DERIVED]

    @property
    def hard(self) -> list[Violation]:
        """The violations of what a plan assigns: a hard rule, the plan's shape, a task twice."""
        return [v for v in self.violations if v.rule not in DERIVED]

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def assignments_ok(self) -> bool:
        """Every hard rule is kept: only what the plan says of itself is wrong (if anything)."""
        return not self.hard


class _BadTime(ValueError):
    def __init__(self, problem: Violation) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _minute(scenario: Scenario, assignment: dict[str, Any], key: str) -> int:
    """The minute of the week of an assignment's start or end; _BadTime says what is wrong."""
    tid = assignment.get("task")
    task = tid if isinstance(tid, str) else None
    stamp = assignment.get(key)
    if stamp is None:
        raise _BadTime(_violation(FORMAT, "check_time_missing", task, field=key))
    try:
        when = dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        raise _BadTime(_violation(FORMAT, "check_time_not_iso", task, stamp=stamp)) from None
    if when.tzinfo is None:
        raise _BadTime(_violation(FORMAT, "check_time_no_offset", task, stamp=stamp))
    try:
        there = when.astimezone(ZoneInfo(scenario.timezone))
    except OverflowError:  # year 1 or 9999 shifted past the calendar: far outside the week
        outside = _violation(FORMAT, "check_time_outside_week", task, stamp=stamp)
        raise _BadTime(outside) from None
    day = (there.date() - scenario.week_start).days
    if not 0 <= day < 7:
        raise _BadTime(_violation(FORMAT, "check_time_outside_week", task, stamp=stamp))
    return day * MINUTES_PER_DAY + there.hour * 60 + there.minute


def _may_fill(scenario: Scenario, vol: Volunteer, need: Need, team: str | None) -> bool:
    if isinstance(need, SkillNeed):
        return need.skill in vol.skills
    if team is None or team not in vol.teams:
        return False
    if isinstance(need, TeamNeed):
        return team == need.team
    return need.team_skill in scenario.teams[team].skills


def _safeguards_ok(
    scenario: Scenario, task: Task, vol: Volunteer, declined: frozenset[tuple[str, str]]
) -> Violation | None:
    """Why this volunteer may not serve this task at all (rule 1 beyond skills), as the
    violation to report, else None (`declined`: the scenario's declined pairs)."""
    code = safeguard(scenario, task, vol, declined)
    return None if code is None else Violation(QUALIFIES, task.id, vol.id, code)


def validate(scenario: Scenario, plan: dict[str, Any]) -> Report:
    """Every way the plan breaks the contract, and the figures it should claim."""
    rep = Report()
    bad = rep.violations.append
    v = _violation

    if not isinstance(plan, dict):
        bad(v(FORMAT, "check_not_object"))
        return rep
    for key in ("assignments", "unserved"):
        items = plan.get(key, [])
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            bad(v(FORMAT, "check_not_list", key=key))
            return rep
    for i, a in enumerate(plan.get("assignments", [])):  # each crew: people with string ids
        crew = a.get("volunteers", [])
        ok = isinstance(crew, list) and all(isinstance(x, dict) for x in crew)
        if not ok or any(
            not isinstance(x.get(k), str | None) for x in crew for k in ("id", "team")
        ):
            bad(v(FORMAT, "check_not_list", key=f"assignments[{i}].volunteers"))
            return rep
    if plan.get("status") not in ("optimal", "feasible"):
        if plan.get("status") != "error" or not plan.get("error"):
            bad(v(FORMAT, "check_bad_status", status=plan.get("status")))
        return rep
    travel = HaversineTravel(scenario.settings)
    tasks = scenario.tasks
    declined = scenario.declined_pairs()
    listed: dict[str, int] = defaultdict(int)
    visits: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    crews: dict[str, set[str]] = {}
    served = dict.fromkeys(PRIORITIES, 0)
    total = dict.fromkeys(PRIORITIES, 0)
    for t in tasks.values():
        total[t.priority] += 1
    continuity_pairs = scenario.continuity_pairs()
    continuity = 0
    waited = 0

    for a in plan.get("assignments", []):
        tid = a.get("task")
        if not isinstance(tid, str) or tid not in tasks:
            bad(v(FORMAT, "check_unknown_task", task=tid))
            continue
        listed[tid] += 1
        task = tasks[tid]
        served[task.priority] += 1
        waited += task.waited
        try:
            start, end = _minute(scenario, a, "start"), _minute(scenario, a, "end")
        except _BadTime as exc:
            bad(v(FORMAT, "check_bad_time", tid, problem=exc.problem))
            continue
        if end - start != task.duration_minutes:
            due = task.duration_minutes
            bad(v(TIME, "check_duration", tid, minutes=end - start, want=due))
        if not any(lo <= start <= hi for lo, hi in task.start_ranges):
            bad(v(TIME, "check_start_outside", tid, start=a["start"]))
        people = [x.get("id") for x in a.get("volunteers", [])]
        if len(set(people)) != len(people):
            bad(v(CREW, "check_two_roles", tid))
        crews[tid] = set(people)
        per_role: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for x in a.get("volunteers", []):
            vid, role, team = x.get("id"), x.get("role"), x.get("team")
            vol = scenario.volunteers.get(vid)
            if vol is None:
                bad(v(FORMAT, "check_unknown_volunteer", tid, volunteer=vid))
                continue
            if not isinstance(role, int) or not 0 <= role < len(task.needs):
                bad(v(FORMAT, "check_no_role", tid, vol.id, role=role))
                continue
            per_role[role].append(x)
            if not _may_fill(scenario, vol, task.needs[role], team):
                bad(v(QUALIFIES, "check_unqualified", tid, vol.id, role=role, team=team))
            why = _safeguards_ok(scenario, task, vol, declined)
            if why:
                bad(why)
            tr = travel.minutes(vol.mode, vol.home, task.location)
            if tr > vol.max_travel_minutes:
                limit = vol.max_travel_minutes
                bad(v(REACH, "check_too_far", tid, vol.id, travel=tr, limit=limit))
            visits[vid].append((start, end, tid))
            if (tid, vid) in continuity_pairs:
                continuity += 1
        for r, need in enumerate(task.needs):
            got = per_role.get(r, [])
            least, most = need.min_people, need.max_people
            if not least <= len(got) <= most:
                size = {"count": len(got), "min": least, "max": most}
                bad(v(CREW, "check_role_size", tid, role=r, **size))
            if not isinstance(need, SkillNeed) and len({x.get("team") for x in got}) > 1:
                bad(v(CREW, "check_mixed_teams", tid, role=r))

    for u in plan.get("unserved", []):
        tid = u.get("task")
        if not isinstance(tid, str) or tid not in tasks:
            bad(v(LISTED, "check_unknown_unserved", task=tid))
            continue
        listed[tid] += 1
    for tid in tasks:
        if listed[tid] != 1:
            bad(v(LISTED if listed[tid] == 0 else ONCE, "check_listed", tid, count=listed[tid]))

    travel_total, worst = _routes(scenario, visits, travel, bad)
    for pin in scenario.pinned:
        if not set(pin.volunteers) <= crews.get(pin.task, set()):
            bad(v(PINS, "check_pin_not_kept", pin.task, volunteers=", ".join(pin.volunteers)))

    ways: dict[Need, list[set[str]]] = {}  # (each role's people, once for every task)
    for u in plan.get("unserved", []):
        tid = u.get("task")
        if isinstance(tid, str) and tid in tasks:
            want = static_reason(scenario, tasks[tid], travel, declined, ways) or "capacity"
            if u.get("reason") != want:
                bad(v(REASON, "check_wrong_reason", tid, got=u.get("reason"), want=want))
    # A served task needs no static check of its own: each of its crew was checked above
    # (skills, range, safeguards, window, hours, routes), and a crew that passes proves the
    # task possible. On a district week that check was most of the validator's time.

    rep.figures = {
        "served": served,
        "tasks": total,
        "continuity": continuity,
        "travel_minutes": travel_total,
        "max_load": round(worst, 4),
        "waited": waited,
    }
    claimed = plan.get("objective") or {}
    if not isinstance(claimed, dict):
        bad(v(FORMAT, "check_not_mapping", key="objective"))
        claimed = {}
    for key in ("served", "tasks", "continuity", "travel_minutes", "waited"):
        if key in claimed and claimed[key] != rep.figures[key]:
            figure = {"key": key, "claimed": claimed[key], "actual": rep.figures[key]}
            bad(v(FIGURES, "check_wrong_figure", **figure))
    said = claimed.get("max_load", worst)  # a number (not a bool) within 1e-3 of the worst
    if type(said) not in (int, float) or not abs(said - worst) <= 1e-3:
        bad(v(FIGURES, "check_wrong_max_load", claimed=claimed["max_load"], actual=worst))
    bound = plan.get("bound")
    if not isinstance(bound, dict):
        bad(v(BOUND, "check_no_bound"))
    else:
        for p in PRIORITIES:
            b = bound.get(p)
            if not isinstance(b, int) or not served[p] <= b <= total[p]:
                fields = {"priority": p, "bound": b, "served": served[p], "tasks": total[p]}
                bad(v(BOUND, "check_bound_range", **fields))
            elif plan.get("status") == "optimal" and b != served[p]:
                bad(v(BOUND, "check_bound_not_served", priority=p, bound=b, served=served[p]))
    return rep


def _routes(
    scenario: Scenario,
    visits: dict[str, list[tuple[int, int, str]]],
    travel: HaversineTravel,
    bad: Callable[[Violation], None],
) -> tuple[int, float]:
    """Rules 4 and 5 for every volunteer; returns total route travel and the max load."""
    total, worst = 0, 0.0
    for vid, mine in visits.items():
        vol = scenario.volunteers[vid]
        minutes = sum(e - s for s, e, _ in mine)
        if minutes > 60 * vol.max_hours_per_week:
            hours = vol.max_hours_per_week
            bad(_violation(HOURS, "check_over_hours", None, vid, minutes=minutes, hours=hours))
        if vol.max_hours_per_week > 0:
            worst = max(worst, minutes / (60 * vol.max_hours_per_week))
        per_block: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for s, e, tid in mine:
            inside = [i for i, (bs, be) in enumerate(vol.blocks) if bs <= s and e <= be]
            if not inside:
                bad(_violation(ROUTE, "check_outside_blocks", tid, vid))
            else:
                per_block[inside[0]].append((s, e, tid))
        for b, stops in per_block.items():
            bs, be = vol.blocks[b]
            here, free_at = vol.home, bs
            for s, e, tid in sorted(stops):
                loc = scenario.tasks[tid].location
                tr = travel.minutes(vol.mode, here, loc)
                total += tr
                if s < free_at + tr:
                    free = clock.iso(scenario, free_at)
                    bad(_violation(ROUTE, "check_late", tid, vid, free_at=free, travel=tr))
                here, free_at = loc, e
            back = travel.minutes(vol.mode, here, vol.home)
            total += back
            if free_at + back > be:
                bad(_violation(ROUTE, "check_not_home", stops[-1][2], vid))
    return total, worst
