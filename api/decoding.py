"""What Litestar's decoder (msgspec) refuses before any handler runs — a body or a parameter
that does not decode — as problems in the request's language: its English sentences are read
here and said again from the catalogue, so a zh answer has none of them left. A sentence not
recognised keeps its own words (behind the catalogue's "not valid")."""

from __future__ import annotations

import re
from typing import Any

from mutualaid.errors import Problem
from mutualaid.messages import CATALOGUE, msg

_AT = re.compile(r"- at `\$\.?(?P<path>[^`]*)`")
_FIELD = re.compile(r"field `(?P<path>[^`]*)`")
_MISSING = re.compile(r"Object missing required field `(?P<field>[^`]+)`")
_BYTE = re.compile(r"\s*\(byte (?P<byte>\d+)\)\s*$")

_SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Expected `(?P<want>[^`]+)`, got `(?P<got>[^`]+)`"), "decode_expected"),
    (re.compile(r"Expected `(?P<want>[^`]+)` of length (?P<op>[<>]=?) (?P<bound>\S+)"),
     "decode_length"),
    (re.compile(r"Expected `(?P<want>[^`]+)` (?P<op>[<>]=?) (?P<bound>\S+)"), "decode_bound"),
    (re.compile(r"Expected `str` matching regex '\^\((?P<choices>[\w|-]+)\)\$'"), "decode_choice"),
    (re.compile(r"Expected `str` matching regex '(?P<pattern>.*)'"), "decode_pattern"),
    (re.compile(r"Object missing required field `(?P<field>[^`]+)`"), "decode_missing_field"),
    (re.compile(r"Object contains unknown field `(?P<field>[^`]+)`"), "decode_unknown_field"),
    (re.compile(r"Invalid enum value (?P<value>.+)"), "decode_enum"),
    (re.compile(r"Missing required (?P<kind>\w+) parameter '(?P<name>[^']+)'"),
     "decode_missing_parameter"),
    (re.compile(r"Number out of range"), "decode_number_range"),  # 1e999: past a float
    (re.compile(r"Integer value out of range"), "decode_number_range"),
    (re.compile(r"Invalid RFC3339 encoded (?P<want>date|datetime|time)"), "decode_rfc3339"),
    (re.compile(r"Expected `(?P<want>[^`]+)` with a timezone component"), "decode_needs_zone"),
    (re.compile(r"Expected `(?P<want>[^`]+)` with no timezone component"), "decode_no_zone"),
    (re.compile(r"Invalid UUID"), "decode_uuid"),
    (re.compile(r"Invalid value (?P<value>.+)"), "decode_enum"),
    (re.compile(r"Input data was truncated"), "json_truncated"),
    (re.compile(r"Invalid UTF-8 encoded string"), "body_not_utf8"),
    (re.compile(r"'data'"), "body_empty"),  # the handler's body parameter missing: no body
)  # fmt: skip

_JSON: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"invalid character"), "json_invalid_character"),
    (re.compile(r"trailing characters"), "json_trailing"),
    (re.compile(r"object keys must be strings"), "json_keys"),
    (re.compile(r"expected (?P<what>.+)"), "json_expected"),
    (re.compile(r"truncated", re.IGNORECASE), "json_truncated"),
)


def decoding_problems(exc: BaseException) -> list[Problem]:
    """Litestar's words for a body or parameter that does not decode, as problems."""
    detail = str(getattr(exc, "detail", "") or exc)
    extra = getattr(exc, "extra", None)
    problems = []
    if isinstance(extra, list):
        for item in extra:
            if isinstance(item, dict):
                key = str(item.get("key") or "")
                body = item.get("source") in (None, "body")
                path = _body_path(str(item.get("message") or "")) if body and key == "data" else key
                said = worded(str(item.get("message") or ""))
                problems.append(Problem(path, msg("bad_body" if body else "bad_parameter",
                                                  problem=said)))  # fmt: skip
    if problems:
        return problems
    if detail.startswith("JSON is malformed"):
        return [Problem("", msg("json_syntax", problem=json_worded(detail.split(":", 1)[-1])))]
    found = _AT.search(detail) or _FIELD.search(detail)
    path = _known(found.group("path")) if found else ""
    return [Problem(path, msg("bad_body", problem=worded(detail)))]


def _body_path(sentence: str) -> str:
    """Where in the body the decoder's sentence points: its `at` path, and a required field
    left out named as that field (`webhook_url`, `areas[0].id`), not as the body."""
    at = _AT.search(sentence)
    path = _known(at.group("path")) if at else ""
    missing = _MISSING.search(sentence)
    if missing is not None:
        path = f"{path}.{missing.group('field')}" if path else missing.group("field")
    return path


def _known(path: str) -> str:
    """msgspec's path as the answer's (`areas[0].id`), cut before a mapping's value it
    cannot name (`[...]`: its key unknown to the decoder)."""
    return path.split("[...]", 1)[0].replace(".[", "[").rstrip(".")


def worded(sentence: str) -> str:
    """One of the decoder's sentences in the active language (as it came when unknown)."""
    text = sentence.split(" - at ", 1)[0].strip()
    for pattern, key in _SENTENCES:
        found = pattern.fullmatch(text)
        if found is not None:
            fields: dict[str, Any] = dict(found.groupdict())
            for name in ("want", "got"):
                if name in fields:
                    fields[name] = _type(fields[name])
            if "choices" in fields:
                fields["choices"] = msg("decode_or").join(fields["choices"].split("|"))
            if "kind" in fields and f"param_{fields['kind']}" in CATALOGUE:
                fields["kind"] = msg(f"param_{fields['kind']}")
            return msg(key, **fields)
    return sentence


def json_worded(sentence: str) -> str:
    """msgspec's reason a JSON text is malformed ("invalid character (byte 0)"), worded."""
    text = sentence.strip()
    at = _BYTE.search(text)
    bare = text[: at.start()] if at else text
    said = msg("json_unreadable")
    for pattern, key in _JSON:
        found = pattern.search(bare)
        if found is not None:
            what = found.groupdict().get("what")
            fields = {} if what is None else {"what": what.replace(" or ", msg("decode_or"))}
            said = msg(key, **fields)
            break
    return said if at is None else msg("json_at_byte", problem=said, byte=at.group("byte"))


def _type(name: str) -> str:
    """A msgspec type name (`int`, `str | null`) in words: a union's parts joined by 'or'."""
    parts = [p.strip() for p in name.split("|")]
    return msg("decode_or").join(
        msg(f"type_{p}") if f"type_{p}" in CATALOGUE else f"`{p}`" for p in parts
    )
