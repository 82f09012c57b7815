"""Issue 11 item 8: a generated season of 12 weeks replayed through the service's use cases on
SQLite and PostgreSQL (`tests/season.py`): every request accounted for, the ledger balancing to
the done visits' minutes exactly, every notice delivered once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from mutualaid.domain.ledger import CREDIT, NewEntry
from tests.season import Receiver, Replay, replay
from worldgen.season import generate_season


def test_the_same_seed_gives_the_same_season() -> None:
    one, two = generate_season(4, 10, 8, 3), generate_season(4, 10, 8, 3)
    assert one == two and one != generate_season(4, 10, 8, 4)
    bodies = [b for week in one["arrivals"] for b in week]
    assert any(b.get("standing") for b in bodies) and any(b.get("deadline") for b in bodies)
    assert len({b["id"] for b in bodies}) == len(bodies)


@pytest.mark.slow
def test_a_season_loses_nothing_and_its_books_balance(engine: Engine) -> None:
    logging.disable(logging.INFO)
    try:
        run, wrong = replay(generate_season(12, 20, 20, 0), engine, time_limit=1.0)
    finally:
        logging.disable(logging.NOTSET)
    assert wrong == []
    f = run.figures
    # the season did what it is for: requests waited and were served late, some declined and
    # were repaired, visits were done, missed and corrected, notices went out
    assert f.requests == sum(f.statuses.values()) and f.drawn > f.requests
    assert f.statuses.get("served", 0) > 0 and f.statuses.get("open", 0) > 0
    assert f.statuses.get("overdue", 0) > 0 and f.statuses.get("withdrawn", 0) > 0
    assert f.served_late > 0 and f.repairs > 0 and f.declined >= f.repairs
    assert f.done > 0 and f.missed > 0 and f.corrected > 0 and f.notices > 0
    assert f.retried > 0  # refused by the receiver, sent again, still received once


@pytest.mark.slow
def test_the_check_sees_an_unbalanced_ledger_and_a_notice_twice(engine: Engine) -> None:
    """The checks can fail: one minute too many in the ledger, one notice received twice."""
    receiver = Receiver()
    run = Replay(generate_season(2, 6, 8, 1), engine, time_limit=0.5)
    with receiver.running():
        run.run(receiver)
        assert run.check(receiver) == []
        with run.uow() as uow:
            uow.ledger.append("season", NewEntry("nobody", CREDIT, 1, "2026-12"))
            uow.commit()
        receiver.keys[next(iter(receiver.keys))] += 1
        wrong = run.check(receiver)
    assert len(wrong) == 3, wrong  # the total, per volunteer, the notice received twice


def test_generate_season_writes_the_season_the_replay_reads(tmp_path: Path) -> None:
    import yaml
    from typer.testing import CliRunner

    from mutualaid.cli import app

    out = tmp_path / "season.yaml"
    args = ["generate", "season", "--weeks", "3", "--tasks", "8", "--seed", "5", "--out", str(out)]
    result = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "weeks 3, requests 14" in " ".join(result.output.split())
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == generate_season(3, 8, 20, 5)


def test_generate_season_to_an_unwritable_out_says_where_and_exits_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mutualaid.cli import app

    out = tmp_path / "missing" / "season.yaml"
    args = ["generate", "season", "--weeks", "1", "--out", str(out)]
    result = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": "en"})
    assert result.exit_code == 2, result.output  # a traceback would be exit 1
    assert "cannot write the generated season to" in " ".join(result.output.split())


@pytest.mark.parametrize("option", ["--tasks", "--volunteers"])
def test_generate_season_beyond_a_district_is_refused_at_once(tmp_path: Path, option: str) -> None:
    """--tasks 100000 (or --volunteers) ran for minutes before writing a file the service
    would refuse to read; now it is refused before any work, naming the option."""
    from typer.testing import CliRunner

    from mutualaid.cli import app

    out = tmp_path / "season.yaml"
    args = ["generate", "season", "--weeks", "1", option, "100000", "--out", str(out)]
    result = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": "en"})
    assert result.exit_code == 2 and option in result.output
    assert not out.exists()
