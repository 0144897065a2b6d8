"""What every format reader produces: paragraphs and tables in document order, each with its place.

`render` turns blocks into the text the grammar reads today (one paragraph a line, one table row a
tab-separated line) and remembers, for every line of that text, where in the original file it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str
    where: str  # "第3段" / "第2页" / "第5行"


@dataclass
class Table:
    rows: list[list[str]]
    where: str  # "表1" / "工作表“任务”"
    row_numbers: list[int] = field(default_factory=list)  # original 1-based row of each row (default 1..n)

    def row_where(self, i: int) -> str:
        no = self.row_numbers[i] if i < len(self.row_numbers) else i + 1
        return f"{self.where}第{no}行"


Block = Paragraph | Table


@dataclass
class Extracted:
    """A document read by a format reader: blocks, what was noticed, and the format's name."""

    blocks: list[Block]
    format: str  # "docx" / "pdf" / …
    warnings: list[str] = field(default_factory=list)


@dataclass
class Rendered:
    text: str
    locations: list[str]  # locations[i] is where line i+1 of `text` came from
    rows: dict[int, list[str]] = field(default_factory=dict)  # line no → the table row's cells printed there
    columns: dict[int, list[str]] = field(default_factory=dict)  # line no → each cell's place (…第3行第2列)

    def cells_holding(self, line_no: int, text: str) -> list[str]:
        """The places of the cells of line `line_no` holding `text`, in column order."""
        cells = zip(self.rows.get(line_no, []), self.columns.get(line_no, []))
        return [place for cell, place in cells if text and text in cell]

    def cell_where(self, line_no: int, text: str) -> str:
        """The place of the cell of line `line_no` holding `text` (the row's place if no cell holds it)."""
        for place in self.cells_holding(line_no, text):
            return place
        return self.locations[line_no - 1] if 0 < line_no <= len(self.locations) else ""


def clean_cell(cell: str) -> str:
    """A cell's line breaks: nothing after punctuation, else a space (it may separate unit names)."""
    pieces = [p.strip() for p in re.split(r"[\r\n\t\v]+", cell or "") if p.strip()]
    out = pieces[0] if pieces else ""
    for piece in pieces[1:]:
        out += piece if out[-1] in ",，、;；。:：" else " " + piece
    return out.replace("\u00a0", " ")


def render(extracted: Extracted) -> Rendered:
    lines: list[str] = []
    locations: list[str] = []
    table_rows: dict[int, list[str]] = {}
    columns: dict[int, list[str]] = {}

    def emit(text: str, where: str) -> None:
        lines.append(text)
        locations.append(where)

    for block in extracted.blocks:
        if isinstance(block, Paragraph):
            for piece in re.split(r"[\r\n\v]+", block.text):
                if piece.strip():  # tabs are cells: a leading one is an empty first cell, as in a .txt
                    emit(piece.strip(" \u3000") if "\t" in piece else piece.strip(), block.where)
            continue
        rows = [[clean_cell(c) for c in row] for row in block.rows]
        width = max((len(r) for r in rows), default=0)
        if width <= 1 or all(len({c for c in r if c}) <= 1 for r in rows):
            # A layout table (one column, or every row one merged cell): its cells are paragraphs.
            for i, row in enumerate(rows):
                text = next((c for c in row if c), "")
                if text:
                    emit(text, block.row_where(i))
            continue
        emit("", block.where)
        for i, row in enumerate(rows):
            filled = [c for c in row if c]
            if not filled:
                continue
            if len(set(filled)) == 1 and len(filled) > 1 or len(filled) == 1 and row[0] == filled[0]:
                emit(filled[0], block.row_where(i))  # a category or title row spanning the table
            else:
                emit("\t".join(row), block.row_where(i))
                table_rows[len(lines)] = row
                columns[len(lines)] = [f"{block.row_where(i)}第{j + 1}列" for j in range(len(row))]
        emit("", block.where)
    return Rendered("\n".join(lines) + "\n", locations, table_rows, columns)
