"""Why a scenario file could not be read, in the reader's language: the operating system's
and PyYAML's English sentences said again from the catalogue (what the parser found is quoted
as it is). A PyYAML sentence not known here keeps its words in English and is said in
general terms in Chinese; the line is given either way."""

from __future__ import annotations

import errno
import re
from typing import Any

from mutualaid.messages import locale, msg

_SAID: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"expected the node content, but found (?P<found>.+)"), "yaml_value_missing"),
    (re.compile(r"(?:did not find )?expected (?P<what>.+?), but (?:got|found) (?P<found>.+)"),
     "yaml_expected"),
    (re.compile(r"mapping values are not allowed here"), "yaml_colon_here"),
    (re.compile(r"could not find expected ':'"), "yaml_colon_missing"),
    (re.compile(r"found unexpected end of stream"), "yaml_unclosed"),
    (re.compile(r"found undefined alias (?P<name>.+)"), "yaml_alias_unknown"),
    (re.compile(r"found duplicate anchor (?P<name>'[^']*')"), "yaml_anchor_twice"),
    (re.compile(r"found character (?P<char>.+) that cannot start any token"),
     "yaml_cannot_start"),
    (re.compile(r"found unknown escape character (?P<char>.+)"), "yaml_bad_escape"),
)  # fmt: skip

_MARKS = {
    "'<stream end>'": "yaml_end_of_text",
    "<stream end>": "yaml_end_of_text",
    "<block end>": "yaml_block_end",
    "'<block end>'": "yaml_block_end",
    "key": "yaml_a_key",
    "'-' indicator": "yaml_a_dash",
}


def yaml_problem(exc: Any) -> str:
    """A `yaml.MarkedYAMLError`'s problem (or its context, which names a duplicate anchor)."""
    problem = str(getattr(exc, "problem", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    for text in (problem, context):
        for pattern, key in _SAID:
            found = pattern.match(text.strip())
            if found is not None:
                return msg(key, **{k: _mark(v) for k, v in found.groupdict().items()})
    return msg("yaml_cannot_read_here") if locale() == "zh" else problem


def unreadable(exc: OSError | UnicodeDecodeError) -> str:
    """Why a file could not be read."""
    if isinstance(exc, UnicodeDecodeError):
        return msg("file_not_utf8", at=exc.start)
    if isinstance(exc, FileNotFoundError):
        return msg("file_missing")
    if isinstance(exc, IsADirectoryError):
        return msg("file_is_folder")
    if isinstance(exc, PermissionError):
        return msg("file_denied")
    return msg("file_os_error", code=exc.errno)


def unwritable(exc: OSError) -> str:
    """Why a file could not be written (the OS's own words are English only)."""
    if isinstance(exc, FileNotFoundError):
        return msg("write_no_folder")
    if isinstance(exc, IsADirectoryError):
        return msg("write_is_folder")
    if isinstance(exc, NotADirectoryError):
        return msg("write_path_file")
    if isinstance(exc, PermissionError):
        return msg("write_denied")
    if exc.errno == errno.ENOSPC:
        return msg("write_disk_full")
    return msg("write_os_error", code=exc.errno)


def _mark(text: str) -> str:
    parts = [p.strip() for p in text.split(" or ")]
    return msg("decode_or").join(msg(_MARKS[p]) if p in _MARKS else p for p in parts)
