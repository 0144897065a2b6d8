"""The UI in a real browser against the real server over the five samples.

Expected task sets are read off the documents (see the comments), not off the code.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest

pytestmark = pytest.mark.browser

# 市卫健委 as lead, read off the samples:
#   000 附件1 牵头单位 column: rows 1, 10, 11, 14 (14 jointly with 市民政局)
#   003 "(牵头单位:市卫健委;…)": 202, 211, 212, 213, 215 and 民生实事 22, 23
#   003 "(责任单位:市卫健委)" with no 牵头单位: 210, 214 and 民生实事 4, 24
LEAD_NUMBERS = sorted(["1", "10", "11", "14", "202", "211", "212", "213", "215", "22", "23", "210", "214", "4", "24"])
# 市卫健委 named among the supporting units: 000 附件1 rows 3, 9, 15, 25; 003 items 234, 237.
SUPPORT_NUMBERS = sorted(["3", "9", "15", "25", "234", "237"])

# UI chrome (labels, headings, buttons, legends): the text a user reads that is not document content.
CHROME = "header.top, .tabs, .filters label, .filters button, .legend, h2, th, dl.kv dt, .numbers, .group, #status, .hero p"
FILE_NAME = re.compile(r"\S+\.txt")


def latin_words(texts: list[str]) -> list[str]:
    """Words in Latin letters, after removing file names (shown as they are named on disk)."""
    return [w for t in texts for w in re.findall(r"[A-Za-z]{2,}", FILE_NAME.sub("", t)) if w != "PNG"]


def chrome_text(page) -> list[str]:
    return page.locator(CHROME).all_inner_texts()


def press_print(page) -> None:
    """Press the page's 打印 button and wait until the print view holds every task. The browser's own print
    dialog is only noted (headless Chromium would keep printing, and page.pdf() then refuses)."""
    page.evaluate("() => { window.DG_PRINTED = 0; window.print = () => { window.DG_PRINTED += 1; }; }")
    page.click("#print")
    page.wait_for_selector("#print-view[data-complete='1']", state="attached")
    page.wait_for_function("() => window.DG_PRINTED === 1")


def task_numbers(page, list_id: str) -> list[str]:
    return sorted(n.strip() for n in page.locator(f"#{list_id} li[data-task-id] .no").all_inner_texts())


def test_search_open_agency_count_lead_tasks_graph_and_source_passage(ui_server, page, artifacts):
    page.goto(ui_server + "/")
    assert page.url == ui_server + "/ui/"
    page.wait_for_selector("#numbers .num")
    assert page.locator("#numbers").inner_text().count("文件") == 1
    page.wait_for_selector("#busiest table")
    assert latin_words(chrome_text(page)) == []

    page.fill("#q", "卫健委")
    suggestion = page.locator("#suggest a.sg-agency").filter(has_text=re.compile(r"^市卫健委"))
    suggestion.first.wait_for()
    page.screenshot(path=artifacts / "ui_01_home_search.png", full_page=True)
    suggestion.first.click()

    page.wait_for_url(re.compile(r"/ui/agency/"))
    page.wait_for_selector("#tab-lead[data-count]")
    assert page.locator("h1").inner_text() == "市卫健委"
    assert page.get_attribute("#tab-lead", "data-count") == str(len(LEAD_NUMBERS))
    assert task_numbers(page, "list-lead") == LEAD_NUMBERS

    page.wait_for_selector("#graph canvas")
    page.wait_for_function("() => Number(document.querySelector('#graph').dataset.nodes || 0) > 15")
    page.wait_for_function("() => window.DG_TIMING && window.DG_TIMING['dg-graph'] > 0")
    timing = page.evaluate("""() => ({
        ...window.DG_TIMING,
        dom_content_loaded: Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd),
        nodes: Number(document.querySelector('#graph').dataset.nodes)})""")
    (artifacts / "ui_timing_agency.json").write_text(json.dumps(timing, ensure_ascii=False, indent=2))
    print("市卫健委 page timing (ms since navigation start):", timing)
    agency_tips = page.evaluate("window.DG_GRAPH.nodes.get().filter(n => n.raw.type === 'Agency').map(n => n.title)")
    assert latin_words(agency_tips) == []  # e.g. "市卫健委（武汉市，部门）", not "department"
    page.wait_for_function("() => document.querySelector('#graph')?.dataset.stabilized === '1'", timeout=60_000)
    page.screenshot(path=artifacts / "ui_02_agency_lead.png")
    assert latin_words(chrome_text(page)) == []

    page.click("#tab-support")
    page.wait_for_selector("#list-support")
    assert page.get_attribute("#tab-support", "data-count") == str(len(SUPPORT_NUMBERS))
    assert task_numbers(page, "list-support") == SUPPORT_NUMBERS
    page.screenshot(path=artifacts / "ui_03_agency_support.png")

    # 003: "202.完善三孩生育政策配套措施,…托位总数达到4万个。(牵头单位:市卫健委;责任单位:各区人民政府)"
    page.click("#tab-lead")
    row = page.locator("#list-lead li[data-task-id]").filter(has=page.locator(".no", has_text=re.compile(r"^202$")))
    row.locator("a.task-link").click()
    page.wait_for_url(re.compile(r"/ui/task/"))
    passage = page.locator("#passage")
    passage.wait_for()
    assert "完善三孩生育政策配套措施" in passage.inner_text()
    marked = " ".join(page.locator("#passage mark").all_inner_texts())
    assert "市卫健委" in marked and "各区人民政府" in marked
    assert page.locator("#leads a").all_inner_texts() == ["市卫健委"]
    assert page.locator("#supports a").all_inner_texts() == ["各区人民政府"]
    page.wait_for_selector("#graph canvas")
    page.wait_for_timeout(800)
    page.screenshot(path=artifacts / "ui_04_task_202.png", full_page=True)
    assert latin_words(chrome_text(page)) == []

    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_unit_lists_come_a_page_at_a_time_and_filter_on_the_server(ui_server, page, artifacts):
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/tasks?" in r.url else None)
    page.goto(ui_server + "/ui/agency/市卫健委?per_page=4")
    page.wait_for_selector("#tab-lead[data-count]")
    assert page.get_attribute("#tab-lead", "data-count") == str(len(LEAD_NUMBERS))
    assert page.locator("#list-lead li[data-task-id]").count() == 4
    more = page.locator("#more-lead-direct")
    assert more.inner_text() == f"显示更多（已显示 4 项，共 {len(LEAD_NUMBERS)} 项）"
    while more.count():
        shown = page.locator("#list-lead li[data-task-id]").count()
        more.click()
        page.wait_for_function(f"() => document.querySelectorAll('#list-lead li[data-task-id]').length > {shown}")
    assert task_numbers(page, "list-lead") == LEAD_NUMBERS
    # 003 section 三 items 1, 2, 5, 6, 7 go to 市人民政府各部门 (every city department): five through the group
    assert page.locator("#list-lead-via h2").inner_text() == "经由所属单位组承担的任务（5 项）"
    assert page.locator("#list-lead-via li[data-task-id]").count() == 4
    page.click("#more-lead-group")
    page.wait_for_function("() => document.querySelectorAll('#list-lead-via li[data-task-id]').length === 5")
    assert page.locator("#more-lead-group").count() == 0
    page.screenshot(path=artifacts / "ui_17_agency_paged.png")
    assert asked and all("limit=4" in u for u in asked)  # never the whole list

    # 文件: 000 附件1 rows 1, 10, 11, 14 name 市卫健委 牵头; none of 000 comes through a group
    doc = page.locator("#f-doc option").nth(1).get_attribute("value")
    page.select_option("#f-doc", doc)
    page.wait_for_selector("#tab-lead[data-count='4']")
    page.wait_for_selector("#list-lead")
    assert task_numbers(page, "list-lead") == sorted(["1", "10", "11", "14"])
    assert page.locator("#list-lead-via").count() == 0
    assert any(f"document={doc}" in u for u in asked)
    page.click("#tab-support")
    page.wait_for_selector("#list-support")
    # 000 附件1 rows 3, 9, 15, 25 name it among the 责任单位
    assert task_numbers(page, "list-support") == sorted(["3", "9", "15", "25"])
    assert page.errors == []


def test_unknown_agency_offers_suggestions(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/agency/卫健")
    page.wait_for_selector(".error")
    assert "未找到" in page.locator(".error").inner_text()
    assert "您是不是要找" in page.locator(".error").inner_text()
    assert "市卫健委" in page.locator(".error a").all_inner_texts()
    page.screenshot(path=artifacts / "ui_05_agency_not_found.png")
    assert page.foreign(ui_server) == []


def test_district_page_lists_its_own_and_group_tasks(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/district/武昌区")
    page.wait_for_selector(".task-groups")
    text = page.locator("main").text_content()  # documents after the first are collapsed
    # 004 (武昌区's own plan): "1.劳动年龄人口平均受教育年限12.5年。(责任单位:区教育局)"
    assert "劳动年龄人口平均受教育年限" in text
    # 003 item 118 gives 各区人民政府 a part: "严格落实长江“十年禁渔”…责任单位:…各区人民政府"
    assert "严格落实长江“十年禁渔”" in text
    assert page.locator(".via").count() > 0
    page.screenshot(path=artifacts / "ui_06_district_wuchang.png", full_page=True)
    assert latin_words(chrome_text(page)) == []
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_explorer_filters_pages_toggles_physics_and_saves_png(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/explore?limit=100")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('已显示')")
    page.wait_for_selector("#graph canvas")
    status = page.locator("#status").inner_text()
    shown, total = map(int, re.search(r"已显示 (\d+) / (\d+)", status).groups())
    assert shown == 100 < total  # the samples hold several hundred tasks
    before = int(page.get_attribute("#graph", "data-nodes"))
    page.click("#more")
    page.wait_for_function(f"() => Number(document.querySelector('#graph').dataset.nodes) > {before}")
    assert re.search(r"已显示 200 / ", page.locator("#status").inner_text())

    physics_on = "window.DG_EXPLORE.network.physics.physicsEnabled"
    page.wait_for_function("() => document.querySelector('#graph')?.dataset.stabilized === '1'")
    assert page.evaluate(physics_on) is False  # the layout settled, then physics stopped
    page.check("#f-physics")
    assert page.evaluate(physics_on) is True
    page.uncheck("#f-physics")
    assert page.evaluate(physics_on) is False
    with page.expect_download() as dl:
        page.click("#save-png")
    png = dl.value.path().read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    page.screenshot(path=artifacts / "ui_07_explore.png")

    # Only the city task list (003): every task shown comes from it.
    option = page.locator("#f-document option").filter(has_text="003_0cb12dbbb4b3a502.txt")
    doc_id = option.get_attribute("value")
    page.select_option("#f-document", value=doc_id)
    page.select_option("#f-limit", value="1000")
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(r"document="))
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('已显示')")
    docs = page.evaluate("""() => [...new Set(window.DG_EXPLORE.nodes.get()
        .filter(n => n.raw.type === 'Task').map(n => n.raw.group))]""")
    assert docs == [doc_id]
    assert latin_words(chrome_text(page)) == []
    assert page.errors == []
    assert page.foreign(ui_server) == []


# 000 附件1 row 11 sets the city target "急救站点不少于140个"; 附件2 gives the districts' parts:
# 东湖高新区 5, 武汉经开区 8, 东湖风景区 2, 江岸区 9, 江汉区 8, 硚口区 8, 汉阳区 9, 武昌区 12, 青山区 9,
# 洪山区 8, 蔡甸区 5, 江夏区 8, 东西湖区 5, 黄陂区 7, 新洲区 7 — fifteen targets summing to 110.
DISTRICT_STATIONS = {"东湖高新区": 5, "武汉经开区": 8, "东湖风景区": 2, "江岸区": 9, "江汉区": 8, "硚口区": 8,
                     "汉阳区": 9, "武昌区": 12, "青山区": 9, "洪山区": 8, "蔡甸区": 5, "江夏区": 8, "东西湖区": 5,
                     "黄陂区": 7, "新洲区": 7}


def test_rollup_view_shows_city_target_district_targets_and_sum(ui_server, page, artifacts):
    found = httpx.get(f"{ui_server}/tasks", params={"q": "急救站点", "limit": 100}, timeout=30).json()["items"]
    (row11,) = [t for t in found if t["source"].startswith("000") and t["number"] == "11"]
    page.goto(f"{ui_server}/ui/task/{row11['id']}")
    page.locator("#indicators tr", has_text="急救站点").get_by_role("link", name="汇总视图").click()
    page.wait_for_url(re.compile(r"/ui/rollup/"))
    page.wait_for_selector("#children")
    assert "140" in page.locator("#city-target").inner_text()
    rows = page.locator("#children tbody tr:not(.sum)")
    got = {rows.nth(i).locator("td").nth(0).inner_text(): float(rows.nth(i).locator("td").nth(2).inner_text().lstrip("≥="))
           for i in range(rows.count())}
    assert got == DISTRICT_STATIONS
    assert float(page.locator("#sum").inner_text()) == sum(DISTRICT_STATIONS.values()) == 110
    page.screenshot(path=artifacts / "ui_08_rollup_ambulance_stations.png", full_page=True)
    assert latin_words(chrome_text(page)) == []
    assert page.errors == []
    assert page.foreign(ui_server) == []


def _node_point(page, node_id: str) -> tuple[float, float]:
    """Where a graph node is drawn, in page coordinates."""
    return page.evaluate("""(id) => {
        const net = window.DG_GRAPH.network;
        const p = net.canvasToDOM(net.getPosition(id));
        const box = document.querySelector('#graph').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", node_id)


def test_graph_double_click_expands_and_click_opens(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/agency/市卫健委")
    page.wait_for_function("() => document.querySelector('#graph')?.dataset.stabilized === '1'", timeout=60_000)
    # 000 附件1 row 14 is led jointly by 市卫健委 and 市民政局: 市民政局 is in 市卫健委's graph.
    mzj = page.evaluate("window.DG_GRAPH.nodes.get().find(n => n.raw.type === 'Agency' && n.raw.label === '市民政局').id")
    before = page.evaluate("window.DG_GRAPH.nodes.length")
    page.evaluate("(id) => window.DG_GRAPH.network.focus(id, {scale: 1.5})", mzj)
    page.mouse.dblclick(*_node_point(page, mzj))
    page.wait_for_function(f"() => window.DG_GRAPH.nodes.length > {before}")
    assert page.url.endswith("/ui/agency/%E5%B8%82%E5%8D%AB%E5%81%A5%E5%A7%94")  # a double click does not navigate
    page.wait_for_function("() => document.querySelector('#graph')?.dataset.stabilized === '1'")
    page.wait_for_timeout(1500)  # the merged nodes settle
    page.screenshot(path=artifacts / "ui_09_agency_expanded.png")

    task = page.evaluate("""() => window.DG_GRAPH.nodes.get().find(n => n.raw.type === 'Task' && !n.hidden).id""")
    page.evaluate("(id) => window.DG_GRAPH.network.focus(id, {scale: 2})", task)
    page.wait_for_timeout(300)
    page.mouse.click(*_node_point(page, task))
    page.wait_for_url(re.compile(r"/ui/task/"))
    assert page.url.endswith("/ui/task/" + task)
    page.wait_for_selector("#passage")
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_explorer_aggregates_by_agency(ui_server, page, artifacts):
    page.goto(ui_server + "/ui/explore?limit=1000")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('已显示 586')")
    page.check("#f-aggregate")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('按单位聚合')")
    nodes = page.evaluate("window.DG_EXPLORE.nodes.get().map(n => ({id: n.id, type: n.raw.type, label: n.raw.label}))")
    assert {n["type"] for n in nodes} == {"Agency"}
    labels = {n["label"] for n in nodes}
    # 市卫健委 holds 15 tasks as lead and 6 as support directly (see LEAD_NUMBERS / SUPPORT_NUMBERS).
    assert "市卫健委（21）" in labels
    # Shared directly by 市卫健委 and 市民政局: 003 237; 000 附件1 rows 9, 14, 15.
    ids = {n["label"].split("（")[0]: n["id"] for n in nodes}
    weight = page.evaluate(
        "([a, b]) => window.DG_EXPLORE.edges.get().filter(e => (e.from === a && e.to === b) || (e.from === b && e.to === a))"
        ".map(e => e.title)", [ids["市卫健委"], ids["市民政局"]])
    assert weight == ["共同承担 4 项任务"]
    page.wait_for_function("() => document.querySelector('#graph')?.dataset.stabilized === '1'", timeout=60_000)
    page.screenshot(path=artifacts / "ui_10_explore_by_agency.png")
    assert page.errors == []
    assert page.foreign(ui_server) == []


def test_home_suggests_districts_and_opens_them(ui_server, page):
    page.goto(ui_server + "/ui/")
    page.fill("#q", "武昌")
    district = page.locator("#suggest a.sg-district", has_text="武昌区")
    district.first.wait_for()
    district.first.click()
    page.wait_for_url(re.compile(r"/ui/district/"))
    page.wait_for_selector("#district-tasks")
    assert page.locator("h1").inner_text() == "武昌区"
    assert page.foreign(ui_server) == []
