"""Bad input gets 400 with every problem's field path, unknown ids 404, conflicts 409 — one
body shape, never a 500 — and a failed request loses nothing already stored."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.adapters import world

from .conftest import Client

WEEK = world.WEEK.isoformat()
Q = f"?area={world.AREA}"


@pytest.fixture
def stored(client: Client, admin: dict[str, str]) -> dict[str, Any]:
    """The small world of the adapter tests, imported; what GET gives back for it."""
    answer = client.post(f"/weeks/{WEEK}/scenario{Q}", json=world.scenario(), headers=admin)
    assert answer.status_code == 200, answer.text
    return _everything(client, admin)


def _everything(client: Client, admin: dict[str, str]) -> dict[str, Any]:
    out = {kind: client.get(f"/{kind}{Q}", headers=admin).json() for kind in _KINDS}
    out["scenario"] = client.get(f"/weeks/{WEEK}/scenario{Q}", headers=admin).json()
    return out


_KINDS = ("sites", "teams", "volunteers", "residents")


def _problems(answer: Any) -> list[tuple[str, str]]:
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error"] == "invalid" and body["status_code"] == 400
    return [(p["path"], p["message"]) for p in body["problems"]]


BAD_TASKS = [
    {"id": "t-a", "resident": "r-zhang", "needs": [{"skill": "x", "count": 0}],
     "duration_minutes": 30, "windows": [{"days": ["tue"], "from": "09:00", "to": "11:00"}]},
    {"id": "t-b", "site": "nowhere", "needs": [{"skill": "x"}], "duration_minutes": 30,
     "windows": [{"days": ["tue"], "from": "09:00", "to": "11:00"}]},
    {"id": "t-c", "site": "centre", "needs": [{"skill": "x"}], "dureation_minutes": 30,
     "windows": [{"days": ["tue"], "from": "09:00", "to": "11:00"}]},
]  # fmt: skip


@pytest.mark.slow
def test_bad_tasks_get_every_field_path_and_the_week_keeps_its_tasks(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    answer = client.put(f"/weeks/{WEEK}/tasks{Q}", json=BAD_TASKS, headers=admin)
    paths = {path for path, _ in _problems(answer)}
    assert {"tasks[0].needs[0].count", "tasks[1].site", "tasks[2].dureation_minutes"} <= paths
    messages = dict(_problems(answer))
    assert messages["tasks[2].dureation_minutes"].startswith("unknown field 'dureation_minutes'")
    one = client.put(f"/weeks/{WEEK}/tasks/t-a{Q}", json=BAD_TASKS[0], headers=admin)
    assert ("needs[0].count", "must be a whole number > 0, got 0 (int)") in _problems(one)
    assert _everything(client, admin) == stored


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "media", "path", "line"),
    [
        (b"name: x\ntimezone: [unclosed\n", "application/yaml", "", 3),
        (b'{"name": "x",', "application/json", "", 1),
        (b"[1, 2]", "application/json", "", None),
        (b"\xff\xfe", "application/yaml", "", None),
        (
            b"name: x\ntimezone: Asia/Shanghai\nweek_start: 2026-12-01\n",
            "text/yaml",
            "week_start",
            3,
        ),
        (
            b"name: x\ntimezone: Asia/Shanghai\nweek_start: 2026-12-07\n",
            "application/yaml",
            "week_start",
            None,
        ),
    ],
    ids=["yaml-syntax", "json-syntax", "not-a-mapping", "not-utf8", "not-monday", "other-week"],
)
def test_a_bad_scenario_body_is_400_with_where_and_nothing_changes(
    client: Client, admin: dict[str, str], stored: dict[str, Any],
    body: bytes, media: str, path: str, line: int | None,
) -> None:  # fmt: skip
    answer = client.post(
        f"/weeks/{WEEK}/scenario{Q}", content=body, headers={**admin, "Content-Type": media}
    )
    assert answer.status_code == 400, answer.text
    problems = answer.json()["problems"]
    assert problems and problems[0]["path"] == path and problems[0]["message"]
    if line is not None:
        assert problems[0]["line"] == line
    assert _everything(client, admin) == stored


def _paths(answer: Any) -> list[str]:
    return [path for path, _ in _problems(answer)]


@pytest.mark.slow
def test_bad_roster_entities_areas_and_weeks_are_400_with_their_paths(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    volunteer = {"id": "v-new", "home": {"lat": 95, "lon": 113.6}, "mode": "rocket",
                 "availability": [{"days": ["mon"], "from": "9:00", "to": "08:00"}]}  # fmt: skip
    paths = _paths(client.post(f"/volunteers{Q}", json=volunteer, headers=admin))
    assert {"home", "mode", "availability[0]"} <= set(paths)
    mismatch = {"id": "other", "name": "x"}
    assert _paths(client.put(f"/sites/centre{Q}", json=mismatch, headers=admin)) == ["id"]
    assert _problems(client.put(f"/sites/centre{Q}", json=[1], headers=admin))
    area = {"id": "a b", "timezone": "Mars/Olympus"}
    assert _paths(client.post("/areas", json=area, headers=admin)) == ["id", "timezone"]
    unknown = {"id": "x", "timezone": "UTC", "zz": 1}
    assert _paths(client.post("/areas", json=unknown, headers=admin)) == ["zz"]
    as_json = {**admin, "Content-Type": "application/json"}
    assert _problems(client.post("/areas", content=b"{bad", headers=as_json))
    assert _paths(client.get(f"/weeks/2026-12-01/tasks{Q}", headers=admin)) == ["week_start"]
    assert _paths(client.get(f"/weeks/someday/tasks{Q}", headers=admin)) == ["week_start"]
    assert _paths(client.get("/sites", headers=admin)) == ["area"]
    assert _problems(client.get("/audit?limit=0", headers=admin))
    assert _everything(client, admin) == stored


@pytest.mark.slow
def test_unknown_ids_are_404_and_conflicts_409(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    for path in ("/plans/nope", f"/sites/nope{Q}", f"/weeks/2030-01-07/tasks{Q}",
                 f"/weeks/{WEEK}/tasks/nope{Q}", "/areas/nope", "/sites?area=nope"):  # fmt: skip
        answer = client.get(path, headers=admin)
        assert answer.status_code == 404, (path, answer.text)
        assert answer.json()["error"] == "not_found"
    assert client.get("/no/such/route", headers=admin).status_code == 404
    assert client.patch("/areas", headers=admin).json()["error"] == "method_not_allowed"
    # a team with members, a site a task uses, an id taken, a zone changed: 409, all kept
    for method, path, body in (
        ("DELETE", f"/teams/lions{Q}", None),
        ("DELETE", f"/sites/centre{Q}", None),
        ("POST", f"/sites{Q}", stored["sites"][0]),
        ("POST", "/areas", {"id": world.AREA, "timezone": world.ZONE}),
        ("PUT", f"/areas/{world.AREA}", {"timezone": "Europe/Paris"}),
    ):
        answer = client.request(method, path, json=body, headers=admin)
        assert answer.status_code == 409, (path, answer.text)
        assert answer.json()["error"] == "conflict"
    assert _everything(client, admin) == stored


@pytest.mark.slow
def test_the_schema_declares_the_errors_with_examples(client: Client) -> None:
    schema = client.get("/schema/openapi.json").json()
    put_tasks = schema["paths"]["/weeks/{week_start}/tasks"]["put"]
    for code in ("400", "401", "403", "404", "422", "429", "503"):
        content = put_tasks["responses"][code]["content"]["application/json"]
        assert content["examples"], code
    plans = schema["paths"]["/weeks/{week_start}/plans"]["post"]["responses"]
    assert {"202", "409"} <= set(plans)
    assert "ErrorBody" in schema["components"]["schemas"]
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


JUNK: list[Any] = [None, 0, -1.5, "x", [], {}, [None], [{}], {"id": 5}, {"id": ""},
                   {"id": "x", "name": None}, [{"id": "t", "needs": "many"}]]  # fmt: skip


@pytest.mark.slow
def test_no_body_makes_any_route_fail_with_a_server_error(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    from .test_access import ROUTES

    plan = client.post(f"/weeks/{WEEK}/plans{Q}", headers=admin).json()["id"]
    for route in ROUTES:
        path = (
            route.path.replace("{area:str}", world.AREA)
            .replace("{ident:str}", "centre")
            .replace("{week_start:str}", WEEK)
            .replace("{task:str}", "t-show")
            .replace("{plan_id:str}", plan)
            .replace("{token_id:str}", "nope")
        )
        url = f"{path}{Q}" if route.scoped else path
        bodies = JUNK if route.method in ("POST", "PUT") else [None]
        for body in bodies:
            answer = client.request(route.method, url, json=body, headers=admin)
            assert answer.status_code < 500, (route, body, answer.text)
            if answer.status_code >= 400:
                assert set(answer.json()) == {"status_code", "error", "detail", "problems"}


@pytest.mark.slow
def test_not_found_and_conflicts_read_in_chinese_under_zh(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    """What the store says back (unknown ids, things still in use, a zone that cannot change)
    comes from the catalogue, so a zh locale is complete there too."""
    zh = {**admin, "Accept-Language": "zh-CN,zh;q=0.9"}
    for path, words in (("/plans/nope", "计划"), (f"/weeks/2030-01-07/tasks{Q}", "周")):
        detail = client.get(path, headers=zh).json()["detail"]
        assert words in detail and "no " not in detail, detail
    for method, path, body, words in (
        ("DELETE", f"/teams/lions{Q}", None, "仍被使用"),
        ("PUT", f"/areas/{world.AREA}", {"timezone": "Europe/Paris"}, "时间按"),
    ):
        detail = client.request(method, path, json=body, headers=zh).json()["detail"]
        assert words in detail and "still used" not in detail, detail
    # an id taken names its kind in the request's language too, not the code's English word
    for path, body, kind, english in (
        (f"/sites{Q}", stored["sites"][0], "地点", "site '"),
        (f"/volunteers{Q}", stored["volunteers"][0], "志愿者", "volunteer '"),
        ("/areas", {"id": world.AREA, "timezone": world.ZONE}, "区域", "area '"),
    ):
        answer = client.post(path, json=body, headers=zh)
        detail = answer.json()["detail"]
        assert answer.status_code == 409 and "已存在" in detail, detail
        assert kind in detail and english not in detail, detail


def test_two_requests_in_two_languages_are_each_answered_in_their_own(
    client: Client, admin: dict[str, str], stored: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One app, requests in turn: each is worded in its Accept-Language, from the loader's
    problems and the store's refusals raised deep down to a token refused before any route;
    the process's environment plays no part (a server under MUTUALAID_LANG=zh still answers
    a request that asks for nothing in English)."""
    monkeypatch.setenv("MUTUALAID_LANG", "zh")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    zh = {**admin, "Accept-Language": "zh-Hans"}
    en = {**admin, "Accept-Language": "en-GB,en;q=0.9"}
    for _ in range(2):
        for headers, unknown, still_used, no_token in (
            (zh, "未知字段 'dureation_minutes'", "仍被使用", "请提供有效的令牌"),
            (en, "unknown field 'dureation_minutes'", "still used", "give a valid token"),
            (admin, "unknown field 'dureation_minutes'", "still used", "give a valid token"),
        ):
            answer = client.put(f"/weeks/{WEEK}/tasks{Q}", json=BAD_TASKS, headers=headers)
            assert dict(_problems(answer))["tasks[2].dureation_minutes"].startswith(unknown)
            answer = client.delete(f"/teams/lions{Q}", headers=headers)
            assert answer.status_code == 409 and still_used in answer.json()["detail"]
            anonymous = {k: v for k, v in headers.items() if k != "Authorization"}
            answer = client.get(f"/sites{Q}", headers=anonymous)
            assert answer.status_code == 401 and no_token in answer.json()["detail"]
    assert _everything(client, admin) == stored


