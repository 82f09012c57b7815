"""RFC 6902 JSON Patch on a scenario as JSON, by the `jsonpatch` library (RFC 6901 pointers by
`jsonpointer`): what suggestions write and what their check applies."""

from __future__ import annotations

import contextlib
from typing import Any

import jsonpatch
import jsonpointer

Operation = dict[str, Any]


class PatchError(ValueError):
    """The patch does not apply to this document."""


def pointer(*parts: str | int) -> str:
    """An RFC 6901 pointer from its reference tokens (`~` and `/` escaped)."""
    return str(jsonpointer.JsonPointer.from_parts(parts).path)


def apply_patch(document: Any, patch: list[Operation]) -> Any:
    """The document with every operation applied in order (the original is left as it was);
    raises PatchError when an operation does not apply (RFC 6902: the whole patch fails)."""
    try:
        return jsonpatch.apply_patch(document, patch, in_place=False)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
        raise PatchError(str(exc)) from exc


def guarded(document: Any, patch: list[Operation]) -> list[Operation]:
    """The patch preceded by RFC 6902 `test` operations that make it fail whole on a document
    that changed since it was made, rather than change another entry: the `id` of every list
    entry it reaches into (`/tasks/3/...` names a place, not a task), and the value each
    `replace` replaces."""
    tests: list[Operation] = []
    seen: set[str] = set()

    def test(path: str, value: Any) -> None:
        if path not in seen:
            seen.add(path)
            tests.append({"op": "test", "path": path, "value": value})

    for op in patch:
        parts = jsonpointer.JsonPointer(op["path"]).parts
        node = document
        for depth, part in enumerate(parts[:-1]):  # the containers on the way to the target
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError, TypeError):
                break
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                test(pointer(*parts[: depth + 1], "id"), node["id"])
        if op["op"] == "replace":
            with contextlib.suppress(jsonpointer.JsonPointerException):
                test(op["path"], jsonpointer.resolve_pointer(document, op["path"]))
    return tests + patch
