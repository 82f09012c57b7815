"""A visit marked done or missed whose task grew after (three people now, one marked) and
that no one else can join at its time: the plan keeps the marked visit as it was, beside the
plan (`marked_kept`), and says the task as it now stands is not served, and why, instead of
ending in error. The contract serves a task only with all its people (all or nothing), so
the task is listed unserved; the marked visit is a record of what happened (the hours ledger
counts it), held apart from it: its volunteer's time and hours are taken out of the week the
plan is made for, so the plan never sends them elsewhere then."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from mutualaid.contract import clock
from mutualaid.domain.marks import MarkedVisit
from mutualaid.domain.model import Scenario, Span
from mutualaid.domain.plan import Plan, Reason, reason


def grown_unkept(
    unkept_pins: tuple[str, ...], marked: list[MarkedVisit], scenario: Scenario
) -> dict[str, list[MarkedVisit]]:
    """The tasks among `unkept_pins` (a solve's structured pin error) whose marked visits
    had fewer people than the task now needs, with those visits."""
    by_task: dict[str, list[MarkedVisit]] = defaultdict(list)
    for visit in marked:
        by_task[visit.task].append(visit)
    return {
        tid: by_task[tid]
        for tid in unkept_pins
        if tid in by_task and tid in scenario.tasks
        and scenario.tasks[tid].people > len(by_task[tid])
    }  # fmt: skip


def _cut(blocks: tuple[Span, ...], start: int, end: int) -> tuple[Span, ...]:
    """`blocks` with [start, end) taken out (a route then ends at home before it and starts
    from home after it)."""
    out: list[Span] = []
    for lo, hi in blocks:
        if hi <= start or end <= lo:
            out.append((lo, hi))
            continue
        out += [(lo, start)] if lo < start else []
        out += [(end, hi)] if end < hi else []
    return tuple(out)


def held_apart(scenario: Scenario, apart: dict[str, list[MarkedVisit]]) -> Scenario:
    """The week to plan with the tasks of `apart` left out (and their pins), each marked
    volunteer busy at the marked visit (`busy`)."""
    week = (scenario.week_start, scenario.timezone)
    busy = [(v.volunteer, clock.minute_at(*week, v.start), clock.minute_at(*week, v.end))
            for visits in apart.values() for v in visits]  # fmt: skip
    return replace(
        _busy(scenario, busy),
        tasks={k: t for k, t in scenario.tasks.items() if k not in apart},
        pinned=tuple(p for p in scenario.pinned if p.task not in apart),
        declined=tuple(d for d in scenario.declined if d.task not in apart),
    )


def kept_busy(scenario: Scenario, plan: Plan) -> Scenario:
    """The week with the volunteers of `plan`'s marked visits kept apart (`marked_kept`)
    busy then: what a repair of that plan is made on, its tasks still in the week."""
    week = (scenario.week_start, scenario.timezone)
    busy = [
        (str(v["id"]), clock.minute_at(*week, k["start"]), clock.minute_at(*week, k["end"]))
        for k in plan.extra.get("marked_kept") or ()
        for v in k.get("volunteers") or ()
    ]
    return _busy(scenario, busy) if busy else scenario


def _busy(scenario: Scenario, busy: list[tuple[str, int, int]]) -> Scenario:
    """Each (volunteer, start, end) of `busy` cut out of that volunteer's blocks, and its
    minutes out of their weekly hours: no plan sends them anywhere else then."""
    volunteers = dict(scenario.volunteers)
    for vid, start, end in busy:
        vol = volunteers.get(vid)
        if vol is None:
            continue
        hours = max(0.0, vol.max_hours_per_week - (end - start) / 60)
        volunteers[vid] = replace(
            vol, blocks=_cut(vol.blocks, start, end), max_hours_per_week=hours
        )
    return replace(scenario, volunteers=volunteers)


def week_without_pins(
    pinned: Scenario, unpinned: Scenario, apart: dict[str, list[MarkedVisit]]
) -> Scenario:
    """The week a plan made `held_apart` is scored and checked against: `pinned` (every
    other marked visit pinned) with the tasks of `apart` as written (`unpinned`'s) and not
    pinned."""
    tasks = {k: unpinned.tasks.get(k, t) if k in apart else t for k, t in pinned.tasks.items()}
    return replace(
        pinned, tasks=tasks, pinned=tuple(p for p in pinned.pinned if p.task not in apart)
    )


def kept_apart(plan: Plan, week: Scenario, apart: dict[str, list[MarkedVisit]]) -> Plan:
    """`plan` (scored against `week`, so the tasks of `apart` are listed unserved with the
    contract's reason) with each such task's detail saying its marked visit stays and why
    the task is not served, and the marked visits carried as `marked_kept` (the plan
    JSON's assignments' shape, with their `state`): storing the plan keeps them as its
    visits, so publishing it keeps each marked visit with its volunteer at its time."""
    unserved = []
    for u in plan.unserved:
        visits = apart.get(u.task)
        if visits is None:
            unserved.append(u)
            continue
        why: Reason | str = u.detail
        start = clock.minute_at(week.week_start, week.timezone, visits[0].start)
        detail = reason(
            "marked_grown_apart", state=reason(f"outcome_{visits[0].state}"),
            volunteers=", ".join(v.volunteer for v in visits),
            when=clock.iso(week, start)[5:16].replace("T", " "),
            people=week.tasks[u.task].people, why=why,
        )  # fmt: skip
        unserved.append(replace(u, detail=detail))
    kept: list[dict[str, Any]] = [
        {
            "task": tid,
            "start": clock.iso(week, clock.minute_at(week.week_start, week.timezone, vs[0].start)),
            "end": clock.iso(week, clock.minute_at(week.week_start, week.timezone, vs[0].end)),
            "volunteers": [{"id": v.volunteer, "role": v.role, "team": v.team} for v in vs],
            "state": vs[0].state,
        }
        for tid, vs in sorted(apart.items())
    ]
    return replace(plan, unserved=unserved, extra={**plan.extra, "marked_kept": kept})


def carry_kept(result: Plan, published: Plan) -> None:
    """A repair of `published` (a decline's, an absence's, a chosen recommendation's) keeps
    its marked visits kept apart, so that publishing it keeps them."""
    if "marked_kept" in published.extra:
        result.extra["marked_kept"] = published.extra["marked_kept"]
