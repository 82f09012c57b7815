"""A domain Plan <-> plan JSON (the contract's plan format, as stored and as served).

Times are written as ISO 8601 local time with the scenario's offset and read back into
minutes of the week by `mutualaid.contract.clock`; everything else is the Plan's fields as they
are. `extra` holds the fields the contract allows beyond those (routes, loads, stages...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mutualaid.contract import clock
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import AssignedVolunteer, Assignment, Objective, Plan, Unserved

Json = dict[str, Any]

_FIELDS = (
    "scenario", "status", "solve_seconds", "error", "objective", "bound", "assignments",
    "unserved",
)  # fmt: skip
"""The fields of a Plan's own; the rest of a plan's JSON is its `extra`."""


def dump(plan: Plan, scenario: Scenario) -> Json:
    """The plan as plan JSON (times in the scenario's zone)."""
    out: Json = {
        "scenario": plan.scenario,
        "status": plan.status,
        "solve_seconds": round(plan.solve_seconds, 3),
    }
    if plan.error is not None:
        out["error"] = plan.error
    if plan.objective is not None:
        o = plan.objective
        out["objective"] = {
            "served": dict(o.served),
            "tasks": dict(o.tasks),
            "continuity": o.continuity,
            "travel_minutes": o.travel_minutes,
            "max_load": round(o.max_load, 4),
            "waited": o.waited,
        }
    out["bound"] = dict(plan.bound)
    out["assignments"] = [
        {
            "task": a.task,
            "start": clock.iso(scenario, a.start),
            "end": clock.iso(scenario, a.end),
            "volunteers": [{"id": v.id, "role": v.role, "team": v.team} for v in a.volunteers],
        }
        for a in plan.assignments
    ]
    out["unserved"] = [_unserved(u) for u in plan.unserved]
    out.update(plan.extra)
    return out


def _unserved(u: Any) -> dict[str, Any]:
    """An unserved entry; `suggestions` only when it has some."""
    out: dict[str, Any] = {"task": u.task, "reason": u.reason, "detail": u.detail}
    if u.suggestions:
        out["suggestions"] = [
            {"kind": s.kind, "text": s.text, "patch": list(s.patch)} for s in u.suggestions
        ]
    return out


def load(data: Mapping[str, Any], scenario: Scenario) -> Plan:
    """A plan's JSON (as `dump` wrote it, or only some of it: a stored plan's assignments)
    as a domain Plan, its times in minutes of the scenario's week. An assignment without an
    `end` ends its task's duration after its start. Raises ValueError (or KeyError) on a
    time that is not ISO 8601 or an assignment without its task, start or volunteers."""
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
        scenario=str(data.get("scenario", scenario.name)),
        status=str(data.get("status", "feasible")),
        solve_seconds=float(data.get("solve_seconds", 0.0)),
        objective=objective,
        bound={str(k): int(v) for k, v in (data.get("bound") or {}).items()},
        assignments=[_assignment(a, scenario) for a in data.get("assignments") or ()],
        unserved=[
            Unserved(str(u["task"]), str(u["reason"]), str(u.get("detail", "")))
            for u in data.get("unserved") or ()
        ],
        error=data.get("error"),
        extra={k: v for k, v in data.items() if k not in _FIELDS},
    )


def _assignment(a: Mapping[str, Any], scenario: Scenario) -> Assignment:
    tid = str(a["task"])
    start = clock.minute_of(scenario, a["start"])
    if a.get("end") is not None:
        end = clock.minute_of(scenario, a["end"])
    else:
        task = scenario.tasks.get(tid)
        end = start + (task.duration_minutes if task is not None else 0)
    crew = tuple(
        AssignedVolunteer(str(v["id"]), int(v["role"]), v.get("team")) for v in a["volunteers"]
    )
    return Assignment(tid, start, end, crew)
