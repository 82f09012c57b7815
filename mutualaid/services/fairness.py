"""Fairness across weeks (issue 11 item 5): an area's setting that, when on, feeds each
volunteer's service minutes of the three weeks before into a week's solve
(`Scenario.prior_minutes`), so that the fairness goal spreads load over four weeks and no one is
always the busiest. Off by default; the plans of an area with it off are as before.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pendulum

from mutualaid.domain.model import PRIOR_WEEKS, Scenario
from mutualaid.services.access import Actor
from mutualaid.services.ports import AreaRecord, UnitOfWork
from mutualaid.services.reports import week_outcome


def set_fairness(uow: UnitOfWork, actor: Actor, area: str | None, across_weeks: bool) -> AreaRecord:
    """Turn the area's fairness across weeks on or off (admin, the area's coordinator)."""
    where = actor.area(area)
    with uow:
        record = uow.areas.set_fairness(where, across_weeks)
        detail = {"across_weeks": across_weeks}
        uow.audit.record(actor.id, "area.fairness", f"area {where}", where, detail)
        uow.commit()
    return record


def prior_minutes(reader: UnitOfWork, area: str, week: pendulum.Date) -> dict[str, int]:
    """Each volunteer's service minutes the published plans of the three weeks before give
    (visits not declined or withdrawn)."""
    before = {week.subtract(weeks=k) for k in range(1, PRIOR_WEEKS + 1)}
    known = {w.week_start for w in reader.weeks.all(area)} & before
    minutes: Counter[str] = Counter()
    for start in sorted(known):
        _, gives, _ = week_outcome(reader, area, start)
        for r in gives or ():
            minutes[r.volunteer] += int((r.end - r.start).total_seconds() // 60)
    return dict(minutes)


def with_prior(uow: UnitOfWork, area: str, week: pendulum.Date, scenario: Scenario) -> Scenario:
    """The week's scenario with the load of the weeks before, when the area counts it."""
    with uow.reading() as reader:
        if not reader.areas.get(area).fairness_across_weeks:
            return scenario
        prior = prior_minutes(reader, area, week)
    return dataclasses.replace(scenario, prior_minutes=prior)
