"""Who may do what, for every route: 401 without a token or with a bad one, 403 outside the
token's role or areas — and the table here must name every route the app serves."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pendulum
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import AuthSettings
from mutualaid.adapters.uow import SqlUnitOfWork
from mutualaid.services import access
from tests.adapters import world

from .conftest import Client, bearer, empty_database_url, infra, short_solves, wait_for

WEEK = world.WEEK.isoformat()
NORTH, SOUTH = "north", "south"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    """As the app names it (`/sites/{ident:str}`)."""
    who: str
    """admin: admins only; area: admins and the area's coordinators; managers: admins and
    coordinators (the answer is limited to their areas); own: admins, the area's
    coordinators and the volunteer themself (the probe is another volunteer's)."""
    body: Any = None

    @property
    def scoped(self) -> bool:
        """Takes ?area= (the area-owned resources)."""
        return self.who in ("area", "own") and not self.path.startswith(
            ("/areas", "/plans", "/assignments")
        )


TASK = world.scenario()["tasks"][0]
REQUEST = {
    "id": "x-probe", "title": "probe", "resident": "r-zhang", "duration_minutes": 30,
    "needs": [{"skill": "companionship"}], "windows": [{"days": ["tue"], "from": "09:00",
                                                         "to": "10:00"}],
}  # fmt: skip
ROUTES = [
    Route("GET", "/areas", "managers"),
    Route("POST", "/areas", "admin", {"id": "east", "timezone": world.ZONE}),
    Route("GET", "/areas/{area:str}", "area"),
    Route("PUT", "/areas/{area:str}", "admin", {"timezone": world.ZONE}),
    *[
        route
        for kind, entity in (
            ("sites", world.scenario()["sites"][0]),
            ("teams", world.scenario()["teams"][0]),
            ("volunteers", world.scenario()["volunteers"][0]),
            ("residents", world.scenario()["residents"][0]),
        )
        for route in (
            Route("GET", f"/{kind}", "area"),
            Route("POST", f"/{kind}", "area", entity),
            Route("GET", f"/{kind}/{{ident:str}}", "area"),
            Route("PUT", f"/{kind}/{{ident:str}}", "area", entity),
            Route("DELETE", f"/{kind}/{{ident:str}}", "area"),
        )
    ],
    Route("GET", "/weeks", "area"),
    Route("GET", "/weeks/{week_start:str}/tasks", "area"),
    Route("PUT", "/weeks/{week_start:str}/tasks", "area", [TASK]),
    Route("GET", "/weeks/{week_start:str}/tasks/{task:str}", "area"),
    Route("PUT", "/weeks/{week_start:str}/tasks/{task:str}", "area", TASK),
    Route("DELETE", "/weeks/{week_start:str}/tasks/{task:str}", "area"),
    Route("GET", "/weeks/{week_start:str}/scenario", "area"),
    Route("POST", "/weeks/{week_start:str}/scenario", "area", world.scenario()),
    Route("GET", "/weeks/{week_start:str}/plans", "area"),
    Route("POST", "/weeks/{week_start:str}/plans", "area"),
    Route("GET", "/plans/{plan_id:str}", "area"),
    Route("DELETE", "/plans/{plan_id:str}", "area"),
    Route("POST", "/plans/{plan_id:str}/publish", "area"),
    Route("GET", "/tokens", "admin"),
    Route("POST", "/tokens", "admin", {"role": "coordinator", "areas": [NORTH]}),
    Route("DELETE", "/tokens/{token_id:str}", "admin"),
    Route("GET", "/audit", "area"),
    Route("GET", "/volunteers/{ident:str}/assignments", "own"),
    Route("GET", "/volunteers/{ident:str}/calendar.ics", "own"),
    Route("POST", "/assignments/{assignment_id:int}/accept", "own"),
    Route("POST", "/assignments/{assignment_id:int}/decline", "own", {"reason": "probe"}),
    Route("POST", "/imports/{name:str}", "area"),
    # the backlog and the ledger (api/controllers/books.py)
    Route("GET", "/areas/{area:str}/requests", "area"),
    Route("POST", "/areas/{area:str}/requests", "area", REQUEST),
    Route("GET", "/areas/{area:str}/requests/{ident:str}", "area"),
    Route("PUT", "/areas/{area:str}/requests/{ident:str}", "area", REQUEST),
    Route("DELETE", "/areas/{area:str}/requests/{ident:str}", "area"),
    Route("POST", "/weeks/{week_start:str}/draw", "area"),
    Route("POST", "/assignments/{assignment_id:int}/done", "own"),
    Route("POST", "/assignments/{assignment_id:int}/missed", "own"),
    Route("GET", "/assignments/{assignment_id:int}/outcome", "own"),
    Route("DELETE", "/assignments/{assignment_id:int}/outcome", "own"),
    Route("GET", "/areas/{area:str}/ledger", "area"),
    Route("GET", "/areas/{area:str}/ledger.csv", "area"),
    Route("GET", "/areas/{area:str}/ledger/{volunteer:str}", "own"),
    Route("POST", "/areas/{area:str}/redemptions", "area", {"volunteer": "v-wang", "request": "x"}),
    Route("GET", "/notices", "area"),
    Route("GET", "/notices/webhook", "area"),
    Route("PUT", "/notices/webhook", "area", {"webhook_url": None}),
    Route("GET", "/volunteers/{ident:str}/notices", "own"),
    Route("GET", "/volunteers/{ident:str}/contact", "own"),
    Route("PUT", "/volunteers/{ident:str}/contact", "own", {"email": None}),
    Route("GET", "/reports/weeks/{week:str}", "area"),
    Route("GET", "/reports/months/{month:str}", "area"),
    # a new request's recommendations and a volunteer's absences (api/controllers/replan.py)
    Route("POST", "/weeks/{week_start:str}/recommendations", "area", {**TASK, "id": "t-new"}),
    Route(
        "POST",
        "/weeks/{week_start:str}/recommendations/{option:str}/apply",
        "area",
        {**TASK, "id": "t-new"},
    ),
    Route("GET", "/volunteers/{ident:str}/absences", "own"),
    Route("POST", "/volunteers/{ident:str}/absences", "own", {"week": world.WEEK.isoformat()}),
    Route("DELETE", "/volunteers/{ident:str}/absences/{absence_id:int}", "own"),
    Route("GET", "/reports/waited", "area"),
    Route("PUT", "/areas/{area:str}/fairness", "area", {"across_weeks": True}),
]


@dataclass
class World:
    client: Client
    tokens: dict[str, dict[str, str]]
    plan_id: str
    token_id: str
    assignment_id: int
    """One of the plan's assignments that is not the volunteer token's."""

    def url(self, route: Route, area: str = NORTH) -> str:
        path = (
            route.path.replace("{area:str}", area)
            .replace("{ident:str}", "x-probe")
            .replace("{name:str}", "residents")
            .replace("{week_start:str}", WEEK)
            .replace("{week:str}", WEEK)
            .replace("{month:str}", WEEK[:7])
            .replace("{task:str}", TASK["id"])
            .replace("{plan_id:str}", self.plan_id)
            .replace("{token_id:str}", self.token_id)
            .replace("{assignment_id:int}", str(self.assignment_id))
            .replace("{absence_id:int}", "1")
            .replace("{option:str}", "000000000000")
            .replace("{volunteer:str}", "v-li")  # not the volunteer token's
        )
        return f"{path}?area={area}" if route.scoped else path

    def send(self, route: Route, headers: dict[str, str] | None, area: str = NORTH) -> Any:
        return self.client.request(route.method, self.url(route, area), json=route.body,
                                   headers=headers)  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world_(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Two areas; an admin, a coordinator of each, a volunteer of the north, a revoked
    token; a finished plan in the north."""
    url = empty_database_url(request.param, request, tmp_path_factory.mktemp("access"))
    # every route is probed with wrong tokens from one address: no throttling here
    lenient = dataclasses.replace(short_solves(url), auth=AuthSettings(failure_burst=100_000))
    with TestClient(create_app(lenient)) as client:
        uow = infra(client).uow
        _, admin = access.create_token(uow(), access.CLI, "admin")
        headers = bearer(admin)
        assert client.post(f"/weeks/{WEEK}/scenario?area={NORTH}", json=world.scenario(),
                           headers=headers).status_code == 200  # fmt: skip
        assert client.post("/areas", json={"id": SOUTH, "timezone": world.ZONE},
                           headers=headers).status_code == 201  # fmt: skip
        tokens = {"admin": headers}
        for name, role, areas, volunteer in (
            ("coordinator", "coordinator", [NORTH], None),
            ("other coordinator", "coordinator", [SOUTH], None),
            ("volunteer", "volunteer", [NORTH], "v-wang"),
            ("revoked", "admin", [], None),
        ):
            token, secret = access.create_token(uow(), access.CLI, role, areas, volunteer)
            tokens[name] = bearer(secret)
        access.revoke_token(uow(), access.CLI, token.id)
        plan = client.post(f"/weeks/{WEEK}/plans?area={NORTH}", headers=headers).json()
        wait_for(
            lambda: (
                client.get(f"/plans/{plan['id']}", headers=headers).json()["status"]
                not in ("queued", "running")
            )
        )
        with infra(client).reader() as reader:
            others = [a.id for a in reader.assignments.for_plan(plan["id"])
                      if a.volunteer != "v-wang"]  # fmt: skip
        yield World(client, tokens, plan["id"], token.id, others[0])


@pytest.mark.slow
def test_the_table_names_every_route_the_app_serves(world_: World) -> None:
    """Every route of the JSON API (the pages, signed in by session, are tested in
    tests/api/test_pages.py)."""
    served = {
        (method, route.path)
        for route in world_.client.app.routes
        if not route.path.startswith("/schema")
        and not any(h.opt.get("exclude_from_auth") for h in route.route_handlers)
        for method in route.methods
        if method not in ("OPTIONS", "HEAD")
    }
    assert served == {(r.method, r.path) for r in ROUTES}


def _ids(route: Route) -> str:
    return f"{route.method} {route.path}"


@pytest.mark.parametrize("route", ROUTES, ids=_ids)
def test_without_a_valid_token_every_route_is_401(world_: World, route: Route) -> None:
    for headers in (
        None,
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer ma_not-a-token"},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        world_.tokens["revoked"],
    ):
        answer = world_.send(route, headers)
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.json()["error"] == "unauthenticated"
        assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("route", ROUTES, ids=_ids)
def test_outside_its_role_or_areas_a_token_gets_403(world_: World, route: Route) -> None:
    outsiders = {
        "admin": ["coordinator", "volunteer"],
        "area": ["other coordinator", "volunteer"],
        "managers": ["volunteer"],
        "own": ["other coordinator", "volunteer"],
    }[route.who]
    for name in outsiders:
        answer = world_.send(route, world_.tokens[name])
        assert answer.status_code == 403, (name, answer.text)
        assert answer.json()["error"] == "forbidden"
    if route.scoped:  # the other coordinator may not reach north by naming it either way
        answer = world_.send(route, world_.tokens["other coordinator"], area=NORTH)
        assert answer.status_code == 403


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "GET"], ids=_ids)
def test_those_in_scope_may_read(world_: World, route: Route) -> None:
    allowed = ["admin"] if route.who == "admin" else ["admin", "coordinator"]
    for name in allowed:
        answer = world_.send(route, world_.tokens[name])
        assert answer.status_code not in (401, 403) and answer.status_code < 500, answer.text


def test_a_coordinator_sees_only_its_areas_and_their_audit(world_: World) -> None:
    client, tokens = world_.client, world_.tokens
    areas = client.get("/areas", headers=tokens["coordinator"]).json()
    assert [a["id"] for a in areas] == [NORTH]
    audit = client.get("/audit", headers=tokens["coordinator"]).json()
    assert audit and {e["area"] for e in audit} == {NORTH}
    other = client.get("/audit", headers=tokens["other coordinator"]).json()
    assert [(e["area"], e["action"]) for e in other] == [(SOUTH, "area.create")]


@pytest.mark.slow
def test_a_token_with_an_expiry_is_refused_once_it_has_passed(
    client: Client, admin: dict[str, str]
) -> None:
    made = client.post("/tokens", json={"role": "admin", "expires_in_days": 30}, headers=admin)
    assert made.status_code == 201, made.text
    lasts = pendulum.parse(made.json()["expires_at"]) - pendulum.now("UTC")
    assert 29.9 < lasts.total_days() <= 30
    assert client.get("/areas", headers=bearer(made.json()["secret"])).status_code == 200
    listed = {t["id"]: t for t in client.get("/tokens", headers=admin).json()}
    assert listed[made.json()["id"]]["expires_at"] == made.json()["expires_at"]
    for days in (0, -1, 3651, "soon"):
        refused = client.post(
            "/tokens", json={"role": "admin", "expires_in_days": days}, headers=admin
        )
        assert refused.status_code == 400, refused.text
        assert [p["path"] for p in refused.json()["problems"]] == ["expires_in_days"]
    # made two days ago to last one day
    then = pendulum.now("UTC").subtract(days=2)
    past = SqlUnitOfWork(infra(client).sessions, clock=lambda: then)
    _, secret = access.create_token(past, access.CLI, "admin", expires_in=pendulum.duration(days=1))
    expired = client.get("/areas", headers=bearer(secret))
    assert expired.status_code == 401, expired.text
    assert expired.json()["error"] == "unauthenticated"
    assert "expired" in expired.json()["detail"]
    assert expired.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("lang, words", [("en", "between 1 and 3650 days"), ("zh", "1 到 3650 天")])
def test_a_token_lasting_beyond_the_bound_is_refused_with_the_whole_number_it_was_given(
    client: Client, admin: dict[str, str], lang: str, words: str
) -> None:
    """`"expires_in_days": 99999999` was answered 'got 99999999.0': the field is whole days
    (1 to MAX_EXPIRY_DAYS, in mutualaid/bounds.py), echoed as the number sent."""
    said = {**admin, "Accept-Language": lang}
    for days in (99999999, 3651, 0, 2.5, 10**30):
        refused = client.post("/tokens", json={"role": "admin", "expires_in_days": days},
                              headers=said)  # fmt: skip
        assert refused.status_code == 400, refused.text
        [problem] = refused.json()["problems"]
        assert problem["path"] == "expires_in_days", problem
        assert ".0" not in problem["message"] and "e+" not in problem["message"], problem
    [problem] = client.post("/tokens", json={"role": "admin", "expires_in_days": 99999999},
                            headers=said).json()["problems"]  # fmt: skip
    assert words in problem["message"] and "99999999" in problem["message"], problem
    made = client.post("/tokens", json={"role": "admin", "expires_in_days": 3650}, headers=said)
    assert made.status_code == 201, made.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_token_lasting_an_unreadably_large_number_of_days_is_refused_in_the_requests_language(
    client: Client, admin: dict[str, str], lang: str
) -> None:
    """`"expires_in_days": 1e999` is read by the JSON decoder as infinity before any handler
    runs; its refusal came back in English under zh ("Expected `int`, got `float`" said
    again as such): it reads as the other bounds do, in the request's language."""
    said = {**admin, "Accept-Language": lang, "Content-Type": "application/json"}
    for text in ("1e999", "-1e999", "1e308", "1E400"):
        body = '{"role": "admin", "expires_in_days": ' + text + "}"
        refused = client.post("/tokens", content=body, headers=said)
        assert refused.status_code == 400, refused.text
        [problem] = refused.json()["problems"]
        assert problem["path"] == "expires_in_days", problem
        message = problem["message"]
        assert "Expected" not in message and "`" not in message, problem
        if lang == "zh":
            latin = message.replace("null", "").replace("expires_in_days", "")
            assert not any("a" <= c.lower() <= "z" for c in latin), problem
