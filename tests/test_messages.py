"""The en/zh catalogue: every sentence in both languages, with the same fields, chosen by
MUTUALAID_LANG."""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path

import pytest

from mutualaid.contract.scenario import parse_scenario
from mutualaid.errors import ScenarioError
from mutualaid.messages import CATALOGUE, locale, msg

ROOT = Path(__file__).resolve().parent.parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")
KEYS = sorted(CATALOGUE)


def fields(text: str) -> Counter[tuple[str, str, str | None]]:
    """The {fields} of a format string: name, format spec and conversion, with repeats."""
    return Counter(
        (name, spec or "", conversion)
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


def words(text: str) -> str:
    """The text with its {fields} taken out."""
    return "".join(literal for literal, *_ in string.Formatter().parse(text))


@pytest.fixture
def lang(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A clean locale environment: neither MUTUALAID_LANG nor LANG set."""
    monkeypatch.delenv("MUTUALAID_LANG", raising=False)
    monkeypatch.delenv("LANG", raising=False)
    return monkeypatch


@pytest.mark.parametrize("key", KEYS)
def test_every_key_has_english_and_chinese_text(key: str) -> None:
    entry = CATALOGUE[key]
    assert isinstance(entry, tuple) and len(entry) == 2
    en, zh = entry
    assert isinstance(en, str) and en.strip()
    assert isinstance(zh, str) and zh.strip()


@pytest.mark.parametrize("key", KEYS)
def test_chinese_text_uses_the_same_fields_as_english(key: str) -> None:
    en, zh = CATALOGUE[key]
    assert fields(zh) == fields(en)


# pure templates such as taken_item "{task} ({volunteers})" have no words to translate
WORDED = [key for key in KEYS if re.search("[A-Za-z]", words(CATALOGUE[key][0]))]


@pytest.mark.parametrize("key", WORDED)
def test_chinese_text_is_written_in_chinese(key: str) -> None:
    zh = CATALOGUE[key][1]
    assert CHINESE.search(words(zh)), zh


@pytest.mark.parametrize("key", KEYS)
def test_every_message_formats_in_both_languages(key: str, lang: pytest.MonkeyPatch) -> None:
    en, _ = CATALOGUE[key]
    values = {name: 0.5 if spec else "X" for (name, spec, _), _n in fields(en).items()}
    for code in ("en", "zh"):
        lang.setenv("MUTUALAID_LANG", code)
        text = msg(key, **values)
        assert "{" not in text.replace("{from, to}", "")


def test_msg_switches_with_mutualaid_lang(lang: pytest.MonkeyPatch) -> None:
    lang.setenv("MUTUALAID_LANG", "en")
    assert msg("unknown_field", key="dureation_minutes") == "unknown field 'dureation_minutes'"
    lang.setenv("MUTUALAID_LANG", "zh")
    assert msg("unknown_field", key="dureation_minutes") == "未知字段 'dureation_minutes'"
    lang.setenv("MUTUALAID_LANG", "en")
    assert msg("missing_field") == "required field is missing"


def test_english_is_the_default(lang: pytest.MonkeyPatch) -> None:
    assert locale() == "en"
    assert msg("missing_field") == "required field is missing"


def test_a_chinese_lang_is_used_when_mutualaid_lang_is_unset(lang: pytest.MonkeyPatch) -> None:
    lang.setenv("LANG", "zh_CN.UTF-8")
    assert locale() == "zh"
    assert msg("missing_field") == "缺少必填字段"


def test_mutualaid_lang_wins_over_lang(lang: pytest.MonkeyPatch) -> None:
    lang.setenv("LANG", "zh_CN.UTF-8")
    lang.setenv("MUTUALAID_LANG", "en")
    assert locale() == "en"


def test_an_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        msg("no_such_message")


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    named = set()
    for folder in ("mutualaid", "solver", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            named |= set(re.findall(r"""\bmsg\(\s*["']([a-z0-9_]+)["']""", path.read_text("utf-8")))
    assert named, "found no msg(...) calls: the search pattern is out of date"
    assert sorted(named - set(CATALOGUE)) == []


def test_a_scenario_error_under_zh_uses_the_chinese_text(lang: pytest.MonkeyPatch) -> None:
    lang.setenv("MUTUALAID_LANG", "zh")
    text = (
        "name: 测试周\n"
        "timezone: Asia/Shanghai\n"
        "week_start: 2026-12-01\n"
        "tasks:\n"
        "  - id: t-visit\n"
        "    dureation_minutes: 60\n"
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "周计划.yaml")
    rendered = str(caught.value)
    assert "周计划.yaml:3: week_start: week_start 2026-12-01 是" in rendered
    assert "不是星期一" in rendered
    assert "未知字段 'dureation_minutes'（是否想写 'duration_minutes'？）" in rendered
    assert "缺少必填字段" in rendered
    assert "unknown field" not in rendered and "required field" not in rendered
