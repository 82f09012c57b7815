"""`mutualaid generate`: a plausible generated week, written in the contract's format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mutualaid.cli.common import EXIT_BAD_INPUT, app, console, errors
from mutualaid.contract.scenario import build_scenario
from mutualaid.messages import msg


@app.command()
def generate(
    tasks: Annotated[int, typer.Option(min=0, help="Tasks in the week.")] = 200,
    volunteers: Annotated[int, typer.Option(min=0, help="Volunteers.")] = 80,
    subdistricts: Annotated[int, typer.Option(min=1, help="Subdistricts (clusters).")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    contended: Annotated[bool, typer.Option(help="Demand far beyond capacity.")] = False,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the YAML ('-' or none: stdout).")
    ] = None,
) -> None:
    """Write a plausible generated scenario in the contract's format."""
    from worldgen import generate_world, world_yaml

    data = generate_world(tasks, volunteers, subdistricts, seed, contended=contended)
    scenario = build_scenario(data)  # a generated world that breaks the contract is a bug
    text = world_yaml(data)
    if out is None or out == Path("-"):
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:  # a missing folder, a folder in the way, no permission
        errors.print(msg("cli_world_unwritable", path=out, problem=exc.strerror or exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    console.print(msg(
        "cli_generated", path=out, tasks=len(scenario.tasks), volunteers=len(scenario.volunteers),
        subdistricts=subdistricts,
    ))  # fmt: skip
