"""The `mutualaid` command, an entry point beside the API (it imports no `api`): one module
per command group, each adding its commands to the one Typer app.

    plans    solve, check, replay      a week planned and checked from files
    world    generate                  a plausible generated week (worldgen)
    replan   recommend, absence        who can take a new request; a volunteer away
    service  serve, db, token          the service's database, tokens, and the HTTP service
    books    request, week draw, visit, ledger   the backlog and the hours ledger
    notices  send                      the notices due, delivered once
    reports  report waited             the residents left unserved weeks running
"""

from __future__ import annotations

from mutualaid.cli import books, notices, plans, replan, reports, service, world
from mutualaid.cli.common import app, console, errors

__all__ = [
    "app", "books", "console", "errors", "main", "notices", "plans", "replan", "reports",
    "service", "world",
]  # fmt: skip


def main() -> None:
    app()
