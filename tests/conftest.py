"""Fixtures shared by the whole suite.

Backend switch (as networkx's `--backend`): the suite runs on the embedded FalkorDB server unless
`NEO4J_URI` is set or `pytest --backend neo4j` is given; then `store` and `settings` point at Neo4j.
Tests marked `neo4j` need Neo4j and are skipped, with the reason shown, on the FalkorDB backend.

Fixtures:
    backend          (session)  "falkordb" | "neo4j"
    falkordb_server  (session)  the embedded server (graph.embedded.EmbeddedServer) in a tmp data folder;
                                started once, stopped at the end of the session
    graph_name       (function) a fresh graph name for this test, e.g. "t_test_round_trip_3fa2c1"
    settings         (function) graph.settings.Settings aimed at this test's graph: the session server's
                                data folder (or NEO4J_* from the environment) and `graph_name`;
                                open_store(settings) gives another connection to the same graph
    store            (function) a GraphStore on that fresh graph, schema ensured; the graph is dropped
                                (FalkorDB) or cleared (Neo4j, one database for all tests) afterwards
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

NEO4J_SKIP = "needs Neo4j: set NEO4J_URI (+ NEO4J_USER, NEO4J_PASSWORD) or run pytest --backend neo4j"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", choices=("falkordb", "neo4j"), default=None,
                     help="graph backend for the `store` fixture (default: neo4j if NEO4J_URI is set, "
                          "else the embedded falkordb)")


def _backend(config: pytest.Config) -> str:
    return config.getoption("--backend") or ("neo4j" if os.environ.get("NEO4J_URI") else "falkordb")


def pytest_configure(config: pytest.Config) -> None:
    if _backend(config) == "neo4j" and not os.environ.get("NEO4J_URI"):
        raise pytest.UsageError("--backend neo4j needs NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD)")


def pytest_report_header(config: pytest.Config) -> str:
    return f"dutygraph backend: {_backend(config)}"


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


@pytest.fixture
def graph_name(request: pytest.FixtureRequest) -> str:
    stem = re.sub(r"\W+", "_", request.node.name)[:40]
    return f"t_{stem}_{uuid.uuid4().hex[:6]}"


@pytest.fixture
def settings(backend: str, graph_name: str, request: pytest.FixtureRequest) -> Settings:
    if backend == "neo4j":
        return Settings(dutygraph_graph=graph_name, falkordb_url=None)
    server: EmbeddedServer = request.getfixturevalue("falkordb_server")
    return Settings(dutygraph_data=Path(server.data_dir), dutygraph_graph=graph_name,
                    falkordb_url=None, neo4j_uri=None)


@pytest.fixture
def store(settings: Settings) -> Iterator[GraphStore]:
    s = open_store(settings)
    try:
        if s.backend == "neo4j":
            s.clear()
        s.ensure_schema()
        yield s
    finally:
        try:
            if s.backend == "neo4j":
                s.clear()
            else:
                s.delete_graph()  # type: ignore[attr-defined]
        finally:
            s.close()
