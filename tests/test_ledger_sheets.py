"""graph.ledger's layout rules that Excel enforces or print needs: sheet names, row heights, cells."""

from __future__ import annotations

import io

import openpyxl
import pytest

from graph.ledger import indicators_cell, ledger_sheets, row_height, write_xlsx

LONG = "武汉市人民政府关于印发2023年政府工作报告目标任务责任分解方案的通知"


def _task(doc: str, n: int) -> dict:
    return {"id": f"t{n}", "text": f"任务{n}", "doc_id": doc, "source": f"{doc}.txt", "leads": ["市甲局"],
            "supports": [], "line_start": n, "section": ["一、重点"], "indicators": []}


@pytest.mark.parametrize(
    "titles, names",
    [
        ([LONG, LONG + "（下）"], [LONG[:31], LONG[:28] + "(2)"]),
        (["a/b:c*d?[e]", "History"], ["a_b_c_d__e_", "台账 History"]),
        (["", ""], ["d1", "d2"]),
    ],
)
def test_sheet_names_follow_excels_rules(titles: list[str], names: list[str]) -> None:
    documents = {f"d{i}": {"id": f"d{i}", "title": t, "source": ""} for i, t in enumerate(titles, 1)}
    tasks = [_task("d1", 1), _task("d2", 2), _task("d1", 3)]
    book = write_xlsx(ledger_sheets(tasks, documents, sheets="document"), title="x")
    wb = openpyxl.load_workbook(io.BytesIO(book))
    assert wb.sheetnames == names
    assert [[r[0] for r in ws.iter_rows(min_row=2, values_only=True)] for ws in wb.worksheets] == [[1, 2], [1]]


def test_row_height_grows_with_wrapped_lines() -> None:
    widths = (5, 11)  # 10 ASCII characters or 5 CJK ones per line
    one = row_height([1, "abcdefghij"], widths)
    assert row_height([1, "abcdefghijk"], widths) == row_height([1, "甲乙丙丁戊己"], widths) > one
    assert row_height([1, "a\nb\nc"], widths) > row_height([1, "a\nb"], widths)
    assert row_height([1, "字" * 100000], widths) == 409


def test_indicator_cell() -> None:
    assert indicators_cell([
        {"name": "托位总数", "target": 4.0, "unit": "万个", "comparator": ">="},
        {"name": "覆盖率", "target": 100.0, "unit": "%", "comparator": "="},
        {"name": None, "target": None, "text": "完成市下达目标"},
    ]) == "托位总数≥4万个\n覆盖率100%\n完成市下达目标"
