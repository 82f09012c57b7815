"""Click's own refusals of a command line (a value of the wrong type or out of range, an option
missing, no such option or command, an option without its value, an extra argument) are said
in the command line's language: under zh they were Click's English ("'abc' is not a valid
float", "Missing option", "No such option") inside an English frame ("Usage:", "Error:").
Each still exits 2 before any work, naming the option and the value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutualaid.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "scenarios" / "09-edge-reason-codes.yaml")

# the command line, what the error line names, and its words in English and in Chinese
CASES: dict[str, tuple[list[str], str, str, str]] = {
    "not a number": (["solve", SAMPLE, "--time-limit", "abc"], "'abc'",
                     "'abc' is not a valid number", "不是有效的数"),
    "not a whole number": (["solve", SAMPLE, "--workers", "two"], "'two'",
                           "'two' is not a valid integer", "不是有效的整数"),
    "out of range": (["serve", "--port", "99999"], "99999",
                     "is not in the range", "不在范围"),
    "missing option": (["report", "waited"], "--area", "Missing option", "缺少选项"),
    "missing argument": (["solve"], "'file'", "Missing argument", "缺少参数"),
    "no such option": (["solve", SAMPLE, "--bogus"], "--bogus", "No such option", "没有选项"),
    "no such command": (["solvee"], "solvee", "No such command", "没有命令"),
    "no value": (["solve", SAMPLE, "--out"], "--out", "requires an argument", "需要一个值"),
    "extra argument": (["check", SAMPLE, "more"], "more", "arguments it does not take",
                       "多余的参数"),
    # `--rows -3` was taken, and every table printed with no rows
    "rows below zero": (["solve", SAMPLE, "--rows", "-3"], "-3", "at least 0", "至少 0"),
}  # fmt: skip
# Names, not sentences: the command, metavariables and option names an error line may show
NAMES = {"mutualaid", "solve", "solvee", "serve", "report", "waited", "check", "float",
         "integer", "more", "abc", "two", "bogus", "area", "out", "port", "time", "limit",
         "workers", "file", "rows", "OPTIONS", "COMMAND", "ARGS", "help"}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bad_command_line_is_refused_in_its_language(case: str, lang: str) -> None:
    args, named, english, chinese = CASES[case]
    result = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": lang}, prog_name="mutualaid")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    error = lines[-1]  # after the usage and where help is, when Typer knows them
    assert named in error, result.output
    if lang == "en":
        assert error.startswith("Error: ") and english in error, result.output
        assert len(lines) == 1 or lines[0].startswith("Usage: mutualaid"), result.output
        return
    assert error.startswith("错误：") and chinese in error, result.output
    assert len(lines) == 1 or lines[0].startswith("用法：mutualaid"), result.output
    for line in lines:
        words = set(re.findall(r"[A-Za-z]{3,}", line)) - NAMES
        assert not words, (words, result.output)


def test_a_command_line_with_no_arguments_still_shows_its_help() -> None:
    result = CliRunner().invoke(app, [], env={"MUTUALAID_LANG": "zh"})
    assert "solve" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("count", ["0", "-3"])
@pytest.mark.parametrize("lang, words", [("en", "is not in the range"), ("zh", "不在范围")])
def test_generate_with_no_tasks_is_refused_before_any_work_naming_the_flag(
    tmp_path: Path, count: str, lang: str, words: str
) -> None:
    """`mutualaid generate --tasks 0` wrote a week with no tasks and no error: a week to
    plan has at least one task, refused (exit 2) before anything is written."""
    out = tmp_path / "week.yaml"
    args = ["generate", "--tasks", count, "--out", str(out)]
    result = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": lang}, prog_name="mutualaid")
    assert result.exit_code == 2, result.output
    error = [line for line in result.output.splitlines() if line.strip()][-1]
    assert "--tasks" in error and count in error and words in error, result.output
    assert not out.exists()
