"""A coordinator's week through HTTP, on SQLite and PostgreSQL: import, submit, solve,
check, publish — and what the service says when something is wrong."""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

import pytest
import yaml

from mutualaid.contract.scenario import build_scenario
from mutualaid.validation import validate

from .conftest import SAMPLE, Client, bearer, infra, wait_for

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

WEEK = "2026-11-30"
AREA = "jingbalu"


def _import_sample(client: Client, headers: dict[str, str]) -> None:
    answer = client.post(
        f"/weeks/{WEEK}/scenario?area={AREA}",
        content=SAMPLE.read_bytes(),
        headers={**headers, "Content-Type": "application/yaml"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["week_start"] == WEEK


def _coordinator(client: Client, admin: dict[str, str], *areas: str) -> tuple[str, dict[str, str]]:
    answer = client.post(
        "/tokens", json={"role": "coordinator", "areas": list(areas)}, headers=admin
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], bearer(answer.json()["secret"])


def test_a_coordinator_submits_solves_checks_and_publishes_a_week(
    client: Client, admin: dict[str, str]
) -> None:
    _import_sample(client, admin)
    coordinator_id, coordinator = _coordinator(client, admin, AREA)
    tasks = client.get(f"/weeks/{WEEK}/tasks", headers=coordinator).json()  # area from token
    assert len(tasks) > 5

    # the same batch twice under one key: one effect, the same answer
    fewer = tasks[:-1]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.put(f"/weeks/{WEEK}/tasks", json=fewer, headers={**coordinator, **key})
    again = client.put(f"/weeks/{WEEK}/tasks", json=fewer, headers={**coordinator, **key})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    # the same key with another body is refused, and changes nothing
    other = client.put(f"/weeks/{WEEK}/tasks", json=tasks, headers={**coordinator, **key})
    assert other.status_code == 422
    assert other.json()["error"] == "idempotency_key_reused"
    assert client.get(f"/weeks/{WEEK}/tasks", headers=coordinator).json() == first.json()
    audit = client.get("/audit?limit=1000", headers=coordinator).json()
    assert [e["action"] for e in audit].count("tasks.submit") == 1

    queued = client.post(f"/weeks/{WEEK}/plans", headers=coordinator)
    assert queued.status_code == 202, queued.text
    plan_id = queued.json()["id"]
    assert queued.json()["status"] in ("queued", "running", "optimal", "feasible")
    assert queued.headers["Location"] == f"/plans/{plan_id}"

    def done() -> dict[str, Any] | None:
        plan: dict[str, Any] = client.get(f"/plans/{plan_id}", headers=coordinator).json()
        return plan if plan["status"] not in ("queued", "running") else None

    plan = wait_for(done)
    assert plan["status"] in ("optimal", "feasible"), plan["error"]
    assert set(plan["progress"]) == {"served", "bound", "elapsed"}
    exported = client.get(f"/weeks/{WEEK}/scenario", headers=coordinator).json()
    report = validate(build_scenario(exported), plan["plan"])
    assert report.ok, report.violations
    planned = {a["task"] for a in plan["plan"]["assignments"]}
    planned |= {u["task"] for u in plan["plan"]["unserved"]}
    assert planned == set(build_scenario(exported).tasks)

    published = client.post(f"/plans/{plan_id}/publish", headers=coordinator)
    assert published.status_code == 200, published.text
    assert published.json()["published_at"] is not None
    actions = [
        (e["actor"], e["action"])
        for e in client.get("/audit", headers=coordinator).json()
        if e["actor"] == coordinator_id
    ]
    assert {"tasks.submit", "plan.request", "plan.publish"} <= {a for _, a in actions}
    assert client.delete(f"/plans/{plan_id}", headers=coordinator).status_code == 409


def test_a_second_active_plan_is_refused_until_the_first_is_cancelled(
    client: Client, admin: dict[str, str]
) -> None:
    _import_sample(client, admin)
    infra(client).runner.stop()  # keep the first plan queued
    first = client.post(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin)
    assert first.status_code == 202
    second = client.post(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin)
    assert second.status_code == 409
    assert second.json()["error"] == "active_plan_exists"
    cancelled = client.delete(f"/plans/{first.json()['id']}", headers=admin)
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["error"]) == ("error", "cancelled")
    assert client.post(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).status_code == 202
    plans = client.get(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).json()
    assert [p["status"] for p in plans] == ["error", "queued"]


def test_a_scenario_comes_back_as_it_went_in_as_json_or_yaml(
    client: Client, admin: dict[str, str]
) -> None:
    _import_sample(client, admin)
    as_json = client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin)
    as_yaml = client.get(
        f"/weeks/{WEEK}/scenario?area={AREA}", headers={**admin, "Accept": "application/yaml"}
    )
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.text) == as_json.json()
    written = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    same = dataclasses.asdict(build_scenario(written))
    assert dataclasses.asdict(build_scenario(as_json.json())) == same
    # sent back (as JSON, then as YAML), it stores the same week
    for body, media in ((json.dumps(as_json.json()), "application/json"), (as_yaml.text, "")):
        back = client.post(
            f"/weeks/{WEEK}/scenario?area={AREA}",
            content=body.encode("utf-8"),
            headers={**admin, "Content-Type": media or "application/yaml"},
        )
        assert back.status_code == 200, back.text
        again = client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin).json()
        assert again == as_json.json()
