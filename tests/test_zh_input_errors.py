"""The common input mistakes (YAML or JSON syntax, a body not UTF-8, a missing field, a wrong
type, an unknown key) said wholly in Chinese under zh: none of Python's or a parser's English
inside the sentence, and the line and field path kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mutualaid.contract.scenario import read_scenario_json, read_scenario_text
from mutualaid.errors import MutualAidError
from mutualaid.messages import using_locale
from mutualaid.services.weeks import read_scenario

GOOD = (Path(__file__).parents[1] / "scenarios" / "09-edge-reason-codes.yaml").read_text("utf-8")
ALLOWED = {"JSON", "YAML", "UTF"}  # names, not English sentences


def _yaml(old: str, new: str) -> Callable[[], Any]:
    return lambda: read_scenario_text(GOOD.replace(old, new, 1))


CASES: dict[str, tuple[Callable[[], Any], str]] = {
    "json_no_value": (lambda: read_scenario_json('{"a": }'), "第 1 行"),
    "json_key_unquoted": (lambda: read_scenario_json("{\n  a: 1}"), "第 2 行"),
    "json_comma": (lambda: read_scenario_json('{"a": 1 "b": 2}'), "第 1 行"),
    "json_colon": (lambda: read_scenario_json('{"a" 1}'), "第 1 行"),
    "json_extra": (lambda: read_scenario_json("{} x"), "第 1 行"),
    "json_unterminated": (lambda: read_scenario_json('{"a": "x'), "第 1 行"),
    "json_escape": (lambda: read_scenario_json('{"a": "\\q"}'), "第 1 行"),
    "json_control": (lambda: read_scenario_json('{"a": "x\ty"}'), "第 1 行"),
    "not_utf8": (lambda: read_scenario(b"a: \xff\xfe", "application/yaml"), "第 3 字节"),
    "yaml_bracket": (lambda: read_scenario_text("a: [1, 2"), "第 1 行"),
    "yaml_indent": (lambda: read_scenario_text("a: b\n c: d"), "第 2 行"),
    "missing_field": (_yaml("timezone: Asia/Shanghai\n", ""), "timezone"),
    "unknown_key": (_yaml("timezone: Asia/Shanghai\n", "timezone: Asia/Shanghai\ncolour: x\n"),
                    "colour"),
    "wrong_type": (_yaml("skills: [home_repair]", "skills: home_repair"),
                   "volunteers[0].skills"),
    # what was given instead of a number was said in English ('got a list', 'True (bool)')
    "number_as_list": (_yaml("duration_minutes: 60", "duration_minutes: [60]"), "duration_minutes"),
    "number_as_mapping": (_yaml("duration_minutes: 60", "duration_minutes: {m: 60}"),
                          "duration_minutes"),
    "number_as_bool": (_yaml("duration_minutes: 60", "duration_minutes: true"), "duration_minutes"),
    "number_as_float": (_yaml("duration_minutes: 60", "duration_minutes: 60.5"),
                        "duration_minutes"),
    "number_as_null": (_yaml("duration_minutes: 60", "duration_minutes: ~"), "duration_minutes"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_common_input_mistake_is_said_in_chinese_with_where_it_is(case: str) -> None:
    make, where = CASES[case]
    with using_locale("zh"), pytest.raises(MutualAidError) as caught:
        make()
    said = str(caught.value)
    english = [w for w in re.findall(r"[A-Za-z]{3,}", said) if w not in ALLOWED]
    english = [w for w in english if w not in GOOD and w not in where]  # the input's own words
    assert not english, said
    assert where in said, said


PLAN_BODIES = {"not UTF-8": b"\xff\xfe{}", "cut short": b'{"a":', "two values": b"{} {}"}


@pytest.mark.parametrize("body", sorted(PLAN_BODIES))
@pytest.mark.parametrize("command", ["check", "recommend", "suggest"])
def test_a_plan_file_that_cannot_be_read_is_said_in_chinese(
    command: str, body: str, tmp_path: Path
) -> None:
    """A plan JSON that is not UTF-8 or not JSON, given to `check --plan`, `recommend` or
    `suggest`: exit 2 naming the file, in Chinese under zh. `check --plan` printed Python's
    own sentences ('Expecting value: line 1 column 6 (char 5)', "'utf-8' codec can't decode
    byte 0xff..."), and `recommend` and `suggest` a JSON error's."""
    from typer.testing import CliRunner

    from mutualaid.cli import app

    week = Path(__file__).parents[1] / "scenarios" / "09-edge-reason-codes.yaml"
    plan = tmp_path / "plan.json"
    plan.write_bytes(PLAN_BODIES[body])
    task = tmp_path / "task.yaml"
    task.write_text("id: t-new\nneeds: [{skill: companionship, count: 1}]\n", encoding="utf-8")
    args = {
        "check": ["check", str(week), "--plan", str(plan)],
        "recommend": ["recommend", str(week), str(plan), "--task", str(task)],
        "suggest": ["suggest", str(week), str(plan)],
    }[command]
    done = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": "zh", "COLUMNS": "300"})
    assert done.exit_code == 2, done.output
    said = done.output.replace(str(plan), "").replace(str(week), "")
    english = [w for w in re.findall(r"[A-Za-z]{3,}", said) if w not in ALLOWED]
    assert not english, done.output
    assert "plan.json" in done.output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_huge_whole_number_is_echoed_short(lang: str) -> None:
    """A spreadsheet cell of 1e308 reached a task's duration as a whole number of 309 digits,
    every one of them echoed in the refusal: a number that long is shown as 1.000e+308."""
    from mutualaid.contract.fields import describe

    with using_locale(lang):
        said = describe(10**308)
        small = describe(-99999999)
    assert len(said) < 30 and "e+308" in said, said
    assert "-99999999" in small, small
