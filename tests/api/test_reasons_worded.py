"""Why a task stays unserved is stored as data (`detail_said`: code and params) and worded
where it is read, in the reader's language: a zh request sees the details in Chinese, an en
one the same sentences as before. A plan stored before kept only the English sentence: it
is still shown, as it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import load_scenario
from mutualaid.domain.plan import Reason, reason
from mutualaid.messages import using_locale

from .conftest import Client, infra

EDGES = Path(__file__).resolve().parents[2] / "scenarios" / "09-edge-reason-codes.yaml"
ZH = {"Accept-Language": "zh-CN"}


def _solved() -> tuple[Any, dict[str, Any]]:
    scenario = load_scenario(EDGES)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=2, workers=1, deterministic=True))
    return scenario, plan_json.dump(plan, scenario, said=True)


def _read(stored: dict[str, Any], scenario: Any) -> dict[str, Any]:
    """A stored plan as its readers get it: into the domain, out in the active language."""
    return plan_json.dump(plan_json.load(stored, scenario), scenario)


def test_a_stored_detail_is_data_worded_in_the_readers_language() -> None:
    scenario, stored = _solved()
    assert stored["unserved"] and all("detail_said" in u for u in stored["unserved"])
    english = _read(stored, scenario)
    with using_locale("zh"):
        chinese = _read(stored, scenario)
    assert all("detail_said" not in u for u in english["unserved"] + chinese["unserved"])
    assert [u["detail"] for u in english["unserved"]] == [u["detail"] for u in stored["unserved"]]
    for en, zh in zip(english["unserved"], chinese["unserved"], strict=True):
        assert en["detail"] != zh["detail"], en
    capacity = next(u for u in chinese["unserved"] if u["reason"] == "capacity")
    assert capacity["detail"].startswith("本可单独完成")
    # read back into the domain and written again: the same data
    again = plan_json.dump(plan_json.load(stored, scenario), scenario, said=True)
    assert again["unserved"] == stored["unserved"]
    assert all(isinstance(u.detail, Reason) for u in plan_json.load(stored, scenario).unserved)


def test_a_plan_stored_with_worded_details_still_shows_them() -> None:
    scenario, stored = _solved()
    old = {**stored, "unserved": [
        {k: v for k, v in u.items() if k != "detail_said"} for u in stored["unserved"]
    ]}  # fmt: skip
    with using_locale("zh"):
        assert _read(old, scenario) == old
    assert [u.detail for u in plan_json.load(old, scenario).unserved] == [
        u["detail"] for u in old["unserved"]
    ]


def _import_edges(client: Client, admin: dict[str, str]) -> None:
    answer = client.post(
        "/weeks/2026-11-30/scenario?area=edges",
        content=EDGES.read_bytes(),
        headers={**admin, "Content-Type": "application/yaml"},
    )
    assert answer.status_code == 200, answer.text


def test_the_api_words_a_plans_details_per_request(client: Client, admin: dict[str, str]) -> None:
    _import_edges(client, admin)
    scenario, stored = _solved()
    with infra(client).uow() as uow:
        plan = uow.plans.create("edges", load_scenario(EDGES).week_start)
        uow.plans.finish(plan.id, plan_json.load(stored, scenario))
        uow.commit()
    en = client.get(f"/plans/{plan.id}", headers=admin).json()["plan"]["unserved"]
    zh = client.get(f"/plans/{plan.id}", headers={**admin, **ZH}).json()["plan"]["unserved"]
    assert [u["detail"] for u in en] == [u["detail"] for u in stored["unserved"]]
    assert "detail_said" not in en[0] and "detail_said" not in zh[0]
    assert all(a["detail"] != b["detail"] for a, b in zip(en, zh, strict=True))


def test_a_failed_plans_error_is_worded_per_request(client: Client, admin: dict[str, str]) -> None:
    _import_edges(client, admin)
    with infra(client).uow() as uow:
        plan = uow.plans.create("edges", load_scenario(EDGES).week_start)
        uow.plans.fail(plan.id, reason("plan_gave_up", runs=3))
        uow.commit()
    en = client.get(f"/plans/{plan.id}", headers=admin).json()
    zh = client.get(f"/plans/{plan.id}", headers={**admin, **ZH}).json()
    assert (en["status"], en["error"]) == ("error", "gave up after 3 runs")
    assert zh["error"] == "运行 3 次后放弃"
