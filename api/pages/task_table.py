"""The week's tasks table when a week has many tasks: found by words (title, id, resident,
site), shown served or unserved, fifty to a page, with page links that keep the filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from mutualaid.contract.data import Json

PAGE_SIZE = 50
SHOWN = ("all", "served", "unserved")


@dataclass(frozen=True)
class TaskTable:
    rows: list[Json]
    """This page's tasks."""
    count: int
    """Tasks that pass the filters, on every page."""
    number: int
    pages: int
    first: int
    """The 1-based position of the page's first row (0 when there is none)."""
    last: int
    query: str
    """The words searched for, as typed."""
    show: str
    """all | served | unserved"""
    links: list[tuple[int, str]]
    """(page number, its address): every page, the filters kept."""

    @property
    def filtered(self) -> bool:
        return bool(self.query) or self.show != "all"

    def link(self, number: int) -> str | None:
        return self.links[number - 1][1] if 1 <= number <= self.pages else None


def _words(task: Json, people: dict[str, dict[str, Json]]) -> str:
    resident = people.get("residents", {}).get(str(task.get("resident")), {})
    site = people.get("sites", {}).get(str(task.get("site")), {})
    found = [task.get("id"), task.get("title"), resident.get("name"), site.get("name")]
    return " ".join(str(w) for w in found if w).casefold()


def task_table(
    params: Mapping[str, Any], tasks: list[Json], people: dict[str, dict[str, Json]],
    outcomes: dict[str, list[dict[str, Any]]], size: int = PAGE_SIZE,
) -> TaskTable:  # fmt: skip
    """The page of the tasks the query's `q`, `show` and `page` ask for."""
    query = str(params.get("q") or "").strip()
    show = str(params.get("show") or "all")
    show = show if show in SHOWN else "all"
    chosen = []
    for task in tasks:
        if query and query.casefold() not in _words(task, people):
            continue
        seen = outcomes.get(str(task.get("id")), [])
        if show == "served" and not any(o["served"] for o in seen):
            continue
        if show == "unserved" and (seen and all(o["served"] for o in seen)):
            continue  # unserved: any day of it unserved, or not planned at all
        chosen.append(task)
    pages = max(1, -(-len(chosen) // size))
    try:
        number = min(max(int(params.get("page") or 1), 1), pages)
    except ValueError:
        number = 1
    kept = {k: v for k, v in (("q", query), ("show", show)) if v and v != "all"}
    links = [(n, "?" + urlencode({**kept, "page": n})) for n in range(1, pages + 1)]
    rows = chosen[(number - 1) * size : number * size]
    first = (number - 1) * size + 1 if rows else 0
    return TaskTable(rows, len(chosen), number, pages, first, first + len(rows) - 1 if rows else 0,
                     query, show, links)  # fmt: skip
