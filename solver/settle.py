"""A suggestion's check (`solver.suggest_verify.keeps_promise`) ended as soon as its answer is
settled: when what the one-worker solve has found so far already proves that the whole solve's
coverage (urgent first) will be at least `SolveOptions.enough`.

Why that is sound. With one worker and deterministic budgets the check replays the whole
solve's trajectory exactly (`SolveOptions.coverage_only`), and along it coverage never falls:

- the week's coverage is the sum of its parts' counts, and lexicographic order is kept by
  sums (x >= y and a >= b give x + a >= y + b), so a lower bound per part gives the week's;
- a part solved earlier keeps its plan; a part not yet begun ends at least at its floor
  (greedy's plan, the hint of its models under `coverage >= floor` with lexicographic weights,
  and where neighbourhood search starts: each neighbourhood keeps what it had), so its floor's
  counts are a lower bound. The watch runs only when every part has a floor, so no later part
  can make the solve an error (a part with a floor always has a plan);
- within the part being solved, on a model of the whole part: CP-SAT's incumbents only improve
  (one worker, one search) and each stage holds what the one before found, so
  - with the weighted coverage objective (weights lexicographic: one task outweighs every
    lower one together) an incumbent's counts are a lower bound on the part's final counts;
  - one priority at a time, at priority p: the values held above p (not the incumbent's
    counts there, which may exceed what is held and be lost later) and the incumbent's count
    at p are lower bounds; below p nothing is known but the floor, so the bound there is 0
    and the part's bound is the lexicographic larger of that and its floor;
  - neighbourhood search's plan, whole for the part, only gains (`solver.lns.Search`).

So once (parts done) + (this part's bound) + (floors to come) >= `enough`, lexicographically,
the check's answer is yes; the rest of the solve is skipped (`Settled`).

A no is never settled early, and no proved bound could settle one: every candidate comes with
a plan of its patched week that serves the task beside everything served now
(`solver.suggest.Candidate.insertion`, held by tests/test_suggestions.py), so the patched
week's optimum, and every sound upper bound of it (per part, per priority, summed), is
lexicographically above `before`; and its task is pinned, so every plan the solve returns
serves it (pins that cannot hold make the solve an error: a no). A no is the deterministic
coverage stages falling short of that optimum within their budget (on one-day 7004: the normal
step stopped at 43-48 against a proved 65-66 and the plan's 60, bench/suggest_nos.py), which
only running them shows (docs/engine-on-unseen-weeks.md: there the whole solve gains after
them, so such a no can be cautious).
Held against whole one-worker solves by the slow promise test
(tests/test_suggestion_promise.py), and the order of the comparison by tests/test_settle.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from mutualaid.domain.model import PRIORITIES

Counts = tuple[int, ...]
"""Tasks served per priority, urgent first."""


class Settled(Exception):
    """The check's answer is settled: the whole solve's coverage will be at least `enough`."""


def counts(served: Mapping[str, int]) -> Counts:
    return tuple(served.get(p, 0) for p in PRIORITIES)


def total(each: Iterable[Counts]) -> Counts:
    out: Counts = (0,) * len(PRIORITIES)
    for c in each:
        out = _add(out, c)
    return out


def _add(a: Iterable[int], b: Iterable[int]) -> Counts:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _sub(a: Iterable[int], b: Iterable[int]) -> Counts:
    return tuple(x - y for x, y in zip(a, b, strict=True))


@dataclass
class Watch:
    """One check's watch over its solve: the parts' lower bounds, summed."""

    enough: Counts
    base: Counts = field(default_factory=lambda: (0,) * len(PRIORITIES))
    """The parts done (their plans) and those to come (their floors), the current one out."""
    part: Counts = field(default_factory=lambda: (0,) * len(PRIORITIES))
    """The current part's floor (its counts at least, whatever its search does)."""
    settled: bool = False

    def begin(self, floor: Counts) -> None:
        """A part begins, its floor counted in `base` until now."""
        self.base, self.part = _sub(self.base, floor), floor

    def end(self, served: Counts) -> None:
        """The part's plan serves `served` (at least, in the whole solve)."""
        self.base, self.part = _add(self.base, served), (0,) * len(PRIORITIES)
        self.offer(self.part)

    def offer(self, lower: Counts) -> bool:
        """Whether, with `lower` a lower bound on the current part's counts, the answer is
        settled (and from then on it stays so)."""
        mine = max(lower, self.part)  # both lower bounds: so is the larger
        if _add(self.base, mine) >= self.enough:
            self.settled = True
        return self.settled


def held(values: Mapping[str, int], at: str, count: int) -> Counts:
    """The lower bound one priority at a time gives while priority `at` is searched: the values
    held above it (`values`), the incumbent's `count` at it, nothing below."""
    out, below = [], False
    for p in PRIORITIES:
        out.append(0 if below else count if p == at else values.get(p, 0))
        below = below or p == at
    return tuple(out)


_current: ContextVar[Watch | None] = ContextVar("settle", default=None)


def current() -> Watch | None:
    return _current.get()


@contextmanager
def watching(watch: Watch | None) -> Iterator[Watch | None]:
    token = _current.set(watch)
    try:
        yield watch
    finally:
        _current.reset(token)


def offer(lower: Counts) -> None:
    """Offer a lower bound of the current part's counts to the watch, if any: raises Settled
    once the answer is settled (between searches; inside one, see `stages`' callback)."""
    watch = current()
    if watch is not None and watch.offer(lower):
        raise Settled
