"""What the week, plan and assignment repositories share: the week rows of one session (a
lookup, not a repository), and the mapping of task and decline rows to what the ports speak."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import pendulum
from sqlmodel import Session, col, select

from mutualaid.adapters.base import maybe_utc
from mutualaid.adapters.tables import AreaRow, DeclineRow, TaskRow, WeekRow
from mutualaid.contract import export as contract
from mutualaid.contract.clock import clock_text
from mutualaid.contract.data import Json
from mutualaid.domain.lifecycle import Basis
from mutualaid.domain.model import DAYS
from mutualaid.domain.tasks import StoredTask
from mutualaid.domain.week import expanded, present_ids
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.ports import DeclineRecord, NotFoundError

ROSTER_KINDS = ("sites", "teams", "volunteers", "residents")


class WeekRows:
    """The week rows one session has read (weeks are never deleted): a read path that asks
    for the same week twice queries it once. Shared by the repositories of one unit of work,
    so none of them calls another to find a week."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[tuple[str, dt.date], WeekRow] = {}

    def row(self, area: str, week_start: dt.date, *, lock: bool = False) -> WeekRow:
        key = (area, monday_of(week_start))
        if not lock and key in self._rows:
            return self._rows[key]
        stmt = select(WeekRow).where(
            col(WeekRow.area_id) == area, col(WeekRow.week_start) == key[1]
        )
        if lock:
            # writers of one week queue here (PostgreSQL); SQLite's BEGIN IMMEDIATE already did
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        row = self.session.exec(stmt).first()
        if row is None:
            raise NotFoundError("week", f"{area}/{key[1].isoformat()}")
        self._rows[key] = row
        return row

    def lock(self, area: str, week_start: dt.date) -> None:
        """Take the week's write lock for the rest of the transaction: other writers of the
        week (a decline, a publish, a task edit) wait (a row lock on PostgreSQL; SQLite's
        BEGIN IMMEDIATE has already serialised every writer)."""
        self.row(area, week_start, lock=True)

    def by_id(self, week_id: int) -> WeekRow:
        row = self.session.get(WeekRow, week_id)
        assert row is not None
        return row

    def area(self, area: str) -> AreaRow:
        row = self.session.get(AreaRow, area)
        if row is None:
            raise NotFoundError("area", area)
        return row

    def task_ids(self, week: WeekRow) -> set[str]:
        """The ids the week's tasks stand for in plans, pins and declines (series expanded)."""
        stmt = select(TaskRow.id, TaskRow.every).where(TaskRow.week_id == week.id)
        return present_ids(self.session.exec(stmt))


def expanded_ids(row: TaskRow) -> list[str]:
    """The ids a task row stands for in plans, pins and declines (`t@mon` for a series)."""
    return expanded(row.id, row.every)


def written_ids(task: Any) -> list[str]:
    """The ids a task as sent stands for, however malformed it is."""
    if not isinstance(task, Mapping):
        return []
    ident = str(task.get("id", "")).strip()
    every = task.get("every")
    return [f"{ident}@{d}" for d in every] if isinstance(every, list) else [ident]


def monday_of(value: dt.date) -> dt.date:
    return dt.date(value.year, value.month, value.day)


def require_monday(value: dt.date) -> dt.date:
    monday = monday_of(value)
    if monday.weekday() != 0:
        weekday = msg(f"day_{DAYS[monday.weekday()]}")
        text = msg("not_monday", date=monday.isoformat(), weekday=weekday)
        raise ScenarioError([Problem("week_start", text)])
    return monday


def stored_task_values(area: str, zone: str, t: StoredTask, position: int) -> Json:
    """A stored task's row (the tasks table's columns, but its week's id): its needs,
    windows and series window in the contract's form, a fixed start in UTC."""
    start_at = windows = every = window = None
    if t.windows is not None:
        windows = [contract.block_of(b) for b in t.windows]
    elif t.start is not None:
        start_at = _utc(t.start, zone)
    else:
        every = list(t.every or ())
        lo, hi = t.window or (0, 0)
        window = {"from": clock_text(lo), "to": clock_text(hi)}
    return {
        "id": t.id, "position": position, "area_id": area, "title": t.title,
        "resident_id": t.resident, "site_id": t.site,
        "lat": None if t.location is None else t.location.lat,
        "lon": None if t.location is None else t.location.lon,
        "needs": [contract.need_of(n) for n in t.needs], "duration_minutes": t.duration_minutes,
        "windows": windows, "start_at": start_at,
        "start_zone": zone if start_at is not None else None, "every": every, "window": window,
        "priority": t.priority, "waited": t.waited, "vetted_only": t.vetted_only,
        "languages": list(t.languages),
    }  # fmt: skip


def _utc(local: dt.datetime, zone: str) -> pendulum.DateTime:
    """A local wall-clock time of `zone`, to the minute, in UTC."""
    at = pendulum.datetime(local.year, local.month, local.day, local.hour, local.minute, tz=zone)
    return at.in_timezone("UTC")


def week_id(week: WeekRow) -> int:
    assert week.id is not None
    return week.id


def decline_record(row: DeclineRow) -> DeclineRecord:
    return DeclineRecord(row.task_id, row.volunteer_id, row.reason, maybe_utc(row.declined_at))


def task_json(row: TaskRow) -> Json:
    out: Json = {"id": row.id, "title": row.title}
    if row.resident_id is not None:
        out["resident"] = row.resident_id
    elif row.site_id is not None:
        out["site"] = row.site_id
    else:
        out["location"] = {"lat": row.lat, "lon": row.lon}
    out["needs"] = row.needs
    out["duration_minutes"] = row.duration_minutes
    if row.windows is not None:
        out["windows"] = row.windows
    elif row.start_at is not None:
        local = pendulum.instance(row.start_at).in_timezone(row.start_zone or "UTC")
        out["start"] = local.strftime("%Y-%m-%dT%H:%M")
    else:
        out["every"] = row.every
        out["window"] = row.window
    out["priority"] = row.priority
    out["waited"] = row.waited
    out["vetted_only"] = row.vetted_only
    out["languages"] = row.languages
    return contract.task(out)


def fingerprint(data: Mapping[str, Any]) -> Basis:
    """The basis of a week exported as a scenario: a fingerprint of all but its declines (and
    expect), and the declined pairs."""
    kept = {k: v for k, v in data.items() if k not in ("declined", "expect")}
    text = json.dumps(kept, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    declined = sorted((str(d["task"]), str(d["volunteer"])) for d in data.get("declined") or ())
    return Basis(hashlib.sha256(text.encode("utf-8")).hexdigest()[:32], tuple(declined))
