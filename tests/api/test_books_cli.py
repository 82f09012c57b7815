"""`mutualaid request`, `week draw`, `visit` and `ledger` on a SQLite file: the backlog and the
hours ledger from the server's shell, and what they refuse (exit 2, naming file and field)."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
from typer.testing import CliRunner

from mutualaid.cli import app
from mutualaid.cli.service import open_store
from mutualaid.config import Settings
from mutualaid.services import weeks
from mutualaid.services.access import CLI
from tests.adapters import world

runner = CliRunner()
PAST = pendulum.Date(2026, 11, 2)
REQUEST = """\
id: r-liu-chat
title: 陪刘爷爷聊天
resident: r-liu
needs: [{skill: companionship, count: 1}]
duration_minutes: 60
windows: [{days: [mon, tue], from: "09:00", to: "12:00"}]
household_of: v-wang
"""


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALAID_LANG", "en")
    with open_store(Settings.from_env().database) as store:
        weeks.import_scenario(store.uow(), CLI, world.AREA, PAST.isoformat(), world.scenario(PAST))
    return url


def run(*args: str) -> str:
    done = runner.invoke(app, list(args))
    assert done.exit_code == 0, done.output
    return done.output


def test_requests_are_added_drawn_and_their_visits_credit_hours(
    database: str, tmp_path: Path
) -> None:
    (tmp_path / "r.yaml").write_text(REQUEST, encoding="utf-8")
    area = ("--area", world.AREA)
    assert "req-r-liu-chat" in run("request", "add", "r.yaml", *area)
    assert run("request", "list", *area).split()[:3] == ["r-liu-chat", "open", "normal"]
    said = " ".join(run("week", "draw", PAST.isoformat(), *area).split())  # however it wraps
    assert "requests drawn 1," in said and "1 requests" not in said  # counts after their names
    assert "overdue 0" in said and "could not be drawn 0" in said
    with open_store(Settings.from_env().database) as store, store.uow() as uow:
        plan = uow.plans.create(world.AREA, PAST)
        uow.plans.finish(plan.id, world.plan(PAST))
        uow.plans.publish(plan.id)
        uow.commit()
        [visit] = [a.id for a in uow.assignments.for_plan(plan.id) if a.task == "t-visit-zhang"]
    assert "60 minutes" in run("visit", "done", str(visit), "--feedback", "好")
    assert run("ledger", "balances", *area).split()[:3] == ["v-wang", "王师傅", "1.00"]
    refused = runner.invoke(app, ["ledger", "redeem", *area, "--volunteer", "v-wang",
                                  "--request", "r-liu-chat", "--minutes", "61"])  # fmt: skip
    assert refused.exit_code == 2 and "the balance is 60 minutes" in refused.output
    assert "30 minutes" in run("ledger", "redeem", *area, "--volunteer", "v-wang", "--request",
                               "r-liu-chat", "--minutes", "30")  # fmt: skip
    run("ledger", "export", *area, "--out", "ledger.csv")
    lines = (tmp_path / "ledger.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and lines[0].startswith("id,at,month,volunteer,name,kind,minutes")


def test_a_bad_request_file_names_the_file_and_the_field(database: str, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(REQUEST.replace("60", "sixty"), encoding="utf-8")
    refused = runner.invoke(app, ["request", "add", "bad.yaml", "--area", world.AREA])
    assert refused.exit_code == 2
    assert "bad.yaml: duration_minutes: must be a whole number > 0" in refused.output
    missing = runner.invoke(app, ["visit", "done", "999", "--start", "9am"])
    assert missing.exit_code == 2 and "--start" in missing.output


def test_report_waited_lists_who_was_left_two_weeks_running(database: str) -> None:
    later = PAST.add(weeks=1)
    with open_store(Settings.from_env().database) as store:
        weeks.import_scenario(
            store.uow(), CLI, world.AREA, later.isoformat(), world.scenario(later)
        )
        for week in (PAST, later):  # Zhang's visit left for want of time, twice
            result = world.result(week)
            result["assignments"] = [
                a for a in result["assignments"] if a["task"] != "t-visit-zhang"
            ]
            result["unserved"] = [{"task": "t-visit-zhang", "reason": "no_time", "detail": ""}]
            with store.uow() as uow:
                plan = uow.plans.create(world.AREA, week)
                uow.plans.finish(plan.id, world.as_plan(result, week))
                uow.plans.publish(plan.id)
                uow.commit()
    out = run("report", "waited", "--area", world.AREA)
    assert "r-zhang 张奶奶: 2 weeks running still waiting" in out
    assert "2026-11-09  t-visit-zhang" in out and "free at a time" in out
    assert "r-zhang" in run("report", "waited", "--area", world.AREA, "--csv").splitlines()[1]
    bad = runner.invoke(app, ["report", "waited", "--area", world.AREA, "--until", "monday"])
    assert bad.exit_code == 2 and "until" in bad.output


def test_a_visit_s_marks_and_states_are_said_in_chinese(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the outsider's attack: under zh, `visit done` printed '探访 44：done', `visit
    missed` 'missed', and a declined visit '在已发布的计划中为 declined'."""
    monkeypatch.setenv("MUTUALAID_LANG", "zh")
    with open_store(Settings.from_env().database) as store, store.uow() as uow:
        plan = uow.plans.create(world.AREA, PAST)
        uow.plans.finish(plan.id, world.plan(PAST))
        uow.plans.publish(plan.id)
        uow.commit()
        first, second, *_ = [a.id for a in uow.assignments.for_plan(plan.id)]
        uow.assignments.decline(second, "病了")
        uow.commit()
    done = run("visit", "done", str(first))
    assert "已完成" in done and "done" not in done, done
    missed = run("visit", "missed", str(first))
    assert "未成行" in missed and "missed" not in missed, missed
    refused = runner.invoke(app, ["visit", "done", str(second)])
    assert refused.exit_code != 0
    assert "已婉拒" in refused.output and "declined" not in refused.output, refused.output


def test_a_week_drawn_under_zh_says_how_long_each_task_waited_in_chinese(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`week draw` listed each task as '  r-liu-chat\twaited 0' under zh too."""
    monkeypatch.setenv("MUTUALAID_LANG", "zh")
    (tmp_path / "r.yaml").write_text(REQUEST, encoding="utf-8")
    area = ("--area", world.AREA)
    run("request", "add", "r.yaml", *area)
    said = run("week", "draw", PAST.isoformat(), *area)
    [line] = [x for x in said.splitlines() if "r-liu-chat" in x]
    assert "已等待 0 周" in line and "waited" not in line, said


def test_the_backlog_under_zh_says_each_request_s_priority_in_chinese(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`request list` said the status in Chinese (待办) and the priority as its code (normal)."""
    monkeypatch.setenv("MUTUALAID_LANG", "zh")
    (tmp_path / "r.yaml").write_text(REQUEST, encoding="utf-8")
    run("request", "add", "r.yaml", "--area", world.AREA)
    [line] = run("request", "list", "--area", world.AREA).splitlines()[:1]
    assert line.split()[1:3] == ["待办", "普通"], line
