"""A real uvicorn server over the samples and a headless Debian Chromium driven by playwright.

Every page a test opens records its network requests; tests assert `page.foreign(origin) == []`:
nothing may leave the server's origin (the UI must work without internet access).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from graph.settings import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions",
]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SAMPLES = REPO_ROOT / "data" / "samples"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@contextmanager
def loaded_store(graphs, prefix: str, paths: list[Path]):
    """A graph of its own holding `paths`, on the session's backend (embedded FalkorDB by default)."""
    from loaders.pipeline import load_paths

    settings = graphs.settings(prefix)
    store = graphs.open(settings)
    try:
        results = load_paths(store=store, paths=paths)
        failed = [(r.source, r.error) for r in results if r.status == "failed"]
        assert not failed, failed
        yield settings, store
    finally:
        graphs.drop(store, settings)


@contextmanager
def serving(settings, store) -> Iterator[str]:
    """The API app (with the UI router) served by uvicorn on a free loopback port; yields its origin."""
    import uvicorn

    from api.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, store=store), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on", access_log=False))
    thread = threading.Thread(target=server.run, name="uvicorn-ui", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped during start-up"
        assert time.monotonic() < deadline, "uvicorn did not start in 30 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def ui_store(graphs):
    """A graph of its own holding the five samples."""
    with loaded_store(graphs, "viz_ui", sorted(SAMPLES.glob("*.txt"))) as loaded:
        yield loaded


@pytest.fixture(scope="session")
def ui_server(ui_store) -> Iterator[str]:
    with serving(*ui_store) as origin:
        yield origin


@pytest.fixture(scope="session")
def large_server(graphs, tmp_path_factory) -> Iterator[str]:
    """A synthetic corpus twice the samples' size (about 2,500 tasks), served: a graph the explorer
    first shows by unit."""
    from bench.generate import generate

    paths = generate(tmp_path_factory.mktemp("corpus-2x"), 2)
    with loaded_store(graphs, "viz_large", paths) as loaded, serving(*loaded) as origin:
        yield origin


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    """A fresh browser page that records every request and every script error."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    pg.requests = []
    pg.errors = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.foreign = lambda origin: foreign_requests(pg.requests, origin)
    try:
        yield pg
    finally:
        context.close()


def foreign_requests(urls: list[str], origin: str | None) -> list[str]:
    """Requests that would leave `origin` (file:// pages pass origin=None: only file: is local)."""
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            continue
        if origin is None:
            if parts.scheme != "file":
                out.append(url)
        elif f"{parts.scheme}://{parts.netloc}" != origin:
            out.append(url)
    return out
