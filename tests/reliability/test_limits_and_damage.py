"""Limits checked before work (a huge file, a huge line: refused fast, in bounded memory), and a damaged
data file or a snapshot's leftovers at start-up."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from faults import CITY_LIST

from graph.embedded import AOF_DIR, EmbeddedServer
from graph.falkordb_store import FalkorDBStore
from graph.settings import REPO_ROOT
from graph.store import QueryError, ServerStartError

MEASURE = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    from loaders.pipeline import Limits, Loader, load_paths

    class NoStore:  # the limits are checked before any store is touched
        backend = "none"

    start = time.monotonic()
    results = load_paths(store=NoStore(), paths=[Path(sys.argv[1])], limits=Limits(20, 64))
    print(json.dumps({"status": results[0].status, "error": results[0].error,
                      "seconds": time.monotonic() - start,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, ensure_ascii=False))
""")


def refuse(path) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def baseline_mb() -> float:
    code = "import resource, loaders.pipeline; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    done = subprocess.run([sys.executable, "-c", code],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True)
    return float(done.stdout)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # 200 MB, not one byte read
    result = refuse(huge)
    assert result["status"] == "failed" and "文件过大" in result["error"] and "上限 20 MB" in result["error"]
    assert result["seconds"] < 5 and result["peak_mb"] < baseline_mb() + 50
    print(f"200 MB file refused in {result['seconds']:.3f} s, peak RSS {result['peak_mb']:.0f} MB")


def test_a_huge_line_is_refused_before_parsing(tmp_path):
    line = tmp_path / "line.txt"
    line.write_bytes(CITY_LIST.read_bytes()[:2000] + "推进".encode() * (5 * 1024 * 1024 // 6) + b"\n")
    result = refuse(line)
    assert result["status"] == "failed" and "行过长" in result["error"] and "line.txt:" in result["error"]
    assert result["seconds"] < 5 and result["peak_mb"] < baseline_mb() + 60
    print(f"5 MB line refused in {result['seconds']:.3f} s, peak RSS {result['peak_mb']:.0f} MB")


def test_a_query_over_the_memory_cap_is_refused_and_the_server_lives(tmp_path):
    store = FalkorDBStore.embedded(tmp_path / "data", graph="dutygraph", query_mem_mb=64)
    try:
        pid = store.server.pid
        with pytest.raises(QueryError):
            store.read("UNWIND range(1, 100000000) AS x WITH collect(x) AS l RETURN size(l) AS n")
        assert store.server.pid == pid and store.read("RETURN 1 AS one") == [{"one": 1}]
    finally:
        store.close()


def test_a_damaged_data_file_is_named_with_what_to_do(tmp_path):
    data = tmp_path / "data"
    store = FalkorDBStore.embedded(data, graph="dutygraph")
    store.write([("CREATE (:Agency {id: 'ag-x', name: '市政务服务局'})", {})])
    store.close()
    base = next((data / AOF_DIR).glob("*.base.rdb"))
    base.write_bytes(base.read_bytes()[:20] + b"\xff" * 64)
    (data / "temp-4242.rdb").write_bytes(b"half a snapshot")
    with pytest.raises(ServerStartError) as refused:
        EmbeddedServer(data).start()
    message = str(refused.value)
    assert "数据文件已损坏" in message and "mv " in message and AOF_DIR in message
    assert not (data / "temp-4242.rdb").exists()  # what a killed snapshot left behind is cleared
