"""The contract's static reasons 1-4 for an unserved task, from first principles (the
validator's, `mutualaid.validation`): the first that applies, or None when the task could be
served on its own (then an unserved task's reason is capacity)."""

from __future__ import annotations

import functools
import itertools
import math

from mutualaid.domain.model import (
    Location,
    Need,
    Scenario,
    SkillNeed,
    Task,
    TeamNeed,
    Volunteer,
)
from mutualaid.travel import EARTH_RADIUS_KM, HaversineTravel


def safeguard(
    scenario: Scenario, task: Task, vol: Volunteer, declined: frozenset[tuple[str, str]]
) -> str | None:
    """Why this volunteer may not serve this task at all (rule 1 beyond skills), as the
    catalogue key of the violation, else None (`declined`: the scenario's declined pairs)."""
    code = None  # (as `code = "..."`: the catalogue's test finds each key the code names)
    if task.vetted_only and not vol.vetted:
        code = "check_not_vetted"
    elif (
        task.resident
        and (pref := scenario.residents[task.resident].gender_preference)
        and (vol.gender != pref)
    ):
        code = "check_gender"
    elif task.languages and not task.languages & vol.languages:
        code = "check_language"
    elif (task.id, vol.id) in declined:
        code = "check_declined"
    return code


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
    ways: dict[Need, list[set[str]]] | None = None,
) -> str | None:
    """The contract's reasons 1-4 for a task on its own, or None when it could be served.
    Only people who could fill some role are looked at: no one else changes the answer.
    `ways`: a cache of each role's people, kept by the caller across tasks."""
    if ways is None:
        ways = {}
    for n in task.needs:
        if n not in ways:
            ways[n] = _ways(scenario, n)
    roles = [ways[n] for n in task.needs]
    everyone = {v for way in roles for people in way for v in people}
    if declined is None:
        declined = scenario.declined_pairs()
    if not _can_fill(task.needs, roles, everyone):
        return "no_skill"
    vols = scenario.volunteers
    dur = task.duration_minutes
    # First only those who pass the cheap tests (safeguards, weekly hours): when they can
    # serve the task, so can the larger sets the reasons below are about (each of them holds
    # these people), and the task has no reason. A week's many tasks left for capacity are
    # settled so, without the trip from every qualified person's home (on a week of people
    # giving an hour, 1,661 unserved of 2,000 tasks: 11.7 s of a command's 30).
    likely = {
        v
        for v in everyone
        if vols[v].max_service_minutes >= dur
        and safeguard(scenario, task, vols[v], declined) is None
    }
    if _can_fill(task.needs, roles, likely) and _fits(task, roles, vols, travel, likely):
        return None
    home_travel = _home_travel(scenario, task, travel, everyone)
    near = {v for v, tr in home_travel.items() if tr <= vols[v].max_travel_minutes}
    if not _can_fill(task.needs, roles, near):
        return "out_of_range"
    ok = {v for v in near if safeguard(scenario, task, vols[v], declined) is None}
    if not _can_fill(task.needs, roles, ok):
        return "excluded"
    return None if _fits(task, roles, vols, travel, ok, home_travel) else "no_time"


def _home_travel(
    scenario: Scenario, task: Task, travel: HaversineTravel, people: set[str]
) -> dict[str, int]:
    """Each one's trip from home to the task, for those not surely beyond their range."""
    vols = scenario.volunteers
    return {
        v: travel.minutes(vols[v].mode, vols[v].home, task.location)
        for v in people
        if not _surely_too_far(scenario, vols[v], task.location)
    }


def _fits(
    task: Task,
    roles: list[list[set[str]]],
    vols: dict[str, Volunteer],
    travel: HaversineTravel,
    people: set[str],
    home_travel: dict[str, int] | None = None,
) -> bool:
    """Whether the roles can be filled at one start from `people` (each in range, with the
    weekly minutes for it), each going from home and back within one of their blocks."""
    dur = task.duration_minutes
    alone = sum(n.min_people for n in task.needs) == 1  # anyone of them alone serves it
    windows: dict[str, list[tuple[int, int]]] = {}
    for v in sorted(people):
        if vols[v].max_service_minutes < dur:
            continue
        if home_travel is None:
            tr = travel.minutes(vols[v].mode, vols[v].home, task.location)
            if tr > vols[v].max_travel_minutes:
                continue
        elif v not in home_travel:
            continue
        else:
            tr = home_travel[v]
        windows[v] = [
            (bs + tr, be - tr - dur) for bs, be in vols[v].blocks if be - tr - dur >= bs + tr
        ]
        if alone and any(
            max(a, lo) <= min(b, hi) for a, b in windows[v] for lo, hi in task.start_ranges
        ):
            return True  # (the first who can is enough: no trip from the others' homes)
    candidates = {lo for lo, _ in task.start_ranges} | {
        a for spans in windows.values() for a, _ in spans
    }
    for p in sorted(candidates):
        if not any(lo <= p <= hi for lo, hi in task.start_ranges):
            continue
        free = {v for v, spans in windows.items() if any(a <= p <= b for a, b in spans)}
        if _can_fill(task.needs, roles, free):
            return True
    return False
