"""A visit's outcome answers its times (actual start and end, when it was marked) with the
area's offset, as the visits themselves are given, whatever offset they were sent with and on
reading them back (stop 25 D found `actual_start` read back in UTC)."""

from __future__ import annotations

from typing import Any

import pendulum

from .conftest import Client
from .test_books_api import PAST, Headers, coordinator, publish, token

__all__ = ["coordinator"]  # the fixture, used by name

TUESDAY = PAST.add(days=1).isoformat()


def times(outcome: dict[str, Any]) -> list[str]:
    return [outcome["actual_start"], outcome["actual_end"], outcome["marked_at"]]


def test_an_outcomes_times_carry_the_areas_offset_when_marked_and_read_back(
    client: Client, coordinator: Headers
) -> None:
    zhang = publish(client)["t-visit-zhang/v-wang"]
    wang = token(client, "volunteer", "v-wang")
    sent = {"actual_start": f"{TUESDAY}T01:10:00Z", "actual_end": f"{TUESDAY}T10:20:00+08:00"}
    done = client.post(f"/assignments/{zhang}/done", headers=wang, json=sent)
    assert done.status_code == 200, done.text
    read = client.get(f"/assignments/{zhang}/outcome", headers=coordinator)
    assert read.status_code == 200, read.text
    for outcome in (done.json()["outcome"], read.json()):
        assert outcome["actual_start"] == f"{TUESDAY}T09:10:00+08:00", outcome
        assert outcome["actual_end"] == f"{TUESDAY}T10:20:00+08:00", outcome
        assert all(t.endswith("+08:00") for t in times(outcome)), outcome
    assert pendulum.parse(done.json()["outcome"]["marked_at"]) == pendulum.parse(
        read.json()["marked_at"]
    )
