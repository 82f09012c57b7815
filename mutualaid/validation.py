"""The executable spec: checks a plan (the contract's JSON) against every hard rule, the
every-task-once rule and the static reasons, and recomputes the objective figures.

Written apart from the solver on purpose (import-linter forbids `solver` here): it re-derives
everything from the scenario with plain loops, so a solver bug cannot hide behind shared code.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from mutualaid.contract import clock
from mutualaid.domain.model import (
    MINUTES_PER_DAY,
    PRIORITIES,
    Location,
    Need,
    Scenario,
    SkillNeed,
    Task,
    TeamNeed,
    Volunteer,
)
from mutualaid.messages import msg
from mutualaid.travel import EARTH_RADIUS_KM, HaversineTravel


@dataclass
class Report:
    violations: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    derived: list[str] = field(default_factory=list)
    """The violations of what a plan *says* about its assignments (figures, reasons, bound,
    a task not listed at all), not of what it assigns: scoring the same assignments again
    clears them."""

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def assignments_ok(self) -> bool:
        """Every hard rule is kept: only what the plan says of itself is wrong (if anything)."""
        return len(self.violations) == len(self.derived)


def _minute(scenario: Scenario, assignment: dict[str, Any], key: str) -> int:
    """The minute of the week of an assignment's start or end; ValueError says what is wrong."""
    stamp = assignment.get(key)
    if stamp is None:
        raise ValueError(msg("check_time_missing", field=key))
    try:
        when = dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        raise ValueError(msg("check_time_not_iso", stamp=stamp)) from None
    if when.tzinfo is None:
        raise ValueError(msg("check_time_no_offset", stamp=stamp))
    try:
        there = when.astimezone(ZoneInfo(scenario.timezone))
    except OverflowError:  # year 1 or 9999 shifted past the calendar: far outside the week
        raise ValueError(msg("check_time_outside_week", stamp=stamp)) from None
    day = (there.date() - scenario.week_start).days
    if not 0 <= day < 7:
        raise ValueError(msg("check_time_outside_week", stamp=stamp))
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
) -> str | None:
    """Why this volunteer may not serve this task at all (rule 1 beyond skills), as the
    violation to report, else None (`declined`: the scenario's declined pairs)."""
    who = {"task": task.id, "volunteer": vol.id}
    if task.vetted_only and not vol.vetted:
        return msg("check_not_vetted", **who)
    if task.resident:
        pref = scenario.residents[task.resident].gender_preference
        if pref and vol.gender != pref:
            return msg("check_gender", **who)
    if task.languages and not task.languages & vol.languages:
        return msg("check_language", **who)
    if (task.id, vol.id) in declined:
        return msg("check_declined", **who)
    return None


