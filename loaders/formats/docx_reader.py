"""A .docx file → blocks, with python-docx: body paragraphs and tables in order, headers/footers dropped.

Automatic numbering is put back in front of each paragraph's text (see `numbering`), merged cells
repeat their text down the rows they span, nested tables become text inside their cell.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable

from graph.store import LoadError
from loaders.formats.blocks import Extracted, Paragraph, Table, clean_cell
from loaders.formats.numbering import Numbering

P, TBL, SDT = qn("w:p"), qn("w:tbl"), qn("w:sdt")


def read_docx(data: bytes, source: str) -> Extracted:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise LoadError(source, None, f"无法打开 Word 文件(.docx 已损坏或不是 Word 文件:{e})") from e
    reader = _Reader(document)
    reader.walk(document.element.body)
    return Extracted(reader.blocks, "docx")


class _Reader:
    def __init__(self, document) -> None:
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering = None
        self.numbering = Numbering(numbering)
        self.styles = {s.style_id: s for s in document.styles if s.type == 1}  # paragraph styles
        self.document = document
        self.blocks: list = []
        self.paragraphs = 0
        self.tables = 0

    def walk(self, parent) -> None:
        for child in parent.iterchildren():
            if child.tag == P:
                text = self.paragraph_text(child)
                if text.strip():
                    self.paragraphs += 1
                    self.blocks.append(Paragraph(text, f"第{self.paragraphs}段"))
            elif child.tag == TBL:
                self.tables += 1
                rows = self.table_rows(child)
                self.blocks.append(Table(rows, f"表{self.tables}"))
            elif child.tag == SDT:
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.walk(content)

    def paragraph_text(self, p) -> str:
        text = "".join(_run_texts(p))
        label = self.label(p)
        return label + text.lstrip() if label and text.strip() else text

    def label(self, p) -> str:
        num_id, ilvl = _num_pr(p.find(qn("w:pPr")))
        if num_id is None:
            style_id = _val(p.find(qn("w:pPr")), "w:pStyle")
            seen = set()
            while style_id and style_id in self.styles and style_id not in seen and num_id is None:
                seen.add(style_id)
                style = self.styles[style_id].element
                num_id, style_ilvl = _num_pr(style.find(qn("w:pPr")))
                ilvl = ilvl if ilvl is not None else style_ilvl
                style_id = _val(style, "w:basedOn")
        if num_id is None:
            return ""
        return self.numbering.label(num_id, ilvl or 0)

    def table_rows(self, tbl) -> list[list[str]]:
        table = DocxTable(tbl, self.document._body)
        rows = []
        for row in table.rows:
            seen: set[int] = set()
            cells = []
            for cell in row.cells:
                key = id(cell._tc)
                cells.append("" if key in seen else self.cell_text(cell._tc))
                seen.add(key)
            if len(seen) == 1 and len(cells) > 1:
                cells = [cells[0]] * len(cells)  # one cell spanning the row: a category or title row
            rows.append(cells)
        return rows

    def cell_text(self, tc) -> str:
        parts = []
        for child in tc.iterchildren():
            if child.tag == P:
                parts.append(self.paragraph_text(child))
            elif child.tag == TBL:
                for row in self.table_rows(child):
                    parts.append(" ".join(clean_cell(c) for c in row if c))
        return "\n".join(p for p in parts if p.strip())


def _run_texts(p):
    """The visible text of a paragraph: runs, tabs, breaks; deleted revisions and field codes left out."""
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:delText"), qn("w:instrText")):
        if el.tag == qn("w:t"):
            yield el.text or ""
        elif el.tag == qn("w:tab"):
            if el.getparent().tag == qn("w:r"):
                yield "\t"  # a tab in the text is a cell break, as in a .txt
        elif el.tag in (qn("w:br"), qn("w:cr")):
            yield "\n"


def _val(parent, tag: str) -> str | None:
    child = parent.find(qn(tag)) if parent is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _num_pr(ppr) -> tuple[str | None, int | None]:
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if num_pr is None:
        return None, None
    ilvl = _val(num_pr, "w:ilvl")
    return _val(num_pr, "w:numId"), int(ilvl) if ilvl is not None else None
