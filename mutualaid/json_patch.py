"""RFC 6902 JSON Patch, the part suggestions use (add, replace, remove), applied to a copy of
a scenario as JSON. Paths are RFC 6901 pointers; `-` appends to a list."""

from __future__ import annotations

import copy
from typing import Any

Operation = dict[str, Any]


class PatchError(ValueError):
    """The patch does not apply to this document."""


def pointer(*parts: str | int) -> str:
    """An RFC 6901 pointer from its reference tokens (`~` and `/` escaped)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _tokens(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"not a JSON pointer: {path!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]


def _index(container: list[Any], token: str, *, append_ok: bool) -> int:
    if append_ok and token == "-":
        return len(container)
    if not token.isdigit() or (token != "0" and token.startswith("0")):
        raise PatchError(f"not a list index: {token!r}")
    i = int(token)
    if i > len(container) or (i == len(container) and not append_ok):
        raise PatchError(f"index {i} out of range")
    return i


def apply_patch(document: Any, patch: list[Operation]) -> Any:
    """The document with every operation applied in order (the original is left as it was);
    raises PatchError when an operation does not apply (RFC 6902: the whole patch fails)."""
    doc = copy.deepcopy(document)
    for op in patch:
        kind, tokens = op.get("op"), _tokens(str(op.get("path", "")))
        if kind not in ("add", "replace", "remove"):
            raise PatchError(f"unsupported operation {kind!r}")
        if not tokens:
            if kind == "remove":
                raise PatchError("cannot remove the whole document")
            doc = copy.deepcopy(op["value"])
            continue
        parent = doc
        for token in tokens[:-1]:
            if isinstance(parent, list):
                parent = parent[_index(parent, token, append_ok=False)]
            elif isinstance(parent, dict) and token in parent:
                parent = parent[token]
            else:
                raise PatchError(f"no such path: {op['path']!r}")
        last = tokens[-1]
        if isinstance(parent, list):
            i = _index(parent, last, append_ok=kind == "add")
            if kind == "add":
                parent.insert(i, copy.deepcopy(op["value"]))
            elif kind == "replace":
                parent[i] = copy.deepcopy(op["value"])
            else:
                del parent[i]
        elif isinstance(parent, dict):
            if kind != "add" and last not in parent:
                raise PatchError(f"no such member: {op['path']!r}")
            if kind == "remove":
                del parent[last]
            else:
                parent[last] = copy.deepcopy(op["value"])
        else:
            raise PatchError(f"no container at: {op['path']!r}")
    return doc
