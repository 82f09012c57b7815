"""A volunteer replaced under a published plan (SQLite and PostgreSQL): when the change breaks a
published visit (the validator's rules: fewer weekly hours than the visits take, a skill
dropped), the change is kept and the visits are planned again at once, published and told, in
the edit's transaction; the answer names the repair and who was told. A change every visit
still holds keeps the plan; while a solve runs, a change breaking a visit is refused (409,
en/zh) and nothing is stored."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from api.pages.roster_forms import values_of
from mutualaid.contract.roster import to_json
from mutualaid.services import access
from tests.adapters import world

from .conftest import Client, infra
from .test_pages import csrf, sign_in
from .test_task_edit_published import (
    AREA,
    Headers,
    published_id,
    published_plan_holds,
    visits,
)

WANG = "v-wang"


def wang() -> dict[str, Any]:
    return dict(next(v for v in world.scenario()["volunteers"] if v["id"] == WANG))


def minutes_of(client: Client, admin: Headers, volunteer: str) -> int:
    """The minutes of visits the published plan gives the volunteer this week."""
    plan = client.get(f"/plans/{published_id(client)}", headers=admin).json()["plan"]
    return sum(int(_at(a["end"]).diff(_at(a["start"])).in_minutes()) for a in plan["assignments"]
               if volunteer in [v["id"] for v in a["volunteers"]])  # fmt: skip


def _at(stamp: str) -> pendulum.DateTime:
    at = pendulum.parse(stamp)
    assert isinstance(at, pendulum.DateTime)
    return at


def put(client: Client, admin: Headers, body: dict[str, Any], lang: str = "en") -> Any:
    return client.put(f"/volunteers/{WANG}?area={AREA}", json=body,
                      headers={**admin, "Accept-Language": lang})  # fmt: skip


def test_hours_cut_below_the_published_visits_repair_the_week_and_say_who_was_told(
    client: Client, admin: Headers, published: str
) -> None:
    """Before: stored silently (200); the plan gave v-wang 150 minutes against 60 and his
    phone still showed every visit."""
    assert minutes_of(client, admin, WANG) > 60
    answer = put(client, admin, {**wang(), "max_hours_per_week": 1})
    assert answer.status_code == 200, answer.text
    assert answer.json()["max_hours_per_week"] == 1  # the change is kept
    repair = answer.headers["Repair-Plan"]
    assert published_id(client) == repair != published
    shown = client.get(f"/plans/{repair}", headers=admin).json()
    assert shown["kind"] == "repair" and shown["published_at"]
    assert WANG in answer.headers["Repair-Told"].split(",")
    assert minutes_of(client, admin, WANG) <= 60
    assert len(visits(client, admin, WANG)) < 2  # his phone shows only what he can do
    published_plan_holds(client, admin)
    told = client.get(f"/volunteers/{WANG}/notices?area={AREA}", headers=admin).json()
    assert told, told


def test_a_skill_dropped_moves_the_visit_that_needs_it(
    client: Client, admin: Headers, published: str
) -> None:
    assert any(v["task"] == "t-visit-zhang" for v in visits(client, admin, WANG))
    answer = put(client, admin, {**wang(), "skills": []})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Repair-Plan"] == published_id(client) != published
    assert not any(v["task"] == "t-visit-zhang" for v in visits(client, admin, WANG))
    published_plan_holds(client, admin)


def test_a_change_every_visit_still_holds_keeps_the_plan(
    client: Client, admin: Headers, published: str
) -> None:
    answer = put(client, admin, {**wang(), "phone": "13800000001", "max_hours_per_week": 8})
    assert answer.status_code == 200, answer.text
    assert "Repair-Plan" not in answer.headers
    assert published_id(client) == published


def test_a_change_breaking_a_visit_while_a_solve_runs_is_refused_storing_nothing(
    client: Client, admin: Headers, published: str
) -> None:
    runner = infra(client).runner
    runner.stop()  # the test holds the claim: no solve of ours ends it meanwhile
    try:
        with infra(client).uow() as uow:
            uow.plans.create(AREA, world.WEEK)
            uow.commit()
        with infra(client).uow() as uow:
            assert uow.plans.claim("the-test", 600.0) is not None
            uow.commit()
        for lang, words in (("en", "being made"), ("zh", "正在制定")):
            answer = put(client, admin, {**wang(), "max_hours_per_week": 1}, lang)
            assert answer.status_code == 409, answer.text
            assert words in answer.json()["detail"] and WANG in answer.json()["detail"]
        with infra(client).uow() as uow:
            assert to_json(uow.volunteers.get(AREA, WANG))["max_hours_per_week"] != 1
        assert published_id(client) == published
        # a change every visit still holds is stored all the same
        answer = put(client, admin, {**wang(), "phone": "13800000001"})
        assert answer.status_code == 200, answer.text
    finally:
        runner.start()


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "planned again"), ("zh", "已重新安排")], ids=["en", "zh"]
)
def test_the_desk_people_form_repairs_as_the_api_does_and_says_who_was_told(
    client: Client, admin: Headers, published: str, lang: str, words: str
) -> None:
    _, boss = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA])
    assert sign_in(client, boss).status_code in (302, 303)
    edit = f"/desk/{AREA}/roster/volunteers/{WANG}/edit"
    with infra(client).uow() as uow:
        shown = values_of("volunteers", to_json(uow.volunteers.get(AREA, WANG)))
    form = {k: ("on" if v else "") if isinstance(v, bool) else str(v) for k, v in shown.items()}
    form = {**form, "max_hours_per_week": "1", "_csrf_token": csrf(client, edit)}
    sent = client.post(edit, data=form, headers={"Accept-Language": lang}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert published_id(client) != published
    assert minutes_of(client, admin, WANG) <= 60
    page = client.get(sent.headers["location"], headers={"Accept-Language": lang}).text
    note = page.split(words)[1].split("<")[0] if words in page else ""
    assert "王师傅" in note, page  # told, by name


def test_a_people_import_cutting_hours_repairs_as_one_edit_does(
    client: Client, admin: Headers, published: str
) -> None:
    """A spreadsheet's row for v-wang with 1 hour a week: stored, and his published week
    repaired in the import's transaction, the answer naming the repair and who was told."""
    body = "id,name,max_hours_per_week\nv-wang,王师傅,1\n".encode()
    sent = {**admin, "Content-Type": "text/csv"}
    answer = client.post(f"/imports/volunteers?area={AREA}&store=true", content=body, headers=sent)
    assert answer.status_code == 200, answer.text
    with infra(client).uow() as uow:
        assert to_json(uow.volunteers.get(AREA, WANG))["max_hours_per_week"] == 1
    assert answer.headers["Repair-Plan"] == published_id(client) != published
    assert WANG in answer.headers["Repair-Told"].split(",")
    assert minutes_of(client, admin, WANG) <= 60
    published_plan_holds(client, admin)
