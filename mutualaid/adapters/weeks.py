"""A week of an area: its tasks, pins, declines and history; whole scenarios in and out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import pendulum
from sqlalchemy import insert
from sqlmodel import Session, col, delete, func, select

from mutualaid.adapters.base import Repository, as_date, maybe_utc
from mutualaid.adapters.roster import SqlAreas, SqlRoster, raise_problems_under
from mutualaid.adapters.tables import (
    AreaRow,
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
    metadata,
)
from mutualaid.contract import export as contract
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import DAYS, Scenario
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.ports import (
    Clock,
    ConflictError,
    DeclineRecord,
    Json,
    NotFoundError,
    PreparedScenario,
    PreparedTasks,
    WeekRecord,
)

ROSTER_KINDS = ("sites", "teams", "volunteers", "residents")


def expanded_ids(row: TaskRow) -> list[str]:
    """The ids a task row stands for in plans, pins and declines (`t@mon` for a series)."""
    return _expand(row.id, row.every)


def _expand(ident: str, every: Sequence[str] | None) -> list[str]:
    return [f"{ident}@{d}" for d in every] if every else [ident]


class SqlWeeks(Repository):
    def __init__(
        self,
        session: Session,
        clock: Clock,
        areas: SqlAreas,
        roster: Mapping[str, SqlRoster[Any]],
    ) -> None:
        super().__init__(session, clock)
        self.areas = areas
        self.roster = roster
        self._bases: dict[tuple[str, dt.date], Json] = {}
        self._rows: dict[tuple[str, dt.date], WeekRow] = {}
        """Week rows this session has read (weeks are never deleted): a read path that asks
        for the same week twice queries it once."""

    # --- weeks ----------------------------------------------------------------------------

    def row(self, area: str, week_start: dt.date, *, lock: bool = False) -> WeekRow:
        key = (area, _monday(week_start))
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

    def ensure(
        self, area: str, week_start: dt.date, name: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> WeekRecord:  # fmt: skip
        """The week, created when missing; `name` and `settings` replace what is stored."""
        return self._record(self._ensure(area, week_start, name, settings))

    def _ensure(
        self, area: str, week_start: dt.date, name: str | None,
        settings: Mapping[str, Any] | None,
    ) -> WeekRow:  # fmt: skip
        area_row = self.areas.row(area)
        monday = _require_monday(week_start)
        now = self.now()
        self.insert_or_update(
            WeekRow,
            {
                "area_id": area,
                "week_start": monday,
                "name": name or f"{area_row.name} — week of {monday.isoformat()}",
                "settings": contract.settings(settings),
                "created_at": now,
                "updated_at": now,
            },
            ("area_id", "week_start"),
            keep=("name", "settings", "created_at", "updated_at"),
        )
        row = self.row(area, monday, lock=True)
        if name is not None:
            row.name = name
        if settings is not None:
            row.settings = contract.settings(settings)
        if name is not None or settings is not None:
            row.updated_at = now
        self.session.flush()
        return row

    def get(self, area: str, week_start: dt.date) -> WeekRecord:
        return self._record(self.row(area, week_start))

    def all(self, area: str) -> list[WeekRecord]:
        self.areas.row(area)
        stmt = select(WeekRow).where(WeekRow.area_id == area).order_by(col(WeekRow.week_start))
        return [self._record(r) for r in self.session.exec(stmt)]

    def _record(self, row: WeekRow) -> WeekRecord:
        area = self.areas.row(row.area_id)
        return WeekRecord(
            row.area_id, as_date(row.week_start), row.name, area.timezone, dict(row.settings)
        )

    # --- whole scenarios ------------------------------------------------------------------

    def import_scenario(
        self, area: str, data: Mapping[str, Any] | Scenario, *, validate: bool = True
    ) -> WeekRecord:
        """Store a scenario as the area's roster and the week's content.

        The scenario's sites, teams, volunteers and residents are upserted into the area's
        roster (others already there stay, listed after them); the week's name, settings,
        tasks, pins, declines, written history and expect are replaced. The area is created
        when missing (named by its id), in the scenario's zone. Raises ScenarioError when
        `data` is not a valid scenario, ConflictError when the area keeps another zone.
        """
        if validate and not isinstance(data, Scenario):
            build_scenario(data)
        return self.store_scenario(area, self.prepare_scenario(area, data))

    def prepare_scenario(self, area: str, data: Mapping[str, Any] | Scenario) -> PreparedScenario:
        """The slow half of import_scenario, for a read-only transaction before the write:
        the scenario (already checked) in canonical form and as rows, so the write
        transaction (`store_scenario`) only stores them. ConflictError when the area keeps
        another zone."""
        canonical = (
            contract.from_scenario(data) if isinstance(data, Scenario) else contract.scenario(data)
        )
        zone = canonical["timezone"]
        self._check_zone(area, zone)
        roster = {
            kind: [
                self.roster[kind].to_row(area, item, i) for i, item in enumerate(canonical[kind])
            ]
            for kind in ROSTER_KINDS
        }
        tasks = [_task_values(area, zone, t, i) for i, t in enumerate(canonical["tasks"])]
        week = {k: v for k, v in canonical.items() if k not in (*ROSTER_KINDS, "tasks")}
        return PreparedScenario(week, roster, tasks)

    def store_scenario(self, area: str, prepared: PreparedScenario) -> WeekRecord:
        """Store a prepared scenario (see import_scenario): the roster upserted in one
        statement per kind, the week's rows replaced by one executemany each."""
        canonical = prepared.week
        if not self._check_zone(area, canonical["timezone"]):
            self.areas.add(area, area, canonical["timezone"])
        week_start = dt.date.fromisoformat(canonical["week_start"])
        week = self._ensure(area, week_start, canonical["name"], canonical["settings"])
        week.expect = canonical.get("expect")
        for kind in ROSTER_KINDS:
            self.roster[kind].write_all(area, prepared.roster[kind])
        self._insert_tasks(week, prepared.tasks)
        pins = [
            {"task_id": str(pin["task"]), "volunteer_id": vid, "pin_position": i, "slot": slot}
            for i, pin in enumerate(canonical["pinned"])
            for slot, vid in enumerate(contract.unique(pin["volunteers"]))
        ]
        self._insert_rows(PinRow, week, pins)
        old = {(d.task_id, d.volunteer_id): d for d in self._decline_rows(week)}
        declines = []
        for i, d in enumerate(canonical["declined"]):
            before = old.get((d["task"], d["volunteer"]))
            declines.append(
                {
                    "task_id": d["task"],
                    "volunteer_id": d["volunteer"],
                    "position": i,
                    "reason": before.reason if before else None,
                    "declined_at": before.declined_at if before else None,
                }
            )
        self._insert_rows(DeclineRow, week, declines)
        history = [
            {"position": i, "resident_id": h["resident"], "volunteer_id": h["volunteer"]}
            for i, h in enumerate(canonical["history"])
        ]
        self._insert_rows(HistoryRow, week, history)
        self.session.expire_all()  # rows this session had loaded are stale now
        self._drop_dangling(week, {i for r in prepared.tasks for i in _expand(r["id"], r["every"])})
        return self._record(week)

    def _check_zone(self, area: str, zone: str) -> bool:
        """True when the area exists (in `zone`); ConflictError when it keeps another."""
        area_row = self.session.get(AreaRow, area)
        if area_row is None:
            return False
        if area_row.timezone != zone:
            raise ConflictError(msg("area_keeps_zone", area=area, zone=area_row.timezone, got=zone))
        return True

    def _insert_rows(self, model: type[Any], week: WeekRow, rows: Sequence[Json]) -> None:
        """The week's rows of `model` become `rows` (without week and area ids): one DELETE,
        one executemany."""
        self.session.flush()
        self.session.exec(delete(model).where(col(model.week_id) == week.id))
        if rows:
            table = metadata.tables[model.__tablename__]
            extra = {"week_id": _id(week), "area_id": week.area_id}
            self.session.connection().execute(insert(table), [{**r, **extra} for r in rows])

    def export_scenario(self, area: str, week_start: dt.date) -> Json:
        """The week as a contract scenario (canonical form, see `contract`), with the area's
        whole roster and the history written for it plus what the week before's published
        plan gave (pairs not already written)."""
        return self._export(area, self.row(area, week_start))

    def _export(self, area: str, week: WeekRow, *, tasks: bool = True) -> Json:
        """The week as a scenario; without its tasks (an empty list) unless `tasks`."""
        area_row = self.areas.row(area)
        out: Json = {
            "name": week.name,
            "timezone": area_row.timezone,
            "week_start": week.week_start.isoformat(),
            "settings": contract.settings(week.settings),
        }
        for kind in ROSTER_KINDS:
            out[kind] = self.roster[kind].all(area)
        out["tasks"] = [_task_json(r) for r in self._task_rows(week)] if tasks else []
        out["history"] = [{"resident": r, "volunteer": v} for r, v in self._history(area, week)]
        out["pinned"] = self._pinned(week)
        out["declined"] = [
            {"task": d.task_id, "volunteer": d.volunteer_id} for d in self._decline_rows(week)
        ]
        expect = contract.expect(week.expect)
        if expect is not None:
            out["expect"] = expect
        return out

    def load_scenario(self, area: str, week_start: dt.date) -> Scenario:
        """The week as a domain Scenario, to plan (raises ScenarioError if stored data no
        longer forms a valid scenario, e.g. a task that names a team since removed). Without
        its `expect` block: only replays read that, and it describes the week as imported."""
        data = self.export_scenario(area, week_start)
        data.pop("expect", None)
        self._bases[(area, _monday(week_start))] = _basis(data)
        return build_scenario(data)

    def basis(self, area: str, week_start: dt.date) -> Json:
        """What a plan of the week rests on: `week`, a fingerprint of the week and its area's
        roster without the declines, and `declined`, the declined pairs. A week whose
        fingerprint is the same and whose declines include these offers no option the plan
        did not have (see `mutualaid.services.plans.same_or_narrower`). That of the last
        `load_scenario` of the week in this session, else read now."""
        found = self._bases.get((area, _monday(week_start)))
        if found is None:
            data = self.export_scenario(area, week_start)
            data.pop("expect", None)
            found = _basis(data)
        return found

    # --- tasks ----------------------------------------------------------------------------

    def tasks(
        self, area: str, week_start: dt.date, idents: Collection[str] | None = None
    ) -> list[Json]:
        """The week's tasks in order; only those of `idents` (as written, a series once)
        when given."""
        week = self.row(area, week_start)
        if idents is None:
            return [_task_json(r) for r in self._task_rows(week)]
        stmt = (
            select(TaskRow)
            .where(TaskRow.week_id == week.id, col(TaskRow.id).in_(sorted(set(idents))))
            .order_by(col(TaskRow.position), col(TaskRow.id))
        )
        return [_task_json(r) for r in self.session.exec(stmt)]

    def get_task(self, area: str, week_start: dt.date, ident: str) -> Json:
        return _task_json(self._task_row(self.row(area, week_start), ident))

    def put_tasks(
        self, area: str, week_start: dt.date, tasks: Sequence[Mapping[str, Any]],
        *, validate: bool = True,
    ) -> list[Json]:  # fmt: skip
        """Replace all the week's tasks (the week is created when missing). Pins and declines
        of tasks no longer there are dropped. With `validate`, the week as it would be is
        checked by the loader first: ScenarioError with its paths (`tasks[3].needs`)."""
        return self.store_tasks(area, week_start, self._prepare(area, week_start, tasks, validate))

    def prepare_tasks(self, area: str, week_start: dt.date, tasks: Sequence[Any]) -> PreparedTasks:
        """The slow half of put_tasks, for a read-only transaction before the write: check
        the week as it would be (ScenarioError with the loader's paths, `tasks[3].needs`)
        and build the rows, so the write transaction (`store_tasks`) stays short."""
        return self._prepare(area, week_start, tasks, True)

    def _prepare(
        self, area: str, week_start: dt.date, tasks: Sequence[Any], validate: bool
    ) -> PreparedTasks:
        zone = self.areas.row(area).timezone
        week = self._row_or_new(area, week_start)
        stamp = self._stamp(area, week)
        if validate:
            self._check_in(self._export(area, week, tasks=False), list(tasks), None)
        canonical = [contract.task(t) for t in tasks]
        rows = [_task_values(area, zone, t, i) for i, t in enumerate(canonical)]
        # as they will read: a fixed start goes through its zone (a time that does not exist
        # there, in a DST gap, reads as the time it becomes); the rest is canonical already
        out = [
            _task_json(SimpleNamespace(**r)) if "start" in t else t
            for t, r in zip(canonical, rows, strict=True)
        ]
        return PreparedTasks(out, rows, stamp)

    def store_tasks(self, area: str, week_start: dt.date, prepared: PreparedTasks) -> list[Json]:
        """Replace the week's tasks with prepared ones (the week is created when missing);
        pins and declines of tasks no longer there are dropped. When the roster or the week
        changed since they were checked, they are checked again first."""
        week = self._ensure(area, week_start, None, None)
        if self._stamp(area, week) != prepared.stamp:
            self._check_in(self._export(area, week, tasks=False), prepared.tasks, None)
        self._insert_tasks(week, prepared.rows)
        self._drop_dangling(week, {i for r in prepared.rows for i in _expand(r["id"], r["every"])})
        week.updated_at = self.now()
        self.session.flush()
        return prepared.tasks

    def _row_or_new(self, area: str, week_start: dt.date) -> WeekRow:
        """The stored week, or (not added to the session) the one `ensure` would create."""
        try:
            return self.row(area, week_start)
        except NotFoundError:
            monday = _require_monday(week_start)
            now = self.now()
            return WeekRow(
                area_id=area,
                week_start=monday,
                name=f"{self.areas.row(area).name} — week of {monday.isoformat()}",
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

    def put_task(
        self, area: str, week_start: dt.date, task: Mapping[str, Any], *, validate: bool = True
    ) -> tuple[Json, bool]:
        """Store one task (new ones go last); True when it is new. With `validate`, as
        put_tasks, with paths relative to the task (`needs[0].count`)."""
        return self.store_task(
            area, week_start, self._prepare_one(area, week_start, task, validate)
        )

    def prepare_task(self, area: str, week_start: dt.date, task: Any) -> PreparedTasks:
        """As prepare_tasks, for one task of the week (paths relative to it)."""
        return self._prepare_one(area, week_start, task, True)

    def _prepare_one(
        self, area: str, week_start: dt.date, task: Any, validate: bool
    ) -> PreparedTasks:
        zone = self.areas.row(area).timezone
        week = self._row_or_new(area, week_start)
        stamp = self._stamp(area, week, tasks=True)
        if validate:
            self._check_one(self._export(area, week), task)
        canonical = contract.task(task)
        row = _task_values(area, zone, canonical, 0)  # its position is decided when stored
        answer = _task_json(SimpleNamespace(**row)) if "start" in canonical else canonical
        return PreparedTasks([answer], [row], stamp)

    def store_task(
        self, area: str, week_start: dt.date, prepared: PreparedTasks
    ) -> tuple[Json, bool]:
        """Store one prepared task (new ones go last); True when it is new. Checked again
        first when the week or its roster changed since it was prepared."""
        week = self._ensure(area, week_start, None, None)
        [values], [answer] = prepared.rows, prepared.tasks
        if self._stamp(area, week, tasks=True) != prepared.stamp:
            self._check_one(self._export(area, week), answer)
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
        self.session.add(TaskRow(week_id=_id(week), **{**values, "position": position}))
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
        ids = {i for t in tasks for i in _written_ids(t)}
        candidate["pinned"] = [p for p in candidate["pinned"] if p["task"] in ids]
        candidate["declined"] = [d for d in candidate["declined"] if d["task"] in ids]
        candidate.pop("expect", None)  # only replays read it
        raise_problems_under(candidate, focus, others=True)

    def task_ids(self, week: WeekRow) -> set[str]:
        """The ids the week's tasks stand for in plans, pins and declines (series expanded)."""
        stmt = select(TaskRow.id, TaskRow.every).where(TaskRow.week_id == week.id)
        return {i for ident, every in self.session.exec(stmt) for i in _expand(ident, every)}

    def _task_rows(self, week: WeekRow) -> list[TaskRow]:
        stmt = (
            select(TaskRow)
            .where(TaskRow.week_id == week.id)
            .order_by(col(TaskRow.position), col(TaskRow.id))
            .execution_options(populate_existing=True)
        )
        return list(self.session.exec(stmt))

    def _task_row(self, week: WeekRow, ident: str) -> TaskRow:
        row = self.session.get(TaskRow, (week.id, ident))
        if row is None:
            raise NotFoundError("task", ident)
        return row

    def _replace_tasks(self, week: WeekRow, tasks: Sequence[Json]) -> None:
        zone = self.areas.row(week.area_id).timezone
        self._insert_tasks(
            week, [_task_values(week.area_id, zone, t, i) for i, t in enumerate(tasks)]
        )

    def _insert_tasks(self, week: WeekRow, rows: Sequence[Json]) -> None:
        """The week's tasks become `rows`: one DELETE, one executemany (not an ORM object
        per task: a district week has thousands)."""
        self.session.flush()
        self.session.exec(delete(TaskRow).where(col(TaskRow.week_id) == week.id))
        if rows:
            week_id = _id(week)
            table = metadata.tables[TaskRow.__tablename__]  # Core: one cursor.executemany
            self.session.connection().execute(
                insert(table), [{**r, "week_id": week_id} for r in rows]
            )
        self.session.expire_all()  # task rows this session had loaded are stale now

    def _drop_dangling(self, week: WeekRow, ids: set[str] | None = None) -> int:
        """After the week's tasks changed: drop pins, declines and `expect` entries of tasks
        no longer there, and withdraw their assignments in the published plan (whatever the
        answer was: the task is gone; the audit log keeps the answers). Withdrawn stays
        withdrawn when a task of the same id comes back: that is a new request, for the next
        plan. The number of assignments withdrawn. `ids`: the week's task ids (expanded),
        when the caller knows them."""
        if ids is None:
            ids = self.task_ids(week)
        for model in (PinRow, DeclineRow):
            table: Any = model
            self.session.exec(
                delete(model).where(
                    col(table.week_id) == week.id, col(table.task_id).not_in(ids or {""})
                )
            )
        if week.expect:
            week.expect = _expect_of(week.expect, ids)
        # the published plan's only: another plan's rows are seen by no one, and a plan
        # published later is checked against the week then (a task re-added meanwhile keeps
        # its rows pending there)
        gone = self.session.exec(
            select(AssignmentRow)
            .join(PlanRow, col(PlanRow.id) == col(AssignmentRow.plan_id))
            .where(
                col(AssignmentRow.week_id) == week.id,
                col(PlanRow.published_at).is_not(None),
                col(AssignmentRow.task_id).not_in(ids or {""}),
                col(AssignmentRow.state) != "withdrawn",
            )
        ).all()
        for row in gone:
            row.state, row.responded_at = "withdrawn", self.now()
        self.session.flush()
        return len(gone)

    def published_tasks(self, area: str, week_start: dt.date) -> dict[str, int]:
        """How many assignments of each task the week's published plan gives that are not
        withdrawn (none when there is no such week or plan)."""
        stmt = (
            select(AssignmentRow.task_id, func.count())
            .join(PlanRow, col(PlanRow.id) == col(AssignmentRow.plan_id))
            .join(WeekRow, col(WeekRow.id) == col(AssignmentRow.week_id))
            .where(
                col(WeekRow.area_id) == area,
                col(WeekRow.week_start) == _monday(week_start),
                col(PlanRow.published_at).is_not(None),
                col(AssignmentRow.state) != "withdrawn",
            )
            .group_by(col(AssignmentRow.task_id))
        )
        return {task: int(n) for task, n in self.session.exec(stmt)}

    # --- pins, declines, history ----------------------------------------------------------

    def set_pinned(
        self, area: str, week_start: dt.date, pinned: Sequence[Mapping[str, Any]]
    ) -> None:
        week = self.row(area, week_start, lock=True)
        self._replace_pins(week, [dict(p) for p in pinned])
        self.session.flush()

    def _replace_pins(self, week: WeekRow, pinned: Sequence[Mapping[str, Any]]) -> None:
        self.session.exec(delete(PinRow).where(col(PinRow.week_id) == week.id))
        for i, pin in enumerate(pinned):
            for slot, vid in enumerate(contract.unique(pin["volunteers"])):
                self.session.add(
                    PinRow(
                        week_id=_id(week),
                        task_id=str(pin["task"]),
                        volunteer_id=vid,
                        area_id=week.area_id,
                        pin_position=i,
                        slot=slot,
                    )
                )
        self.session.flush()

    def _pinned(self, week: WeekRow) -> list[Json]:
        stmt = (
            select(PinRow)
            .where(PinRow.week_id == week.id)
            .order_by(col(PinRow.pin_position), col(PinRow.slot))
        )
        out: dict[str, list[str]] = {}
        for pin in self.session.exec(stmt):
            out.setdefault(pin.task_id, []).append(pin.volunteer_id)
        return [{"task": t, "volunteers": v} for t, v in out.items()]

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
        return _decline(row)

    def declines(self, area: str, week_start: dt.date) -> list[DeclineRecord]:
        return [_decline(r) for r in self._decline_rows(self.row(area, week_start))]

    def _decline_rows(self, week: WeekRow) -> list[DeclineRow]:
        stmt = (
            select(DeclineRow)
            .where(DeclineRow.week_id == week.id)
            .order_by(col(DeclineRow.position), col(DeclineRow.task_id))
            .execution_options(populate_existing=True)
        )
        return list(self.session.exec(stmt))

    def history(self, area: str, week_start: dt.date) -> list[tuple[str, str]]:
        """(resident, volunteer) pairs: those written for the week, then those of the week
        before's published plan (its assignments not declined or withdrawn, at a resident's
        home)."""
        return self._history(area, self.row(area, week_start))

    def _history(self, area: str, week: WeekRow) -> list[tuple[str, str]]:
        written = self.session.exec(
            select(HistoryRow)
            .where(HistoryRow.week_id == week.id)
            .order_by(col(HistoryRow.position))
        )
        pairs = [(h.resident_id, h.volunteer_id) for h in written]
        before = week.week_start - dt.timedelta(days=7)
        residents = set(
            self.session.exec(select(ResidentRow.id).where(ResidentRow.area_id == area))
        )
        derived = self.session.exec(
            select(AssignmentRow.resident_id, AssignmentRow.volunteer_id)
            .join(PlanRow, col(PlanRow.id) == col(AssignmentRow.plan_id))
            .join(WeekRow, col(WeekRow.id) == col(PlanRow.week_id))
            .where(
                col(WeekRow.area_id) == area,
                col(WeekRow.week_start) == before,
                col(PlanRow.published_at).is_not(None),
                col(AssignmentRow.state).not_in(("declined", "withdrawn")),
                col(AssignmentRow.resident_id).is_not(None),
            )
            .order_by(col(AssignmentRow.start_at), col(AssignmentRow.id))
        )
        for resident, volunteer in derived:
            if resident is not None and resident in residents:
                pairs.append((resident, volunteer))
        return list(dict.fromkeys(pairs))


def _written_ids(task: Any) -> list[str]:
    """The ids a task as sent stands for, however malformed it is."""
    if not isinstance(task, Mapping):
        return []
    ident = str(task.get("id", "")).strip()
    every = task.get("every")
    return [f"{ident}@{d}" for d in every] if isinstance(every, list) else [ident]


def _monday(value: dt.date) -> dt.date:
    return dt.date(value.year, value.month, value.day)


def _require_monday(value: dt.date) -> dt.date:
    monday = _monday(value)
    if monday.weekday() != 0:
        weekday = msg(f"day_{DAYS[monday.weekday()]}")
        text = msg("not_monday", date=monday.isoformat(), weekday=weekday)
        raise ScenarioError([Problem("week_start", text)])
    return monday


def _task_values(area: str, zone: str, task: Json, position: int) -> Json:
    """A task's row (canonical task in, the tasks table's columns out, but its week's id)."""
    start_at = None
    if "start" in task:
        local = dt.datetime.fromisoformat(task["start"])
        start_at = pendulum.datetime(
            local.year, local.month, local.day, local.hour, local.minute, tz=zone
        ).in_timezone("UTC")
    location = task.get("location") or {}
    return {
        "id": task["id"],
        "position": position,
        "area_id": area,
        "title": task["title"],
        "resident_id": task.get("resident"),
        "site_id": task.get("site"),
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "needs": task["needs"],
        "duration_minutes": task["duration_minutes"],
        "windows": task.get("windows"),
        "start_at": start_at,
        "start_zone": zone if start_at is not None else None,
        "every": task.get("every"),
        "window": task.get("window"),
        "priority": task["priority"],
        "waited": task["waited"],
        "vetted_only": task["vetted_only"],
        "languages": task["languages"],
    }


def _id(week: WeekRow) -> int:
    assert week.id is not None
    return week.id


def _decline(row: DeclineRow) -> DeclineRecord:
    return DeclineRecord(row.task_id, row.volunteer_id, row.reason, maybe_utc(row.declined_at))


def _task_json(row: TaskRow | SimpleNamespace) -> Json:
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


def _expect_of(value: Mapping[str, Any], ids: set[str]) -> Json:
    """The stored `expect` block without the tasks no longer in the week (a served or
    unserved task deleted since the import would make the exported scenario invalid)."""
    out: Json = dict(value)
    out["served"] = [t for t in value.get("served") or () if t in ids]
    out["unserved"] = {t: r for t, r in (value.get("unserved") or {}).items() if t in ids}
    return out


def _basis(data: Mapping[str, Any]) -> Json:
    kept = {k: v for k, v in data.items() if k not in ("declined", "expect")}
    text = json.dumps(kept, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    declined = sorted([str(d["task"]), str(d["volunteer"])] for d in data.get("declined") or ())
    return {"week": hashlib.sha256(text.encode("utf-8")).hexdigest()[:32], "declined": declined}
