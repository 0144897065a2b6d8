"""GraphStore on FalkorDB through the `falkordb` client: the embedded server or an external one.

Atomic multi-statement writes: one GRAPH.QUERY is atomic on its own (a failing query is rolled back,
read-your-writes holds inside it), but MULTI does not roll back. So a batch is chained into ONE query,
`stmt1 WITH count(*) AS _ stmt2 …`, each statement's parameters renamed apart ($rows → $s2_rows);
`count(*)` yields exactly one row, so every statement still runs once. A batch that cannot be chained
(a statement with RETURN, CALL, UNION or index DDL) or that deletes (FalkorDB's undo of a DELETE in a
failed query proved unreliable) runs on a copy of the graph instead (`GRAPH.COPY g g__tx`), which
replaces the graph with `RENAME g__tx g` only if every statement succeeded; that costs a full copy
(~1 s at 50k nodes), chaining costs nothing extra. Writers are
serialised across processes with a redis lock (two concurrent GRAPH.COPY hang the server).
For the embedded server the store SAVEs a snapshot after each write, so a write that returned survives
a SIGKILL of the server.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FPath
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from graph.embedded import EmbeddedServer
from graph.schema import RANGE_INDEXES, UNIQUE_ID, count_all
from graph.store import Params, QueryError, ReadOnlyViolation, Statement, StoreError

TX_SUFFIX = "__tx"
WRITE_LOCK = "dutygraph:write-lock"
RO_REFUSED = "is to be executed only on read-only queries"
EMPTY_KEY = "empty key"


def plain(value: Any) -> Any:
    """Driver values to JSON-like values: nodes and edges to their property maps, paths to lists."""
    if isinstance(value, Node | Edge):
        return {k: plain(v) for k, v in value.properties.items()}
    if isinstance(value, FPath):
        out: list[Any] = []
        nodes, edges = value.nodes(), value.edges()
        for i, node in enumerate(nodes):
            out.append(plain(node))
            if i < len(edges):
                out.append(plain(edges[i]))
        return out
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


_UNCHAINABLE = re.compile(r"\b(RETURN|CALL|UNION|INDEX|CONSTRAINT|LOAD)\b", re.IGNORECASE)
# FalkorDB 4.16 does not always undo a DELETE when a later part of the same query fails (seen with the
# loader's "drop the earlier version, then write the new one" batch): such batches go to a copy.
_DELETES = re.compile(r"\b(DELETE|REMOVE)\b", re.IGNORECASE)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _outside_literals(cypher: str) -> list[tuple[bool, str]]:
    """Split Cypher into (is_code, text) pieces: string literals, `identifiers` and comments are not code."""
    pieces: list[tuple[bool, str]] = []
    i = start = 0
    while i < len(cypher):
        c = cypher[i]
        end = -1
        if c in "'\"`":
            j = i + 1
            while j < len(cypher) and cypher[j] != c:
                j += 2 if cypher[j] == "\\" and c != "`" else 1
            end = j + 1
        elif cypher.startswith("//", i):
            j = cypher.find("\n", i)
            end = len(cypher) if j < 0 else j
        elif cypher.startswith("/*", i):
            j = cypher.find("*/", i + 2)
            end = len(cypher) if j < 0 else j + 2
        if end < 0:
            i += 1
            continue
        pieces += [(True, cypher[start:i]), (False, cypher[i:end])]
        i = start = end
    pieces.append((True, cypher[start:]))
    return pieces


def _code_matches(pattern: re.Pattern[str], batch: Sequence[tuple[str, Params]]) -> bool:
    return any(pattern.search(text) for cypher, _ in batch for code, text in _outside_literals(cypher) if code)


def chainable(batch: Sequence[tuple[str, Params]]) -> bool:
    """Can these statements be chained into one query with `WITH count(*)` between them, relying on
    FalkorDB to undo the whole query if it fails?"""
    return not _code_matches(_UNCHAINABLE, batch) and not _code_matches(_DELETES, batch)


def chain(batch: Sequence[tuple[str, Params]]) -> tuple[str, Params]:
    """One query running the statements in order, each once, with parameters renamed apart."""
    parts: list[str] = []
    params: Params = {}
    for n, (cypher, own) in enumerate(batch, start=1):
        prefix = f"s{n}_"
        text = "".join(_PARAM.sub(lambda m, p=prefix: f"${p}{m.group(1)}", piece) if code else piece
                       for code, piece in _outside_literals(cypher.strip().rstrip(";")))
        parts.append(text if n == 1 else f"WITH count(*) AS _dg_{n - 1}\n{text}")
        params.update({prefix + k: v for k, v in own.items()})
    return "\n".join(parts), params


class FalkorDBStore:
    """GraphStore for one named graph on a FalkorDB server."""

    backend = "falkordb"

    def __init__(
        self,
        db: FalkorDB,
        *,
        graph: str,
        server: EmbeddedServer | None = None,
        owns_server: bool = False,
        persist: bool = False,
        lock_ttl_s: float = 300.0,
        lock_wait_s: float = 300.0,
    ):
        self._db = db
        self._conn: redis.Redis = db.connection
        self.graph_name = graph
        self._graph = db.select_graph(graph)
        self.server = server
        self._owns_server = owns_server
        self._persist_writes = persist
        self._lock_ttl_s = lock_ttl_s
        self._lock_wait_s = lock_wait_s
        if server is not None and server.fresh:
            server.fresh = False
            self._drop_leftovers()

    # ---- construction ---------------------------------------------------------------------

    @classmethod
    def embedded(cls, data_dir: Any, *, graph: str, server: EmbeddedServer | None = None) -> FalkorDBStore:
        """Open `graph` on an embedded server: the one given (not stopped by close), or the data folder's
        (reused if running, else started; then close() stops it)."""
        owns = server is None
        server = server or EmbeddedServer(data_dir).start()
        db = FalkorDB(unix_socket_path=str(server.socket_path),
                      retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2))  # fail fast, then _revive
        return cls(db, graph=graph, server=server,
                   owns_server=owns, persist=True)

    @classmethod
    def from_url(cls, url: str, *, graph: str) -> FalkorDBStore:
        """Open `graph` on an external FalkorDB: redis://host:port, rediss://…, unix:///path/to.sock."""
        try:
            db = FalkorDB.from_url(url)
            db.connection.ping()
        except (redis.RedisError, OSError, ValueError) as e:
            raise StoreError(f"无法连接 FalkorDB（{url}）：{e}") from e
        return cls(db, graph=graph)

    # ---- GraphStore -----------------------------------------------------------------------

    def read(self, query: str, params: Params | None = None, *, timeout_ms: int | None = None
             ) -> list[dict[str, Any]]:
        try:
            return self._read(query, params, timeout_ms)
        except _ConnectionLost:
            if not self._revive():
                raise
            return self._read(query, params, timeout_ms)

    def write(self, statements: Sequence[Statement]) -> None:
        batch = [(cypher, dict(params or {})) for cypher, params in statements]
        if not batch:
            return
        try:
            self._write(batch)
        except _ConnectionLost as e:
            if not (self._revive() and e.nothing_sent):
                raise StoreError(f"与 FalkorDB 的连接中断，写入可能未完成，请重试：{e}") from e
            self._write(batch)

    def _read(self, query: str, params: Params | None, timeout_ms: int | None) -> list[dict[str, Any]]:
        try:
            result = self._graph.ro_query(query, params, timeout=None if timeout_ms is None else int(timeout_ms))
        except redis.ResponseError as e:
            if RO_REFUSED in str(e):
                raise ReadOnlyViolation(f"只读查询中不允许写操作：{query[:200]}") from e
            if EMPTY_KEY in str(e):
                return self._read_missing_graph(query, params)
            raise QueryError(f"查询失败：{e}") from e
        except (redis.ConnectionError, redis.TimeoutError) as e:
            raise _ConnectionLost(f"FalkorDB 连接失败：{e}") from e
        columns = [h[1] for h in result.header]
        return [dict(zip(columns, (plain(v) for v in row))) for row in result.result_set]

    def _write(self, batch: Sequence[tuple[str, Params]]) -> None:
        with self._write_lock():
            if len(batch) == 1 and not _code_matches(_DELETES, batch):
                self._run(self._graph, batch, 0)
            elif chainable(batch):
                self._run(self._graph, [chain(batch)], 0, what="批量写入")
            else:
                self._copy_and_swap(batch)
            self._persist()

    def ensure_schema(self) -> None:
        with self._write_lock():
            self._ensure_graph()
            indexes = {(r["label"], p) for r in self._index_rows() for p in r["properties"]}
            for label, prop in (*((lbl, "id") for lbl in UNIQUE_ID), *RANGE_INDEXES):
                if (label, prop) not in indexes:
                    self._query(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
            constraints = {r["label"] for r in self._constraint_rows()
                           if r["type"] == "UNIQUE" and list(r["properties"]) == ["id"]}
            for label in UNIQUE_ID:
                if label not in constraints:
                    self._execute("GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE", label,
                                  "PROPERTIES", "1", "id")
            self._wait_constraints_operational()
            self._persist()

    def clear(self) -> None:
        with self._write_lock():
            if self._conn.exists(self.graph_name):
                self._query("MATCH (n) DETACH DELETE n")
            self._persist()

    def counts(self) -> dict[str, int]:
        return count_all(self.read)

    def close(self) -> None:
        try:
            self._conn.close()
        finally:
            if self.server is not None and self._owns_server:
                self.server.stop()

    # ---- extras (FalkorDB only) -----------------------------------------------------------

    def delete_graph(self) -> None:
        """Drop the whole graph key, indexes included (tests use it to clean up their graph)."""
        with self._write_lock():
            self._conn.delete(self.graph_name, self.graph_name + TX_SUFFIX)
            self._persist()

    # ---- internals ------------------------------------------------------------------------

    def _run(self, graph: Any, batch: Sequence[tuple[str, Params]], offset: int, what: str = "") -> None:
        for i, (cypher, params) in enumerate(batch, start=offset):
            try:
                graph.query(cypher, params or None)
            except redis.ResponseError as e:
                where = what or f"第 {i + 1}/{len(batch)} 条写语句"
                raise QueryError(f"{where}失败，图谱未改动：{e}\n{cypher[:300]}") from e
            except (redis.ConnectionError, redis.TimeoutError) as e:
                raise _ConnectionLost(f"FalkorDB 连接失败：{e}") from e

    def _copy_and_swap(self, batch: Sequence[tuple[str, Params]]) -> None:
        tx_name = self.graph_name + TX_SUFFIX
        self._conn.delete(tx_name)
        if self._conn.exists(self.graph_name):
            self._graph.copy(tx_name)
        tx = self._db.select_graph(tx_name)
        try:
            self._run(tx, batch, 0)
        except BaseException:
            self._conn.delete(tx_name)
            raise
        if self._conn.exists(tx_name):
            self._conn.rename(tx_name, self.graph_name)

    def _read_missing_graph(self, query: str, params: Params | None) -> list[dict[str, Any]]:
        """The graph key does not exist yet: create it empty, then ask again (a write is still refused)."""
        with self._write_lock():
            self._ensure_graph()
        return self.read(query, params)

    def _ensure_graph(self) -> None:
        if not self._conn.exists(self.graph_name):
            self._query("RETURN 0")
            if not self._conn.exists(self.graph_name):
                self._query("CREATE (n:__Empty) DELETE n")

    def _query(self, cypher: str) -> None:
        self._run(self._graph, [(cypher, {})], 0)

    def _execute(self, *args: Any) -> Any:
        try:
            return self._conn.execute_command(*args)
        except redis.ResponseError as e:
            raise QueryError(f"{args[0]} 失败：{e}") from e

    def _index_rows(self) -> list[dict[str, Any]]:
        return self.read("CALL db.indexes() YIELD label, properties RETURN label, properties")

    def _constraint_rows(self) -> list[dict[str, Any]]:
        return self.read("CALL db.constraints() YIELD type, label, properties, status "
                         "RETURN type, label, properties, status")

    def _wait_constraints_operational(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            rows = self._constraint_rows()
            failed = [r for r in rows if r["status"] == "FAILED"]
            if failed:
                raise StoreError(f"唯一约束创建失败（已有重复 id？）：{failed}")
            if all(r["status"] == "OPERATIONAL" for r in rows):
                return
            if time.monotonic() > deadline:
                raise StoreError(f"唯一约束 {timeout_s:.0f} 秒内未就绪：{rows}")
            time.sleep(0.02)

    def _write_lock(self) -> _Lock:
        return _Lock(self._conn.lock(WRITE_LOCK, timeout=self._lock_ttl_s,
                                     blocking_timeout=self._lock_wait_s))

    def _persist(self) -> None:
        if self._persist_writes:
            try:
                self._conn.save()
            except redis.RedisError as e:
                raise StoreError(f"写入已生效，但保存快照失败：{e}") from e

    def _revive(self) -> bool:
        """After a lost connection: reuse the folder's server, or start one (this process then owns it),
        e.g. when the owner of a shared embedded server exited. External servers are not revived."""
        if self.server is None:
            return False
        try:
            self.server.start()
        except StoreError:
            return False
        if self.server.fresh:
            self.server.fresh = False
            self._drop_leftovers()
        return True

    def _drop_leftovers(self) -> None:
        """A server this process just started holds nobody's lock and no live transaction graph."""
        self._conn.delete(WRITE_LOCK)
        for name in self._conn.execute_command("GRAPH.LIST"):
            name = name.decode() if isinstance(name, bytes) else name
            if name.endswith(TX_SUFFIX):
                self._conn.delete(name)


class _ConnectionLost(StoreError):
    """The server went away; `nothing_sent` when it happened before any write statement was sent."""

    def __init__(self, message: str, *, nothing_sent: bool = False):
        super().__init__(message)
        self.nothing_sent = nothing_sent


class _Lock:
    """The redis lock as a context manager that raises StoreError when it cannot be had."""

    def __init__(self, lock: redis.lock.Lock):
        self._lock = lock

    def __enter__(self) -> None:
        try:
            acquired = self._lock.acquire()
        except (redis.ConnectionError, redis.TimeoutError) as e:
            raise _ConnectionLost(f"FalkorDB 连接失败：{e}", nothing_sent=True) from e
        except redis.RedisError as e:
            raise StoreError(f"无法获取写入锁：{e}") from e
        if not acquired:
            raise StoreError("等待写入锁超时：另一个进程正在写入图谱")

    def __exit__(self, *exc: object) -> None:
        try:
            self._lock.release()
        except redis.RedisError:
            pass  # expired while we held it, or the server is gone: nothing to release
