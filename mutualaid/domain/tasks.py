"""A week's task as the coordinator wrote it and the store keeps it: a series (`every`) is one
task, a fixed start is local wall-clock time, every default written out. The domain's `Task` is
what a week plans with (a series expanded, times in minutes of the week);
`mutualaid.contract.export` maps these to and from the contract's JSON."""

from __future__ import annotations

import datetime as dt
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
