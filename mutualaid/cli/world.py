"""`mutualaid generate`: a plausible generated week in the contract's format, and
`mutualaid generate season`: one area's roster and 12 weeks of arriving requests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mutualaid.cli.common import EXIT_BAD_INPUT, app, console, errors
from mutualaid.cli.usage import WordedTyper
from mutualaid.contract.scenario import build_scenario
from mutualaid.contract.yaml_words import unwritable as os_words
from mutualaid.messages import msg

generate_app = WordedTyper(
    invoke_without_command=True,
    help="Write a plausible generated week (or, with `season`, weeks) in the contract's format.",
)
app.add_typer(generate_app, name="generate")

Out = Annotated[Path | None, typer.Option(help="Where to write the YAML ('-' or none: stdout).")]


@generate_app.callback()
def generate(
    ctx: typer.Context,
    tasks: Annotated[int, typer.Option(min=1, help="Tasks in the week.")] = 200,
    volunteers: Annotated[int, typer.Option(min=0, help="Volunteers.")] = 80,
    subdistricts: Annotated[int, typer.Option(min=1, help="Subdistricts (clusters).")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    contended: Annotated[bool, typer.Option(help="Demand far beyond capacity.")] = False,
    out: Out = None,
) -> None:
    """Write a plausible generated scenario in the contract's format."""
    if ctx.invoked_subcommand is not None:
        return
    from worldgen import generate_world, world_yaml

    data = generate_world(tasks, volunteers, subdistricts, seed, contended=contended)
    scenario = build_scenario(data)  # a generated world that breaks the contract is a bug
    if _write(world_yaml(data), out, "cli_world_unwritable"):
        console.print(msg(
            "cli_generated", path=out, tasks=len(scenario.tasks),
            volunteers=len(scenario.volunteers), subdistricts=subdistricts,
        ))  # fmt: skip


@generate_app.command("season")
def season(
    weeks: Annotated[int, typer.Option(min=1, max=104, help="Weeks.")] = 12,
    tasks: Annotated[int, typer.Option(min=1, max=2000, help="About this many tasks a week.")] = 20,
    volunteers: Annotated[int, typer.Option(min=1, max=800, help="Volunteers.")] = 20,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    out: Out = None,
) -> None:
    """One area's roster and the requests arriving each week, seeded.

    Some requests stand, some have a deadline, some are withdrawn later: what
    `bench/season.py` replays."""
    from worldgen import world_yaml
    from worldgen.season import generate_season

    data = generate_season(weeks, tasks, volunteers, seed)
    if _write(world_yaml(data), out, "cli_season_unwritable"):
        requests = sum(len(w) for w in data["arrivals"])
        console.print(msg(
            "cli_generated_season", path=out, weeks=weeks, requests=requests,
            volunteers=len(data["roster"]["volunteers"]),
        ))  # fmt: skip


def _write(text: str, out: Path | None, unwritable: str) -> bool:
    """Write to `out` (stdout when None or '-'); True when written to a file."""
    if out is None or out == Path("-"):
        sys.stdout.write(text)
        return False
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:  # a missing folder, a folder in the way, no permission
        errors.print(msg(unwritable, path=out, problem=os_words(exc)))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    return True
