"""The JSON API answers byte for byte as it did before the ports spoke domain types: the
roster, the tasks, the exported scenario and a plan, held against answers recorded before the
move (tests/golden/answers; `MUTUALAID_RECORD_ANSWERS=1` writes them again, on purpose only).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from .conftest import Client, wait_for
from .test_end_to_end import _import_sample

ANSWERS = Path(__file__).resolve().parents[1] / "golden" / "answers"
RECORD = os.environ.get("MUTUALAID_RECORD_ANSWERS") == "1"
WEEK = "2026-11-30"
AREA = "jingbalu"
READS = {
    "sites": f"/sites?area={AREA}",
    "teams": f"/teams?area={AREA}",
    "volunteers": f"/volunteers?area={AREA}",
    "residents": f"/residents?area={AREA}",
    "volunteer": f"/volunteers/v-wang?area={AREA}",
    "weeks": f"/weeks?area={AREA}",
    "tasks": f"/weeks/{WEEK}/tasks?area={AREA}",
    "task": f"/weeks/{WEEK}/tasks/t-fridge-zhang?area={AREA}",
    "scenario": f"/weeks/{WEEK}/scenario?area={AREA}",
}
VOLATILE = ("id", "created_at", "started_at", "finished_at")
"""A plan's keys whose values change from run to run (its id, clocks): blanked before the
comparison, as are its progress's `elapsed` and the plan's `solve_seconds` and stage times."""


def _held(request: pytest.FixtureRequest, name: str, body: bytes) -> None:
    """The answer is the one recorded on the same database (PostgreSQL's JSONB gives a
    stored object's keys in its own order)."""
    database = request.node.callspec.params["settings"]
    path = ANSWERS / f"{name}.{database}.json"
    if RECORD:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    assert body == path.read_bytes(), f"the answer of {name} changed"


@pytest.mark.parametrize("name", list(READS))
def test_reads_answer_as_before(
    client: Client, admin: dict[str, str], name: str, request: pytest.FixtureRequest
) -> None:
    _import_sample(client, admin)
    answer = client.get(READS[name], headers=admin)
    assert answer.status_code == 200, answer.text
    _held(request, name, answer.content)


def _blank(plan: dict[str, Any]) -> dict[str, Any]:
    out = {k: "…" if k in VOLATILE else v for k, v in plan.items()}
    out["progress"] = {**out["progress"], "elapsed": "…"}
    stages = {k: {**v, "seconds": "…"} for k, v in out["plan"].get("stages", {}).items()}
    out["plan"] = {**out["plan"], "solve_seconds": "…", "stages": stages}
    return out


@pytest.mark.slow
def test_a_plan_answers_as_before(
    client: Client, admin: dict[str, str], request: pytest.FixtureRequest
) -> None:
    _import_sample(client, admin)
    made = client.post(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin)
    assert made.status_code == 202, made.text
    ident = made.json()["id"]

    def done() -> Any:
        plan = client.get(f"/plans/{ident}", headers=admin).json()
        return plan if plan["status"] not in ("queued", "running") else None

    plan = wait_for(done, timeout=600)
    body = json.dumps(_blank(plan), ensure_ascii=False, indent=1).encode("utf-8")
    _held(request, "plan", body)
