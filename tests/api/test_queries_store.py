"""Every catalogue query on the `store` fixture (embedded FalkorDB; Neo4j with `pytest --backend neo4j`),
over the small hand-written graph. One row per query: parameters and what the graph says the answer is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from small_graph import write_small_graph

from graph.catalogue import Catalogue
from graph.settings import Settings

Rows = list[dict[str, Any]]


def ids(rows: Rows) -> set[str]:
    return {r["id"] for r in rows}


CASES: list[tuple[str, dict[str, Any], Callable[[Rows], bool]]] = [
    ("agency_tasks", {"name": "市卫健委", "role": "lead"}, lambda r: ids(r) == {"t-202", "t-212", "t-214", "t-215", "t-m23"}),
    ("agency_tasks", {"name": "武汉市卫生健康委员会", "role": "support"}, lambda r: ids(r) == {"t-237"}),
    ("agency_tasks", {"name": "江岸区人民政府"},
     lambda r: {(x["id"], x["via"]) for x in r} == {("t-202", "各区人民政府"), ("t-212", "各区人民政府"),
                                                    ("t-215", "各区人民政府"), ("t-237", "各区人民政府"),
                                                    ("t-m23", "各区人民政府"), ("t-c1", "各中心城区人民政府")}),
    ("agency_tasks", {"name": "市卫健委", "offset": 4, "limit": 10},
     lambda r: [x["id"] for x in r] == ["t-237", "t-m23"] and {x["total"] for x in r} == {6}),
    # via: 江岸区人民政府 holds nothing itself, six tasks through 各区人民政府 / 各中心城区人民政府
    ("agency_tasks", {"name": "江岸区人民政府", "via": "direct"}, lambda r: r == []),
    ("agency_tasks", {"name": "江岸区人民政府", "via": "group", "role": "support", "limit": 2},
     lambda r: [x["id"] for x in r] == ["t-c1", "t-202"] and {x["total"] for x in r} == {6}),
    ("agency_tasks", {"name": "市卫健委", "via": "direct", "role": "support"}, lambda r: ids(r) == {"t-237"}),
    ("agency_tasks", {"name": "市卫健委", "via": "group"}, lambda r: r == []),
    # document: by id, file name or the start of the file name
    ("agency_tasks", {"name": "江岸区人民政府", "document": "000"},
     lambda r: [(x["id"], x["via"], x["total"]) for x in r] == [("t-c1", "各中心城区人民政府", 1)]),
    ("agency_tasks", {"name": "市卫健委", "document": "doc-003", "role": "lead", "offset": 4},
     lambda r: [(x["id"], x["total"]) for x in r] == [("t-m23", 5)]),
    ("agency_tasks", {"name": "市卫健委", "document": "000_test.txt"}, lambda r: r == []),
    ("agency_profile", {"name": "市卫健委"},
     lambda r: r[0]["counts"] == {"lead": 5, "support": 1, "via_group": 0} and r[0]["document_count"] == 1),
    ("agency_documents", {"name": "市卫健委"},
     lambda r: [(x["doc_id"], x["source"], x["lead"], x["support"]) for x in r] == [("doc-003", "003_test.txt", 5, 1)]),
    ("agency_documents", {"name": "江岸区人民政府"}, lambda r: r == []),  # only through groups
    ("agency_sections", {"name": "市卫健委"},
     lambda r: [(x["section"], x["lead"], x["support"]) for x in r] == [("(十)民生", 4, 0), ("(十一)治理", 0, 1), ("民生实事", 1, 0)]),
    ("agency_sections", {"name": "江岸区人民政府"}, lambda r: r == []),  # only through groups
    ("shared_tasks", {"a": "市卫健委", "b": "市城管执法委"}, lambda r: ids(r) == {"t-215", "t-237"}),
    ("district_tasks", {"district": "江岸区"},
     lambda r: ids(r) == {"t-202", "t-212", "t-215", "t-237", "t-m23", "t-c1", "t-ja1", "t-jafg"}),
    ("district_tasks", {"district": "不存在区"}, lambda r: r == []),
    ("task_detail", {"id": "t-202"},
     lambda r: [a["name"] for a in r[0]["lead_agencies"]] == ["市卫健委"]
     and sorted(c["id"] for c in r[0]["indicators"][0]["rolled_up_from"]) == ["ind-ja", "ind-wc"]),
    ("indicator_rollup", {"id": "ind-city"}, lambda r: r[0]["sum"] == pytest.approx(2.5) and r[0]["unit"] == "万个"),
    ("indicator_rollup", {"id": "ind-lone"}, lambda r: r[0]["children"] == [] and r[0]["sum"] is None),
    ("workload", {"limit": 1}, lambda r: [(x["name"], x["lead"], x["support"]) for x in r] == [("市卫健委", 5, 1)]),
    ("workload", {"document": "000"}, lambda r: {x["name"] for x in r} == {"市民政局", "各中心城区人民政府", "江岸区发改局"}),
    ("unowned_tasks", {}, lambda r: ids(r) == {"t-none"}),
    ("unowned_tasks", {"include_rows": True}, lambda r: ids(r) == {"t-none", "t-ja1", "t-wc1"}),
    ("agency_neighbours", {"name": "市卫健委", "limit": 2},
     lambda r: [(x["name"], x["weight"]) for x in r] == [("各区人民政府", 5), ("市城管执法委", 2)]),
    ("search_tasks", {"q": "婴幼儿", "jurisdiction": "武昌区"}, lambda r: ids(r) == {"t-wc1"}),
    ("search_tasks", {"section": "治理", "document": "003_test.txt"}, lambda r: ids(r) == {"t-237", "t-none"}),
    ("list_agencies", {"q": "健康委员会"}, lambda r: [x["name"] for x in r] == ["市卫健委"]),
    ("list_documents", {}, lambda r: {(x["source"], x["tasks"]) for x in r} == {("000_test.txt", 4), ("003_test.txt", 7)}),
    ("list_districts", {}, lambda r: [x["name"] for x in r] == sorted(["江岸区", "武昌区"])),
    ("agency_names", {}, lambda r: "武汉市卫生健康委员会" in next(x for x in r if x["name"] == "市卫健委")["aliases"]),
    ("agencies_by_name", {"names": ["市卫健委", "无此单位"]}, lambda r: [x["id"] for x in r] == ["ag-wjw"]),
    ("assignment_edges", {"document": "003"}, lambda r: len(r) == 15),
]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(Settings().dutygraph_queries)


def test_every_query_has_a_case(catalogue: Catalogue) -> None:
    assert {q.name for q in catalogue.queries()} == {name for name, _, _ in CASES}


@pytest.mark.parametrize(("name", "params", "check"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_query(store, catalogue: Catalogue, name: str, params: dict[str, Any], check) -> None:
    write_small_graph(store)
    rows = catalogue.run(store, name, params)
    assert check(rows), rows
