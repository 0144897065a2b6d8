"""督办台账 over a real HTTP server: the file lists exactly what the task list lists, in order, with deadlines
and group marks; deadline filters (逾期 / 到期 / 年份) against a fixed today."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import httpx
import openpyxl
import pytest

HEADERS = ("序号", "任务", "牵头单位", "配合单位", "完成时限", "目标指标", "出处(文件、章节、行)", "进展情况", "备注")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _items(client: httpx.Client, path: str, **params) -> list[dict]:
    body = client.get(path, params={"limit": 1000, **params}).json()
    assert body["total"] == len(body["items"]), "more than one page: raise the limit"
    return body["items"]


def _sheet_rows(content: bytes) -> tuple[openpyxl.Workbook, list[tuple]]:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    rows = [r for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
    return wb, rows


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _check_rows(rows: list, items: list[dict]) -> None:
    """Row n of the ledger is item n of the list: text, units, deadline, group mark, blank columns."""
    assert len(rows) == len(items)
    for n, (row, item) in enumerate(zip(rows, items), 1):
        number, text, leads, supports, deadline, _indicators, source, progress, remark = (c or "" for c in row)
        assert str(number) == str(n)
        assert item["text"] in text
        mark = f"（经由 {item['via']}）" if item["via"] else None
        assert leads.split("\n")[0] == "、".join(item["leads"]) or (leads == mark and not item["leads"])
        assert supports.split("\n")[0] == "、".join(item["supports"]) or (supports == mark and not item["supports"])
        if mark:
            assert mark in (leads if item["role"] == "lead" else supports)
        else:
            assert "经由" not in leads + supports
        assert (item["deadline"] or "") in deadline and (item["due"] or "") in deadline
        assert item["source"] in source and f"第{item['line_start']}行" in source
        assert (progress, remark) == ("", "")


def _page_order(client: httpx.Client, unit: str, **params) -> list[dict]:
    """The unit page's order: its 牵头 tab, its 配合 tab, then the tasks reached only through a group."""
    lead, support, every = (_items(client, f"/agencies/{unit}/tasks", role=role, **params)
                            for role in ("lead", "support", "any"))
    return [t for t in lead + support if not t["via"]] + [t for t in every if t["via"]]


def test_unit_ledger_xlsx_lists_the_unit_page(api: httpx.Client) -> None:
    items = _page_order(api, "市卫健委")
    assert {i["id"] for i in items} == {i["id"] for i in _items(api, "/agencies/市卫健委/tasks")}
    assert any(i["via"] for i in items) and any(i["due"] for i in items), "the sample must exercise both marks"
    r = api.get("/agencies/市卫健委/ledger.xlsx")
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert unquote(r.headers["content-disposition"]).endswith("市卫健委督办台账.xlsx")
    wb, rows = _sheet_rows(r.content)
    assert len(wb.worksheets) == 1 and rows[0] == HEADERS
    _check_rows(rows[1:], items)
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws.cell(2, 2).alignment.wrap_text
    assert ws.column_dimensions["B"].width > 40
    longest = max(range(2, ws.max_row + 1), key=lambda r: len(ws.cell(r, 2).value))
    assert ws.row_dimensions[longest].height > 3 * 14, "a long task's row is tall enough to print in full"
    assert "市卫健委督办台账" in ws.oddHeader.center.text


