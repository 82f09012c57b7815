"""A domain Plan <-> plan JSON (the contract's plan format, as stored and as served).

Times are written as ISO 8601 local time with the scenario's offset and read back into
minutes of the week by `mutualaid.contract.clock`; everything else is the Plan's fields as they
are. `extra` holds the fields the contract allows beyond those (routes, loads, stages...).

An unserved task's `detail` is a sentence in the active language. A plan the service stores
(`dump(..., said=True)`) also keeps it as data, `detail_said` ({code, params}), so that each
reader sees it in their own language: `worded` gives the stored plan as the contract's JSON,
worded in the active language (a plan stored before kept only the sentence: shown as it is).
A suggestion's sentence likewise keeps its fields as `text_said`, worded again by `worded`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from mutualaid.contract import clock
from mutualaid.domain.model import OfWeek, Scenario
from mutualaid.domain.plan import (
    AssignedVolunteer,
    Assignment,
    Objective,
    Plan,
    Reason,
    SolveProgress,
    Suggestion,
    Unserved,
)
from mutualaid.messages import CATALOGUE, say
from mutualaid.messages.suggestions import word

Json = dict[str, Any]

_FIELDS = (
    "scenario", "status", "solve_seconds", "error", "unkept_pins", "objective", "bound",
    "assignments", "unserved",
)  # fmt: skip
"""The fields of a Plan's own; the rest of a plan's JSON is its `extra`."""


def dump(plan: Plan, week: OfWeek, *, said: bool = False) -> Json:
    """The plan as plan JSON, its times in the week's zone (`week`: its Scenario, or only
    a WeekClock); with `said`, each unserved detail also as data (`detail_said`, to store)."""
    out: Json = {
        "scenario": plan.scenario,
        "status": plan.status,
        "solve_seconds": round(plan.solve_seconds, 3),
    }
    if plan.error is not None:
        out["error"] = plan.error
    if plan.unkept_pins:
        out["unkept_pins"] = list(plan.unkept_pins)
    if plan.objective is not None:
        out["objective"] = objective_json(plan.objective)
    out["bound"] = dict(plan.bound)
    out["assignments"] = [
        {
            "task": a.task,
            "start": clock.iso(week, a.start),
            "end": clock.iso(week, a.end),
            "volunteers": [{"id": v.id, "role": v.role, "team": v.team} for v in a.volunteers],
        }
        for a in plan.assignments
    ]
    out["unserved"] = [_unserved(u, said) for u in plan.unserved]
    out.update(plan.extra)
    return out


def objective_json(o: Objective) -> Json:
    """A plan's objective as its JSON gives it."""
    return {
        "served": dict(o.served),
        "tasks": dict(o.tasks),
        "continuity": o.continuity,
        "travel_minutes": o.travel_minutes,
        "max_load": round(o.max_load, 4),
        "waited": o.waited,
    }


def _unserved(u: Unserved, said: bool) -> dict[str, Any]:
    """An unserved entry; `suggestions` only when it has some, `suggestions_checking` only
    when more are still being checked."""
    out: dict[str, Any] = {"task": u.task, "reason": u.reason, "detail": detail_text(u.detail)}
    if said and isinstance(u.detail, Reason):
        out["detail_said"] = reason_data(u.detail)
    if u.suggestions:
        out["suggestions"] = [_suggestion(s, said) for s in u.suggestions]
    if u.checking:
        out["suggestions_checking"] = True
    return out


def _suggestion(s: Suggestion, said: bool) -> dict[str, Any]:
    """A suggestion; with `said`, also its sentence's fields (`text_said`, to store: worded
    again in the reader's language by `worded`); without, its sentence in the active language
    (from its fields, when it has them)."""
    out: dict[str, Any] = {"kind": s.kind, "text": s.text, "patch": list(s.patch)}
    if s.fields:
        out["text_said"] = dict(s.fields)
    return out if said else _worded_suggestion(out)


def load(data: Mapping[str, Any], week: OfWeek) -> Plan:
    """A plan's JSON (as `dump` wrote it, or only some of it: a stored plan's assignments)
    as a domain Plan, its times in minutes of the week (`week`: its Scenario, or only a
    WeekClock). An assignment without an `end` ends its task's duration after its start
    (a Scenario's task; with only a WeekClock, at its start). Raises ValueError (or
    KeyError) on a time that is not ISO 8601 or an assignment without its task, start or
    volunteers."""
    raw = data.get("objective")
    objective = None
    if isinstance(raw, Mapping):
        objective = Objective(
            served={str(k): int(v) for k, v in raw["served"].items()},
            tasks={str(k): int(v) for k, v in raw["tasks"].items()},
            continuity=int(raw["continuity"]),
            travel_minutes=int(raw["travel_minutes"]),
            max_load=float(raw["max_load"]),
            waited=int(raw.get("waited", 0)),
        )
    return Plan(
        scenario=str(data.get("scenario", week.name if isinstance(week, Scenario) else "")),
        status=str(data.get("status", "feasible")),
        solve_seconds=float(data.get("solve_seconds", 0.0)),
        objective=objective,
        bound={str(k): int(v) for k, v in (data.get("bound") or {}).items()},
        assignments=[_assignment(a, week) for a in data.get("assignments") or ()],
        unserved=[
            Unserved(
                str(u["task"]),
                str(u["reason"]),
                reason_of(u.get("detail_said")) or str(u.get("detail", "")),
                tuple(
                    Suggestion(
                        str(s["kind"]),
                        str(s["text"]),
                        tuple(s.get("patch") or ()),
                        fields=dict(s.get("text_said") or {}),
                    )
                    for s in u.get("suggestions") or ()
                ),
                checking=u.get("suggestions_checking") is True,
            )
            for u in data.get("unserved") or ()
        ],
        error=data.get("error"),
        unkept_pins=tuple(str(t) for t in data.get("unkept_pins") or ()),
        extra={k: v for k, v in data.items() if k not in _FIELDS},
    )


