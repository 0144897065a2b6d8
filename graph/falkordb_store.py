"""GraphStore on FalkorDB through the `falkordb` client: the embedded server or an external one.

Atomic multi-statement writes: one GRAPH.QUERY is atomic on its own (a failing query is rolled back,
read-your-writes holds inside it), but MULTI does not roll back. So a batch is chained into ONE query,
`stmt1 WITH count(*) AS _ stmt2 …`, each statement's parameters renamed apart ($rows → $s2_rows);
`count(*)` yields exactly one row, so every statement still runs once. A batch that cannot be chained
(a statement with RETURN, CALL, UNION or index DDL) or that deletes (FalkorDB's undo of a DELETE in a
failed query proved unreliable) runs on a copy of the graph instead (`GRAPH.COPY g g__tx`), which
replaces the graph with `RENAME g__tx g` only if every statement succeeded; that costs a full copy
(~1 s at 50k nodes), chaining costs nothing extra. Writers are
serialised across processes with a lock that names its holder (graph/write_lock.py; two concurrent
GRAPH.COPY hang the server). The embedded server keeps an append-only file with `appendfsync always`, so
a write that returned survives a SIGKILL of the server; the store rewrites the file in the background
when it has grown (under the write lock: no other fork may run then).

Lost connections: a command that never reached the server (connecting failed) is sent again once the
folder's server is back. One that was sent is never sent again: a read that died with the server may have
killed it, and the outcome of such a write is unknown (WriteUnknown; the loader checks the graph).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FPath
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph import cypher_params
from graph.embedded import EmbeddedServer, wait_for_rewrite
from graph.schema import RANGE_INDEXES, UNIQUE_ID, count_all
from graph.store import Params, QueryError, ReadOnlyViolation, Statement, StoreError, WriteUnknown
from graph.write_lock import WriteLock

TX_SUFFIX = "__tx"
WRITE_LOCK = "dutygraph:write-lock"
VERSION_KEY = "dutygraph:version:"  # + graph name: a counter moved on after every write (readers' caches)
RO_REFUSED = "is to be executed only on read-only queries"
EMPTY_KEY = "empty key"
READ_TIMEOUT_MS = 60_000  # reads without their own timeout (the embedded server's default is the same)
WRITE_TIMEOUT_MS = 600_000
SOCKET_MARGIN_S = 10.0  # a socket waits this much longer than the query may run
AOF_REWRITE_MIN = 32 * 1024 * 1024  # rewrite the AOF when it has grown by this and doubled
COMPACT_MIN = 2 * 1024 * 1024  # after a load, rewrite it once this much has been logged since the last rewrite


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Driver values to JSON-like values: nodes and edges to their property maps, paths to lists."""
    if type(value) in _SCALARS:  # most values: one set lookup, not five isinstance checks (reads of 100k rows)
        return value
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


