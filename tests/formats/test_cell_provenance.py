"""Every unit keeps the cell it was printed in: a table document loaded into the real store gives each
LEADS/SUPPORTS edge the sheet or table, row and column of its unit; a text document's edges carry none."""

from __future__ import annotations

import docx
import openpyxl

from graph.catalogue import Catalogue
from graph.settings import Settings
from loaders.pipeline import load_bytes

TITLE = "云川市2025年民生实事任务分解表"
EDGES = """
MATCH (a:Agency)-[r:LEADS|SUPPORTS]->(t:Task)
RETURN t.number AS number, type(r) AS role, r.written AS written, r.location AS location
ORDER BY number, role, written
"""


def load(store, data: bytes, source: str) -> None:
    result = load_bytes(store=store, data=data, source=source)
    assert result.status == "loaded", result.error


def edges(store) -> list[tuple]:
    return [(r["number"], r["role"], r["written"], r["location"]) for r in store.read(EDGES)]


def test_sheet_units_keep_their_cells(store, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务"
    sheet.append([TITLE])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "工作任务", "牵头单位", "配合单位", "完成时限"])
    sheet.append(["1", "新建社区养老服务站8个", "市民政局", "市卫生健康委、市医保局", "2025年10月底"])
    sheet.append(["2", "改造城区雨污管网20公里", "市住房城乡建设局", "市水务局", "2025年11月底"])
    book.save(tmp_path / "cells.xlsx")
    load(store, (tmp_path / "cells.xlsx").read_bytes(), "cells.xlsx")
    assert edges(store) == [
        ("1", "LEADS", "市民政局", "工作表“任务”第3行第3列"),
        ("1", "SUPPORTS", "市医保局", "工作表“任务”第3行第4列"),
        ("1", "SUPPORTS", "市卫生健康委", "工作表“任务”第3行第4列"),
        ("2", "LEADS", "市住房城乡建设局", "工作表“任务”第4行第3列"),
        ("2", "SUPPORTS", "市水务局", "工作表“任务”第4行第4列"),
    ]
    tasks = store.read("MATCH (t:Task) RETURN t.location AS location ORDER BY t.number")
    assert [r["location"] for r in tasks] == ["工作表“任务”第3行第2列", "工作表“任务”第4行第2列"]


def test_word_table_units_keep_their_cells_and_the_task_detail_shows_them(store, tmp_path):
    document = docx.Document()
    document.add_paragraph(TITLE)
    rows = [
        ["序号", "工作任务", "完成时限", "牵头单位", "配合单位"],
        ["1", "新增城市公共停车泊位3000个", "2025年12月底", "市公安局", "市自然资源局"],
        ["2", "建设口袋公园10个", "2025年9月底", "市园林局", "市财政局、市自然资源局"],
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    document.save(tmp_path / "cells.docx")
    load(store, (tmp_path / "cells.docx").read_bytes(), "cells.docx")
    assert edges(store) == [
        ("1", "LEADS", "市公安局", "表1第2行第4列"),
        ("1", "SUPPORTS", "市自然资源局", "表1第2行第5列"),
        ("2", "LEADS", "市园林局", "表1第3行第4列"),
        ("2", "SUPPORTS", "市自然资源局", "表1第3行第5列"),
        ("2", "SUPPORTS", "市财政局", "表1第3行第5列"),
    ]
    query = Catalogue.load(Settings().dutygraph_queries).get("task_detail").text_for(store.backend)
    tid = store.read("MATCH (t:Task {number: '2'}) RETURN t.id AS id")[0]["id"]
    detail = store.read(query, {"id": tid})[0]
    assert [(a["written"], a["location"]) for a in detail["lead_agencies"]] == [("市园林局", "表1第3行第4列")]
    assert [(a["written"], a["location"]) for a in detail["support_agencies"]] == [
        ("市财政局", "表1第3行第5列"), ("市自然资源局", "表1第3行第5列")]
    assert detail["provenance"]["location"] == "表1第3行第2列"


def test_text_units_carry_no_location(store):
    text = (f"{TITLE}\n序号\t工作任务\t牵头单位\t配合单位\n"
            "1\t新建社区养老服务站8个\t市民政局\t市卫生健康委\n").encode()
    load(store, text, "cells.txt")
    assert [e[3] for e in edges(store)] == [None, None]
