"""What the outsider's attack of stop 20 found in the words a person reads (SQLite and
PostgreSQL): each test names what was said before its fix."""

from __future__ import annotations

import re

import pytest

from mutualaid.services import access, plans

from .conftest import infra, wait_for
from .test_pages import AREA, WEEK, Desk, desk, sign_in  # noqa: F401  (desk is a fixture)


def publish(desk: Desk) -> None:  # noqa: F811
    uow = infra(desk.client).uow
    requested = plans.request_plan(uow(), infra(desk.client).runner, access.CLI, AREA, WEEK)
    wait_for(lambda: not plans.get_plan(uow(), access.CLI, requested.id).active)
    plans.publish_plan(uow(), infra(desk.client).repairer, access.CLI, requested.id)


@pytest.mark.parametrize("lang, word", [("zh", "家电维修")])
def test_a_volunteer_s_week_says_their_role_as_the_skill_in_their_language(
    desk: Desk,  # noqa: F811
    lang: str,
    word: str,
) -> None:
    """The phone's week said '角色 appliance repair' (the skill's id, underscores as spaces)
    beside Chinese, where the catalogue has 家电维修; the calendar said 'appliance_repair'."""
    publish(desk)
    sign_in(desk.client, desk.secrets["volunteer"])
    headers = {"Accept-Language": lang}
    page = desk.client.get(f"/my?week={WEEK}", headers=headers)
    assert page.status_code == 200
    roles = re.findall(r"<dt>角色</dt><dd>([^<]*)</dd>", page.text)
    assert roles and set(roles) == {word}, roles
    ics = desk.client.get(f"/my/calendar.ics?week={WEEK}", headers=headers)
    assert ics.status_code == 200
    text = ics.text.replace("\r\n ", "")  # the calendar folds its long lines
    said = re.findall(r"角色：?\s*([^\\\n]*)", text)
    assert said and all(word in r for r in said) and "appliance_repair" not in text, said


def test_the_api_keeps_the_role_s_id_for_programs(desk: Desk) -> None:  # noqa: F811
    publish(desk)
    _, secret = access.create_token(
        infra(desk.client).uow(), access.CLI, "volunteer", [AREA], "v-wang"
    )
    answer = desk.client.get(
        f"/volunteers/v-wang/assignments?week={WEEK}",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "zh"},
    )
    assert answer.status_code == 200, answer.text
    roles = {a["role_name"] for a in answer.json()["assignments"]}
    assert "appliance_repair" in roles, roles


def test_the_decline_form_of_a_visit_already_declined_sends_the_volunteer_to_their_week(
    desk: Desk,  # noqa: F811
) -> None:
    """After a decline, the back button (or a second tab) opened the form again and said
    'page not found: no such assignment 1' (404), though the volunteer had declined it."""
    publish(desk)
    sign_in(desk.client, desk.secrets["volunteer"])
    zh = {"Accept-Language": "zh"}
    mine = desk.client.get(f"/my?week={WEEK}", headers=zh)
    [first, *_] = re.findall(r"/my/assignments/(\d+)/decline", mine.text)
    form = desk.client.get(f"/my/assignments/{first}/decline", headers=zh)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    assert token
    done = desk.client.post(
        f"/my/assignments/{first}/decline",
        data={"_csrf_token": token.group(1), "reason": "病了"},
        headers=zh,
    )
    assert done.status_code == 200, done.text
    again = desk.client.get(f"/my/assignments/{first}/decline", headers=zh, follow_redirects=False)
    assert again.status_code == 303, again.text
    assert again.headers["location"] == f"/my?week={WEEK}"
    week = desk.client.get(again.headers["location"], headers=zh)
    assert "您已婉拒这次服务" in week.text, week.text


def test_the_decline_form_of_another_volunteer_s_visit_is_still_refused(
    desk: Desk,  # noqa: F811
) -> None:
    publish(desk)
    sign_in(desk.client, desk.secrets["volunteer"])
    mine = {int(i) for i in re.findall(r"/my/assignments/(\d+)/", desk.client.get("/my").text)}
    with infra(desk.client).reader() as reader:
        theirs = next(i for i in range(1, 100) if i not in mine and reader.assignments.get(i))
        assert reader.assignments.get(theirs).volunteer != "v-wang"
    answer = desk.client.get(f"/my/assignments/{theirs}/decline", follow_redirects=False)
    assert answer.status_code == 403


def test_the_roster_says_each_volunteer_s_skills_in_the_coordinator_s_language(
    desk: Desk,  # noqa: F811
) -> None:
    """The roster listed 'appliance_repair, home_repair' under zh, where the week's table beside
    it says 家电维修 (the id stays in the title, as the form takes ids)."""
    sign_in(desk.client, desk.secrets["coordinator"])
    page = desk.client.get(f"/desk/{AREA}/roster/volunteers", headers={"Accept-Language": "zh"})
    assert page.status_code == 200
    [row] = [r for r in page.text.split("<tr") if "v-wang" in r]
    assert "家电维修" in row and ">appliance_repair" not in row, row
    assert 'title="appliance_repair"' in row, row


def test_a_long_title_on_the_plan_s_map_is_cut_short_and_kept_whole_in_its_tooltip(
    desk: Desk,  # noqa: F811
) -> None:
    """A 200-character title ran past the map's right edge (its label is one SVG line)."""
    _, admin = access.create_token(infra(desk.client).uow(), access.CLI, "admin", [])
    long = "修理" * 100
    task = {"id": "t-long", "title": long, "priority": "urgent", "duration_minutes": 60,
            "location": {"lat": 34.782, "lon": 113.685},
            "windows": [{"days": ["tue"], "from": "09:00", "to": "17:00"}],
            "needs": [{"skill": "appliance_repair", "count": 1}]}  # fmt: skip
    put = desk.client.put(f"/weeks/{WEEK}/tasks/t-long?area={AREA}", json=task,
                          headers={"Authorization": f"Bearer {admin}"})  # fmt: skip
    assert put.status_code == 201, put.text
    uow = infra(desk.client).uow
    publish(desk)
    [plan] = plans.list_plans(uow(), access.CLI, AREA, WEEK)
    sign_in(desk.client, desk.secrets["coordinator"])
    page = desk.client.get(f"/desk/{AREA}/weeks/{WEEK}/plans/{plan.id}").text
    labels = re.findall(r'<text [^>]*class="map-label">([^<]*)</text>', page)
    [cut] = [x for x in labels if x.startswith("修理")]
    assert len(cut) <= 25 and cut.endswith("…"), cut
    assert f"<title>{long}</title>" in page
