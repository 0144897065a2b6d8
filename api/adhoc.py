"""Bounds for ad-hoc Cypher, checked before the statement reaches the engine.

FalkorDB's parser takes time exponential in expression nesting (brackets and prefix operators such
as NOT or unary minus: 20 levels take seconds, 40 never finish) and its query timeout does not cover
parsing, so a deep statement is refused here. A literal `range(a, b)` is bounded too, and the rows are
capped in the statement itself (`LIMIT max_rows + 1`), so the engine never builds, and the client never
parses, more than one row past what the answer may hold.
"""

from __future__ import annotations

import re
from typing import Any

from api.errors import BadRequest

_LITERALS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)
_TOKEN = re.compile(r"\$?[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\S")
_RANGE = re.compile(r"\brange\s*\(\s*(-?\d+)\s*,\s*(-?\d+)\s*(?:,\s*(-?\d+)\s*)?\)", re.IGNORECASE)
# words after which a `-` or `+` is a sign, not a subtraction
_KEYWORDS = {
    "AND", "OR", "XOR", "NOT", "IN", "IS", "RETURN", "WHERE", "WITH", "MATCH", "OPTIONAL", "UNWIND", "AS",
    "CASE", "WHEN", "THEN", "ELSE", "END", "ORDER", "BY", "SKIP", "LIMIT", "DISTINCT", "STARTS", "ENDS",
    "CONTAINS", "UNION", "ALL", "YIELD", "CALL", "ASC", "DESC", "ASCENDING", "DESCENDING",
}
OPEN, CLOSE = "([{", ")]}"
MAX_RANGE = 1_000_000


def blank_literals(query: str) -> str:
    """`query` with strings, quoted names and comments blanked out, keeping every position: a string
    becomes the operand `0` padded with spaces, so the shape of the expression stays the same."""
    def blank(m: re.Match[str]) -> str:
        text = m.group()
        return " " * len(text) if text.startswith(("//", "/*")) else "0" + " " * (len(text) - 1)

    return _LITERALS.sub(blank, query)


def nesting(bare: str) -> int:
    """How deep expressions nest: every bracket and every prefix operator (NOT, a sign) is a level."""
    levels, pending, best, after_operand = [0], 0, 0, False
    for m in _TOKEN.finditer(bare):
        tok = m.group()
        word = tok.upper()
        if tok in OPEN:
            levels.append(levels[-1] + pending + 1)
            best, pending, after_operand = max(best, levels[-1]), 0, False
        elif tok in CLOSE:
            if len(levels) > 1:
                levels.pop()
            pending, after_operand = 0, True
        elif word == "NOT" or (tok in "-+" and not after_operand):
            pending += 1
            best, after_operand = max(best, levels[-1] + pending), False
        elif tok[0].isalnum() or tok[0] in "_$":
            after_operand = word not in _KEYWORDS
            pending = 0
        else:
            pending, after_operand = 0, False
    return best


def check(query: str, *, max_nesting: int) -> str:
    """The statement's text with literals blanked, after refusing what would pin or flood the engine."""
    bare = blank_literals(query)
    depth = nesting(bare)
    if depth > max_nesting:
        raise BadRequest(f"查询嵌套过深（{depth} 层，上限 {max_nesting} 层；括号与 NOT、正负号各算一层），"
                         "请拆分或简化表达式。")
    for m in _RANGE.finditer(bare):
        start, stop = int(m.group(1)), int(m.group(2))
        step = int(m.group(3) or 1)
        size = 0 if step == 0 else max(0, (stop - start) // step + 1)
        if step == 0 or size > MAX_RANGE:
            raise BadRequest(f"range({m.group(1)}, {m.group(2)}{', ' + m.group(3) if m.group(3) else ''}) "
                             f"过大或步长为 0（最多 {MAX_RANGE:,} 个元素）。")
    return bare


def _top_level_tokens(bare: str) -> list[re.Match[str]]:
    tokens, depth = [], 0
    for m in _TOKEN.finditer(bare):
        tok = m.group()
        if tok in OPEN:
            depth += 1
        elif tok in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            tokens.append(m)
    return tokens


def capped(query: str, bare: str, params: dict[str, Any], rows: int) -> str:
    """`query` returning at most `rows` rows: its final RETURN gets `LIMIT rows`, or a smaller LIMIT it
    already has is kept; a UNION is wrapped in `CALL { … }` (a LIMIT after it binds its last part only)."""
    end = len(bare.rstrip().rstrip(";").rstrip())
    query, bare = query[:end], bare[:end]
    tokens = _top_level_tokens(bare)
    words = [m.group().upper() for m in tokens]
    if "UNION" in words:
        return f"CALL {{\n{query}\n}}\nRETURN * LIMIT {rows}"
    returns = [i for i, w in enumerate(words) if w == "RETURN"]
    if not returns:
        return query  # a procedure call on its own
    limits = [i for i in range(returns[-1] + 1, len(words))
              if words[i] == "LIMIT" and words[i - 1] not in ("AS", ".")]
    if not limits:
        return f"{query}\nLIMIT {rows}"
    start = tokens[limits[-1]].end()
    expression = query[start:].strip()
    value: Any = params.get(expression[1:]) if expression.startswith("$") else expression
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequest("LIMIT 后请写整数或整数参数。")
    return query if value <= rows else f"{query[:start]} {rows}"
