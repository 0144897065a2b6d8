"""Excel workbooks → blocks: every sheet one table, merged cells filled, values printed as a person reads them.

.xlsx with openpyxl, .xls with python-calamine; both fill merged ranges; hidden sheets are left out. Title rows above
the header stay rows of the table; the renderer turns a row of one value into a line of its own, so the
grammar finds the header row wherever it is.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from graph.store import LoadError
from loaders.formats.blocks import Extracted, Table


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and (value.hour, value.minute, value.second) == (0, 0, 0):
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()


def read_xlsx(data: bytes, source: str) -> Extracted:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise LoadError(source, None, f"无法打开 Excel 文件(.xlsx 已损坏或不是 Excel 文件:{e})") from e
    blocks = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        grid = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        _fill_merged(grid, [((m.min_row - 1, m.min_col - 1), (m.max_row - 1, m.max_col - 1))
                            for m in sheet.merged_cells.ranges])
        blocks.append(_table(grid, sheet.title))
    return Extracted([b for b in blocks if b.rows], "xlsx")


def read_xls(data: bytes, source: str) -> Extracted:
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    blocks = []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in book.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            grid = [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            _fill_merged(grid, sheet.merged_cell_ranges or [])
            blocks.append(_table(grid, meta.name))
    except (CalamineError, ValueError, OSError) as e:
        raise LoadError(source, None, f"无法打开 Excel 文件(.xls 已损坏或不是 Excel 文件:{e})") from e
    return Extracted([b for b in blocks if b.rows], "xls")


def _fill_merged(grid: list[list[str]], ranges) -> None:
    """Every cell of a merged range holds the range's value (0-based inclusive ((row, col), (row, col)))."""
    for (r0, c0), (r1, c1) in ranges:
        top = grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1 + 1, len(grid))):
            for c in range(c0, min(c1 + 1, len(grid[r]))):
                grid[r][c] = top


def _table(grid: list[list[str]], sheet: str) -> Table:
    """Drop empty rows and trailing empty columns; keep each row's number in the sheet."""
    numbered = [(i + 1, row) for i, row in enumerate(grid) if any(row)]
    width = max((max((j + 1 for j, c in enumerate(row) if c), default=0) for _, row in numbered), default=0)
    return Table([row[:width] for _, row in numbered], f"工作表“{sheet}”", [i for i, _ in numbered])
