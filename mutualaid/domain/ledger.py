"""After the visit, and the hours it earns (时间银行, a time bank).

A visit of a published plan is marked done (its actual times optional) or missed. Every done
visit credits its service minutes to the volunteer who went, in an append-only ledger: a
correction is a new entry (un-marking a done visit writes a reversal; marking it done again
with other times writes a reversal and a new credit). Hours are redeemed against a request
for the volunteer's own household as a negative entry, never below a zero balance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pendulum

DONE, MISSED = "done", "missed"
OUTCOMES: tuple[str, ...] = (DONE, MISSED)
CREDIT, REVERSAL, REDEMPTION = "credit", "reversal", "redemption"
ENTRY_KINDS: tuple[str, ...] = (CREDIT, REVERSAL, REDEMPTION)
MARKABLE_STATES: tuple[str, ...] = ("pending", "accepted")
"""Assignment states a visit can be marked from (declined and withdrawn ones were not made)."""


@dataclass(frozen=True)
class VisitOutcome:
    """What became of one visit (an assignment, by the id its volunteer sees)."""

    assignment: int
    area: str
    volunteer: str
    task: str
    week_start: pendulum.Date
    state: str
    """done | missed"""
    actual_start: pendulum.DateTime | None
    actual_end: pendulum.DateTime | None
    feedback: str | None
    """The resident's feedback, as noted by whoever marked it."""
    marked_by: str
    marked_at: pendulum.DateTime


@dataclass(frozen=True)
class LedgerEntry:
    """One line of the ledger: minutes credited (> 0) or taken back or redeemed (< 0)."""

    id: int
    area: str
    volunteer: str
    kind: str
    """credit | reversal | redemption"""
    minutes: int
    month: str
    """YYYY-MM the minutes count in: the visit's month (a reversal's is its credit's)."""
    at: pendulum.DateTime
    actor: str
    assignment: int | None = None
    task: str | None = None
    request: str | None = None
    """The request hours were redeemed against."""
    reverses: int | None = None
    """The credit a reversal takes back."""
    note: str | None = None


@dataclass(frozen=True)
class NewEntry:
    """An entry to append (the store gives its id and time)."""

    volunteer: str
    kind: str
    minutes: int
    month: str
    assignment: int | None = None
    task: str | None = None
    request: str | None = None
    reverses: int | None = None
    note: str | None = None
    actor: str = "system"
    """Who wrote it (a token's id, `cli`)."""


def service_minutes(
    start: pendulum.DateTime,
    end: pendulum.DateTime,
    actual_start: pendulum.DateTime | None = None,
    actual_end: pendulum.DateTime | None = None,
) -> int:
    """The minutes a done visit credits: its actual times where given (either alone replaces
    the planned one), else the planned ones; whole minutes, never below zero."""
    begin, finish = actual_start or start, actual_end or end
    return max(0, int((finish - begin).total_seconds() // 60))


def actual_times_refusal(
    start: pendulum.DateTime,
    end: pendulum.DateTime,
    zone: str,
    now: pendulum.DateTime,
    actual_start: pendulum.DateTime | None = None,
    actual_end: pendulum.DateTime | None = None,
) -> tuple[str, str] | None:
    """Why actual times cannot be a done visit's (its field and a catalogue key), or None:
    each falls on the visit's own days (from the start of the day it begins to the end of
    the day it ends, in the area's zone) and none is still to come. Else a visit of an hour
    could credit a year of hours. One given alone must leave time before (or after) the
    planned other: an actual start past the planned end was a done visit of 0 minutes."""
    first = start.in_timezone(zone).start_of("day")
    last = end.in_timezone(zone).end_of("day")
    for field, when in (("actual_start", actual_start), ("actual_end", actual_end)):
        if when is None:
            continue
        if not first <= when <= last:
            return field, "visit_actual_off_day"
        if when > now:
            return field, "visit_actual_to_come"
    alone = "actual_start" if actual_end is None else "actual_end"
    if (actual_start is None) != (actual_end is None) and (actual_end or end) <= (
        actual_start or start
    ):  # the one given alone against the other planned time
        return alone, "visit_actual_past_planned"
    return None


def month_of(when: pendulum.DateTime, zone: str) -> str:
    return when.in_timezone(zone).format("YYYY-MM")


def balance(entries: Iterable[LedgerEntry]) -> int:
    return sum(e.minutes for e in entries)


def open_credits(entries: Iterable[LedgerEntry], assignment: int) -> list[LedgerEntry]:
    """The credits of the visit not yet reversed, oldest first."""
    mine = [e for e in entries if e.assignment == assignment]
    reversed_ = {e.reverses for e in mine if e.kind == REVERSAL}
    return [e for e in mine if e.kind == CREDIT and e.id not in reversed_]


def reversals(entries: Iterable[LedgerEntry], assignment: int, actor: str) -> list[NewEntry]:
    """The entries that take back what the visit has credited (none when nothing is)."""
    return [
        NewEntry(
            e.volunteer,
            REVERSAL,
            -e.minutes,
            e.month,
            e.assignment,
            e.task,
            reverses=e.id,
            actor=actor,
        )
        for e in open_credits(entries, assignment)
    ]


def redemption_refusal(held: int, minutes: int) -> str | None:
    """Why `minutes` cannot be redeemed from a balance of `held` (a catalogue key), or None."""
    if minutes <= 0:
        return "redeem_not_positive"
    if minutes > held:
        return "redeem_too_much"
    return None


def hours(minutes: int) -> str:
    """Minutes as hours with two decimals, the way statements and exports print them."""
    sign = "-" if minutes < 0 else ""
    whole, rest = divmod(abs(minutes), 60)
    return f"{sign}{whole}.{round(rest * 100 / 60):02d}" if rest else f"{sign}{whole}.00"
