"""Excel workbooks → blocks: every sheet one table, merged cells filled, values printed as a person reads them.

.xlsx with openpyxl (merged ranges known), .xls with python-calamine (values only). Title rows above
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
        for merged in sheet.merged_cells.ranges:
            top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else ""
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = top
        blocks.append(_table(grid, sheet.title))
    return Extracted([b for b in blocks if b.rows], "xlsx")


def read_xls(data: bytes, source: str) -> Extracted:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names]
    except (CalamineError, ValueError, OSError) as e:
        raise LoadError(source, None, f"无法打开 Excel 文件(.xls 已损坏或不是 Excel 文件:{e})") from e
    blocks = [_table([[cell_text(v) for v in row] for row in rows], name) for name, rows in sheets]
    return Extracted([b for b in blocks if b.rows], "xls")


def _table(grid: list[list[str]], sheet: str) -> Table:
    """Drop empty rows and trailing empty columns; keep each row's number in the sheet."""
    numbered = [(i + 1, row) for i, row in enumerate(grid) if any(row)]
    width = max((max((j + 1 for j, c in enumerate(row) if c), default=0) for _, row in numbered), default=0)
    return Table([row[:width] for _, row in numbered], f"工作表“{sheet}”", [i for i, _ in numbered])
