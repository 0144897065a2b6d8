"""The table model: a header naming each column's role, then rows of cells — however the table reached us.

A task table's header names its columns' roles (序号, the task, 牵头/责任/配合/协同 units, 完成时限, people,
remarks); `header_columns` maps a header row to {role: column}. Several columns of one unit role
(协同单位1, 协同单位2) become "support", "support:2", …; people columns (责任领导, 责任人) are "person" and
never give units.

The rest of the loaders read a table as logical lines whose cells are separated by tabs. Every flattening
the genre shows is brought to that one form here, before the structure is read:
- tab-separated cells, and `|`-separated cells on one line (loaders.reading turns those into tabs);
- cells separated by runs of spaces (two or more, or an ideographic space) under a header written so;
- one cell per line, with or without `|`: a header of role names one per line, then rows that start
  with their number; a row's unit cells may run over several lines (one unit each).
`lines_from_rows` is the entry point for readers that already hold rows of cells (.docx/.xlsx/.html):
it makes the same tab-separated lines, each cell keeping the source line it came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from loaders import names
from loaders.reading import Line, normalise

COLUMN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("number", re.compile(r"^(?:序号|编号|序|项目编号|任务编号)$")),
    (
        "lead",
        re.compile(
            r"^(?:牵头|主办|主责)(?:单位|部门)?$|^(?:牵头|主要)(?:责任)?(?:单位|部门)$|^牵头(?:责任)?处室$"
        ),
    ),
    ("responsible", re.compile(r"^(?:责任|承办|负责|实施|落实)(?:单位|部门|处室)$|^责任主体$")),
    ("support", re.compile(r"^(?:配合|协办|参与|协同|协作|其他|其它)(?:责任)?(?:单位|部门|处室)\d?$")),
    ("person", re.compile(r"^(?:(?:牵头|责任|分管|联系|包保)(?:[省市区县]级?)?(?:领导|负责人|人)|责任人|联系人|联系电话)$")),
    (
        "deadline",
        re.compile(r"^(?:完成|办结)?(?:时限|时间|期限)(?:要求|节点)?$|^时间节点$|^进度安排$|^完成时限及要求$"),
    ),
    (
        "title",
        re.compile(
            r"^(?:重点项目|项目名称|重点工作|工作项目|项目|任务名称|工作任务|重点任务|目标任务|任务|民生实事|实事项目|"
            r"重点工作任务|工作事项|任务事项|事项)$"
        ),
    ),
    (
        "text",
        re.compile(
            r"^(?:主要内容|工作内容|任务内容|具体内容|具体任务|工作措施|主要措施|工作目标|目标要求|具体措施|建设内容|内容|"
            r"工作要求|主要任务|项目内容|任务举措|工作举措|具体举措|主要目标|目标任务及措施|任务要求|工作任务及措施|"
            r"建设内容及规模|具体工作措施|年度目标|目标|预期目标|主要指标|指标|指标名称|指标内容|指标要求|目标值)$"
        ),
    ),
    ("category", re.compile(r"^(?:类别|领域|板块|分类|任务类别|工作类别|项目类别)$")),
    ("note", re.compile(r"^(?:备注|说明)$")),
]
_HEADER_NOTE = re.compile(r"\(.*?\)|\s+|及(?:责任人|联系人|责任领导)$")


@lru_cache(maxsize=8192)
def cell_role(cell: str) -> str | None:
    """The role a header cell (normalised) names, or None."""
    c = _HEADER_NOTE.sub("", cell)  # "责任单位(列第一位的为牵头单位)"
    for role, pattern in COLUMN_ROLES:
        if pattern.match(c):
            return role
    if 2 <= len(c) <= 10 and re.search(r"(?:任务|项目|实事|内容|措施|事项|目标|指标)$", c):
        return "title"  # "民生实事项目", "年度重点任务": the task column under another name
    return None


def header_columns(cells: list[str]) -> dict[str, int] | None:
    """Map roles to column indices when `cells` (normalised) is a task-table header row; else None."""
    found = _header_columns(tuple(cells))  # asked of every table row, header or not
    return dict(found) if found is not None else None


@lru_cache(maxsize=4096)
def _header_columns(cells: tuple[str, ...]) -> dict[str, int] | None:
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        role = cell_role(cell)
        if role is None:
            continue
        if role not in roles:
            roles[role] = i
        elif role == "support":  # several 协同单位 columns
            roles[f"support:{sum(1 for r in roles if r.startswith('support')) + 1}"] = i
    person = roles.pop("person", None)
    if len(roles) < 2 or not ({"text", "title"} & roles.keys()):
        return None
    if person is not None:
        roles["person"] = person
    if "text" not in roles:  # one descriptive column only: it is the task text
        roles["text"] = roles.pop("title")
    return roles


# --------------------------------------------------------------------------- flattenings → tab lines

_SPACE_RUN = re.compile(r"(?:\s{2,}|\u3000+)")
_ROW_NUMBER = re.compile(r"^\(?(\d{1,3})[).、．]?$")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十百]+、|\(\s*[一二三四五六七八九十百]+\s*\)|附\s*[件表])")
_DEADLINE_CELL = re.compile(
    r"(?:\d{1,2}月|\d{4}年|年底|月底|年内|季度|前$|长期|持续|常态|全年|上半年|下半年|[一二三四]季度|底前|日前|\d{4}\.\d)"
)


def flatten(lines: list[Line]) -> list[Line]:
    """The document's lines with every space- or line-separated table rewritten as tab-separated rows."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" not in line.text:
            cells = _space_cells(line.text)
            if len(cells) >= 3 and header_columns([normalise(c) for c in cells]):
                i = _space_table(lines, i, out)
                continue
            width = _vertical_header(lines, i)
            if width:
                i = _vertical_table(lines, i, width, out)
                continue
        out.append(line)
        i += 1
    return out


