"""A finished plan as the plan page draws it: a timeline per volunteer per day, and a map of
the week as inline SVG (residents, sites, volunteers' homes, each volunteer's routes in its own
colour) projected from the coordinates alone, with no tile server."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pendulum

from mutualaid.contract.data import Json
from mutualaid.messages import CATALOGUE, msg_in

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939",
)  # fmt: skip
"""Route colours, told apart on screen and on paper; they repeat after twelve volunteers."""
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WIDTH, HEIGHT, MARGIN = 960.0, 600.0, 30.0


@dataclass
class Block:
    task: str
    title: str
    place: str
    start: str
    end: str
    left: float
    """Percent of the day's span."""
    width: float
    kept: bool = False
    """A marked visit kept apart from the plan (`marked_kept`): drawn, marked as kept."""


@dataclass
class Row:
    volunteer: str
    name: str
    colour: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Day:
    name: str
    date: str
    rows: list[Row]


@dataclass
class Mark:
    x: float
    y: float
    label: str
    kind: str
    """resident | site | home | place"""
    colour: str = "#333"


@dataclass
class Route:
    name: str
    colour: str
    points: str
    """SVG polyline points: home, each task of one day in order, home."""


@dataclass
class Tile:
    x: float
    y: float
    size: float
    href: str


@dataclass
class PlanView:
    days: list[Day]
    hours: list[int]
    """The hours the timeline's scale shows."""
    marks: list[Mark]
    routes: list[Route]
    legend: list[tuple[str, str]]
    unserved: list[dict[str, Any]]
    figures: dict[str, Any]
    tiles: list[Tile] = field(default_factory=list)
    width: float = WIDTH
    height: float = HEIGHT


def _place(task: Json, sites: dict[str, Json], residents: dict[str, Json]) -> tuple[str, Json]:
    if task.get("site") and task["site"] in sites:
        site = sites[task["site"]]
        return str(site["name"]), site["location"]
    if task.get("resident") and task["resident"] in residents:
        person = residents[task["resident"]]
        return str(person["name"]), person["location"]
    return str(task.get("title", "")), task.get("location") or {"lat": 0.0, "lon": 0.0}


def _task(tasks: dict[str, Json], ident: str) -> Json:
    return tasks.get(ident) or tasks.get(ident.split("@")[0]) or {"id": ident, "title": ident}


