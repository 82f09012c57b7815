"""Use cases of a week: its tasks (in one idempotent batch or one by one) and whole scenarios
in and out (YAML or JSON, the contract's format)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import pendulum

from mutualaid.contract.data import Json
from mutualaid.contract.scenario import build_scenario, read_scenario_json, read_scenario_text
from mutualaid.contract.written import written
from mutualaid.domain.facts import Fact
from mutualaid.domain.marks import MarkedVisit
from mutualaid.domain.model import Scenario
from mutualaid.domain.tasks import SentTask, StoredTask
from mutualaid.domain.week import WrittenWeek
from mutualaid.errors import Problem
from mutualaid.messages import msg, say
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.marked import said
from mutualaid.services.notices import Before, before_change, note_changes
from mutualaid.services.ports import (
    ConflictError,
    IdempotencyKeyReused,
    InvalidRequest,
    NotFoundError,
    UnitOfWork,
    WeekRecord,
    WouldWithdraw,
)
from mutualaid.services.roster import with_id

T = TypeVar("T")

JSON_TYPES = ("application/json",)


def list_weeks(uow: UnitOfWork, actor: Actor, area: str | None) -> list[WeekRecord]:
    where = actor.area(area)
    with uow:
        return uow.weeks.all(where)


def list_tasks(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str
) -> list[StoredTask]:
    where, week = actor.area(area), parse_week(week_start)
    with uow:
        return uow.weeks.tasks(where, week)


def get_task(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str, ident: str
) -> StoredTask:
    where, week = actor.area(area), parse_week(week_start)
    with uow:
        return uow.weeks.get_task(where, week, ident)


@dataclass(frozen=True)
class Submitted:
    tasks: list[StoredTask]
    """The week's tasks as stored."""
    replayed: bool
    """True when the Idempotency-Key was seen before: nothing was done again."""


class TaskAnswers(Protocol):
    """How a batch's answer is kept under its Idempotency-Key for a replay: the tasks stored,
    as plain facts (the edge's form, `mutualaid.contract.answers`), and back."""

    def dump(self, tasks: Sequence[StoredTask]) -> Fact: ...
    def load(self, answer: Fact) -> list[StoredTask]: ...


class Runner(Protocol):
    """Runs a write of the week's tasks in one transaction and commits it: `plainly`, or
    `task_edits.Repairing` (the published visits it breaks repaired in the same one)."""

    def __call__(
        self, uow: UnitOfWork, where: str, week: pendulum.Date, write: Callable[[UnitOfWork], T]
    ) -> T: ...


def plainly(
    uow: UnitOfWork, where: str, week: pendulum.Date, write: Callable[[UnitOfWork], T]
) -> T:
    """Runs `write` in one transaction and commits it."""
    with uow:
        value = write(uow)
        uow.commit()
    return value


