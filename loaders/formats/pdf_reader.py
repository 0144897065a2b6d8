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

from graph.store import LoadError
from loaders.formats.blocks import Extracted, Paragraph, Table
from loaders.reading import PAGE_NUMBER, normalise

SCANNED = "PDF 没有文字层(可能是扫描件),无法读取文字;请用文字识别(OCR)软件转换,或另存为 .docx 后再导入"
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
    from pdfminer.pdfparser import PDFSyntaxError

    items: list[tuple[int, float, object]] = []  # (page, top, _Line | Table)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, ValueError, TypeError) as e:
        raise LoadError(source, None, f"无法打开 PDF 文件(已损坏或不是 PDF:{e})") from e
    with pdf:
        if pdf.metadata.get("Encrypt") if isinstance(pdf.metadata, dict) else False:
            raise LoadError(source, None, "PDF 已加密,无法读取;请另存为未加密的 .pdf 或 .docx 后再导入")
        chars = 0
        tables = 0
        for no, page in enumerate(pdf.pages, start=1):
            chars += len(page.chars)
            found = page.find_tables()
            boxes = [t.bbox for t in found]
            for t in found:
                rows = [[_unwrap(c or "") for c in row] for row in t.extract()]
                if rows and max(len(r) for r in rows) >= 2:
                    tables += 1
                    items.append((no, t.bbox[1], Table(rows, f"第{no}页表{tables}")))
                else:
                    boxes.remove(t.bbox)
            outside = page.filter(lambda obj, boxes=boxes: not any(_inside(obj, b) for b in boxes))
            for ln in outside.extract_text_lines(return_chars=False, strip=True):
                if ln["text"].strip():
                    items.append((no, ln["top"], _Line(ln["text"], ln["x0"], ln["x1"], ln["top"], ln["bottom"],
                                                       no, float(page.height))))
    if chars == 0:
        raise LoadError(source, None, SCANNED)
    items.sort(key=lambda it: (it[0], it[1]))
    lines = [it[2] for it in items if isinstance(it[2], _Line)]
    furniture = _furniture(lines)
    return Extracted(_paragraphs([it[2] for it in items if id(it[2]) not in furniture]), "pdf")


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _unwrap(cell: str) -> str:
    """A cell's lines: a line as wide as the widest was wrapped by the cell width and runs on without a
    break; a shorter one ended where its writer ended it."""
    lines = [ln.strip() for ln in cell.split("\n") if ln.strip()]
    full = max((_width(ln) for ln in lines), default=0) - 2
    out = ""
    for i, ln in enumerate(lines):
        out += ln if i == 0 or _width(lines[i - 1]) >= full else "\n" + ln
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


def _paragraphs(items: list) -> list:
    """Rejoin lines broken by the page width; tables stay as they are."""
    text_lines = [it for it in items if isinstance(it, _Line)]
    if not text_lines:
        return [it for it in items if isinstance(it, Table)]
    right = sorted(ln.x1 for ln in text_lines)[int(0.9 * (len(text_lines) - 1))]
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
            last.text += it.text.strip()
        else:
            blocks.append(Paragraph(it.text.strip(), f"第{it.page}页"))
        prev = it
    return blocks
