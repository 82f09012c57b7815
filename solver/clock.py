"""The wall-clock deadline of a solve as every loop that builds a model sees it, and where the
solve's time went. A solve with a wall-clock budget installs a Clock; `check()`, called from the
loops that build models (and between rounds elsewhere), raises OutOfTime once it has passed, so
whoever began that optional work keeps the best plan it had. With a deterministic budget no
Clock has a deadline and `check()` never raises: the plan does not depend on the wall clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


class OutOfTime(Exception):
    """The solve's wall-clock deadline passed while optional work (building a model, a bound)
    was under way: the caller keeps what it had."""


@dataclass
class Clock:
    """One solve's deadline (`time.time()`; None with a deterministic budget) and, for tests,
    `expired`: a check that may end the time before the deadline (e.g. after N checks)."""

    deadline: float | None = None
    expired: Callable[[], bool] | None = None
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds per phase (analysis, greedy, building, search, bounds, rerouting), each counted
    once: time in a phase nested in another counts for the inner one, unless the outer one is
    `whole` (bounds: their models' building and search count as bounds)."""
    _stack: list[list[float]] = field(default_factory=list)
    _whole: int = 0

    def over(self) -> bool:
        """Whether the time is up (never with a deterministic budget and no `expired`)."""
        if self.expired is not None and self.expired():
            return True
        return self.deadline is not None and time.time() >= self.deadline

    def left(self, limit: float) -> float:
        """`limit` seconds cut to what is left before the deadline (0 when over)."""
        if self.over():
            return 0.0
        if self.deadline is None:
            return limit
        return max(0.0, min(limit, self.deadline - time.time()))

    @contextmanager
    def phase(self, name: str, whole: bool = False) -> Iterator[None]:
        """Counts the time inside to `name` (less what nested phases count, none if `whole`;
        nothing when inside a `whole` phase)."""
        if self._whole:
            yield
            return
        frame = [time.monotonic(), 0.0]  # start, seconds counted by nested phases
        self._stack.append(frame)
        self._whole += whole
        try:
            yield
        finally:
            self._whole -= whole
            self._stack.pop()
            spent = time.monotonic() - frame[0]
            self.phases[name] = self.phases.get(name, 0.0) + spent - frame[1]
            if self._stack:
                self._stack[-1][1] += spent


_CURRENT: ContextVar[Clock | None] = ContextVar("solver_clock", default=None)


def current() -> Clock | None:
    return _CURRENT.get()


@contextmanager
def running(clock: Clock) -> Iterator[Clock]:
    """`clock` is the current one inside (what `check`, `over` and `phase` see)."""
    token = _CURRENT.set(clock)
    try:
        yield clock
    finally:
        _CURRENT.reset(token)


@contextmanager
def until(deadline: float | None, stop: Callable[[], bool] | None = None) -> Iterator[None]:
    """Inside, the current solve's time also ends at `deadline` (a `time.time()`: one piece of
    work's own share) and once `stop()` is true; outside a solve, a clock of its own. The
    clock's deadline and `expired` are as before afterwards."""
    clock = _CURRENT.get()
    if clock is None:
        with running(Clock(deadline, stop)):
            yield
        return
    kept = clock.deadline, clock.expired
    if deadline is not None:
        clock.deadline = deadline if kept[0] is None else min(kept[0], deadline)
    if stop is not None:
        before = kept[1]
        clock.expired = stop if before is None else (lambda: before() or stop())
    try:
        yield
    finally:
        clock.deadline, clock.expired = kept


def over() -> bool:
    """Whether the current solve's time is up (False outside a solve)."""
    clock = _CURRENT.get()
    return clock is not None and clock.over()


def check() -> None:
    """Raises OutOfTime once the current solve's time is up; called from every loop that
    builds a model, so building stops within one step of the deadline."""
    clock = _CURRENT.get()
    if clock is not None and clock.over():
        raise OutOfTime


@contextmanager
def phase(name: str, whole: bool = False) -> Iterator[None]:
    """The current clock's `phase` (nothing outside a solve)."""
    clock = _CURRENT.get()
    if clock is None:
        yield
        return
    with clock.phase(name, whole):
        yield
