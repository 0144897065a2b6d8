"""API test fixtures: stores on the session's backend (a small hand-written graph, the five samples),
each a graph of its own (tests/conftest.py `graphs`), and a live uvicorn server on a free loopback port
for each, started once per session."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from small_graph import API_KEY, write_small_graph

from api.app import create_app
from graph.settings import REPO_ROOT, Settings
from graph.store import GraphStore

SAMPLES = REPO_ROOT / "data" / "samples"
DEADLINES_DOC = Path(__file__).parent / "data" / "deadlines_2024.txt"  # one 完成时限 form per row


@dataclass
class ApiGraph:
    settings: Settings
    store: GraphStore


@pytest.fixture(scope="session")
def small_store(graphs) -> Iterator[ApiGraph]:
    settings = graphs.settings("api_small")
    store = graphs.open(settings)
    write_small_graph(store)
    yield ApiGraph(settings, store)
    graphs.drop(store, settings)


@pytest.fixture(scope="session")
def samples_store(graphs) -> Iterator[ApiGraph]:
    from loaders.pipeline import load_paths

    settings = graphs.settings("api_samples")
    store = graphs.open(settings)
    results = load_paths(store=store, paths=sorted(SAMPLES.glob("*.txt")))
    failed = [(r.source, r.error) for r in results if r.status == "failed"]
    assert not failed, failed
    yield ApiGraph(settings, store)
    graphs.drop(store, settings)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving `create_app(settings, store=…)` in a thread on 127.0.0.1."""

    def __init__(self, store: GraphStore, settings: Settings):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings, store=store), host="127.0.0.1", port=self.port, log_level="warning",
            lifespan="on", access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:  # noqa: PYI034
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert self.thread.is_alive(), "uvicorn stopped during start-up"
            assert time.monotonic() < deadline, "uvicorn did not start within 20 s"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _serve(graph: ApiGraph, **extra) -> Iterator[LiveServer]:
    with LiveServer(graph.store, graph.settings.model_copy(update=extra)) as server:
        yield server


@pytest.fixture(scope="session")
def small_server(small_store: ApiGraph) -> Iterator[LiveServer]:
    yield from _serve(small_store, dutygraph_max_rows=5, dutygraph_query_timeout_ms=200)


@pytest.fixture(scope="session")
def cors_server(small_store: ApiGraph) -> Iterator[LiveServer]:
    yield from _serve(small_store, dutygraph_cors_origins=["http://example.org"])


@pytest.fixture(scope="session")
def samples_server(samples_store: ApiGraph) -> Iterator[LiveServer]:
    yield from _serve(samples_store)


@pytest.fixture(scope="session")
def deadlines_server(graphs) -> Iterator[LiveServer]:
    """A server on its own graph holding only DEADLINES_DOC, loaded by the real loaders."""
    from loaders.pipeline import load_paths

    settings = graphs.settings("api_deadlines")
    store = graphs.open(settings)
    try:
        (result,) = load_paths(store=store, paths=[DEADLINES_DOC])
        assert result.status == "loaded", result.error
        yield from _serve(ApiGraph(settings, store))
    finally:
        graphs.drop(store, settings)


@pytest.fixture(scope="session")
def keyed_server(graphs) -> Iterator[LiveServer]:
    """A server with uploads enabled, on a graph of its own (empty at the start)."""
    settings = graphs.settings("api_keyed")
    store = graphs.open(settings)
    try:
        yield from _serve(ApiGraph(settings, store), dutygraph_api_key=API_KEY)
    finally:
        graphs.drop(store, settings)


@pytest.fixture(scope="session")
def falkordb_api(falkordb_server) -> Iterator[httpx.Client]:
    """The samples served from the embedded FalkorDB whatever the session's backend (to compare engines)."""
    from graph.connect import open_store
    from loaders.pipeline import load_paths

    settings = Settings(dutygraph_data=falkordb_server.data_dir, dutygraph_graph="api_samples_falkordb",
                        falkordb_url=None, neo4j_uri=None)
    store = open_store(settings)
    try:
        store.ensure_schema()
        results = load_paths(store=store, paths=sorted(SAMPLES.glob("*.txt")))
        assert [r.error for r in results if r.status == "failed"] == []
        with LiveServer(store, settings) as server, httpx.Client(base_url=server.url, timeout=60) as client:
            yield client
    finally:
        store.delete_graph()  # type: ignore[attr-defined]
        store.close()


@pytest.fixture(scope="session")
def small(small_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=small_server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def api(samples_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=samples_server.url, timeout=60) as client:
        yield client
