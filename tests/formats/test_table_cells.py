"""Real tables reach the table model as cells (tables.lines_from_rows), each cell with its place: a warning
about what a cell holds names the sheet or table, the row and the column."""

from __future__ import annotations

import docx
import openpyxl

from loaders.parse import parse_bytes

HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]
ROWS = [
    ["1", "新建社区养老服务站8个", "市民政局", "市卫生健康委", "2025年10月底"],
    ["2", "改造城区雨污管网20公里", "市住房城乡建设局", "甲乙丙丁", "2025年11月底"],
    ["3", "新增城市公共停车泊位3000个", "市公安局", "市自然资源局", "2025年12月底"],
]
TITLE = "云川市2025年民生实事任务分解表"


def workbook(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务"
    sheet.append([TITLE])
    sheet.merge_cells("A1:E1")
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "cells.xlsx"
    book.save(path)
    return path.read_bytes()


def word(tmp_path):
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for i, row in enumerate([HEADER, *ROWS]):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    path = tmp_path / "cells.docx"
    document.save(path)
    return path.read_bytes()


def test_sheet_cells_keep_sheet_row_and_column(tmp_path):
    parsed = parse_bytes(workbook(tmp_path), "cells.xlsx")
    assert [t.provenance.location for t in parsed.tasks] == [f"工作表“任务”第{n}行第2列" for n in (3, 4, 5)]
    unknown = [w for w in parsed.warnings if "甲乙丙丁" in w]
    assert unknown and all(w.startswith("cells.xlsx:工作表“任务”第4行第4列:") for w in unknown), parsed.warnings
    assert [a.agency.name for a in parsed.tasks[0].assignments] == ["市民政局", "市卫生健康委"]


def test_word_table_cells_keep_table_row_and_column(tmp_path):
    parsed = parse_bytes(word(tmp_path), "cells.docx")
    unknown = [w for w in parsed.warnings if "甲乙丙丁" in w]
    assert unknown and all(w.startswith("cells.docx:表1第3行第4列:") for w in unknown), parsed.warnings
    assert [t.deadline for t in parsed.tasks] == ["2025年10月底", "2025年11月底", "2025年12月底"]
