"""What the contract's hard rules ask of one person for one task, each rule written once: who
qualifies for a role (rule 1), who a safeguard excludes (rule 1), who reaches the task (rule 2),
who is free for it (rules 3-4 from home) and within their weekly hours (rule 5).

Shared by static analysis, the greedy planner, the repair and the loader's check of pins. The
validator (`mutualaid.validation`) keeps its own code on purpose: it checks these.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from typing import Literal

from mutualaid.domain.matching import all_seated
from mutualaid.domain.model import (
    Need,
    Resident,
    SkillNeed,
    Span,
    Task,
    Team,
    TeamNeed,
    Volunteer,
    free_starts,
)

Exclusion = Literal["vetted", "gender", "language", "declined"]
"""A safeguard that keeps a volunteer from a task (messages: `excl_<x>`, `pin_...`)."""

Refusal = Literal[
    "no_role", "vetted", "gender", "language", "declined", "out_of_range", "hours", "no_time"
]
"""The first rule that keeps one volunteer from a task on their own, in the loader's order."""


def teams_for(need: Need, teams: Mapping[str, Team]) -> list[str | None]:
    """The ways to fill a role: None for a skill role (anyone with the skill), else each team
    that may field it (the named team, or every team with the team skill), in id order."""
    if isinstance(need, SkillNeed):
        return [None]
    if isinstance(need, TeamNeed):
        return [need.team] if need.team in teams else []
    return [t for t in sorted(teams) if need.team_skill in teams[t].skills]


def fills(vol: Volunteer, need: Need, team: str | None, teams: Mapping[str, Team]) -> bool:
    """Whether the volunteer may fill this role for `team` (None for a skill role): they have
    the skill, or belong to the team, which is the named one or has the team skill."""
    if isinstance(need, SkillNeed):
        return team is None and need.skill in vol.skills
    if team is None or team not in teams or team not in vol.teams:
        return False
    if isinstance(need, TeamNeed):
        return team == need.team
    return need.team_skill in teams[team].skills


def qualifies(vol: Volunteer, need: Need, teams: Mapping[str, Team]) -> bool:
    """Whether the volunteer may fill this role for some team (or by their skill)."""
    if isinstance(need, SkillNeed):
        return need.skill in vol.skills
    return any(fills(vol, need, t, teams) for t in vol.teams)


def exclusion(
    task: Task,
    vol: Volunteer,
    resident: Resident | None,
    declined: Collection[tuple[str, str]] = (),
) -> Exclusion | None:
    """The safeguard that keeps the volunteer from the task, else None: a `vetted_only` task
    and an unvetted volunteer, the resident's gender preference, no language in common with
    the task's, or a decline ((task, volunteer) in `declined`)."""
    if task.vetted_only and not vol.vetted:
        return "vetted"
    if resident and resident.gender_preference and vol.gender != resident.gender_preference:
        return "gender"
    if task.languages and not task.languages & vol.languages:
        return "language"
    if (task.id, vol.id) in declined:
        return "declined"
    return None


def reaches(vol: Volunteer, travel_minutes: int) -> bool:
    """Whether a task `travel_minutes` from the volunteer's home is within their range."""
    return travel_minutes <= vol.max_travel_minutes


def minutes_left(vol: Volunteer, used: int) -> int:
    """Service minutes the volunteer has left in the week once `used` are booked."""
    return vol.max_service_minutes - used


def within_hours(vol: Volunteer, minutes: int) -> bool:
    """Whether `minutes` of service in the week keep within the volunteer's weekly hours."""
    return minutes_left(vol, minutes) >= 0


def free(vol: Volunteer, task: Task, travel_minutes: int) -> list[Span]:
    """Closed ranges of starts at which the volunteer, living `travel_minutes` from the task,
    can go from home, do it inside one availability block and be home by its end."""
    return free_starts(vol.blocks, task, travel_minutes)


def refusal(
    task: Task,
    vol: Volunteer,
    travel_minutes: int,
    teams: Mapping[str, Team],
    resident: Resident | None,
    declined: Collection[tuple[str, str]] = (),
) -> tuple[Refusal | None, list[Span]]:
    """The first rule that keeps the volunteer from the task on their own (no role they
    qualify for, a safeguard, out of range, too few weekly hours, never free), with the
    starts at which they are free when none does."""
    if not any(qualifies(vol, n, teams) for n in task.needs):
        return "no_role", []
    excluded = exclusion(task, vol, resident, declined)
    if excluded is not None:
        return excluded, []
    if not reaches(vol, travel_minutes):
        return "out_of_range", []
    if not within_hours(vol, task.duration_minutes):
        return "hours", []
    starts = free(vol, task, travel_minutes)
    return (None, starts) if starts else ("no_time", [])


def can_fill(
    task: Task,
    vol: Volunteer,
    role: int,
    team: str | None,
    start: int,
    travel_minutes: int,
    teams: Mapping[str, Team],
    resident: Resident | None,
    declined: Collection[tuple[str, str]] = (),
) -> bool:
    """Whether this one person may fill role `role` (for `team`) of the task at `start`, on
    their own: every per-person rule, no other task considered."""
    if not 0 <= role < len(task.needs) or not fills(vol, task.needs[role], team, teams):
        return False
    if exclusion(task, vol, resident, declined) is not None:
        return False
    if not reaches(vol, travel_minutes) or not within_hours(vol, task.duration_minutes):
        return False
    return any(lo <= start <= hi for lo, hi in free(vol, task, travel_minutes))


def pins_fill_roles(
    task: Task,
    pinned: Collection[str],
    volunteers: Mapping[str, Volunteer],
    teams: Mapping[str, Team],
) -> bool:
    """Whether the pinned volunteers can each take a distinct place in some role (a role has
    `max_people` places), every team role's people from one team with enough members."""
    size = {t: sum(t in v.teams for v in volunteers.values()) for t in teams}
    options = [
        [t for t in teams_for(n, teams) if t is None or size[t] >= n.min_people] for n in task.needs
    ]
    people = list(pinned)
    for choice in itertools.product(*options):
        places = [
            [v for v in people if fills(volunteers[v], need, team, teams)]
            for need, team in zip(task.needs, choice, strict=True)
            for _ in range(need.max_people)
        ]
        if all_seated(people, places):
            return True
    return False
