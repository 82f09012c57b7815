"""The week's decisions beside its entities: history, declines, pins (each pin checked
against the hard rules on its own) and the `expect` block of a replayed scenario.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mutualaid.contract.fields import Reader, describe
from mutualaid.contract.yaml_text import FieldPath
from mutualaid.domain import eligibility
from mutualaid.domain.model import (
    PRIORITIES,
    Decline,
    Expect,
    HistoryEntry,
    Pin,
    Scenario,
    Span,
    Task,
    Volunteer,
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
            code, free = eligibility.refusal(task, vol, tr, scenario.teams, resident, declined)
            why = None if code is None else _why(code, vol, task, tr)
            if code is None:
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
        elif not eligibility.pins_fill_roles(
            task, pin.volunteers, scenario.volunteers, scenario.teams
        ):
            r.add((*p, "volunteers"), msg("pin_roles"))


def _why(code: str, vol: Volunteer, task: Task, travel: int) -> str:
    """The sentence for the rule `eligibility.refusal` named."""
    if code == "out_of_range":
        return msg("pin_out_of_range", travel=travel, limit=vol.max_travel_minutes)
    if code == "hours":
        return msg("pin_hours", hours=vol.max_hours_per_week, duration=task.duration_minutes)
    return msg(_PIN_CODES[code])


_PIN_CODES = {
    "no_role": "pin_no_role",
    "vetted": "pin_not_vetted",
    "gender": "pin_gender",
    "language": "pin_language",
    "declined": "pin_declined",
    "no_time": "pin_no_time",
}
