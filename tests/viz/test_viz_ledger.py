"""导出台账 and the deadline filters in the browser: the file the button downloads holds the rows the page
lists, with the page's filters. Expected deadlines are read off the samples (see the comments)."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect
from test_viz_pages import LEAD_NUMBERS, SUPPORT_NUMBERS, press_print

pytestmark = pytest.mark.browser

HEADERS = ["序号", "任务", "牵头单位", "配合单位", "完成时限", "目标指标", "出处(文件、章节、行)", "进展情况", "备注"]
# 000 附件1 rows of 市卫健委 whose text sets a 2025 date ("到2025年" / "到 2025 年"): leads 1, 10, 11, 14;
# supports 9, 15, 25 (row 3 has none). 003's items for 市卫健委 print no deadline.
DUE_2025_LEAD = ["1", "10", "11", "14"]
DUE_2025_SUPPORT = ["15", "25", "9"]


def page_tasks(page) -> list[dict]:
    """Every task the page lists (both tabs, direct and through a group), in the printed order, from the print view:
    its full text, the 完成时限 printed, the group it comes through. A unit page fills it when 打印 is pressed."""
    if "/ui/agency/" in page.url:
        press_print(page)
    rows = page.locator("#print-view li[data-task-id]").evaluate_all(
        """els => els.map(e => ({id: e.dataset.taskId, text: e.querySelector('.full-text').textContent,
                                 meta: e.querySelector('.print-meta').textContent}))""")
    for r in rows:
        r["deadline"] = re.search(r"完成时限：([^\s（]*)", r["meta"]).group(1).replace("—", "")
        via = re.search(r"（经由(.+?)）", r["meta"])
        r["via"] = via.group(1) if via else None
    return rows


def download(page, selector: str = "#ledger") -> bytes:
    with page.expect_download() as dl:
        page.click(selector)
    return dl.value.path().read_bytes()


def xlsx_rows(data: bytes) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def body(rows: list[list]) -> list[list]:
    """The task lines of a sheet: after the header row, numbered in 序号."""
    start = next(i for i, r in enumerate(rows) if r[:2] == HEADERS[:2]) + 1
    return [r for r in rows[start:] if r and isinstance(r[0], int)]


def same_tasks(ledger_texts: list[str], shown: list[dict]) -> None:
    """Each ledger line is one listed task: its text ends the page's full text (after number and title)."""
    assert len(ledger_texts) == len(shown)
    left = [s["text"] for s in shown]
    for text in ledger_texts:
        last = text.split("\n")[-1]
        hit = next(s for s in left if s.endswith(last))
        left.remove(hit)
    assert left == []


def same_rows_in_order(lines: list[list], shown: list[dict]) -> None:
    """Ledger line n is the page's task n: same text, same printed 完成时限, the same group mark."""
    assert len(lines) == len(shown)
    for n, (row, task) in enumerate(zip(lines, shown), 1):
        assert str(row[0]) == str(n)
        assert task["text"].endswith(str(row[1]).split("\n")[-1]), (n, row[1], task["text"])
        assert str(row[4] or "").split("\n")[0] == task["deadline"], n
        marks = re.findall(r"（经由 (.+?)）", f"{row[2] or ''}{row[3] or ''}")
        assert marks == ([task["via"]] if task["via"] else []), n


