"""Where a notices webhook may point: not into the server's own house.

A coordinator sets the webhook and the server POSTs to it, so an address inside the server's
house would let a coordinator reach what only the server should: its own ports on loopback
(the database on 127.0.0.1:5432), the cloud's metadata service on a link-local address
(169.254.169.254, which hands out credentials), the unspecified address (0.0.0.0 and ::, which
connect to the host itself) and multicast. Those are refused, whether written as a literal
(also as an IPv4-mapped IPv6 address or one decimal number) or as a name that resolves to
one, checked again at send time against every address the name resolves to then.

Private LAN addresses (10/8, 172.16/12, 192.168/16, fc00::/7) are allowed on purpose: a
sub-district office's own server often sits on its LAN beside ours, and refusing them would
leave it no way to take notices. A deployment whose LAN holds what coordinators must not
reach puts the server behind an egress firewall. Loopback is allowed only when the
deployment says so (MUTUALAID_NOTICES_ALLOW_LOOPBACK, for a receiver on the same host)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def literal(host: str) -> Address | None:
    """The address `host` spells, as a resolver would read it (`127.1`, `2130706433` and
    `0x7f.1` are 127.0.0.1), with an IPv4-mapped IPv6 address as its IPv4; None for a name."""
    text = host.strip("[]")
    try:
        found: Address = ipaddress.ip_address(text)
    except ValueError:
        try:  # inet_aton reads the short and numeric forms resolvers accept
            found = ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def inside(address: Address, *, allow_loopback: bool = False) -> bool:
    """True for an address in the server's own house: loopback (unless allowed),
    link-local, unspecified or multicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return not allow_loopback
    return address.is_link_local or address.is_unspecified or address.is_multicast


def refused_host(host: str, *, allow_loopback: bool = False) -> str | None:
    """The address `host` names that is inside the house (a literal, or `localhost` and its
    subdomains, which resolve to loopback), else None. A name is not resolved here: that
    waits for the send, so setting a webhook never hangs on a slow resolver."""
    found = literal(host)
    if found is not None:
        return str(found) if inside(found, allow_loopback=allow_loopback) else None
    name = host.lower().rstrip(".")
    if (name == "localhost" or name.endswith(".localhost")) and not allow_loopback:
        return host
    return None


Resolver = Callable[[str], Iterable[str]]


def resolved(host: str) -> list[str]:
    """Every address `host` resolves to now (a literal is itself); OSError when it does not."""
    found = literal(host)
    if found is not None:
        return [str(found)]
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})


def refused_at_send(
    host: str, *, allow_loopback: bool = False, resolve: Resolver = resolved
) -> str | None:
    """The first address `host` resolves to that is inside the house, else None."""
    for text in resolve(host):
        address = literal(text.split("%")[0])  # a scoped fe80::1%eth0
        if address is not None and inside(address, allow_loopback=allow_loopback):
            return text
    return None
