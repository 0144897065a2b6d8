"""Issue 11 in the browser: finding a unit the way people type it, the printed unit page, the workload
table, and no "null"/"undefined" on any page type. Expected tasks are read off the samples
(see test_viz_pages.py: LEAD_NUMBERS, SUPPORT_NUMBERS)."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from test_viz_pages import LEAD_NUMBERS, SUPPORT_NUMBERS, press_print

pytestmark = pytest.mark.browser

NOTHING = re.compile(r"\bnull\b|\bundefined\b|\bNaN\b|\[object Object\]")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("typed", "unit"), [("wjw", "市卫健委"), ("weijianwei", "市卫健委"), ("fgw", "市发改委"),
                                             ("衛健委", "市卫健委"), ("武汉市卫生健康委员会", "市卫健委")])
def test_header_search_offers_the_unit(ui_server, page, artifacts, typed, unit):
    page.goto(ui_server + "/ui/agency/市民政局")
    page.wait_for_selector("#tab-lead[data-count]")
    page.fill("header.top #hq", typed)
    first = page.locator("#header-suggest a.sg-agency").first
    first.wait_for()
    assert first.inner_text().startswith(unit)
    if typed == "wjw":
        page.screenshot(path=artifacts / "ui_11_header_search_wjw.png")
    first.click()
    page.wait_for_url(re.compile(r"/ui/agency/"))
    page.wait_for_selector("#tab-lead[data-count]")
    assert page.locator("h1").inner_text() == unit
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_home_search_lists_the_unit_first_then_its_tasks(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/")
    page.fill("#q", "wjw")
    page.locator("#suggest a.sg-agency").first.wait_for()
    assert page.locator("#suggest a").first.inner_text().startswith("市卫健委")

    page.fill("#q", "卫健委")
    page.press("#q", "Enter")
    page.wait_for_selector("#search-results")
    rows = page.locator("#result-units tbody tr")
    assert rows.nth(0).locator("td").nth(0).inner_text() == "市卫健委"
    assert rows.nth(1).locator("td").nth(0).inner_text() == "武昌区卫健局"  # 004: the district's own 卫健局
    # the units come before any task list
    order = page.evaluate("""() => [...document.querySelectorAll('#result-units, #unit-tasks, #text-tasks')]
        .map(e => e.id)""")
    assert order == ["result-units", "unit-tasks", "text-tasks"]
    heading = page.locator("#unit-tasks h3").first.inner_text()
    assert f"共 {len(LEAD_NUMBERS) + len(SUPPORT_NUMBERS)} 项" in heading  # not "任务（共 0 项）"
    direct = page.locator("#unit-tasks li[data-task-id]:not(:has(.via))")
    assert direct.count() == len(LEAD_NUMBERS) + len(SUPPORT_NUMBERS)
    page.screenshot(path=artifacts / "ui_12_home_search_wjw_units_first.png", full_page=True)
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_printed_unit_page_has_both_roles_in_full_with_page_numbers(ui_server, page, artifacts):
    import pdfplumber

    page.goto(ui_server + "/ui/agency/市卫健委?per_page=5")  # 5 a page: paper still gets every task
    page.wait_for_selector("#tab-lead[data-count]")
    assert page.get_attribute("#print-view", "data-complete") == "0"
    press_print(page)
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "ui_13_agency_print.pdf").write_bytes(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = [p.extract_text() or "" for p in doc.pages]
        doc.pages[0].to_image(resolution=60).save(artifacts / "ui_13_agency_print_page1.png")
    text = squash("".join(pages))
    tasks = httpx.get(f"{ui_server}/agencies/市卫健委/tasks", params={"limit": 1000}, timeout=30).json()["items"]
    direct = [t for t in tasks if not t["via"]]
    assert sorted(t["number"] for t in direct if t["role"] == "lead") == LEAD_NUMBERS
    assert sorted(t["number"] for t in direct if t["role"] == "support") == SUPPORT_NUMBERS
    for t in tasks:
        assert squash(t["text"]) in text, t["number"]  # every task in full, whichever tab is open
    assert "…" not in text
    assert f"牵头（{len(LEAD_NUMBERS)}项）" in text and f"配合（{len(SUPPORT_NUMBERS)}项）" in text
    assert text.count("完成时限：") == len(tasks)  # every task prints its 完成时限 line
    dated = [t for t in tasks if t["due"]]
    assert dated and all(squash(f"完成时限：{t['deadline']}（截止 {t['due']}）") in text for t in dated)
    for t in tasks:  # and its source file
        assert t["source"] in text
    for chrome in ("图谱浏览", "只看逾期", "导出台账", "保存为图片", "单击节点打开详情", "显示更多", "只打印了已加载"):
        assert chrome not in text  # no navigation, filters or graph on paper
    assert all(f"第{i}页/共{len(pages)}页" in squash(p) for i, p in enumerate(pages, 1))
    assert len(pages) >= 2


def test_printed_district_page_has_every_task_in_full(ui_server, page, artifacts):
    import pdfplumber

    page.goto(ui_server + "/ui/district/武昌区")
    page.wait_for_selector("#print-view li[data-task-id]", state="attached")
    pdf = page.pdf(format="A4")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = squash("".join(p.extract_text() or "" for p in doc.pages))
    tasks = httpx.get(f"{ui_server}/districts/武昌区/tasks", params={"limit": 1000}, timeout=30).json()["items"]
    # 004 (武昌区's own plan) and 003 item 118 (各区人民政府's part in 长江“十年禁渔”) are among them
    assert any(t["text"].startswith("劳动年龄人口平均受教育年限") for t in tasks)
    for t in tasks:
        assert squash(t["text"]) in text, t["number"]
    assert "图谱浏览" not in text and "全部年份" not in text


def test_workload_table_lists_every_unit_and_sorts(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/workload")
    page.wait_for_selector("#workload tbody tr")
    agencies = httpx.get(f"{ui_server}/agencies", params={"limit": 1000}, timeout=30).json()["items"]
    busy = {a["name"] for a in agencies if a["lead"] + a["support"]}
    shown = set(page.locator("#workload tbody tr").evaluate_all("rows => rows.map(r => r.dataset.name)"))
    assert shown == busy and len(busy) > 100  # every unit with a task, not the home page's top 15
    wjw = page.locator("#workload tbody tr[data-name='市卫健委'] td")
    header = page.locator("#workload thead th").all_inner_texts()
    lead_col, support_col = header.index("牵头"), header.index("配合")
    assert (wjw.nth(lead_col).inner_text(), wjw.nth(support_col).inner_text()) == (
        str(len(LEAD_NUMBERS)), str(len(SUPPORT_NUMBERS)))

    def column(i: int) -> list[str]:
        return page.locator(f"#workload tbody tr td:nth-child({i + 1})").all_inner_texts()

    def click(key: str, shown: str) -> None:
        page.click(f"#workload th[data-key='{key}']")
        page.wait_for_selector(f"#workload[data-shown*='{shown}']")  # the server sorts, the page shows

    click("lead", "sort=lead&order=desc")
    leads = [int(x) for x in column(lead_col)]
    assert leads == sorted(leads, reverse=True) and leads[0] > leads[-1]
    assert page.get_attribute("#workload th[data-key='lead']", "aria-sort") == "descending"
    click("lead", "sort=lead&order=asc")
    assert [int(x) for x in column(lead_col)] == sorted(leads)
    click("support", "sort=support&order=desc")
    supports = [int(x) for x in column(support_col)]
    assert supports == sorted(supports, reverse=True)
    page.fill("#f-unit", "卫健")
    page.wait_for_selector("#workload[data-shown*='q=']")
    assert sorted(column(0)) == ["市卫健委", "武昌区卫健局"]
    page.screenshot(path=artifacts / "ui_14_workload.png", full_page=False)
    assert page.errors == []
    assert page.foreign(ui_server) == []


def _visible_text(page) -> str:
    return page.evaluate("() => document.title + '\\n' + document.body.innerText")


def test_no_page_shows_null_or_undefined(ui_server, page):
    task = httpx.get(f"{ui_server}/tasks", params={"q": "急救站点", "limit": 10}, timeout=30).json()["items"][0]
    detail = httpx.get(f"{ui_server}/tasks/{task['id']}", timeout=30).json()
    indicator = next(i["id"] for i in detail["indicators"] if i["rolled_up_from"])  # a rollup with children
    doc_id = httpx.get(f"{ui_server}/documents", timeout=30).json()["items"][0]["id"]
    pages = {
        "/ui/": "#busiest table",
        "/ui/?q=卫健委": "#search-results",
        "/ui/?q=wjw": "#search-results",
        "/ui/?q=没有这个词": "#search-results",
        "/ui/agency/市卫健委": "#list-lead",
        "/ui/agency/各区人民政府": "#list-lead",  # a group: no tasks through a group of its own
        "/ui/agency/武昌区人民政府": "#list-lead",
        "/ui/agency/市档案馆不存在": ".error",
        "/ui/agency/市卫健委?overdue=true&today=2020-01-01": "#list-lead",  # filtered to nothing
        "/ui/agency/市财政局": "#list-lead",
        "/ui/?q=托育&overdue=true&today=2026-01-01": "#search-results",
        "/ui/district/江岸区?year=2022&today=2026-01-01": "#district-tasks",
        f"/ui/task/{task['id']}": "#passage",
        "/ui/task/no-such-task": ".error",
        "/ui/district/武昌区": "#district-tasks",
        "/ui/district/江岸区": "#district-tasks",
        f"/ui/rollup/{indicator}": "#children",
        "/ui/explore?limit=100": "#graph canvas",
        "/ui/workload": "#workload tbody tr",
        "/ui/workload?today=2026-01-01": "#workload[data-shown] tbody tr",
        "/ui/documents": "#documents a.doc-link",
        f"/ui/document/{doc_id}": "#document-tasks li[data-task-id]",
        f"/ui/document/{doc_id}?overdue=true&today=2000-01-01": "#document-tasks",
        "/ui/document/no-such-document": ".error",
    }
    seen = {}
    for url, ready in pages.items():
        page.goto(ui_server + url)
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        text = _visible_text(page)
        seen[url] = NOTHING.findall(text)
    assert seen == {url: [] for url in pages}
    assert page.errors == []
    assert page.foreign(ui_server) == []


def shown_after_more(page, role: str) -> int:
    """The tab's own tasks once "显示更多" has been pressed until it is gone."""
    more = page.locator(f"#more-{role}-direct")
    while more.count():
        before = page.locator(f"#list-{role} li[data-task-id]").count()
        more.click()
        page.wait_for_function(f"() => document.querySelectorAll('#list-{role} li[data-task-id]').length > {before}")
    return page.locator(f"#list-{role} li[data-task-id]").count()


