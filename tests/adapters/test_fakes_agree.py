"""tests/fakes.py's FakeUnitOfWork against the SQL one, on what the use cases rely on: the
same calls on the same week give the same answers and the same refusals on the fake store, on
SQLite and on PostgreSQL. The service tests that run on the fakes (tests/services) are only
as true as this agreement."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from mutualaid.adapters.db import make_engine, make_session_factory
from mutualaid.adapters.tables import metadata
from mutualaid.adapters.uow import SqlUnitOfWork
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.lifecycle import PlanRequest
from mutualaid.domain.model import TimeBlock
from mutualaid.domain.tasks import SentTask
from mutualaid.services import built, recommend, volunteers, weeks
from mutualaid.services.access import Actor
from mutualaid.services.ports import (
    ActivePlanExists,
    ConflictError,
    IdempotencyKeyReused,
    NotFoundError,
    UnitOfWork,
)
from mutualaid.validation import validate
from tests.adapters import world
from tests.adapters.conftest import FakeClock
from tests.fakes import FakeStore, FakeUnitOfWork

AREA, WEEK = world.AREA, world.WEEK
MANAGER = Actor("tok-c", "coordinator", (AREA,))


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
def new_uow(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A maker of units of work on one store holding the small world's week."""
    clock = FakeClock()
    if request.param == "fake":
        store = FakeStore(clock)  # type: ignore[arg-type]
        store.add_week(AREA, build_scenario(world.scenario()))
        yield lambda: FakeUnitOfWork(store)
        return
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "db.sqlite")
        engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    else:
        url: URL = request.getfixturevalue("pg_database")
        engine = make_engine(url)
        with engine.begin() as conn:
            tables = ", ".join(t.name for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    sessions = make_session_factory(engine)
    with SqlUnitOfWork(sessions, clock) as uow:
        uow.areas.create(AREA, AREA, world.ZONE)
        world.import_week(uow, AREA, world.scenario())
        uow.commit()
    yield lambda: SqlUnitOfWork(sessions, clock)
    engine.dispose()


def test_work_left_without_a_commit_is_put_back(new_uow: Any) -> None:
    uow: UnitOfWork = new_uow()
    with uow:
        uow.weeks.delete_task(AREA, WEEK, "t-show")
        uow.audit.record("tok", "task.delete", "task t-show", AREA)
    with new_uow() as again:
        assert "t-show" in {t.id for t in again.weeks.tasks(AREA, WEEK)}
        assert again.audit.entries(AREA) == []


def test_unknown_ids_are_not_found_and_taken_ones_conflict(new_uow: Any) -> None:
    with new_uow() as uow:
        with pytest.raises(ConflictError):
            uow.areas.create(AREA, "again", world.ZONE)
        wang = uow.volunteers.get(AREA, "v-wang")
        with pytest.raises(ConflictError):
            uow.volunteers.create(AREA, wang)
        for call in (
            lambda: uow.areas.get("nowhere"),
            lambda: uow.volunteers.get(AREA, "v-nobody"),
            lambda: uow.weeks.get(AREA, WEEK.add(days=70)),
            lambda: uow.weeks.get_task(AREA, WEEK, "t-nothing"),
            lambda: uow.weeks.delete_task(AREA, WEEK, "t-nothing"),
            lambda: uow.plans.get("plan-nothing"),
            lambda: uow.assignments.get(424242),
        ):
            with pytest.raises(NotFoundError):
                call()


def test_a_roster_entry_still_named_is_kept(new_uow: Any) -> None:
    """A team with members, and a site or resident a task of the week names, are not deleted."""
    with new_uow() as uow:
        for repository, ident in (
            (uow.teams, "lions"),
            (uow.sites, "centre"),
            (uow.residents, "r-zhang"),
        ):
            with pytest.raises(ConflictError):
                repository.delete(AREA, ident)
        uow.residents.delete(AREA, "r-liu")  # named by nothing
        assert uow.residents.known(AREA, ["r-liu", "r-zhang"]) == {"r-zhang"}


def test_a_roster_edit_reaches_the_week_and_changes_its_version(new_uow: Any) -> None:
    """A volunteer away on Wednesday, upserted into the roster: the week's scenario says so at
    once and its version (what a kept built week is keyed by) is new. The fake kept each week
    as imported, so a repair on it planned with the roster of the import."""
    wednesday = WEEK.add(days=2)
    with new_uow() as uow:
        version = uow.weeks.version(AREA, WEEK)
        wang = uow.volunteers.get(AREA, "v-wang")
        assert not uow.weeks.load_scenario(AREA, WEEK).volunteers["v-wang"].unavailable
        away = replace(wang, unavailable=(TimeBlock(date=wednesday),))
        uow.volunteers.upsert(AREA, away)
        uow.commit()
    with new_uow() as uow:
        [block] = uow.weeks.load_scenario(AREA, WEEK).volunteers["v-wang"].unavailable
        assert block.date == wednesday
        assert uow.weeks.version(AREA, WEEK) != version


def test_a_pair_declined_twice_keeps_its_first_decline(new_uow: Any) -> None:
    with new_uow() as uow:
        first = uow.weeks.add_decline(AREA, WEEK, "t-visit-zhang", "v-wang", "ill")
        again = uow.weeks.add_decline(AREA, WEEK, "t-visit-zhang", "v-wang", "away")
        assert (again.reason, first.reason) == ("ill", "ill")
        assert [(d.task, d.volunteer) for d in uow.weeks.declines(AREA, WEEK)] == [
            ("t-visit-zhang", "v-wang")
        ]


def _published(uow: UnitOfWork) -> str:
    plan = uow.plans.create(AREA, WEEK, request=PlanRequest("tok"))
    with pytest.raises(ActivePlanExists):
        uow.plans.create(AREA, WEEK)
    uow.plans.finish(plan.id, world.plan())
    return uow.plans.publish(plan.id).id


def test_publishing_again_keeps_ids_and_answers_and_a_deleted_task_is_withdrawn(
    new_uow: Any,
) -> None:
    with new_uow() as uow:
        first = _published(uow)
        mine = uow.assignments.for_volunteer(AREA, "v-wang", WEEK)
        assert [a.task for a in mine] == ["t-visit-zhang", "t-show"]
        visit, show = mine
        uow.assignments.accept(visit.id)
        uow.assignments.decline(show.id, "busy")
        second = _published(uow)
        assert second != first and uow.plans.published_id(AREA, WEEK) == second
        now = {a.task: a for a in uow.assignments.for_volunteer(AREA, "v-wang", WEEK)}
        assert (now["t-visit-zhang"].id, now["t-visit-zhang"].state) == (visit.id, "accepted")
        assert (now["t-show"].id, now["t-show"].state) == (show.id, "declined")
        assert uow.weeks.published_tasks(AREA, WEEK)["t-visit-zhang"] == 1
        assert uow.weeks.delete_task(AREA, WEEK, "t-visit-zhang") == 1
        assert "t-visit-zhang" not in uow.weeks.published_tasks(AREA, WEEK)
        assert uow.assignments.get(visit.id).state == "withdrawn"
        assert [a.task for a in uow.assignments.for_volunteer(AREA, "v-wang", WEEK)] == ["t-show"]
        with pytest.raises(ConflictError):
            uow.assignments.accept(visit.id)
        with pytest.raises(ConflictError):
            uow.assignments.decline(visit.id)


def test_an_idempotency_key_answers_one_request_only(new_uow: Any) -> None:
    with new_uow() as uow:
        assert uow.idempotency.lookup("scope", "k", "h1") is None
        uow.idempotency.save("scope", "k", "h1", 200, {"answer": 1})
        found = uow.idempotency.lookup("scope", "k", "h1")
        assert found is not None and (found.status_code, found.response) == (200, {"answer": 1})
        with pytest.raises(IdempotencyKeyReused):
            uow.idempotency.lookup("scope", "k", "h2")
        with pytest.raises(IdempotencyKeyReused):
            uow.idempotency.save("scope", "k", "h1", 200, {"answer": 2})
        assert uow.idempotency.lookup("other", "k", "h2") is None


def test_the_audit_log_reads_newest_first_per_area(new_uow: Any) -> None:
    with new_uow() as uow:
        for n in range(3):
            uow.audit.record("tok", f"act.{n}", "t", AREA, {"n": n})
        uow.audit.record("tok", "act.other", "t", "elsewhere")
        assert [e.action for e in uow.audit.entries(AREA, limit=2)] == ["act.2", "act.1"]
        assert [e.detail for e in uow.audit.entries(AREA)] == [{"n": 2}, {"n": 1}, {"n": 0}]


class _DeletesMeanwhile:
    """A repairer during whose first repair the coordinator deletes a task (another unit of
    work: the repair runs outside the store's lock)."""

    def __init__(self, new_uow: Any, task: str) -> None:
        from solver.service import RepairSettings, SolverRepairer

        self.new_uow, self.task, self.repairs = new_uow, task, 0
        self.inner = SolverRepairer(RepairSettings(2.0))

    def repair(self, scenario: Any, published: Any, task: str, same_week: bool = False) -> Any:
        self.repairs += 1
        if self.repairs == 1:
            weeks.delete_task(self.new_uow(), MANAGER, AREA, WEEK.isoformat(), self.task)
        return self.inner.repair(scenario, published, task, same_week)

    def rescore(self, scenario: Any, plan: Any) -> Any:
        return self.inner.rescore(scenario, plan)


def test_a_repair_never_publishes_a_task_deleted_while_it_was_made(
    new_uow: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decline racing a delete: the repair made before the delete is made again on the week
    as it is now, so the published plan holds on the stored week."""
    monkeypatch.setattr(built, "BUILT", built.BuiltWeeks())
    with new_uow() as uow:
        _published(uow)
        visit = next(a for a in uow.assignments.for_volunteer(AREA, "v-wang", WEEK)
                     if a.task == "t-visit-zhang")  # fmt: skip
        uow.commit()
    racing = _DeletesMeanwhile(new_uow, "t-show")
    wang = Actor("tok-w", "volunteer", (AREA,), "v-wang")
    done = volunteers.decline_assignment(new_uow(), racing, wang, visit.id, "ill")
    assert racing.repairs == 2 and done.repair is not None  # made again after the delete
    with new_uow() as uow:
        published = uow.plans.published(AREA, WEEK)
        assert published is not None and published.id == done.repair.plan.id
        assert published.result is not None
        assert "t-show" not in {a.task for a in published.result.assignments}
        now = uow.weeks.load_scenario(AREA, WEEK)
    report = validate(now, plan_json.dump(published.result, now))
    assert report.assignments_ok, [v.code for v in report.hard]


NEW_REQUEST = {
    "id": "t-new", "resident": "r-liu", "needs": [{"skill": "companionship", "count": 1}],
    "duration_minutes": 30, "windows": [{"days": ["mon"], "from": "09:00", "to": "11:00"}],
}  # fmt: skip


class _DeletesWhileInserting:
    """A recommender during whose first insert the coordinator deletes a task."""

    def __init__(self, new_uow: Any, task: str) -> None:
        from solver.service import RepairSettings, SolverRecommender

        self.new_uow, self.task, self.inserts = new_uow, task, 0
        self.inner = SolverRecommender(RepairSettings(2.0))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def insert(self, scenario: Any, published: Any, option: Any) -> Any:
        self.inserts += 1
        if self.inserts == 1:
            weeks.delete_task(self.new_uow(), MANAGER, AREA, WEEK.isoformat(), self.task)
        return self.inner.insert(scenario, published, option)


def test_an_applied_recommendation_never_publishes_a_task_deleted_meanwhile(
    new_uow: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(built, "BUILT", built.BuiltWeeks())
    with new_uow() as uow:
        _published(uow)
        uow.commit()
    racing = _DeletesWhileInserting(new_uow, "t-show")
    week = WEEK.isoformat()
    found = recommend.recommend_task(new_uow(), racing, MANAGER, AREA, week, SentTask(NEW_REQUEST))
    assert found.options
    done = recommend.apply_recommendation(
        new_uow(), racing, MANAGER, AREA, week, found.options[0].id, SentTask(NEW_REQUEST)
    )
    assert racing.inserts >= 2 and done.published  # made again on the week after the delete
    with new_uow() as uow:
        published = uow.plans.published(AREA, WEEK)
        assert published is not None and published.result is not None
        served = {a.task for a in published.result.assignments}
        assert "t-new" in served and "t-show" not in served
        now = uow.weeks.load_scenario(AREA, WEEK)
    report = validate(now, plan_json.dump(published.result, now))
    assert report.assignments_ok, [v.code for v in report.hard]
