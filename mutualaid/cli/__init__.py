"""The `mutualaid` command, an entry point beside the API (it imports no `api`): one module
per command group, each adding its commands to the one Typer app.

    plans    solve, check, replay      a week planned and checked from files
    world    generate                  a plausible generated week (worldgen)
    replan   recommend, absence        who can take a new request; a volunteer away
    service  serve, db, token          the service's database, tokens, and the HTTP service
"""

from __future__ import annotations

from mutualaid.cli import plans, replan, service, world
from mutualaid.cli.common import app, console, errors

__all__ = ["app", "console", "errors", "main", "plans", "replan", "service", "world"]


def main() -> None:
    app()
