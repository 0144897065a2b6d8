"""More documents than the API gives in one page (1,000): every document's page still finds its document."""

from __future__ import annotations

import httpx
import pytest

from tests.viz.conftest import loaded_store, serving

pytestmark = pytest.mark.browser

MANY = 1_010


@pytest.fixture(scope="module")
def many_server(graphs, tmp_path_factory):
    folder = tmp_path_factory.mktemp("many-docs")
    for n in range(1, MANY + 1):
        (folder / f"yunxi_{n:04d}.txt").write_text(
            f"云溪县第{n}号重点工作任务分解表\n\n1.完成第{n}批农村公路提档升级{n * 7}公里。（牵头单位：县交通运输局）\n",
            encoding="utf-8")
    with loaded_store(graphs, "viz_many", sorted(folder.iterdir())) as loaded, serving(*loaded) as origin:
        yield origin


def test_a_document_past_the_first_page_of_the_list_has_its_page(page, many_server):
    body = httpx.get(f"{many_server}/documents", params={"limit": 5, "offset": MANY - 5}).json()
    assert body["total"] == MANY
    doc = body["items"][-1]
    page.goto(f"{many_server}/ui/document/{doc['id']}")
    page.wait_for_selector("#main h1, #main .error")
    assert doc["source"] in page.locator("#main").inner_text()
    assert "未找到" not in page.locator("#main").inner_text()
    assert page.locator("#main h1").inner_text() == (doc["title"] or doc["source"])
    assert page.errors == [] and page.foreign(many_server) == []


def test_the_documents_page_lists_every_document(page, many_server):
    page.goto(f"{many_server}/ui/documents")
    page.locator('#documents tr[data-source="yunxi_0001.txt"]').wait_for()
    assert page.locator("#documents tbody tr").count() == MANY
    assert page.locator("#doc-count").inner_text() == str(MANY)
    assert page.locator('#documents tr[data-source="yunxi_0001.txt"]').count() == 1
    assert page.locator(f'#documents tr[data-source="yunxi_{MANY:04d}.txt"]').count() == 1
    assert page.errors == []