def _space_cells(text: str) -> list[str]:
    return [c for c in _SPACE_RUN.split(text.strip().strip("|｜")) if c.strip()]


def _space_table(lines: list[Line], i: int, out: list[Line]) -> int:
    """A header and rows whose cells are separated by runs of spaces; ends at a line of one cell that is not
    a continuation (a heading or a paragraph)."""
    header = _space_cells(lines[i].text)
    roles = [cell_role(normalise(c)) for c in header]
    starts = _cell_starts(lines[i].text, header)
    out.append(_joined([(lines[i], c) for c in header]))
    row: list[tuple[Line, str]] | None = None  # the last full row, which a wrapped line may continue
    i += 1
    while i < len(lines):
        cells = _space_cells(lines[i].text)
        if row is not None and (merged := _continued(row, lines[i], cells, starts, roles)) is not None:
            row = merged
            out[-1] = _joined(row)
            i += 1
            continue
        if 2 <= len(cells) < len(header):
            cells = _touching_cells(cells, lines[i].text, roles)
        row = [(lines[i], c) for c in cells] if len(cells) == len(header) else None
        if len(cells) >= 2:
            out.append(_joined([(lines[i], c) for c in cells]))
        elif len(lines[i].norm.strip()) > 40 or re.search(r"[。;]", lines[i].norm) and not _HEADING.match(lines[i].norm):
            break
        else:
            out.append(lines[i])  # a category row or a wrapped cell: the walker decides
        i += 1
    return i


def _cell_starts(text: str, cells: list[str]) -> list[int]:
    """Where each cell begins on its line (characters from the line's start)."""
    out, at = [], 0
    for c in cells:
        at = text.find(c, at)
        out.append(at)
        at += len(c)
    return out


def _continued(
    row: list[tuple[Line, str]], line: Line, cells: list[str], starts: list[int], roles: list[str | None]
) -> list[tuple[Line, str]] | None:
    """`row` with the cells of `line` joined to the cells above them, when `line` is the row's cells wrapped
    onto the next line (indented past the first column, each piece under its column, each unit column still
    reading as unit names once joined); else None."""
    if not cells or len(cells) >= len(row) or len(starts) < 2:
        return None
    at = _cell_starts(line.text, cells)
    if at[0] < starts[1] - 1:
        return None  # text from the first column: a new row, a heading or a paragraph
    merged = list(row)
    for c, pos in zip(cells, at):
        k = max(j for j, s in enumerate(starts) if s <= pos + 1)
        joined = merged[k][1] + c
        if roles[k] in ("lead", "responsible") or (roles[k] or "").startswith("support"):
            units = names.share_suffix(names.split_units(joined, is_whole=names.looks_like_unit))
            if not units or not all(names.looks_like_unit(u) for u in units):
                return None
        merged[k] = (merged[k][0], joined)
    return merged


