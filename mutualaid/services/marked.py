"""A solve keeps the visits already marked done or missed: each is pinned to its volunteers at
its start, as a coordinator's pin is (hard rule 6), so that the new plan can be published
(`PlanRepository.publish` refuses one that moves, gives away or leaves out a marked visit).
A marked visit the week no longer allows (its task's windows or length changed, its volunteer
gone) is named, with why, instead of a plan that could not be published."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

import pendulum

from mutualaid.contract import clock
from mutualaid.domain.marks import MarkedVisit
from mutualaid.domain.model import Pin, Scenario
from mutualaid.domain.plan import Reason, reason
from mutualaid.services.ports import UnitOfWork


def marked_of(uow: UnitOfWork, area: str, week: pendulum.Date) -> list[MarkedVisit]:
    """The visits of the week's published plan marked done or missed."""
    with uow.reading() as reader:
        plan = reader.plans.published_id(area, week)
        return [] if plan is None else reader.plans.marked_visits(plan)


def said(visit: MarkedVisit) -> Reason:
    """The visit as the publish refusal names it: id (task, volunteer, done)."""
    state = reason(f"outcome_{visit.state}")
    return reason(
        "publish_marked_visit", id=visit.ref, task=visit.task, volunteer=visit.volunteer,
        state=state,
    )  # fmt: skip


def pinned(scenario: Scenario, marked: list[MarkedVisit]) -> tuple[Scenario, Reason | None]:
    """The week with each marked visit pinned (its volunteers, its start the only one its task
    may take), and a sentence for each marked visit the week no longer allows."""
    by_task: dict[str, list[MarkedVisit]] = defaultdict(list)
    for visit in marked:
        by_task[visit.task].append(visit)
    tasks = dict(scenario.tasks)
    pins = {p.task: p for p in scenario.pinned}
    problems: list[Reason] = []
    for tid, visits in sorted(by_task.items()):
        task = tasks.get(tid)
        if task is None:
            problems += [reason("marked_task_gone", visit=said(v)) for v in visits]
            continue
        starts = {clock.minute_at(scenario.week_start, scenario.timezone, v.start) for v in visits}
        start = min(starts)
        length = {int((v.end - v.start).total_seconds()) // 60 for v in visits}
        why: list[Reason] = [
            reason("marked_gone", id=v.volunteer)
            for v in visits
            if v.volunteer not in scenario.volunteers
        ]
        end = start + task.duration_minutes
        why += [
            reason("marked_not_available", id=v.volunteer)
            for v in visits
            if v.volunteer in scenario.volunteers
            and not any(s <= start and end <= e for s, e in scenario.volunteers[v.volunteer].blocks)
        ]
        if len(starts) > 1 or not any(lo <= start <= hi for lo, hi in task.start_ranges):
            why.append(reason("marked_outside_windows"))
        if length != {task.duration_minutes}:
            why.append(reason("marked_length", minutes=task.duration_minutes))
        if why:
            problems += [reason("marked_unkept", visit=said(v), why=tuple(why)) for v in visits]
            continue
        tasks[tid] = replace(task, start_ranges=((start, start),))
        had = pins[tid].volunteers if tid in pins else ()
        pins[tid] = Pin(tid, tuple(dict.fromkeys((*had, *(v.volunteer for v in visits)))))
    unkept = reason("plan_marked_unkept", visits=tuple(problems)) if problems else None
    return replace(scenario, tasks=tasks, pinned=tuple(pins.values())), unkept


def solver_unkept(
    unkept_pins: tuple[str, ...], marked: list[MarkedVisit], scenario: Scenario | None = None
) -> Reason | None:
    """A solve that ended in error because it could not keep the pins of `unkept_pins` (the
    plan's structured field, by task id), said of the marked visits of those tasks
    (`plan_marked_unkept`, as `pinned` names the ones it sees beforehand); None when none of
    them is a marked visit's task (the solver's own error then stands). A clash the service
    cannot see beforehand (a skill or the hours taken away, another pin at that time) reaches
    the solver so. A task of `scenario` that now needs more people than were marked says so:
    no one can join them."""
    named = [v for v in marked if v.task in set(unkept_pins)]
    if not named:
        return None
    tasks = {} if scenario is None else scenario.tasks
    counts = Counter(v.task for v in marked)

    def why(visit: MarkedVisit) -> tuple[Reason, ...]:
        task = tasks.get(visit.task)
        people = 0 if task is None else task.people
        if people > counts[visit.task]:
            return (reason("marked_grown_unfilled", people=people),)
        return (reason("marked_no_crew"),)

    return reason(
        "plan_marked_unkept",
        visits=tuple(reason("marked_unkept", visit=said(v), why=why(v)) for v in named),
    )
