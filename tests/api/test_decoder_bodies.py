"""A body Litestar's decoder (msgspec) refuses as bytes — not UTF-8, cut short, empty — is
said in the request's language like its other refusals (api.decoding): under zh, msgspec's
English ('Invalid UTF-8 encoded string', 'Input data was truncated') was passed through, and
an empty body was answered with the bare name of the handler's parameter, `'data'`."""

from __future__ import annotations

import re

import pytest

from tests.adapters import world

from .conftest import Client

WEEK = world.WEEK.isoformat()
Q = f"?area={world.AREA}"

BODIES = {
    "not UTF-8": (b'{"id": "\xff\xfe"}', "UTF-8"),
    "cut short": (b'{"id":', "结束"),
    "empty": (b"", "空"),
}


@pytest.mark.parametrize("case", sorted(BODIES))
@pytest.mark.parametrize(
    "path", [f"/weeks/{WEEK}/tasks/t-new{Q}", f"/weeks/{WEEK}/tasks{Q}", "/assignments/1/decline"]
)
def test_a_body_the_decoder_cannot_read_is_said_in_chinese(
    client: Client, admin: dict[str, str], case: str, path: str
) -> None:
    body, word = BODIES[case]
    if case == "empty" and path.startswith("/assignments"):
        pytest.skip("a decline's body is optional: no body is a decline without a reason")
    method = "POST" if path.startswith("/assignments") else "PUT"
    headers = {**admin, "Accept-Language": "zh-CN", "Content-Type": "application/json"}
    answer = client.request(method, path, content=body, headers=headers)
    assert answer.status_code == 400, answer.text
    [problem] = answer.json()["problems"]
    said = problem["message"]
    assert word in said, said
    english = [w for w in re.findall(r"[A-Za-z]{3,}", said) if w not in {"JSON", "UTF"}]
    assert not english, said
    assert "'data'" not in said, said


def test_an_empty_body_is_said_as_such_in_english(client: Client, admin: dict[str, str]) -> None:
    headers = {**admin, "Accept-Language": "en", "Content-Type": "application/json"}
    answer = client.put(f"/weeks/{WEEK}/tasks/t-new{Q}", content=b"", headers=headers)
    assert answer.status_code == 400, answer.text
    [problem] = answer.json()["problems"]
    assert "empty" in problem["message"] and "'data'" not in problem["message"], problem


@pytest.mark.parametrize("lang, words", [("zh", ["json", "csv"]), ("en", ["json", "csv"])])
def test_a_report_format_outside_json_and_csv_names_the_two_in_the_language(
    client: Client, admin: dict[str, str], lang: str, words: list[str]
) -> None:
    """Found by the outsider's attack: `?format=xml` answered, under zh too, msgspec's
    "Expected `str` matching regex '^(json|csv)$'", a regex no coordinator reads."""
    headers = {**admin, "Accept-Language": lang}
    answer = client.get(f"/reports/weeks/{WEEK}{Q}&format=xml", headers=headers)
    assert answer.status_code == 400, answer.text
    [problem] = answer.json()["problems"]
    said = problem["message"]
    assert problem["path"] == "format", problem
    assert all(w in said for w in words), said
    assert "regex" not in said and "^" not in said and "Expected" not in said, said
    if lang == "zh":
        english = [w for w in re.findall(r"[A-Za-z]{3,}", said) if w not in words]
        assert not english, said


def test_a_regex_that_is_not_a_choice_is_said_as_a_form_not_as_msgspec_english() -> None:
    from api.decoding import worded
    from mutualaid.messages import using_locale

    with using_locale("zh"):
        said = worded("Expected `str` matching regex '^[0-9]{4}-[0-9]{2}$'")
    assert said.startswith("应为形如") and "Expected" not in said, said


def test_a_required_field_left_out_is_told_at_that_field(
    client: Client, admin: dict[str, str]
) -> None:
    """Found by the outsider's attack: `PUT /notices/webhook` with `{"url": …}` said
    "required field 'webhook_url' is missing" at the path '' (the body), not at the field."""
    headers = {**admin, "Accept-Language": "zh"}
    answer = client.put(f"/notices/webhook{Q}", json={"url": "https://x.example"}, headers=headers)
    assert answer.status_code == 400, answer.text
    [problem] = answer.json()["problems"]
    assert problem["path"] == "webhook_url", problem
    assert "webhook_url" in problem["message"], problem


@pytest.mark.parametrize(
    "sentence",
    [
        "Number out of range",
        "Integer value out of range",
        "Invalid RFC3339 encoded date",
        "Invalid RFC3339 encoded datetime",
        "Expected `datetime` with a timezone component",
        "Expected `datetime` with no timezone component",
        "Invalid UUID",
        "Invalid value 7",
    ],
)
def test_every_msgspec_sentence_a_body_can_meet_is_said_in_chinese(sentence: str) -> None:
    """msgspec's refusals not read by api.decoding came through in English under zh (a
    1e999 was 'Number out of range'): each is worded from the catalogue."""
    from api.decoding import worded
    from mutualaid.messages import using_locale

    with using_locale("zh"):
        said = worded(f"{sentence} - at `$.x`")
    assert said != sentence and not re.findall(r"[A-Za-z]{3,}", said), said


def test_a_number_too_large_in_a_mapping_body_names_no_made_up_path(
    client: Client, admin: dict[str, str]
) -> None:
    """An absence's body is read as a mapping: msgspec points at a value of it as `$[...]`,
    which the answer gave as the field's path ("[...]", naming nothing). The path stops at
    the last part the decoder knows (here the body itself)."""
    from tests.adapters import world as sample

    url = f"/volunteers/v-wang/absences?area={sample.AREA}"
    body = '{"from": 1e999, "to": "2026-12-01"}'
    for lang in ("en", "zh"):
        said = {**admin, "Accept-Language": lang, "Content-Type": "application/json"}
        answer = client.post(url, content=body, headers=said)
        assert answer.status_code == 400, answer.text
        [problem] = answer.json()["problems"]
        assert "[...]" not in problem["path"] and "..." not in problem["message"], problem
