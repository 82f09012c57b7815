"""Addresses and phones (issue 9 item 7): kept on the roster, given to those entitled — the
area's coordinator, and a volunteer for the places of their own visits and the people they go
with — and to nobody else; on the volunteer's phone, their printed week and the JSON."""

from __future__ import annotations

import pytest

from mutualaid.contract.roster import to_json as roster_json
from mutualaid.contract.scenario import read_scenario_text
from mutualaid.services import access, roster

from .conftest import infra
from .test_pages import AREA, WEEK, Desk, sign_in
from .test_paper import _result, _solve, _text, desk  # noqa: F401  (the fixture)


def _with_contacts(d: Desk) -> None:
    uow = infra(d.client).uow
    for kind in ("residents", "volunteers", "sites"):
        for e in roster.list_entities(uow(), access.CLI, kind, AREA):
            contact = {"address": f"{e.id} 号楼", "phone": f"tel-{e.id}"}
            roster.put_entity(uow(), access.CLI, kind, AREA, e.id, {**roster_json(e), **contact})


def test_a_volunteer_sees_the_contacts_of_their_own_visits_and_companions(desk: Desk) -> None:  # noqa: F811
    _with_contacts(desk)
    plan_id = _solve(desk, publish=True)
    result = _result(desk, plan_id)
    headers = {"Authorization": f"Bearer {desk.secrets['volunteer']}"}
    mine = f"/volunteers/v-wang/assignments?area={AREA}&week={WEEK}"
    got = desk.client.get(mine, headers=headers)
    assert got.status_code == 200
    seen = got.json()["assignments"]
    assert seen, "the sample plan gives v-wang nothing"
    for a in seen:  # the site's contact, else the resident's
        assert a["phone"].startswith("tel-") and a["address"].endswith("号楼")
        for c in a["co_volunteers"]:
            assert c["phone"] == f"tel-{c['id']}"
    # nobody else's: the roster is the coordinator's, not the volunteer's
    assert desk.client.get(f"/residents?area={AREA}", headers=headers).status_code == 403
    coordinator = {"Authorization": f"Bearer {desk.secrets['coordinator']}"}
    residents = desk.client.get(f"/residents?area={AREA}", headers=coordinator).json()
    assert all(r["phone"] == f"tel-{r['id']}" for r in residents)
    # the volunteer's printed week: the place's address, and travel where the plan has it
    sign_in(desk.client, desk.secrets["volunteer"])
    desk.client.cookies.set("lang", "en")
    text = _text(desk.client.get(f"/print/{AREA}/{WEEK}/sheets").text)
    assert "Address" in text and "号楼" in text
    if result.get("routes", {}).get("v-wang"):
        assert "min from home" in text


def test_a_coordinators_sheets_show_every_contact(desk: Desk) -> None:  # noqa: F811
    _with_contacts(desk)
    _solve(desk, publish=True)
    sign_in(desk.client, desk.secrets["coordinator"])
    desk.client.cookies.set("lang", "zh")
    text = _text(desk.client.get(f"/print/{AREA}/{WEEK}/sheets").text)
    assert "地址" in text and "电话" in text and "tel-" in text


def test_the_scenario_format_reads_and_checks_contacts() -> None:
    base = f"""name: x
timezone: Asia/Shanghai
week_start: "{WEEK}"
sites: [{{id: s1, location: {{lat: 34.7, lon: 113.6}}, address: 经八路 1 号, phone: "0371-1"}}]
residents: [{{id: r1, location: {{lat: 34.7, lon: 113.6}}, phone: 13800000000}}]
volunteers: [{{id: v1, home: {{lat: 34.7, lon: 113.6}}, address: "{{bad}}"}}]
"""
    scenario, _ = read_scenario_text(base.replace('"{bad}"', "二七路 3 号"))
    assert scenario.sites["s1"].address == "经八路 1 号"
    assert scenario.residents["r1"].phone == "13800000000"
    assert scenario.volunteers["v1"].address == "二七路 3 号"
    with pytest.raises(Exception, match=r"volunteers\[0\]\.address"):
        read_scenario_text(base.replace('"{bad}"', "[not, text]"))


def test_a_visit_the_volunteer_declined_no_longer_gives_them_its_contacts(desk: Desk) -> None:  # noqa: F811
    """Entitled while they go: once declined (or moved to someone else) the visit stays in
    their list and calendar, cancelled, without the resident's or companions' phones."""
    _with_contacts(desk)
    _solve(desk, publish=True)
    headers = {"Authorization": f"Bearer {desk.secrets['volunteer']}"}
    mine = f"/volunteers/v-wang/assignments?area={AREA}&week={WEEK}"
    first = desk.client.get(mine, headers=headers).json()["assignments"][0]
    sent = desk.client.post(f"/assignments/{first['id']}/decline", json={}, headers=headers)
    assert sent.status_code == 200
    ics = desk.client.get(f"/volunteers/v-wang/calendar.ics?area={AREA}&week={WEEK}",
                          headers=headers).text  # fmt: skip
    cancelled = [e for e in ics.split("BEGIN:VEVENT")[1:] if "STATUS:CANCELLED" in e]
    assert cancelled, "the declined visit is not in the calendar"
    assert not any("tel-" in e or "号楼" in e for e in cancelled)
    for a in desk.client.get(mine, headers=headers).json()["assignments"]:
        if a["state"] in ("declined", "withdrawn"):
            assert a["phone"] is None and a["address"] is None
            assert all(c["phone"] is None for c in a["co_volunteers"])
