"""Failed sign-ins are throttled per address (429 with Retry-After), and a token that already
signed in from that address keeps working: the throttle alone, then through the app."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import AuthSettings, Settings
from api.throttle import FailedSignIns, Throttled, client_key
from mutualaid.services import access

from .conftest import Client, bearer, infra
from .live import serving


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_is_throttled_after_its_burst_and_earns_tries_back() -> None:
    clock = Clock()
    throttle = FailedSignIns(burst=3, per_minute=6, addresses=100, clock=clock)
    for _ in range(3):
        throttle.check("10.0.0.1", "ma_guess")
        throttle.failed("10.0.0.1", "ma_guess")
    with pytest.raises(Throttled) as caught:
        throttle.check("10.0.0.1", "ma_another-guess")
    assert caught.value.retry_after == 10  # one try every 10 s
    throttle.check("10.0.0.2", "ma_guess")  # another address is not concerned
    clock.now += 9.5
    with pytest.raises(Throttled) as caught:
        throttle.check("10.0.0.1", "ma_guess")
    assert caught.value.retry_after == 1
    clock.now += 0.5
    throttle.check("10.0.0.1", "ma_guess")  # one try back, no more
    throttle.failed("10.0.0.1", "ma_guess")
    with pytest.raises(Throttled):
        throttle.check("10.0.0.1", "ma_guess")


def test_a_token_that_signed_in_from_the_address_is_not_throttled() -> None:
    throttle = FailedSignIns(burst=2, per_minute=1, addresses=100, clock=Clock())
    throttle.succeeded("10.0.0.1", "ma_good")
    for _ in range(5):
        throttle.failed("10.0.0.1", "ma_guess")
    throttle.check("10.0.0.1", "ma_good")
    with pytest.raises(Throttled):
        throttle.check("10.0.0.1", "ma_new-but-valid")  # waits like any unknown token
    throttle.failed("10.0.0.1", "ma_good")  # revoked since: no longer let through
    with pytest.raises(Throttled):
        throttle.check("10.0.0.1", "ma_good")


def test_an_ipv6_subscriber_s_addresses_count_as_one() -> None:
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("::ffff:10.0.0.1") == client_key("10.0.0.1") == "10.0.0.1"
    assert client_key("testclient") == "testclient"


def test_memory_is_bounded_by_the_addresses_it_remembers() -> None:
    throttle = FailedSignIns(burst=1, per_minute=1, addresses=50, clock=Clock())
    for i in range(1000):
        throttle.failed(f"10.0.{i // 256}.{i % 256}", "ma_guess")
        throttle.succeeded(f"10.1.{i // 256}.{i % 256}", f"ma_{i}")
    assert len(throttle) == 50
    throttle.check("10.0.0.0", "ma_guess")  # the oldest were forgotten


def test_concurrent_failures_share_one_burst() -> None:
    """Eight threads guessing at once get through about the burst, not eight bursts (a
    guess checked but not yet failed may slip through: at most one per thread)."""
    throttle = FailedSignIns(burst=100, per_minute=1e-9, addresses=10)

    def guesses(_: int) -> int:
        through = 0
        for _ in range(100):
            try:
                throttle.check("10.0.0.1", "ma_guess")
            except Throttled:
                continue
            through += 1
            throttle.failed("10.0.0.1", "ma_guess")
        return through

    with ThreadPoolExecutor(8) as pool:
        through = sum(pool.map(guesses, range(8)))
    assert 100 <= through <= 100 + 8
    with pytest.raises(Throttled):
        throttle.check("10.0.0.1", "ma_guess")


@pytest.fixture
def strict(settings: Settings) -> Iterator[Client]:
    """The app with a burst of 3 failures per address."""
    auth = AuthSettings(failure_burst=3, failures_per_minute=1.0)
    with TestClient(create_app(dataclasses.replace(settings, auth=auth))) as c:
        yield c


@pytest.mark.slow
def test_wrong_tokens_get_429_with_retry_after_but_a_signed_in_token_goes_on(
    strict: Client,
) -> None:
    """Found by probing: 5,000 wrong tokens at 353/s, all answered 401."""
    uow = infra(strict).uow
    _, good = access.create_token(uow(), access.CLI, "admin", name="in use")
    _, fresh = access.create_token(uow(), access.CLI, "admin", name="not used yet")
    assert strict.get("/areas", headers=bearer(good)).status_code == 200
    for i in range(3):
        answer = strict.get("/areas", headers=bearer(f"ma_guess-{i}"))
        assert answer.status_code == 401, answer.text
    for secret in ("ma_guess-3", fresh):
        answer = strict.get("/areas", headers=bearer(secret))
        assert answer.status_code == 429, answer.text
        assert answer.json()["error"] == "too_many_failures"
        wait = answer.headers["Retry-After"]
        assert 0 < int(wait) <= 60 and f"{wait} s" in answer.json()["detail"]
    assert strict.get("/areas", headers=bearer(good)).status_code == 200
    assert strict.get("/areas").status_code == 401  # no token at all: not a guess, no look-up


def _guesses_each_from_its_own_forwarded_address(settings: Settings) -> list[int]:
    """25 wrong tokens to a real server (uvicorn configured as `mutualaid serve` does), each
    claiming another client address in X-Forwarded-For; their statuses."""
    auth = dataclasses.replace(settings.auth, throttled_hold_seconds=0)
    app = create_app(dataclasses.replace(settings, auth=auth))
    with serving(app, settings.server) as base, httpx.Client(base_url=base) as http:
        return [
            http.get(
                "/areas", headers={**bearer(f"ma_guess-{i}"), "X-Forwarded-For": f"10.9.{i}.1"}
            ).status_code
            for i in range(25)
        ]


@pytest.mark.slow
def test_a_guesser_on_the_server_s_machine_cannot_pick_its_address_with_x_forwarded_for(
    settings: Settings,
) -> None:
    """Found by probing: uvicorn believed X-Forwarded-For from 127.0.0.1, so each guess
    counted as a new address and none was throttled."""
    statuses = _guesses_each_from_its_own_forwarded_address(settings)
    burst = settings.auth.failure_burst
    assert statuses[:burst] == [401] * burst
    assert set(statuses[burst:]) == {429}


@pytest.mark.slow
def test_a_trusted_proxy_s_forwarded_addresses_are_throttled_one_by_one(
    settings: Settings,
) -> None:
    """Behind a trusted proxy (MUTUALAID_TRUSTED_PROXIES) each client is its own address."""
    server = dataclasses.replace(settings.server, trusted_proxies=("127.0.0.1",))
    statuses = _guesses_each_from_its_own_forwarded_address(
        dataclasses.replace(settings, server=server)
    )
    assert statuses == [401] * 25
