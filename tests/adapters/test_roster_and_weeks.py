"""The roster of an area and the tasks of a week, one by one and in batches."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace

import pendulum
import pytest

from mutualaid.contract import roster as read
from mutualaid.contract.export import stored_task_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.contract.written import written_json
from mutualaid.domain.roster import StoredVolunteer
from mutualaid.domain.tasks import SentTask
from mutualaid.errors import ScenarioError
from mutualaid.services.ports import ConflictError, NotFoundError
from mutualaid.services.roster import checked_entry

from . import world
from .conftest import UowFactory

HOME = {"lat": 34.78, "lon": 113.68}


def _volunteer(ident: str, **extra: object) -> StoredVolunteer:
    return read.volunteer(
        {"id": ident, "home": {"lat": 34.78, "lon": 113.68}, "skills": ["meals"], **extra}
    )


def test_roster_entities_are_stored_listed_and_removed(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.areas.add("a", "经八路街道", "Asia/Shanghai")
        v, created = uow.volunteers.upsert("a", _volunteer("v-1", mode="bike"))
        assert created and v.mode == "bike" and v.name == "v-1"
        uow.volunteers.upsert("a", _volunteer("v-2"))
        v, created = uow.volunteers.upsert("a", _volunteer("v-1", name="一号"))
        assert not created and v.name == "一号" and v.mode == "walk"
        uow.teams.upsert("a", read.team({"id": "lions", "skills": ["lion_dance"]}))
        uow.commit()
    with make_uow() as uow:
        assert [v.id for v in uow.volunteers.all("a")] == ["v-1", "v-2"]  # as first added
        assert uow.volunteers.all("elsewhere") == []
        uow.volunteers.delete("a", "v-2")
        with pytest.raises(NotFoundError):
            uow.volunteers.get("a", "v-2")
        with pytest.raises(NotFoundError):
            uow.volunteers.delete("a", "v-2")
        uow.commit()
    with make_uow() as uow:
        assert [v.id for v in uow.volunteers.all("a")] == ["v-1"]
        with pytest.raises(ConflictError):
            uow.areas.add("a", "x", "Europe/Berlin")  # an area's zone never changes


def test_an_entity_in_use_cannot_be_removed(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        uow.commit()
    with make_uow() as uow:
        with pytest.raises(ConflictError, match="task"):
            uow.residents.delete(world.AREA, "r-zhang")  # a task at her home (foreign key)
        with pytest.raises(ConflictError, match="volunteer 'v-wang'"):
            uow.teams.delete(world.AREA, "lions")  # a member (JSON list)
        uow.residents.delete(world.AREA, "r-liu")  # nothing refers to him
        uow.commit()
    with make_uow() as uow:
        assert [r.id for r in uow.residents.all(world.AREA)] == ["r-zhang"]
        uow.weeks.load_scenario(world.AREA, world.WEEK)  # still a valid scenario


def test_tasks_are_replaced_in_a_batch_or_put_one_by_one(make_uow: UowFactory) -> None:
    scenario = world.scenario()
    with make_uow() as uow:
        pinned = {**scenario, "pinned": [{"task": "t-show", "volunteers": ["v-wang"]}]}
        world.import_week(uow, world.AREA, pinned)
        uow.weeks.add_decline(world.AREA, world.WEEK, "t-meals@wed", "v-li", "away")
        uow.weeks.add_decline(world.AREA, world.WEEK, "t-show", "v-wang")
        uow.commit()
    with make_uow() as uow:
        tasks = world.put_tasks(uow, world.AREA, world.WEEK, scenario["tasks"][:2])
        assert [t.id for t in tasks] == ["t-visit-zhang", "t-meals"]
        # t-show is gone, and with it its pin and decline; t-meals@wed's decline stays
        assert [(d.task, d.reason) for d in uow.weeks.declines(world.AREA, world.WEEK)] == [
            ("t-meals@wed", "away")
        ]
        exported = written_json(uow.weeks.export_scenario(world.AREA, world.WEEK))
        assert exported["pinned"] == []
        task, created = world.put_task(uow, world.AREA, world.WEEK, scenario["tasks"][2])
        assert created and stored_task_json(task)["start"] == "2026-12-04T15:00"
        changed = {**scenario["tasks"][1], "every": ["mon"]}
        task, created = world.put_task(uow, world.AREA, world.WEEK, changed)
        assert not created and task.every == ("mon",)
        assert [t.id for t in uow.weeks.tasks(world.AREA, world.WEEK)] == [
            "t-visit-zhang",
            "t-meals",
            "t-show",
        ]
        assert uow.weeks.declines(world.AREA, world.WEEK) == []  # no t-meals@wed any more
        uow.weeks.delete_task(world.AREA, world.WEEK, "t-show")
        with pytest.raises(NotFoundError):
            uow.weeks.get_task(world.AREA, world.WEEK, "t-show")
        uow.commit()
    with make_uow() as uow:
        assert [t.id for t in uow.weeks.tasks(world.AREA, world.WEEK)] == [
            "t-visit-zhang",
            "t-meals",
        ]
        uow.weeks.load_scenario(world.AREA, world.WEEK)


def test_a_decline_keeps_its_reason_and_time(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        first = uow.weeks.add_decline(world.AREA, world.WEEK, "t-show", "v-wang", "busy")
        again = uow.weeks.add_decline(world.AREA, world.WEEK, "t-show", "v-wang", "other")
        uow.commit()
    assert first == again and first.reason == "busy" and first.at is not None
    with make_uow() as uow:
        # importing the exported week again keeps what the contract cannot carry
        world.import_week(
            uow, world.AREA, written_json(uow.weeks.export_scenario(world.AREA, world.WEEK))
        )
        assert uow.weeks.declines(world.AREA, world.WEEK) == [first]


def test_an_invalid_scenario_is_refused_with_paths(make_uow: UowFactory) -> None:
    bad = world.scenario()
    bad["tasks"][0]["duration_minutes"] = -5
    bad["volunteers"][0]["mdoe"] = "car"
    with make_uow() as uow, pytest.raises(ScenarioError) as err:
        world.import_week(uow, world.AREA, bad)
    paths = {p.path for p in err.value.problems}
    assert {"tasks[0].duration_minutes", "volunteers[0].mdoe"} <= paths


@pytest.mark.slow
def test_concurrent_writers_lose_and_duplicate_nothing(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        uow.commit()
    errors: list[BaseException] = []

    def coordinator(i: int) -> None:
        try:
            with make_uow() as uow:
                uow.volunteers.upsert(world.AREA, _volunteer(f"v-new-{i}"))
                uow.volunteers.upsert(world.AREA, _volunteer("v-shared", name=f"by {i}"))
                task = {**world.scenario()["tasks"][0], "id": f"t-{i}"}
                world.put_task(uow, world.AREA, world.WEEK, task)
                uow.commit()
        except BaseException as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=coordinator, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with make_uow() as uow:
        ids = [v.id for v in uow.volunteers.all(world.AREA)]
        tasks = [t.id for t in uow.weeks.tasks(world.AREA, world.WEEK)]
    assert sorted(i for i in ids if i.startswith("v-new-")) == sorted(
        f"v-new-{i}" for i in range(20)
    )
    assert ids.count("v-shared") == 1 and len(ids) == len(set(ids)) == 3 + 21
    assert len(tasks) == len(set(tasks)) == 3 + 20


def test_bad_input_is_refused_with_the_loaders_paths(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        uow.commit()
    with make_uow() as uow:
        with pytest.raises(NotFoundError):
            checked_entry(uow, "volunteers", "nowhere", {"id": "v-9", "home": HOME})
        with pytest.raises(ScenarioError) as err:
            checked_entry(
                uow, "volunteers", world.AREA,
                {"id": "v-9", "home": HOME, "mdoe": "car", "teams": ["dragons"]},
            )  # fmt: skip
        assert [(p.path, p.message) for p in err.value.problems] == [
            ("mdoe", "unknown field 'mdoe' (did you mean 'mode'?)"),
            ("teams[0]", "unknown team 'dragons'"),
        ]
        with pytest.raises(ScenarioError) as err:
            checked_entry(
                uow, "residents", world.AREA, {"id": "r-zhang", "location": {"lat": 99, "lon": 0}}
            )
        assert [p.path for p in err.value.problems] == ["location"]
        task = {**world.scenario()["tasks"][0], "resident": "r-nobody"}
        with pytest.raises(ScenarioError) as err:
            world.put_task(uow, world.AREA, world.WEEK, task)
        assert [p.path for p in err.value.problems] == ["resident"]
        tasks = world.scenario()["tasks"]
        tasks[2] = {**tasks[2], "needs": [{"skill": "x", "count": 0}]}
        with pytest.raises(ScenarioError) as err:
            world.put_tasks(uow, world.AREA, world.WEEK, tasks)
        assert [p.path for p in err.value.problems] == ["tasks[2].needs[0].count"]
        with pytest.raises(ScenarioError):
            world.put_tasks(uow, world.AREA, world.WEEK, [tasks[0], tasks[0]])  # duplicate id
        uow.commit()
    with make_uow() as uow:
        assert uow.weeks.export_scenario(world.AREA, world.WEEK) == uow.weeks.export_scenario(
            world.AREA, world.WEEK
        )
        assert [v.id for v in uow.volunteers.all(world.AREA)] == ["v-wang", "v-li", "v-zhao"]
        assert uow.residents.get(world.AREA, "r-zhang").location.lat == 34.7749


def test_a_week_starts_on_a_monday(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        uow.areas.add("a", "A", "Asia/Shanghai")
        with pytest.raises(ScenarioError, match="not a Monday"):
            world.put_tasks(uow, "a", world.WEEK.add(days=1), [])
        world.put_tasks(uow, "a", world.WEEK, [])  # the week is made when missing
        [week] = uow.weeks.all("a")
        assert week.week_start == world.WEEK and week.settings.detour_factor == 1.3
        assert week.timezone == "Asia/Shanghai" and uow.weeks.get("a", world.WEEK) == week


def test_tasks_checked_before_the_roster_changed_are_checked_again_when_stored(
    make_uow: UowFactory,
) -> None:
    """The check runs in a read-only transaction before the write; when the roster changed in
    between (r-liu removed), the store checks again and refuses, storing nothing."""
    scenario = world.scenario()
    with make_uow() as uow:
        world.import_week(uow, world.AREA, scenario)
        uow.commit()
    at_liu = {**scenario["tasks"][0], "id": "t-visit-liu", "resident": "r-liu"}
    with make_uow(read_only=True) as reader:
        batch = reader.weeks.prepare_tasks(world.AREA, world.WEEK, [SentTask(at_liu)])
        one = reader.weeks.prepare_task(world.AREA, world.WEEK, SentTask(at_liu))
    with make_uow() as uow:
        uow.residents.delete(world.AREA, "r-liu")
        uow.commit()
    with make_uow() as uow, pytest.raises(ScenarioError, match="r-liu"):
        uow.weeks.store_tasks(world.AREA, world.WEEK, batch)
    with make_uow() as uow:
        with pytest.raises(ScenarioError, match="r-liu") as raised:
            uow.weeks.store_task(world.AREA, world.WEEK, one)
        assert raised.value.problems[0].path == "resident"  # relative to the task
    with make_uow(read_only=True) as reader:
        stored = reader.weeks.tasks(world.AREA, world.WEEK)
        assert [t.id for t in stored] == [t["id"] for t in scenario["tasks"]]


def test_prepared_tasks_read_as_they_are_stored(make_uow: UowFactory) -> None:
    """What a batch answers (built before the write) is what reading the week gives."""
    scenario = world.scenario()
    with make_uow() as uow:
        world.import_week(uow, world.AREA, scenario)
        uow.commit()
    with make_uow(read_only=True) as reader:
        sent = [SentTask(t) for t in scenario["tasks"][:2]]
        prepared = reader.weeks.prepare_tasks(world.AREA, world.NEXT_WEEK, sent)
    with make_uow() as uow:
        answered = uow.weeks.store_tasks(world.AREA, world.NEXT_WEEK, prepared)
        uow.commit()
    with make_uow(read_only=True) as reader:
        assert reader.weeks.tasks(world.AREA, world.NEXT_WEEK) == answered


def test_a_fixed_start_in_the_hour_that_comes_twice_reads_as_written(
    make_uow: UowFactory,
) -> None:
    """02:30 comes twice in Berlin on 25 October 2026 (a time in the spring's gap the loader
    refuses): the prepared tasks (the answer) and the week read back both say 02:30, the
    batch's and the one task's alike, through the row's UTC and zone."""
    monday = pendulum.Date(2026, 10, 19)
    scenario = {**world.scenario(monday), "timezone": "Europe/Berlin"}
    with make_uow() as uow:
        world.import_week(uow, "berlin", scenario)
        uow.commit()
    show = {**scenario["tasks"][2], "start": "2026-10-25T02:30"}
    other = {**show, "id": "t-show-2"}
    with make_uow(read_only=True) as reader:
        batch = reader.weeks.prepare_tasks("berlin", monday, [SentTask(show)])
        one = reader.weeks.prepare_task("berlin", monday, SentTask(other))
    written = dt.datetime(2026, 10, 25, 2, 30)
    assert [t.start for t in batch.tasks + one.tasks] == [written, written]
    with make_uow() as uow:
        uow.weeks.store_tasks("berlin", monday, batch)
        uow.weeks.store_task("berlin", monday, one)
        uow.commit()
    with make_uow(read_only=True) as reader:
        assert reader.weeks.tasks("berlin", monday) == batch.tasks + one.tasks


def test_one_prepared_task_carries_the_week_built_with_it(make_uow: UowFactory) -> None:
    """`prepare_task` gives the week its check built with the task in it (a recommendation
    plans on it instead of building it again): the same week as the one exported with the
    prepared task put last, for a flexible task and for a fixed start in Berlin's doubled hour."""
    monday = pendulum.Date(2026, 10, 19)
    scenario = {**world.scenario(monday), "timezone": "Europe/Berlin"}
    with make_uow() as uow:
        world.import_week(uow, "berlin", scenario)
        uow.commit()
    flexible = {**scenario["tasks"][0], "id": "t-new", "resident": "r-liu"}
    fixed = {**scenario["tasks"][2], "id": "t-show-2", "start": "2026-10-25T02:30"}
    for sent in (flexible, fixed):
        with make_uow(read_only=True) as reader:
            one = reader.weeks.prepare_task("berlin", monday, SentTask(sent))
            written = reader.weeks.export_scenario("berlin", monday)
        alone = replace(written, tasks=(*written.tasks, *one.tasks), expect=None)
        assert one.week is not None
        assert one.week == build_scenario(written_json(alone))
        assert list(one.week.tasks)[-1] == sent["id"]
