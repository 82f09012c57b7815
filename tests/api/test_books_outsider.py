"""An outsider's attack on the books (issue 11, items 1-3 and 7), as a sub-district office that
must answer for every request and every volunteer hour would make it, on SQLite and
PostgreSQL: each test names what was wrong before it was fixed."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

from tests.adapters import world

from .conftest import Client
from .test_books_api import PAST, REQUEST, publish, token

AREA = world.AREA
Headers = dict[str, str]
TUESDAY = PAST.add(days=1).isoformat()
"""The day of t-visit-zhang (09:00-10:00 planned, v-wang)."""


@pytest.fixture
def coordinator(client: Client, admin: Headers) -> Headers:
    """The past week stored (its visits may be marked whatever day the tests run)."""
    answer = client.post(f"/weeks/{PAST.isoformat()}/scenario?area={AREA}",
                         json=world.scenario(PAST), headers=admin)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return token(client, "coordinator")


def ledger_total(client: Client, headers: Headers) -> int:
    return int(client.get(f"/areas/{AREA}/ledger", headers=headers).json()["total_minutes"])


def test_one_actual_time_alone_past_the_other_planned_one_is_refused(
    client: Client, coordinator: Headers
) -> None:
    """An actual start after the planned end (or an actual end before the planned start),
    the other left out, was a done visit of 0 minutes: 200, a credit of nothing, no error."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    for field, at in (
        ("actual_start", "10:30"),
        ("actual_end", "08:30"),
        ("actual_start", "10:00"),
    ):
        answer = client.post(f"/assignments/{zhang}/done", headers=coordinator,
                             json={field: f"{TUESDAY}T{at}:00+08:00"})  # fmt: skip
        assert answer.status_code == 400, (field, at, answer.text)
        [problem] = answer.json()["problems"]
        assert problem["path"] == field
    assert client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json() is None
    assert ledger_total(client, coordinator) == 0
    fine = client.post(f"/assignments/{zhang}/done", headers=coordinator,
                       json={"actual_start": f"{TUESDAY}T09:40:00+08:00"})  # fmt: skip
    assert [e["minutes"] for e in fine.json()["entries"]] == [20]


def test_a_visit_marked_cannot_be_declined_until_unmarked(
    client: Client, coordinator: Headers
) -> None:
    """A visit marked done could then be declined: the repair gave the task to someone else,
    who could be credited for it too, while the first volunteer kept their hours and the
    visit could no longer be corrected (declined: not markable)."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    wang = token(client, "volunteer", "v-wang")
    assert client.post(f"/assignments/{zhang}/done", headers=wang).status_code == 200
    declined = client.post(f"/assignments/{zhang}/decline", headers=wang, json={"reason": "x"})
    assert declined.status_code == 409, declined.text
    assert "done" in declined.json()["detail"]
    zh = client.post(f"/assignments/{zhang}/decline",
                     headers={**wang, "Accept-Language": "zh"})  # fmt: skip
    assert zh.status_code == 409 and "撤销" in zh.json()["detail"]
    mine = client.get(f"/volunteers/v-wang/assignments?week={PAST.isoformat()}", headers=wang)
    states = {a["id"]: a["state"] for a in mine.json()["assignments"]}
    assert states[zhang] == "pending"
    assert ledger_total(client, coordinator) == 60
    assert client.delete(f"/assignments/{zhang}/outcome", headers=wang).status_code == 200
    again = client.post(f"/assignments/{zhang}/decline", headers=wang, json={"reason": "x"})
    assert again.status_code == 200, again.text


def test_a_redemption_of_no_minutes_is_a_bad_field_not_a_conflict(
    client: Client, coordinator: Headers
) -> None:
    """0 or negative minutes answered 409 'clashes with what is stored', naming no field."""
    client.post(f"/areas/{AREA}/requests", json=REQUEST, headers=coordinator)
    for minutes in (0, -5):
        answer = client.post(f"/areas/{AREA}/redemptions", headers=coordinator,
                             json={"volunteer": "v-wang", "request": "r-liu-chat",
                                   "minutes": minutes})  # fmt: skip
        assert answer.status_code == 400, answer.text
        assert answer.json()["problems"][0]["path"] == "minutes"


def test_a_redemption_sent_twice_with_its_key_is_written_once(
    client: Client, coordinator: Headers
) -> None:
    """A double submit of a redemption took the minutes twice: two entries, two debits."""
    visits = publish(client)
    client.post(f"/assignments/{visits['t-visit-zhang/v-wang']}/done", headers=coordinator)
    client.post(f"/areas/{AREA}/requests", json=REQUEST, headers=coordinator)
    body = {"volunteer": "v-wang", "request": "r-liu-chat", "minutes": 20}
    keyed = {**coordinator, "Idempotency-Key": "redeem-1"}
    first = client.post(f"/areas/{AREA}/redemptions", headers=keyed, json=body)
    second = client.post(f"/areas/{AREA}/redemptions", headers=keyed, json=body)
    assert (first.status_code, second.status_code) == (201, 201), second.text
    assert first.json() == second.json()
    assert ledger_total(client, coordinator) == 40
    other = client.post(f"/areas/{AREA}/redemptions", headers=keyed, json={**body, "minutes": 5})
    assert other.status_code == 422, other.text
    assert ledger_total(client, coordinator) == 40


def test_csv_exports_of_an_area_named_in_chinese(
    client: Client, coordinator: Headers, admin: Headers
) -> None:
    """The report's CSV named its file with the area's id: a Chinese id is not Latin-1, and
    the answer was a 500. The ledger's CSV over HTTP had no BOM (Excel showed the Chinese
    notes as mojibake) and no names, only ids."""
    area = "二七区"
    stored = client.post(f"/weeks/{PAST.isoformat()}/scenario?area={quote(area)}",
                         json=world.scenario(PAST), headers=admin)  # fmt: skip
    assert stored.status_code == 200, stored.text
    for kind, label in (("weeks", PAST.isoformat()), ("months", "2026-11")):
        answer = client.get(f"/reports/{kind}/{label}?area={quote(area)}&format=csv",
                            headers=admin)  # fmt: skip
        assert answer.status_code == 200, answer.text
        assert answer.content.startswith(b"\xef\xbb\xbf")
        assert (
            "二七区" in answer.headers["content-disposition"]
            or "%E4%BA%8C" in (answer.headers["content-disposition"])
        )
    zhang = publish(client)["t-visit-zhang/v-wang"]
    client.post(f"/assignments/{zhang}/done", headers=coordinator, json={"feedback": "好"})
    exported = client.get(f"/areas/{AREA}/ledger.csv", headers=coordinator)
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["volunteer"], r["name"], r["minutes"]) for r in rows] == [("v-wang", "王师傅", "60")]


def test_a_visit_that_did_not_happen_is_not_served_in_the_report(
    client: Client, coordinator: Headers
) -> None:
    """The week's report counted a task whose every visit was marked missed as served, and
    its resident as reached; the backlog and the waited report already said it was not."""
    visits = publish(client)
    zhang = visits["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/missed", headers=coordinator).status_code == 200
    r = client.get(f"/reports/weeks/{PAST.isoformat()}?area={AREA}", headers=coordinator).json()
    assert (r["received"], r["served"], r["unserved"]) == (4, 3, {"missed": 1})
    assert r["by_priority"]["high"] == {"received": 1, "served": 0}
    assert r["residents"]["reached"] == 0
    table = client.get(f"/reports/weeks/{PAST.isoformat()}?area={AREA}&format=csv",
                       headers=coordinator).content.decode("utf-8-sig")  # fmt: skip
    assert "unserved,missed,,1,tasks" in table
