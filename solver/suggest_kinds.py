"""Each kind of suggestion built from the `Suggester`'s fits, and `suggest`: every unserved
task's candidates, fewest changes first (see `solver.suggest` for what they prove)."""

from __future__ import annotations

import math
from typing import Any

from mutualaid.domain.model import DAYS, MINUTES_PER_DAY, SkillNeed, Task, TeamSkillNeed
from mutualaid.json_patch import Operation, pointer
from mutualaid.messages.suggestions import new_person, person_name
from solver.suggest import (
    KINDS,
    Candidate,
    Fit,
    Suggester,
    _names,
    _Slot,
    _volunteer_field,
    clock,
    day_and_clock,
    pin,
)

Crew = tuple[list[Fit], list[tuple[_Slot, str | None]]]


def _entry(s: Suggester, task: Task) -> int | None:
    return s.task_index.get(task.series or task.id)


def _insertion(start: int, places: list[tuple[_Slot, str | None]]) -> tuple[int, Any]:
    return start, [(who or "", slot.role, slot.team) for slot, who in places]


def _first_crew(
    s: Suggester, task: Task, relax: str | None, starts: list[int], recruit: bool = False
) -> tuple[int, Crew] | None:
    """The start whose crew needs the fewest changes (the earliest among equals)."""
    best: tuple[int, int, Crew] | None = None
    for start in starts:
        crew = s.crew(task, start, relax, recruit)
        if crew is None:
            continue
        fits, places = crew
        cost = sum(f.fixed for f in fits) + sum(who is None for _, who in places)
        if best is None or cost < best[0]:
            best = (cost, start, crew)
            if cost <= 1:
                break
    return None if best is None else (best[1], best[2])


def _people_fix(s: Suggester, task: Task, kind: str) -> Candidate | None:
    """extend_hours, extend_range, allow_unvetted and swap, inside the task's own windows."""
    if kind in ("extend_range", "allow_unvetted") and not s.may_relax(task, kind):
        return None
    found = _first_crew(s, task, kind, s.starts(task, list(task.start_ranges)))
    if found is None:
        return None
    start, (fits, places) = found
    fixed = [f for f in fits if f.fixed]
    if not fixed:
        return None  # servable as the plan stands: nothing to suggest of this kind
    day, at = day_and_clock(start)
    fields: dict[str, Any] = {"task": task.title, "people": _names(s, [f.vid for f in fixed])}
    patch: list[Operation] = []
    dropped: tuple[str, ...] = ()
    if kind == "extend_hours":
        patch = [_volunteer_field(s, f.vid, "max_hours_per_week", f.hours) for f in fixed]
        fields["hours"] = [f.hours for f in fixed]  # worded in each language when said
    elif kind == "extend_range":
        patch = [_volunteer_field(s, f.vid, "max_travel_minutes", f.travel) for f in fixed]
        fields["minutes"] = max(f.travel for f in fixed)
    elif kind == "allow_unvetted":
        i = _entry(s, task)
        if i is None:
            return None
        present = "vetted_only" in s.doc["tasks"][i]
        patch = [{"op": "replace" if present else "add",
                  "path": pointer("tasks", i, "vetted_only"), "value": False}]  # fmt: skip
    elif kind == "swap":
        if task.id in s.pinned:
            return None
        dropped = tuple(sorted({o for f in fixed for o in f.drop}))
        fields["others"] = [s.sc.tasks[o].title for o in dropped]
    changes = 1 if kind == "allow_unvetted" else len(fixed)
    patch.append(pin(s, task.id, [f.vid for f in fixed]))  # a swap: the pin is all it is
    fields.update(day=day, start=at, pinned=fields["people"])
    return Candidate(task.id, kind, patch, changes, fields, _insertion(start, places), dropped)