def _touching_cells(cells: list[str], text: str, roles: list[str | None]) -> list[str]:
    """A row with fewer cells than its header where two cells are a single space apart
    ("绵阳高新区管委会 市经信局"): split at single spaces when that gives the header's count, else split the
    lead cell when it holds two unit names and a unit column follows it."""
    single = text.split()
    if len(single) == len(roles):
        return single
    for k, cell in enumerate(cells):
        if k + 1 < len(roles) and roles[k] == "lead" and roles[k + 1] in ("responsible", "support"):
            pieces = cell.split()
            if len(pieces) == 2 and all(names.looks_like_unit(p) for p in pieces):
                return [*cells[:k], *pieces, *cells[k + 1:]]
    return cells


def _vertical_cells(lines: list[Line], i: int) -> list[tuple[int, int]]:
    """Header cells written one per line from line i, as (first line, line after): a header word wrapped over
    two lines ("责任" / "领导", "配合" / "单位") is one cell when the second piece names no role alone."""
    cells: list[tuple[int, int]] = []
    k = i
    while k < len(lines) and len(cells) < 12:
        n = _cell_norm(lines[k])
        if k + 1 < len(lines) and len(n) <= 8:
            nxt = _cell_norm(lines[k + 1])
            if len(n + nxt) <= 16 and cell_role(n + nxt) and not cell_role(nxt):
                cells.append((k, k + 2))
                k += 2
                continue
        if len(n) > 16 or cell_role(n) is None:
            break
        cells.append((k, k + 1))
        k += 1
    return cells


def _cell_norm(line: Line) -> str:
    return line.norm.strip().strip("|｜").strip()


def _vertical_header(lines: list[Line], i: int) -> int:
    """The number of lines of a header whose cells are written one per line from line i (0 if none)."""
    cells = _vertical_cells(lines, i)
    roles = [cell_role("".join(_cell_norm(lines[k]) for k in range(a, b))) for a, b in cells]
    if len(roles) < 3 or roles[0] != "number" or not ({"text", "title"} & set(roles)):
        return 0
    if not ({"lead", "responsible", "support"} & set(roles)):
        return 0
    return cells[-1][1] - i


def _vertical_table(lines: list[Line], i: int, width: int, out: list[Line]) -> int:
    """One cell per line: the header (width lines), then rows that start with their number."""
    header = [(lines[a], "".join(lines[k].text.strip().strip("|｜").strip() for k in range(a, b)))
              for a, b in _vertical_cells(lines, i)]
    out.append(_joined(header))
    roles = [cell_role(normalise(c)) for _, c in header]
    i += width
    expected = 1
    while i < len(lines):
        n = lines[i].norm.strip().strip("|｜").strip()
        m = _ROW_NUMBER.match(n)
        if m and int(m.group(1)) == expected:
            k = i + 1
            body: list[tuple[Line, str]] = []
            while k < len(lines):
                nk = lines[k].norm.strip().strip("|｜").strip()
                mk = _ROW_NUMBER.match(nk)
                if (mk and int(mk.group(1)) == expected + 1) or _HEADING.match(lines[k].norm) \
                        or _vertical_header(lines, k):
                    break
                body.append((lines[k], lines[k].text.strip().strip("|｜").strip()))
                k += 1
            number = (lines[i], lines[i].text.strip().strip("|｜").strip())
            for segment in _segments(body):  # one number over two tasks: each with its units and deadline
                out.append(_joined([number, *_fit(segment, roles[1:])]))
            expected += 1
            i = k
            continue
        if _vertical_header(lines, i):  # the header repeated after a page break
            i += _vertical_header(lines, i)
            continue
        if _HEADING.match(lines[i].norm) and len(n) <= 30:
            out.append(lines[i])  # a category row
            i += 1
            continue
        break
    return i


