"""Rule 4's arithmetic, written once for the model, the greedy planner, the repair and the plan:
which availability block a visit lies in, the stretches of a block between visits already fixed,
and the starts at which a task fits into such a stretch, travel from and to its ends included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mutualaid.domain.model import Location, Span, Task, Volunteer
from mutualaid.travel import TravelModel

Visit = tuple[int, int, Location]
"""(start, end, where) of a visit, in minutes of the week."""


@dataclass(frozen=True)
class Slot:
    """A stretch of a volunteer's time a route may fill: an availability block from home to
    home, or (around visits that stay fixed) the gap between two visits."""

    begin: int
    end: int
    origin: Location
    destination: Location

    def window(self, task: Task, travel: TravelModel, mode: str) -> Span:
        """The closed range of starts at which `task` fits in the slot: after travel from its
        origin, and leaving time to travel on to its destination by its end (empty when
        lo > hi)."""
        lo = self.begin + travel.minutes(mode, self.origin, task.location)
        hi = (
            self.end - travel.minutes(mode, task.location, self.destination) - task.duration_minutes
        )
        return lo, hi


def gaps(home: Location, block: Span, visits: Iterable[Visit]) -> list[Slot]:
    """The slots of one block around these visits (sorted by start, all inside the block)."""
    begin, end = block
    out = []
    here, free_at = home, begin
    for s, e, loc in visits:
        out.append(Slot(free_at, s, here, loc))
        here, free_at = loc, e
    out.append(Slot(free_at, end, here, home))
    return out


def slots_of(vol: Volunteer, visits: list[Visit]) -> list[Slot]:
    """Every block's slots around the visits that stay fixed (sorted by start)."""
    out = []
    for bs, be in vol.blocks:
        out += gaps(vol.home, (bs, be), [v for v in visits if bs <= v[0] and v[1] <= be])
    return out


def block_of(vol: Volunteer, start: int, end: int) -> int | None:
    """The index of the availability block a visit from `start` to `end` lies in, if any."""
    return next((i for i, (bs, be) in enumerate(vol.blocks) if bs <= start and end <= be), None)
