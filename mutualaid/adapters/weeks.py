"""A week of an area: its tasks (checked against the week and its roster before they are
stored), pins, declines and history. Its content and whole scenarios: `scenarios.WeekContent`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlmodel import col, func, select

from mutualaid.adapters.scenarios import WeekContent
from mutualaid.adapters.tables import (
    AssignmentRow,
    DeclineRow,
    HistoryRow,
    PinRow,
    PlanRow,
    ResidentRow,
    SiteRow,
    TaskRow,
    TeamRow,
    VolunteerRow,
    WeekRow,
)
from mutualaid.adapters.weekrows import (
    decline_record,
    monday_of,
    require_monday,
    stored_task_values,
    task_json,
    week_id,
    written_ids,
)
from mutualaid.contract import export as contract
from mutualaid.contract.data import Json
from mutualaid.contract.roster import raise_problems_under
from mutualaid.domain.tasks import SentTask, StoredTask
from mutualaid.domain.week import present_ids
from mutualaid.services.ports import DeclineRecord, NotFoundError, PreparedTasks

__all__ = ["SqlWeeks"]


class SqlWeeks(WeekContent):
    # --- tasks ----------------------------------------------------------------------------

    def tasks(
        self, area: str, week_start: dt.date, idents: Collection[str] | None = None
    ) -> list[StoredTask]:
        """The week's tasks in order; only those of `idents` (as written, a series once)
        when given."""
        week = self.row(area, week_start)
        if idents is None:
            return [contract.stored_task(task_json(r)) for r in self._task_rows(week)]
        stmt = (
            select(TaskRow)
            .where(TaskRow.week_id == week.id, col(TaskRow.id).in_(sorted(set(idents))))
            .order_by(col(TaskRow.position), col(TaskRow.id))
        )
        return [contract.stored_task(task_json(r)) for r in self.session.exec(stmt)]

    def get_task(self, area: str, week_start: dt.date, ident: str) -> StoredTask:
        return contract.stored_task(task_json(self._task_row(self.row(area, week_start), ident)))

    def prepare_tasks(
        self, area: str, week_start: dt.date, tasks: Sequence[StoredTask | SentTask]
    ) -> PreparedTasks:
        """The slow half of put_tasks, for a read-only transaction before the write: check
        the week as it would be (ScenarioError with the loader's paths, `tasks[3].needs`)
        and read the tasks, so the write transaction (`store_tasks`) stays short."""
        week = self._row_or_new(area, week_start)
        stamp = self._stamp(area, week)
        self._check_in(self._export(area, week, tasks=False), [_checked(t) for t in tasks], None)
        out = [t if isinstance(t, StoredTask) else _read(t) for t in tasks]
        return PreparedTasks(out, stamp, tuple(tasks))

    def store_tasks(
        self, area: str, week_start: dt.date, prepared: PreparedTasks
    ) -> list[StoredTask]:
        """Replace the week's tasks with prepared ones (the week is created when missing);
        pins and declines of tasks no longer there are dropped. When the roster or the week
        changed since they were checked, they are checked again first."""
        week = self._ensure(area, week_start, None, None)
        if self._stamp(area, week) != prepared.stamp:
            checked = [_checked(t) for t in prepared.sent]
            self._check_in(self._export(area, week, tasks=False), checked, None)
        zone = self.weeks.area(area).timezone
        rows = [stored_task_values(area, zone, t, i) for i, t in enumerate(prepared.tasks)]
        self._insert_tasks(week, rows)
        self._drop_dangling(week, present_ids((t.id, t.every) for t in prepared.tasks))
        week.updated_at = self.now()
        self.session.flush()
        return prepared.tasks

    def _row_or_new(self, area: str, week_start: dt.date) -> WeekRow:
        """The stored week, or (not added to the session) the one `ensure` would create."""
        try:
            return self.row(area, week_start)
        except NotFoundError:
            monday = require_monday(week_start)
            now = self.now()
            return WeekRow(
                area_id=area,
                week_start=monday,
                name=f"{self.weeks.area(area).name} — week of {monday.isoformat()}",
                settings=contract.settings(None),
                created_at=now,
                updated_at=now,
            )

    def _stamp(self, area: str, week: WeekRow, *, tasks: bool = False) -> str:
        """A fingerprint of what checking the week's tasks reads besides them: the area's
        roster and the week's settings, pins, declines and written history (raw rows, one
        query each, no objects built); with `tasks`, the ids, places and series of its
        tasks (what checking one task among them reads of the others)."""
        self.session.flush()
        digest = hashlib.sha256(repr(week.settings).encode("utf-8"))
        if tasks and week.id is not None:
            listed = select(TaskRow.id, TaskRow.position, TaskRow.every).where(
                TaskRow.week_id == week.id
            )
            for row in self.session.connection().execute(listed.order_by(col(TaskRow.id))):
                digest.update(repr(tuple(row)).encode("utf-8"))
        tables: list[tuple[Any, bool]] = [
            (SiteRow, False), (TeamRow, False), (VolunteerRow, False), (ResidentRow, False),
            (PinRow, True), (DeclineRow, True), (HistoryRow, True),
        ]  # fmt: skip
        for model, of_week in tables:
            table = model.__table__
            if of_week and week.id is None:
                continue
            where = table.c.week_id == week.id if of_week else table.c.area_id == area
            stmt = select(table).where(where).order_by(*table.primary_key.columns)
            for row in self.session.connection().execute(stmt):
                digest.update(repr(tuple(row)).encode("utf-8"))
        return digest.hexdigest()

    def prepare_task(self, area: str, week_start: dt.date, task: SentTask) -> PreparedTasks:
        """As prepare_tasks, for one task of the week (paths relative to it)."""
        week = self._row_or_new(area, week_start)
        stamp = self._stamp(area, week, tasks=True)
        self._check_one(self._export(area, week), task.value)
        return PreparedTasks([_read(task)], stamp, (task,))

    def store_task(
        self, area: str, week_start: dt.date, prepared: PreparedTasks
    ) -> tuple[StoredTask, bool]:
        """Store one prepared task (new ones go last); True when it is new. Checked again
        first when the week or its roster changed since it was prepared."""
        week = self._ensure(area, week_start, None, None)
        [answer], [sent] = prepared.tasks, prepared.sent
        zone = self.weeks.area(area).timezone
        values = stored_task_values(area, zone, answer, 0)  # its position: below
        if self._stamp(area, week, tasks=True) != prepared.stamp:
            self._check_one(self._export(area, week), _checked(sent))
        existing = self.session.get(TaskRow, (week.id, values["id"]))
        if existing is not None:
            position = existing.position
            self.session.delete(existing)
            self.session.flush()
        else:
            top = self.session.exec(
                select(func.max(TaskRow.position)).where(TaskRow.week_id == week.id)
            ).first()
            position = 0 if top is None else int(top) + 1
        self.session.add(TaskRow(week_id=week_id(week), **{**values, "position": position}))
        self._drop_dangling(week)
        week.updated_at = self.now()
        self.session.flush()
        return answer, existing is None

    def _check_one(self, candidate: Json, task: Any) -> None:
        """Check `task` put into the exported week (in its place when its id is there)."""
        tasks: list[Any] = candidate["tasks"]
        ident = task.get("id") if isinstance(task, Mapping) else None
        index = next((i for i, t in enumerate(tasks) if t["id"] == ident), len(tasks))
        tasks[index : index + 1] = [task]
        self._check_in(candidate, tasks, f"tasks[{index}]")

    def delete_task(self, area: str, week_start: dt.date, ident: str) -> int:
        """Delete the task; the number of its published assignments withdrawn."""
        week = self.row(area, week_start, lock=True)
        self.session.delete(self._task_row(week, ident))
        self.session.flush()
        withdrawn = self._drop_dangling(week)
        week.updated_at = self.now()
        self.session.flush()
        return withdrawn

    def _check_in(self, candidate: Json, tasks: list[Any], focus: str | None) -> None:
        candidate["tasks"] = tasks
        ids = {i for t in tasks for i in written_ids(t)}
        candidate["pinned"] = [p for p in candidate["pinned"] if p["task"] in ids]
        candidate["declined"] = [d for d in candidate["declined"] if d["task"] in ids]
        candidate.pop("expect", None)  # only replays read it
        raise_problems_under(candidate, focus, others=True)

    def _task_row(self, week: WeekRow, ident: str) -> TaskRow:
        row = self.session.get(TaskRow, (week.id, ident))
        if row is None:
            raise NotFoundError("task", ident)
        return row

    def published_tasks(self, area: str, week_start: dt.date) -> dict[str, int]:
        """How many assignments of each task the week's published plan gives that are not
        withdrawn (none when there is no such week or plan)."""
        stmt = (
            select(AssignmentRow.task_id, func.count())
            .join(PlanRow, col(PlanRow.id) == col(AssignmentRow.plan_id))
            .join(WeekRow, col(WeekRow.id) == col(AssignmentRow.week_id))
            .where(
                col(WeekRow.area_id) == area,
                col(WeekRow.week_start) == monday_of(week_start),
                col(PlanRow.published_at).is_not(None),
                col(AssignmentRow.state) != "withdrawn",
            )
            .group_by(col(AssignmentRow.task_id))
        )
        return {task: int(n) for task, n in self.session.exec(stmt)}

    # --- pins, declines, history ----------------------------------------------------------

    def add_decline(
        self, area: str, week_start: dt.date, task: str, volunteer: str,
        reason: str | None = None,
    ) -> DeclineRecord:  # fmt: skip
        """Record that `volunteer` said no to `task` (an expanded id for a series); a second
        decline of the same pair keeps the first."""
        week = self.row(area, week_start, lock=True)
        top = self.session.exec(
            select(func.max(DeclineRow.position)).where(DeclineRow.week_id == week.id)
        ).first()
        self.insert_or_update(
            DeclineRow,
            {
                "week_id": week.id,
                "task_id": task,
                "volunteer_id": volunteer,
                "area_id": area,
                "position": 0 if top is None else int(top) + 1,
                "reason": reason,
                "declined_at": self.now(),
            },
            ("week_id", "task_id", "volunteer_id"),
            keep=("area_id", "position", "reason", "declined_at"),
        )
        row = self.session.exec(
            select(DeclineRow)
            .where(
                DeclineRow.week_id == week.id,
                DeclineRow.task_id == task,
                DeclineRow.volunteer_id == volunteer,
            )
            .execution_options(populate_existing=True)
        ).one()
        return decline_record(row)

    def declines(self, area: str, week_start: dt.date) -> list[DeclineRecord]:
        return [decline_record(r) for r in self._decline_rows(self.row(area, week_start))]

    def history(self, area: str, week_start: dt.date) -> list[tuple[str, str]]:
        """(resident, volunteer) pairs: those written for the week, then those of the week
        before's published plan (its assignments not declined or withdrawn, at a resident's
        home)."""
        return self._history(area, self.row(area, week_start))


def _read(task: SentTask) -> StoredTask:
    """A task as sent, checked by the loader, as it will read once stored (a fixed start
    reads back as written: the loader refuses one in a DST gap, and one in the hour that
    comes twice is kept as its first)."""
    assert isinstance(task.value, Mapping)
    return contract.stored_task(task.value)


def _checked(task: StoredTask | SentTask) -> Any:
    """The task as the loader checks it: as it was sent, a stored one in the contract's form."""
    return contract.stored_task_json(task) if isinstance(task, StoredTask) else task.value
