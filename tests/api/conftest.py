"""API test fixtures: stores on embedded FalkorDB (a small hand-written graph, the five samples) and a
live uvicorn server on a free loopback port for each, started once per session."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
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


def _open(settings: Settings) -> GraphStore:
    from graph.connect import open_store

    return open_store(settings)


@pytest.fixture(scope="session")
def api_data(falkordb_server) -> Path:
    """The session's embedded server's data folder (tests/conftest.py starts it)."""
    return Path(falkordb_server.data_dir)


def _drop(store: GraphStore) -> None:
    try:
        drop = getattr(store, "delete_graph", None)
        drop() if drop else store.clear()
    finally:
        store.close()


def _settings(data: Path, **extra) -> Settings:
    return Settings(dutygraph_data=data, dutygraph_graph=f"api_{uuid.uuid4().hex[:8]}", falkordb_url=None,
                    neo4j_uri=None, **extra)


@pytest.fixture(scope="session")
def small_store(api_data: Path) -> Iterator[GraphStore]:
    store = _open(_settings(api_data))
    store.ensure_schema()
    write_small_graph(store)
    yield store
    _drop(store)


@pytest.fixture(scope="session")
def samples_store(api_data: Path) -> Iterator[GraphStore]:
    from loaders.pipeline import load_paths

    store = _open(_settings(api_data))
    store.ensure_schema()
    results = load_paths(store=store, paths=sorted(SAMPLES.glob("*.txt")))
    failed = [(r.source, r.error) for r in results if r.status == "failed"]
    assert not failed, failed
    yield store
    _drop(store)


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


def _serve(store: GraphStore, api_data: Path, **extra) -> Iterator[LiveServer]:
    settings = _settings(api_data, **extra)
    with LiveServer(store, settings) as server:
        yield server





@pytest.fixture(scope="session")
def small_server(small_store: GraphStore, api_data: Path) -> Iterator[LiveServer]:
    yield from _serve(small_store, api_data, dutygraph_max_rows=5, dutygraph_query_timeout_ms=200)


@pytest.fixture(scope="session")
def cors_server(small_store: GraphStore, api_data: Path) -> Iterator[LiveServer]:
    yield from _serve(small_store, api_data, dutygraph_cors_origins=["http://example.org"])


@pytest.fixture(scope="session")
def samples_server(samples_store: GraphStore, api_data: Path) -> Iterator[LiveServer]:
    yield from _serve(samples_store, api_data)


@pytest.fixture(scope="session")
def deadlines_server(api_data: Path) -> Iterator[LiveServer]:
    """A server on its own graph holding only DEADLINES_DOC, loaded by the real loaders."""
    from loaders.pipeline import load_paths

    store = _open(_settings(api_data))
    store.ensure_schema()
    try:
        (result,) = load_paths(store=store, paths=[DEADLINES_DOC])
        assert result.status == "loaded", result.error
        yield from _serve(store, api_data)
    finally:
        _drop(store)


@pytest.fixture(scope="session")
def keyed_server(small_store: GraphStore, api_data: Path) -> Iterator[LiveServer]:
    """A server with uploads enabled, on the small graph's engine but its own empty graph."""
    store = _open(_settings(api_data))
    store.ensure_schema()
    try:
        yield from _serve(store, api_data, dutygraph_api_key=API_KEY)
    finally:
        _drop(store)


@pytest.fixture(scope="session")
def small(small_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=small_server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def api(samples_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=samples_server.url, timeout=60) as client:
        yield client
