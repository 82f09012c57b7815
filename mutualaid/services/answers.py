"""A volunteer's yes to a visit, and reading one visit: the answers that need no repair
(a no, `decline_assignment`, repairs the plan and lives with the volunteer's week)."""

from __future__ import annotations

import pendulum

from mutualaid.services.access import Actor
from mutualaid.services.ports import AnswerMoved, AssignmentRecord, UnitOfWork


def get_assignment(uow: UnitOfWork, actor: Actor, ident: int) -> AssignmentRecord:
    """One assignment, for its volunteer, the area's coordinators and admins."""
    with uow:
        found = uow.assignments.get(ident)
    actor.require_volunteer(found.area, found.volunteer)
    return found


def accept_assignment(
    uow: UnitOfWork, actor: Actor, ident: int, seen: pendulum.DateTime | None = None
) -> AssignmentRecord:
    """The volunteer will go. ConflictError once declined, or when not published; AnswerMoved
    when `seen` (the start the volunteer was shown) is no longer the visit's start: a new
    plan moved it since, and a yes to one time is not a yes to another."""
    with uow:
        found = uow.assignments.get(ident)
        actor.require_volunteer(found.area, found.volunteer)
        done = uow.assignments.accept(ident)
        if seen is not None and done.start != seen:
            raise AnswerMoved(ident, done.start)  # rolled back: nothing accepted
        uow.audit.record(
            actor.id, "assignment.accept", f"assignment {ident}", done.area,
            {"task": done.task, "volunteer": done.volunteer},
        )  # fmt: skip
        uow.commit()
    return done
