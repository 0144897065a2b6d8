"""Document structure: metadata, heading levels, numbered items, task tables and district lists.

Works on `reading.Line`s. Headings rank by their *kind*, not by absolute depth, so a document that starts
at "(六)" or skips a level still nests correctly:
    0 annex ("附件1")   1 part title ("…工作方案")   2 "一、" / district heading / unnumbered heading
    3 "(一)"            4 "——…"                      5 "(1)"
Section titles are kept as printed (outer spaces stripped; a run-in heading "(一)推动…。各部门要…" keeps its
first sentence; a trailing attribution group is left out); an annex heading and its title line are two
levels ("附件 1", "市直部门…工作任务清单"). A part title is a level only when it is not the document title.

Items: "1." / "1、" numbered lines (with the paragraphs that follow until the attribution closes the item),
"(1)" lines that carry an attribution (the "1." line above them becomes a heading), headings that carry an
attribution and have no items under them, unnumbered paragraphs ending in an attribution, and table rows.
A heading's attribution applies to the items under it that have none. Under a district heading (a bare
"江岸区" line above a table or numbered list, or "一、江岸区" in an annex) items belong to that district.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from loaders import attribution, places, tables
from loaders.places import Jurisdiction
from loaders.reading import Line, Reading, without_spaces

CN_NUM = "一二三四五六七八九十百零〇"
_HEAD_NUMERAL = re.compile(rf"^\s*\(?\s*([{CN_NUM}]+)")
_HEAD_NUMBER = re.compile(rf"^\s*\(?\s*([{CN_NUM}\d]+)")
_ROW_NUMBER = re.compile(r"^\(?(\d{1,3})[).、]?$")
_DIGITS_1_3 = re.compile(r"\d{1,3}")
_NON_DIGIT = re.compile(r"\D")
_LIST_TITLE_END = re.compile(r"(?:清单|方案|一览表|任务表|明细表)$")
_CN_NUMBER_CELL = re.compile(rf"[{CN_NUM}]+、?")
RE_CHINESE = re.compile(rf"^\s*[{CN_NUM}]+\s*、")
RE_PAREN = re.compile(rf"^\s*\(\s*[{CN_NUM}]+\s*\)")
RE_ARABIC_PAREN = re.compile(r"^\s*\(\s*\d{1,3}\s*\)")
RE_DASH = re.compile(r"^\s*(?:——|--|—)")
RE_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.、](?!\d)\s*")
RE_YISHI = re.compile(rf"^\s*([{CN_NUM}]{{1,3}})是(?=[\u4e00-\u9fa5“\d])")  # "一是新建…", "二是…"
RE_ANNEX = re.compile(r"^\s*附\s*[件表]\s*(\d{0,2})\s*[:]?\s*(.*)$")
RE_ANNEX_LIST = re.compile(r"^\s*附\s*[件表]\s*:\s*\d")
RE_PART_TITLE = re.compile(
    r"(?:方案|意见|计划|清单|纲要|办法|要点|规划|细则|分解|分工|任务表|一览表)(?:\(.{1,4}\))?$"
)
RE_DISTRICT = re.compile(
    r"^(?:[\u4e00-\u9fa5]{1,10}(?:区|县|新区|开发区|风景区|管委会)|[\u4e00-\u9fa5]{2,4}市)$"
)
SENTENCE_PUNCT = re.compile(r"[。;,!?]")

RANK_ANNEX, RANK_PART, RANK_CHAPTER, RANK_SECTION, RANK_SUB, RANK_ITEMGROUP = 0, 1, 2, 3, 4, 5


@dataclass
class Item:
    """A numbered task/measure (kind "numbered") or a table row (kind "row")."""

    kind: str
    number: str
    section: list[str]
    lines: list[Line] = field(default_factory=list)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # role -> (start, end) in lines[0]
    columns: dict[str, int] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)  # the table's header cells as printed
    table_rule: str | None = None  # a role rule printed in the table header
    category: str = ""
    district: str | None = None  # district heading that owns a district-list item
    heading_type: str | None = None  # e.g. "约束性" / "预期性" from an indicator heading
    indicator_list: bool = False
    inherited: tuple[Line, attribution.Attribution] | None = None  # attribution printed on a heading above


@dataclass
class Structure:
    items: list[Item]
    warnings: list[str]


def _clean(text: str) -> str:
    return text.strip()


def walk(reading: Reading, *, doc_title: str = "") -> Structure:
    """Group logical lines into items under their heading path."""
    walker = _Walker(reading, doc_title)
    for i, line in enumerate(walker.lines):
        walker.line(i, line)
    return walker.finish()


class _Walker:
    """One pass over the logical lines, keeping the heading stack, the open item and the open table."""

    def __init__(self, reading: Reading, doc_title: str):
        self.reading = reading
        self.lines = split_run_in(tables.flatten(reading.lines))
        self.stack: list[tuple[int, str, str]] = []  # (rank, printed title, normalised title)
        self.items: list[Item] = []
        self.warnings: list[str] = []
        self.current: Item | None = None
        self.table: dict[str, int] | None = None
        self.table_header: str | None = None
        self.header_cells: list[str] = []
        self.table_rule: str | None = None
        self.category = ""
        self.district: str | None = None
        self.in_annex = False
        self.district_depth: int | None = None
        self.doc_title = without_spaces(doc_title)
        self.title_seen = False
        self.inherited: dict[
            int, tuple[Line, attribution.Attribution]
        ] = {}  # stack depth -> heading attribution
        self.used: set[int] = set()  # depths whose heading attribution some item came under
        self.heading_line: Line | None = None  # the numbered heading just read, while nothing came under it

    # ---- the heading stack

    def section(self) -> list[str]:
        return [s[1] for s in self.stack]

    def pop(self) -> None:
        """Leave the innermost heading; one with an attribution and no items under it was itself a task."""
        self.stack.pop()
        depth = len(self.stack)
        if depth in self.inherited and depth not in self.used:
            line, _ = self.inherited[depth]
            numeral = _HEAD_NUMERAL.match(line.norm)
            number = numeral.group(1) if numeral else ""
            self.items.append(Item("numbered", number, self.section(), [line], district=self.district))
        self.inherited.pop(depth, None)
        self.used.discard(depth)
        if self.district_depth is not None and depth <= self.district_depth:
            self.district, self.district_depth = None, None

    def push(self, rank: int, printed: str, norm: str, line: Line | None = None) -> None:
        while self.stack and self.stack[-1][0] >= rank:
            self.pop()
        self.heading_line = line if rank in (RANK_CHAPTER, RANK_SECTION, RANK_SUB) else None
        att = attribution.find_inline(line.norm.rstrip()) if line is not None else None
        if att is None and line is not None:
            att = attribution.find_sentence(line.norm.rstrip())  # "(三)新建农村公路。由市交通局负责。"
        if att is not None and line is not None and att.start > 0:
            self.inherited[len(self.stack)] = (line, att)
            if att.start < len(norm):  # the heading without its attribution
                printed, norm = printed[: att.start], norm[: att.start]
        self.stack.append((rank, _clean(printed), _clean(norm)))

    def set_district(self, name: str) -> None:
        """The heading just pushed names a district: its rows belong to that district until the heading ends."""
        self.district, self.district_depth = name, len(self.stack) - 1

    def numbered_district(self, title: str) -> None:
        """ "一、江岸区" heading a district's list inside an annex."""
        compact = without_spaces(title)
        if self.in_annex and len(compact) <= 14 and RE_DISTRICT.match(compact):
            self.set_district(compact)

    def heading_attribution(self) -> tuple[Line, attribution.Attribution] | None:
        self.used.update(d for d in self.inherited if d < len(self.stack))
        for depth in sorted(self.inherited, reverse=True):
            if depth < len(self.stack):
                return self.inherited[depth]
        return None

    def next_norm(self, i: int) -> str:
        return self.lines[i + 1].norm.strip() if i + 1 < len(self.lines) else ""

    def heading_task(self, label_line: Line) -> None:
        """The heading just pushed carries its units on the lines below it: it is a task, not a section."""
        line = self.heading_line
        assert line is not None
        depth = len(self.stack) - 1
        self.inherited.pop(depth, None)
        self.stack.pop()
        numeral = _HEAD_NUMBER.match(line.norm)
        item = self.open_item(numeral.group(1) if numeral else "", line)
        item.lines.append(label_line)
        self.current = item

    def open_item(self, number: str, line: Line) -> Item:
        self.heading_line = None
        item = Item("numbered", number, self.section(), [line], district=self.district)
        item.indicator_list, item.heading_type = _indicator_context(self.stack)
        item.inherited = self.heading_attribution()
        self.items.append(item)
        att = attribution.find_inline(line.norm)
        self.current = None if att is not None and att.closed else item
        return item

    def finish(self) -> Structure:
        while self.stack:
            self.pop()
        return Structure(self.items, self.warnings)

    # ---- one line

    def line(self, i: int, line: Line) -> None:
        if "\t" not in line.text and attribution.label_line(line.norm):
            if self.current is not None and self.current.kind == "numbered":
                self.current.lines.append(line)  # "牵头单位:…" / "(一)责任单位:…" under its task
                return
            if self.current is None and self.heading_line is not None:
                self.heading_task(line)  # "(一)地区生产总值增长7%" + "责任单位:…": the heading is a task
                return
        if "\t" in line.text:
            self.table_line(line)
        elif not self.heading(i, line):
            self.body_line(i, line)

    def table_line(self, line: Line) -> None:
        cells = line.norm.split("\t")
        compact = without_spaces(line.norm)
        cols = tables.header_columns(cells)
        if cols:
            self.current = None
            if compact != self.table_header:  # a repeated header (after a page break) changes nothing
                self.table, self.table_header = cols, compact
                self.header_cells = [c.strip() for c in line.text.split("\t")]
                self.table_rule = attribution.header_rule(cells)
            return
        table = self.table
        if table is None:
            return
        printed_cells = line.text.split("\t")
        if _category_cell(cells) is not None:
            self.category = _category_text([c.strip() for c in printed_cells if c.strip()])
            return
        if "category" in table and table["category"] < len(cells) and cells[table["category"]].strip():
            self.category = printed_cells[table["category"]].strip()  # a category column, merged cells
        num = cells[table["number"]].strip() if "number" in table and table["number"] < len(cells) else ""
        num = _ROW_NUMBER.sub(r"\1", num)
        if _DIGITS_1_3.fullmatch(num) or ("number" not in table and any(c.strip() for c in cells)):
            item = Item(
                "row",
                num,
                self.section(),
                [line],
                columns=table,
                category=self.category,
                district=self.district,
                header=self.header_cells,
                table_rule=self.table_rule,
            )
            item.cells = _cell_spans(line.norm, table)
            self.items.append(item)
            self.current = item
        elif self.current is not None and self.current.kind == "row" and not num:
            self.current.lines.append(line)  # a cell continued on the next row
        else:
            self.warnings.append(f"{self.reading.source}:{line.line_start}: 表格行无法识别,已跳过")

    def heading(self, i: int, line: Line) -> bool:
        """Annexes, part titles, district headings and numbered headings; True if `line` was one."""
        n = line.norm.strip()
        if RE_ANNEX_LIST.match(n):
            self.current = None
            return True
        if RE_ANNEX.match(n) and len(n) <= 40 and not SENTENCE_PUNCT.search(n):
            self.current, self.table, self.table_header, self.category, self.district = (
                None,
                None,
                None,
                "",
                None,
            )
            self.in_annex = True
            self.push(RANK_ANNEX, line.text.strip(), n)
            return True
        if self.in_annex and self.stack and self.stack[-1][0] == RANK_ANNEX and _is_title_like(n):
            self.push(RANK_PART, line.text, n)
            return True
        if _is_district_heading(n, self.next_norm(i), self.in_annex):
            self.current, self.table, self.table_header, self.category = None, None, None, ""
            self.push(RANK_CHAPTER, line.text, n)
            self.set_district(without_spaces(n))
            return True
        if m := RE_CHINESE.match(n):
            nxt = self.next_norm(i)
            if self.table is not None and "\t" in nxt and not tables.header_columns(nxt.split("\t")):
                self.category = _clean(line.text)  # a category row written without cells
                return True
            self.current, self.table, self.table_header = None, None, None
            self.push(RANK_CHAPTER, _heading_title(line.text, n), _heading_title(line.norm, n), line)
            self.numbered_district(n[m.end():])  # the title after its number
            return True
        if m := RE_PAREN.match(n):
            self.current, self.table, self.table_header = None, None, None
            self.push(RANK_SECTION, _heading_title(line.text, n), _heading_title(line.norm, n), line)
            self.numbered_district(n[m.end():])
            return True
        if RE_DASH.match(n) and len(n) <= 60:
            self.current = None
            self.push(RANK_SUB, line.text, line.norm, line)
            return True
        return False

    def body_line(self, i: int, line: Line) -> None:
        """Numbered items, lines continuing the open item, unnumbered headings and task paragraphs."""
        n = line.norm.strip()
        compact = without_spaces(n)
        m = RE_NUMBERED.match(n)
        if m is None and RE_YISHI.match(n) and (
            self.current is None or _has_attribution(self.current) or _ends_with_attribution(n)
        ):
            m = RE_YISHI.match(n)  # "一是…" items; inside an open task without units they are its points
        if m:
            if not _is_annex_entry(n):
                self.open_item(m.group(1), line)
            return
        m = RE_ARABIC_PAREN.match(n)
        if m and (attribution.find_inline(n) is not None or attribution.label_line(self.next_norm(i))):
            current = self.current
            if (
                current is not None
                and self.items
                and self.items[-1] is current
                and current.kind == "numbered"
                and _is_group_heading(current)
            ):
                self.items.pop()  # "1.稳增长" above "(1)…" items is a heading, not a task
                self.push(RANK_ITEMGROUP, current.lines[0].text, current.lines[0].norm, current.lines[0])
            self.open_item(_NON_DIGIT.sub("", m.group(0)), line)
            return
        if m and self.current is None:
            return
        continues_item = attribution.label_line(n) or not _is_title_like(n)
        if self.current is not None and self.current.kind == "numbered" and _closing_paragraph(self.current, line):
            self.current = None  # "各牵头单位要于…报…督查室。" after a blank line ends the list, not its units
            return
        if self.current is not None and self.current.kind == "numbered" and continues_item:
            self.current.lines.append(line)
            att = attribution.find_inline(n)
            if att is not None and att.closed and not attribution.label_line(n):
                self.current = None
            return
        if _is_title_like(n) and not self.title_seen and self.doc_title and compact in self.doc_title:
            self.title_seen = compact == self.doc_title or self.doc_title.endswith(compact)
            return
        if _is_unnumbered_heading(n, self.next_norm(i)):
            self.current = None
            self.push(RANK_CHAPTER, line.text, n)
            return
        if _is_title_like(n) and RE_PART_TITLE.search(n) and compact != self.doc_title:
            self.current, self.table, self.table_header = None, None, None
            self.push(RANK_PART, line.text, n)
            return
        if self.current is None and _ends_with_attribution(n):
            self.open_item("", line)  # an unnumbered paragraph that names its units is a task