def validate(scenario: Scenario, plan: dict[str, Any]) -> Report:
    """Every way the plan breaks the contract, and the figures it should claim."""
    rep = Report()
    bad = rep.violations.append

    def said(text: str) -> None:
        rep.violations.append(text)
        rep.derived.append(text)

    if not isinstance(plan, dict):
        bad(msg("check_not_object"))
        return rep
    for key in ("assignments", "unserved"):
        items = plan.get(key, [])
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            bad(msg("check_not_list", key=key))
            return rep
    if plan.get("status") not in ("optimal", "feasible"):
        if plan.get("status") != "error" or not plan.get("error"):
            bad(msg("check_bad_status", status=plan.get("status")))
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
            bad(msg("check_unknown_task", task=tid))
            continue
        listed[tid] += 1
        task = tasks[tid]
        served[task.priority] += 1
        waited += task.waited
        try:
            start, end = _minute(scenario, a, "start"), _minute(scenario, a, "end")
        except ValueError as exc:
            bad(msg("check_bad_time", task=tid, problem=exc))
            continue
        if end - start != task.duration_minutes:
            bad(msg("check_duration", task=tid, minutes=end - start, want=task.duration_minutes))
        if not any(lo <= start <= hi for lo, hi in task.start_ranges):
            bad(msg("check_start_outside", task=tid, start=a["start"]))
        people = [x.get("id") for x in a.get("volunteers", [])]
        if len(set(people)) != len(people):
            bad(msg("check_two_roles", task=tid))
        crews[tid] = set(people)
        per_role: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for x in a.get("volunteers", []):
            vid, role, team = x.get("id"), x.get("role"), x.get("team")
            vol = scenario.volunteers.get(vid)
            if vol is None:
                bad(msg("check_unknown_volunteer", task=tid, volunteer=vid))
                continue
            if not isinstance(role, int) or not 0 <= role < len(task.needs):
                bad(msg("check_no_role", task=tid, volunteer=vid, role=role))
                continue
            per_role[role].append(x)
            if not _may_fill(scenario, vol, task.needs[role], team):
                bad(msg("check_unqualified", task=tid, volunteer=vid, role=role, team=team))
            why = _safeguards_ok(scenario, task, vol, declined)
            if why:
                bad(why)
            tr = travel.minutes(vol.mode, vol.home, task.location)
            if tr > vol.max_travel_minutes:
                limit = vol.max_travel_minutes
                bad(msg("check_too_far", task=tid, volunteer=vid, travel=tr, limit=limit))
            visits[vid].append((start, end, tid))
            if (tid, vid) in continuity_pairs:
                continuity += 1
        for r, need in enumerate(task.needs):
            got = per_role.get(r, [])
            least, most = need.min_people, need.max_people
            if not least <= len(got) <= most:
                bad(msg("check_role_size", task=tid, role=r, count=len(got), min=least, max=most))
            if not isinstance(need, SkillNeed) and len({x.get("team") for x in got}) > 1:
                bad(msg("check_mixed_teams", task=tid, role=r))

    for u in plan.get("unserved", []):
        tid = u.get("task")
        if not isinstance(tid, str) or tid not in tasks:
            said(msg("check_unknown_unserved", task=tid))
            continue
        listed[tid] += 1
    for tid in tasks:
        if listed[tid] != 1:
            (said if listed[tid] == 0 else bad)(msg("check_listed", task=tid, count=listed[tid]))

    travel_total, worst = _routes(scenario, visits, travel, bad)
    for pin in scenario.pinned:
        if not set(pin.volunteers) <= crews.get(pin.task, set()):
            bad(msg("check_pin_not_kept", task=pin.task, volunteers=", ".join(pin.volunteers)))

    for u in plan.get("unserved", []):
        tid = u.get("task")
        if isinstance(tid, str) and tid in tasks:
            want = static_reason(scenario, tasks[tid], travel, declined) or "capacity"
            if u.get("reason") != want:
                said(msg("check_wrong_reason", task=tid, got=u.get("reason"), want=want))
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
    for key in ("served", "tasks", "continuity", "travel_minutes", "waited"):
        if key in claimed and claimed[key] != rep.figures[key]:
            said(msg("check_wrong_figure", key=key, claimed=claimed[key], actual=rep.figures[key]))
    if "max_load" in claimed and abs(float(claimed["max_load"]) - worst) > 1e-3:
        said(msg("check_wrong_max_load", claimed=claimed["max_load"], actual=worst))
    bound = plan.get("bound")
    if not isinstance(bound, dict):
        said(msg("check_no_bound"))
    else:
        for p in PRIORITIES:
            b = bound.get(p)
            if not isinstance(b, int) or not served[p] <= b <= total[p]:
                fields = {"priority": p, "bound": b, "served": served[p], "tasks": total[p]}
                said(msg("check_bound_range", **fields))
            elif plan.get("status") == "optimal" and b != served[p]:
                said(msg("check_bound_not_served", priority=p, bound=b, served=served[p]))
    return rep


def _routes(
    scenario: Scenario,
    visits: dict[str, list[tuple[int, int, str]]],
    travel: HaversineTravel,
    bad: Callable[[str], None],
) -> tuple[int, float]:
    """Rules 4 and 5 for every volunteer; returns total route travel and the max load."""
    total, worst = 0, 0.0
    for vid, mine in visits.items():
        vol = scenario.volunteers[vid]
        minutes = sum(e - s for s, e, _ in mine)
        if minutes > 60 * vol.max_hours_per_week:
            hours = vol.max_hours_per_week
            bad(msg("check_over_hours", volunteer=vid, minutes=minutes, hours=hours))
        if vol.max_hours_per_week > 0:
            worst = max(worst, minutes / (60 * vol.max_hours_per_week))
        per_block: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for s, e, tid in mine:
            inside = [i for i, (bs, be) in enumerate(vol.blocks) if bs <= s and e <= be]
            if not inside:
                bad(msg("check_outside_blocks", volunteer=vid, task=tid))
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
                    bad(msg("check_late", volunteer=vid, task=tid, free_at=free, travel=tr))
                here, free_at = loc, e
            back = travel.minutes(vol.mode, here, vol.home)
            total += back
            if free_at + back > be:
                bad(msg("check_not_home", volunteer=vid, task=stops[-1][2]))
    return total, worst


# --- static reasons, from first principles --------------------------------------------------


def _ways(scenario: Scenario, need: Need) -> list[set[str]]:
    """The sets of people that could fill a role, one per team (or one set for a skill)."""
    vols = scenario.volunteers.values()
    if isinstance(need, SkillNeed):
        return [{v.id for v in vols if need.skill in v.skills}]
    if isinstance(need, TeamNeed):
        teams = [need.team] if need.team in scenario.teams else []
    else:
        teams = [t.id for t in scenario.teams.values() if need.team_skill in t.skills]
    return [{v.id for v in vols if t in v.teams} for t in teams]


