"""An independent upper bound on coverage per priority for weeks where weekly hours bind
(rule 5): who may serve what, by the contract alone (`../shared/SCENARIOS.md`), and each
volunteer's service minutes; the routes (rule 4) and crews' common start are dropped, and a
visit only has to fit where one of the volunteer's blocks, less the trips from home and back,
meets one of the task's windows on one day. Every plan of the contract is a point of this
model, so its optimum at each priority (given the counts above it) bounds every plan's.
Written from the YAML and the contract, not from `solver/` or the loader (a check of the
engine's bound). Single-skill roles only (`{skill, count}`); weeks with teams or fixed
starts are refused.

    .venv/bin/python bench/hours_truth.py WEEK.yaml [--plan PLAN.json] [--seconds 20]

Prints per priority: the model's optimum (or its bound when not proved in time) and, with
--plan, the plan's served count beside it.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import yaml
from ortools.sat.python import cp_model

PRIORITIES = ("urgent", "high", "normal", "low")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPEEDS = {"walk": 4.5, "bike": 12.0, "ebike": 18.0, "car": 25.0}


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def travel(a: dict[str, float], b: dict[str, float], mode: str, settings: dict[str, Any]) -> int:
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    km = 2 * 6371.0 * math.asin(math.sqrt(h))
    speed = float({**SPEEDS, **settings.get("speeds_kmh", {})}[mode])
    q = km * float(settings.get("detour_factor", 1.3)) / speed * 60
    return round(q) if abs(q - round(q)) < 1e-9 else math.ceil(q)


def spans(blocks: list[dict[str, Any]]) -> dict[str, list[tuple[int, int]]]:
    """Weekly blocks per day (one-off dates are refused by the caller)."""
    out: dict[str, list[tuple[int, int]]] = {d: [] for d in DAYS}
    for b in blocks:
        for d in b["days"]:
            out[d].append((minutes(b["from"]), minutes(b["to"])))
    return out


def may_serve(v: dict[str, Any], t: dict[str, Any], where: dict[str, float],
              resident: dict[str, Any] | None, settings: dict[str, Any]) -> bool:  # fmt: skip
    skill = t["needs"][0]["skill"]
    if skill not in v.get("skills", []):
        return False
    at_home = "resident" in t
    if t.get("vetted_only", at_home) and not v.get("vetted", False):
        return False
    if (
        resident
        and resident.get("gender_preference")
        and v.get("gender") != resident["gender_preference"]
    ):
        return False
    if t.get("languages") and not set(t["languages"]) & set(v.get("languages", [])):
        return False
    if t["id"] in v.get("declined", []):
        return False
    limit = v.get("max_travel_minutes", settings.get("service_circle_minutes", 15))
    trip = travel(v["home"], where, v.get("mode", "walk"), settings)
    if trip > limit:
        return False
    free = spans(v.get("availability", []))
    for w in t["windows"]:
        for d in w["days"]:
            for a, b in free[d]:
                last = min(b - trip, minutes(w["to"]))  # from home and back within the block
                if last - max(a + trip, minutes(w["from"])) >= t["duration_minutes"]:
                    return True
    return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("week", type=Path)
    ap.add_argument("--plan", type=Path)
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    week = yaml.safe_load(args.week.read_text())
    settings = week.get("settings") or {}
    sites = {s["id"]: s for s in week.get("sites", [])}
    residents = {r["id"]: r for r in week.get("residents", [])}
    tasks = week["tasks"]
    for t in tasks:
        if len(t["needs"]) != 1 or "skill" not in t["needs"][0] or "start" in t:
            raise SystemExit(f"{t['id']}: only one skill role and windows are modelled")
    for v in week["volunteers"]:
        if any("date" in b for b in v.get("availability", [])) or v.get("unavailable"):
            raise SystemExit(f"{v['id']}: only weekly blocks are modelled")
    m = cp_model.CpModel()
    served = {t["id"]: m.new_bool_var(t["id"]) for t in tasks}
    load: dict[str, list[tuple[int, Any]]] = {v["id"]: [] for v in week["volunteers"]}
    for t in tasks:
        res = residents.get(t.get("resident", ""))
        where = (
            res["location"]
            if res
            else sites[t["site"]]["location"]
            if "site" in t
            else t["location"]
        )
        fills = []
        for v in week["volunteers"]:
            if may_serve(v, t, where, res, settings):
                x = m.new_bool_var(f"{v['id']}:{t['id']}")
                fills.append(x)
                load[v["id"]].append((t["duration_minutes"], x))
        m.add(sum(fills) == t["needs"][0].get("count", 1) * served[t["id"]])
    for v in week["volunteers"]:
        if load[v["id"]]:
            m.add(
                sum(d * x for d, x in load[v["id"]]) <= round(60 * v.get("max_hours_per_week", 40))
            )
    plan = json.loads(args.plan.read_text()) if args.plan else None
    for p in PRIORITIES:
        mine = [served[t["id"]] for t in tasks if t.get("priority", "normal") == p]
        m.maximize(sum(mine))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = args.seconds
        solver.parameters.num_workers = 2
        status = solver.solve(m)
        best, bound = int(solver.objective_value), int(solver.best_objective_bound + 1e-6)
        got = plan["objective"]["served"][p] if plan else ""
        print(f"{p:7} tasks={len(mine):4} model={best:4} bound={bound:4} "
              f"{solver.status_name(status):9} plan={got}")  # fmt: skip
        m.add(sum(mine) >= best)  # (a bound below is only valid given the best above: conditional)


if __name__ == "__main__":
    main()
