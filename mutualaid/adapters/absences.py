"""Volunteers' absences: rows of `absences`, as the port's records."""

from __future__ import annotations

import pendulum
from sqlmodel import col, select

from mutualaid.adapters.base import Repository, as_utc
from mutualaid.adapters.tables import AbsenceRow
from mutualaid.services.absence_ports import AbsenceRecord
from mutualaid.services.ports import NotFoundError


class SqlAbsences(Repository):
    def add(
        self, area: str, volunteer: str, first_day: pendulum.Date, last_day: pendulum.Date,
        start: int | None, end: int | None, reason: str | None, by: str,
        roster_days: tuple[pendulum.Date, ...] = (),
    ) -> AbsenceRecord:  # fmt: skip
        row = AbsenceRow(
            area_id=area, volunteer_id=volunteer, first_day=first_day, last_day=last_day,
            start_minute=start, end_minute=end, reason=reason, created_by=by,
            created_at=self.now(), roster_days=[d.isoformat() for d in roster_days] or None,
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        return _record(row)

    def of(self, area: str, volunteer: str) -> list[AbsenceRecord]:
        stmt = (
            select(AbsenceRow)
            .where(AbsenceRow.area_id == area, AbsenceRow.volunteer_id == volunteer)
            .order_by(col(AbsenceRow.first_day), col(AbsenceRow.id))
        )
        return [_record(r) for r in self.session.exec(stmt)]

    def _row(self, area: str, volunteer: str, ident: int) -> AbsenceRow:
        if not 0 < ident < 2**31:  # no such row, and past what an INTEGER column can compare
            raise NotFoundError("absence", ident)
        row = self.session.get(AbsenceRow, ident)
        if row is None or row.area_id != area or row.volunteer_id != volunteer:
            raise NotFoundError("absence", ident)
        return row

    def get(self, area: str, volunteer: str, ident: int) -> AbsenceRecord:
        return _record(self._row(area, volunteer, ident))

    def delete(self, area: str, volunteer: str, ident: int) -> None:
        self.session.delete(self._row(area, volunteer, ident))
        self.session.flush()

    def keep_roster_days(
        self, area: str, volunteer: str, ident: int, days: tuple[pendulum.Date, ...]
    ) -> None:
        row = self._row(area, volunteer, ident)
        row.roster_days = [d.isoformat() for d in days] or None
        self.session.add(row)
        self.session.flush()


def _record(row: AbsenceRow) -> AbsenceRecord:
    assert row.id is not None
    return AbsenceRecord(
        row.id, row.area_id, row.volunteer_id, pendulum.Date(row.first_day.year,
        row.first_day.month, row.first_day.day), pendulum.Date(row.last_day.year,
        row.last_day.month, row.last_day.day), row.start_minute, row.end_minute, row.reason,
        row.created_by, as_utc(row.created_at),
        tuple(pendulum.Date.fromisoformat(d) for d in row.roster_days or ()),
    )  # fmt: skip
