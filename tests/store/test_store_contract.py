"""The GraphStore contract, run against the real engine of the selected backend (see tests/conftest.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.store import GraphStore, QueryError, ReadOnlyViolation

AGENCY_MERGE = ("UNWIND $rows AS r MERGE (a:Agency {id: r.id}) "
                "SET a.name = r.name, a.jurisdiction = r.jurisdiction, a.aliases = r.aliases")
TASK_MERGE = "UNWIND $rows AS r MERGE (t:Task {id: r.id}) SET t.text = r.text, t.number = r.number"
LEADS_MERGE = ("UNWIND $rows AS r MATCH (a:Agency {id: r.agency}), (t:Task {id: r.task}) "
               "MERGE (a)-[l:LEADS]->(t) SET l.written = r.written")

AGENCIES = [
    {"id": "ag-wjw", "name": "市卫健委", "jurisdiction": "武汉市", "aliases": ["市卫生健康委"]},
    {"id": "ag-wc-fgj", "name": "武昌区发改局", "jurisdiction": "武昌区", "aliases": []},
]
TASKS = [
    {"id": "t-116", "number": "116",
     "text": "加强基层医疗卫生服务体系建设，推动“15分钟健康服务圈”全覆盖。"},
    {"id": "t-117", "number": "117", "text": "实施“银发”工程\n（二）\t含引号\"与反斜杠\\的文本"},
]
LEADS = [{"agency": "ag-wjw", "task": "t-116", "written": "市卫健委"},
         {"agency": "ag-wc-fgj", "task": "t-117", "written": "区发改局"}]


def load_batch() -> list[tuple[str, dict[str, Any]]]:
    return [(AGENCY_MERGE, {"rows": AGENCIES}), (TASK_MERGE, {"rows": TASKS}), (LEADS_MERGE, {"rows": LEADS})]


def dump(store: GraphStore) -> str:
    """Every node and relationship with its properties, in a stable order."""
    nodes = store.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels = store.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS type, properties(r) AS props, b.id AS b")
    rows = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in nodes + rels)
    return "\n".join(rows)


def test_round_trip_keeps_chinese_text_exactly(store: GraphStore) -> None:
    store.write(load_batch())
    rows = store.read("MATCH (a:Agency)-[l:LEADS]->(t:Task) RETURN a.name AS agency, l.written AS written, "
                      "t.number AS number, t.text AS text ORDER BY number")
    assert rows == [
        {"agency": "市卫健委", "written": "市卫健委", "number": "116",
         "text": "加强基层医疗卫生服务体系建设，推动“15分钟健康服务圈”全覆盖。"},
        {"agency": "武昌区发改局", "written": "区发改局", "number": "117",
         "text": "实施“银发”工程\n（二）\t含引号\"与反斜杠\\的文本"},
    ]
    found = store.read("MATCH (a:Agency) WHERE a.name = $name RETURN a.aliases AS aliases, a AS node",
                       {"name": "市卫健委"})
    assert found == [{"aliases": ["市卫生健康委"],
                      "node": {"id": "ag-wjw", "name": "市卫健委", "jurisdiction": "武汉市",
                               "aliases": ["市卫生健康委"]}}]


def test_counts_cover_every_schema_label_and_type(store: GraphStore) -> None:
    empty = store.counts()
    assert empty == {k: 0 for k in ("Document", "Section", "Task", "Indicator", "Agency", "District", "LEADS",
                                    "SUPPORTS", "ROLLS_UP_TO", "HAS_INDICATOR", "IN_SECTION", "PART_OF",
                                    "MEMBER_OF", "IN_DISTRICT", "BRANCH_OF")}
    store.write(load_batch())
    counts = store.counts()
    assert (counts["Agency"], counts["Task"], counts["LEADS"], counts["SUPPORTS"]) == (2, 2, 2, 0)


def test_same_merge_batch_twice_gives_same_counts_and_graph(store: GraphStore) -> None:
    store.write(load_batch())
    first, first_dump = store.counts(), dump(store)
    store.write(load_batch())
    assert store.counts() == first
    assert dump(store) == first_dump


# FalkorDB runs a batch as one chained query, or on a copy of the graph when a statement has a RETURN;
# both must be all-or-nothing.
RETURNING = ("MATCH (a:Agency) RETURN count(a) AS n", {})


@pytest.mark.parametrize("extra", [[], [RETURNING]], ids=["chained", "with-return"])
def test_batch_failing_at_third_statement_leaves_graph_unchanged(store: GraphStore, extra: list) -> None:
    store.write([(AGENCY_MERGE, {"rows": AGENCIES[:1]})])
    before_counts, before = store.counts(), dump(store)
    failing = [
        (AGENCY_MERGE, {"rows": AGENCIES[1:]}),
        (TASK_MERGE, {"rows": TASKS}),
        ("UNWIND $rows AS r CREATE (a:Agency {id: r.id})", {"rows": [{"id": "ag-new"}, {"id": "ag-wjw"}]}),
        (LEADS_MERGE, {"rows": LEADS}),
        *extra,
    ]
    with pytest.raises(QueryError):
        store.write(failing)
    assert store.counts() == before_counts
    assert dump(store) == before


@pytest.mark.parametrize("extra", [[], [RETURNING]], ids=["chained", "with-return"])
def test_batch_statements_see_earlier_writes_and_run_once(store: GraphStore, extra: list) -> None:
    """Same parameter names in every statement; a statement matching nothing does not stop the next."""
    store.write([
        *extra,
        ("UNWIND $rows AS r MERGE (t:Task {id: r.id}) SET t.text = r.text", {"rows": TASKS}),
        ("MATCH (n:District) SET n.seen = true", {}),
        ("UNWIND $rows AS r MERGE (a:Agency {id: r.id}) SET a.name = r.name", {"rows": AGENCIES}),
        ("UNWIND $rows AS r MATCH (a:Agency {id: r.agency}), (t:Task {id: r.task}) CREATE (a)-[:LEADS]->(t)",
         {"rows": LEADS}),
        ("CREATE (:Document {id: $rows})", {"rows": "doc-1"}),
    ])
    counts = store.counts()
    assert (counts["Task"], counts["Agency"], counts["LEADS"], counts["Document"]) == (2, 2, 2, 1)


def test_failing_single_statement_leaves_graph_unchanged(store: GraphStore) -> None:
    store.write(load_batch())
    before = dump(store)
    with pytest.raises(QueryError):
        store.write([("UNWIND [2, 1, 0] AS d CREATE (:Task {id: 'x' + toString(d), share: 10 / d})", {})])
    assert dump(store) == before


def test_write_through_read_path_is_refused_and_changes_nothing(store: GraphStore) -> None:
    store.write(load_batch())
    before = dump(store)
    for cypher in ("CREATE (:Agency {id: 'ag-x', name: '市教育局'})",
                   "MATCH (a:Agency {id: 'ag-wjw'}) SET a.name = '改名'",
                   "MATCH (n) DETACH DELETE n"):
        with pytest.raises(ReadOnlyViolation):
            store.read(cypher)
    assert dump(store) == before


def test_bad_cypher_raises_query_error(store: GraphStore) -> None:
    with pytest.raises(QueryError) as info:
        store.read("MATCH (a:Agency RETURN a")
    assert not isinstance(info.value, ReadOnlyViolation)


def test_read_timeout_stops_a_long_query(store: GraphStore) -> None:
    with pytest.raises(QueryError):
        store.read("UNWIND range(1, 20000000) AS i WITH i WHERE i % 7 = 100 RETURN count(i) AS n", timeout_ms=5)


def test_ensure_schema_twice_is_fine_and_unique_id_is_enforced(store: GraphStore) -> None:
    store.ensure_schema()
    store.ensure_schema()
    store.write([(AGENCY_MERGE, {"rows": AGENCIES})])
    with pytest.raises(QueryError):
        store.write([("CREATE (:Agency {id: 'ag-wjw', name: '重复'})", {})])
    assert store.counts()["Agency"] == 2


def test_clear_removes_everything(store: GraphStore) -> None:
    store.write(load_batch())
    store.clear()
    assert set(store.counts().values()) == {0}


def test_failed_batch_that_deletes_then_rewrites_leaves_graph_unchanged(store: GraphStore) -> None:
    """The loader's pattern: drop a document's earlier version, write the new one; the write fails."""
    store.write(load_batch())
    before = dump(store)
    with pytest.raises(QueryError):
        store.write([
            ("MATCH (t:Task) DETACH DELETE t", {}),
            (TASK_MERGE, {"rows": TASKS}),
            ("UNWIND $rows AS r MATCH (t:Task {id: r.id}) SET t.deadline = r.deadline",
             {"rows": [{"id": "t-116", "deadline": "2024-12-31"}, {"id": "t-117", "deadline": {"年": 2024}}]}),
        ])
    assert dump(store) == before
