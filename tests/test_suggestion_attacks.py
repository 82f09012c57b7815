"""The suggestions' time box and background checks under what a careless or hostile user, or a
dying runner, does to them: a box that is no number, below zero or endless; a runner that stops
(or whose store fails) while a finished plan's checks go on must not leave its tasks marked as
being checked for ever."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mutualaid.cli import app
from mutualaid.messages import msg_in
from solver.suggest_checks import Checks
from solver.suggest_verify import within
from tests.test_suggestion_box import two_unserved
from tests.test_suggestions import solved

runner = CliRunner()


def squashed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("box", ["nan", "-1"])
def test_a_box_of_no_number_or_below_zero_is_refused_by_name(
    lang: str, box: str, tmp_path: Path
) -> None:
    week = tmp_path / "week.yaml"
    week.write_text(yaml.safe_dump(two_unserved()), encoding="utf-8")
    out = tmp_path / "week.plan.json"
    args = ["solve", str(week), "--out", str(out), "--workers", "1", "--suggest",
            f"--suggest-within={box}"]  # fmt: skip
    done = runner.invoke(app, args, env={"MUTUALAID_LANG": lang, "COLUMNS": "200"})
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    said = squashed(done.output)
    assert squashed(msg_in(lang, "cli_bad_suggest_within", got=float(box))) in said
    assert not out.exists()  # refused before any solve


def test_an_endless_box_waits_for_every_check() -> None:
    """`--suggest-within inf` (or MUTUALAID_SOLVER_SUGGEST_WITHIN=inf, which the settings
    take as a positive number) means: show the plan once every suggestion is checked. An
    endless wait handed to the threads' wait() overflowed instead."""
    doc = two_unserved()
    scenario, plan = solved(doc)
    with Checks(scenario, doc, plan, check=lambda *_: True) as checks:  # one thread
        boxed = within(checks, math.inf)
    assert {u.task for u in boxed.unserved} == {"a", "b"}
    assert all(u.suggestions and not u.checking for u in boxed.unserved)