def _closing_paragraph(item: Item, line: Line) -> bool:
    """A sentence set off by a blank line after the task's last label line is the document's, not the task's."""
    last = item.lines[-1]
    n = line.norm.strip()
    return (
        bool(attribution.label_line(last.norm))
        and line.line_start > last.line_end + 1
        and n.endswith("。")
        and len(n) > 12
        and not attribution.label_line(n)
        and bool(_PREDICATE.search(n))
    )


_PREDICATE = re.compile(r"要|请|将|应当|须|每(?:月|季|年|周)")  # a sentence's verb, never in a unit list


# The closing mark is consumed, not looked behind at, so the scan jumps from mark to mark in C (only group 1 is
# used; a match holds no closing mark of another one, so the same matches are found).
_RUN_IN_NUMBER = re.compile(r"[。;)】〕]\s*(\d{1,3})[.、](?!\d)")
_RUN_IN_YISHI = re.compile(rf"[。;)】〕]\s*([{CN_NUM}]{{1,3}})是(?=[\u4e00-\u9fa5“])")
_CN_VALUE = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def split_run_in(lines: list[Line]) -> list[Line]:
    """Several short tasks on one line ("1.…(A、B)。2.…(C)。", "…。一是…(A负责);二是…") become one line each.

    Only a run of consecutive numbers splits a line, so a number cited inside a sentence never does.
    """
    out: list[Line] = []
    for line in lines:
        cuts: list[int] = []
        m = RE_NUMBERED.match(line.norm)
        if m and "\t" not in line.text:
            expected = int(m.group(1)) + 1
            for r in _RUN_IN_NUMBER.finditer(line.norm):
                if int(r.group(1)) == expected:
                    cuts.append(r.start(1))
                    expected += 1
        if "\t" not in line.text and "一是" in line.norm:  # the run needs its "一是"
            yishi = [r for r in _RUN_IN_YISHI.finditer(line.norm) if r.group(1) in _CN_VALUE]
            first = next((k for k, r in enumerate(yishi) if r.group(1) == "一"), None)
            if first is not None and len(yishi) - first >= 2:
                expected = 1
                for r in yishi[first:]:
                    if _CN_VALUE[r.group(1)] == expected:
                        cuts.append(r.start(1))
                        expected += 1
        bounds = [0, *sorted(set(cuts)), len(line.text)]
        out.extend(_slice(line, a, b) for a, b in itertools.pairwise(bounds) if line.text[a:b].strip())
    return out


