"""Fixtures shared by the whole suite.

Backend switch (as networkx's `--backend`): the suite runs on the embedded FalkorDB server unless
`NEO4J_URI` is set or `pytest --backend neo4j` is given; then `store` and `settings` point at Neo4j.
With `--backend neo4j` and no NEO4J_URI the run starts its own Neo4j 5 (tools/neo4j/server.py: jars
from Maven Central, fetched once into .neo4j/) and stops it at the end.
Tests marked `neo4j` need Neo4j and are skipped, with the reason shown, on the FalkorDB backend.

Neo4j Community has one database per server, so every graph a test holds at the same time as another
(a session's sample graph, the small graph, this test's `store`) is a server of its own, started on
demand in the same JVM, and emptied before it is handed out again.

Fixtures:
    backend          (session)  "falkordb" | "neo4j"
    falkordb_server  (session)  the embedded server (graph.embedded.EmbeddedServer) in a tmp data folder;
                                started once, stopped at the end of the session
    graphs           (session)  graphs.settings(prefix, **extra) gives Settings aimed at a new empty
                                graph of its own on the session's backend; graphs.open(settings) a store
                                on it (schema ensured); graphs.drop(store, settings) frees it
    graph_name       (function) a fresh graph name for this test, e.g. "t_test_round_trip_3fa2c1"
    settings         (function) graph.settings.Settings aimed at this test's graph: the session server's
                                data folder (or a Neo4j database of its own) and `graph_name`;
                                open_store(settings) gives another connection to the same graph
    store            (function) a GraphStore on that fresh graph, schema ensured; the graph is dropped
                                (FalkorDB) or cleared (Neo4j) afterwards
Add fixtures of your own in a conftest.py inside your test subfolder.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.connect import open_store
from graph.embedded import EmbeddedServer
from graph.settings import Settings
from graph.store import GraphStore
from tools.neo4j import server as neo4j_server

NEO4J_SKIP = "needs Neo4j: set NEO4J_URI (+ NEO4J_USER, NEO4J_PASSWORD) or run pytest --backend neo4j"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", choices=("falkordb", "neo4j"), default=None,
                     help="graph backend for the `store` fixture (default: neo4j if NEO4J_URI is set, "
                          "else the embedded falkordb)")


def _backend(config: pytest.Config) -> str:
    return config.getoption("--backend") or ("neo4j" if os.environ.get("NEO4J_URI") else "falkordb")


def pytest_configure(config: pytest.Config) -> None:
    if _backend(config) == "neo4j" and not os.environ.get("NEO4J_URI"):
        reason = neo4j_server.missing()
        if reason:
            raise pytest.UsageError(f"--backend neo4j: cannot start a Neo4j server here: {reason}")


def pytest_report_header(config: pytest.Config) -> str:
    backend = _backend(config)
    if backend == "neo4j":
        backend += f" ({os.environ.get('NEO4J_URI') or 'own server from tools/neo4j, started on first use'})"
    return f"dutygraph backend: {backend}"


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    pool: Neo4jPool | None = config.stash.get(POOL, None)
    if pool is not None and pool.server is not None and pool.server.start_seconds is not None:
        terminalreporter.write_line(
            f"neo4j: {len(pool.server.uris)} server(s) in one JVM; the first was ready in "
            f"{pool.server.start_seconds:.1f} s; jars {pool.jar_bytes / 2**20:.0f} MiB in {neo4j_server.LIB}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _backend(config) == "neo4j":
        return
    skip = pytest.mark.skip(reason=NEO4J_SKIP)
    for item in items:
        if "neo4j" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    return _backend(pytestconfig)


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    server = EmbeddedServer(tmp_path_factory.mktemp("dutygraph")).start()
    try:
        assert server.running(), server.log_tail()
        yield server
    finally:
        server.stop()


class Neo4jPool:
    """Neo4j databases for the graphs of one test run: the run's own servers, or the one at NEO4J_URI."""

    def __init__(self, server: neo4j_server.Neo4jServer | None, uris: list[str], jar_bytes: int = 0):
        self.server, self.free, self.jar_bytes = server, list(uris), jar_bytes

    def lease(self) -> str:
        if self.free:
            uri = self.free.pop()
        elif self.server is not None:
            uri = self.server.more()
        else:
            pytest.fail("this test needs one more Neo4j database than NEO4J_URI gives (Community has one per "
                        "server): unset NEO4J_URI and run `pytest --backend neo4j` to use the suite's own servers")
        store = self._open(uri)
        try:
            store.clear()
        finally:
            store.close()
        return uri

    def release(self, uri: str) -> None:
        self.free.append(uri)

    @staticmethod
    def _open(uri: str) -> GraphStore:
        return open_store(Settings(neo4j_uri=uri, falkordb_url=None))


POOL = pytest.StashKey["Neo4jPool"]()


@pytest.fixture(scope="session")
def neo4j_pool(pytestconfig: pytest.Config) -> Iterator[Neo4jPool]:
    external = os.environ.get("NEO4J_URI")
    if external:
        pool = Neo4jPool(None, [external])
        pytestconfig.stash[POOL] = pool
        yield pool
        return
    jar_bytes = neo4j_server.fetch_jars()
    with neo4j_server.Neo4jServer() as server:
        pool = Neo4jPool(server, list(server.uris), jar_bytes)
        pytestconfig.stash[POOL] = pool
        yield pool


class Graphs:
    """Empty graphs of their own on the session's backend, for fixtures of any scope."""

    def __init__(self, backend: str, request: pytest.FixtureRequest):
        self.backend, self._request = backend, request

    def settings(self, prefix: str = "g", **extra: object) -> Settings:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        if self.backend == "neo4j":
            pool: Neo4jPool = self._request.getfixturevalue("neo4j_pool")
            return Settings(neo4j_uri=pool.lease(), dutygraph_graph=name, falkordb_url=None, **extra)
        server: EmbeddedServer = self._request.getfixturevalue("falkordb_server")
        return Settings(dutygraph_data=Path(server.data_dir), dutygraph_graph=name, falkordb_url=None,
                        neo4j_uri=None, **extra)

    def release(self, settings: Settings) -> None:
        if settings.neo4j_uri:
            self._request.getfixturevalue("neo4j_pool").release(settings.neo4j_uri)

    @staticmethod
    def open(settings: Settings) -> GraphStore:
        store = open_store(settings)
        store.ensure_schema()
        return store

    def drop(self, store: GraphStore, settings: Settings) -> None:
        try:
            if store.backend == "neo4j":
                store.clear()
            else:
                store.delete_graph()  # type: ignore[attr-defined]
        finally:
            store.close()
            self.release(settings)


@pytest.fixture(scope="session")
def graphs(backend: str, request: pytest.FixtureRequest) -> Graphs:
    return Graphs(backend, request)


@pytest.fixture
def graph_name(request: pytest.FixtureRequest) -> str:
    stem = re.sub(r"\W+", "_", request.node.name)[:40]
    return f"t_{stem}_{uuid.uuid4().hex[:6]}"


@pytest.fixture
def settings(graphs: Graphs, graph_name: str) -> Iterator[Settings]:
    s = graphs.settings().model_copy(update={"dutygraph_graph": graph_name})
    yield s
    graphs.release(s)


@pytest.fixture
def store(settings: Settings) -> Iterator[GraphStore]:
    s = Graphs.open(settings)
    try:
        yield s
    finally:
        try:
            if s.backend == "neo4j":
                s.clear()
            else:
                s.delete_graph()  # type: ignore[attr-defined]
        finally:
            s.close()
