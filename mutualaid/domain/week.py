"""The lifecycle of a week, as plain rules: which ids its tasks stand for, what goes when a
task goes (its pins, declines, expectations and published visits), whose declines are kept,
and the history a week inherits from the week before; the week as written (`WrittenWeek`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pendulum

from mutualaid.domain.lifecycle import DECLINED, WITHDRAWN
from mutualaid.domain.model import Decline, Expect, HistoryEntry, Pin, Settings
from mutualaid.domain.roster import StoredResident, StoredSite, StoredTeam, StoredVolunteer
from mutualaid.domain.tasks import StoredTask


def expanded(ident: str, every: Sequence[str] | None) -> list[str]:
    """The ids a task as written stands for in plans, pins and declines: a series `t` with
    `every: [mon, wed]` is `t@mon` and `t@wed`; any other task its own id."""
    return [f"{ident}@{d}" for d in every] if every else [ident]


def present_ids(tasks: Iterable[tuple[str, Sequence[str] | None]]) -> set[str]:
    """The ids a week's tasks ((id, every) each) stand for."""
    return {i for ident, every in tasks for i in expanded(ident, every)}


def expect_without(value: Mapping[str, Any], present: set[str]) -> dict[str, Any]:
    """A stored `expect` block without the tasks no longer in the week (a served or
    unserved task deleted since the import would make the exported scenario invalid)."""
    out: dict[str, Any] = dict(value)
    out["served"] = [t for t in value.get("served") or () if t in present]
    out["unserved"] = {t: r for t, r in (value.get("unserved") or {}).items() if t in present}
    return out


def inherits(state: str) -> bool:
    """Whether a visit of the week before's published plan counts as history: it was not
    declined or withdrawn."""
    return state not in (DECLINED, WITHDRAWN)


def history(
    written: Iterable[tuple[str, str]],
    before: Iterable[tuple[str | None, str]],
    residents: set[str],
) -> list[tuple[str, str]]:
    """The week's (resident, volunteer) history: the pairs written for it, then those the week
    before's published plan gave (at the home of a resident still on the roster), each once."""
    pairs = list(written)
    pairs += [(r, v) for r, v in before if r is not None and r in residents]
    return list(dict.fromkeys(pairs))


@dataclass(frozen=True)
class WrittenWeek:
    """A week as the coordinator wrote it and the store keeps it: the area's roster entries
    and the week's tasks as stored (a series once, a fixed start in local time), its settings,
    history, pins, declines and `expect`. What an export gives and an import stores; its
    canonical JSON is `mutualaid.contract.written`. (A `Scenario` is the week as planned:
    series expanded, times in minutes.)"""

    name: str
    timezone: str
    week_start: pendulum.Date
    settings: Settings
    sites: tuple[StoredSite, ...] = ()
    teams: tuple[StoredTeam, ...] = ()
    volunteers: tuple[StoredVolunteer, ...] = ()
    residents: tuple[StoredResident, ...] = ()
    tasks: tuple[StoredTask, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    pinned: tuple[Pin, ...] = ()
    declined: tuple[Decline, ...] = ()
    expect: Expect | None = None
