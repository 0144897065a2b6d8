"""The explorer on a graph too big to draw task by task at first: a synthetic corpus of about 2,500 tasks."""

from __future__ import annotations

import re
from collections import Counter

import httpx
import pytest

pytestmark = pytest.mark.browser


def explore_requests(page) -> list[str]:
    return [u for u in page.requests if "/graph/explore?" in u]


def test_first_view_is_by_unit_then_tasks_on_request_and_a_unit_opens(large_server, page, artifacts):
    raw = httpx.get(large_server + "/graph/explore", params={"limit": 5000, "indicators": "false"}, timeout=60).json()
    assert len(raw["nodes"]) > 1500 and raw["total_tasks"] == len([n for n in raw["nodes"] if n["type"] == "Task"])
    tasks_of = Counter(link["source"] for link in {(x["source"], x["target"]): x for x in raw["links"]}.values())

    page.goto(large_server + "/ui/explore?limit=5000")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('按单位聚合')")
    assert page.is_checked("#f-aggregate")
    assert re.search(rf"已显示 {raw['total_tasks']} / {raw['total_tasks']} 项任务", page.locator("#status").inner_text())
    assert "view=auto" in explore_requests(page)[0]  # the units, not thousands of tasks to aggregate here
    units = page.evaluate("window.DG_EXPLORE.nodes.get().map(n => ({id: n.id, type: n.raw.type, label: n.raw.label}))")
    assert {n["type"] for n in units} == {"Agency"}
    # each unit's label counts the tasks it leads or supports on the page, as the task view links them
    assert {n["label"] for n in units} == {f"{n['label']}（{tasks_of[n['id']]}）"
                                           for n in raw["nodes"] if n["id"] in tasks_of}
    page.wait_for_function("() => document.querySelector('#graph').dataset.stabilized === '1'", timeout=60_000)
    page.screenshot(path=artifacts / "ui_11_explore_large_by_unit.png")

    page.uncheck("#f-aggregate")
    page.wait_for_function(f"() => /{len(raw['nodes'])} 个节点/.test(document.querySelector('#status').textContent)")
    assert page.evaluate("window.DG_EXPLORE.nodes.length") == len(raw["nodes"])
    page.wait_for_function("() => document.querySelector('#graph').dataset.stabilized === '1'", timeout=60_000)
    assert page.evaluate("window.DG_EXPLORE.network.physics.physicsEnabled") is False  # drawn as seeded
    page.check("#f-aggregate")  # back to the units: already fetched
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('按单位聚合')")
    # the tasks were fetched once, after the units were drawn
    assert ["auto", "tasks"] == [re.search(r"view=(\w+)", u).group(1) for u in explore_requests(page)]

    page.wait_for_function("() => document.querySelector('#graph').dataset.stabilized === '1'", timeout=60_000)
    # the busiest unit whose centre no other node covers (a big dot may lie under a smaller one)
    target, point = page.evaluate("""() => {
        const net = window.DG_EXPLORE.network;
        const units = window.DG_EXPLORE.nodes.get().sort((a, b) => b.raw.count - a.raw.count);
        const id = units.map(n => n.id).find(id => net.getNodeAt(net.canvasToDOM(net.getPosition(id))) === id);
        net.focus(id, {scale: 1.5, animation: false});
        const p = net.canvasToDOM(net.getPosition(id));
        const box = document.querySelector('#graph').getBoundingClientRect();
        return [window.DG_EXPLORE.nodes.get(id).raw.name, [box.left + p.x, box.top + p.y]];
    }""")
    page.wait_for_timeout(300)
    page.mouse.click(*point)
    page.wait_for_url(re.compile(r"/ui/agency/"))
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == target
    assert page.errors == []
    assert page.foreign(large_server) == []


def test_more_pages_by_unit_add_up(large_server, page):
    whole = httpx.get(large_server + "/graph/explore", params={"limit": 2000, "view": "units"}, timeout=60).json()
    page.goto(large_server + "/ui/explore?limit=1000&aggregate=1")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('已显示 1000 /')")
    page.click("#more")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('已显示 2000 /')")
    shown = page.evaluate("window.DG_EXPLORE.nodes.get().map(n => n.raw.label)")
    assert sorted(shown) == sorted(n["label"] for n in whole["nodes"])
    weights = page.evaluate("window.DG_EXPLORE.edges.get().map(e => e.title)")
    assert sorted(weights) == sorted(link["title"] for link in whole["links"])
    assert page.errors == []
