"""Chaining a FalkorDB write batch into one query: which statements can be chained, and how
parameters are renamed apart (only outside string literals, identifiers and comments)."""

from __future__ import annotations

import pytest

from graph.falkordb_store import chain, chainable


@pytest.mark.parametrize("cypher, ok", [
    ("UNWIND $rows AS r MERGE (t:Task {id: r.id})", True),
    ("MATCH (t:Task {id: $id}) SET t.title = 'RETURN 与 CALL 只是文字'", True),
    ("MATCH (t:Task) // RETURN in a comment\nSET t.x = 1", True),
    ("MERGE (a:Agency {id: $id}) RETURN a.id AS id", False),
    ("CALL db.idx.fulltext.createNodeIndex('Task', 'text')", False),
    ("CREATE INDEX FOR (n:Task) ON (n.doc_id)", False),
    ("MATCH (a:Agency) SET a.x = 1 UNION MATCH (b:Task) SET b.x = 1", False),
    ("UNWIND [1] AS i CALL { MERGE (:X) } ", False),
    ("MATCH (t:Task {doc_id: $doc}) DETACH DELETE t", False),
    ("MATCH (t:Task) REMOVE t.deadline", False),
    ("MERGE (t:Task {id: $id}) SET t.note = 'DELETE 只是文字'", True),
])
def test_chainable(cypher: str, ok: bool) -> None:
    assert chainable([("CREATE (:Y)", {}), (cypher, {})]) is ok


@pytest.mark.parametrize("statements, query, params", [
    ([("MERGE (a {id: $id})", {"id": 1}), ("MERGE (b {id: $id});", {"id": 2})],
     "MERGE (a {id: $s1_id})\nWITH count(*) AS _dg_1\nMERGE (b {id: $s2_id})",
     {"s1_id": 1, "s2_id": 2}),
    ([("SET n.t = '$id 不是参数', n.u = \"a\\\"$id\"", {}), ("SET m.v = $id // $id", {"id": "甲"})],
     "SET n.t = '$id 不是参数', n.u = \"a\\\"$id\"\nWITH count(*) AS _dg_1\nSET m.v = $s2_id // $id",
     {"s2_id": "甲"}),
    ([("MATCH (n:`$odd`) SET n.x = $x", {"x": [1, 2]})],
     "MATCH (n:`$odd`) SET n.x = $s1_x", {"s1_x": [1, 2]}),
])
def test_chain_renames_parameters_apart(statements: list, query: str, params: dict) -> None:
    assert chain(statements) == (query, params)