def _fit(body: list[tuple[Line, str]], roles: list[str | None]) -> list[tuple[Line, str]]:
    """Place a row's cell lines into the header's columns: the task first, a deadline last, units between."""
    if not body:
        return []
    if len(body) == len(roles):
        return body
    cells: list[list[tuple[Line, str]]] = [[] for _ in roles]
    text_at = next((k for k, r in enumerate(roles) if r in ("text", "title")), 0)
    unit_cols = [k for k, r in enumerate(roles) if r in ("lead", "responsible") or (r or "").startswith("support")]
    deadline_at = next((k for k, r in enumerate(roles) if r == "deadline"), None)
    person_at = next((k for k, r in enumerate(roles) if r == "person"), None)
    rest = list(body)
    cells[text_at].append(rest.pop(0))
    while rest and not _unit_cell(rest[0][1]):
        if person_at is not None and not cells[person_at] and _PERSON_CELL.fullmatch(normalise(rest[0][1])):
            cells[person_at].append(rest.pop(0))  # "王建华" under 责任领导, between the task and its units
            continue
        cells[text_at].append(rest.pop(0))  # the task's text over several lines (a title, then its content)
    if deadline_at is not None and rest and _DEADLINE_CELL.search(normalise(rest[-1][1])):
        cells[deadline_at].append(rest.pop())
    if person_at is not None and not cells[person_at] and rest and _PERSON_CELL.fullmatch(normalise(rest[-1][1])) \
            and not _unit_cell(rest[-1][1]):
        cells[person_at].append(rest.pop())  # the person column after the units
    if unit_cols:
        cells[unit_cols[0]].extend(rest[:1])
        cells[unit_cols[-1]].extend(rest[1:]) if len(unit_cols) > 1 else cells[unit_cols[0]].extend(rest[1:])
    return [(group[0][0], _join_cell(roles[k], group)) if group else (body[0][0], "") for k, group in enumerate(cells)]


_PERSON_CELL = re.compile(r"[\u4e00-\u9fa5]{2,4}(?:[,、][\u4e00-\u9fa5]{2,4})*")


def _join_cell(role: str | None, group: list[tuple[Line, str]]) -> str:
    return ("" if role in ("text", "title") else "、").join(c for _, c in group)


def _segments(body: list[tuple[Line, str]]) -> list[list[tuple[Line, str]]]:
    """A row's cell lines, cut where a deadline is followed by the text of another task."""
    out: list[list[tuple[Line, str]]] = [[]]
    for k, cell in enumerate(body):
        prev = body[k - 1][1] if k else ""
        if k and _DEADLINE_CELL.search(normalise(prev)) and not _unit_cell(prev) and not _unit_cell(cell[1]) \
                and not _DEADLINE_CELL.search(normalise(cell[1])):
            out.append([])
        out[-1].append(cell)
    return out


def _unit_cell(cell: str) -> bool:
    items = names.split_units(cell, is_whole=names.looks_like_unit)
    return bool(items) and all(names.looks_like_unit(i) for i in items)


def _joined(cells: Sequence[tuple[Line, str]]) -> Line:
    """One tab-separated logical line from cells, each cell keeping the source line it came from."""
    text, pieces = "", []
    for k, (line, cell) in enumerate(cells):
        if k:
            text += "\t"
        if not pieces or pieces[-1][1] != line.line_start:
            pieces.append((len(text), line.line_at(max(0, line.text.find(cell)))))
        text += cell
    return Line(text=text, norm=normalise(text), pieces=pieces or [(0, 1)])


def lines_from_rows(rows: Sequence[Sequence[str]], line_numbers: Sequence[int] | None = None) -> list[Line]:
    """Rows of cells (a header row first) as the tab-separated lines the loaders read.

    For readers of real tables (.docx/.xlsx/.html): `line_numbers[k]` is the source position of row k,
    used for provenance. Cells keep their text; line breaks inside a cell become spaces.
    """
    out = []
    for k, row in enumerate(rows):
        text = "\t".join(re.sub(r"\s*\n\s*", " ", c or "").strip() for c in row)
        no = line_numbers[k] if line_numbers is not None else k + 1
        out.append(Line(text=text, norm=normalise(text), pieces=[(0, no)]))
    return out
