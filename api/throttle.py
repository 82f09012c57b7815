"""Failed sign-ins throttled per client address (an IPv6 /64 counts as one): a token bucket of
failures per address, in memory (bounded: the least recently seen addresses are forgotten
first), safe across threads.

An address may fail `burst` times at once, then earns one more try every 60/`per_minute`
seconds; meanwhile its requests are answered 429 with Retry-After (held `hold` seconds first),
without a database look-up — except those carrying a token that already signed in from that
address, so a coordinator behind the same router as a guesser keeps working.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from mutualaid.errors import MutualAidError
from mutualaid.messages import Said

GOOD_TOKENS_PER_ADDRESS = 8
"""Tokens remembered as having signed in from an address (the most recent ones)."""


class Throttled(MutualAidError):
    """Too many failed sign-ins from this address: 429, try again after `retry_after` s."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(Said("auth_throttled", seconds=self.retry_after))


@dataclass
class _Address:
    allowed: float
    """Failures the address may still make now (at most the burst)."""
    at: float
    """When `allowed` was last brought up to date (the throttle's clock)."""
    good: OrderedDict[str, None] = field(default_factory=OrderedDict)
    """Fingerprints of tokens that signed in from here, oldest first."""


class FailedSignIns:
    def __init__(
        self, burst: int, per_minute: float, addresses: int, hold: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.burst, self.rate, self.addresses = burst, per_minute / 60.0, addresses
        self.hold = hold
        """Seconds a throttled request is held before its 429 (by the caller)."""
        self.clock = clock
        self._seen: OrderedDict[str, _Address] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, address: str, secret: str) -> None:
        """Throttled when the address has no failure left and this token has not signed in
        from it before; else the caller goes on to authenticate."""
        with self._lock:
            state = self._refreshed(address)
            if state is None or state.allowed >= 1 or _digest(secret) in state.good:
                return
            wait = (1 - state.allowed) / self.rate
        raise Throttled(wait)

    def failed(self, address: str, secret: str) -> None:
        with self._lock:
            state = self._refreshed(address) or self._add(address)
            state.allowed = max(0.0, state.allowed - 1)
            state.good.pop(_digest(secret), None)

    def succeeded(self, address: str, secret: str) -> None:
        with self._lock:
            state = self._refreshed(address) or self._add(address)
            digest = _digest(secret)
            state.good[digest] = None
            state.good.move_to_end(digest)
            while len(state.good) > GOOD_TOKENS_PER_ADDRESS:
                state.good.popitem(last=False)

    def __len__(self) -> int:
        return len(self._seen)

    def _refreshed(self, address: str) -> _Address | None:
        state = self._seen.get(address)
        if state is None:
            return None
        now = self.clock()
        state.allowed = min(float(self.burst), state.allowed + (now - state.at) * self.rate)
        state.at = now
        self._seen.move_to_end(address)
        return state

    def _add(self, address: str) -> _Address:
        state = _Address(float(self.burst), self.clock())
        self._seen[address] = state
        while len(self._seen) > self.addresses:
            self._seen.popitem(last=False)
        return state


def client_key(host: str) -> str:
    """Whose failures these are: the IPv4 address, or the /64 of an IPv6 one (one home or
    subscriber gets a whole /64, so its addresses are one guesser)."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