def request_hash(body: Any) -> str:
    """A fingerprint of a request body (key order does not matter)."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def submit_tasks(
    uow: UnitOfWork,
    actor: Actor,
    area: str | None,
    week_start: str,
    tasks: Sequence[SentTask],
    idempotency_key: str | None = None,
    replace: bool = False,
    answers: TaskAnswers | None = None,
    run: Runner | None = None,
) -> Submitted:
    """Replace the week's tasks (the week is created when missing). Leaving out tasks the
    published plan gives withdraws their assignments: refused (WouldWithdraw) unless
    `replace`.

    With an idempotency key, the first request's answer is stored in the same transaction as
    its effect (kept by `answers`, which a key needs); the same key with the same body answers
    it again and changes nothing, with a different body it is refused (IdempotencyKeyReused).

    The tasks are checked and their rows built in a read-only transaction first, so the
    write transaction (which holds SQLite's one write lock) only stores them. `run` runs that
    transaction (`task_edits.Repairing`: the published visits it breaks repaired in it).
    """
    run = run or plainly
    where, week = actor.area(area), parse_week(week_start)
    if idempotency_key is not None and answers is None:
        raise TypeError("an Idempotency-Key needs `answers` to keep the answer")
    scope = f"PUT tasks {where}/{week.isoformat()}"
    digest = request_hash([t.value for t in tasks])
    with uow.reading() as reader:
        if idempotency_key is not None and answers is not None:
            stored = reader.idempotency.lookup(scope, idempotency_key, digest)
            if stored is not None:
                return Submitted(answers.load(stored.response), replayed=True)
        prepared = reader.weeks.prepare_tasks(where, week, tasks)

    def write(w: UnitOfWork) -> Submitted:
        if idempotency_key is not None and answers is not None:
            stored = w.idempotency.lookup(scope, idempotency_key, digest)
            if stored is not None:
                return Submitted(answers.load(stored.response), replayed=True)
        before = _published(w, where, week)
        visits = _before(w, where, week) if replace and before else None
        marked = _marked(w, where, week) if before else []
        saved = w.weeks.store_tasks(where, week, prepared)
        _keeps_marked(w, where, week, marked)
        detail: Json = {"tasks": len(saved), **_withdrawn(w, where, week, before, replace)}
        if visits is not None and "withdrawn" in detail:
            detail["notices"] = len(note_changes(w, visits))
        if idempotency_key is not None:
            detail["idempotency_key"] = idempotency_key
        w.audit.record(actor.id, "tasks.submit", _week(where, week_start), where, detail)
        if idempotency_key is not None and answers is not None:
            w.idempotency.save(scope, idempotency_key, digest, 200, answers.dump(saved))
        return Submitted(saved, replayed=False)

    for attempt in range(2):
        try:
            return run(uow, where, week, write)
        except IdempotencyKeyReused:
            if attempt:
                raise  # the same key was stored meanwhile: looked up again once
    raise AssertionError("unreachable")  # pragma: no cover


def put_task(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str, ident: str,
    task: SentTask,
) -> tuple[StoredTask, bool]:  # fmt: skip
    """Store one task of the week (new ones go last); True when it is new. Checked in a
    read-only transaction first, as submit_tasks."""
    where, week = actor.area(area), parse_week(week_start)
    with uow.reading() as reader:
        prepared = reader.weeks.prepare_task(where, week, SentTask(with_id(task.value, ident)))
    with uow:
        stored, new = uow.weeks.store_task(where, week, prepared)
        action = "task.create" if new else "task.update"
        uow.audit.record(actor.id, action, f"task {ident}", where, {"week": week.isoformat()})
        uow.commit()
    return stored, new


def delete_task(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str, ident: str
) -> int:
    """Delete the task; its published assignments are withdrawn (no longer listed to their
    volunteers). The number withdrawn. ConflictError naming them while a visit of it is
    marked done or missed: that visit happened (or was missed) as the hours ledger counts it,
    so it is un-marked first, as before moving it in a new plan."""
    where, week = actor.area(area), parse_week(week_start)
    with uow:
        before = _before(uow, where, week)
        marked = _marked(uow, where, week) if before is not None else []
        withdrawn = uow.weeks.delete_task(where, week, ident)
        _keeps_marked(uow, where, week, marked, task=ident)
        detail: dict[str, Fact] = {"week": week.isoformat(), "withdrawn": withdrawn}
        if before is not None and withdrawn:
            detail["notices"] = len(note_changes(uow, before))
        uow.audit.record(actor.id, "task.delete", f"task {ident}", where, detail)
        uow.commit()
    return withdrawn


@dataclass(frozen=True)
class ScenarioBody:
    """A scenario read from a body: checked and built once, with the plain data it was built
    from (what import_scenario stores)."""

    scenario: Scenario
    data: Any


def read_scenario(body: bytes, media_type: str | None) -> ScenarioBody:
    """The scenario in a request body: JSON when the media type says so, else YAML (which
    also reads JSON). Syntax errors and a scenario that breaks the format raise with every
    problem (YAML ones with their line)."""
    media = (media_type or "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        said = msg("file_not_utf8", at=exc.start)  # as the YAML loader says it, not Python
        raise InvalidRequest([Problem("", msg("bad_body", problem=said))]) from None
    as_json = media in JSON_TYPES or media.endswith("+json")
    return ScenarioBody(*(read_scenario_json(text) if as_json else read_scenario_text(text)))


def import_scenario(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str, data: Any,
    replace: bool = False, run: Runner | None = None,
) -> WeekRecord:  # fmt: skip
    """Store a whole scenario: its roster into the area, the rest as the week. Its
    week_start must be the week named. Only an admin creates an area this way. A scenario
    without tasks the published plan gives withdraws their assignments: refused
    (WouldWithdraw) unless `replace`.

    As submit_tasks, the scenario is checked and turned into rows before the write
    transaction, which only stores them (in bulk): a district's week holds SQLite's one write
    lock for a moment, not for the whole import."""
    where, week = actor.area(area), parse_week(week_start)
    if isinstance(data, ScenarioBody):  # read from a body: already built
        scenario, data = data.scenario, data.data
    else:
        scenario = build_scenario(data)
    if scenario.week_start != week:
        text = msg("week_mismatch", got=scenario.week_start.isoformat(), want=week.isoformat())
        raise InvalidRequest([Problem("week_start", text)])
    assert isinstance(data, Mapping)
    with uow.reading() as reader:
        if not actor.is_admin:
            reader.areas.get(where)
        prepared = reader.weeks.prepare_scenario(where, written(data))

    def write(w: UnitOfWork) -> WeekRecord:
        if not actor.is_admin:
            w.areas.get(where)
        before = _published(w, where, week)
        visits = _before(w, where, week) if replace and before else None
        marked = _marked(w, where, week) if before else []
        record = w.weeks.store_scenario(where, prepared)
        _keeps_marked(w, where, week, marked)
        counts: Json = {k: len(data.get(k) or ()) for k in ("volunteers", "residents", "tasks")}
        counts.update(_withdrawn(w, where, week, before, replace))
        if visits is not None and "withdrawn" in counts:
            counts["notices"] = len(note_changes(w, visits))
        w.audit.record(actor.id, "scenario.import", _week(where, week_start), where, counts)
        return record

    record = (run or plainly)(uow, where, week, write)
    return record


def export_scenario(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str
) -> WrittenWeek:
    """The week as written, with the area's whole roster (the edges give it in the
    contract's format, `mutualaid.contract.written.written_json`)."""
    where, week = actor.area(area), parse_week(week_start)
    with uow:
        return uow.weeks.export_scenario(where, week)


def _published(uow: UnitOfWork, area: str, week: pendulum.Date) -> dict[str, int]:
    """The published plan's live assignments per task, read under the week's lock (so no
    publish slips in before the replacement); none when the week is new."""
    try:
        uow.weeks.lock(area, week)
    except NotFoundError:
        return {}
    return uow.weeks.published_tasks(area, week)


def _before(uow: UnitOfWork, area: str, week: pendulum.Date) -> Before | None:
    """The published visits before a change that may withdraw some (None: a new week), read
    holding the week's lock (no publish slips in between)."""
    try:
        uow.weeks.lock(area, week)
        return before_change(uow, area, week, deleting=True)
    except NotFoundError:
        return None


def _withdrawn(
    uow: UnitOfWork, area: str, week: pendulum.Date, before: dict[str, int], replace: bool
) -> Json:
    """After a week was replaced in this transaction: the published assignments it withdrew,
    for the audit log ({} when none). WouldWithdraw, undoing it all, unless `replace`."""
    after = uow.weeks.published_tasks(area, week)
    lost = {task: n - after.get(task, 0) for task, n in before.items() if after.get(task, 0) < n}
    if lost and not replace:
        raise WouldWithdraw(lost)
    return {"withdrawn": sum(lost.values())} if lost else {}


def _marked(uow: UnitOfWork, area: str, week: pendulum.Date) -> list[MarkedVisit]:
    """The published plan's visits marked done or missed (read under the week's lock)."""
    published = uow.plans.published_id(area, week)
    return [] if published is None else uow.plans.marked_visits(published)


def _keeps_marked(
    uow: UnitOfWork, area: str, week: pendulum.Date, marked: list[MarkedVisit],
    task: str | None = None,
) -> None:  # fmt: skip
    """After the week's tasks were replaced, or `task` deleted, in this transaction:
    ConflictError, undoing it all, when a visit `marked` done or missed was withdrawn (its
    task left out), even with `replace`: the ledger counts that visit as it was. One rule for
    both: a marked visit changes only once un-marked. A task the replacement still holds
    (changed or not) keeps its visits; the next solve keeps them."""
    if not marked:
        return
    kept = {m.ref for m in _marked(uow, area, week)}
    lost = [m for m in marked if m.ref not in kept]
    if lost:
        visits = ", ".join(say(said(m)) for m in lost)
        if task is not None:
            raise ConflictError(msg("task_delete_marked", task=task, visits=visits))
        raise ConflictError(msg("tasks_replace_marked", visits=visits))


def _week(area: str, week_start: str) -> str:
    return f"week {area}/{week_start.strip()}"
