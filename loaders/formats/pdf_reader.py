"""A text PDF → blocks, with pdfplumber: lines in reading order, ruled tables as tables.

Page furniture is dropped: lines in the top or bottom band of the page that repeat on several pages
(page number blanked) and bare page numbers. A line that runs to the right margin and is followed by
a line that does not start a new item is one paragraph broken by the page width: they are rejoined,
across pages too. A PDF without a text layer (a scan) is refused with a message saying so.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from graph.store import LoadError
from loaders.formats.blocks import Extracted, Paragraph, Table
from loaders.reading import PAGE_NUMBER, normalise

SCANNED = "PDF 没有文字层(可能是扫描件),无法读取文字;请用文字识别(OCR)软件转换,或另存为 .docx 后再导入"
ENCRYPTED = "PDF 已加密(打开需要密码),无法读取文字;请另存为未加密的 .pdf 或 .docx 后再导入"
BAND = 0.09  # top and bottom share of the page where running headers and footers live
# A line starting like this begins an item of its own, even right after a full-width line.
ITEM_START = re.compile(
    r"^\s*(?:\d{1,3}\s*[.、](?!\d)|[一二三四五六七八九十百]+、|\(\s*[一二三四五六七八九十百]+\s*\)|\(\d{1,3}\)"
    r"|[①-⑳]|——|附\s*[件表])"
)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    page_height: float


def read_pdf(data: bytes, source: str) -> Extracted:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        if any(isinstance(a, PDFPasswordIncorrect) for a in e.args):
            raise LoadError(source, None, ENCRYPTED) from e
        raise LoadError(source, None, f"无法打开 PDF 文件(已损坏或不是 PDF:{e})") from e
    except (PDFSyntaxError, ValueError, TypeError) as e:
        raise LoadError(source, None, f"无法打开 PDF 文件(已损坏或不是 PDF:{e})") from e
    try:
        with pdf:
            chars, items = _read_pages(pdf)
    except PdfminerException as e:
        raise LoadError(source, None, f"PDF 文件已损坏,无法读取页面({e})") from e
    if chars == 0:
        raise LoadError(source, None, SCANNED)
    items.sort(key=lambda it: (it[0], it[1]))
    lines = [it[2] for it in items if isinstance(it[2], _Line)]
    furniture = _furniture(lines)
    kept = _join_split_rows([it[2] for it in items if id(it[2]) not in furniture])
    return Extracted(_paragraphs(kept), "pdf")


def _read_pages(pdf) -> tuple[int, list[tuple[int, float, object]]]:
    """(characters on all pages, (page, top, _Line | Table) of every line and ruled table)."""
    items: list[tuple[int, float, object]] = []
    chars = 0
    tables = 0
    for no, page in enumerate(pdf.pages, start=1):
        chars += len(page.chars)
        found = page.find_tables()
        boxes = [t.bbox for t in found]
        for t in found:
            rows = _table_rows(t, page.chars)
            if rows and max(len(r) for r in rows) >= 2:
                tables += 1
                items.append((no, t.bbox[1], Table(rows, f"第{no}页表{tables}")))
            else:
                boxes.remove(t.bbox)
        outside = page.filter(lambda obj, boxes=boxes: not any(_inside(obj, b) for b in boxes))
        for ln in outside.extract_text_lines(return_chars=True, strip=True):
            text = _spaced(ln["chars"]) or ln["text"]
            if text.strip():
                items.append((no, ln["top"], _Line(text, ln["x0"], ln["x1"], ln["top"], ln["bottom"],
                                                   no, float(page.height))))
    return chars, items


_NO_LINE_START = set("（(）)、，,；;：:。.%％")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# One unit name ending a line and another starting the next: a list of units, one a line, not a wrap.
_UNIT_END = re.compile(r"(?:局|委|办|府|会|院|厅|部|中心|集团|公司|队|室|站|所|馆|社|联)$")
_UNIT_START = re.compile(r"^(?:市|区|县|省|州|镇|乡|街道)[\u4e00-\u9fff]{1,12}(?:局|委|办|府|会|院|厅|部|中心|集团|公司|队|室|站|所|馆|社|联)")


def _spaced(chars: list[dict]) -> str:
    """A line's text with its spaces as written. Writers leave spaces out of the text layer and move the
    next character instead: a gap a third of a character wide beyond the line's usual spacing is a space,
    two-thirds or more is a run of spaces (kept as two: cells aligned by spaces in a text copy). Justified
    lines spread every gap alike, so the usual gap is taken off first."""
    visible = sorted((c for c in chars if c["text"].strip()), key=lambda c: c["x0"])
    gaps = [b["x0"] - a["x1"] for a, b in pairwise(visible)]
    usual = sorted(gaps)[len(gaps) // 2] if len(gaps) >= 6 else 0.0  # a short line: its one gap is no spacing
    out = visible[0]["text"] if visible else ""
    for (a, b), gap in zip(pairwise(visible), gaps):
        extra = (gap - max(usual, 0.0)) / max(b["size"], 1.0)
        cjk = bool(_CJK.match(a["text"])) + bool(_CJK.match(b["text"]))
        if extra >= 0.55:
            out += "  "
        elif extra >= (0.2, 0.28, 0.2)[cjk] or not cjk and gap > 0.15 * b["size"]:  # 0.2 em between 12 and 月
            out += " "
        out += b["text"]
    return out


def _table_rows(table, chars: list[dict]) -> list[list[str]]:
    """Cell texts of a ruled table; a cell merged down repeats the text above it, one merged across is ""."""
    inside = [c for c in chars if _inside(c, table.bbox)]
    rows: list[list[str]] = []
    above: dict[int, tuple[tuple, str]] = {}  # column -> (bbox, text) of the last real cell
    for r in table.rows:
        row = []
        for j, bbox in enumerate(r.cells):
            if bbox is not None:
                text = _cell_text([c for c in inside if _inside(c, bbox)], bbox)
                row.append(text)
                above[j] = (bbox, text)
            else:
                prev = above.get(j)
                row.append(prev[1] if prev and prev[0][3] > r.bbox[1] + 1 else "")
        rows.append(row)
    return rows


def _cell_text(chars: list[dict], bbox: tuple) -> str:
    """A cell's lines joined: a line that reaches the cell's right edge was wrapped by the cell width and
    runs on without a break; a shorter one ended where its writer ended it."""
    lines: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and abs(c["top"] - lines[-1][0]["top"]) < 0.5 * c["size"]:
            lines[-1].append(c)
        else:
            lines.append([c])
    if not lines:
        return ""
    pad = max(min(ln[0]["x0"] for ln in lines) - bbox[0], 0)
    out = ""
    for i, ln in enumerate(lines):
        ln.sort(key=lambda c: c["x0"])
        text = ln[0]["text"]
        for a, b in pairwise(ln):
            gap = b["x0"] - a["x1"] > 0.3 * b["size"] and not (_CJK.match(a["text"]) and _CJK.match(b["text"]))
            text += (" " if gap else "") + b["text"]  # justified Chinese is spaced out, not split into words
        if i:
            prev = lines[i - 1]
            # within two characters of the edge: line breaking moves "局、" to the next line together
            wrapped = max(c["x1"] for c in prev) + 2.2 * prev[-1]["size"] >= bbox[2] - pad \
                or text[:1] in _NO_LINE_START  # a line is not begun with these: the cell ran on
            names_meet = _UNIT_END.search(out) and _UNIT_START.match(text)
            out += "" if wrapped and not names_meet else "\n"
        out += text.strip()
    return out


def _join_split_rows(items: list) -> list:
    """A table that goes on over a page break: its header repeated on the new page is dropped, and a
    row broken by the page (first cell empty on the new page) is put back together."""
    out: list = []
    for it in items:
        prev = out[-1] if out else None
        if isinstance(it, Table) and isinstance(prev, Table) and it.rows and prev.rows \
                and len(it.rows[0]) == len(prev.rows[-1]) and it.where.split("表")[0] != prev.where.split("表")[0]:
            rows = it.rows
            if rows[0] == prev.rows[0]:
                rows = rows[1:]  # the header again
            elif not rows[0][0].strip() and any(c.strip() for c in rows[0][1:]):
                prev.rows[-1] = [a + b for a, b in zip(prev.rows[-1], rows[0])]
                rows = rows[1:]
            prev.rows.extend(rows)
            prev.row_numbers = []  # rows now span pages: named by their place in the joined table
            continue
        out.append(it)
    return out


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", normalise(text)))


def _furniture(lines: list[_Line]) -> set[int]:
    """ids of page numbers and running headers/footers."""
    pages = len({ln.page for ln in lines})
    in_band = [ln for ln in lines if ln.top < BAND * ln.page_height or ln.bottom > (1 - BAND) * ln.page_height]
    counts = Counter(_shape(ln.text) for ln in in_band)
    dropped = set()
    for ln in in_band:
        norm = normalise(ln.text.strip())
        if PAGE_NUMBER.match(norm) or (pages >= 2 and counts[_shape(ln.text)] >= max(2, (pages + 1) // 2)):
            dropped.add(id(ln))
    return dropped


_DEADLINE_START = re.compile(r"^(?:\d{4}年|\d{1,2}月|年底|年内|长期|持续)")


_LABEL_START = re.compile(r"^[\u4e00-\u9fff]{2,6}(?:单位|部门|情况|时限|领导|责任人)[:：]")


def _wrap_space(before: str, after: str) -> str:
    """What a wrap at the page width swallowed: a line break falls on a space and the space is not drawn.
    Between two unit names, or before a label, it was one; before a deadline in a row aligned by spaces, a run of them."""
    if "  " in before and _DEADLINE_START.match(after):
        return "  "
    if _UNIT_END.search(before) and _UNIT_START.match(after) or _LABEL_START.match(after) and before[-1:].isalnum():
        return " "  # two unit names, or a label ("配合单位:") after text: a space is what separates them
    return ""


def _paragraphs(items: list) -> list:
    """Rejoin lines broken by the page width; tables stay as they are."""
    text_lines = [it for it in items if isinstance(it, _Line)]
    if not text_lines:
        return [it for it in items if isinstance(it, Table)]
    right = sorted(ln.x1 for ln in text_lines)[int(0.98 * (len(text_lines) - 1))]  # the text width, not a line's
    blocks: list = []
    prev: _Line | None = None
    for it in items:
        if isinstance(it, Table):
            blocks.append(it)
            prev = None
            continue
        char = max(it.bottom - it.top, 4.0)
        if (
            prev is not None
            and prev.x1 >= right - 1.5 * char
            and not ITEM_START.match(normalise(it.text))
            and (it.page != prev.page or it.top - prev.bottom < 1.2 * char)
        ):
            last = blocks[-1]
            last.text += _wrap_space(last.text, it.text.strip()) + it.text.strip()
        else:
            blocks.append(Paragraph(it.text.strip(), f"第{it.page}页"))
        prev = it
    return blocks