def _timing(s: Suggester, task: Task, kind: str) -> Candidate | None:
    """widen_window (a window stretched on its own day) and move_day (the same hours on a day
    the task had none), with the people as they are."""
    i = _entry(s, task)
    if i is None or task.fixed_start is not None:
        return None
    entry = s.doc["tasks"][i]
    d = task.duration_minutes
    windows: list[tuple[tuple[str | int, ...], Any, list[int]]] = []
    if "every" in entry:
        if kind == "move_day":
            return None  # a repeat's days are its ids: another day is another task
        windows = [(("window",), entry["window"], [DAYS.index(task.id.rsplit("@", 1)[1])])]
    else:
        for j, w in enumerate(entry.get("windows") or []):
            days = [DAYS.index(x) for x in w.get("days") or []]
            if "date" in w:
                offset = (_date(w["date"]) - s.sc.week_start).in_days()
                days = [offset] if 0 <= offset < 7 else []
            windows.append((("windows", j), w, days))
    taken = {x for _, _, days in windows for x in days}
    best: tuple[int, Candidate] | None = None
    for path, w, days in windows:
        lo, hi = _minutes(w["from"]), _minutes(w["to"])
        if kind == "widen_window":
            spans = [(x * MINUTES_PER_DAY, x * MINUTES_PER_DAY + MINUTES_PER_DAY - d) for x in days]
        else:
            spans = [(x * MINUTES_PER_DAY + lo, x * MINUTES_PER_DAY + hi - d)
                     for x in range(7) if x not in taken]  # fmt: skip
        for start in s.starts(task, [sp for sp in spans if sp[0] <= sp[1]]):
            minute = start % MINUTES_PER_DAY
            if kind == "widen_window" and lo <= minute and minute + d <= hi:
                continue  # inside the window already
            crew = s.crew(task, start, None)
            if crew is None:
                continue
            new_lo, new_hi = min(lo, minute), max(hi, minute + d)
            stretch = (lo - new_lo) + (new_hi - hi)
            if best is not None and best[0] <= stretch:
                continue
            day = DAYS[start // MINUTES_PER_DAY]
            base = pointer("tasks", i, *path)
            patch: list[Operation]
            if kind == "widen_window":
                patch = [
                    {"op": "replace", "path": f"{base}/from", "value": clock(new_lo)},
                    {"op": "replace", "path": f"{base}/to", "value": clock(new_hi)},
                ]
                shown = (clock(new_lo), clock(new_hi))
            else:
                value = {"days": [day], "from": w["from"], "to": w["to"]}
                patch = [{"op": "add", "path": pointer("tasks", i, "windows", "-"), "value": value}]
                shown = (w["from"], w["to"])
                stretch = 0
            crew_ids = sorted({w for _, w in crew[1] if w})
            patch.append(pin(s, task.id, crew_ids))
            fields = {"task": task.title, "day": day, "start": shown[0], "end": shown[1],
                      "people": _names(s, crew_ids), "pinned": _names(s, crew_ids)}  # fmt: skip
            cand = Candidate(task.id, kind, patch, 1, fields, _insertion(start, crew[1]))
            best = (stretch, cand)
    return None if best is None else best[1]


def _recruit(s: Suggester, task: Task) -> Candidate | None:
    """New volunteers for the places nobody can take, at the task's place, free exactly then."""
    found = _first_crew(s, task, None, s.starts(task, list(task.start_ranges)), recruit=True)
    if found is None:
        return None
    start, (_, places) = found
    missing = [slot for slot, who in places if who is None]
    if not missing or (start % MINUTES_PER_DAY) + task.duration_minutes > MINUTES_PER_DAY:
        return None
    date = s.sc.week_start.add(days=start // MINUTES_PER_DAY).to_date_string()
    begin = start % MINUTES_PER_DAY
    resident = s.sc.residents[task.resident] if task.resident else None
    patch: list[Operation] = []
    taken = set(s.sc.volunteers)
    ids = []
    skills = []
    names, people = [], []  # the week's names (this locale); the sentence's, said in each
    founded: set[str] = set()
    for n, slot in enumerate(missing, 1):
        need = task.needs[slot.role]
        skill = need.skill if isinstance(need, SkillNeed) else _team_word(s, need, slot.team)
        skills.append(skill)
        # two new people are told apart by a number, in the week and in the sentence
        people.append(new_person(skill, n if len(missing) > 1 else None))
        names.append(person_name(people[-1]))
        vid = f"new-{task.id}-{n}"
        while vid in taken:
            vid += "x"
        taken.add(vid)
        ids.append(vid)
        value: dict[str, Any] = {
            "id": vid,
            "name": names[-1],
            "home": {"lat": task.location.lat, "lon": task.location.lon},
            "max_hours_per_week": math.ceil(task.duration_minutes / 60),
            "vetted": task.vetted_only,
            "availability": [{"date": date, "from": clock(begin),
                              "to": clock(begin + task.duration_minutes)}],
        }  # fmt: skip
        if isinstance(need, SkillNeed):
            value["skills"] = [need.skill]
        else:
            value["teams"] = [slot.team]
        if resident is not None and resident.gender_preference:
            value["gender"] = resident.gender_preference
        if task.languages:
            value["languages"] = [sorted(task.languages)[0]]
        if slot.team is not None and slot.team not in s.sc.teams and slot.team not in founded:
            founded.add(slot.team)
            assert isinstance(need, TeamSkillNeed)
            team = {"id": slot.team, "name": slot.team, "skills": [need.team_skill]}
            has_teams = isinstance(s.doc.get("teams"), list) or bool(founded - {slot.team})
            patch.append({"op": "add", "path": "/teams/-" if has_teams else "/teams",
                          "value": team if has_teams else [team]})  # fmt: skip
        if isinstance(s.doc.get("volunteers"), list) or n > 1:  # the first added the list
            patch.append({"op": "add", "path": "/volunteers/-", "value": value})
        else:
            patch.append({"op": "add", "path": "/volunteers", "value": [value]})
    patch.append(pin(s, task.id, ids))
    day, at = day_and_clock(start)
    fields = {"task": task.title, "count": len(missing), "skill": sorted(set(skills)),
              "day": day, "start": at, "end": clock(begin + task.duration_minutes),
              "pinned": people}  # fmt: skip
    fresh = iter(ids)
    crew: list[tuple[_Slot, str | None]] = [
        (slot, who if who is not None else next(fresh)) for slot, who in places
    ]
    return Candidate(task.id, "recruit", patch, len(missing), fields, _insertion(start, crew))


def _team_word(s: Suggester, need: Any, team: str | None) -> str:
    """A team role's recruit is named by the team skill, or by the named team's name."""
    if isinstance(need, TeamSkillNeed):
        return need.team_skill
    return s.sc.teams[team].name if team in s.sc.teams else str(team)


def _date(value: Any) -> Any:
    import pendulum

    return pendulum.parse(str(value)).date()  # type: ignore[union-attr]


def _minutes(hhmm: Any) -> int:
    h, m = str(hhmm).split(":")
    return int(h) * 60 + int(m)


def candidates_for(s: Suggester, task: Task) -> list[Candidate]:
    """Every kind's best candidate for the task, fewest changes first."""
    out: list[Candidate] = []
    for kind in KINDS:
        if kind in ("widen_window", "move_day"):
            cand = _timing(s, task, kind)
        elif kind == "recruit":
            cand = _recruit(s, task)
        elif kind == "allow_unvetted" and not task.vetted_only:
            cand = None
        else:
            cand = _people_fix(s, task, kind)
        if cand is not None:
            out.append(cand)
    return sorted(out, key=lambda c: (c.changes, KINDS.index(c.kind)))


def suggest(
    scenario: Any, document: dict[str, Any], plan: Any, tasks: list[str] | None = None
) -> dict[str, list[Candidate]]:
    """Candidates for every unserved task of the plan (or those named), fewest changes first."""
    s = Suggester(scenario, document, plan)
    wanted = tasks if tasks is not None else [u.task for u in plan.unserved]
    return {tid: candidates_for(s, scenario.tasks[tid]) for tid in wanted}
