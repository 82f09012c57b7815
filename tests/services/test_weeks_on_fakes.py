"""The week's task use cases on the in-memory store (tests/fakes.py): list, add, edit and delete
tasks, replace them in one idempotent batch, and what that does to declines and published
visits; no database. The SQL repositories' own checks and rows are tested in tests/adapters."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.contract.answers import TASK_ANSWERS
from mutualaid.contract.export import stored_task_json
from mutualaid.domain.tasks import SentTask
from mutualaid.errors import ScenarioError
from mutualaid.services import plans, volunteers, weeks
from mutualaid.services.access import Actor
from mutualaid.services.ports import IdempotencyKeyReused, NotFoundError, WouldWithdraw
from tests.fakes import FakeStore, FakeUnitOfWork

from .test_plans_on_fakes import AREA, COORDINATOR, REPAIRER, solved, store, week_of

__all__ = ["store"]  # the fixture, used by name


def _uow(store: FakeStore) -> FakeUnitOfWork:
    return FakeUnitOfWork(store)


def _sent(tasks: list[Any]) -> list[SentTask]:
    """Tasks as the API sends them on (read from a body)."""
    return [SentTask(t) for t in tasks]


def _ids(store: FakeStore) -> list[str]:
    return [t.id for t in weeks.list_tasks(_uow(store), COORDINATOR, AREA, week_of(store))]


def _new_task(store: FakeStore, ident: str) -> dict[str, Any]:
    first = stored_task_json(weeks.list_tasks(_uow(store), COORDINATOR, AREA, week_of(store))[0])
    return {**first, "id": ident, "title": f"copy of {first['title']}"}


def test_a_task_is_added_last_edited_in_place_and_deleted(store: FakeStore) -> None:
    week, before = week_of(store), _ids(store)
    stored, new = weeks.put_task(_uow(store), COORDINATOR, AREA, week, "t-new",
                                 SentTask(_new_task(store, "t-new")))  # fmt: skip
    assert new and stored.id == "t-new" and _ids(store) == [*before, "t-new"]
    edited = {**stored_task_json(stored), "title": "改过的标题"}
    again, new = weeks.put_task(_uow(store), COORDINATOR, AREA, week, "t-new", SentTask(edited))
    assert not new and again.title == "改过的标题"
    assert weeks.get_task(_uow(store), COORDINATOR, AREA, week, "t-new").title == "改过的标题"
    assert _ids(store) == [*before, "t-new"]
    assert weeks.delete_task(_uow(store), COORDINATOR, AREA, week, "t-new") == 0
    assert _ids(store) == before
    with pytest.raises(NotFoundError):
        weeks.get_task(_uow(store), COORDINATOR, AREA, week, "t-new")


def test_a_bad_task_is_refused_and_nothing_is_stored(store: FakeStore) -> None:
    week, before = week_of(store), _ids(store)
    bad = {**_new_task(store, "t-bad"), "needs": [{"skill": "x", "count": 0}]}
    with pytest.raises(ScenarioError):
        weeks.put_task(_uow(store), COORDINATOR, AREA, week, "t-bad", SentTask(bad))
    with pytest.raises(ScenarioError):
        weeks.submit_tasks(_uow(store), COORDINATOR, AREA, week, [SentTask(bad)])
    assert _ids(store) == before


def test_a_batch_under_one_key_is_stored_once_and_another_body_refused(store: FakeStore) -> None:
    week = week_of(store)
    tasks = [stored_task_json(t) for t in weeks.list_tasks(_uow(store), COORDINATOR, AREA, week)]
    batch = _sent([*tasks, _new_task(store, "t-extra")])
    first = weeks.submit_tasks(
        _uow(store), COORDINATOR, AREA, week, batch, "key-1", answers=TASK_ANSWERS
    )
    again = weeks.submit_tasks(
        _uow(store), COORDINATOR, AREA, week, batch, "key-1", answers=TASK_ANSWERS
    )
    assert not first.replayed and again.replayed and again.tasks == first.tasks
    assert [e.action for e in store.state.audit].count("tasks.submit") == 1
    with pytest.raises(IdempotencyKeyReused):
        weeks.submit_tasks(
            _uow(store), COORDINATOR, AREA, week, _sent(tasks), "key-1", answers=TASK_ANSWERS
        )
    assert _ids(store)[-1] == "t-extra"


def test_leaving_out_a_published_task_is_refused_unless_replace(store: FakeStore) -> None:
    week = week_of(store)
    ident = solved(store)
    plans.publish_plan(_uow(store), REPAIRER, COORDINATOR, ident)
    visit = next(a for a in store.state.assignments if a.plan_id == ident)
    kept = [
        stored_task_json(t)
        for t in weeks.list_tasks(_uow(store), COORDINATOR, AREA, week)
        if t.id != visit.task.split("@")[0]
    ]
    with pytest.raises(WouldWithdraw) as refused:
        weeks.submit_tasks(_uow(store), COORDINATOR, AREA, week, _sent(kept))
    assert visit.task in refused.value.withdrawn and visit.state == "pending"
    weeks.submit_tasks(_uow(store), COORDINATOR, AREA, week, _sent(kept), replace=True)
    now = next(a for a in store.state.assignments if a.id == visit.id)  # a rollback copied it
    assert now.state == "withdrawn"
    person = Actor("tok-v", "volunteer", (AREA,), visit.volunteer)
    mine = volunteers.volunteer_schedule(_uow(store), person, visit.volunteer, week, AREA)
    assert visit.task not in {v.record.task for v in mine.assignments}


def test_a_deleted_tasks_declines_go_with_it(store: FakeStore) -> None:
    week = week_of(store)
    declined = {d.task for d in store.state.weeks[next(iter(store.state.weeks))].declines}
    assert declined, "the world declines a task"
    task = next(iter(declined)).split("@")[0]
    weeks.delete_task(_uow(store), COORDINATOR, AREA, week, task)
    left = store.state.weeks[next(iter(store.state.weeks))].declines
    assert all(d.task.split("@")[0] != task for d in left)
    assert task not in _ids(store)
