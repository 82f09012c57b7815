"""Rule 4's arithmetic, written once for the model, the greedy planner, the repair and the plan:
which availability block a visit lies in, the stretches of a block between visits already fixed,
and the starts at which a task fits into such a stretch, travel from and to its ends included.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from weakref import WeakKeyDictionary

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

    def may_fit(self, task: Task, starts: Iterable[Span]) -> bool:
        """Whether some start in `starts` leaves the task inside the slot before travel is
        counted: `window` only narrows that range, so a slot this rules out has no start for
        the task. A cheap test, before travel is looked up (a neighbourhood's model of a
        district asked it of every slot of each volunteer's week, most on other days)."""
        last = self.end - task.duration_minutes
        return self.begin <= last and any(lo <= last and hi >= self.begin for lo, hi in starts)


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


_SLOTS: WeakKeyDictionary[Volunteer, dict[tuple[object, ...], tuple[Slot, ...]]] = (
    WeakKeyDictionary()
)
"""Per volunteer, their slots around each set of fixed visits asked for, keyed by all the slots
depend on (home, blocks, visits: an entity is equal to any of its id, of whatever week): a
district's neighbourhood models ask the slots of some 240 volunteers each, most around the
same fixed visits as in the model before (7 of 42 ms a model). Kept only while the volunteer
is, and at most `_SLOT_SETS` sets each."""
_SLOT_SETS = 64


def slots_around(vol: Volunteer, visits: list[Visit]) -> list[Slot]:
    """`slots_of(vol, visits)`, remembered (a fresh list each time: the slots are frozen)."""
    known = _SLOTS.get(vol)
    if known is None:
        known = _SLOTS[vol] = {}
    key = (vol.home, vol.blocks, *visits)
    found = known.get(key)
    if found is None:
        if len(known) >= _SLOT_SETS:
            known.clear()
        found = known[key] = tuple(slots_of(vol, visits))
    return list(found)


def fitting(
    slots: Sequence[Slot], task: Task, starts: list[Span], ends: Sequence[int] | None = None
) -> Iterator[int]:
    """The indices of `slots` where some start in `starts` may fit the task (`Slot.may_fit`).
    With `ends`, the slots' ends, when the slots are sorted and apart (`slots_of`'s, from
    sorted blocks): found by bisection, since a neighbourhood's model asks it of every
    volunteer's whole week for each of their tasks."""
    if not starts:
        return
    first, last = min(lo for lo, _ in starts), max(hi for _, hi in starts)
    begin = 0 if ends is None else bisect_left(ends, first + task.duration_minutes)
    for k in range(begin, len(slots)):
        slot = slots[k]
        if ends is not None and slot.begin > last:
            return
        if slot.may_fit(task, starts):
            yield k


def sorted_ends(slots: Sequence[Slot]) -> list[int] | None:
    """The slots' ends when the slots are sorted and apart (for `fitting`), else None."""
    ends = [slot.end for slot in slots]
    apart = all(a.end <= b.begin for a, b in pairwise(slots))
    return ends if apart else None


def block_of(vol: Volunteer, start: int, end: int) -> int | None:
    """The index of the availability block a visit from `start` to `end` lies in, if any."""
    return next((i for i, (bs, be) in enumerate(vol.blocks) if bs <= start and end <= be), None)
