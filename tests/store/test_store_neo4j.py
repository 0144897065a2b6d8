"""Neo4j-specific checks. They need a server: run with NEO4J_URI (+ NEO4J_USER, NEO4J_PASSWORD) set,
e.g. `docker compose up neo4j` then `NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=dutygraph-dev pytest
tests/store`; the whole contract suite (test_store_contract.py) then runs on Neo4j as well."""

from __future__ import annotations

import pytest

from graph.connect import open_store
from graph.settings import Settings
from graph.store import GraphStore, QueryError, ReadOnlyViolation, StoreError


def test_unreachable_neo4j_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="无法连接 Neo4j"):
        open_store(Settings(neo4j_uri="bolt://127.0.0.1:9", neo4j_password="x" * 8))


@pytest.mark.neo4j
def test_store_is_neo4j(store: GraphStore) -> None:
    assert store.backend == "neo4j"


@pytest.mark.neo4j
def test_schema_creates_unique_id_constraints_once(store: GraphStore) -> None:
    store.ensure_schema()
    store.ensure_schema()
    rows = store.read("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
                      "RETURN labelsOrTypes[0] AS label, properties, type")
    unique = sorted(r["label"] for r in rows if r["properties"] == ["id"] and "UNIQUE" in r["type"])
    assert unique == sorted(["Document", "Section", "Task", "Indicator", "Agency", "District"])


@pytest.mark.neo4j
def test_schema_write_through_read_path_is_refused(store: GraphStore) -> None:
    with pytest.raises(ReadOnlyViolation):
        store.read("CREATE INDEX extra_idx IF NOT EXISTS FOR (n:Task) ON (n.title)")
    names = [r["name"] for r in store.read("SHOW INDEXES YIELD name RETURN name")]
    assert "extra_idx" not in names


@pytest.mark.neo4j
def test_read_timeout_is_passed_to_the_transaction(store: GraphStore) -> None:
    with pytest.raises(QueryError):
        store.read("UNWIND range(1, 200000000) AS i WITH i WHERE i % 7 = 100 RETURN count(i) AS n", timeout_ms=10)


@pytest.mark.neo4j
def test_test_server_that_cannot_start_in_time_says_so_with_its_log(tmp_path) -> None:
    from tools.neo4j.server import Neo4jServer, Neo4jStartError

    server = Neo4jServer(tmp_path / "home", start_timeout_s=0.2)
    with pytest.raises(Neo4jStartError, match=r"did not start within 0 s[\s\S]*launcher.log"):
        server.start()
    assert not server.running
