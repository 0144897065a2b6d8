"""`write_page`: one self-contained HTML file that draws the graph with no network at all."""

from __future__ import annotations

import re

import httpx
import pytest

from viz.static_page import write_page

EXTERNAL_REF = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*(?!["']?data:)""", re.IGNORECASE)

# A hand-written graph in the API's node-link shape (003 item 202).
GRAPH = {
    "nodes": [
        {"id": "ag-1", "label": "市卫健委", "type": "Agency", "group": "department", "title": "市卫健委"},
        {"id": "ag-2", "label": "各区人民政府", "type": "Agency", "group": "group", "title": "各区人民政府"},
        {"id": "t-202", "label": "完善三孩生育政策配套措施,启动建设市托育综合服务中心", "type": "Task",
         "group": "doc-3", "title": "202.完善三孩生育政策配套措施</script><script>alert(1)</script>"},
        {"id": "ind-1", "label": "托位总数", "type": "Indicator", "group": "", "title": "托位总数达到4万个"},
    ],
    "links": [
        {"source": "ag-1", "target": "t-202", "type": "LEADS"},
        {"source": "ag-2", "target": "t-202", "type": "SUPPORTS"},
        {"source": "t-202", "target": "ind-1", "type": "HAS_INDICATOR"},
    ],
}


def test_page_references_nothing_outside_itself(tmp_path):
    out = write_page(graph=GRAPH, out=tmp_path / "g.html", title="市卫健委 <关系图>")
    html = out.read_text(encoding="utf-8")
    assert EXTERNAL_REF.findall(html) == []  # every script and style is inline
    assert "bootstrap" not in html
    assert "市卫健委 &lt;关系图&gt;" in html  # the title is escaped, not markup
    assert "</script><script>alert" not in html  # node data cannot close the script


def _open_offline(page, url: str):
    """Open `url` with every non-file request aborted and recorded."""
    blocked: list[str] = []

    def guard(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(url)
    return blocked


@pytest.mark.browser
def test_page_draws_offline(tmp_path, page, artifacts):
    out = write_page(graph=GRAPH, out=tmp_path / "offline.html", title="市卫健委")
    blocked = _open_offline(page, out.as_uri())
    page.wait_for_selector("#mynetwork canvas")
    assert page.evaluate("nodes.length") == len(GRAPH["nodes"])
    assert page.evaluate("edges.length") == len(GRAPH["links"])
    assert page.errors == []
    assert blocked == [] and page.foreign(None) == []
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "static_page_handwritten.png")


@pytest.mark.browser
def test_agency_graph_from_the_api_as_a_static_page(ui_server, tmp_path, page, artifacts):
    graph = httpx.get(f"{ui_server}/graph/agency/市卫健委", params={"depth": 1}, timeout=30).json()
    out = write_page(graph=graph, out=tmp_path / "wjw.html", title="市卫健委 · 责任图谱")
    blocked = _open_offline(page, out.as_uri())
    page.wait_for_selector("#mynetwork canvas")
    assert page.evaluate("nodes.length") == len(graph["nodes"]) > 15
    titles = " ".join(page.evaluate("nodes.get().filter(n => n.shape === 'box').map(n => n.title)"))
    assert re.findall(r"[A-Za-z]{2,}", titles) == []  # agency tooltips name their type in Chinese
    assert blocked == [] and page.errors == []
    page.wait_for_timeout(1000)
    page.screenshot(path=artifacts / "static_page_wjw.png")
