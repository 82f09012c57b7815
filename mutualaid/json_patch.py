"""RFC 6902 JSON Patch on a scenario as JSON, by the `jsonpatch` library (RFC 6901 pointers by
`jsonpointer`): what suggestions write and what their check applies."""

from __future__ import annotations

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
