"""Where a problem is, joined to what it is: in Chinese with the full-width colon and no space
("第 3 行：……"), in English with ': ' as before. The catalogue joins them (`located`), every
place that puts a location before a message (a problem's line and field, a file named before
what is wrong with it); an ASCII ': ' after Chinese was left from English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutualaid.cli import app
from mutualaid.errors import Problem
from mutualaid.messages import CATALOGUE, using_locale

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "scenarios" / "09-edge-reason-codes.yaml"
ASCII_AFTER_CHINESE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]: |行: ")


@pytest.mark.parametrize(
    ("lang", "source", "said"),
    [
        ("en", None, "line 3: tasks[0].id: is missing"),
        ("en", "week.yaml", "week.yaml:3: tasks[0].id: is missing"),
        ("zh", None, "第 3 行：tasks[0].id：is missing"),
        ("zh", "week.yaml", "week.yaml:3：tasks[0].id：is missing"),
    ],
)
def test_a_problem_is_placed_with_the_colon_of_its_language(
    lang: str, source: str | None, said: str
) -> None:
    with using_locale(lang):
        assert Problem("tasks[0].id", "is missing", 3).render(source) == said


def test_no_chinese_sentence_of_the_catalogue_keeps_an_english_colon() -> None:
    kept = {k: zh for k, (_, zh) in CATALOGUE.items() if ASCII_AFTER_CHINESE.search(zh)}
    assert not kept, kept


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_line_places_a_scenario_s_problems_in_its_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("MUTUALAID_LANG", lang)
    bad = tmp_path / "week.yaml"
    bad.write_text(GOOD.read_text("utf-8").replace("timezone: Asia/Shanghai\n", "", 1), "utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text("{", "utf-8")
    checked = CliRunner().invoke(app, ["check", str(bad)])
    unreadable = CliRunner().invoke(app, ["check", str(GOOD), "--plan", str(plan)])
    assert checked.exit_code == 2 and unreadable.exit_code == 2
    for result in (checked, unreadable):
        if lang == "zh":
            assert "：" in result.output and not ASCII_AFTER_CHINESE.search(result.output)
            assert f"{plan}：" in unreadable.output
        else:
            assert f"{plan}: " in unreadable.output
    if lang == "zh":
        assert re.search(r"week\.yaml(:\d+)?：", checked.output), checked.output
    else:
        assert re.search(r"week\.yaml(:\d+)?: ", checked.output), checked.output


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "windows[0].from: too early (line 7)"),
     ("zh", "windows[0].from：too early（第 7 行）")],
)  # fmt: skip
def test_a_page_says_a_problem_of_no_field_with_its_place_in_its_language(
    lang: str, said: str
) -> None:
    from api.pages.common import Form, problems_into

    form = Form()
    with using_locale(lang):
        problems_into(form, [Problem("windows[0].from", "too early", 7)], {"title": "title"})
    assert form.general == [said]
