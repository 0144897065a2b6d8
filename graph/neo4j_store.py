"""GraphStore on Neo4j 5 through the official `neo4j` driver (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD).

Reads run in managed READ transactions (a READ access-mode session), so the server refuses writes;
as a second guard, a read whose summary reports updates is rolled back and refused too. A write batch
runs in one managed write transaction: all statements commit together or none does. Neo4j has no
named graphs in one database: the store works on the whole database (NEO4J_DATABASE or the default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, unit_of_work
from neo4j.exceptions import DriverError, Neo4jError
from neo4j.graph import Node, Path, Relationship

from graph.schema import RANGE_INDEXES, UNIQUE_ID, count_all, index_name
from graph.store import Params, QueryError, ReadOnlyViolation, Statement, StoreError

READ_ONLY_CODES = (
    "Neo.ClientError.Statement.AccessMode",  # writes and schema commands in a read transaction (5.26)
    "Neo.ClientError.Security.Forbidden",  # the same, refused by a read-only user's privileges
    "Neo.ClientError.Cluster.NotALeader",
    "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
)


def plain(value: Any) -> Any:
    """Driver values to JSON-like values: nodes and relationships to property maps, paths to lists,
    temporal values to ISO strings."""
    if isinstance(value, Node | Relationship):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        out: list[Any] = [plain(value.start_node)]
        for rel in value.relationships:
            out += [plain(rel), plain(rel.end_node)]
        return out
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


READ_ONLY_MESSAGES = ("read access mode", "write operations are not allowed",
                      "schema operations are not allowed")


TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",  # the timeout we passed
    "Neo.ClientError.Transaction.TransactionTimedOut",  # the server's db.transaction.timeout
)


def _error(e: Neo4jError, what: str) -> QueryError:
    message = (e.message or "").lower()
    if (e.code or "") in READ_ONLY_CODES or any(m in message for m in READ_ONLY_MESSAGES):
        return ReadOnlyViolation(f"只读查询中不允许写操作：{what[:200]}")
    if (e.code or "") in TIMEOUT_CODES:  # "timed out" is what api/routes/cypher.py looks for, as on FalkorDB
        return QueryError(f"查询超时（Query timed out）：{e.code}")
    return QueryError(f"查询失败：{e.code}: {e.message}")


class Neo4jStore:
    """GraphStore for one Neo4j database."""

    backend = "neo4j"

    def __init__(self, driver: neo4j.Driver, *, database: str | None = None):
        self._driver = driver
        self._database = database

    @classmethod
    def connect(cls, uri: str, *, user: str, password: str, database: str | None = None) -> Neo4jStore:
        # the server's notifications (unknown labels in a young graph, …) would only be logged as noise
        driver = GraphDatabase.driver(uri, auth=(user, password), notifications_min_severity="OFF")
        try:
            driver.verify_connectivity()
        except (Neo4jError, DriverError, OSError) as e:
            driver.close()
            raise StoreError(f"无法连接 Neo4j（{uri}）：{e}") from e
        return cls(driver, database=database)

    # ---- GraphStore -----------------------------------------------------------------------

    def read(self, query: str, params: Params | None = None, *, timeout_ms: int | None = None
             ) -> list[dict[str, Any]]:
        timeout = timeout_ms / 1000 if timeout_ms is not None else None

        @unit_of_work(timeout=timeout)
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            result = tx.run(query, params or {})
            rows = [{k: plain(v) for k, v in record.items()} for record in result]
            counters = result.consume().counters
            if counters.contains_updates or counters.contains_system_updates:
                raise ReadOnlyViolation(f"只读查询中不允许写操作：{query[:200]}")
            return rows

        try:
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(work)
        except Neo4jError as e:
            raise _error(e, query) from e
        except DriverError as e:
            raise StoreError(f"Neo4j 连接失败：{e}") from e

    def write(self, statements: Sequence[Statement], *, edges_only: bool = False) -> None:
        batch = [(cypher, dict(params or {})) for cypher, params in statements]
        if not batch:
            return

        def work(tx: ManagedTransaction) -> None:
            for i, (cypher, params) in enumerate(batch):
                try:
                    tx.run(cypher, params).consume()
                except Neo4jError as e:
                    raise QueryError(f"第 {i + 1}/{len(batch)} 条写语句失败：{e.code}: {e.message}\n"
                                     f"{cypher[:300]}") from e

        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                session.execute_write(work)
        except Neo4jError as e:
            raise _error(e, batch[0][0]) from e
        except DriverError as e:
            raise StoreError(f"Neo4j 连接失败：{e}") from e

    def ensure_schema(self) -> None:
        ddl = [f"CREATE CONSTRAINT {index_name(label, 'id', 'unique')} IF NOT EXISTS "
               f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" for label in UNIQUE_ID]
        ddl += [f"CREATE INDEX {index_name(label, prop)} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
                for label, prop in RANGE_INDEXES]
        ddl.append("CALL db.awaitIndexes(300)")
        for statement in ddl:  # schema commands cannot share a transaction with other writes
            self._auto_commit(statement)

    def clear(self) -> None:
        self.write([("MATCH (n) DETACH DELETE n", {})])

    def counts(self) -> dict[str, int]:
        return count_all(self.read)

    def version(self) -> int | None:
        """No cheap write counter here: readers do not cache answers from Neo4j."""
        return None

    def close(self) -> None:
        self._driver.close()

    # ---- internals ------------------------------------------------------------------------

    def _session(self, mode: str) -> neo4j.Session:
        # One bookmark manager for all our sessions: in a cluster (neo4j:// routing, reads on followers)
        # a read after a load waits until its server has that load (causal consistency).
        return self._driver.session(database=self._database, default_access_mode=mode,
                                    bookmark_manager=self._driver.execute_query_bookmark_manager)

    def _auto_commit(self, statement: str) -> None:
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                session.run(statement).consume()
        except Neo4jError as e:
            raise QueryError(f"建立索引失败：{e.code}: {e.message}\n{statement}") from e
        except DriverError as e:
            raise StoreError(f"Neo4j 连接失败：{e}") from e