# --- bounded input at the edge ---------------------------------------------------------------


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.slow
def test_json_nested_far_too_deep_is_400_on_every_kind_of_body(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    as_json = {**admin, "Content-Type": "application/json"}
    for depth in (33, 1_000, 100_000):
        for method, path in (
            ("PUT", f"/weeks/{WEEK}/tasks{Q}"),
            ("PUT", f"/weeks/{WEEK}/tasks/t-deep{Q}"),
            ("POST", "/areas"),
            ("POST", f"/weeks/{WEEK}/scenario{Q}"),
        ):
            body = (
                _nested(depth) if "scenario" not in path else b'{"name": ' + _nested(depth) + b"}"
            )
            answer = client.request(method, path, content=body, headers=as_json)
            messages = [message for _, message in _problems(answer)]
            assert any("nested deeper than 32 levels" in m for m in messages), (path, messages)
    assert _everything(client, admin) == stored


@pytest.mark.slow
def test_an_alias_bomb_is_refused_at_once_and_nothing_changes(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    bomb = ("\n".join(lines) + "\n").encode()
    assert len(bomb) < 600  # 10**9 values once expanded
    as_yaml = {**admin, "Content-Type": "application/yaml"}
    answer = client.post(f"/weeks/{WEEK}/scenario{Q}", content=bomb, headers=as_yaml)
    [(path, message)] = _problems(answer)
    assert path == "" and "more than 1,000,000 values" in message
    assert _everything(client, admin) == stored


@pytest.mark.slow
def test_a_raw_control_character_in_a_yaml_body_is_400_with_its_line(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    body = b"name: x\ntimezone: Asia/Shanghai\x00\nweek_start: 2026-11-30\n"
    as_yaml = {**admin, "Content-Type": "application/yaml"}
    answer = client.post(f"/weeks/{WEEK}/scenario{Q}", content=body, headers=as_yaml)
    assert answer.status_code == 400, answer.text
    [problem] = answer.json()["problems"]
    assert "U+0000" in problem["message"] and problem["line"] == 2
    assert _everything(client, admin) == stored


@pytest.mark.slow
def test_nul_and_control_characters_are_400_naming_where_and_nothing_changes(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    task = client.get(f"/weeks/{WEEK}/tasks{Q}", headers=admin).json()[0]
    cases: list[tuple[str, str, Any, str]] = [
        ("GET", f"/weeks/{WEEK}/tasks/t%00x{Q}", None, "task"),
        ("DELETE", f"/sites/cen%1btre{Q}", None, "ident"),
        ("GET", f"/weeks/{WEEK}/tasks?area=jing%00balu", None, "area"),
        ("GET", f"/weeks/{WEEK}/tasks?area=jingbalu%0A", None, "area"),
        ("PUT", f"/weeks/{WEEK}/tasks/{task['id']}{Q}", {**task, "title": "Visit\x00"}, "title"),
        ("PUT", f"/weeks/{WEEK}/tasks{Q}", [{**task, "id": "t\x00"}], "tasks[0].id"),
        ("POST", "/areas", {"id": "x", "timezone": "UTC", "name": "a\x07"}, "name"),
        ("POST", "/assignments/1/decline", {"reason": "ill\x00"}, "reason"),
        ("POST", f"/weeks/{WEEK}/scenario{Q}", {**stored["scenario"], "name": "w\x00"}, "name"),
    ]
    for method, path, body, where in cases:
        answer = client.request(method, path, json=body, headers=admin)
        problems = _problems(answer)
        assert any(p == where and "control character U+" in m for p, m in problems), (
            path,
            problems,
        )
    assert _everything(client, admin) == stored
    task["title"] = "Visit\tMrs Zhang\nbring tea"  # tabs and newlines are fine in free text
    answer = client.put(f"/weeks/{WEEK}/tasks/{task['id']}{Q}", json=task, headers=admin)
    assert answer.status_code == 200, answer.text


@pytest.mark.slow
@pytest.mark.parametrize("week", ["2026-W49-1", "20261130", "0001-01-01", "2026-11-30T00:00"])
def test_a_week_in_another_spelling_is_400_and_never_another_week(
    client: Client, admin: dict[str, str], stored: dict[str, Any], week: str
) -> None:
    answer = client.put(f"/weeks/{week}/tasks{Q}", json=[], headers=admin)
    assert _paths(answer) == ["week_start"]
    answer = client.get(f"/volunteers/v-zhao/assignments{Q}&week={week}", headers=admin)
    assert _paths(answer) == ["week"]
    assert _everything(client, admin) == stored


def test_an_empty_idempotency_key_is_400_naming_the_header(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    for key in ("", "   "):
        headers = {**admin, "Idempotency-Key": key}
        answer = client.put(f"/weeks/{WEEK}/tasks{Q}", json=[], headers=headers)
        [(path, message)] = _problems(answer)
        assert path == "Idempotency-Key" and "empty" in message
    assert _everything(client, admin) == stored


@pytest.mark.slow
def test_a_flat_yaml_body_past_the_bound_is_refused_and_nothing_changes(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    body = ("x: [" + ",".join(["1"] * 1_000_000) + "]\n").encode()
    as_yaml = {**admin, "Content-Type": "application/yaml"}
    answer = client.post(f"/weeks/{WEEK}/scenario{Q}", content=body, headers=as_yaml)
    [(path, message)] = _problems(answer)
    assert path == "" and "more than 1,000,000 values" in message
    answer = client.put(f"/weeks/{WEEK}/tasks{Q}", json=[0] * 1_000_000, headers=admin)
    [(path, message)] = _problems(answer)
    assert path == "tasks" and "more than 1,000,000 values" in message
    assert _everything(client, admin) == stored


@pytest.mark.slow
def test_a_list_wrong_in_every_item_gets_a_hundred_problems_and_a_count(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    answer = client.put(f"/weeks/{WEEK}/tasks{Q}", json=[0] * 100_000, headers=admin)
    problems = _problems(answer)
    assert len(problems) == 101
    assert problems[0] == ("", "checking stopped after 1,000 problems; fix these first")
    assert problems[1] == ("tasks[0]", "must be a mapping of fields, got 0 (int)")
    assert problems[-1] == ("", "and 901 more problems")
    assert answer.json()["detail"] == "1001 problems in the request; nothing was stored"
    assert _everything(client, admin) == stored


@pytest.mark.slow
def test_surrogates_long_text_and_look_alike_spellings_are_400_naming_where(
    client: Client, admin: dict[str, str], stored: dict[str, Any]
) -> None:
    import yaml

    as_yaml = {**admin, "Content-Type": "application/yaml"}
    text = yaml.safe_dump(stored["scenario"], allow_unicode=True, sort_keys=False)
    title = stored["scenario"]["tasks"][0]["title"]
    body = text.replace(f"title: {title}", 'title: "a\\ud800b"', 1).encode()
    answer = client.post(f"/weeks/{WEEK}/scenario{Q}", content=body, headers=as_yaml)
    assert [p for p, m in _problems(answer) if "U+D800" in m] == ["tasks[0].title"]
    task = client.get(f"/weeks/{WEEK}/tasks{Q}", headers=admin).json()[0]
    cases: list[tuple[str, str, Any, str, str]] = [
        ("PUT", f"/weeks/{WEEK}/tasks/{task['id']}{Q}", {**task, "title": "x" * 201},
         "title", "at most 200 characters"),
        ("PUT", f"/weeks/{WEEK}/tasks/{task['id']}{Q}", {**task, "title": "x" * 5_000_000},
         "title", "at most 2,000 characters"),
        ("PUT", f"/weeks/{WEEK}/tasks{Q}", [{**task, "id": "t-" + "x" * 99}],
         "tasks[0].id", "at most 100 characters"),
        ("PUT", f"/weeks/{WEEK}/tasks{Q}", [{**task, "id": "t-\u202eevil"}],
         "tasks[0].id", "bidirectional control U+202E"),
        ("POST", "/assignments/1/decline", {"reason": "x" * 3_000_000},
         "reason", "at most 2,000 characters"),
        ("POST", "/tokens", {"role": "admin", "name": "x" * 201}, "name", "at most 200"),
        ("POST", "/areas", {"id": "x", "timezone": "localtime"}, "timezone", "unknown time zone"),
        ("POST", "/areas", {"id": "x", "timezone": "right/UTC"}, "timezone", "unknown time zone"),
        ("GET", f"/weeks/%20{WEEK}/tasks{Q}", None, "week_start", "YYYY-MM-DD"),
        ("GET", f"/volunteers/v-zhao/assignments{Q}&week=%20{WEEK}", None, "week", "YYYY-MM-DD"),
        ("GET", f"/weeks/{WEEK}/tasks/t-%E2%80%AEx{Q}", None, "task", "bidirectional"),
    ]  # fmt: skip
    for method, path, body_, where, words in cases:
        answer = client.request(method, path, json=body_, headers=admin)
        problems = _problems(answer)
        assert any(p == where and words in m for p, m in problems), (path, problems)
    assert _everything(client, admin) == stored


def test_what_the_decoder_refuses_is_worded_in_the_request_language_naming_the_parameter(
    client: Client, admin: dict[str, str]
) -> None:
    """A parameter or body field of the wrong type is refused by Litestar's decoder before
    any handler: its words come from the catalogue too (no English left under zh), and a
    query parameter is not called the request body."""
    zh = {**admin, "Accept-Language": "zh-CN"}
    en = {**admin, "Accept-Language": "en"}
    cases = (
        ("GET", "/audit?limit=abc", None, "limit", "整数"),
        ("GET", "/audit?limit=-5", None, "limit", "1"),
        ("PUT", f"/areas/{world.AREA}/fairness", {"across_weeks": "yes"}, "across_weeks", "true"),
        ("PUT", f"/weeks/{WEEK}/tasks{Q}", {"a": 1}, "", "列表"),
        ("POST", "/assignments/1/decline", {"reason": 5}, "reason", "字符串"),
    )
    for method, path, body, where, word in cases:
        [(at, said)] = _problems(client.request(method, path, json=body, headers=zh))
        assert at == where and word in said, said
        assert not re.search(r"Expected|got|Object|Invalid", said), said
    [(at, said)] = _problems(client.get("/audit?limit=abc", headers=en))
    assert at == "limit" and "body" not in said and "whole number" in said, said
    [(_, said)] = _problems(client.put(f"/weeks/{WEEK}/tasks{Q}", content=b"{x", headers=zh))
    assert "JSON" in said and not re.search(r"[a-z]{4,}", said), said


@pytest.mark.parametrize(
    "lang, stored_words, count_words",
    [("en", "nothing was stored", "problem in the request"), ("zh", "未保存任何内容", "个问题")],
)
def test_a_400_says_nothing_was_stored_only_where_the_request_could_have_written(
    client: Client, admin: dict[str, str], stored: dict[str, Any], lang: str, stored_words: str,
    count_words: str,
) -> None:  # fmt: skip
    """`GET /weeks/2026-12-01/tasks` (a Tuesday) ended '…; nothing was stored': a read
    stores nothing whatever it asks, so its 400 only counts the problems (found by the
    outsider's attack). A write's 400 still says it."""
    said = {**admin, "Accept-Language": lang}
    reads = [
        client.get(f"/weeks/2026-12-01/tasks{Q}", headers=said),
        client.get("/audit?limit=abc", headers=said),
        client.get(f"/volunteers/v-zhao/assignments{Q}&week=2026-12-01", headers=said),
    ]
    for answer in reads:
        assert answer.status_code == 400, answer.text
        detail = answer.json()["detail"]
        assert count_words in detail and stored_words not in detail, detail
    write = client.put(f"/weeks/2026-12-01/tasks{Q}", json=[], headers=said)
    assert write.status_code == 400 and stored_words in write.json()["detail"], write.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_body_past_the_servers_limit_is_refused_in_the_requests_language(
    client: Client, admin: dict[str, str], lang: str
) -> None:
    """A 10 MiB upload was answered 413 "Request Entity Too Large" in English under zh,
    saying neither the limit nor that nothing was stored."""
    said = {**admin, "Accept-Language": lang, "Content-Type": "text/csv"}
    answer = client.post("/imports/volunteers?area=jingbalu", content=b"x" * 10_485_760,
                         headers=said)  # fmt: skip
    assert answer.status_code == 413, answer.text
    detail = answer.json()["detail"]
    assert "Entity" not in detail and "10,000,000" in detail, detail
    if lang == "zh":
        assert not re.findall(r"[A-Za-z]{3,}", detail), detail
