"""What a recommendation IS: one way to serve a new request against the published plan (who
goes, when, which other visits move for it) and what it does to the week's objective."""

from __future__ import annotations

from dataclasses import dataclass

from mutualaid.domain.model import LATER_GOALS, PRIORITIES
from mutualaid.domain.plan import Assignment


@dataclass(frozen=True)
class Move:
    """Another visit that changes for the option: moved in time, given to other people, left
    unserved (`after` None), or served where the published plan left it (`before` None)."""

    task: str
    before: Assignment | None
    after: Assignment | None


@dataclass(frozen=True)
class Effect:
    """What an option does to the plan's objective, as differences (after - before)."""

    served: dict[str, int]
    """Per priority, the change in tasks served (the new one included)."""
    waited: int
    continuity: int
    travel_minutes: int
    """Travel minutes the option adds (negative: it saves some)."""
    max_load: float
    """The highest load (service over weekly hours) after the option."""

    def key(self, order: tuple[str, ...] = LATER_GOALS) -> tuple[float, ...]:
        """The contract's objective order, larger better: coverage by priority, waiting,
        then the later goals in `order`."""
        later = {
            "continuity": self.continuity,
            "travel": -self.travel_minutes,
            "fairness": -self.max_load,
        }
        return (
            *(self.served[p] for p in PRIORITIES),
            self.waited,
            *(later[g] for g in order),
        )


@dataclass(frozen=True)
class Option:
    """One way to serve the request: its assignment, the other visits that move, the effect."""

    id: str
    """A fingerprint of the assignment and the moves: the same option, the same id."""
    assignment: Assignment
    moves: tuple[Move, ...]
    effect: Effect
    changed: int
    """Volunteer-task pairs added or removed versus the published plan."""
