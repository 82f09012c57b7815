"""A process killed (SIGKILL) in the middle of a write leaves the stored week consistent:
the published plan keeps every rule of the week as stored, and nothing is half-written (a
recommendation applied is all there or not at all). On SQLite and PostgreSQL, the write made by
a child process (`tests.api.kill_child`) that stalls at the chosen point until it is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from api.settings import Settings
from mutualaid.contract.scenario import build_scenario
from mutualaid.validation import validate
from tests.adapters import world

from .conftest import Client, app_for, wait_for
from .test_recommend import NEW

pytestmark = pytest.mark.slow  # a child process each, started and killed

AREA = world.AREA
WEEK = world.WEEK.isoformat()
Headers = dict[str, str]
ROOT = Path(__file__).resolve().parents[2]


def killed_at(settings: Settings, tmp_path: Path, point: str, *args: str) -> None:
    """Run the child's write until it reaches `point`, then kill it there."""
    marker = tmp_path / "reached"
    env = {**os.environ, "DATABASE_URL": settings.database.url, "MUTUALAID_JOB_RUNNER": "inprocess"}
    log = tmp_path / "child.log"
    with log.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.api.kill_child", str(marker), point, *args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    # A state wait; the deadline only guards against a hung child. It imports the solver and may
    # solve first: at load 11 a draft's child took over 120 s to reach its point.
    deadline = time.monotonic() + 600
    try:
        while not marker.exists():
            if child.poll() is not None:
                raise AssertionError(f"the child ended before {point}: {log.read_text()}")
            assert time.monotonic() < deadline, f"the child never reached {point}"
            time.sleep(0.05)
    finally:  # killed on a failure too: a child left running failed the worker's next test
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


def the_week(client: Client, admin: Headers) -> tuple[dict[str, Any], dict[str, Any]]:
    """The week as stored and its published plan, which must keep every hard rule of it (the
    fixture's published plan claims figures of its own: those are not what is checked)."""
    stored = client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin).json()
    plans = client.get(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).json()
    (final,) = [p for p in plans if p["published_at"] is not None]
    report = validate(build_scenario(stored), final["plan"])
    broken = [v for v in report.violations if v.rule != "figures"]
    assert not broken, broken
    return stored, final


def test_killed_while_applying_a_recommendation_stores_nothing_of_it(
    client: Client, admin: Headers, published: str, settings: Settings, tmp_path: Path
) -> None:
    url = f"/weeks/{WEEK}/recommendations?area={AREA}"
    option = client.post(url, json=NEW, headers=admin).json()["options"][0]["id"]

    killed_at(settings, tmp_path, "publish", "apply", AREA, WEEK, option, json.dumps(NEW))

    stored, final = the_week(client, admin)
    assert final["id"] == published
    assert NEW["id"] not in {t["id"] for t in stored["tasks"]}
    plans = client.get(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).json()
    assert [p["kind"] for p in plans] == ["solve"]
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    assert "recommendation.apply" not in {e["action"] for e in audit}
    again = client.post(f"/weeks/{WEEK}/recommendations/{option}/apply?area={AREA}", json=NEW,
                        headers=admin)  # fmt: skip
    assert again.status_code == 200, again.text  # the same option, applied now
    the_week(client, admin)


@pytest.mark.parametrize("point", ["repair", "publish"])
def test_killed_during_an_absence_s_repair_leaves_the_published_plan_keeping_the_week(
    client: Client, admin: Headers, published: str, settings: Settings, tmp_path: Path,
    point: str,
) -> None:  # fmt: skip
    body = {"from": "2026-12-01", "to": "2026-12-01", "reason": "flu"}  # Wang's Tuesday visit

    killed_at(settings, tmp_path, point, "absence", AREA, WEEK, "v-wang", json.dumps(body))

    the_week(client, admin)


def test_killed_while_a_repair_s_suggestions_are_checked_the_next_start_checks_them(
    client: Client, admin: Headers, published: str, settings: Settings, tmp_path: Path
) -> None:
    """Before, the next start only ended the marks: the repair showed no suggestions."""
    body = {"from": "2026-12-01", "to": "2026-12-04", "reason": "flu"}  # Wang away for days

    killed_at(settings, tmp_path, "checks", "absence", AREA, WEEK, "v-wang", json.dumps(body))

    _, final = the_week(client, admin)
    assert final["id"] != published  # the repair, published
    checked_after_restart(client, admin, settings, final)


