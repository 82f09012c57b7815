"""A Hypothesis state machine over a coordinator's week through HTTP: submit and delete
tasks, solve, publish, decline (which repairs) and accept, checking after every step that
nothing submitted was lost and that the published plan is valid.

The world is scenarios/11-edge-declined.yaml (three volunteers, three tasks, two declines),
imported into a fresh area for each example; one app (SQLite, short one-worker solves) serves
every example of the run.

Which scenario a published plan is validated against: a plan refers to the tasks as they
were when it was solved, and tasks may be replaced or deleted after that, so validating it
against the week as it is *now* would flag plans that were right when made. The model keeps,
with every finished plan, the scenario exported from the service right after the plan was
requested (nothing else writes to the week while the machine waits for the solve), and for a
published repair the scenario exported right after the decline that triggered it (the repair
solves the stored week, declines included). The published plan must pass the validator
against that scenario and cover exactly its tasks. Declines are checked against the current
week: a pair declined and still stored (deleting a task drops its declines) never appears in
the published plan.

Publishing checks the plan against the week as it is now: a plan whose assignments break a
rule there (a decline or a task changed since the solve) is refused with 409 and the
published plan stays; a plan whose assignments hold but whose figures, reasons or listing went
stale is scored again and published. Deleting a task withdraws its published assignments: no
volunteer sees an assignment of a task that is no longer in the week.
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from litestar.testing import TestClient

from api.app import create_app
from mutualaid.contract.scenario import build_scenario
from mutualaid.services import access
from mutualaid.validation import validate

from .conftest import ROOT, Client, bearer, empty_database_url, infra, short_solves, wait_for

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

WORLD = ROOT / "scenarios" / "11-edge-declined.yaml"
WEEK = "2026-11-30"
Json = dict[str, Any]


def _pool() -> list[Json]:
    """Valid tasks to submit: the world's own, variants of them, and two new ones."""
    tasks: list[Json] = yaml.safe_load(WORLD.read_text(encoding="utf-8"))["tasks"]
    by_id = {t["id"]: t for t in tasks}
    longer = {**copy.deepcopy(by_id["t-medicine-jin"]), "duration_minutes": 90}
    monday = {**copy.deepcopy(by_id["t-visit-jin"]), "windows": [
        {"days": ["mon"], "from": "09:00", "to": "12:00"}]}  # fmt: skip
    errand = {
        "id": "t-errand-wei", "title": "Buy groceries", "resident": "r-wei",
        "needs": [{"skill": "errands", "count": 1}], "duration_minutes": 60,
        "windows": [{"days": ["wed", "fri"], "from": "09:00", "to": "12:00"}],
    }  # fmt: skip
    pair = {
        "id": "t-visit-wei", "title": "Two visitors", "resident": "r-wei",
        "needs": [{"skill": "companionship", "count": 2}], "duration_minutes": 60,
        "windows": [{"days": ["mon", "wed"], "from": "09:00", "to": "11:00"}],
        "priority": "low",
    }  # fmt: skip
    return [*tasks, longer, monday, errand, pair]


POOL = _pool()
# with its `expect` block, which names tasks the machine deletes
SCENARIO = WORLD.read_bytes()
VOLUNTEERS = ("v-cao", "v-yan", "v-hua")
FINISHED = ("optimal", "feasible")


def pairs(plan: Json) -> set[tuple[str, str]]:
    """(task, volunteer) pairs a plan assigns."""
    return {(a["task"], v["id"]) for a in plan["assignments"] for v in a["volunteers"]}


