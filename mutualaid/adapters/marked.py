"""The visits of a plan already marked done or missed: a new plan keeps each one with its
volunteer at its time (the hours ledger counts it so). A solve pins them (`marked_visits`),
and publishing refuses a plan that does not keep them (`keeps_marked`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, type_coerce
from sqlalchemy import select as core_select
from sqlmodel import Session

from mutualaid.adapters.base import as_utc
from mutualaid.adapters.ledger_tables import VisitOutcomeRow
from mutualaid.adapters.tables import AssignmentRow, metadata
from mutualaid.domain.marks import MarkedVisit
from mutualaid.messages import msg
from mutualaid.services.ports import ConflictError


def _marked(session: Session, plan: str, *columns: Any) -> list[Any]:
    rows = metadata.tables[AssignmentRow.__tablename__]
    marks = metadata.tables[VisitOutcomeRow.__tablename__]
    return list(
        session.execute(
            core_select(rows.c.ref, marks.c.state, rows.c.task_id, rows.c.volunteer_id, *columns)
            .join(marks, marks.c.assignment_ref == rows.c.ref)
            .where(rows.c.plan_id == plan, rows.c.state != "withdrawn")
            .order_by(rows.c.ref)
        ).all()
    )


def marked_visits(session: Session, plan: str) -> list[MarkedVisit]:
    """The visits of `plan` marked done or missed (withdrawn ones aside), by id."""
    rows = metadata.tables[AssignmentRow.__tablename__]
    return [
        MarkedVisit(ref, state, task, volunteer, as_utc(start), as_utc(end), role, team)
        for ref, state, task, volunteer, start, end, role, team in _marked(
            session, plan, rows.c.start_at, rows.c.end_at, rows.c.role, rows.c.team_id
        )
    ]


def keeps_marked(session: Session, before: str, plan: str) -> None:
    """ConflictError when `plan` moves, gives to someone else or leaves out a visit of
    `before` already marked done or missed: the ledger counts it with its volunteer at
    its time, and a marked visit cannot be declined either."""
    rows = metadata.tables[AssignmentRow.__tablename__]
    times = (type_coerce(rows.c.start_at, String), type_coerce(rows.c.end_at, String))
    marked = _marked(session, before, *times)
    if not marked:
        return
    same = core_select(rows.c.task_id, rows.c.volunteer_id, *times)
    kept = {tuple(r) for r in session.execute(same.where(rows.c.plan_id == plan))}
    broken = [m for m in marked if tuple(m[2:]) not in kept]
    if broken:
        visits = ", ".join(
            msg("publish_marked_visit", id=ref, task=task, volunteer=v, state=msg(f"outcome_{s}"))
            for ref, s, task, v, *_ in broken
        )
        raise ConflictError(msg("publish_moves_marked", plan=plan, visits=visits))