def plan_view(scenario: Json, result: Json, lang: str, tile_url: str | None = None) -> PlanView:
    """What the plan page draws; with `tile_url` ({z}/{x}/{y}), map tiles under the map."""
    zone = str(scenario.get("timezone") or "UTC")
    monday = pendulum.Date.fromisoformat(str(scenario["week_start"]))
    sites = {s["id"]: s for s in scenario.get("sites") or []}
    residents = {r["id"]: r for r in scenario.get("residents") or []}
    people = {v["id"]: v for v in scenario.get("volunteers") or []}
    tasks = {t["id"]: t for t in scenario.get("tasks") or []}
    assignments = sorted(result.get("assignments") or [], key=lambda a: str(a["start"]))
    kept = [{**k, "kept": True} for k in result.get("marked_kept") or []]
    drawn = sorted([*assignments, *kept], key=lambda a: str(a["start"]))
    involved = sorted({v["id"] for a in drawn for v in a.get("volunteers") or []})
    colour = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(involved)}

    def name(v: str) -> str:
        return str(people.get(v, {}).get("name", v))

    # timeline: the hours every visit fits in, at least 08:00-18:00
    spans = []
    for a in drawn:
        start = pendulum.parse(a["start"]).in_timezone(zone)  # type: ignore[union-attr]
        end = pendulum.parse(a["end"]).in_timezone(zone)  # type: ignore[union-attr]
        spans.append((a, start, end))
    first = min([8, *(s.hour for _, s, _ in spans)])
    last = max([18, *(e.hour + (1 if e.minute else 0) for _, _, e in spans)])
    span_minutes = (last - first) * 60
    days = []
    for offset, code in enumerate(DAYS):
        date = monday.add(days=offset)
        rows: dict[str, Row] = {}
        for a, start, end in spans:
            if start.date() != date:
                continue
            task = _task(tasks, str(a["task"]))
            place, _ = _place(task, sites, residents)
            left = ((start.hour - first) * 60 + start.minute) / span_minutes * 100
            width = max((end - start).in_minutes() / span_minutes * 100, 1.5)
            for v in a.get("volunteers") or []:
                row = rows.setdefault(v["id"], Row(v["id"], name(v["id"]), colour[v["id"]]))
                row.blocks.append(Block(
                    str(a["task"]), str(task.get("title", a["task"])), place,
                    start.format("HH:mm"), end.format("HH:mm"), round(left, 2), round(width, 2),
                    bool(a.get("kept")),
                ))  # fmt: skip
        days.append(Day(msg_in(lang, f"day_{code}"), date.isoformat(),
                        sorted(rows.values(), key=lambda r: r.name)))  # fmt: skip

    # the map: everything the week names, projected to fit (longitude scaled by latitude)
    points: list[tuple[float, float, str, str, str]] = []
    for r in residents.values():
        points.append(
            (r["location"]["lat"], r["location"]["lon"], str(r["name"]), "resident", "#555")
        )
    for s in sites.values():
        points.append((s["location"]["lat"], s["location"]["lon"], str(s["name"]), "site", "#555"))
    for v in involved:
        home = people.get(v, {}).get("home")
        if home:
            points.append((home["lat"], home["lon"], name(v), "home", colour[v]))
    for t in tasks.values():
        if t.get("location"):
            points.append((t["location"]["lat"], t["location"]["lon"], str(t.get("title")),
                           "place", "#555"))  # fmt: skip
    project, tiles = _projection([(p[0], p[1]) for p in points], tile_url)
    marks = []
    for lat, lon, label, kind, c in points:
        x, y = project(lat, lon)
        marks.append(Mark(x, y, label, kind, c))
    routes = []
    for v in involved:
        home = people.get(v, {}).get("home")
        by_day: dict[str, list[tuple[float, float]]] = {}
        for a, start, _ in spans:  # the plan's routes: a visit kept apart is not routed
            if not a.get("kept") and any(x["id"] == v for x in a.get("volunteers") or []):
                _, where = _place(_task(tasks, str(a["task"])), sites, residents)
                by_day.setdefault(start.date().isoformat(), []).append(
                    project(where["lat"], where["lon"])
                )
        for stops in by_day.values():
            path = stops
            if home:
                h = project(home["lat"], home["lon"])
                path = [h, *stops, h]
            text = " ".join(f"{x:.1f},{y:.1f}" for x, y in path)
            routes.append(Route(name(v), colour[v], text))
    unserved = []
    for u in result.get("unserved") or []:
        task = _task(tasks, str(u["task"]))
        key = f"reason_{u.get('reason')}"
        unserved.append({
            "task": u["task"], "title": task.get("title", u["task"]),
            "priority": task.get("priority", "normal"),
            "reason": msg_in(lang, key) if key in CATALOGUE else str(u.get("reason")),
            "detail": u.get("detail") or "",
            "suggestions": [s for s in u.get("suggestions") or [] if isinstance(s, dict)],
            "checking": u.get("suggestions_checking") is True,
        })  # fmt: skip
    objective = result.get("objective") or {}
    figures = {
        "served": objective.get("served") or {}, "tasks": objective.get("tasks") or {},
        "bound": result.get("bound") or {}, "travel": objective.get("travel_minutes"),
        "continuity": objective.get("continuity"), "max_load": objective.get("max_load"),
        "seconds": result.get("solve_seconds"),
    }  # fmt: skip
    legend = [(name(v), colour[v]) for v in involved]
    hours = list(range(first, last + 1))
    return PlanView(days, hours, marks, routes, legend, unserved, figures, tiles)


def _mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator at zoom 0: x and y in [0, 256), as map tiles are cut."""
    lat = max(min(lat, 85.0), -85.0)
    y = math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat)))
    return (lon + 180.0) / 360.0 * 256.0, (1 - y / math.pi) / 2 * 256.0


def _projection(points: list[tuple[float, float]], tile_url: str | None) -> tuple[Any, list[Tile]]:
    """lat, lon -> x, y in the SVG (Web Mercator, north up, fitted), and the tiles under it
    when a tile URL is set."""
    if not points:
        return (lambda lat, lon: (WIDTH / 2, HEIGHT / 2)), []
    xs, ys = zip(*(_mercator(lat, lon) for lat, lon in points), strict=True)
    span_x, span_y = max(max(xs) - min(xs), 1e-9), max(max(ys) - min(ys), 1e-9)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y, 2.0**18)
    left = min(xs) - ((WIDTH - 2 * MARGIN) / scale - span_x) / 2 - MARGIN / scale
    top = min(ys) - ((HEIGHT - 2 * MARGIN) / scale - span_y) / 2 - MARGIN / scale

    def project(lat: float, lon: float) -> tuple[float, float]:
        x, y = _mercator(lat, lon)
        return round((x - left) * scale, 1), round((y - top) * scale, 1)

    tiles: list[Tile] = []
    if tile_url:
        zoom = max(0, min(19, math.floor(math.log2(scale))))
        n = 2**zoom
        size = 256.0 / n * scale  # one tile's side in the SVG
        first_x, first_y = math.floor(left / 256 * n), math.floor(top / 256 * n)
        last_x = math.floor((left + WIDTH / scale) / 256 * n)
        last_y = math.floor((top + HEIGHT / scale) / 256 * n)
        for tx in range(first_x, last_x + 1):
            for ty in range(max(first_y, 0), min(last_y, n - 1) + 1):
                href = tile_url.format(z=zoom, x=tx % n, y=ty)
                x, y = (tx * 256 / n - left) * scale, (ty * 256 / n - top) * scale
                tiles.append(Tile(round(x, 1), round(y, 1), round(size, 1), href))
    return project, tiles