def test_unit_ledger_csv_and_role(api: httpx.Client) -> None:
    items = _items(api, "/agencies/市卫健委/tasks", role="lead")
    r = api.get("/agencies/市卫健委/ledger.csv", params={"role": "lead"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = _csv_rows(r.content)
    assert tuple(rows[0]) == HEADERS
    direct = [i for i in items if not i["via"]]
    _check_rows(rows[1:], direct + [i for i in items if i["via"]])
    assert 0 < len(items) < len(_items(api, "/agencies/市卫健委/tasks"))


def test_unit_ledger_of_one_document_and_a_unit_listed_twice(api: httpx.Client) -> None:
    items = [i for i in _page_order(api, "市卫健委") if i["source"].startswith("003")]
    rows = _csv_rows(api.get("/agencies/市卫健委/ledger.csv", params={"document": "003"}).content)
    assert items and len(items) < len(_page_order(api, "市卫健委"))
    _check_rows(rows[1:], items)
    # 003 item 3 names 市财政局 as 牵头单位 and 市人民政府各部门 (its group) as 责任单位: one line, as its lead
    items = _page_order(api, "市财政局")
    assert len(items) == len({i["id"] for i in items})
    rows = _csv_rows(api.get("/agencies/市财政局/ledger.csv").content)
    _check_rows(rows[1:], items)


def test_district_ledger_xlsx_and_csv(api: httpx.Client) -> None:
    items = _items(api, "/districts/江岸区/tasks")
    assert any(i["via"] for i in items) and any(not i["via"] for i in items)
    _, rows = _sheet_rows(api.get("/districts/江岸区/ledger.xlsx").content)
    assert rows[0] == HEADERS
    _check_rows(rows[1:], items)
    rows = _csv_rows(api.get("/districts/江岸区/ledger.csv").content)
    _check_rows(rows[1:], items)


def test_ledger_one_sheet_per_document(api: httpx.Client) -> None:
    items = _items(api, "/agencies/市卫健委/tasks")
    wb, _ = _sheet_rows(api.get("/agencies/市卫健委/ledger.xlsx", params={"sheets": "document"}).content)
    sources = list(dict.fromkeys(i["source"] for i in items))
    assert len(wb.worksheets) == len(sources) > 1
    one_sheet = _sheet_rows(api.get("/agencies/市卫健委/ledger.xlsx").content)[1][1:]
    for ws, source in zip(wb.worksheets, sources):
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0] == HEADERS and [r[0] for r in rows[1:]] == list(range(1, len(rows)))
        assert [r[1:] for r in rows[1:]] == [r[1:] for r in one_sheet if source in r[6]]  # the same lines, in order


def test_document_and_search_ledgers(api: httpx.Client) -> None:
    items = _items(api, "/tasks", source="003", q="托育")
    rows = _csv_rows(api.get("/tasks/ledger.csv", params={"source": "003", "q": "托育"}).content)
    assert items and tuple(rows[0]) == HEADERS
    _check_rows(rows[1:], items)
    doc = next(d for d in api.get("/documents").json()["items"] if d["source"].startswith("004"))
    _, rows = _sheet_rows(api.get(f"/documents/{doc['id']}/ledger.xlsx").content)
    assert len(rows) - 1 == doc["tasks"]
    assert api.get("/documents/no-such-doc/ledger.xlsx").status_code == 404
    assert api.get("/agencies/不存在的单位/ledger.xlsx").status_code == 404
    assert api.get("/agencies/市卫健委/ledger.pdf").status_code == 422


def test_workload_lists_every_unit_with_overdue(api: httpx.Client) -> None:
    body = api.get("/workload", params={"limit": 1000, "today": "2026-01-01"}).json()
    assert body["total"] == len(body["items"]) > 15
    wjw = next(u for u in body["items"] if u["name"] == "市卫健委")
    direct = [i for i in _items(api, "/agencies/市卫健委/tasks", overdue="true", today="2026-01-01") if not i["via"]]
    assert wjw["overdue"] == len(direct) > 0
    assert next(u for u in api.get("/workload", params={"limit": 1000, "today": "2020-01-01"}).json()["items"]
                if u["name"] == "市卫健委")["overdue"] == 0
    _, rows = _sheet_rows(api.get("/workload.xlsx", params={"today": "2026-01-01"}).content)
    assert rows[0] == ("序号", "单位", "类型", "辖区", "牵头", "配合", "合计", "逾期")
    assert [r[1] for r in rows[1:]] == [u["name"] for u in body["items"]]
    assert rows[1 + [u["name"] for u in body["items"]].index("市卫健委")][2:] == ("部门", "武汉市", 15, 6, 21, wjw["overdue"])
    assert _csv_rows(api.get("/workload.csv").content)[0][1] == "单位"


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"q": "卫健"}, ["市卫健委", "武昌区卫健局"]),  # 合计 21, 8
        ({"q": "卫健", "sort": "lead", "order": "asc"}, ["武昌区卫健局", "市卫健委"]),
        ({"q": "发改", "sort": "support"}, ["市发改委", "武昌区发改局"]),
        ({"q": "卫健", "sort": "name"}, ["市卫健委", "武昌区卫健局"]),  # shi < wu
        ({"q": "卫健", "sort": "name", "order": "desc"}, ["武昌区卫健局", "市卫健委"]),
        ({"q": "火星"}, []),
    ],
)
def test_workload_filter_and_order_are_the_files(api: httpx.Client, params: dict, names: list[str]) -> None:
    listed = [u["name"] for u in api.get("/workload", params={"limit": 1000, **params}).json()["items"]]
    assert listed == names
    assert [r[1] for r in _csv_rows(api.get("/workload.csv", params=params).content)[1:]] == names


def test_workload_sorts_every_column(api: httpx.Client) -> None:
    every = api.get("/workload", params={"limit": 1000}).json()["items"]
    assert [u["name"] for u in every][:2] == ["各区人民政府", "市发改委"]  # 合计 95, 41 (see the home page)
    for key in ("lead", "support", "total", "overdue"):
        rows = api.get("/workload", params={"limit": 1000, "sort": key, "order": "asc"}).json()["items"]
        assert [u[key] for u in rows] == sorted(u[key] for u in every)
    names = [u["name"] for u in api.get("/workload", params={"limit": 1000, "sort": "name"}).json()["items"]]
    assert names[:3] == ["滨江商务区管委会", "蔡甸区人民政府", "长江新区管委会"]  # bin, cai, chang
    assert api.get("/workload", params={"sort": "bogus"}).status_code == 422


# ---- deadline filters on a document whose 完成时限 column holds one form per row (tests/api/data)

TODAY = "2024-07-01"


@pytest.fixture(scope="module")
def dl(deadlines_server) -> httpx.Client:
    with httpx.Client(base_url=deadlines_server.url, timeout=30) as client:
        yield client


