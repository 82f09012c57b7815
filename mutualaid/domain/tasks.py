"""A week's task as the coordinator wrote it and the store keeps it: a series (`every`) is one
task, a fixed start is local wall-clock time, every default written out. The domain's `Task` is
what a week plans with (a series expanded, times in minutes of the week);
`mutualaid.contract.export` maps these to and from the contract's JSON. A `SentTask` is one
as a request sent it, before the store has read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mutualaid.domain.model import Location, Need, TimeBlock, people_of


@dataclass(frozen=True)
class StoredTask:
    id: str
    title: str
    needs: tuple[Need, ...]
    duration_minutes: int
    resident: str | None = None
    site: str | None = None
    location: Location | None = None
    """Where it is when it names no resident or site."""
    windows: tuple[TimeBlock, ...] | None = None
    start: dt.datetime | None = None
    """A fixed start (an event), local wall-clock time to the minute."""
    every: tuple[str, ...] | None = None
    """A series: the days it recurs, each in `window` (minutes of the day, start and end)."""
    window: tuple[int, int] | None = None
    priority: str = "normal"
    waited: int = 0
    vetted_only: bool = False
    languages: tuple[str, ...] = ()

    @property
    def place(self) -> str | None:
        """The resident or site it is at (None: its own location)."""
        return self.resident or self.site

    @property
    def people(self) -> int:
        """The fewest people its needs take, as `Task.people`."""
        return people_of(self.needs)


@dataclass(frozen=True)
class SentTask:
    """A week's task as a request sent it (a body, a CSV row, a request drawn from the
    backlog), not yet read: the store reads it inside the week it would join, with the loader,
    whose problems name its fields where it was sent (`tasks[3].needs`, or `needs` alone).
    Until then only its id and series are looked at, however malformed it is."""

    value: object
    """As it came: plain data (a well-formed task is a mapping of the contract's fields)."""

    @property
    def id(self) -> object:
        """Its `id` as sent (None when it has none, or is no mapping)."""
        return self.value.get("id") if isinstance(self.value, Mapping) else None

    @property
    def every(self) -> object:
        """Its `every` as sent (None when it has none, or is no mapping)."""
        return self.value.get("every") if isinstance(self.value, Mapping) else None

    @property
    def ids(self) -> list[str]:
        """The ids it stands for in plans, pins and declines (`t@mon` for a series)."""
        if not isinstance(self.value, Mapping):
            return []
        ident = str(self.value.get("id", "")).strip()
        every = self.every
        return [f"{ident}@{d}" for d in every] if isinstance(every, list) else [ident]


def still_allows(task: StoredTask, day: str | None, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether the task as it now stands allows a visit from `start` to `end` (local wall-clock
    times; `day` the series' day a plan's `t@mon` names): its length, its fixed start, its
    windows or the series' window. A visit a published plan gave before the task was changed
    (a batch of tasks replaced, a scenario imported) may no longer fit: its volunteer is told
    so rather than shown it as if it held."""
    if round((end - start).total_seconds() / 60) != task.duration_minutes:
        return False
    if task.start is not None:
        return task.start.replace(tzinfo=None, second=0, microsecond=0) == start.replace(
            tzinfo=None, second=0, microsecond=0
        )  # fmt: skip
    lo = start.hour * 60 + start.minute
    hi = lo + task.duration_minutes
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[start.weekday()]
    if task.every is not None:
        if day is not None and day != weekday:
            return False
        return task.window is None or (task.window[0] <= lo and hi <= task.window[1])
    if not task.windows:
        return True
    for w in task.windows:
        on = weekday in w.days if w.days is not None else w.date == start.date()
        if on and (w.start is None or w.start <= lo) and (w.end is None or hi <= w.end):
            return True
    return False


def no_longer_allowed(
    visits: Iterable[tuple[str, int, int, int]], tasks: Iterable[StoredTask], monday: dt.date
) -> list[str]:
    """The plan's tasks (`t`, or a series' `t@mon`) among `visits` (task, start and end in
    minutes of the week from `monday`, crew size) that their task as it now stands no longer
    allows (`still_allows`, or fewer people than it needs); a task since deleted is not
    named (its visits are withdrawn)."""
    by_id = {t.id: t for t in tasks}
    midnight = dt.datetime(monday.year, monday.month, monday.day)
    out = []
    for ident, start, end, crew in visits:
        base, _, day = ident.rpartition("@") if "@" in ident else (ident, "", "")
        task = by_id.get(ident) or by_id.get(base)
        if task is None:
            continue
        at, until = midnight + dt.timedelta(minutes=start), midnight + dt.timedelta(minutes=end)
        if not still_allows(task, day or None, at, until) or crew < task.people:
            out.append(ident)
    return out
