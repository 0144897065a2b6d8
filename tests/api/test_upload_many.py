"""POST /documents with several files: one bulk load over a live server on a graph of its own.

The server has small limits (5 files, 100 KB a file, 0.4 MB a request, 64 KB a line) so that test
files can be over them. The graph an upload leaves is compared with a graph the CLI's loader (load_paths) built
from the good files alone: a failing file among good ones must not change what the others give.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from small_graph import API_KEY

from api.app import create_app
from graph.export import export_records
from graph.settings import REPO_ROOT
from graph.store import GraphStore

SAMPLES = REPO_ROOT / "data" / "samples"
BIG = SAMPLES / "000_0254987fc8a29e26.txt"  # 172 KB: over the server's 100 KB a file
GOOD = [SAMPLES / n for n in ("003_0cb12dbbb4b3a502.txt", "004_204739c3a34e3f44.txt", "001_17a93bc98c002790.txt")]
TRADITIONAL = SAMPLES / "002_883d0f23655b3864.txt"  # 001 printed in traditional characters: a copy
LONG_LINE = ("1.建设测试中心。" + "很" * 30_000).encode()  # one 90 KB line: over 64 KB a line
BROKEN = b"\xff\xfe" + "一、测试\n1.建设测试中心。".encode("utf-16-le") + b"\x00"  # UTF-16 cut mid-character
LIMITS = {"dutygraph_max_upload_files": 5, "dutygraph_max_file_mb": 0.1, "dutygraph_max_upload_mb": 0.4}


@pytest.fixture(scope="module")
def server(graphs) -> Iterator[tuple[str, GraphStore]]:
    settings = graphs.settings("api_upload_many", dutygraph_api_key=API_KEY, **LIMITS)
    store = graphs.open(settings)
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
        graphs.drop(store, settings)


@pytest.fixture
def api(server) -> Iterator[tuple[httpx.Client, GraphStore]]:
    url, store = server
    store.clear()
    with httpx.Client(base_url=url, timeout=120) as client:
        yield client, store


@pytest.fixture(scope="module")
def good_alone(graphs) -> list[dict]:
    """The export of a graph holding the good files only, loaded by the CLI's loader."""
    from loaders.pipeline import load_paths

    settings = graphs.settings("api_upload_ref")
    store = graphs.open(settings)
    try:
        assert {r.status for r in load_paths(store=store, paths=GOOD)} == {"loaded"}
        return list(export_records(store))
    finally:
        graphs.drop(store, settings)


def post(client: httpx.Client, files: list[tuple[str, bytes]], key: str | None = API_KEY, **fields: str
         ) -> httpx.Response:
    headers = {"X-API-Key": key} if key else {}
    return client.post("/documents", files=[("file", f) for f in files], data=fields, headers=headers)


def named(*paths: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in paths]


def mixed() -> list[tuple[str, bytes]]:
    """Good files with an undecodable one and one with a line over the limit in between."""
    return [*named(GOOD[0]), ("损坏.txt", BROKEN), *named(GOOD[1]), ("长行.txt", LONG_LINE), *named(GOOD[2])]


def test_a_failing_file_loses_none_of_the_others(api, good_alone) -> None:
    client, store = api
    r = post(client, mixed())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "partial"
    assert body["summary"] == {"loaded": 3, "duplicate": 0, "unchanged": 0, "failed": 2, "unknown": 0}
    items = body["items"]
    assert [i["source"] for i in items] == [name for name, _ in mixed()]  # in the order sent
    assert [i["status"] for i in items] == ["loaded", "failed", "loaded", "failed", "loaded"]
    assert items[1]["error"].startswith("损坏.txt") and "编码" in items[1]["error"]
    assert items[3]["error"].startswith("长行.txt:1: 行过长") and "DUTYGRAPH_MAX_LINE_KB" in items[3]["error"]
    for item in (items[0], items[2], items[4]):
        assert item["error"] is None and item["detail"]["doc_id"] and item["detail"]["counts"]["tasks"] > 0
    assert list(export_records(store)) == good_alone
    listed = client.get("/documents").json()["items"]
    assert sorted(d["source"] for d in listed) == sorted(p.name for p in GOOD)


def test_the_same_request_again_changes_nothing(api, good_alone) -> None:
    client, store = api
    first = post(client, mixed()).json()
    again = post(client, mixed())
    assert again.status_code == 201, again.text
    body = again.json()
    assert [i["status"] for i in body["items"]] == ["unchanged", "failed", "unchanged", "failed", "unchanged"]
    assert [i["detail"]["doc_id"] for i in body["items"]] == [i["detail"]["doc_id"] for i in first["items"]]
    assert list(export_records(store)) == good_alone


