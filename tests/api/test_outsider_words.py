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
