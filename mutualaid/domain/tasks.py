"""A week's task as the coordinator wrote it and the store keeps it: a series (`every`) is one
task, a fixed start is local wall-clock time, every default written out. The domain's `Task` is
what a week plans with (a series expanded, times in minutes of the week);
`mutualaid.contract.export` maps these to and from the contract's JSON. A `SentTask` is one
as a request sent it, before the store has read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from mutualaid.domain.model import Location, Need, TimeBlock


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
