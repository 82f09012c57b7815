"""The lifecycle of a plan and of the answers to its assignments, as plain rules.

A plan is a job: queued -> running -> optimal | feasible | error (a cancel ends it as an
error saying `cancelled`), leased to one worker at a time; a finished plan that is optimal or
feasible may be published, replacing the week's published plan. Each volunteer's assignment
is pending until answered (accepted or declined), or withdrawn when its task goes. The
repositories store these states; the decisions are made here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pendulum

from mutualaid.domain.plan import Reason, reason

QUEUED = "queued"
RUNNING = "running"
ACTIVE: tuple[str, ...] = (QUEUED, RUNNING)
"""A solve waits or runs: one such plan per week at most."""
FINISHED: tuple[str, ...] = ("optimal", "feasible", "error")
"""A plan's final statuses."""
PUBLISHABLE: tuple[str, ...] = ("optimal", "feasible")
CANCELLED = Reason("plan_cancelled")
"""The error of a plan cancelled before it finished."""
"""The error of a plan cancelled before it finished."""

PENDING, ACCEPTED, DECLINED, WITHDRAWN = "pending", "accepted", "declined", "withdrawn"
ANSWERED: tuple[str, ...] = (ACCEPTED, DECLINED, WITHDRAWN)


def is_active(status: str) -> bool:
    return status in ACTIVE


def is_open(status: str) -> bool:
    """Not finished yet: it may still be cancelled, finished or failed."""
    return status not in FINISHED


def is_publishable(status: str) -> bool:
    return status in PUBLISHABLE


def holds(status: str, holder: str | None, worker: str) -> bool:
    """Whether `worker` holds the plan's run (heartbeats, finishes or fails it)."""
    return status == RUNNING and holder == worker


def finished_status(status: object) -> str:
    """The status a plan ends with, given the result's; ValueError unless it is final."""
    text = str(status)
    if text not in FINISHED:
        raise ValueError(f"a finished plan is optimal, feasible or error, not {text!r}")
    return text


def claim_refusal(
    status: str, cancel_requested: bool, attempts: int, max_attempts: int
) -> Reason | None:
    """A plan a worker may claim (queued, or running with its lease run out): None when it
    runs again, else the error it ends with instead: it was cancelled while its worker died,
    or its runs died `max_attempts` times."""
    if status != RUNNING:
        return None
    if cancel_requested:
        return CANCELLED
    if attempts >= max_attempts:
        return reason("plan_gave_up", runs=attempts)
    return None


def lease_ran_out(lease_expires_at: pendulum.DateTime | None, now: pendulum.DateTime) -> bool:
    return lease_expires_at is not None and lease_expires_at < now


def cancel_ends_at_once(
    status: str, lease_expires_at: pendulum.DateTime | None, now: pendulum.DateTime
) -> bool:
    """A cancel ends a queued plan at once, and a running one no live worker holds (a live
    worker heartbeats); a running one held is only asked to stop."""
    return status == QUEUED or (status == RUNNING and lease_ran_out(lease_expires_at, now))


@dataclass(frozen=True)
class PlanRequest:
    """Who asked for a plan, and for a repair the assignment whose decline it re-plans."""

    requested_by: str | None = None
    declined: int | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.requested_by is not None:
            out["requested_by"] = self.requested_by
        if self.declined is not None:
            out["declined"] = self.declined
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> PlanRequest:
        by, declined = data.get("requested_by"), data.get("declined")
        return cls(
            None if by is None else str(by),
            declined if isinstance(declined, int) else None,
        )


@dataclass(frozen=True)
class Answer:
    """A volunteer's answer to one assignment, at its times."""

    state: str
    """pending | accepted | declined | withdrawn"""
    reason: str | None
    responded_at: dt.datetime | None
    start: object
    """When it starts and ends, in any form two assignments' times compare in (as stored)."""
    end: object


def answer_on_publish(new: Answer, old: Answer | None, task_present: bool) -> Answer:
    """What an assignment of a plan being published says, given the same task and volunteer's
    assignment in the plan published before (`old`, if any).

    An assignment withdrawn while an earlier publication of this plan was out is given again
    when its task came back. The answer to the plan before carries over when the times are
    the same; at new times it is asked again (pending). A withdrawn one before is a new
    request: nothing carries over."""
    if new.state == WITHDRAWN and task_present:
        new = replace(new, state=PENDING, reason=None, responded_at=None)
    if old is None or old.state == WITHDRAWN:
        return new
    if (old.start, old.end) == (new.start, new.end) and new.state == PENDING:
        return replace(new, state=old.state, reason=old.reason, responded_at=old.responded_at)
    return new


def answer_refusal(state: str, *, declining: bool, published: bool, in_chain: bool) -> str | None:
    """Why an assignment cannot be answered (a message key), or None when it can.

    Declined stays declined (declining again is answered with it); withdrawn cannot be
    answered; only the published plan's assignments are answered, but a decline of one a
    repair moved to someone else meanwhile (`in_chain`: its plan was published, and the
    published plan repaired it) is still recorded, so a no is never lost."""
    if state == DECLINED:
        return None if declining else "assignment_was_declined"
    if state == WITHDRAWN:
        return "assignment_withdrawn"
    if not published and not (declining and in_chain):
        return "assignment_not_published"
    return None


@dataclass(frozen=True)
class Basis:
    """What a plan of a week rests on: `week`, a fingerprint of the week and its area's
    roster without the declines, and the declined (task, volunteer) pairs."""

    week: str
    declined: tuple[tuple[str, str], ...]

    def to_json(self) -> dict[str, object]:
        return {"week": self.week, "declined": [list(d) for d in self.declined]}


def same_or_narrower(then: object, now: Basis | dict[str, object]) -> bool:
    """Whether the week now offers no option the week a plan was made for (`then`, the
    plan's stored basis) did: the same week and roster, and the declines then still among
    the declines now. A plan's bound and optimality then still hold for it (declines only
    take options away)."""
    if isinstance(now, Basis):
        now = now.to_json()
    if not isinstance(then, dict) or then.get("week") != now.get("week"):
        return False
    declined_now = {tuple(d) for d in _listed(now.get("declined"))}
    return all(tuple(d) in declined_now for d in _listed(then.get("declined")))


def _listed(value: object) -> list[list[str]]:
    return list(value) if isinstance(value, list | tuple) else []