def test_unit_ledger_button_downloads_the_listed_tasks(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/agency/市卫健委")
    page.wait_for_selector("#tab-lead[data-count]")
    shown = page_tasks(page)
    direct = len(LEAD_NUMBERS) + len(SUPPORT_NUMBERS)
    assert len(shown) > direct  # plus the tasks of 市人民政府各部门
    assert any(t["deadline"] for t in shown) and any(t["via"] for t in shown)
    page.screenshot(path=artifacts / "ui_15_agency_ledger_button.png")

    sheets = xlsx_rows(download(page))
    assert len(sheets) == 1
    (rows,) = sheets.values()
    assert HEADERS in rows
    lines = body(rows)
    same_rows_in_order(lines, shown)  # 牵头, then 配合, then through a group, as the page lists them
    marked = [r for r in lines if "（经由" in f"{r[2]}{r[3]}"]
    assert len(marked) == len(shown) - direct  # the tasks reached through a group say so

    page.select_option("#ledger-sheets", "document")
    by_document = xlsx_rows(download(page))
    assert len(by_document) == 2  # 市卫健委's tasks come from 000 and 003
    assert sum(len(body(r)) for r in by_document.values()) == len(shown)

    page.select_option("#ledger-format", "csv")
    assert page.is_disabled("#ledger-sheets")
    text = download(page).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == HEADERS
    same_rows_in_order([r for r in table[1:] if r and r[0].isdigit()], shown)
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_unit_ledger_follows_the_document_filter(ui_server, page):
    page.goto(ui_server + "/ui/agency/市卫健委")
    page.wait_for_selector("#tab-lead[data-count]")
    every = len(page_tasks(page))
    doc = page.locator("#f-doc option").nth(2).get_attribute("value")  # 003, the second document
    page.select_option("#f-doc", doc)
    shown = page_tasks(page)
    assert 0 < len(shown) < every
    assert parse_qs(urlsplit(page.get_attribute("#ledger", "href")).query)["document"] == [doc]
    lines = body(next(iter(xlsx_rows(download(page)).values())))
    same_rows_in_order(lines, shown)
    assert all(r[6].split("\n")[-1].startswith("003_") for r in lines)
    page.select_option("#f-doc", "")
    assert "document=" not in page.get_attribute("#ledger", "href")
    assert page.errors == []


def test_overdue_filter_narrows_the_list_and_the_ledger(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/agency/市卫健委?today=2026-01-15")
    page.wait_for_selector("#tab-lead[data-count]")
    assert page.locator("#list-lead .deadline").count() == len(DUE_2025_LEAD)
    page.check("#f-overdue")
    page.wait_for_url(re.compile(r"overdue=true"))
    page.wait_for_selector("#tab-lead[data-count]")
    assert sorted(n.strip() for n in page.locator("#list-lead li[data-task-id] .no").all_inner_texts()) == sorted(
        DUE_2025_LEAD)
    assert page.locator("#list-lead .deadline.overdue").count() == len(DUE_2025_LEAD)
    assert "已逾期" in page.locator("#list-lead").inner_text()
    expect(page.locator("#filtered-note")).to_have_text(
        f"按完成时限筛选后：牵头 {len(DUE_2025_LEAD)} 项，配合 {len(DUE_2025_SUPPORT)} 项"
        f"（未筛选时 {len(LEAD_NUMBERS)} / {len(SUPPORT_NUMBERS)} 项）")
    page.click("#tab-support")
    assert sorted(n.strip() for n in page.locator("#list-support li[data-task-id] .no").all_inner_texts()) == sorted(
        DUE_2025_SUPPORT)
    page.screenshot(path=artifacts / "ui_16_agency_overdue.png")

    href = page.get_attribute("#ledger", "href")
    query = parse_qs(urlsplit(href).query)
    assert query["overdue"] == ["true"] and query["today"] == ["2026-01-15"]
    lines = body(next(iter(xlsx_rows(download(page)).values())))
    assert len(lines) == len(DUE_2025_LEAD) + len(DUE_2025_SUPPORT)
    assert all("2025" in r[4] for r in lines)

    # the same tasks are not overdue a year earlier, and fall due within a year
    page.goto(ui_server + "/ui/agency/市卫健委?today=2025-01-15&overdue=true")
    page.wait_for_selector("#tab-lead[data-count]")
    assert page.get_attribute("#tab-lead", "data-count") == "0"
    page.goto(ui_server + "/ui/agency/市卫健委?today=2025-01-15&due_within=365")
    page.wait_for_selector("#tab-lead[data-count]")
    assert page.get_attribute("#tab-lead", "data-count") == str(len(DUE_2025_LEAD))
    assert page.locator("#list-lead .deadline.overdue").count() == 0
    page.select_option("#f-year", "2025")
    page.wait_for_url(re.compile(r"year=2025"))
    page.wait_for_selector("#tab-lead[data-count]")
    assert page.get_attribute("#tab-lead", "data-count") == str(len(DUE_2025_LEAD))
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_district_search_and_workload_exports(ui_server, page):
    page.goto(ui_server + "/ui/district/武昌区")
    page.wait_for_selector("#print-view li[data-task-id]", state="attached")
    shown = page_tasks(page)
    page.select_option("#ledger-format", "csv")
    table = list(csv.reader(io.StringIO(download(page).decode("utf-8-sig"))))
    same_tasks([r[1] for r in table[1:] if r and r[0].isdigit()], shown)
    # in the order of the page's 全部 tab
    ids = page.locator("#district-tasks li[data-task-id]").evaluate_all("els => els.map(e => e.dataset.taskId)")
    texts = [page.request.get(f"{ui_server}/tasks/{i}").json()["text"] for i in ids]
    lines = [r[1] for r in table[1:] if r and r[0].isdigit()]
    assert len(lines) == len(texts) and all(line.endswith(text) for line, text in zip(lines, texts))

    # the district page under a deadline filter: 江岸区's overdue tasks on 2023-01-01 are its own 附件2 rows
    # 3, 4, 5 of 000 ("2022年，…"; see tests/api/test_ledger.py)
    page.goto(ui_server + "/ui/district/江岸区?overdue=true&today=2023-01-01")
    page.wait_for_selector("#print-view li[data-task-id]", state="attached")
    assert page.locator("#total").inner_text() == "3"
    assert page.locator("#district-tasks .deadline.overdue").count() == 3
    lines = body(next(iter(xlsx_rows(download(page)).values())))
    same_tasks([r[1] for r in lines], page_tasks(page))
    assert [r[4] for r in lines] == ["2022年\n（截止 2022-12-31）"] * 3

    page.goto(ui_server + "/ui/?q=托育")
    page.wait_for_selector("#search-results")
    listed = page.locator("#text-tasks li[data-task-id]").count()
    assert listed > 0
    lines = body(next(iter(xlsx_rows(download(page, "#text-tasks #ledger")).values())))
    assert len(lines) == listed
    assert all("托育" in r[1] for r in lines)

    # the search under the 逾期 filter: of the five 托育 tasks, 000 item 2 and 001 item 4 print "到2025年"
    page.goto(ui_server + "/ui/?q=托育&today=2026-01-01")
    page.wait_for_selector("#search-results")
    page.click("#f-overdue")  # the page reloads with the filter in its URL
    page.wait_for_url(re.compile(r"overdue=true"))
    page.wait_for_selector("#f-overdue:checked")
    page.wait_for_selector("#text-tasks li[data-task-id]")
    assert page.locator("#text-tasks li[data-task-id]").count() == 2
    assert page.locator("#text-tasks .deadline.overdue").count() == 2
    lines = body(next(iter(xlsx_rows(download(page, "#text-tasks #ledger")).values())))
    assert [r[4] for r in lines] == ["到2025年\n（截止 2025-12-31）"] * 2
    assert sorted(r[6].split("\n")[-1][:4] for r in lines) == ["000_", "001_"]
    page.click("#f-clear")  # back to the same search without the filter
    page.wait_for_url(re.compile(r"^(?!.*overdue).*q=%E6%89%98%E8%82%B2"))
    page.wait_for_selector("#text-tasks li[data-task-id]")
    assert page.locator("#text-tasks li[data-task-id]").count() == listed
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_home_search_unit_block_exports_its_tasks_in_its_order(ui_server, page):
    page.goto(ui_server + "/ui/?q=wjw")
    page.wait_for_selector("#unit-tasks li[data-task-id]")
    ids = page.locator("#unit-tasks li[data-task-id]").evaluate_all("els => els.map(e => e.dataset.taskId)")
    roles = page.locator("#unit-tasks .role-group h4").all_inner_texts()
    assert roles == [f"牵头（{len(LEAD_NUMBERS)} 项）", f"配合（{len(SUPPORT_NUMBERS)} 项）", "经由所属单位组（6 项）"]
    texts = [page.request.get(f"{ui_server}/tasks/{i}").json()["text"] for i in ids]
    lines = body(next(iter(xlsx_rows(download(page, "#unit-tasks #ledger")).values())))
    assert len(lines) == len(texts) and all(line[1].endswith(text) for line, text in zip(lines, texts))


def test_workload_export_is_the_table_on_screen(ui_server, page):
    def screen() -> list[list[str]]:
        return page.locator("#workload tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.querySelectorAll('td')].map(td => td.textContent))")

    def exported() -> list[list[str]]:
        rows = next(iter(xlsx_rows(download(page)).values()))
        assert rows[0] == ["序号", "单位", "类型", "辖区", "牵头", "配合", "合计", "逾期"]
        return [[str(c) for c in r[1:]] for r in rows[1:]]

    page.goto(ui_server + "/ui/workload?today=2026-01-01")
    page.wait_for_selector("#workload[data-shown]")
    assert [th.strip() for th in page.locator("#workload thead th").all_inner_texts()][:2] == ["单位", "类型"]
    assert exported() == screen() and len(screen()) > 100
    page.click("#workload th[data-key='lead']")
    page.wait_for_selector("#workload[data-shown*='sort=lead']")
    page.click("#workload th[data-key='lead']")
    page.wait_for_selector("#workload[data-shown*='order=asc']")
    leads = [int(r[3]) for r in screen()]
    assert leads == sorted(leads) and leads[0] < leads[-1]
    assert exported() == screen()
    page.fill("#f-unit", "卫健")
    page.wait_for_selector("#workload[data-shown*='q=']")
    assert [r[0] for r in screen()] == ["武昌区卫健局", "市卫健委"]  # 牵头 6, 15
    assert exported() == screen()
    page.click("#workload th[data-key='name']")
    page.wait_for_selector("#workload[data-shown*='sort=name']")
    assert [r[0] for r in screen()] == ["市卫健委", "武昌区卫健局"]  # by pinyin: shi < wu
    assert exported() == screen()
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_document_page_lists_exports_and_prints(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/documents")
    page.locator("#documents a.doc-link").first.wait_for()
    row = page.locator("#documents tr[data-source^='003_']")
    expected = int(row.locator("td.tasks").inner_text())
    row.locator("a.doc-link").click()
    page.wait_for_url(re.compile(r"/ui/document/"))
    page.wait_for_selector("#document-tasks li[data-task-id]")
    assert page.locator("#document-tasks li[data-task-id]").count() == expected
    assert page.locator("#total").inner_text() == str(expected)
    page.screenshot(path=artifacts / "ui_17_document.png")
    lines = body(next(iter(xlsx_rows(download(page)).values())))
    assert len(lines) == expected
    pdf = page.pdf(format="A4")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in doc.pages))
    # 003 item 202 as printed: "完善三孩生育政策配套措施,…托位总数达到4万个。"
    assert "完善三孩生育政策配套措施" in text and "…" not in text and "导出台账" not in text
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_document_page_shows_each_deadline(ui_server, page):
    # 001: every item of 三、(一) and (二) and items 1, 2 of (三) says "到 ２０２５ 年，…"; (三) 3–6 print no date
    page.goto(ui_server + "/ui/documents")
    page.locator("#documents tr[data-source^='001_'] a.doc-link").click()
    page.wait_for_selector("#document-tasks li[data-task-id]")
    assert page.locator("#document-tasks li[data-task-id]").count() == 16
    deadlines = page.locator("#document-tasks li[data-task-id] .deadline").all_inner_texts()
    assert len(deadlines) == 12 and all(d.startswith("完成时限：到2025年") for d in deadlines)
    page.select_option("#f-year", "2025")
    page.wait_for_url(re.compile(r"year=2025"))
    page.wait_for_selector("#document-tasks li[data-task-id]")
    assert page.locator("#document-tasks li[data-task-id]").count() == 12
    assert len(body(next(iter(xlsx_rows(download(page)).values())))) == 12
    assert page.errors == []


def test_task_page_shows_deadline_and_due_date(ui_server, page):
    # 000 附件1 row 1 (市卫健委): "…2.到 2025 年,每千人口拥有 3 岁以下婴幼儿托位数达到 4.5 个以上。"
    found = page.request.get(f"{ui_server}/agencies/市卫健委/tasks", params={"role": "lead", "limit": 1000}).json()
    (row1,) = [t for t in found["items"] if t["source"].startswith("000") and t["number"] == "1"]
    page.goto(f"{ui_server}/ui/task/{row1['id']}?today=2025-06-30")
    page.wait_for_selector("#deadline")
    assert page.locator("#deadline").inner_text() == "到2025年（截止 2025-12-31）"
    page.goto(f"{ui_server}/ui/task/{row1['id']}?today=2026-01-15")
    page.wait_for_selector("#deadline")
    assert page.locator("#deadline").inner_text() == "到2025年已逾期（截止 2025-12-31）"
    assert page.errors == []