# 市财政局: 003 item 3 names it 牵头单位 and its group 市人民政府各部门 责任单位 — printed once, under 牵头
@pytest.mark.parametrize("name", ["市卫健委", "市发改委", "各区人民政府", "武昌区人民政府", "市民政局", "市财政局"])
def test_unit_header_tabs_and_lists_agree(ui_server, page, name):
    page.goto(ui_server + f"/ui/agency/{name}")
    page.wait_for_selector("#tab-lead[data-count]")
    meta = page.locator("main .card .meta").first.inner_text()
    lead, support = (int(re.search(rf"{role}\s*(\d+)\s*项", meta).group(1)) for role in ("牵头", "配合"))
    assert int(page.get_attribute("#tab-lead", "data-count")) == lead
    assert shown_after_more(page, "lead") == lead
    page.click("#tab-support")
    page.wait_for_selector("#list-support")
    assert int(page.get_attribute("#tab-support", "data-count")) == support
    assert shown_after_more(page, "support") == support
    press_print(page)
    printed = page.locator("#print-view .print-group h2").all_text_contents()
    assert printed[:2] == [f"牵头（{lead} 项）", f"配合（{support} 项）"]
    via = re.search(r"经由单位组\s*(\d+)\s*项", meta)
    assert printed[2:] == ([f"经由所属单位组承担（{via.group(1)} 项）"] if via else [])
    ids = page.locator("#print-view li[data-task-id]").evaluate_all("els => els.map(e => e.dataset.taskId)")
    assert len(ids) == len(set(ids))
