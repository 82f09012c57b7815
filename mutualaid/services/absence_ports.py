"""The port of volunteers' absences: the record and the repository that keeps them (apart
from `ports.py`, which holds the ports every use case shares)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pendulum


@dataclass(frozen=True)
class AbsenceRecord:
    id: int
    area: str
    volunteer: str
    first_day: pendulum.Date
    last_day: pendulum.Date
    start: int | None
    """Minute of each day the absence starts; None with `end` None: whole days."""
    end: int | None
    reason: str | None
    created_by: str
    created_at: pendulum.DateTime
    roster_days: tuple[pendulum.Date, ...] = ()
    """Its days the roster had marked unavailable already, before any other absence did:
    the coordinator's own, kept when the absence is deleted."""


class AbsenceRepository(Protocol):
    def add(
        self, area: str, volunteer: str, first_day: pendulum.Date, last_day: pendulum.Date,
        start: int | None, end: int | None, reason: str | None, by: str,
        roster_days: tuple[pendulum.Date, ...] = (),
    ) -> AbsenceRecord: ...  # fmt: skip
    def of(self, area: str, volunteer: str) -> list[AbsenceRecord]:
        """The volunteer's absences, earliest first."""
        ...

    def get(self, area: str, volunteer: str, ident: int) -> AbsenceRecord:
        """NotFoundError when the volunteer has no such absence."""
        ...

    def delete(self, area: str, volunteer: str, ident: int) -> None: ...

    def keep_roster_days(
        self, area: str, volunteer: str, ident: int, days: tuple[pendulum.Date, ...]
    ) -> None:
        """Set the absence's `roster_days`."""
        ...
