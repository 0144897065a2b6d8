"""Query parameters as FalkorDB's `CYPHER name=value …` header, encoded in C (json) instead of per value in Python.

FalkorDB takes parameters only as Cypher literals in front of the query. falkordb-py builds them with a
recursive Python function (quote every string, backtick every map key): for a bulk load's UNWIND rows
that was most of the client's time. Here each value is `json.dumps`ed, then turned into the same Cypher:
- map keys: JSON writes `"key":`, Cypher wants `` `key`: ``. JSON is told to write a NUL before each
  key's colon (a NUL in a string is always escaped), so a key's end is unambiguous, and an identifier
  key's opening quote is a `"` after `{` or `,` followed by the identifier and that end. A value with any other key
  (`"单位"`) goes through falkordb-py's encoder instead.
- strings: FalkorDB reads `\\"`, `\\\\`, `\\n`, `\\r`, `\\t`, `\\b`, `\\f` as JSON means them, but not `\\uXXXX`,
  which JSON uses for the other control characters: those are put back as the raw characters,
  which is what falkordb-py sends.
Values json cannot encode exactly (bytes, NaN, other types) go through falkordb-py's own encoder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from falkordb.helpers import stringify_param_value

# Keys are followed by a NUL (which JSON never leaves raw in a string), so a key's end is unambiguous.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", "\x00:"), allow_nan=False,
                           check_circular=False).encode
# An identifier key's opening quote, after { or , (an escaped quote follows a backslash). No look-behind:
# a pattern starting with a literal is searched for fast.
_KEY_STARTS = [(re.compile(f'{re.escape(c)}"(?=[A-Za-z_][A-Za-z0-9_]*"\x00:)'), c + "`") for c in "{,"]
_ESCAPE = re.compile(r"\\(\\|u00[01][0-9a-f])")  # an escaped backslash, or a control character JSON wrote as \u00XX


def _raw_control(m: re.Match[str]) -> str:
    code = m.group(1)
    return m.group(0) if code == "\\" else chr(int(code[1:], 16))


def literal(value: Any) -> str:
    """`value` as a Cypher literal, read back by FalkorDB as exactly `value`."""
    try:
        text = _encode(value)
    except (TypeError, ValueError):
        return stringify_param_value(value)
    keys = text.count("\x00")
    if keys:
        identifiers = 0
        for pattern, opening in _KEY_STARTS:
            text, n = pattern.subn(opening, text)
            identifiers += n
        if identifiers != keys:  # a key that is not an identifier
            return stringify_param_value(value)
        text = text.replace('"\x00:', "`:")
    if "\\u00" in text:
        text = _ESCAPE.sub(_raw_control, text)
    return text


def header(params: Mapping[str, Any] | None) -> str:
    """The `CYPHER a=1 b="x" ` prefix for `params` ("" for none), as falkordb-py's Graph would build it."""
    if not params:
        return ""
    parts = ["CYPHER "]
    for name, value in params.items():
        if not name or "`" in name:
            raise ValueError(f"Cypher parameter name cannot be empty or contain a backtick: {name!r}")
        parts.append(f"`{name}`={literal(value)} ")
    return "".join(parts)
