"""`mutualaid --help` lists each command with a summary that reads as one sentence: the CLI's
help keeps a docstring's line breaks (rich markup), so a summary wrapped in the source was
listed broken mid-sentence ('…the plan (who, when, the' / 'other visits that move…')."""

from __future__ import annotations

import typer

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