def _numbers(client: httpx.Client, path: str = "/tasks", **params) -> list[str]:
    return [t["number"] for t in _items(client, path, **{"today": TODAY, **params})]


def test_task_lists_carry_deadline_and_due(dl: httpx.Client) -> None:
    got = {t["number"]: (t["deadline"], t["due"], t["due_start"], t["due_kind"]) for t in _items(dl, "/tasks")}
    assert got == {
        "1": ("2024年6月底前", "2024-06-30", None, "date"),
        "2": ("2024年第三季度", "2024-09-30", "2024-07-01", "range"),
        "3": ("年底前", "2024-12-31", None, "date"),
        "4": ("长期坚持", None, None, "ongoing"),
        "5": ("2025年3月", "2025-03-31", "2025-03-01", "range"),
        "6": ("每季度", None, None, "recurring"),
        "7": ("2023—2025年", "2025-12-31", "2023-01-01", "range"),
        "8": ("次年6月底前", "2025-06-30", None, "date"),
        "9": ("2024年10月底前", "2024-10-31", None, "date"),
    }
    export = [line for line in dl.get("/export.jsonl").text.splitlines() if '"kind": "task"' in line]
    assert any('"deadline": "次年6月底前", "due": "2025-06-30"' in line for line in export)


@pytest.mark.parametrize(
    "params, numbers",
    [
        ({"overdue": "true"}, ["1"]),
        ({"due_within": 91}, ["2"]),  # 2024-07-01 … 2024-09-30
        ({"due_within": 90}, []),
        ({"due_within": 122}, ["2", "9"]),  # … 2024-10-31
        ({"year": 2025}, ["5", "7", "8"]),
        ({"year": 2024}, ["1", "2", "3", "9"]),
        ({"year": 2024, "overdue": "true"}, ["1"]),
        ({"due_within": 0}, []),
        ({}, ["1", "2", "3", "4", "5", "6", "7", "8", "9"]),
    ],
)
def test_due_filters(dl: httpx.Client, params: dict, numbers: list[str]) -> None:
    assert _numbers(dl, **params) == numbers


def test_due_filters_on_unit_and_district_lists_and_ledgers(dl: httpx.Client) -> None:
    assert _numbers(dl, "/agencies/市卫健委/tasks") == ["2", "4", "7"]
    assert _numbers(dl, "/agencies/市卫健委/tasks", due_within=91) == ["2"]
    assert _numbers(dl, "/agencies/市卫健委/tasks", overdue="true", today="2026-01-01") == ["2", "7"]
    _, rows = _sheet_rows(dl.get("/agencies/市卫健委/ledger.xlsx", params={"year": 2025, "today": TODAY}).content)
    assert [r[1] for r in rows[1:]] == ["推进县域医共体建设"]
    assert rows[1][4] == "2023—2025年\n（截止 2025-12-31）"


# 000 as printed: 附件1 rows 江岸区 supports through 各区人民政府 that say "到2025年" (not 12, 13, 23), and
# 附件2's 江岸区 rows 3, 4, 5 ("2.2022年，新改扩建…", "2022年，扶持创业…", "…工程，2022年，帮扶…").
VIA_2025 = {"1", "7", "8", "9", "10", "11", "14", "15", "16", "17", "18", "21", "22", "24", "25"}
OWN_2022 = {"3", "4", "5"}


def test_due_filters_on_a_district_and_its_ledger(api: httpx.Client) -> None:
    def dated(today: str, **params) -> tuple[set, set]:
        rows = [i for i in _items(api, "/districts/江岸区/tasks", today=today, **params) if i["source"].startswith("000")]
        return {i["number"] for i in rows if i["via"]}, {i["number"] for i in rows if not i["via"]}

    assert dated("2026-01-01", overdue="true") == (VIA_2025, OWN_2022)
    assert dated("2023-01-01", overdue="true") == (set(), OWN_2022)
    assert dated("2022-12-31", overdue="true") == (set(), set())
    assert dated("2025-01-01", due_within=365) == (VIA_2025, set())
    assert dated("2025-01-01", year=2022) == (set(), OWN_2022)
    overdue = _items(api, "/districts/江岸区/tasks", overdue="true", today="2026-01-01")
    assert len(overdue) == len(VIA_2025) + len(OWN_2022)
    rows = _csv_rows(api.get("/districts/江岸区/ledger.csv", params={"overdue": "true", "today": "2026-01-01"}).content)
    _check_rows(rows[1:], overdue)
    assert sorted({r[4] for r in rows[1:]}) == ["2022年\n（截止 2022-12-31）", "到2025年\n（截止 2025-12-31）"]


def test_bad_filter_values_are_refused_in_chinese(dl: httpx.Client) -> None:
    r = dl.get("/tasks", params={"today": "2024-13-01"})
    assert r.status_code == 422 and "请求参数无效" in r.json()["detail"]
    r = dl.get("/tasks", params={"today": "0001-01-01", "overdue": "true"})
    assert r.status_code == 400 and "日期超出范围" in r.json()["detail"]
