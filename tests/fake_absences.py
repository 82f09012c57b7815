"""Volunteers' absences in memory, for the use cases' tests on FakeUnitOfWork (the SQL
repository is `mutualaid.adapters.absences`; tests/adapters/test_fakes_agree.py runs both)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pendulum

from mutualaid.services.absence_ports import AbsenceRecord
from mutualaid.services.ports import NotFoundError


@dataclass
class AbsenceState:
    records: dict[int, AbsenceRecord] = field(default_factory=dict)
    counter: int = 0


@dataclass
class FakeAbsences:
    store: Any
    """A tests.fakes.FakeStore (its state holds `absence_state`)."""

    @property
    def _s(self) -> AbsenceState:
        state: AbsenceState = self.store.state.absence_state
        return state

    def add(
        self, area: str, volunteer: str, first_day: pendulum.Date, last_day: pendulum.Date,
        start: int | None, end: int | None, reason: str | None, by: str,
        roster_days: tuple[pendulum.Date, ...] = (),
    ) -> AbsenceRecord:  # fmt: skip
        self._s.counter += 1
        made = AbsenceRecord(self._s.counter, area, volunteer, first_day, last_day, start, end,
                             reason, by, self.store.clock(), roster_days)  # fmt: skip
        self._s.records[made.id] = made
        return made

    def of(self, area: str, volunteer: str) -> list[AbsenceRecord]:
        mine = [a for a in self._s.records.values() if (a.area, a.volunteer) == (area, volunteer)]
        return sorted(mine, key=lambda a: (a.first_day, a.id))

    def get(self, area: str, volunteer: str, ident: int) -> AbsenceRecord:
        found = self._s.records.get(ident)
        if found is None or (found.area, found.volunteer) != (area, volunteer):
            raise NotFoundError("absence", ident)
        return found

    def delete(self, area: str, volunteer: str, ident: int) -> None:
        self.get(area, volunteer, ident)
        del self._s.records[ident]

    def keep_roster_days(
        self, area: str, volunteer: str, ident: int, days: tuple[pendulum.Date, ...]
    ) -> None:
        found = self.get(area, volunteer, ident)
        self._s.records[ident] = replace(found, roster_days=days)
