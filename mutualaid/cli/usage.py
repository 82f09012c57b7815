"""A command line that Typer (its own Click) refuses before any command runs — a value of the
wrong type or out of range, an option or argument missing, no such option or command, an option
without its value, an extra argument — said through the catalogue in the command line's language,
in Click's frame (the usage, where help is, the error), instead of Typer's English."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from typer import _click as click
from typer.core import TyperGroup, _main
from typer.models import CommandFunctionType

from mutualaid.cli.helptext import WordedCommand, WordedHelp
from mutualaid.messages import language_of_environment, msg, using_locale

_NO_COMMAND = re.compile(r"No such command '(?P<name>[^']*)'\.(?: Did you mean (?P<close>.+)\?)?")
_EXTRA = re.compile(r"Got unexpected extra arguments? ?(?:\(s\))? \((?P<args>.*)\)")
_BOUNDS = {"le": "cli_at_most", "lt": "cli_below", "ge": "cli_at_least", "gt": "cli_above"}
_TYPES = {
    "float_parsing": "cli_not_number", "float_type": "cli_not_number",
    "int_parsing": "cli_not_whole_number", "int_type": "cli_not_whole_number",
    "int_from_float": "cli_not_whole_number", "bool_parsing": "cli_not_true_false",
    "bool_type": "cli_not_true_false",
}  # fmt: skip


class WordedGroup(WordedHelp, TyperGroup):
    """The `mutualaid` command: Typer's group, its parsing errors raised as `Refused`, which
    Click's frame shows (plain text: Typer's rich panel has an English title)."""

    def main(
        self, args: Sequence[str] | None = None, prog_name: str | None = None,
        complete_var: str | None = None, standalone_mode: bool = True,
        windows_expand_args: bool = True, **extra: Any,
    ) -> Any:  # fmt: skip
        # TyperGroup.main as it is, but an error is shown by its own `show` (not Typer's rich
        # panel); help keeps the group's markup mode, which only `format_help` reads
        return _main(
            self, args=args, prog_name=prog_name, complete_var=complete_var,
            standalone_mode=standalone_mode, windows_expand_args=windows_expand_args,
            rich_markup_mode=None, **extra,
        )  # fmt: skip

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:  # fmt: skip
        with _worded():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _worded():
            return super().invoke(ctx)


@contextmanager
def _worded() -> Iterator[None]:
    try:
        yield
    except click.exceptions.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # the help asked for, not an error
            raise
        raise Refused(exc) from None


class Refused(click.exceptions.ClickException):
    """A command line refused, worded once in the command line's language (MUTUALAID_LANG,
    else LANG: read here, at the edge, as `common._language` does; the group's callback may
    not have run, and its locale has ended by the time Click shows an error)."""

    exit_code = 2

    def __init__(self, exc: click.exceptions.UsageError) -> None:
        with using_locale(language_of_environment(os.environ)):
            said = msg("cli_error", message=worded(exc))
            lines = [said]
            ctx = exc.ctx
            if ctx is not None:
                usage = " ".join([ctx.command_path, *ctx.command.collect_usage_pieces(ctx)])
                lines = [msg("cli_usage", usage=usage),
                         msg("cli_try_help", command=ctx.command_path), "", said]  # fmt: skip
        super().__init__(said)
        self.lines = lines

    def show(self, file: Any = None) -> None:
        for line in self.lines:
            click.echo(line, file=file, err=True)


def worded(exc: click.exceptions.UsageError) -> str:
    """What is wrong with the command line, in the active locale (Click's or Typer's English
    only for a refusal not known here)."""
    if isinstance(exc, click.exceptions.MissingParameter) and exc.param is not None:
        name = exc.param.get_error_hint()
        option = exc.param.param_type_name == "option"
        return msg("cli_missing_option" if option else "cli_missing_argument", name=name)
    if isinstance(exc, click.exceptions.BadParameter):
        hint = exc.param_hint
        if hint is None and exc.param is not None:
            hint = exc.param.get_error_hint()
        named = hint if isinstance(hint, str) else " / ".join(hint or ())
        problem = _value_problem(exc)
        return msg("cli_bad_value", name=named, problem=problem) if named else problem
    if isinstance(exc, click.exceptions.NoSuchOption):
        said = msg("cli_no_such_option", name=exc.option_name)
        if exc.possibilities:
            names = ", ".join(sorted(exc.possibilities))
            said = msg("cli_possible_options", said=said, names=names)
        return said
    if isinstance(exc, click.exceptions.BadOptionUsage) and "requires" in exc.message:
        return msg("cli_needs_value", name=exc.option_name)
    if found := _NO_COMMAND.fullmatch(exc.message):
        said = msg("cli_no_such_command", name=found["name"])
        return msg("cli_did_you_mean", said=said, names=found["close"]) if found["close"] else said
    if found := _EXTRA.fullmatch(exc.message):
        return msg("cli_extra_arguments", args=found["args"])
    return exc.format_message()


def _value_problem(exc: click.exceptions.BadParameter) -> str:
    """Why a value was refused: Typer's checks are pydantic's, whose first error says it as
    data (its type, the bound, the value given); else the message as raised (ours are
    already worded)."""
    errors = getattr(exc.__cause__, "errors", None)
    if not callable(errors):
        return exc.message
    try:
        first = errors()[0]
    except (IndexError, TypeError):
        return exc.message
    kind, value = str(first.get("type")), first.get("input")
    bounds = first.get("ctx") or {}
    shown = repr(value) if isinstance(value, str) else str(value)
    if kind in _TYPES:
        return msg(_TYPES[kind], value=shown)
    for bound, key in _BOUNDS.items():
        if bound in bounds:
            return msg(key, value=shown, bound=bounds[bound])
    if "expected" in bounds:
        return msg("cli_not_one_of", value=shown, expected=bounds["expected"])
    return exc.message


class WordedTyper(typer.Typer):
    """`typer.Typer` whose commands and groups say their help, and their refusals, in the
    command line's language (`cls=` is Typer's own way to choose them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("cls", WordedGroup)
        super().__init__(*args, **kwargs)

    def command(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        kwargs.setdefault("cls", WordedCommand)
        return super().command(*args, **kwargs)
