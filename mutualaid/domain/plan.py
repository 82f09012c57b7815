"""What a plan IS: who goes where and when, what stays unserved and why, and how good it is.

Its JSON is written and read by `mutualaid.contract.plan_json`."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mutualaid.domain.model import LATER_GOALS, PRIORITIES

REASONS: tuple[str, ...] = ("no_skill", "out_of_range", "excluded", "no_time", "capacity")
STATUSES: tuple[str, ...] = ("optimal", "feasible", "error")


@dataclass(frozen=True)
class AssignedVolunteer:
    id: str
    role: int
    team: str | None = None


@dataclass(frozen=True)
class Assignment:
    task: str
    start: int
    """Minute of the week."""
    end: int
    volunteers: tuple[AssignedVolunteer, ...]


@dataclass(frozen=True)
class Suggestion:
    """A change to the scenario that would serve an unserved task (`solver.suggest`)."""

    kind: str
    text: str
    patch: tuple[dict[str, Any], ...]
    """RFC 6902 JSON Patch against the scenario as JSON."""
    fields: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """The sentence's fields (`messages.suggestions.word(kind, **fields)`), so that a stored
    plan's suggestion is said in its reader's language; empty: only `text` is known."""


@dataclass(frozen=True)
class Reason:
    """A sentence kept as data, worded only where a person reads it (`mutualaid.messages.say`,
    in their language): the catalogue's key and its fields. A field may itself be a Reason,
    or a tuple of them (worded and joined by "; ")."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


def reason(code: str, **params: object) -> Reason:
    """`Reason(code, params)`, its fields given by name."""
    return Reason(code, params)


@dataclass(frozen=True)
class SolveProgress:
    """A running solve's best figures so far: tasks served per priority, the bound proven
    on them, and the seconds it has run."""

    served: Mapping[str, int]
    bound: Mapping[str, int]
    elapsed: float

    def served_key(self) -> tuple[int, ...]:
        """Coverage, most urgent first: larger is better."""
        return tuple(int(self.served.get(p, 0)) for p in PRIORITIES)


@dataclass(frozen=True)
class Unserved:
    task: str
    reason: str
    detail: Reason | str
    """What the reason is about, as data; text when it was read from a plan's JSON that
    kept only the worded sentence."""
    suggestions: tuple[Suggestion, ...] = ()
    """Fewest changes first; empty when none was asked for or found."""
    checking: bool = False
    """More of its suggestions are still being checked (`solver.suggest_checks`): those
    shown are checked, and more, or others fewer in changes, may come."""


@dataclass(frozen=True)
class Objective:
    served: dict[str, int]
    tasks: dict[str, int]
    continuity: int
    travel_minutes: int
    max_load: float
    waited: int = 0
    """Sum of `waited` over served tasks."""

    def coverage_key(self) -> tuple[int, ...]:
        """Lexicographic coverage: more urgent first, then high, normal, low."""
        return tuple(self.served[p] for p in PRIORITIES)

    def key(self, order: tuple[str, ...] = LATER_GOALS) -> tuple[float, ...]:
        """The whole objective as one tuple where larger is better, the later goals in `order`."""
        later = {
            "continuity": self.continuity,
            "travel": -self.travel_minutes,
            "fairness": -self.max_load,
        }
        return (*self.coverage_key(), self.waited, *(later[g] for g in order))


@dataclass
class Plan:
    scenario: str
    status: str
    solve_seconds: float
    objective: Objective | None = None
    bound: dict[str, int] = field(default_factory=dict)
    assignments: list[Assignment] = field(default_factory=list)
    unserved: list[Unserved] = field(default_factory=list)
    error: str | None = None
    unkept_pins: tuple[str, ...] = ()
    """With status `error`: the pinned tasks the solve could not keep (their pins break a
    rule, or clash with each other), by id, in order; `error` says why in words."""
    extra: dict[str, Any] = field(default_factory=dict)
    """More fields the contract allows: routes, loads, stages, the greedy floor."""
    rest: Generator[Plan, None, None] | None = field(default=None, compare=False, repr=False)
    """The suggestions still being checked (`Unserved.checking`), as the checks end: each
    plan it gives has more of them, the last all (none `checking`). Never stored; closing it
    abandons the checks."""


def suggestions_from(stored: Plan, newer: Plan) -> Plan:
    """`stored` with each unserved task's suggestions (and whether more are being checked)
    as `newer` has them; its other entries and fields as they are."""
    by_task = {u.task: u for u in newer.unserved}
    unserved = [
        replace(u, suggestions=n.suggestions, checking=n.checking)
        if (n := by_task.get(u.task)) is not None
        else u
        for u in stored.unserved
    ]
    return replace(stored, unserved=unserved)
