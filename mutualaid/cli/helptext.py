"""`--help` in the command line's language: under zh its own words (the usage line, the
Arguments, Options and Commands headings, the `--help` line, default/required) come from the
catalogue, in Click's plain layout; in English Typer's rich help is left as it is. Only
Click's public hooks (`format_help`, `HelpFormatter.write_usage`'s prefix and `section`) and
Typer's public `cls=` are used; the commands' own descriptions stay as written (English)."""

from __future__ import annotations

import os
import re

from typer import _click as click
from typer.core import TyperArgument, TyperCommand, TyperGroup

from mutualaid.messages import language_of_environment, msg, using_locale

_EXTRA = re.compile(r"\[(?P<inside>[^\[\]]*)\]\s*$")


def _chinese() -> bool:
    return language_of_environment(os.environ) == "zh"


def format_worded_help(
    command: click.Command, ctx: click.Context, formatter: click.HelpFormatter
) -> None:
    """Click's help layout (usage, description, arguments, options, commands, epilog) with
    the catalogue's words for what Click and Typer would say in English."""
    with using_locale("zh"):
        pieces = command.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=msg("cli_help_usage"))
        command.format_help_text(ctx, formatter)
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in command.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.name == "help" and param.is_eager and not param.expose_value:
                record = (record[0], msg("cli_help_option"))
            else:
                record = (record[0], _worded_extra(record[1]))
            (arguments if isinstance(param, TyperArgument) else options).append(record)
        for title, records in ((msg("cli_help_arguments"), arguments),
                               (msg("cli_help_options"), options)):  # fmt: skip
            _section(formatter, title, records)
        if isinstance(command, TyperGroup):
            listed = []
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    listed.append((name, sub.get_short_help_str(limit=300)))
            _section(formatter, msg("cli_help_commands"), listed)
        command.format_epilog(ctx, formatter)


def _section(formatter: click.HelpFormatter, title: str, records: list[tuple[str, str]]) -> None:
    """Click's `section` with the heading's colon full-width, as Chinese writes it."""
    if records:
        formatter.write_paragraph()
        formatter.write(f"{'':>{formatter.current_indent}}{title}：\n")
        with formatter.indentation():
            formatter.write_dl(records)


def _worded_extra(text: str) -> str:
    """An option's help with its bracketed `[default: x; required]` said in the catalogue's
    words (Typer writes them in English)."""
    found = _EXTRA.search(text)
    if found is None:
        return text
    parts = []
    for part in found["inside"].split(";"):
        part = part.strip()
        for english, key in (("default: ", "cli_help_default"), ("env var: ", "cli_help_env")):
            if part.startswith(english):
                part = msg(key, value=part[len(english) :])
        if part == "required":
            part = msg("cli_help_required")
        parts.append(part)
    return f"{text[: found.start()]}[{'；'.join(parts)}]"


class WordedHelp:
    """Mixed into a Click command or group: its `--help` said in the command line's language."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if _chinese():
            assert isinstance(self, click.Command)
            format_worded_help(self, ctx, formatter)
        else:
            super().format_help(ctx, formatter)  # type: ignore[misc]


class WordedCommand(WordedHelp, TyperCommand):
    """A command whose `--help` is said in the command line's language."""