def chainable(batch: Sequence[tuple[str, Params]], *, edges_only: bool = False) -> bool:
    """Can these statements be chained into one query with `WITH count(*)` between them, relying on
    FalkorDB to undo the whole query if it fails?"""
    return not _code_matches(_UNCHAINABLE, batch) and (edges_only or not _code_matches(_DELETES, batch))


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
        read_db: FalkorDB | None = None,
        notify: Callable[[str], None] | None = None,
    ):
        self._db = db
        self._conn: redis.Redis = db.connection
        self._ro_db = read_db or db
        self.graph_name = graph
        self._graph = db.select_graph(graph)
        self._ro_graph = self._ro_db.select_graph(graph)
        self.server = server
        self._owns_server = owns_server
        self._persist_writes = persist
        self._lock = WriteLock(self._conn, WRITE_LOCK, ttl_s=lock_ttl_s, wait_s=lock_wait_s, notify=notify)
        self._held = threading.local()  # depth of exclusive() in this thread
        if server is not None and server.fresh:
            server.fresh = False
            self._drop_leftovers()

    # ---- construction ---------------------------------------------------------------------

    @classmethod
    def embedded(cls, data_dir: Any, *, graph: str, server: EmbeddedServer | None = None,
                 query_mem_mb: int | None = None, **options: Any) -> FalkorDBStore:
        """Open `graph` on an embedded server: the one given (not stopped by close), or the data folder's
        (reused if running, else started with `query_mem_mb` per query; close() releases it: the last
        process using it stops it)."""
        owns = server is None
        server = server or EmbeddedServer(data_dir, **({"query_mem_mb": query_mem_mb} if query_mem_mb else {})
                                          ).start()
        return cls(_client(server.socket_path, WRITE_TIMEOUT_MS), graph=graph, server=server, owns_server=owns,
                   persist=True, read_db=_client(server.socket_path, READ_TIMEOUT_MS), **options)

    @classmethod
    def from_url(cls, url: str, *, graph: str) -> FalkorDBStore:
        """Open `graph` on an external FalkorDB: redis://host:port, rediss://…, unix:///path/to.sock."""
        try:
            db = FalkorDB.from_url(url, socket_timeout=WRITE_TIMEOUT_MS / 1000 + SOCKET_MARGIN_S)
            db.connection.ping()
        except (redis.RedisError, OSError, ValueError) as e:
            raise StoreError(f"无法连接 FalkorDB（{url}）：{e}") from e
        return cls(db, graph=graph)

    # ---- GraphStore -----------------------------------------------------------------------

    def read(self, query: str, params: Params | None = None, *, timeout_ms: int | None = None
             ) -> list[dict[str, Any]]:
        try:
            return self._read(query, params, timeout_ms)
        except _ConnectionLost as e:
            revived = self._revive()
            if not (revived and e.nothing_sent):
                raise StoreError(f"图谱服务器在执行查询时中断（查询未重发）：{e}") from e
            return self._read(query, params, timeout_ms)

    def write(self, statements: Sequence[Statement], *, edges_only: bool = False) -> None:
        batch = [(cypher, dict(params or {})) for cypher, params in statements]
        if not batch:
            return
        try:
            self._write(batch, edges_only)
        except _ConnectionLost as e:
            revived = self._revive()
            if not (revived and e.nothing_sent):
                raise WriteUnknown(f"与 FalkorDB 的连接在写入时中断，结果未知：{e}",
                                   server_restarted=revived) from e
            self._write(batch, edges_only)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the write lock across several reads and writes (re-entrant within this thread): a loader
        reads what is in the graph, links, and writes, with no other writer in between."""
        depth = getattr(self._held, "depth", 0)
        self._hold(renew=depth > 0)
        self._held.depth = depth + 1
        try:
            yield
        finally:
            self._held.depth = depth
            if not depth:
                self._lock.release()

    def _hold(self, *, renew: bool) -> None:
        """Take the lock, or renew it; a server that went away (and took the lock with it) is started
        again and the lock taken there."""
        value = self._lock.new_value()
        for attempt in range(3):
            try:
                if not (renew and self._lock.extend()):
                    self._lock.acquire(value)
                return
            except (redis.ConnectionError, redis.TimeoutError) as e:
                if attempt == 2 or not self._revive():
                    raise StoreError(f"FalkorDB 连接失败，未写入：{e}") from e

    def _read(self, query: str, params: Params | None, timeout_ms: int | None) -> list[dict[str, Any]]:
        try:
            result = self._ro_graph.ro_query(cypher_params.header(params) + query,
                                             timeout=None if timeout_ms is None else int(timeout_ms))
        except redis.ResponseError as e:
            if RO_REFUSED in str(e):
                raise ReadOnlyViolation(f"只读查询中不允许写操作：{query[:200]}") from e
            if EMPTY_KEY in str(e):
                return self._read_missing_graph(query, params)
            raise QueryError(f"查询失败：{e}") from e
        except redis.TimeoutError as e:
            raise StoreError(f"查询超时（{READ_TIMEOUT_MS // 1000} 秒内无应答）：{e}") from e
        except redis.ConnectionError as e:
            raise _lost(e) from e
        columns = [h[1] for h in result.header]
        return [dict(zip(columns, (plain(v) for v in row))) for row in result.result_set]

    def _write(self, batch: Sequence[tuple[str, Params]], edges_only: bool = False) -> None:
        """A batch that deletes runs on a copy of the graph (`_DELETES`), unless it only deletes edges between
        nodes that exist: a copy of a 100x graph takes seconds, and such a query has nothing to fail on
        half-way (a server killed meanwhile logged none of it)."""
        with self.exclusive():
            try:
                if len(batch) == 1 and (edges_only or not _code_matches(_DELETES, batch)):
                    self._run(self._graph, batch, 0)
                elif chainable(batch, edges_only=edges_only):
                    self._run(self._graph, [chain(batch)], 0, what="批量写入")
                else:
                    self._copy_and_swap(batch)
            except redis.TimeoutError as e:
                raise WriteUnknown(f"写入 {WRITE_TIMEOUT_MS // 1000} 秒内无应答，结果未知：{e}") from e
            except redis.ConnectionError as e:
                raise _lost(e) from e
            self._persist()

    def ensure_schema(self) -> None:
        """Create what is missing; a graph that has everything costs two reads and takes no lock."""
        if self._schema_complete():
            return
        with self.exclusive():
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

    def _schema_complete(self) -> bool:
        if not self._conn.exists(self.graph_name):
            return False
        indexes = {(r["label"], p) for r in self._index_rows() for p in r["properties"]}
        constraints = {r["label"] for r in self._constraint_rows()
                       if r["type"] == "UNIQUE" and list(r["properties"]) == ["id"]
                       and r["status"] == "OPERATIONAL"}
        wanted = {*((lbl, "id") for lbl in UNIQUE_ID), *RANGE_INDEXES}
        return wanted <= indexes and set(UNIQUE_ID) <= constraints

    def clear(self) -> None:
        with self.exclusive():
            if self._conn.exists(self.graph_name):
                self._query("MATCH (n) DETACH DELETE n")
            self._persist()

    def counts(self) -> dict[str, int]:
        return count_all(self.read)

    def version(self) -> int:
        """The graph's write counter (one GET): every process's writes move it on, so an answer cached
        under one value is current while the value is."""
        try:
            return int(self._ro_db.connection.get(VERSION_KEY + self.graph_name) or 0)
        except redis.ConnectionError as e:
            raise StoreError(f"FalkorDB 连接失败：{e}") from e

    def close(self) -> None:
        try:
            self._conn.close()
            if self._ro_db is not self._db:
                self._ro_db.connection.close()
        finally:
            if self.server is not None and self._owns_server:
                self.server.release()  # stops it if no other process uses it

    # ---- extras (FalkorDB only) -----------------------------------------------------------

    def delete_graph(self) -> None:
        """Drop the whole graph key, indexes included (tests use it to clean up their graph)."""
        with self.exclusive():
            self._conn.delete(self.graph_name, self.graph_name + TX_SUFFIX)
            self._persist()

    # ---- internals ------------------------------------------------------------------------

    def _run(self, graph: Any, batch: Sequence[tuple[str, Params]], offset: int, what: str = "") -> None:
        for i, (cypher, params) in enumerate(batch, start=offset):
            try:
                graph.query(cypher_params.header(params) + cypher, timeout=WRITE_TIMEOUT_MS)
            except redis.ResponseError as e:
                where = what or f"第 {i + 1}/{len(batch)} 条写语句"
                raise QueryError(f"{where}失败，图谱未改动：{e}\n{cypher[:300]}") from e
            except redis.TimeoutError as e:
                raise WriteUnknown(f"写入 {WRITE_TIMEOUT_MS // 1000} 秒内无应答，结果未知：{e}") from e
            except redis.ConnectionError as e:
                raise _lost(e) from e

    def _copy_and_swap(self, batch: Sequence[tuple[str, Params]]) -> None:
        tx_name = self.graph_name + TX_SUFFIX
        self._conn.delete(tx_name)
        if self._conn.exists(self.graph_name):
            self._graph.copy(tx_name)
        tx = self._db.select_graph(tx_name)
        try:
            self._run(tx, batch, 0)
        except BaseException:
            try:
                self._conn.delete(tx_name)
            except redis.RedisError:
                pass  # the server is gone; a new one drops leftover copies (_drop_leftovers)
            raise
        if self._conn.exists(tx_name):
            self._conn.rename(tx_name, self.graph_name)

    def _read_missing_graph(self, query: str, params: Params | None) -> list[dict[str, Any]]:
        """The graph key does not exist yet: create it empty (no lock needed: nothing to copy), then ask
        again (a write is still refused)."""
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

    def _persist(self) -> None:
        """After every write: move the version on (after the write, so a reader never caches the old graph
        under the new version). Each write is in the AOF already; rewrite it in the background once it has
        doubled (under the write lock, and waited for, so that no GRAPH.COPY forks meanwhile)."""
        try:
            self._conn.incr(VERSION_KEY + self.graph_name)
        except redis.RedisError:
            pass  # the write is done; a server gone now is restarted, which readers notice (lost connections)
        self._rewrite_aof(lambda size, base: size > 2 * base + AOF_REWRITE_MIN)

    def compact(self) -> None:
        """After a load: rewrite the append-only file as a snapshot once the queries logged since the last
        one pass COMPACT_MIN. A server started on the folder replays logged queries before its indexes are
        usable, so each MATCH by id scans its label: a 10× load's 30 MB of queries took 89 s to replay
        (a start gives up after 30 s), its snapshot loads in about a second."""
        with self.exclusive():
            self._rewrite_aof(lambda size, base: size - base > COMPACT_MIN)

    def _rewrite_aof(self, due: Callable[[int, int], bool]) -> None:
        """Rewrite the AOF in the background if `due(size, base size)`, and wait for it (under the write lock,
        so that no GRAPH.COPY forks meanwhile)."""
        if not self._persist_writes:
            return
        try:
            info = self._conn.info("persistence")
            if info.get("aof_enabled") and due(info.get("aof_current_size", 0), info.get("aof_base_size", 0)):
                self._conn.bgrewriteaof()
                wait_for_rewrite(self._conn, WRITE_TIMEOUT_MS / 1000)
        except redis.RedisError:
            pass  # the write itself is on disk; the next write tries the rewrite again

    def _revive(self) -> bool:
        """After a lost connection: reuse the folder's server, or start one (this process then owns it),
        e.g. when the owner of a shared embedded server exited. External servers are not revived."""
        if self.server is None:
            return False
        try:
            self.server.start()
            if self.server.fresh:
                self.server.fresh = False
                self._drop_leftovers()
        except (StoreError, redis.RedisError):
            return False
        return True

    def _drop_leftovers(self) -> None:
        """A server this process just started holds nobody's lock and no live transaction graph."""
        self._conn.delete(WRITE_LOCK)
        for name in self._conn.execute_command("GRAPH.LIST"):
            name = name.decode() if isinstance(name, bytes) else name
            if name.endswith(TX_SUFFIX):
                self._conn.delete(name)


class _ConnectionLost(StoreError):
    """The server went away; `nothing_sent` when it happened before the command was sent."""

    def __init__(self, message: str, *, nothing_sent: bool = False):
        super().__init__(message)
        self.nothing_sent = nothing_sent


def _lost(e: redis.ConnectionError) -> _ConnectionLost:
    # redis-py says "Error N connecting to …" when it could not connect: then nothing was sent.
    return _ConnectionLost(f"FalkorDB 连接失败：{e}", nothing_sent="connecting to" in str(e))


def _client(socket_path: Any, timeout_ms: int) -> FalkorDB:
    """A client whose socket gives up a little after the server would have; redis-py's own retries are
    off (they would resend a command the server may have died of)."""
    return FalkorDB(unix_socket_path=str(socket_path), socket_timeout=timeout_ms / 1000 + SOCKET_MARGIN_S,
                    socket_connect_timeout=10.0, retry=Retry(NoBackoff(), 0))
