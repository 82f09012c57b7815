"""The en/zh catalogue: every sentence in both languages, with the same fields, in the
language the edge chose (a request's, the command line's MUTUALAID_LANG or LANG); sentences
kept as data (violations, errors' `Said`) worded in whatever language reads them."""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path

import pytest

from mutualaid.contract.scenario import parse_scenario
from mutualaid.errors import ScenarioError
from mutualaid.messages import (
    CATALOGUE,
    Said,
    language_of_environment,
    language_of_header,
    locale,
    msg,
    using_locale,
    violation_text,
)
from mutualaid.messages.checks import CHECKS
from mutualaid.messages.cli import CLI
from mutualaid.messages.ledger import LEDGER
from mutualaid.messages.notices import NOTICES
from mutualaid.messages.pages import PAGE_CATALOGUE
from mutualaid.messages.replan import REPLAN
from mutualaid.messages.replan_pages import REPLAN_PAGES
from mutualaid.messages.scenario import SCENARIO
from mutualaid.messages.service import SERVICE
from mutualaid.messages.spreadsheets import SPREADSHEETS
from mutualaid.services.ports import StoreBusy, WouldWithdraw
from mutualaid.validation import FORMAT, Violation

ROOT = Path(__file__).resolve().parent.parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")
KEYS = sorted(CATALOGUE)