def _assignment(a: Mapping[str, Any], week: OfWeek) -> Assignment:
    tid = str(a["task"])
    start = clock.minute_of(week, a["start"])
    if a.get("end") is not None:
        end = clock.minute_of(week, a["end"])
    else:
        task = week.tasks.get(tid) if isinstance(week, Scenario) else None
        end = start + (task.duration_minutes if task is not None else 0)
    crew = tuple(
        AssignedVolunteer(str(v["id"]), int(v["role"]), v.get("team")) for v in a["volunteers"]
    )
    return Assignment(tid, start, end, crew)


# --- reasons: data to store, worded where read ------------------------------------------------


def detail_text(detail: Reason | str) -> str:
    """An unserved detail as a sentence in the active language (text read back as it is)."""
    return detail if isinstance(detail, str) else say(detail)


def reason_data(r: Reason) -> Json:
    """A Reason as plain data ({code, params}); its fields that are Reasons (or tuples of
    them) likewise. `reason_of` reads it back."""
    return {"code": r.code, "params": {k: _data(v) for k, v in r.params.items()}}


def _data(value: object) -> object:
    if isinstance(value, tuple) and value and all(isinstance(v, Reason) for v in value):
        return [reason_data(v) for v in value]
    return reason_data(value) if isinstance(value, Reason) else value


def reason_of(data: object) -> Reason | None:
    """What `reason_data` wrote, as a Reason; None when it is not that (or names a sentence
    the catalogue does not have)."""
    if not isinstance(data, Mapping):
        return None
    code, params = data.get("code"), data.get("params")
    if not isinstance(code, str) or code not in CATALOGUE or not isinstance(params, Mapping):
        return None
    return Reason(code, {str(k): _read(v) for k, v in params.items()})


def _read(value: object) -> object:
    if isinstance(value, list) and value:
        read = [reason_of(v) for v in value]
        if all(r is not None for r in read):
            return tuple(read)
    return reason_of(value) or value


def _worded_suggestion(s: Any) -> Any:
    """A stored suggestion's sentence in the active language (from its fields); one kept
    only as a sentence, or whose fields no longer fit the catalogue, as it is."""
    if not isinstance(s, Mapping) or "text_said" not in s:
        return s
    out = {k: v for k, v in s.items() if k != "text_said"}
    fields = s["text_said"]
    if isinstance(fields, Mapping) and isinstance(s.get("kind"), str):
        with contextlib.suppress(KeyError, IndexError, ValueError):
            out["text"] = word(str(s["kind"]), **{str(k): v for k, v in fields.items()})
    return out


def stored_text(r: Reason) -> str:
    """A Reason as the text a store keeps in a column of text (a failed plan's error)."""
    return json.dumps(reason_data(r), ensure_ascii=False, separators=(",", ":"))


def read_text(text: str) -> Reason | str:
    """What `stored_text` wrote, as a Reason; any other text (a sentence stored before
    errors were kept as data) as it is."""
    if text.startswith("{"):
        try:
            found = reason_of(json.loads(text))
        except ValueError:
            found = None
        if found is not None:
            return found
    return text


# --- a running solve's progress -------------------------------------------------------------


def progress_json(p: SolveProgress | None) -> Json:
    """Progress as the API gives it: {served, bound, elapsed}, or {} before any."""
    if p is None:
        return {}
    return {"served": dict(p.served), "bound": dict(p.bound), "elapsed": p.elapsed}


def progress_of(data: Mapping[str, Any] | None) -> SolveProgress | None:
    """What `progress_json` wrote (None for {} or anything else)."""
    if not data:
        return None
    served, bound = data.get("served"), data.get("bound")
    if not isinstance(served, Mapping) or not isinstance(bound, Mapping):
        return None
    elapsed = data.get("elapsed")
    return SolveProgress(
        {str(k): int(v) for k, v in served.items()},
        {str(k): int(v) for k, v in bound.items()},
        float(elapsed) if isinstance(elapsed, int | float) else 0.0,
    )
