"""Files the API answers say their type once: `text/csv; charset=utf-8; charset=utf-8` was
sent for every CSV and calendar (Litestar adds the charset to a text type that has one)."""

from __future__ import annotations

import pytest

from tests.adapters import world

from .conftest import Client

AREA, WEEK = world.AREA, world.WEEK.isoformat()


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (f"/volunteers/v-wang/calendar.ics?week={WEEK}&area={AREA}", "text/calendar"),
        (f"/reports/weeks/{WEEK}?area={AREA}&format=csv", "text/csv"),
        (f"/reports/months/2026-11?area={AREA}&format=csv", "text/csv"),
        (f"/reports/waited?area={AREA}&format=csv", "text/csv"),
        (f"/areas/{AREA}/ledger.csv", "text/csv"),
    ],
)
def test_a_file_s_content_type_names_its_charset_once(
    client: Client, admin: dict[str, str], published: str, path: str, kind: str
) -> None:
    answer = client.get(path, headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == f"{kind}; charset=utf-8"
