"""`mutualaid recommend` given bad files, as an outsider would give them: every mistake named
with its file, line and field (in English and Chinese), a plan that is not the week's refused,
and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mutualaid.cli import app

ROOT = Path(__file__).resolve().parents[1]
WEEK = ROOT / "scenarios" / "01-jingbalu-life-centre.yaml"
PLAN = ROOT / "tests" / "golden" / "plans" / f"{WEEK.stem}.json"
OTHER = ROOT / "tests" / "golden" / "plans" / "09-edge-reason-codes.json"
TASK = """id: t-fridge-2
title: another fridge
resident: r-zhang
needs: [{skill: appliance_repair, count: 1}]
duration_minutes: 60
windows: [{days: [mon, wed], from: "09:00", to: "17:00"}]
priority: high
"""
runner = CliRunner()


def run(
    tmp_path: Path, task: str, plan: Path = PLAN, lang: str = "en", *more: str
) -> tuple[int, str]:
    path = tmp_path / "task.yaml"
    path.write_text(task, encoding="utf-8")
    args = ["recommend", str(WEEK), str(plan), "--task", str(path), *more]
    done = runner.invoke(app, args, env={"MUTUALAID_LANG": lang, "COLUMNS": "200"})
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    return done.exit_code, done.output


@pytest.mark.parametrize(
    ("lang", "words"), [("en", ": duration_minutes: must be a whole number > 0"),
                        ("zh", "：duration_minutes：应为大于 0 的整数")],
)  # fmt: skip
def test_a_mistake_in_the_task_file_is_named_with_its_file_line_and_field(
    tmp_path: Path, lang: str, words: str
) -> None:
    code, out = run(tmp_path, TASK.replace("duration_minutes: 60", "duration_minutes: -60"),
                    lang=lang)  # fmt: skip
    assert code == 2
    assert f"{tmp_path / 'task.yaml'}:5{words}" in out, out


def test_a_reference_the_week_lacks_is_named_in_the_task_file_at_its_line(tmp_path: Path) -> None:
    code, out = run(tmp_path, TASK.replace("resident: r-zhang", "resident: r-nobody"))
    assert code == 2
    assert f"{tmp_path / 'task.yaml'}:3: resident:" in out and "r-nobody" in out, out


def test_an_unquoted_clock_in_the_task_file_is_read_as_the_week_s_would_be(
    tmp_path: Path,
) -> None:
    code, out = run(tmp_path, TASK.replace('from: "09:00"', "from: 9:00"))
    assert code == 2
    assert f"{tmp_path / 'task.yaml'}:6: windows[0].from:" in out, out
    assert '("9:00")' in out, out  # told to quote it, as in the week's own file


@pytest.mark.parametrize("text", ["[1, 2]", '"a plan"', "{}", '{"assignments": 5}', "{"])
def test_a_plan_file_that_is_no_plan_is_refused_without_a_traceback(
    tmp_path: Path, text: str
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(text, encoding="utf-8")
    code, out = run(tmp_path, TASK, plan)
    assert code == 2, out
    assert str(plan) in out and "Traceback" not in out, out


def test_a_plan_of_another_week_is_refused_not_recommended_against(tmp_path: Path) -> None:
    code, out = run(tmp_path, TASK, OTHER)
    assert code == 2, out
    assert "is a plan for the scenario" in out and WEEK.name in out, out


def test_a_plan_that_breaks_a_rule_of_the_week_is_refused(tmp_path: Path) -> None:
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    plan["assignments"] = plan["assignments"][1:]  # a task in neither list
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    code, out = run(tmp_path, TASK, path)
    assert code == 2, out
    assert str(path) in out, out


@pytest.mark.parametrize(("lang", "words"), [("en", "no such file"), ("zh", "文件不存在")])
def test_a_missing_file_is_said_in_the_reader_s_language(
    tmp_path: Path, lang: str, words: str
) -> None:
    code, out = run(tmp_path, TASK, tmp_path / "nowhere.json", lang)
    assert code == 2 and words in out and "Errno" not in out, out


def test_an_unwritable_out_is_refused_before_any_work(tmp_path: Path) -> None:
    code, out = run(tmp_path, TASK, PLAN, "en", "--apply", "0" * 12,
                    "--out", str(tmp_path / "no-such-folder" / "p.json"))  # fmt: skip
    assert code == 2, out
    assert "cannot write the plan" in out and "Traceback" not in out, out


def test_a_task_file_that_is_a_list_says_so(tmp_path: Path) -> None:
    code, out = run(tmp_path, yaml.safe_dump([{"id": "t-x"}]))
    assert code == 2 and "task.yaml" in out, out
