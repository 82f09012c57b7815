"""What every `mutualaid` command shares: the Typer app, the consoles, the exit codes, and
reading a scenario or the settings with every problem named (exit 2)."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from mutualaid.bounds import MAX_DEPTH, shown
from mutualaid.cli.usage import WordedTyper
from mutualaid.config import Settings, SettingsError
from mutualaid.contract.scenario import json_error_worded, load_scenario
from mutualaid.contract.yaml_words import unreadable
from mutualaid.domain.model import Scenario
from mutualaid.errors import ScenarioError
from mutualaid.messages import CATALOGUE, language_of_environment, located, msg, using_locale

app = WordedTyper(
    no_args_is_help=True,
    add_completion=False,
    help="Plan a community's week of mutual aid, and prove how good the plan is.",
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)  # one problem, one line, even in a pipe


@app.callback()
def _language(ctx: typer.Context) -> None:
    # The one place the command line chooses its language (MUTUALAID_LANG, else LANG), for
    # every sentence of the command it runs; nothing below reads the environment for it.
    ctx.with_resource(using_locale(language_of_environment(os.environ)))


began: float | None = None
"""When the console script began (`time.time()`), set by `main`; None when the app is run
otherwise (a test's runner), where each command counts from its own start."""

EXIT_BAD_INPUT = 2
EXIT_CONTRACT_BROKEN = 3


def load(path: Path) -> Scenario:
    """The scenario at `path`, or exit 2 with every problem, one a line."""
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        for problem in shown(exc.problems):
            errors.print(problem.render(str(path)), markup=False, highlight=False)
        errors.print(msg("scenario_invalid", file=path, count=len(exc.problems)), style="red")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def settings_from_env(url: str | None = None) -> Settings:
    """The service's settings from the environment (`mutualaid.config`), exiting 2 when one
    is unusable; `url` replaces DATABASE_URL."""
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        errors.print(str(exc), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if url:
        settings = dataclasses.replace(
            settings, database=dataclasses.replace(settings.database, url=url)
        )
    return settings


def refuse(exc: Exception) -> typer.Exit:
    """Print a use case's refusal (every problem, one a line) and exit 2."""
    from mutualaid.services.ports import NotFoundError

    if isinstance(exc, NotFoundError):  # worded from the catalogue, as the API does
        kind = msg(f"kind_{exc.kind}") if f"kind_{exc.kind}" in CATALOGUE else exc.kind
        errors.print(msg("not_found", kind=kind, id=exc.ident), markup=False, highlight=False)
        return typer.Exit(EXIT_BAD_INPUT)
    for problem in getattr(exc, "problems", None) or [exc]:
        text = problem.render() if hasattr(problem, "render") else str(problem)
        errors.print(text, markup=False, highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


def replaced(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: a kill mid-write leaves the file as it was
    (the plan a `solve --suggest` wrote first, which its end writes again), never half."""
    part = path.with_name(path.name + ".part")
    try:
        part.write_text(text, encoding="utf-8")
    except PermissionError:  # a folder only the file itself may be written in
        part.unlink(missing_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    os.replace(part, path)


def read_plan_json(path: Path) -> Any:
    """The plain data of the plan JSON at `path`; a file that cannot be read (missing, not
    UTF-8, not JSON, nested past MAX_DEPTH) exits 2 naming it, in the active language. A
    byte order mark before the JSON (Notepad writes one) is read past, as YAML's is."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        said = msg("file_unreadable", problem=unreadable(exc))
    except json.JSONDecodeError as exc:
        said = msg("json_syntax", problem=json_error_worded(exc))
    except RecursionError:  # JSON nested far past any plan's depth
        said = msg("too_deep", limit=MAX_DEPTH)
    errors.print(located(path, said), markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)
