"""Every supported format uploaded over POST /documents (key required) gives the tasks of its .txt;
a refused format answers 422 naming the file and format and leaves the graph as it was."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from graph.settings import Settings

KEY = "upload-formats-key"


@pytest.fixture(scope="module")
def server(falkordb_server):
    import uvicorn

    from api.app import create_app
    from graph.connect import open_store

    settings = Settings(dutygraph_data=Path(falkordb_server.data_dir), dutygraph_graph=f"up_{uuid.uuid4().hex[:8]}",
                        falkordb_url=None, neo4j_uri=None, dutygraph_api_key=KEY)
    store = open_store(settings)
    store.ensure_schema()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(settings, store=store), host="127.0.0.1", port=port,
                                        log_level="warning", lifespan="on", access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", store
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        store.delete_graph()
        store.close()


def post(url: str, path: Path, key: str | None = KEY) -> httpx.Response:
    headers = {"X-API-Key": key} if key else {}
    return httpx.post(f"{url}/documents", files={"file": (path.name, path.read_bytes())}, headers=headers, timeout=120)


@pytest.mark.parametrize("name", ["plan.auto.docx", "plan.pdf", "plan.html", "plan.doc", "table.xlsx", "table.xls"])
def test_upload_each_format(server, built, name):
    url, store = server
    store.clear()
    assert post(url, built[name], key=None).status_code == 403
    assert store.counts().get("Document", 0) == 0
    txt = post(url, built[name.split(".")[0] + ".txt"])
    assert txt.status_code == 201, txt.text
    expected = txt.json()["detail"]["counts"]
    store.clear()
    r = post(url, built[name])
    assert r.status_code == 201, r.text
    counts = r.json()["detail"]["counts"]
    assert {k: counts[k] for k in ("tasks", "leads", "supports")} == {k: expected[k] for k in ("tasks", "leads", "supports")}
    listed = httpx.get(f"{url}/documents").json()["items"]
    assert [d["source"] for d in listed] == [built[name].name] and listed[0]["tasks"] == expected["tasks"]


def test_refused_upload_names_file_and_format(server, built, tmp_path):
    url, store = server
    store.clear()
    assert post(url, built["plan.txt"]).status_code == 201
    before = store.counts()
    ofd = tmp_path / "通知.ofd"
    ofd.write_bytes(b"PK\x03\x04")
    r = post(url, ofd)
    assert r.status_code == 422
    assert "通知.ofd" in r.text and "OFD" in r.text and "请另存为 .docx 或 .pdf 后再导入" in r.text
    assert store.counts() == before