def _slice(line: Line, a: int, b: int) -> Line:
    if a == 0 and b == len(line.text):
        return line
    owner = max((p for p in line.pieces if p[0] <= a), default=line.pieces[0])
    pieces = [(0, owner[1])] + [(off - a, no) for off, no in line.pieces if a < off < b]
    return Line(text=line.text[a:b], norm=line.norm[a:b], pieces=pieces)


def _category_text(printed: list[str]) -> str:
    """ "一、幼有所育" as printed, or "一" + "幼有所育" from two cells."""
    if len(printed) == 1:
        return printed[0]
    return "".join(printed) if printed[0].endswith("、") else "、".join(printed)


def _has_attribution(item: Item) -> bool:
    return any(attribution.label_line(ln.norm) for ln in item.lines) or _ends_with_attribution(item.lines[-1].norm)


def _ends_with_attribution(n: str) -> bool:
    att = attribution.find_inline(n) or attribution.find_sentence(n)
    return att is not None and att.closed and att.start > 0


def _is_group_heading(item: Item) -> bool:
    """A one-line numbered item without attribution ("1.稳增长", "1.加快建设,具体包括:") heads "(1)" items."""
    return len(item.lines) == 1 and attribution.find_inline(item.lines[0].norm) is None


def _heading_title(text: str, norm: str) -> str:
    """A run-in heading "(一)推动任务落地见效。各职能部门…" is titled by its first sentence."""
    cut = norm.find("。")
    if cut != -1 and cut + 1 < len(norm.strip()):
        return text[: cut + 1].strip()
    return text.strip()


