"""A week's content as the week repository stores it: its record, its rows of tasks, pins,
declines and history, and whole scenarios in and out (import, export, the built week, its
fingerprint and version). `SqlWeeks` (weeks.py) adds the use cases' finer writes."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import String, insert, type_coerce
from sqlmodel import Session, col, delete, select

from mutualaid.adapters.base import Repository, as_date
from mutualaid.adapters.roster import SqlAreas, SqlRoster
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
from mutualaid.adapters.weekrows import (
    ROSTER_KINDS,
    WeekRows,
    fingerprint,
    monday_of,
    require_monday,
    stored_task_values,
    task_json,
    week_id,
)
from mutualaid.contract import export as contract
from mutualaid.contract.data import Json
from mutualaid.contract.scenario import build_scenario
from mutualaid.contract.written import written, written_json
from mutualaid.domain.lifecycle import WITHDRAWN, Basis
from mutualaid.domain.model import Scenario
from mutualaid.domain.week import WrittenWeek, expanded, expect_without, history, inherits
from mutualaid.messages import msg
from mutualaid.services.ports import (
    Clock,
    ConflictError,
    PreparedScenario,
    WeekRecord,
)


class WeekContent(Repository):
    def __init__(
        self,
        session: Session,
        clock: Clock,
        weeks: WeekRows,
        areas: SqlAreas,
        roster: Mapping[str, SqlRoster[Any, Any]],
    ) -> None:
        super().__init__(session, clock)
        self.weeks = weeks
        self.areas = areas
        self.roster = roster
        self._bases: dict[tuple[str, dt.date], Basis] = {}

    def row(self, area: str, week_start: dt.date, *, lock: bool = False) -> WeekRow:
        return self.weeks.row(area, week_start, lock=lock)

    def lock(self, area: str, week_start: dt.date) -> None:
        self.weeks.lock(area, week_start)

    def task_ids(self, week: WeekRow) -> set[str]:
        return self.weeks.task_ids(week)

    # --- weeks ----------------------------------------------------------------------------

    def _ensure(
        self, area: str, week_start: dt.date, name: str | None,
        settings: Mapping[str, Any] | None,
    ) -> WeekRow:  # fmt: skip
        area_row = self.weeks.area(area)
        monday = require_monday(week_start)
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
        self.weeks.area(area)
        stmt = select(WeekRow).where(WeekRow.area_id == area).order_by(col(WeekRow.week_start))
        return [self._record(r) for r in self.session.exec(stmt)]

    def _record(self, row: WeekRow) -> WeekRecord:
        area = self.weeks.area(row.area_id)
        return WeekRecord(
            row.area_id,
            as_date(row.week_start),
            row.name,
            area.timezone,
            contract.settings_of(row.settings),
        )

    # --- whole scenarios ------------------------------------------------------------------

    def prepare_scenario(self, area: str, week: WrittenWeek) -> PreparedScenario:
        """For a read-only transaction before the write: ConflictError when the area keeps
        another zone than the week's (already checked)."""
        self._check_zone(area, week.timezone)
        return PreparedScenario(week)

    def store_scenario(self, area: str, prepared: PreparedScenario) -> WeekRecord:
        """Store a prepared scenario (see import_scenario): the roster upserted in one
        statement per kind, the week's rows replaced by one executemany each."""
        canonical = written_json(prepared.week)
        zone = canonical["timezone"]
        roster = {
            kind: [
                self.roster[kind].to_row(area, item, i) for i, item in enumerate(canonical[kind])
            ]
            for kind in ROSTER_KINDS
        }
        tasks = [stored_task_values(area, zone, t, i) for i, t in enumerate(prepared.week.tasks)]
        if not self._check_zone(area, canonical["timezone"]):
            self.areas.add(area, area, canonical["timezone"])
        week_start = dt.date.fromisoformat(canonical["week_start"])
        week = self._ensure(area, week_start, canonical["name"], canonical["settings"])
        week.expect = canonical.get("expect")
        for kind in ROSTER_KINDS:
            self.roster[kind].write_all(area, roster[kind])
        self._insert_tasks(week, tasks)
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
        self._drop_dangling(week, {i for r in tasks for i in expanded(r["id"], r["every"])})
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
            extra = {"week_id": week_id(week), "area_id": week.area_id}
            self.session.connection().execute(insert(table), [{**r, **extra} for r in rows])

    def export_scenario(self, area: str, week_start: dt.date) -> WrittenWeek:
        """The week as written, with the area's whole roster and the history written for it
        plus what the week before's published plan gave (pairs not already written)."""
        return written(self._export(area, self.row(area, week_start)))

    def _export(self, area: str, week: WeekRow, *, tasks: bool = True) -> Json:
        """The week as a scenario; without its tasks (an empty list) unless `tasks`."""
        area_row = self.weeks.area(area)
        out: Json = {
            "name": week.name,
            "timezone": area_row.timezone,
            "week_start": week.week_start.isoformat(),
            "settings": contract.settings(week.settings),
        }
        for kind in ROSTER_KINDS:
            out[kind] = self.roster[kind].all_json(area)
        out["tasks"] = [task_json(r) for r in self._task_rows(week)] if tasks else []
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
        data = self._export(area, self.row(area, week_start))
        data.pop("expect", None)
        self._bases[(area, monday_of(week_start))] = fingerprint(data)
        return build_scenario(data)

    def basis(self, area: str, week_start: dt.date) -> Basis:
        """What a plan of the week rests on: `week`, a fingerprint of the week and its area's
        roster without the declines, and `declined`, the declined pairs. A week whose
        fingerprint is the same and whose declines include these offers no option the plan
        did not have (see `mutualaid.domain.lifecycle.same_or_narrower`). That of the last
        `load_scenario` of the week in this session, else read now."""
        found = self._bases.get((area, monday_of(week_start)))
        if found is None:
            data = self._export(area, self.row(area, week_start))
            data.pop("expect", None)
            found = fingerprint(data)
        return found

    def version(self, area: str, week_start: dt.date) -> str:
        """A fingerprint of all the week's scenario is built from but its declines: the
        area, its roster, the week's name and settings, tasks, pins, written history and the
        visits of the week before's published plan (its derived history). Raw rows, no
        objects built: any write that changes the built week changes it."""
        week = self.row(area, week_start)
        self.session.flush()
        digest = hashlib.sha256(repr((week.id, week.name, week.settings)).encode("utf-8"))
        of_area = [
            metadata.tables[m.__tablename__] for m in (SiteRow, TeamRow, VolunteerRow, ResidentRow)
        ]
        of_week = [metadata.tables[m.__tablename__] for m in (TaskRow, PinRow, HistoryRow)]
        areas = metadata.tables[AreaRow.__tablename__]
        tables: list[tuple[Any, Any]] = [
            (areas, areas.c.id == area),
            *((t, t.c.area_id == area) for t in of_area),
            *((t, t.c.week_id == week.id) for t in of_week),
        ]
        statements = [
            select(*(type_coerce(c, String) for c in table.columns))
            .where(where)
            .order_by(*table.primary_key.columns)
            for table, where in tables
        ]
        for stmt in [*statements, self._inherited(area, week)]:
            digest.update(b"|")
            for row in self.session.connection().execute(stmt):
                digest.update(repr(tuple(row)).encode("utf-8"))
        return digest.hexdigest()

    # --- the week's rows ------------------------------------------------------------------

    def _task_rows(self, week: WeekRow) -> list[TaskRow]:
        stmt = (
            select(TaskRow)
            .where(TaskRow.week_id == week.id)
            .order_by(col(TaskRow.position), col(TaskRow.id))
            .execution_options(populate_existing=True)
        )
        return list(self.session.exec(stmt))

    def _insert_tasks(self, week: WeekRow, rows: Sequence[Json]) -> None:
        """The week's tasks become `rows`: one DELETE, one executemany (not an ORM object
        per task: a district week has thousands)."""
        self.session.flush()
        self.session.exec(delete(TaskRow).where(col(TaskRow.week_id) == week.id))
        if rows:
            ident = week_id(week)
            table = metadata.tables[TaskRow.__tablename__]  # Core: one cursor.executemany
            self.session.connection().execute(
                insert(table), [{**r, "week_id": ident} for r in rows]
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
            week.expect = expect_without(week.expect, ids)
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
                col(AssignmentRow.state) != WITHDRAWN,
            )
        ).all()
        for row in gone:
            row.state, row.responded_at = WITHDRAWN, self.now()
        self.session.flush()
        return len(gone)

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

    def _decline_rows(self, week: WeekRow) -> list[DeclineRow]:
        stmt = (
            select(DeclineRow)
            .where(DeclineRow.week_id == week.id)
            .order_by(col(DeclineRow.position), col(DeclineRow.task_id))
            .execution_options(populate_existing=True)
        )
        return list(self.session.exec(stmt))

    def _history(self, area: str, week: WeekRow) -> list[tuple[str, str]]:
        """(resident, volunteer) pairs: those written for the week, then those of the week
        before's published plan (see `mutualaid.domain.week.history`)."""
        written = self.session.exec(
            select(HistoryRow.resident_id, HistoryRow.volunteer_id)
            .where(HistoryRow.week_id == week.id)
            .order_by(col(HistoryRow.position))
        )
        residents = set(
            self.session.exec(select(ResidentRow.id).where(ResidentRow.area_id == area))
        )
        before = [(r, v) for r, v, state in self.session.exec(self._inherited(area, week))
                  if inherits(state)]  # fmt: skip
        return history([(r, v) for r, v in written], before, residents)

    def _inherited(self, area: str, week: WeekRow) -> Any:
        """The visits of the week before's published plan at a resident's home, in order:
        (resident, volunteer, state) rows."""
        before = week.week_start - dt.timedelta(days=7)
        return (
            select(AssignmentRow.resident_id, AssignmentRow.volunteer_id, AssignmentRow.state)
            .join(PlanRow, col(PlanRow.id) == col(AssignmentRow.plan_id))
            .join(WeekRow, col(WeekRow.id) == col(PlanRow.week_id))
            .where(
                col(WeekRow.area_id) == area,
                col(WeekRow.week_start) == before,
                col(PlanRow.published_at).is_not(None),
                col(AssignmentRow.resident_id).is_not(None),
            )
            .order_by(col(AssignmentRow.start_at), col(AssignmentRow.id))
        )
