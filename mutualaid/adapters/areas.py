"""Areas (sub-districts): an id, a name and a time zone that never changes once set."""

from __future__ import annotations

import pendulum
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from mutualaid.adapters.base import Repository
from mutualaid.adapters.db import is_unique_violation
from mutualaid.adapters.tables import AreaRow
from mutualaid.messages import msg
from mutualaid.services.ports import AreaRecord, ConflictError, NotFoundError


class SqlAreas(Repository):
    def create(self, ident: str, name: str, timezone: str) -> AreaRecord:
        """A new area: one INSERT, so of two creations of one id at the same moment one
        fails (ConflictError) instead of both being told they created it."""
        pendulum.timezone(timezone)  # raises on an unknown zone
        row = AreaRow(id=ident, name=name, timezone=timezone, created_at=self.now())
        try:
            with self.savepoint():
                self.session.add(row)
        except IntegrityError as err:
            if not is_unique_violation(err):
                raise
            raise ConflictError(msg("already_exists", kind=msg("kind_area"), id=ident)) from None
        return _area(row)

    def add(self, ident: str, name: str, timezone: str) -> AreaRecord:
        """Create the area, or rename it; its zone cannot change once set."""
        pendulum.timezone(timezone)  # raises on an unknown zone
        row = self.session.get(AreaRow, ident)
        if row is None:
            row = AreaRow(id=ident, name=name, timezone=timezone, created_at=self.now())
            self.session.add(row)
        elif row.timezone != timezone:
            raise ConflictError(msg("area_keeps_zone", area=ident, zone=row.timezone, got=timezone))
        else:
            row.name = name
        self.session.flush()
        return _area(row)

    def get(self, ident: str) -> AreaRecord:
        return _area(self.row(ident))

    def row(self, ident: str) -> AreaRow:
        row = self.session.get(AreaRow, ident)
        if row is None:
            raise NotFoundError("area", ident)
        return row

    def set_fairness(self, ident: str, across_weeks: bool) -> AreaRecord:
        row = self.row(ident)
        row.fairness_across_weeks = across_weeks
        self.session.flush()
        return _area(row)

    def all(self) -> list[AreaRecord]:
        return [_area(r) for r in self.session.exec(select(AreaRow).order_by(col(AreaRow.id)))]


def _area(row: AreaRow) -> AreaRecord:
    return AreaRecord(row.id, row.name, row.timezone, row.fairness_across_weeks)