def _is_title_like(n: str) -> bool:
    return 0 < len(n) <= 60 and not SENTENCE_PUNCT.search(n) and ":" not in n


def _is_annex_entry(n: str) -> bool:
    """ "2.2022年各区…工作任务清单" in an annex list is a title, not a task."""
    return len(n) <= 60 and "。" not in n and bool(_LIST_TITLE_END.search(n))


def _is_district_heading(n: str, nxt: str, in_annex: bool) -> bool:
    compact = without_spaces(n)
    if len(compact) > 14 or not RE_DISTRICT.match(compact):
        return False
    nxt_cells = nxt.split("\t") if "\t" in nxt else []
    if nxt_cells and tables.header_columns(nxt_cells):
        return True
    return in_annex and bool(RE_NUMBERED.match(nxt))


def _is_unnumbered_heading(n: str, nxt: str) -> bool:
    """A short bare line ("主要指标分工") directly above a "(一)" heading is a heading of its own."""
    return 0 < len(n) <= 16 and not SENTENCE_PUNCT.search(n) and bool(RE_PAREN.match(nxt))


def _category_cell(cells: list[str]) -> str | None:
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) == 1 and RE_CHINESE.match(filled[0]) and len(filled[0]) <= 30:
        return filled[0]
    if len(filled) == 2 and _CN_NUMBER_CELL.fullmatch(filled[0]) and len(filled[1]) <= 30:
        return filled[0] + filled[1]  # "一\t幼有所育": numeral and name in two cells
    return None


