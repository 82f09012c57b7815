"""The contract's travel model: haversine distance, a detour factor and a speed per mode.

travel(a, b) = ceil(haversine_km(a, b) * detour_factor / speed_kmh[mode] * 60) whole minutes.
"""

from __future__ import annotations

import math
from typing import Protocol

from mutualaid.domain.model import Location, Settings

EARTH_RADIUS_KM = 6371.0
# Floating point can put an exact whole minute a hair above itself; the contract means the
# mathematical ceiling, so we forgive one part in a billion.
_CEIL_SLACK = 1e-9


Point = tuple[float, float, float]
"""A place as (latitude, longitude, cos latitude), in radians: what haversine needs of it,
worked out once for a place met many times."""


def point(at: Location) -> Point:
    lat = math.radians(at.lat)
    return lat, math.radians(at.lon), math.cos(lat)


def haversine_km(a: Location, b: Location) -> float:
    return km_between(point(a), point(b))


def km_between(a: Point, b: Point) -> float:
    la1, lo1, cos1 = a
    la2, lo2, cos2 = b
    h = math.sin((la2 - la1) / 2) ** 2 + cos1 * cos2 * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def minutes_for_km(km: float, detour_factor: float, speed_kmh: float) -> int:
    """The contract's whole minutes to cover `km` as the crow flies: ceil(km * detour / speed
    * 60), the only place the formula is written."""
    return max(0, math.ceil(km * detour_factor / speed_kmh * 60 - _CEIL_SLACK))


def minutes(a: Location, b: Location, detour_factor: float, speed_kmh: float) -> int:
    """The contract's travel minutes from a to b, for callers without `Settings` (the world
    generator)."""
    return minutes_for_km(haversine_km(a, b), detour_factor, speed_kmh)


def reach_radians(max_minutes: int, detour_factor: float, speed_kmh: float) -> float:
    """A latitude difference (radians) beyond which a place is surely more than `max_minutes`
    away: the great-circle distance is at least R * |dlat| along a meridian (a minute of slack
    for the ceiling). A cheap test that rules most places out before the exact formula."""
    per_radian = EARTH_RADIUS_KM * detour_factor / speed_kmh * 60
    return (max_minutes + 1) / per_radian if per_radian > 0 else math.inf


class TravelModel(Protocol):
    def minutes(self, mode: str, a: Location, b: Location) -> int:
        """Whole minutes to go from a to b by mode."""
        ...


class HaversineTravel:
    """The reference model of the contract; results are cached per (mode, a, b)."""

    def __init__(self, settings: Settings) -> None:
        self._detour = settings.detour_factor
        self._speeds = dict(settings.speeds_kmh)
        self._cache: dict[tuple[str, Location, Location], int] = {}

    def minutes(self, mode: str, a: Location, b: Location) -> int:
        key = (mode, a, b)
        got = self._cache.get(key)
        if got is None:
            got = self.minutes_between(mode, point(a), point(b))
            self._cache[key] = got
        return got

    def minutes_between(self, mode: str, a: Point, b: Point) -> int:
        """`minutes` between two points, not cached: for the many pairs met once (static
        analysis asks it of every task and every volunteer who has the skill)."""
        return minutes_for_km(km_between(a, b), self._detour, self._speeds[mode])
