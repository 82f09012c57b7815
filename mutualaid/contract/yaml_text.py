"""YAML text -> plain Python data within the bounds, with the line of every field path.

The only reader of scenario YAML: a document too deep, too large or recursive is refused
while it is read (before it is built), each refusal a Problem with its line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from mutualaid.bounds import MAX_DEPTH, MAX_NODES, MAX_TEXT_LENGTH, text_problem, yaml_events_within
from mutualaid.contract.yaml_words import yaml_problem
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg

FieldPath = tuple[str | int, ...]


def render_path(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# --- YAML with line numbers ----------------------------------------------------------------


class Document:
    """Plain Python data from YAML, plus the line of every path and the raw text of numbers
    that YAML 1.1 read out of clock-like text (9:00 -> 540; a leading zero keeps 09:00 text)."""

    def __init__(self) -> None:
        self.lines: dict[FieldPath, int] = {}
        self.raw_clock: dict[FieldPath, str] = {}
        self.raw_dates: dict[FieldPath, str] = {}
        self.problems: list[Problem] = []

    def with_part(self, prefix: FieldPath, part: Document) -> Document:
        """This document with `part`, read from another file, placed at `prefix` (a task
        file inside its week): its lines, the raw text of its clocks and dates, and its
        problems, their paths under `prefix` (their lines are the part's file's)."""
        out = Document()
        out.lines = {**self.lines, **{(*prefix, *p): n for p, n in part.lines.items()}}
        out.raw_clock = {**self.raw_clock, **{(*prefix, *p): t for p, t in part.raw_clock.items()}}
        out.raw_dates = {**self.raw_dates, **{(*prefix, *p): t for p, t in part.raw_dates.items()}}
        head = render_path(prefix)
        out.problems = [*self.problems, *(
            Problem(head + ("" if not p.path or p.path.startswith("[") else ".") + p.path,
                    p.message, p.line)
            for p in part.problems
        )]  # fmt: skip
        return out

    def build(self, node: yaml.Node, loader: yaml.SafeLoader, path: FieldPath) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) or key is None:
                    key = str(key)
                if isinstance(key, str) and (bad := text_problem(key, MAX_TEXT_LENGTH, ident=True)):
                    self.problems.append(
                        Problem(render_path(path), bad, key_node.start_mark.line + 1)
                    )
                    continue
                if key in out:
                    self.problems.append(
                        Problem(
                            render_path((*path, str(key))),
                            msg("duplicate_key", key=key, first=self.lines[(*path, key)]),
                            key_node.start_mark.line + 1,
                        )
                    )
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, loader, (*path, key))
                self.lines[(*path, key)] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loader, (*path, i)) for i, item in enumerate(node.value)]
        try:
            value = loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):  # e.g. an impossible date such as 2026-02-30
            return str(node.value)
        if isinstance(value, int) and ":" in str(node.value):
            self.raw_clock[path] = str(node.value)
        if isinstance(value, dt.date):  # the text, so a date is read only as YYYY-MM-DD
            self.raw_dates[path] = str(node.value)
        if isinstance(value, str) and (bad := text_problem(value, MAX_TEXT_LENGTH)):
            self.problems.append(Problem(render_path(path), bad, node.start_mark.line + 1))
        return value


class _Refused(Exception):
    """A document past a bound (too deep, too large, recursive), found while composing."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that refuses nesting deeper than MAX_DEPTH while it scans (flow `[{`) and
    composes (block indentation), so a deep document never reaches Python's recursion limit."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # Refused while scanning: past this the scanner keeps a possible key per `[` and
        # slows to seconds per thousand before the composer sees the depth.
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(msg("too_deep", limit=MAX_DEPTH), self.line + 1)
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
                raise _Refused(msg("too_deep", limit=MAX_DEPTH), line)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _measure(node: yaml.Node, depth: int, seen: dict[int, tuple[int, int]], open_: set[int]) -> int:
    """The values node expands to (aliases expanded), refusing past MAX_NODES or MAX_DEPTH or
    a cycle. Composed aliases share their node, so `seen` keeps this linear in the text's size
    however many times an alias is expanded (an alias bomb is refused before it is built)."""
    key = id(node)
    if key in open_:
        problem = msg("yaml_syntax", problem=msg("yaml_recursive"))
        raise _Refused(problem, node.start_mark.line + 1)
    if key not in seen:
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        size, height = 1, 1
        open_.add(key)
        for child in children:
            if depth + 1 > MAX_DEPTH:
                raise _Refused(msg("too_deep", limit=MAX_DEPTH), child.start_mark.line + 1)
            size += _measure(child, depth + 1, seen, open_)
            height = max(height, 1 + seen[id(child)][1])
            if size > MAX_NODES:
                raise _Refused(msg("too_many_nodes", limit=f"{MAX_NODES:,}"))
        open_.discard(key)
        seen[key] = (size, height)
    size, height = seen[key]
    if depth + height - 1 > MAX_DEPTH:
        raise _Refused(msg("too_deep", limit=MAX_DEPTH), node.start_mark.line + 1)
    return size


_FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's loader when PyYAML was built with it: the pure-Python one took 20 s to compose a
district's week (2,000 tasks). Node marks, so the lines of problems, are the same. Its node
tree is measured like the bounded loader's (aliases share their node, so a bomb is refused
before it is built); a document it refuses is read again by the bounded pure-Python loader,
whose words for a problem the messages use."""


def read_yaml(text: str, source: str | None) -> tuple[Any, Document]:
    # Counted from the parser's events before a node is composed: a flat list of millions
    # took a minute and gigabytes to compose before the tree's measure refused it.
    try:
        within = yaml_events_within(yaml.parse(text, Loader=_FAST_LOADER or _BoundedLoader))
    except (yaml.YAMLError, _Refused, RecursionError):
        within = True  # not YAML, or too deep: the loaders below say so in their words
    if not within:
        raise ScenarioError([Problem("", msg("too_many_nodes", limit=f"{MAX_NODES:,}"))], source)
    if _FAST_LOADER is not None:
        # libyaml refuses nesting past 1,000 levels itself (so its composer's C recursion is
        # bounded); whatever it refuses is read again for the bounded loader's words and lines
        try:
            return _read_yaml_with(_FAST_LOADER, text, source)
        except ScenarioError:
            pass
    return _read_yaml_with(_BoundedLoader, text, source)


def _read_yaml_with(
    loader_class: type[yaml.SafeLoader], text: str, source: str | None
) -> tuple[Any, Document]:
    doc = Document()
    loader: yaml.SafeLoader | None = None
    try:
        loader = loader_class(text)  # its reader already refuses some characters
        node = loader.get_single_node()
        if node is not None and _measure(node, 1, {}, set()) > MAX_NODES:
            raise _Refused(msg("too_many_nodes", limit=f"{MAX_NODES:,}"))
        data = None if node is None else doc.build(node, loader, ())
    except _Refused as exc:
        raise ScenarioError([Problem("", exc.message, exc.line)], source) from None
    except RecursionError:  # a safety net: the bounds above should come first
        problem = msg("yaml_recursive")
        raise ScenarioError([Problem("", msg("yaml_syntax", problem=problem))], source) from None
    except yaml.reader.ReaderError as exc:  # a raw control character, or a byte not UTF-8
        at = text.count("\n", 0, exc.position) + 1
        bad = exc.character if isinstance(exc.character, int) else ord(exc.character)
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        what = msg("control_char", code=f"U+{bad:04X}", at=column)
        found = Problem("", msg("yaml_syntax", problem=what), at)
        raise ScenarioError([found], source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = yaml_problem(exc)
        raise ScenarioError(
            [Problem("", msg("yaml_syntax", problem=problem), line)], source
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, doc