def cell_spans(norm: str, columns: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each role's (start, end) in a tab-separated row, outer spaces trimmed."""
    return _cell_spans(norm, columns)


def _cell_spans(norm: str, columns: dict[str, int]) -> dict[str, tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    pos = 0
    for cell in norm.split("\t"):
        bounds.append((pos, pos + len(cell)))
        pos += len(cell) + 1
    spans = {}
    for role, idx in columns.items():
        if idx < len(bounds):
            s, e = bounds[idx]
            while s < e and norm[s] in " ":
                s += 1
            while e > s and norm[e - 1] in " ":
                e -= 1
            spans[role] = (s, e)
    return spans


def _indicator_context(stack: list[tuple[int, str, str]]) -> tuple[bool, str | None]:
    """Items under a heading about 指标 (and not 任务) are indicator items; their type from the heading."""
    return _indicator_context_of(tuple(s[2] for s in stack))


_INDICATOR_HEADING = re.compile(r"指标|预期目标|约束性|预期性")


@lru_cache(maxsize=4096)
def _indicator_context_of(norms: tuple[str, ...]) -> tuple[bool, str | None]:
    is_list = any(_INDICATOR_HEADING.search(n) and "任务" not in n for n in norms)
    kind = None
    for n in reversed(norms):
        for t in ("约束性", "预期性"):
            if t in n:
                kind = t
                break
        if kind:
            break
    return is_list, kind


# --------------------------------------------------------------------------- metadata

RE_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fa5]{1,12})\s*[〔\[【(]\s*((?:19|20)\d{2})\s*[〕\]】)]\s*(\d{1,4})\s*[号號]"
)
RE_FIELD = re.compile(
    r"(名\s*称|标\s*题|发布机构|发文机关|文\s*号|发文字号|公开日期|发布日期|成文日期|印发日期)\s*:\s*"
)
RE_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
RE_DATE_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
RE_DIGIT_DATE = re.compile(r"^\s*((?:19|20)\d{2})(\d{2,4})\s*(?:日)?\s*(?:印发)?\s*$")
RE_TITLE = re.compile(
    r"([^\s—:]*关于.{2,80}?的(?:通知|意见|实施意见|方案|决定|批复|报告|函|通报|规定|办法))(?:\.[a-z]{2,4})?$"
)
RE_ISSUER_SUFFIX = re.compile(
    r"(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|管委会|局|委)$"
)