class Week(RuleBasedStateMachine):
    client: Client
    headers: dict[str, str]
    areas = itertools.count()

    def __init__(self) -> None:
        super().__init__()
        self.area = f"s{next(self.areas)}"
        answer = self.client.post(
            f"/weeks/{WEEK}/scenario?area={self.area}", content=SCENARIO,
            headers={**self.headers, "Content-Type": "application/yaml"},
        )  # fmt: skip
        assert answer.status_code == 200, answer.text
        # the model: task id -> the task as the service stored it
        self.tasks: dict[str, Json] = {t["id"]: t for t in self.get("/weeks/{week}/tasks")}
        self.finished: tuple[str, Json] | None = None  # latest finished solve, its scenario
        self.published: tuple[str, Json] | None = None  # published plan, its scenario

    # -- helpers -----------------------------------------------------------------------

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{path.format(week=WEEK)}{sep}area={self.area}"

    def get(self, path: str) -> Any:
        answer = self.client.get(self.url(path), headers=self.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def scenario(self) -> Json:
        found: Json = self.get("/weeks/{week}/scenario")
        return found

    def assignments(self, state: str) -> list[Json]:
        found = []
        for who in VOLUNTEERS:
            mine = self.get(f"/volunteers/{who}/assignments?week={WEEK}")["assignments"]
            found += [{**a, "volunteer": who} for a in mine if a["state"] == state]
        return sorted(found, key=lambda a: a["id"])

    @initialize()
    def start_published(self) -> None:
        """Every example starts with the imported week solved and published, so that
        answers (declines, accepts) come up often within a few steps."""
        self.solve()
        self.publish()

    # -- rules ---------------------------------------------------------------------------

    @rule(task=st.sampled_from(POOL))
    def submit(self, task: Json) -> None:
        answer = self.client.put(
            self.url(f"/weeks/{{week}}/tasks/{task['id']}"), json=task, headers=self.headers
        )
        assert answer.status_code == (200 if task["id"] in self.tasks else 201), answer.text
        self.tasks[task["id"]] = self.get(f"/weeks/{{week}}/tasks/{task['id']}")
        if "Repair-Plan" in answer.headers:  # a published visit broken by the edit: repaired
            assert self.published is not None
            self.published = (answer.headers["Repair-Plan"], self.scenario())

    @precondition(lambda self: self.tasks)
    @rule(task=st.sampled_from(POOL))
    def submit_batch(self, task: Json) -> None:
        """The week's tasks sent again in one batch with `task` among them (in its own place,
        or last): a published visit it breaks is repaired as a single edit's is."""
        batch = [task if t["id"] == task["id"] else t for t in self.get("/weeks/{week}/tasks")]
        if task["id"] not in self.tasks:
            batch.append(task)
        answer = self.client.put(self.url("/weeks/{week}/tasks"), json=batch, headers=self.headers)
        assert answer.status_code == 200, answer.text
        self.tasks = {t["id"]: t for t in self.get("/weeks/{week}/tasks")}
        if "Repair-Plan" in answer.headers:
            assert self.published is not None
            self.published = (answer.headers["Repair-Plan"], self.scenario())
        if self.published is not None:  # its visits hold in the plan as the week now stands
            plan = self.get(f"/plans/{self.published[0]}")["plan"]
            report = validate(build_scenario(self.scenario()), plan)
            broken = [v for v in report.violations if v.rule != "listed"  # new: the next solve
                      and (v.task or "").split("@")[0] == task["id"]]  # fmt: skip
            assert not broken, broken

    @precondition(lambda self: self.tasks)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        ident = data.draw(st.sampled_from(sorted(self.tasks)))
        answer = self.client.delete(
            self.url(f"/weeks/{{week}}/tasks/{ident}"), headers=self.headers
        )
        assert answer.status_code == 204, answer.text
        del self.tasks[ident]

    @precondition(lambda self: self.tasks)
    @rule()
    def solve(self) -> None:
        queued = self.client.post(self.url("/weeks/{week}/plans"), headers=self.headers)
        assert queued.status_code == 202, queued.text
        scenario = self.scenario()  # nothing else writes to the week until it is done
        ident = queued.json()["id"]

        def done() -> Json | None:
            plan: Json = self.get(f"/plans/{ident}")
            return plan if plan["status"] not in ("queued", "running") else None

        plan = wait_for(done)
        assert plan["status"] in FINISHED, plan["error"]
        report = validate(build_scenario(scenario), plan["plan"])
        assert report.ok, report.violations
        self.finished = (ident, scenario)

    @precondition(lambda self: self.finished is not None)
    @rule()
    def publish(self) -> None:
        assert self.finished is not None
        ident, scenario = self.finished
        exported = self.scenario()
        report = validate(build_scenario(exported), self.get(f"/plans/{ident}")["plan"])
        answer = self.client.post(f"/plans/{ident}/publish", headers=self.headers)
        if self.published is not None and self.published[0] == ident:
            assert answer.status_code == 200, answer.text  # published already: nothing to do
            return
        if not report.assignments_ok:  # a hard rule of the week as it is now is broken
            assert answer.status_code == 409, answer.text
            assert "solve the week again" in answer.json()["detail"], answer.text
            return
        assert answer.status_code == 200, answer.text
        assert answer.json()["published_at"] is not None
        # rescored when only what it said went stale: valid for the week as it is now
        self.published = (ident, scenario if report.ok else exported)

    @precondition(lambda self: self.published is not None)
    @rule(data=st.data())
    def decline(self, data: st.DataObject) -> None:
        assert self.published is not None
        pending = self.assignments("pending") + self.assignments("accepted")
        if not pending:
            return
        chosen = data.draw(st.sampled_from(pending))
        answer = self.client.post(
            f"/assignments/{chosen['id']}/decline", json={"reason": "busy"}, headers=self.headers
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["assignment"]["state"] == "declined"
        repair = answer.json()["repair"]
        assert repair is not None, "a published plan and no solve running: a repair is made"
        scenario = self.scenario()
        assert (chosen["task"], chosen["volunteer"]) in build_scenario(scenario).declined_pairs()
        plan = self.get(f"/plans/{repair['plan_id']}")
        assert plan["kind"] == "repair"
        assert repair["published"] == (plan["published_at"] is not None), plan
        assert repair["published"], plan["error"]
        self.published = (repair["plan_id"], scenario)

    @precondition(lambda self: self.published is not None)
    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        pending = self.assignments("pending")
        if not pending:
            return
        chosen = data.draw(st.sampled_from(pending))
        answer = self.client.post(f"/assignments/{chosen['id']}/accept", headers=self.headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["state"] == "accepted"

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def volunteers_see_only_tasks_of_the_week(self) -> None:
        ids = set(build_scenario(self.scenario()).tasks)
        for who in VOLUNTEERS:
            mine = self.get(f"/volunteers/{who}/assignments?week={WEEK}")["assignments"]
            assert {a["task"] for a in mine} <= ids, (who, mine)

    @invariant()
    def nothing_submitted_is_lost(self) -> None:
        stored = self.get("/weeks/{week}/tasks")
        ids = [t["id"] for t in stored]
        assert len(ids) == len(set(ids)), ids
        assert {t["id"]: t for t in stored} == self.tasks

    @invariant()
    def the_published_plan_is_valid(self) -> None:
        plans = self.get("/weeks/{week}/plans")
        live = [p["id"] for p in plans if p["published_at"] is not None]
        if self.published is None:
            assert live == []
            return
        ident, scenario = self.published
        assert live == [ident]
        plan = self.get(f"/plans/{ident}")["plan"]
        built = build_scenario(scenario)
        report = validate(built, plan)
        assert report.ok, report.violations
        covered = {a["task"] for a in plan["assignments"]} | {u["task"] for u in plan["unserved"]}
        assert covered == set(built.tasks)
        declined = build_scenario(self.scenario()).declined_pairs()
        assert not (pairs(plan) & set(declined)), pairs(plan) & set(declined)


def test_a_week_survives_any_sequence_of_edits_solves_and_answers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = empty_database_url("sqlite", request, tmp_path)
    with TestClient(create_app(short_solves(url))) as client:
        _, secret = access.create_token(infra(client).uow(), access.CLI, "admin", name="test")
        Week.client, Week.headers = client, bearer(secret)
        run_state_machine_as_test(
            Week,
            settings=settings(
                max_examples=15,
                stateful_step_count=9,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
