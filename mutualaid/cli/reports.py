"""`mutualaid report waited`: the residents left unserved two weeks or more running, each
week's tasks and reasons, from the server's shell on the database of $DATABASE_URL (or --url)."""

from __future__ import annotations

from typing import Annotated

import typer

from mutualaid.cli.common import app, console, refuse, settings_from_env
from mutualaid.cli.service import open_store
from mutualaid.cli.usage import WordedTyper
from mutualaid.errors import MutualAidError
from mutualaid.messages import msg

report_app = WordedTyper(no_args_is_help=True, help="Reports of an area.")
app.add_typer(report_app, name="report")


@report_app.command("waited")
def report_waited(
    area: Annotated[str, typer.Option(help="The area (sub-district).")],
    until: Annotated[str | None, typer.Option(help="The last week counted (a Monday).")] = None,
    least: Annotated[int, typer.Option(help="Weeks running, at least.")] = 2,
    csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout instead.")] = False,
    url: Annotated[str | None, typer.Option(help="Database URL (default: $DATABASE_URL).")] = None,
) -> None:
    """Residents left unserved LEAST weeks or more running, longest first.

    Each week of theirs is listed with its task and the reason it was not served."""
    from mutualaid.services import waiting
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            found = waiting.residents_who_waited(store.reader(), CLI, area, until, least)
    except MutualAidError as exc:
        raise refuse(exc) from None
    if csv:
        typer.echo(waiting.waited_csv(found).removeprefix("\ufeff"), nl=False)
        return
    if not found:
        console.print(msg("page_waited_none"), markup=False)
    for run in found:
        still = msg("page_waited_still") if run.running else ""
        console.print(msg("cli_waited_run", resident=run.resident, name=run.name,
                          weeks=len(run.weeks), still=still).rstrip(), markup=False)  # fmt: skip
        for k in run.weeks:
            for m in k.misses:
                why = msg(f"reason_{m.reason}")
                console.print(f"  {k.week}  {m.task}  {m.title}: {why}", markup=False)
