"""The database's disk full. Found by the outsider's attack (the SQLite file on an 8 MB tmpfs,
filled): every write answered 500 "something went wrong on our side" and the log held a
traceback per request; nothing was stored and reads went on working. It is now 507
`store_full`, saying that nothing was stored and that whoever runs the server must free
space (en/zh), and the log says "disk full". SQLite's `max_page_count` makes the same error
(SQLITE_FULL) without filling a disk; PostgreSQL's (53100) cannot be made so in a test."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from api.errors import status_of
from mutualaid.messages import msg_in
from mutualaid.services.errors import StoreFull

from .conftest import UowFactory


def test_a_write_on_a_full_disk_is_store_full_and_stores_nothing(
    engine: Engine, make_uow: UowFactory
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's disk cannot be filled from a test")
    uow = make_uow()
    with pytest.raises(StoreFull) as full, uow:
        connection = uow.session.connection()
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")  # no room to grow
        connection.exec_driver_sql("CREATE TABLE filler (x TEXT)")
        for _ in range(200):
            connection.exec_driver_sql("INSERT INTO filler VALUES (?)", ("x" * 4000,))
    assert status_of(full.value) == (507, "store_full")
    with make_uow() as again:  # nothing was stored, and reading goes on
        tables = again.session.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name = 'filler'"
        )
        assert tables.all() == []


def test_the_words_in_both_languages() -> None:
    en, zh = msg_in("en", "store_full"), msg_in("zh", "store_full")
    assert "nothing of this request was stored" in en and "均未保存" in zh
