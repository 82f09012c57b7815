"""The `mutualaid` command, an entry point beside the API (it imports no `api`): one module
per command group, each adding its commands to the one Typer app.

    plans    solve, check, replay      a week planned and checked from files
    suggestions  suggest               a plan's suggestions still being checked, checked
    world    generate                  a plausible generated week (worldgen)
    replan   recommend, absence        who can take a new request; a volunteer away
    service  serve, db, token          the service's database, tokens, and the HTTP service
    books    request, week draw, visit, ledger   the backlog and the hours ledger
    notices  send                      the notices due, delivered once
    reports  report waited             the residents left unserved weeks running
"""

from __future__ import annotations

import inspect
import time

LOADED = time.time()
"""When this package began loading: as the console script, the command's start, before the
imports below (a second or two on a busy machine), which a wall-clock limit then covers."""

import typer  # noqa: E402

from mutualaid.cli import (  # noqa: E402  # noqa: E402
    books,
    common,
    notices,
    plans,
    replan,
    reports,
    service,
    suggestions,
    world,
)
from mutualaid.cli.common import app, console, errors  # noqa: E402

__all__ = [
    "app", "books", "console", "errors", "main", "notices", "plans", "replan", "reports",
    "service", "suggestions", "world",
]  # fmt: skip


def _whole_sentences(group: typer.Typer) -> None:
    """Each command's help as its docstring's paragraphs, every one on a single line: Typer
    prints the paragraphs after the first with the docstring's own line breaks, so a
    sentence wrapped in the source was printed broken (`recommend --help`: 'coverage and
    the' / 'travel added.'). The terminal wraps them again at its own width."""
    for command in group.registered_commands:
        if command.help is None and command.callback is not None:
            text = inspect.cleandoc(command.callback.__doc__ or "")
            command.help = "\n\n".join(" ".join(p.split()) for p in text.split("\n\n"))
    for inner in group.registered_groups:
        if inner.typer_instance is not None:
            _whole_sentences(inner.typer_instance)


_whole_sentences(app)


def main() -> None:
    common.began = LOADED  # the console script: the limit counts from its imports on
    app()
