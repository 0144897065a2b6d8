"""The documents page in a real browser: the list with its load quality, upload with the key, replace, remove.

Its own server (uploads enabled) on its own graph. Counts are read off our own documents in
tests/formats/docs: yunchuan_plan.txt has nine numbered tasks (1.–9.) issued by 云川市人民政府办公室,
yunchuan_table.txt five numbered rows.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import httpx
import openpyxl
import pytest

from graph.settings import Settings

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[1] / "formats" / "docs"
PLAN = DOCS / "yunchuan_plan.txt"
TABLE = DOCS / "yunchuan_table.txt"
KEY = "documents-page-key"


@pytest.fixture
def keyed_ui(falkordb_server):
    """A server with DUTYGRAPH_API_KEY over a graph holding only yunchuan_plan.txt; yields its origin."""
    import uvicorn

    from api.app import create_app
    from graph.connect import open_store
    from loaders.pipeline import load_paths

    settings = Settings(dutygraph_data=Path(falkordb_server.data_dir), dutygraph_graph=f"docs_ui_{uuid.uuid4().hex[:8]}",
                        falkordb_url=None, neo4j_uri=None, dutygraph_api_key=KEY)
    store = open_store(settings)
    store.ensure_schema()
    (result,) = load_paths(store=store, paths=[PLAN])
    assert result.status == "loaded", result.error
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, store=store), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.delete_graph()
        store.close()


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        sheet.append(line.split("\t") if line else [])
    book.save(path)
    return path


def row(page, source: str):
    return page.locator(f'#documents tr[data-source="{source}"]')


def test_list_upload_replace_remove(page, keyed_ui, tmp_path, artifacts):
    page.goto(f"{keyed_ui}/ui/documents")
    plan = row(page, PLAN.name)
    plan.wait_for()
    assert plan.locator("td.tasks").inner_text() == "9"
    assert plan.locator("td.place").inner_text() == "云川市"
    assert int(plan.locator("td.unit-count").inner_text()) >= 8  # the units named in the brackets
    assert "需要 API 密钥" in page.locator("#key-note").inner_text()
    assert page.locator("header.top a.active").inner_text() == "文件管理"

    # Without the key: refused, and the page says why; nothing is loaded.
    workbook = _xlsx(tmp_path / "民生实事.xlsx")
    page.set_input_files("#upload-file", str(workbook))
    page.click("#upload-button")
    page.locator("#upload-status.error").wait_for()
    assert "API 密钥" in page.locator("#upload-status").inner_text()
    assert httpx.get(f"{keyed_ui}/documents").json()["total"] == 1

    # With the key: loaded, counted, listed.
    page.fill("#api-key", KEY)
    page.click("#upload-button")
    page.locator("#upload-status.ok").wait_for()
    assert "任务 5 项" in page.locator("#upload-status").inner_text()
    row(page, workbook.name).wait_for()
    assert row(page, workbook.name).locator("td.tasks").inner_text() == "5"
    assert page.locator("#doc-count").inner_text() == "2"
    page.screenshot(path=str(artifacts / "documents_page.png"), full_page=True)

    # Replace the plan with a new version under its own name: task 9 dropped, task 8's unit misprinted.
    # The new file takes the old one's place in one write; the row shows the new version's quality.
    newer = tmp_path / "方案_修订版.txt"
    newer.write_text("\n".join(l.replace("（责任单位：市发展改革委）", "（责任单位：甲乙丙丁）")
                               for l in PLAN.read_text(encoding="utf-8").splitlines() if not l.startswith("9.")),
                     encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        plan.locator("button.replace").click()
    chooser.value.set_files(str(newer))
    row(page, newer.name).wait_for()
    plan.wait_for(state="detached")
    assert "已取代 " + PLAN.name in page.locator("#upload-status").inner_text()
    revised = row(page, newer.name)
    assert revised.locator("td.tasks").inner_text() == "8"
    assert revised.locator("td.place").inner_text() == "云川市"
    assert revised.locator("td.unresolved summary").inner_text() == "1"
    revised.locator("td.unresolved summary").click()
    assert revised.locator("td.unresolved li").all_inner_texts() == ["甲乙丙丁"]
    warnings = int(revised.locator("td.warnings summary").inner_text())
    revised.locator("td.warnings summary").click()
    notes = revised.locator("td.warnings li").all_inner_texts()
    assert len(notes) == warnings and any("无法识别的单位“甲乙丙丁”" in n for n in notes), notes
    assert row(page, workbook.name).locator("td.unresolved").inner_text() == "0"
    assert page.locator("#doc-count").inner_text() == "2"
    sources = sorted(d["source"] for d in httpx.get(f"{keyed_ui}/documents").json()["items"])
    assert sources == sorted([newer.name, workbook.name])

    # Remove the workbook: confirmed, gone from the list and from the graph.
    page.once("dialog", lambda d: d.accept())
    row(page, workbook.name).locator("button.remove").click()
    row(page, workbook.name).wait_for(state="detached")
    listed = httpx.get(f"{keyed_ui}/documents").json()
    assert [d["source"] for d in listed["items"]] == [newer.name]
    assert httpx.get(f"{keyed_ui}/health").json()["counts"].get("Task") == 8
    assert page.foreign(keyed_ui) == [] and page.errors == []


def test_delete_needs_the_key_and_leaves_the_graph_as_it_was(keyed_ui):
    doc_id = httpx.get(f"{keyed_ui}/documents").json()["items"][0]["id"]
    before = httpx.get(f"{keyed_ui}/health").json()["counts"]
    assert httpx.delete(f"{keyed_ui}/documents/{doc_id}").status_code == 403
    assert httpx.delete(f"{keyed_ui}/documents/{doc_id}", headers={"X-API-Key": "wrong"}).status_code == 403
    assert httpx.delete(f"{keyed_ui}/documents/nope", headers={"X-API-Key": KEY}).status_code == 404
    assert httpx.get(f"{keyed_ui}/health").json()["counts"] == before
    r = httpx.delete(f"{keyed_ui}/documents/{doc_id}", headers={"X-API-Key": KEY})
    assert r.status_code == 200 and r.json()["status"] == "removed"
    assert httpx.get(f"{keyed_ui}/documents").json()["total"] == 0
    assert httpx.get(f"{keyed_ui}/health").json()["counts"].get("Task", 0) == 0


def test_several_files_picked_at_once_are_answered_one_by_one(page, keyed_ui, tmp_path):
    """Two files in one upload: the table loads, the broken file fails alone; both results shown in order."""
    broken = tmp_path / "损坏.txt"
    broken.write_bytes(b"\xff\xfe" + "一、测试".encode("utf-16-le") + b"\x00")  # UTF-16 cut mid-character
    page.goto(f"{keyed_ui}/ui/documents")
    row(page, PLAN.name).wait_for()
    page.fill("#api-key", KEY)
    page.set_input_files("#upload-file", [str(TABLE), str(broken)])
    page.click("#upload-button")
    results = page.locator("#upload-results li")
    results.first.wait_for()
    assert [results.nth(n).get_attribute("data-source") for n in range(results.count())] == [TABLE.name, broken.name]
    assert [results.nth(n).get_attribute("data-status") for n in range(2)] == ["loaded", "failed"]
    assert "任务 5 项" in results.nth(0).inner_text()
    assert "损坏.txt" in results.nth(1).inner_text() and "编码" in results.nth(1).inner_text()
    assert "载入 1" in page.locator("#upload-status").inner_text() and "失败 1" in page.locator("#upload-status").inner_text()
    row(page, TABLE.name).wait_for()
    assert row(page, TABLE.name).locator("td.tasks").inner_text() == "5"
    assert page.locator("#doc-count").inner_text() == "2"
    assert page.foreign(keyed_ui) == [] and page.errors == []