@dataclass
class Metadata:
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    date: str | None = None
    place: Jurisdiction = field(default_factory=Jurisdiction)

    @property
    def jurisdiction(self) -> str:
        return self.place.name


def metadata(reading: Reading) -> tuple[Metadata, list[str]]:
    """Title, issuer, document number, date (YYYY-MM-DD) and jurisdiction of the document."""
    md = Metadata()
    warnings: list[str] = []
    fields = _fields(reading)
    lines = reading.lines
    md.title = fields.get("名称") or fields.get("标题") or _title(lines)
    md.doc_number = _doc_number(fields.get("文号") or fields.get("发文字号") or "") or ""
    if not md.doc_number:
        md.doc_number = _own_doc_number(lines)
    date_field = (
        fields.get("成文日期") or fields.get("公开日期") or fields.get("发布日期") or fields.get("印发日期")
    )
    md.date = _date(date_field or "") if date_field else None
    if md.date is None:
        md.date = _signature_date(reading, warnings)
    md.issuer = fields.get("发布机构") or fields.get("发文机关") or _issuer(lines, md.title)
    md.place = places.detect(reading, issuer=md.issuer, title=md.title)
    return md, warnings


def _fields(reading: Reading) -> dict[str, str]:
    """ "名  称: …  发布机构: …" header fields of a government web page (first lines only)."""
    out: dict[str, str] = {}
    for line in reading.lines[:12]:
        n = line.norm
        marks = list(RE_FIELD.finditer(n))
        for k, m in enumerate(marks):
            end = marks[k + 1].start() if k + 1 < len(marks) else len(n)
            key = without_spaces(m.group(1))
            value = n[m.end() : end].strip()
            if key in ("文号",):
                value = re.split(r"\s{1,}索\s*引", value)[0].strip()
            out.setdefault(key, value)
    return out


def _own_doc_number(lines: list[Line]) -> str:
    """The document's own number: on a line of its own near the top, or in an attachment named after it.

    Numbers cited inside the text ("根据《…》(武政〔2021〕5号)") are other documents' and are ignored.
    """
    for line in lines[:60]:
        m = _doc_number_search(line.norm)
        if m and len(line.norm.strip()) - len(m.group(0)) <= 6:
            return _doc_number(line.norm) or ""
    for line in lines:
        n = line.norm.strip()
        if n.startswith("附件") and _title_search(n):
            return _doc_number(n) or ""
    return ""