def _can_fill(needs: tuple[Need, ...], ways: list[list[set[str]]], allowed: set[str]) -> bool:
    for pick in itertools.product(*ways):
        places = [people & allowed for need, people in zip(needs, pick, strict=True)
                  for _ in range(need.min_people)]  # fmt: skip
        if _perfect(places):
            return True
    return False


def _perfect(places: list[set[str]]) -> bool:
    taken: dict[str, int] = {}

    def seat(i: int, tried: set[str]) -> bool:
        for v in sorted(places[i]):
            if v not in tried:
                tried.add(v)
                if v not in taken or seat(taken[v], tried):
                    taken[v] = i
                    return True
        return False

    return all(seat(i, set()) for i in range(len(places)))


def _surely_too_far(scenario: Scenario, vol: Volunteer, there: Location) -> bool:
    """True when the straight chord through the earth (never longer than the great-circle
    distance) already takes longer than the volunteer travels; saves the full haversine for
    most pairs of a large world and never changes an answer (one minute of slack)."""
    a, b = _unit(vol.home), _unit(there)
    km = EARTH_RADIUS_KM * math.dist(a, b)
    minutes = km * scenario.settings.detour_factor / scenario.settings.speeds_kmh[vol.mode] * 60
    return minutes > vol.max_travel_minutes + 1


@functools.lru_cache(maxsize=65536)
def _unit(at: Location) -> tuple[float, float, float]:
    """The point on the unit sphere."""
    lat, lon = math.radians(at.lat), math.radians(at.lon)
    return (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))


def static_reason(
    scenario: Scenario,
    task: Task,
    travel: HaversineTravel,
    declined: frozenset[tuple[str, str]] | None = None,
) -> str | None:
    """The contract's reasons 1-4 for a task on its own, or None when it could be served.
    Only people who could fill some role are looked at: no one else changes the answer."""
    ways = [_ways(scenario, n) for n in task.needs]
    everyone = {v for way in ways for people in way for v in people}
    if declined is None:
        declined = scenario.declined_pairs()
    if not _can_fill(task.needs, ways, everyone):
        return "no_skill"
    vols = scenario.volunteers
    home_travel = {
        v: travel.minutes(vols[v].mode, vols[v].home, task.location)
        for v in everyone
        if not _surely_too_far(scenario, vols[v], task.location)
    }
    near = {v for v, tr in home_travel.items() if tr <= vols[v].max_travel_minutes}
    if not _can_fill(task.needs, ways, near):
        return "out_of_range"
    ok = {v for v in near if _safeguards_ok(scenario, task, vols[v], declined) is None}
    if not _can_fill(task.needs, ways, ok):
        return "excluded"
    dur = task.duration_minutes
    windows: dict[str, list[tuple[int, int]]] = {}
    for v in ok:
        if vols[v].max_service_minutes < dur:
            continue
        tr = home_travel[v]
        windows[v] = [
            (bs + tr, be - tr - dur) for bs, be in vols[v].blocks if be - tr - dur >= bs + tr
        ]
    candidates = {lo for lo, _ in task.start_ranges} | {
        a for spans in windows.values() for a, _ in spans
    }
    for p in sorted(candidates):
        if not any(lo <= p <= hi for lo, hi in task.start_ranges):
            continue
        free = {v for v, spans in windows.items() if any(a <= p <= b for a, b in spans)}
        if _can_fill(task.needs, ways, free):
            return None
    return "no_time"


# --- replay expectations ---------------------------------------------------------------------


def check_expect(scenario: Scenario, plan: dict[str, Any]) -> list[str]:
    """How the plan falls short of the scenario's `expect:` block (empty when it meets it)."""
    exp = scenario.expect
    if exp is None:
        return []
    out = []
    served = {a["task"] for a in plan.get("assignments", [])}
    reasons = {u["task"]: u["reason"] for u in plan.get("unserved", [])}
    for tid in exp.served:
        if tid not in served:
            out.append(msg("expect_served_missing", task=tid, reason=reasons.get(tid, "?")))
    for tid, want in exp.unserved.items():
        if tid in served:
            out.append(msg("expect_unserved_served", task=tid, reason=want))
        elif reasons.get(tid) != want:
            out.append(msg("expect_reason_differs", task=tid, got=reasons.get(tid), want=want))
    for prio, frac in exp.coverage.items():
        of_prio: Iterable[Task] = [t for t in scenario.tasks.values() if t.priority == prio]
        n = len(list(of_prio))
        got = sum(1 for t in scenario.tasks.values() if t.priority == prio and t.id in served)
        share = got / n if n else 1.0
        if share + 1e-9 < frac:
            out.append(msg("expect_coverage_low", priority=prio, got=share, want=frac))
    return out
