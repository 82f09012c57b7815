"""The week's decisions beside its entities: history, declines, pins (each pin checked
against the hard rules on its own) and the `expect` block of a replayed scenario.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from mutualaid.contract.fields import Reader, describe
from mutualaid.contract.yaml_text import FieldPath
from mutualaid.domain.model import (
    PRIORITIES,
    Decline,
    Expect,
    HistoryEntry,
    Need,
    Pin,
    Scenario,
    SkillNeed,
    Span,
    Task,
    TeamNeed,
    Volunteer,
    free_starts,
)
from mutualaid.domain.plan import REASONS
from mutualaid.messages import msg
from mutualaid.travel import HaversineTravel


def _ref(
    r: Reader, m: dict[str, Any], key: str, p: FieldPath, known: dict[str, Any], kind: str
) -> str | None:
    ident = r.string(m, key, p)
    if ident is not None and ident not in known:
        r.add((*p, key), msg("unknown_ref", kind=msg(kind), id=ident))
        return None
    return str(ident) if ident is not None else None


def read_history(
    r: Reader, top: dict[str, Any], residents: dict[str, Any], volunteers: dict[str, Any]
) -> Iterable[HistoryEntry]:
    for p, item in r.items(top, "history", ()):
        m = r.mapping(item, p, ("resident", "volunteer"), ("resident", "volunteer"))
        if m is None:
            continue
        res = _ref(r, m, "resident", p, residents, "kind_resident")
        vol = _ref(r, m, "volunteer", p, volunteers, "kind_volunteer")
        if res and vol:
            yield HistoryEntry(res, vol)


def read_declined(
    r: Reader, top: dict[str, Any], tasks: dict[str, Any], volunteers: dict[str, Any]
) -> Iterable[Decline]:
    seen: set[tuple[str, str]] = set()
    for p, item in r.items(top, "declined", ()):
        m = r.mapping(item, p, ("task", "volunteer"), ("task", "volunteer"))
        if m is None:
            continue
        task = _ref(r, m, "task", p, tasks, "kind_task")
        vol = _ref(r, m, "volunteer", p, volunteers, "kind_volunteer")
        if task and vol:
            if (task, vol) in seen:
                r.add(p, msg("duplicate_decline"))
            seen.add((task, vol))
            yield Decline(task, vol)


def read_pins(
    r: Reader, top: dict[str, Any], tasks: dict[str, Any], volunteers: dict[str, Any]
) -> list[tuple[FieldPath, Pin]]:
    out: list[tuple[FieldPath, Pin]] = []
    pinned: set[str] = set()
    for p, item in r.items(top, "pinned", ()):
        m = r.mapping(item, p, ("task", "volunteers"), ("task", "volunteers"))
        if m is None:
            continue
        task = _ref(r, m, "task", p, tasks, "kind_task")
        vols: list[str] = []
        for q, v in r.items(m, "volunteers", p):
            if not isinstance(v, str) or v not in volunteers:
                r.add(q, msg("unknown_ref", kind=msg("kind_volunteer"), id=v))
            elif v in vols:
                r.add(q, msg("pin_volunteer_twice", id=v))
            else:
                vols.append(v)
        if isinstance(m.get("volunteers"), list) and not m["volunteers"]:
            r.add((*p, "volunteers"), msg("empty_list"))
        if task is not None and task in pinned:
            r.add((*p, "task"), msg("duplicate_pin", task=task))
        if task is not None and vols:
            pinned.add(task)
            out.append((p, Pin(task, tuple(vols))))
    return out


def read_expect(r: Reader, top: dict[str, Any], tasks: dict[str, Any]) -> Expect | None:
    raw = top.get("expect")
    if raw is None:
        return None
    p: FieldPath = ("expect",)
    m = r.mapping(raw, p, ("served", "unserved", "coverage"))
    if m is None:
        return None
    served = []
    for q, tid in r.items(m, "served", p):
        if not isinstance(tid, str):
            r.add(q, msg("not_string", got=describe(tid)))
            continue
        if tid not in tasks:
            r.add(q, msg("unknown_ref", kind=msg("kind_task"), id=tid))
        served.append(str(tid))
    unserved: dict[str, str] = {}
    if m.get("unserved") is not None:
        um = m["unserved"]
        if not isinstance(um, dict):
            r.add((*p, "unserved"), msg("not_mapping", got=describe(um)))
            um = {}
        for tid, reason in um.items():
            if tid not in tasks:
                r.add((*p, "unserved", tid), msg("unknown_ref", kind=msg("kind_task"), id=tid))
            if reason not in REASONS:
                r.add((*p, "unserved", tid), msg("expect_bad_reason", got=reason))
            unserved[str(tid)] = str(reason)
    coverage: dict[str, float] = {}
    if m.get("coverage") is not None:
        cm = r.mapping(m["coverage"], (*p, "coverage"), PRIORITIES)
        for prio, frac in (cm or {}).items():
            ok = isinstance(frac, int | float) and not isinstance(frac, bool) and 0 <= frac <= 1
            if not ok:
                r.add((*p, "coverage", prio), msg("expect_fraction", got=describe(frac)))
            else:
                coverage[str(prio)] = float(frac)
    return Expect(tuple(served), unserved, coverage)


def _qualifies(scenario: Scenario, vol: Volunteer, need: Need) -> bool:
    if isinstance(need, SkillNeed):
        return need.skill in vol.skills
    if isinstance(need, TeamNeed):
        return need.team in vol.teams
    return any(need.team_skill in scenario.teams[t].skills for t in vol.teams)


def _check_pins(
    r: Reader, scenario: Scenario, pins: list[tuple[FieldPath, Pin]], travel: HaversineTravel
) -> None:
    """A pin is a coordinator's decision; one that breaks a hard rule on its own is refused
    here, naming the volunteer and the rule. Pins that only clash with each other are left to
    the solver, which names them."""
    declined = scenario.declined_pairs()
    for p, pin in pins:
        task = scenario.tasks.get(pin.task)
        if task is None:
            continue
        most = sum(n.max_people for n in task.needs)
        if len(pin.volunteers) > most:
            r.add((*p, "volunteers"), msg("pin_too_many", count=len(pin.volunteers), max=most))
            continue
        resident = scenario.residents.get(task.resident) if task.resident else None
        starts: list[list[Span]] = []
        for i, vid in enumerate(pin.volunteers):
            vol = scenario.volunteers[vid]
            tr = travel.minutes(vol.mode, vol.home, task.location)
            why = None
            if not any(_qualifies(scenario, vol, n) for n in task.needs):
                why = msg("pin_no_role")
            elif task.vetted_only and not vol.vetted:
                why = msg("pin_not_vetted")
            elif (
                resident and resident.gender_preference and vol.gender != resident.gender_preference
            ):
                why = msg("pin_gender")
            elif task.languages and not task.languages & vol.languages:
                why = msg("pin_language")
            elif (task.id, vid) in declined:
                why = msg("pin_declined")
            elif tr > vol.max_travel_minutes:
                why = msg("pin_out_of_range", travel=tr, limit=vol.max_travel_minutes)
            elif vol.max_service_minutes < task.duration_minutes:
                why = msg("pin_hours", hours=vol.max_hours_per_week, duration=task.duration_minutes)
            else:
                free = free_starts(vol.blocks, task, tr)
                if not free:
                    why = msg("pin_no_time")
                else:
                    starts.append(free)
            if why is not None:
                r.add((*p, "volunteers", i), msg("pin_breaks_rule", id=vid, why=why))
        if len(starts) != len(pin.volunteers):
            continue
        common = starts[0]
        for other in starts[1:]:
            common = [
                (max(a, c), min(b, d))
                for a, b in common
                for c, d in other
                if max(a, c) <= min(b, d)
            ]
        if not common:
            r.add((*p, "volunteers"), msg("pin_no_common_time"))
        elif not _pins_fill_roles(scenario, task, pin):
            r.add((*p, "volunteers"), msg("pin_roles"))


def _pins_fill_roles(scenario: Scenario, task: Task, pin: Pin) -> bool:
    """Each pinned volunteer takes a distinct place in some role (roles have max_people
    places), with every team role's people from one team that has enough members."""

    def teams_for(need: Need) -> list[str | None]:
        if isinstance(need, SkillNeed):
            return [None]
        names = (
            [need.team]
            if isinstance(need, TeamNeed)
            else [t.id for t in scenario.teams.values() if need.team_skill in t.skills]
        )
        size = {t: sum(t in v.teams for v in scenario.volunteers.values()) for t in names}
        return [t for t in names if size[t] >= need.min_people]

    options = [teams_for(n) for n in task.needs]
    for choice in itertools.product(*options):
        places = [(i, team) for i, n in enumerate(task.needs) for _ in range(n.max_people)
                  for team in [choice[i]]]  # fmt: skip
        owner: dict[int, str] = {}

        def fits(vid: str, k: int, places: list[tuple[int, str | None]] = places) -> bool:
            i, team = places[k]
            vol = scenario.volunteers[vid]
            return (
                team in vol.teams if team is not None else _qualifies(scenario, vol, task.needs[i])
            )

        def place(
            vid: str, seen: set[int], owner: dict[int, str] = owner, n: int = len(places)
        ) -> bool:
            for k in range(n):
                if k in seen or not fits(vid, k):
                    continue
                seen.add(k)
                if k not in owner or place(owner[k], seen):
                    owner[k] = vid
                    return True
            return False

        if all(place(v, set()) for v in pin.volunteers):
            return True
    return False
