"""A new request against the published plan over HTTP: the options, the one chosen applied
and published (validated, audited, idempotent), and the refusals (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from mutualaid.contract.scenario import build_scenario
from mutualaid.validation import validate
from tests.adapters import world

from .conftest import Client

AREA = world.AREA
WEEK = world.WEEK.isoformat()
Headers = dict[str, str]
NEW = {
    "id": "t-visit-liu",
    "resident": "r-liu",
    "needs": [{"skill": "companionship", "count": 1}],
    "duration_minutes": 60,
    "windows": [{"days": ["tue"], "from": "09:00", "to": "11:30"}],
    "priority": "high",
}
URL = f"/weeks/{WEEK}/recommendations?area={AREA}"


def apply(client: Client, admin: Headers, option: str, key: str | None = None) -> Any:
    headers = {**admin, **({"Idempotency-Key": key} if key else {})}
    url = f"/weeks/{WEEK}/recommendations/{option}/apply?area={AREA}"
    return client.post(url, json=NEW, headers=headers)


def test_recommendations_name_who_when_and_the_effect_and_store_nothing(
    client: Client, admin: Headers, published: str
) -> None:
    answer = client.post(URL, json=NEW, headers=admin)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["plan_id"] == published and found["task"] == "t-visit-liu"
    people = {o["visit"]["volunteers"][0]["id"] for o in found["options"]}
    assert people == {"v-wang", "v-li"}
    for o in found["options"]:
        assert o["effect"]["served"] == {"urgent": 0, "high": 1, "normal": 0, "low": 0}
        assert o["visit"]["start"].startswith(world.WEEK.add(days=1).isoformat())
        assert o["text"]
    keys = [(-o["effect"]["continuity"], o["effect"]["travel_minutes"]) for o in found["options"]]
    assert keys == sorted(keys)  # the objective's order: continuity, then travel
    tasks = client.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json()
    assert "t-visit-liu" not in {t["id"] for t in tasks}


def test_applying_an_option_adds_the_task_and_publishes_a_valid_repair_once(
    client: Client, admin: Headers, published: str
) -> None:
    options = client.post(URL, json=NEW, headers=admin).json()["options"]
    chosen = options[-1]
    answer = apply(client, admin, chosen["id"], key="k-1")
    assert answer.status_code == 200, answer.text
    done = answer.json()
    assert done["published"] and done["option"]["id"] == chosen["id"]
    again = apply(client, admin, chosen["id"], key="k-1")
    assert again.status_code == 200 and again.json() == done
    assert again.headers.get("Idempotent-Replayed") == "true"
    plan = client.get(f"/plans/{done['plan_id']}", headers=admin).json()
    assert plan["kind"] == "repair" and plan["plan"]["repair"]["parent"] == published
    stored = client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin).json()
    scenario = build_scenario(stored)
    assert validate(scenario, plan["plan"]).ok
    given = {(a["task"], a["volunteers"][0]["id"]) for a in plan["plan"]["assignments"]}
    assert ("t-visit-liu", chosen["visit"]["volunteers"][0]["id"]) in given
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    assert [e["action"] for e in audit].count("recommendation.apply") == 1
    # the task is in the week now: asking or applying again without the key is refused
    assert client.post(URL, json=NEW, headers=admin).status_code == 409
    assert apply(client, admin, chosen["id"]).status_code == 409


def test_an_option_no_longer_offered_is_refused_and_stores_nothing(
    client: Client, admin: Headers, published: str
) -> None:
    answer = apply(client, admin, "000000000000")
    assert answer.status_code == 409, answer.text
    assert "recommendations again" in answer.json()["detail"]
    tasks = client.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json()
    assert "t-visit-liu" not in {t["id"] for t in tasks}


def test_bad_requests_are_named_and_a_week_without_a_plan_is_refused(
    client: Client, admin: Headers, published: str
) -> None:
    bad = client.post(URL, json={**NEW, "duration_minutes": "long"}, headers=admin)
    assert bad.status_code == 400, bad.text
    assert any("duration_minutes" in p["path"] for p in bad.json()["problems"])
    series = client.post(URL, json={**NEW, "every": ["mon"]}, headers=admin)
    assert series.status_code == 400 and series.json()["problems"][0]["path"] == "every"
    other = f"/weeks/{world.NEXT_WEEK.isoformat()}/recommendations?area={AREA}"
    assert client.post(other, json=NEW, headers=admin).status_code in (404, 409)
    zh = client.post(URL, json={**NEW, "id": "t-visit-zhang"},
                     headers={**admin, "Accept-Language": "zh"})  # fmt: skip
    assert zh.status_code == 409 and "已在本周中" in zh.json()["detail"]


def test_nobody_able_is_answered_with_the_reason(
    client: Client, admin: Headers, published: str
) -> None:
    answer = client.post(URL, json={**NEW, "needs": [{"skill": "sign_language"}]}, headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.json()["options"] == [] and answer.json()["reason"] == "no_skill"


def test_an_option_s_sentence_names_the_person_and_the_day_as_a_coordinator_reads_them(
    client: Client, admin: Headers, published: str
) -> None:
    """The sentence said 'v-wang，2026-12-01T09:00:00+08:00 开始；另有 0 项探访调整': an id and
    a machine's timestamp, and nothing to say as a count of nothing."""
    for lang, day in (("zh", "周二 12月1日"), ("en", "Tue 1 Dec")):
        found = client.post(URL, json=NEW, headers={**admin, "Accept-Language": lang}).json()
        for o in found["options"]:
            text = o["text"]
            assert day in text, text
            assert o["visit"]["start"] not in text and "T09" not in text, text
            ident = o["visit"]["volunteers"][0]["id"]
            assert {"v-wang": "王师傅", "v-li": "李姐"}[ident] in text and ident not in text, text
            if not o["moves"]:
                assert " 0 " not in text and "0 other" not in text, text


def test_a_double_click_whose_second_send_passed_the_key_check_first_is_answered_the_same(
    client: Client, admin: Headers, published: str, monkeypatch: Any
) -> None:
    """Found by two users at once (threads on a live server, SQLite): the same Idempotency-Key
    sent twice at once; the first applied it, the second answered 409 "task 't-…' is already
    in the week". Both had looked the key up before either stored it, so the second waited
    for the first and then read the week with the request in it. Here the second send's
    first look-up is made to miss (as it did then): it must answer as the first."""
    from mutualaid.adapters.access import SqlIdempotency

    options = client.post(URL, json=NEW, headers=admin).json()["options"]
    done = apply(client, admin, options[0]["id"], key="k-twice")
    assert done.status_code == 200, done.text
    real, missed = SqlIdempotency.lookup, []

    def lookup(self: Any, scope: str, key: str, digest: str) -> Any:
        if not missed:  # the look-up made before the first send stored its answer
            missed.append(key)
            return None
        return real(self, scope, key, digest)

    monkeypatch.setattr(SqlIdempotency, "lookup", lookup)
    again = apply(client, admin, options[0]["id"], key="k-twice")
    assert missed == ["k-twice"]
    assert again.status_code == 200, again.text
    assert again.json() == done.json() and again.headers.get("Idempotent-Replayed") == "true"
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    assert [e["action"] for e in audit].count("recommendation.apply") == 1
