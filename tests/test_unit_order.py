"""Lists of units come in the order the document prints them: supervisors compare them with the paper."""

from __future__ import annotations

import pytest

from graph.catalogue import Catalogue
from graph.settings import REPO_ROOT
from loaders.pipeline import load_paths

GAZETTE = REPO_ROOT / "data" / "samples" / "000_0254987fc8a29e26.txt"
# 附件1 row 1 (加强生育全程服务), as printed: 市卫健委 | 市发改委、市教育局、市财政局、市人社局、市自然资源局规划局、
# 市城建局、市房管局、市市场监管局,各区人民政府(含开发区、风景区管委会,下同)
ROW_1_SUPPORTS = ["市发改委", "市教育局", "市财政局", "市人社局", "市自然资源规划局", "市城建局", "市房管局",
                  "市市场监管局", "各区人民政府"]


@pytest.fixture
def row_1(store):
    load_paths(store=store, paths=[GAZETTE])
    catalogue = Catalogue.load(REPO_ROOT / "queries")
    rows = catalogue.run(store, "agency_tasks", {"name": "市卫健委", "role": "lead"})
    return store, catalogue, next(r for r in rows if r["title"] == "加强生育全程服务")


def test_task_lists_keep_the_printed_order(row_1):
    _, _, row = row_1
    assert row["leads"] == ["市卫健委"]
    assert row["supports"] == ROW_1_SUPPORTS


def test_task_detail_keeps_the_printed_order(row_1):
    store, catalogue, row = row_1
    (detail,) = catalogue.run(store, "task_detail", {"id": row["id"]})
    assert [a["name"] for a in detail["support_agencies"]] == ROW_1_SUPPORTS
    assert [a["written"] for a in detail["support_agencies"]][4] == "市自然资源局规划局"
