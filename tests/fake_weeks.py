"""The fake of the week repository (`tests.fakes`): a week's scenario as built, its written tasks,
declines and version, and the published plan's rows it reads."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pendulum

from mutualaid.contract import export
from mutualaid.contract import roster as roster_contract
from mutualaid.contract.scenario import build_scenario
from mutualaid.contract.written import written
from mutualaid.domain.lifecycle import WITHDRAWN, Basis
from mutualaid.domain.model import Decline, Scenario
from mutualaid.domain.tasks import SentTask, StoredTask
from mutualaid.domain.week import WrittenWeek, present_ids
from mutualaid.services.ports import (
    DeclineRecord,
    NotFoundError,
    PlanRecord,
    PreparedTasks,
    WeekRecord,
)

if TYPE_CHECKING:
    from tests.fake_store import FakeStore
from tests.fake_access import FakeAreas
from tests.fake_store import FakeWeek

Json = dict[str, Any]


@dataclass
class FakeWeeks:
    store: FakeStore

    def _week(self, area: str, week_start: pendulum.Date) -> FakeWeek:
        found = self.store.state.weeks.get((area, week_start))
        if found is None:
            raise NotFoundError("week", f"{area}/{week_start.isoformat()}")
        return found

    def get(self, area: str, week_start: pendulum.Date) -> WeekRecord:
        week = self._week(area, week_start)
        scenario = week.scenario
        return WeekRecord(area, week_start, scenario.name, scenario.timezone, scenario.settings)

    def all(self, area: str) -> list[WeekRecord]:
        return [self.get(a, w) for a, w in sorted(self.store.state.weeks) if a == area]

    def lock(self, area: str, week_start: pendulum.Date) -> None:
        self._week(area, week_start)  # one lock for the whole store, held by the unit of work

    def _with_roster(self, area: str, data: Json) -> Json:
        """`data` with the area's roster as stored now: the SQL store builds a week from the
        roster's rows on every load, so an edit of a volunteer reaches every week at once."""
        for kind in roster_contract.READERS:
            entries = self.store.state.roster.get((kind, area), {}).values()
            data[kind] = [roster_contract.to_json(e) for e in entries]
        return data

    def _current(self, area: str, week: FakeWeek) -> Scenario:
        """The week as built with the area's roster as stored now (without its declines)."""
        data = self._with_roster(area, export.from_scenario(week.scenario))
        data.pop("declined", None)
        return dataclasses.replace(build_scenario(data), expect=None)

    def load_scenario(self, area: str, week_start: pendulum.Date) -> Scenario:
        week = self._week(area, week_start)
        declined = tuple(Decline(d.task, d.volunteer) for d in week.declines)
        return dataclasses.replace(self._current(area, week), declined=declined)

    def export_scenario(self, area: str, week_start: pendulum.Date) -> WrittenWeek:
        """The week as written: its tasks as stored, the rest as built (declines included)."""
        week = self._week(area, week_start)
        data = export.from_scenario(self.load_scenario(area, week_start))
        data["tasks"] = copy.deepcopy(week.written)
        return written(data)

    def basis(self, area: str, week_start: pendulum.Date) -> Basis:
        week = self._week(area, week_start)
        printed = _digest(self._current(area, week))
        return Basis(printed, tuple(sorted((d.task, d.volunteer) for d in week.declines)))

    def version(self, area: str, week_start: pendulum.Date) -> str:
        week = self._week(area, week_start)  # the roster's edits change it too, as in SQL
        return f"{area}/{week_start.isoformat()}#{week.writes}#{_digest(self._current(area, week))}"

    def add_decline(
        self, area: str, week_start: pendulum.Date, task: str, volunteer: str,
        reason: str | None = None,
    ) -> DeclineRecord:  # fmt: skip
        week = self._week(area, week_start)
        for d in week.declines:
            if (d.task, d.volunteer) == (task, volunteer):
                return d  # a second decline of the pair keeps the first
        made = DeclineRecord(task, volunteer, reason, self.store.clock())
        week.declines.append(made)
        return made

    def declines(self, area: str, week_start: pendulum.Date) -> list[DeclineRecord]:
        return list(self._week(area, week_start).declines)

    def delete_task(self, area: str, week_start: pendulum.Date, ident: str) -> int:
        """Delete the task; its pins and declines go, and its published visits are withdrawn."""
        week = self._week(area, week_start)
        if ident not in {t["id"] for t in week.written}:
            raise NotFoundError("task", ident)
        return self._replace(area, week_start, [t for t in week.written if t["id"] != ident])

    # --- tasks as written: checked by the loader against the week (the adapters' tests hold
    # the paths of what it finds wrong), pins, declines and published visits of tasks gone go

    def tasks(
        self, area: str, week_start: pendulum.Date, idents: Collection[str] | None = None
    ) -> list[StoredTask]:
        written = self._week(area, week_start).written
        return [export.stored_task(t) for t in written if idents is None or t["id"] in idents]

    def get_task(self, area: str, week_start: pendulum.Date, ident: str) -> StoredTask:
        found = [t for t in self.tasks(area, week_start) if t.id == ident]
        if not found:
            raise NotFoundError("task", ident)
        return found[0]

    def prepare_tasks(
        self, area: str, week_start: pendulum.Date, tasks: Sequence[StoredTask | SentTask]
    ) -> PreparedTasks:
        self._built(area, self._week_or_new(area, week_start), [_written(t) for t in tasks])
        read = [t if isinstance(t, StoredTask) else export.stored_task(_written(t)) for t in tasks]
        return PreparedTasks(read, "", tuple(tasks))

    def store_tasks(
        self, area: str, week_start: pendulum.Date, prepared: PreparedTasks
    ) -> list[StoredTask]:
        self._week_or_new(area, week_start, keep=True)
        self._replace(area, week_start, [export.stored_task_json(t) for t in prepared.tasks])
        return list(prepared.tasks)

    def prepare_task(self, area: str, week_start: pendulum.Date, task: SentTask) -> PreparedTasks:
        week = self._week_or_new(area, week_start)
        built = self._built(area, week, _with(week.written, task.value))
        declined = tuple(Decline(d.task, d.volunteer) for d in week.declines)
        with_it = dataclasses.replace(built, declined=declined, expect=None)
        return PreparedTasks([export.stored_task(_written(task))], "", (task,), with_it)

    def store_task(
        self, area: str, week_start: pendulum.Date, prepared: PreparedTasks
    ) -> tuple[StoredTask, bool]:
        week = self._week_or_new(area, week_start, keep=True)
        [task] = prepared.tasks
        new = task.id not in {t["id"] for t in week.written}
        self._replace(area, week_start, _with(week.written, export.stored_task_json(task)))
        return task, new

    def _week_or_new(self, area: str, week_start: pendulum.Date, keep: bool = False) -> FakeWeek:
        """The week, or a new empty one of the area (stored with `keep`)."""
        found = self.store.state.weeks.get((area, week_start))
        if found is not None:
            return found
        zone = FakeAreas(self.store).get(area).timezone
        name = f"{area} — week of {week_start.isoformat()}"
        made = FakeWeek(self._built(area, None, [], (name, zone, week_start)))
        if keep:
            self.store.state.weeks[(area, week_start)] = made
        return made

    def _built(
        self, area: str, week: FakeWeek | None, tasks: list[Any],
        new: tuple[str, str, pendulum.Date] | None = None,
    ) -> Scenario:  # fmt: skip
        """The week with these tasks, as the loader builds it (ScenarioError when it cannot)."""
        if week is not None:
            data = self._with_roster(area, export.from_scenario(week.scenario))
        else:
            assert new is not None
            data = {"name": new[0], "timezone": new[1], "week_start": new[2].isoformat()}
        data["tasks"] = tasks
        data.pop("declined", None)
        ids = {t.get("id") for t in tasks if isinstance(t, Mapping)}
        present = present_ids((str(i), None) for i in ids) | {
            f"{t['id']}@{d}" for t in tasks if isinstance(t, Mapping) for d in t.get("every") or ()
            if isinstance(d, str)
        }  # fmt: skip
        data["pinned"] = [p for p in data.get("pinned") or () if p["task"] in present]
        return build_scenario(data)

    def _replace(self, area: str, week_start: pendulum.Date, tasks: list[Json]) -> int:
        """The week's tasks are these now; what is gone of the others goes. The number of
        published visits withdrawn."""
        week = self._week(area, week_start)
        built = self._built(area, week, tasks)
        present = present_ids((t["id"], t.get("every")) for t in tasks)
        pins = tuple(p for p in built.pinned if p.task in present)
        week.scenario = dataclasses.replace(built, pinned=pins, expect=None)
        week.written = copy.deepcopy(tasks)
        week.declines = [d for d in week.declines if d.task in present]
        week.writes += 1
        gone = [
            a for a in _published_rows(self.store, area, week_start)
            if a.state != WITHDRAWN and a.task not in present
        ]  # fmt: skip
        for a in gone:
            a.state, a.responded_at = WITHDRAWN, self.store.clock()
        return len(gone)

    def published_tasks(self, area: str, week_start: pendulum.Date) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a in _published_rows(self.store, area, week_start):
            if a.state != WITHDRAWN:
                counts[a.task] = counts.get(a.task, 0) + 1
        return counts


def _published(store: FakeStore, area: str, week_start: pendulum.Date) -> PlanRecord | None:
    plans = store.state.plans.values()
    return next(
        (p for p in plans if (p.area, p.week_start) == (area, week_start) and p.published_at),
        None,
    )


def _published_rows(store: FakeStore, area: str, week_start: pendulum.Date) -> list[Any]:
    plan = _published(store, area, week_start)
    return [] if plan is None else [a for a in store.state.assignments if a.plan_id == plan.id]


def _written(task: StoredTask | SentTask) -> Any:
    """The task as the loader reads it."""
    return export.stored_task_json(task) if isinstance(task, StoredTask) else task.value


def _with(tasks: list[Json], task: Any) -> list[Any]:
    """The tasks with `task` in place of the one of its id, or after them."""
    ident = task.get("id") if isinstance(task, Mapping) else None
    if ident is not None and any(t["id"] == ident for t in tasks):
        return [task if t["id"] == ident else t for t in tasks]
    return [*tasks, task]


def _digest(scenario: Scenario) -> str:
    return hashlib.sha256(repr(scenario).encode("utf-8")).hexdigest()[:32]