def test_killed_while_a_draft_s_suggestions_are_checked_the_next_start_checks_them(
    client: Client, admin: Headers, settings: Settings, tmp_path: Path
) -> None:
    """A solve's plan, finished and not published (a draft), its runner killed while the
    rest of its suggestions were checked: before, the next start only ended the marks and
    the draft showed no suggestions (only a published plan was checked again)."""
    from .test_replan_pages import EDGES

    answer = client.post("/weeks/2026-11-30/scenario?area=edges", content=EDGES.read_bytes(),
                         headers={**admin, "Content-Type": "application/yaml"})  # fmt: skip
    assert answer.status_code == 200, answer.text

    killed_at(settings, tmp_path, "rest", "solve", "edges", "2026-11-30", "-")

    plans = client.get("/weeks/2026-11-30/plans?area=edges", headers=admin).json()
    (draft,) = plans
    assert draft["published_at"] is None
    checked_after_restart(client, admin, settings, draft)


def checked_after_restart(
    client: Client, admin: Headers, settings: Settings, plan: dict[str, Any]
) -> None:
    """`plan` (as answered) left with every unserved task marked as being checked by a killed
    process: the server stops, the next start (suggestions on) checks them again, and each
    task ends unmarked, some with suggestions."""
    unserved = plan["plan"]["unserved"]
    assert unserved and all(u.get("suggestions_checking") is True for u in unserved)
    client.__exit__(None, None, None)
    suggesting = replace(settings, solver=replace(settings.solver, suggest=True))
    with TestClient(app_for(suggesting)) as again:

        def checked() -> list[dict[str, Any]] | None:
            got = again.get(f"/plans/{plan['id']}", headers=admin).json()["plan"]["unserved"]
            return None if any("suggestions_checking" in u for u in got) else got

        done = wait_for(checked, timeout=300)
    assert {u["task"] for u in done} == {u["task"] for u in unserved}
    assert any(u.get("suggestions") for u in done), done


def test_killed_while_an_import_is_stored_stores_none_of_its_rows_and_the_next_import_all(
    client: Client, admin: Headers, published: str, settings: Settings, tmp_path: Path
) -> None:
    """Killed after the five rows were written inside the import's transaction (one statement
    since stop 26 D2; three rows of five before): none is stored, and the same file imported
    after it is stored whole."""
    rows = [{"id": f"r-k{n}", "name": f"居民{n}", "location": {"lat": 34.78, "lon": 113.68}}
            for n in range(5)]  # fmt: skip

    killed_at(settings, tmp_path, "import", "import", AREA, WEEK, "residents", json.dumps(rows))

    def residents() -> set[str]:
        return {r["id"] for r in client.get(f"/residents?area={AREA}", headers=admin).json()}

    assert not residents() & {r["id"] for r in rows}
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    assert "resident.import" not in {e["action"] for e in audit}
    body = "id,name,lat,lon\n" + "".join(f"r-k{n},居民{n},34.78,113.68\n" for n in range(5))
    again = client.post(f"/imports/residents?area={AREA}&store=true", content=body.encode(),
                        headers=admin)  # fmt: skip
    assert again.status_code == 200, again.text
    assert {r["id"] for r in rows} <= residents()
    the_week(client, admin)


def test_killed_while_a_plan_is_published_leaves_the_plan_before_published(
    client: Client, admin: Headers, published: str, settings: Settings, tmp_path: Path
) -> None:
    """A second plan of the week killed inside its publish: the first stays the published one
    (never none, never both), and the second is published at the next try."""
    from .conftest import infra

    with infra(client).uow() as uow:
        draft = uow.plans.create(AREA, world.WEEK)
        uow.plans.finish(draft.id, world.plan())
        uow.commit()

    killed_at(settings, tmp_path, "publish", "publish", AREA, WEEK, draft.id)

    _, final = the_week(client, admin)
    assert final["id"] == published
    again = client.post(f"/plans/{draft.id}/publish?area={AREA}", headers=admin)
    assert again.status_code == 200, again.text
    _, final = the_week(client, admin)
    assert final["id"] == draft.id
