"""`mutualaid --help` lists each command with a summary that reads as one sentence: the CLI's
help keeps a docstring's line breaks (rich markup), so a summary wrapped in the source was
listed broken mid-sentence ('…the plan (who, when, the' / 'other visits that move…')."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from mutualaid.cli import app


def _summaries() -> dict[str, str]:
    found = {}
    top = typer.main.get_command(app)
    for name, command in top.commands.items():  # type: ignore[attr-defined]
        found[name] = (command.help or "").split("\n\n")[0]
        for sub, inner in getattr(command, "commands", {}).items():
            found[f"{name} {sub}"] = (inner.help or "").split("\n\n")[0]
    return found


def test_every_command_s_summary_is_one_unbroken_line() -> None:
    broken = {name: said for name, said in _summaries().items() if "\n" in said.strip()}
    assert broken == {}, broken


def _paths(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, inner in getattr(command, "commands", {}).items():
        found += _paths(inner, (*path, name))
    return found


ALL = _paths(typer.main.get_command(app))


def _description(shown: str) -> list[str]:
    """The paragraphs a --help prints between its usage line and its first box."""
    lines = shown.splitlines()
    start = next(i for i, line in enumerate(lines) if "Usage:" in line) + 1
    end = next((i for i, line in enumerate(lines) if line.lstrip().startswith("╭")), len(lines))
    text = "\n".join(line.strip() for line in lines[start:end]).strip()
    return [p for p in text.split("\n\n") if p.strip()]


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "mutualaid")
def test_every_commands_own_help_reads_as_whole_sentences(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mutualaid recommend --help` printed 'coverage and the' / 'travel added.' on two lines:
    at a width no paragraph fills, each paragraph of a command's description is one line."""
    monkeypatch.setattr("typer.rich_utils.MAX_WIDTH", 1000)
    shown = CliRunner().invoke(app, [*path, "--help"], env={"MUTUALAID_LANG": "en"})
    assert shown.exit_code == 0, shown.output
    paragraphs = _description(shown.output)
    assert paragraphs, shown.output
    broken = [p for p in paragraphs if "\n" in p]
    assert broken == [], shown.output


HEADINGS = ("Usage", "Options", "Arguments", "Commands", "Show this", "[default:", "required]")


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "mutualaid")
def test_every_commands_help_says_its_own_words_in_chinese_under_zh(path: tuple[str, ...]) -> None:
    """`MUTUALAID_LANG=zh mutualaid --help` printed Typer's English headings (Usage, Options,
    Commands, 'Show this message and exit.'): under zh they come from the catalogue."""
    shown = CliRunner().invoke(app, [*path, "--help"], env={"MUTUALAID_LANG": "zh"})
    assert shown.exit_code == 0, shown.output
    english = [word for word in HEADINGS if word in shown.output]
    assert english == [], shown.output
    assert "用法：" in shown.output and "选项：" in shown.output, shown.output  # full-width colons
    if getattr(typer.main.get_command(app), "commands", None) and not path:
        assert "命令：" in shown.output, shown.output


def test_the_help_stays_typer_s_own_in_english() -> None:
    shown = CliRunner().invoke(app, ["--help"], env={"MUTUALAID_LANG": "en"})
    assert "Usage:" in shown.output and "Commands" in shown.output, shown.output