def _doc_number_search(text: str) -> re.Match[str] | None:
    """RE_DOC_NUMBER.search, skipped where its literal 号/號 is absent (its 1-12 character prefix backtracks at
    every Chinese character of a line)."""
    return RE_DOC_NUMBER.search(text) if "号" in text or "號" in text else None


def _doc_number(text: str) -> str | None:
    m = _doc_number_search(text)
    if not m:
        return None
    prefix = m.group(1)
    prefix = re.sub(r"^.*?(?:附件|文号|:)", "", prefix) or prefix
    return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"


def _title_search(n: str) -> re.Match[str] | None:
    """RE_TITLE.search, skipped where its literal "关于" is absent (the search is slow on long lines)."""
    return RE_TITLE.search(n) if "关于" in n else None


def _title(lines: list[Line]) -> str:
    for line in lines[:200]:
        n = line.norm.strip()
        if len(n) <= 120 and not n.startswith("附件") and _title_search(n):
            return line.text.strip()
    for k in range(min(len(lines) - 1, 30)):  # a title broken over two lines
        a, b = lines[k].norm.strip(), lines[k + 1].norm.strip()
        if len(a) <= 40 and len(b) <= 40 and _title_search(a + b):
            return lines[k].text.strip() + lines[k + 1].text.strip()
    for line in lines[:10]:
        n = line.norm.strip()
        if 6 <= len(n) <= 80 and "。" not in n and not n.endswith(":") and not _is_heading(n):
            return line.text.strip()
    for line in lines:  # an attachment named after the document: "附件:武政[2022]2号—市人民政府关于….pdf"
        m = _title_search(line.norm.strip())
        if m:
            start = line.norm.find(m.group(1))
            return line.text[start : start + len(m.group(1))].strip()
    return ""


def _is_heading(n: str) -> bool:
    return bool(RE_CHINESE.match(n) or RE_PAREN.match(n) or RE_NUMBERED.match(n) or RE_ANNEX.match(n))


def _date(text: str) -> str | None:
    m = RE_DATE.search(text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.search(r"((?:19|20)\d{2})[-./](\d{1,2})[-./](\d{1,2})", text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _iso(y: int, mo: int, d: int) -> str | None:
    if 1 <= mo <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _digit_date(y: str, rest: str) -> str | None:
    """ "2022429" → 2022-04-29: split the digits after the year into a valid month and day."""
    candidates = []
    for cut in (1, 2):
        if len(rest) - cut in (1, 2):
            iso = _iso(int(y), int(rest[:cut]), int(rest[cut:]))
            if iso:
                candidates.append(iso)
    return candidates[0] if candidates else None


def _signature_date(reading: Reading, warnings: list[str]) -> str | None:
    """The first date standing alone on its line (the signature date), else a damaged all-digit date."""
    for line in reading.lines:
        n = without_spaces(line.norm)
        m = RE_DATE_LINE.match(n)
        if m:
            return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for line in reading.lines:
        n = without_spaces(line.norm)
        m = RE_DIGIT_DATE.match(n)
        if m:
            iso = _digit_date(m.group(1), m.group(2))
            if iso:
                warnings.append(f"{reading.source}:{line.line_start}: 日期缺少年月日,按 {iso} 理解")
                return iso
    return None


def _issuer(lines: list[Line], title: str) -> str:
    """The signing unit: the line just above the signature date, else the title's issuing unit."""
    for k, line in enumerate(lines[1:], start=1):
        n = without_spaces(line.norm)
        if RE_DATE_LINE.match(n) or RE_DIGIT_DATE.match(n):
            prev = without_spaces(lines[k - 1].norm)
            if RE_ISSUER_SUFFIX.search(prev) and len(prev) <= 30:
                return prev
    t = without_spaces(title)
    m = re.match(r"^(.{2,30}?(?:人民政府办公厅|人民政府办公室|人民政府|委员会|办公室|办公厅))", t)
    if m:
        return m.group(1)
    return ""


def jurisdiction_of(issuer: str, title: str) -> str:
    """ "武昌区人民政府办公室" → 武昌区, "成都市人民政府办公厅" → 成都市; "" when neither names a place."""
    for text in (issuer, title):
        found = places.place_of(text)
        if found:
            return found[0]
    return ""
