"""What every repository shares: its session and clock, time conversion, upserts, savepoints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pendulum
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from mutualaid.services.ports import Clock


def utc_now() -> pendulum.DateTime:
    return pendulum.now("UTC")


def as_date(value: dt.date) -> pendulum.Date:
    return pendulum.Date(value.year, value.month, value.day)


def as_utc(value: dt.datetime) -> pendulum.DateTime:
    """An aware time from the database (UTCDateTime gives pendulum already) as pendulum UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return pendulum.instance(value).in_timezone("UTC")


def maybe_utc(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else as_utc(value)


class Repository:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def now(self) -> pendulum.DateTime:
        return self.clock().in_timezone("UTC")

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def insert_or_update(
        self, model: type[SQLModel], values: Mapping[str, Any], keys: tuple[str, ...],
        keep: tuple[str, ...] = (),
    ) -> None:  # fmt: skip
        """INSERT, or UPDATE the row with these keys (all columns but `keys` and `keep`),
        in one statement, so concurrent writers of one id neither fail nor duplicate."""
        dialect = postgresql if self.dialect == "postgresql" else sqlite
        stmt = dialect.insert(model).values(**values)
        changed = {k: stmt.excluded[k] for k in values if k not in keys and k not in keep}
        if changed:
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=changed)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        self.session.exec(stmt)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an IntegrityError inside undoes only this part, so the
        caller's transaction (and what it did before) stays usable."""
        nested = self.session.begin_nested()
        try:
            yield
            self.session.flush()
        except BaseException:
            nested.rollback()  # also when the failed flush already deactivated it
            raise
        nested.commit()
