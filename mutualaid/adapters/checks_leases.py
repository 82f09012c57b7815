"""The lease on checking a finished plan's suggestions, on the plan's row (`checks_by`,
`checks_until`): taken under the row's lock (FOR UPDATE on PostgreSQL; SQLite's writes begin
IMMEDIATE, one at a time), so that two servers never both take it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pendulum
from sqlalchemy import String, cast, func
from sqlmodel import Session, col, or_, select

from mutualaid.adapters.base import maybe_utc
from mutualaid.adapters.tables import PlanRow


class SqlChecksLeases:
    """Mixed into SqlPlans (its session, clock and rows)."""

    session: Session
    if TYPE_CHECKING:  # the repository's own

        def now(self) -> pendulum.DateTime: ...
        def row(self, ident: str, *, lock: bool = False) -> PlanRow: ...

    def _marked(self) -> Any:
        # the JSON as text: one scan that reads only the plans some task of which is marked
        text = cast(col(PlanRow.result), String)
        return select(PlanRow).where(
            col(PlanRow.result).is_not(None), text.like('%"suggestions_checking"%')
        )

    def unmark_checking(self, owner: str | None = None, lease_seconds: float = 0.0) -> list[str]:
        now = self.now()
        free = or_(col(PlanRow.checks_until).is_(None), col(PlanRow.checks_until) < now)
        stmt = self._marked().where(free).order_by(col(PlanRow.id)).with_for_update()
        ended = []
        for row in self.session.exec(stmt):
            assert row.result is not None
            unserved = [{k: v for k, v in entry.items() if k != "suggestions_checking"}
                        for entry in row.result.get("unserved") or ()]  # fmt: skip
            row.result = {**row.result, "unserved": unserved}
            row.checks_by = owner
            row.checks_until = None if owner is None else now.add(seconds=lease_seconds)
            ended.append(row.id)
        self.session.flush()
        return ended

    def hold_checks(self, ident: str, owner: str, lease_seconds: float) -> bool:
        row = self.row(ident, lock=True)
        now = self.now()
        until = maybe_utc(row.checks_until)
        if row.checks_by not in (None, owner) and until is not None and until >= now:
            return False
        row.checks_by, row.checks_until = owner, now.add(seconds=lease_seconds)
        self.session.flush()
        return True

    def end_checks(self, ident: str, owner: str) -> None:
        row = self.row(ident, lock=True)
        if row.checks_by == owner:
            row.checks_by, row.checks_until = None, None
            self.session.flush()

    def next_checks_free(self, other_than: str) -> pendulum.DateTime | None:
        # A lease that has run out counts too (its moment is past: take it now): one that ran
        # out between a taker's look and this one was otherwise left marked for good.
        held = self._marked().where(col(PlanRow.checks_until).is_not(None))
        marked = held.where(col(PlanRow.checks_by) != other_than).subquery()
        first = self.session.exec(select(func.min(marked.c.checks_until))).first()
        return maybe_utc(first)