def test_copies_in_one_request_are_duplicates_and_a_repeated_name_is_refused(api) -> None:
    client, store = api
    first = GOOD[2]
    copy = ("副本.txt", first.read_bytes())
    r = post(client, [*named(first, TRADITIONAL), copy, (first.name, b"1.another text")])
    assert r.status_code == 201, r.text
    items = r.json()["items"]
    assert [i["status"] for i in items] == ["loaded", "duplicate", "duplicate", "failed"]
    assert items[3]["error"].startswith(first.name) and "与本次上传的第 1 份文件同名" in items[3]["error"]
    listed = {d["source"]: d for d in client.get("/documents").json()["items"]}
    assert set(listed) == {first.name, TRADITIONAL.name, "副本.txt"}
    for name in (TRADITIONAL.name, "副本.txt"):
        assert listed[name]["duplicate_of"] == items[0]["detail"]["doc_id"] and listed[name]["tasks"] == 0
    assert store.counts()["Task"] == items[0]["detail"]["counts"]["tasks"]


def test_every_file_failing_is_still_answered_file_by_file(api) -> None:
    client, store = api
    r = post(client, [("损坏.txt", BROKEN), ("空.txt", b"")])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "failed" and body["summary"]["failed"] == 2
    assert body["items"][0]["error"] == "损坏.txt:2: 文件编码损坏(utf-16-le)"
    assert body["items"][1]["error"] == "空.txt: 文件为空"
    assert store.counts().get("Document", 0) == 0


@pytest.mark.parametrize(("files", "fields", "status", "words"), [
    ([(f"{n}.txt", b"1.x") for n in range(6)], {}, 413, ["一次最多上传 5 份文件", "DUTYGRAPH_MAX_UPLOAD_FILES"]),
    ([*named(GOOD[0]), *named(BIG), *named(GOOD[1])], {}, 413, [f"{BIG.name}：文件过大", "单个文件上限 0.1 MB",
                                                              "DUTYGRAPH_MAX_FILE_MB", "本次未载入任何文件"]),
    ([(f"{n}.txt", b"x" * 90 * 1024) for n in range(5)], {}, 413, ["合计超过 0.4 MB", "DUTYGRAPH_MAX_UPLOAD_MB"]),
    ([(f"{n}.txt", b"x" * 300 * 1024) for n in range(4)], {}, 413, ["请求体过大"]),  # refused by the guard, unread
    (named(*GOOD[:2]), {"replaces": "abc"}, 400, ["replaces 只能与一份文件同时使用", "2 份"]),
    (named(*GOOD[:2]), {"jurisdiction": "区" * 31}, 400, ["jurisdiction"]),
], ids=["too-many-files", "a-file-too-large", "too-many-bytes", "far-too-many-bytes", "replaces-with-two", "bad-place"])
def test_a_request_over_a_limit_is_refused_before_anything_is_written(api, files, fields, status, words) -> None:
    client, store = api
    r = post(client, files, **fields)
    assert r.status_code == status, r.text
    assert set(r.json()) == {"error", "detail", "suggestions"}
    for word in words:
        assert word in r.json()["detail"]
    assert store.counts().get("Document", 0) == 0


def test_several_files_need_the_key(api) -> None:
    client, store = api
    for key in (None, "wrong"):
        r = post(client, named(*GOOD), key=key)
        assert r.status_code == 403 and "X-API-Key" in r.json()["detail"], r.text
    assert store.counts().get("Document", 0) == 0


def test_one_file_keeps_the_one_file_answer(api) -> None:
    client, _ = api
    r = post(client, named(GOOD[0]))
    assert r.status_code == 201 and set(r.json()) == {"source", "status", "detail"}
    assert r.json()["status"] == "loaded" and r.json()["detail"]["counts"]["tasks"] > 0
    broken = post(client, [("损坏.txt", BROKEN)])
    assert broken.status_code == 422 and broken.json()["detail"] == "损坏.txt:2: 文件编码损坏(utf-16-le)"
    assert post(client, named(BIG)).status_code == 413


def test_the_schema_documents_several_files(api) -> None:
    client, _ = api
    operation = client.get("/openapi.json").json()["paths"]["/documents"]["post"]
    file = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["file"]
    assert file["type"] == "array" and file["items"]["format"] == "binary"
    answer = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in answer["anyOf"]} == {"LoadOut", "LoadBatchOut"}
    assert {"413", "403"} <= set(operation["responses"])