def fields(text: str) -> Counter[tuple[str, str, str | None]]:
    """The {fields} of a format string: name, format spec and conversion, with repeats.

    A `plural:one:many` spec is English's noun for a count (Chinese needs none): it counts as none.
    """
    return Counter(
        (name, "" if (spec or "").startswith("plural:") else spec or "", conversion)
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


PARTS = {"scenario": SCENARIO, "checks": CHECKS, "service": SERVICE, "cli": CLI,
         "pages": PAGE_CATALOGUE, "ledger": LEDGER, "notices": NOTICES,
         "replan": REPLAN, "replan_pages": REPLAN_PAGES,
         "spreadsheets": SPREADSHEETS}  # fmt: skip


def test_the_catalogue_is_its_parts_with_no_key_in_two() -> None:
    """A key written in two parts would silently hide one of its sentences."""
    owners = Counter(key for part in PARTS.values() for key in part)
    assert [key for key, count in owners.items() if count > 1] == []
    assert set(CATALOGUE) == set(owners)
    for part in PARTS.values():
        assert all(CATALOGUE[key] == text for key, text in part.items())


def test_every_part_of_the_catalogue_is_a_module_of_at_most_500_lines() -> None:
    folder = ROOT / "mutualaid" / "messages"
    lengths = {p.name: len(p.read_text("utf-8").splitlines()) for p in folder.glob("*.py")}
    assert {f"{name}.py" for name in PARTS} <= set(lengths)
    assert {name: n for name, n in lengths.items() if n > 500} == {}


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
def test_every_message_formats_in_both_languages(key: str) -> None:
    en, _ = CATALOGUE[key]
    values = {name: 0.5 if spec else "X" for (name, spec, _), _n in fields(en).items()}
    for code in ("en", "zh"):
        with using_locale(code):
            text = msg(key, **values)
        assert "{" not in text.replace("{from, to}", "")


def test_msg_speaks_the_locale_the_edge_chose() -> None:
    with using_locale("en"):
        assert msg("unknown_field", key="dureation_minutes") == "unknown field 'dureation_minutes'"
        with using_locale("zh"):
            assert msg("unknown_field", key="dureation_minutes") == "未知字段 'dureation_minutes'"
        assert msg("missing_field") == "required field is missing"


def test_english_is_the_default(lang: pytest.MonkeyPatch) -> None:
    assert locale() == "en"
    assert msg("missing_field") == "required field is missing"


def test_nothing_below_the_edge_reads_the_environment(lang: pytest.MonkeyPatch) -> None:
    """MUTUALAID_LANG and LANG are the command line's to read, once, at its entry point."""
    lang.setenv("MUTUALAID_LANG", "zh")
    lang.setenv("LANG", "zh_CN.UTF-8")
    assert locale() == "en"
    assert msg("missing_field") == "required field is missing"


def test_a_chinese_lang_is_used_when_mutualaid_lang_is_unset() -> None:
    assert language_of_environment({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language_of_environment({"LANG": "en_US.UTF-8"}) == "en"
    assert language_of_environment({}) == "en"


def test_mutualaid_lang_wins_over_lang() -> None:
    assert language_of_environment({"LANG": "zh_CN.UTF-8", "MUTUALAID_LANG": "en"}) == "en"
    assert language_of_environment({"LANG": "en_GB.UTF-8", "MUTUALAID_LANG": "zh"}) == "zh"


@pytest.mark.parametrize(
    ("header", "spoken"),
    [
        ("zh", "zh"),
        ("zh-CN", "zh"),
        ("zh-Hans-CN,zh;q=0.9", "zh"),
        ("ZH-TW", "zh"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, de;q=0.8", "en"),
        ("", "en"),
        ("en;q=0.4, zh-Hans;q=0.8", "zh"),
        ("fr, en-GB;q=0.9, zh;q=0.5", "en"),
        ("zh;q=bad, en", "en"),
        # q=0 says "not this language" (RFC 9110 12.4.2): never answered in it
        ("zh;q=0, en;q=0.5", "en"),
        ("zh-CN;q=0.000", "en"),
        ("zh;q=0", "en"),
        # a weight that is no weight (not a number, out of 0-1) ranks no higher than 0.001
        ("zh;q=nan, en", "en"),
        ("zh;q=inf, en;q=0.5", "en"),
        ("zh;q=1e9, en;q=0.5", "en"),
        ("zh;q=-1, en;q=0.1", "en"),
        ("*", "en"),
        ("*;q=1, zh;q=0.5", "zh"),
        ("%%%;;;q=x,,", "en"),
    ],
)
def test_accept_language_picks_the_first_language_we_speak(header: str, spoken: str) -> None:
    assert language_of_header(header) == spoken


def test_an_error_raised_deep_down_is_worded_in_the_language_that_reads_it() -> None:
    """A StoreBusy made in one language (or none) reads in the language of whoever shows it."""
    with using_locale("zh"):
        busy = StoreBusy(5)
        withdraw = WouldWithdraw({"t-a": 2})
    with using_locale("en"):
        assert str(busy).startswith("the store is busy with other changes")
        assert "try again in 5 s" in str(busy)
        assert str(withdraw).startswith("this would withdraw 2 assignments")
    with using_locale("zh"):
        assert str(busy) == "数据库正忙于其他修改；此请求的内容均未保存，请 5 秒后重试"
        assert str(withdraw).startswith("此操作将撤回已发布计划中的 2 项安排")
    assert isinstance(busy.args[0], Said) and busy.args[0].code == "store_busy"


def test_said_refuses_a_key_the_catalogue_lacks() -> None:
    with pytest.raises(KeyError):
        Said("no_such_message")


def test_a_violation_is_worded_with_its_task_volunteer_and_nested_problem() -> None:
    stamp = "half past nine"
    problem = Violation(FORMAT, "t-a", None, "check_time_not_iso", {"stamp": stamp})
    bad_time = Violation(FORMAT, "t-a", None, "check_bad_time", {"problem": problem})
    unknown = Violation(FORMAT, "t-a", None, "check_unknown_volunteer", {"volunteer": 7})
    with using_locale("en"):
        assert violation_text(bad_time) == f"t-a: bad time (not an ISO 8601 timestamp: {stamp})"
        assert violation_text(unknown) == "t-a: unknown volunteer 7"
    with using_locale("zh"):
        assert violation_text(bad_time) == f"t-a：时间有误（不是 ISO 8601 格式的时间戳：{stamp}）"


def test_an_unknown_key_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        msg("no_such_message")


NAMING = (
    r"""\b(?:msg|Said)\(\s*["']([a-z0-9_]+)["']""",
    # the validator's violations: _violation(RULE, "key", ...), v(RULE, "key", ...), code = "key"
    r"""\b(?:v|_violation)\(\s*[A-Z_]+,\s*["']([a-z0-9_]+)""",
    r"""\bcode = ["'](check_[a-z0-9_]+)["']""",
)


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    named = set()
    for folder in ("mutualaid", "solver", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text("utf-8")
            for pattern in NAMING:
                named |= set(re.findall(pattern, text))
    assert named, "found no msg(...) calls: the search pattern is out of date"
    assert {"store_busy", "check_too_far", "check_declined", "expect_coverage_low"} <= named
    assert sorted(named - set(CATALOGUE)) == []


def test_a_scenario_error_under_zh_uses_the_chinese_text() -> None:
    text = (
        "name: 测试周\n"
        "timezone: Asia/Shanghai\n"
        "week_start: 2026-12-01\n"
        "tasks:\n"
        "  - id: t-visit\n"
        "    dureation_minutes: 60\n"
    )
    with using_locale("zh"), pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "周计划.yaml")
    rendered = str(caught.value)
    assert "周计划.yaml:3：week_start：week_start 2026-12-01 是" in rendered
    assert "不是星期一" in rendered
    assert "未知字段 'dureation_minutes'（是否想写 'duration_minutes'？）" in rendered
    assert "缺少必填字段" in rendered
    assert "unknown field" not in rendered and "required field" not in rendered


@pytest.mark.parametrize(("count", "said"), [(1, "1 task"), (0, "0 tasks"), (3, "3 tasks")])
def test_english_counts_take_their_nouns_number(count: int, said: str) -> None:
    """'1 task(s)' read as a form, not a sentence: a count says its noun in the right number."""
    with using_locale("en"):
        assert msg("page_tasks_caption", count=count) == said
    with using_locale("zh"):
        assert msg("page_tasks_caption", count=count) == f"共 {count} 项任务"


def test_no_english_sentence_hedges_a_plural_with_s_in_brackets() -> None:
    assert not [key for key in KEYS if "(s)" in CATALOGUE[key][0].replace("http(s)", "")]
