"""The built week of a plan (its Scenario and fingerprint), kept between requests of this
process: rebuilding a district's week from its rows and fingerprinting it takes most of a
second, and a decline's repair, a publish and a solve of one week all need the same one.

Entries are keyed by the plan's id and the week's version (`WeekRepository.version`, a
fingerprint of every row the week is built from but its declines), so any write to the week
or its roster, in this process or another, makes a new key: a stale entry is never found,
only forgotten as newer ones come. Declines are read fresh each time and put in.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import pendulum

from mutualaid.domain.lifecycle import Basis
from mutualaid.domain.model import Decline, Scenario
from mutualaid.services.ports import DeclineRecord, UnitOfWork


@dataclass(frozen=True)
class BuiltWeek:
    scenario: Scenario
    basis: Basis
    """What a plan of the week rests on (see `WeekRepository.basis`)."""


class BuiltWeeks:
    """A small LRU of built weeks, safe across threads."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str], tuple[Scenario, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, plan: str, version: str) -> tuple[Scenario, str] | None:
        with self._lock:
            found = self._entries.get((plan, version))
            if found is not None:
                self._entries.move_to_end((plan, version))
            return found

    def put(self, plan: str, version: str, scenario: Scenario, fingerprint: str) -> None:
        with self._lock:
            self._entries[(plan, version)] = (scenario, fingerprint)
            self._entries.move_to_end((plan, version))
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


BUILT = BuiltWeeks()
"""This process's built weeks (one process may serve several weeks; each entry is a week)."""


def built_week(
    uow: UnitOfWork, plan: str, area: str, week: pendulum.Date, cache: BuiltWeeks = BUILT
) -> tuple[BuiltWeek, str]:
    """The week as a Scenario with its basis, as plan `plan` sees it, inside `uow`'s
    transaction; and the week's version, to keep it under for the next plan of the week
    (`keep`). Built from the rows unless kept for this plan and version; the declines are the
    week's as they are now either way. ScenarioError when the stored week no longer forms a
    valid scenario."""
    version = uow.weeks.version(area, week)
    found = cache.get(plan, version)
    if found is not None:
        scenario, fingerprint = found
        declines = uow.weeks.declines(area, week)
        now = with_declines(scenario, declines)
        if now is not None:
            return BuiltWeek(now, basis(fingerprint, declines)), version
    scenario = uow.weeks.load_scenario(area, week)
    made = uow.weeks.basis(area, week)
    cache.put(plan, version, scenario, made.week)
    return BuiltWeek(scenario, made), version


def keep(plan: str, version: str, built: BuiltWeek, cache: BuiltWeeks = BUILT) -> None:
    """Keep `built` for `plan` too (a repair or publish made from it, at the same version)."""
    cache.put(plan, version, built.scenario, built.basis.week)


def with_declines(scenario: Scenario, declines: Sequence[DeclineRecord]) -> Scenario | None:
    """The built week with these declines instead of its own; None when one of them would
    make it invalid (naming a task or volunteer it lacks, or a pinned pair): building it
    again says why."""
    pinned = {(p.task, v) for p in scenario.pinned for v in p.volunteers}
    for d in declines:
        pair = (d.task, d.volunteer)
        if d.task not in scenario.tasks or d.volunteer not in scenario.volunteers:
            return None
        if pair in pinned:
            return None
    return dataclasses.replace(
        scenario, declined=tuple(Decline(d.task, d.volunteer) for d in declines)
    )


def basis(fingerprint: str, declines: Sequence[DeclineRecord]) -> Basis:
    return Basis(fingerprint, tuple(sorted((d.task, d.volunteer) for d in declines)))
