"""Hostile requests against a real API process (uvicorn) on its own embedded FalkorDB holding a sample:
deep and huge ad-hoc Cypher, floods of ad-hoc queries, NUL bytes, huge integers, oversized and unkeyed
uploads. Each must be answered within the time limit with a clean 4xx, and meanwhile the API must
keep answering /health and a named catalogue query.

The server runs in a process and on an engine of its own, so a bound that failed could only hang
these tests (each request has a client timeout), never the rest of the suite. Loops are bounded.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from faults import ApiProcess

from api import adhoc
from graph.embedded import EmbeddedServer
from graph.settings import REPO_ROOT

pytestmark = pytest.mark.reliability

SAMPLE = REPO_ROOT / "data" / "samples" / "003_0cb12dbbb4b3a502.txt"
QUERY_TIMEOUT_MS = 2000
ANSWER_WITHIN_S = QUERY_TIMEOUT_MS / 1000 + 8  # the time limit plus generous slack on a shared machine
API_KEY = "hostile-test-key"
UPLOAD_MB = 1
CATALOGUE_ROUTE = "/agencies/市卫健委/tasks?role=lead"


def _sample_settings(data: Path) -> dict[str, str]:
    return {"DUTYGRAPH_DATA": str(data), "DUTYGRAPH_GRAPH": "hostile", "DUTYGRAPH_QUERY_TIMEOUT_MS": str(QUERY_TIMEOUT_MS),
            "DUTYGRAPH_API_KEY": API_KEY, "DUTYGRAPH_MAX_FILE_MB": str(UPLOAD_MB)}


@dataclass(frozen=True)
class Hostile:
    url: str
    data: Path
    pid: int  # the API process
    started_mb: float  # its peak RSS once started, before any test


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    data = tmp_path_factory.mktemp("hostile")
    env = _sample_settings(data)
    loaded = subprocess.run([str(Path(sys.executable).with_name("dutygraph")), "load", str(SAMPLE)],
                            cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
                            check=False)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    api = ApiProcess(env, data / "api.log")
    try:
        yield Hostile(api.url, data, api.proc.pid, _peak_rss_mb(api.proc.pid))
    finally:
        api.stop()  # the API was the server's last user: it stops it at exit
        leftover = EmbeddedServer(data)
        if leftover.running():
            leftover.start().stop()


@pytest.fixture
def client(hostile: Hostile) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hostile.url, timeout=ANSWER_WITHIN_S) as c:
        yield c


def _still_serving(c: httpx.Client) -> None:
    health = c.get("/health")
    assert health.status_code == 200 and health.json()["counts"]["Task"] > 0, health.text
    tasks = c.get(CATALOGUE_ROUTE)
    assert tasks.status_code == 200 and tasks.json()["total"] > 0, tasks.text


DEEP = {
    "parentheses x40": "RETURN " + "(" * 40 + "1" + ")" * 40,
    "NOT x40": "RETURN " + "NOT " * 40 + "true",
    "unary minus x40": "RETURN " + "-" * 40 + "1",
    "lists x40": "RETURN " + "[" * 40 + "1" + "]" * 40,
    "maps x40": "RETURN " + "{a:" * 40 + "1" + "}" * 40,
    "mixed x24": "RETURN " + "NOT (-[{a:" * 6 + "1" + "}])" * 6,
    "negated parentheses x20": "RETURN " + "-(" * 20 + "1" + ")" * 20,
}


@pytest.mark.parametrize("name", list(DEEP))
def test_deep_nesting_is_refused_before_the_engine(client: httpx.Client, name: str) -> None:
    r = client.post("/cypher", json={"query": DEEP[name]})
    assert r.status_code == 400, r.text
    assert "嵌套过深" in r.json()["detail"]
    _still_serving(client)


def test_nesting_within_the_limit_still_runs(client: httpx.Client) -> None:
    r = client.post("/cypher", json={"query": "RETURN " + "(" * 8 + "1" + ")" * 8 + " AS x, NOT NOT true AS y"})
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == [{"x": 1, "y": True}]


def test_every_catalogue_query_passes_the_ad_hoc_bounds() -> None:
    """The limit refuses no statement of the kind this project itself writes."""
    for path in sorted((REPO_ROOT / "queries").rglob("*.cypher")):
        adhoc.check(path.read_text(encoding="utf-8"), max_nesting=10)


def test_huge_range_is_refused(client: httpx.Client) -> None:
    r = client.post("/cypher", json={"query": "RETURN size(range(1, 100000000)) AS n"})
    assert r.status_code == 400 and "range" in r.json()["detail"], r.text
    _still_serving(client)


@pytest.mark.parametrize("query", [
    "UNWIND range(1, 1000000) AS x RETURN x",
    "UNWIND range(1, 1000000) AS x RETURN x LIMIT 5000000",
    "UNWIND range(1, 1000000) AS x RETURN x UNION UNWIND range(1, 10) AS x RETURN x",
    "UNWIND range(1, 1000000) AS x RETURN x; // a comment at the end",
])
def test_rows_are_capped_in_the_statement(client: httpx.Client, query: str) -> None:
    r = client.post("/cypher", json={"query": query})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["truncated"] is True and len(body["rows"]) == 1000


def test_a_smaller_limit_of_the_user_is_kept(client: httpx.Client) -> None:
    r = client.post("/cypher", json={"query": "UNWIND range(1, 100) AS x RETURN x LIMIT $n", "params": {"n": 3}})
    assert r.status_code == 200, r.text
    assert r.json()["rows"] == [{"x": 1}, {"x": 2}, {"x": 3}] and r.json()["truncated"] is False


def test_a_query_running_into_the_time_limit_is_stopped(client: httpx.Client) -> None:
    r = client.post("/cypher", json={"query": "MATCH (a), (b), (c), (d) RETURN count(*) AS n"})
    assert r.status_code == 408, r.text
    assert "时间上限" in r.json()["detail"]
    _still_serving(client)


def test_catalogue_answers_while_cypher_is_flooded(client: httpx.Client, hostile: Hostile) -> None:
    """Six clients send slow ad-hoc queries (each runs into the time limit) for a bounded number of
    rounds; meanwhile /health and a catalogue route are asked in turn and must always answer 200."""
    slow = {"query": "MATCH (a), (b), (c), (d) RETURN count(*) AS n"}
    statuses: list[int] = []
    stop = threading.Event()

    def flood() -> None:
        with httpx.Client(base_url=hostile.url, timeout=ANSWER_WITHIN_S * 2) as c:
            for _ in range(8):
                if stop.is_set():
                    return
                statuses.append(c.post("/cypher", json=slow).status_code)

    threads = [threading.Thread(target=flood) for _ in range(6)]
    for t in threads:
        t.start()
    try:
        for _ in range(10):
            _still_serving(client)
            time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert set(statuses) <= {408, 429}, statuses
    assert 429 in statuses and 408 in statuses, statuses
    busy = client.post("/cypher", json={"query": "RETURN 1 AS x"})
    assert busy.status_code == 200, busy.text


TWO_MILLION_ROWS = "UNWIND range(1, 2000) AS a UNWIND range(1, 1000) AS b RETURN a, b"


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def test_two_million_rows_are_cut_in_the_engine(client: httpx.Client, hostile: Hostile) -> None:
    """2 M rows without a literal range: only max_rows + 1 leave the engine (they used to be parsed
    in Python first: 55 s, 850 MB)."""
    start = time.monotonic()
    r = client.post("/cypher", json={"query": TWO_MILLION_ROWS})
    seconds = time.monotonic() - start
    assert r.status_code == 200, r.text
    assert r.json()["truncated"] is True and len(r.json()["rows"]) == 1000
    peak = _peak_rss_mb(hostile.pid)
    print(f"2 M rows asked: answered in {seconds:.2f} s; API peak RSS {peak:.0f} MB "
          f"({hostile.started_mb:.0f} MB after start-up)")
    assert seconds < ANSWER_WITHIN_S and peak < hostile.started_mb + 100


HOSTILE = {
    "nesting x40": ("RETURN " + "(" * 40 + "1" + ")" * 40, {400, 429}),
    "range(1, 100000000)": ("RETURN size(range(1, 100000000)) AS n", {400, 429}),
    "2 M rows": (TWO_MILLION_ROWS, {200, 429}),
    "time limit": ("MATCH (a), (b), (c), (d) RETURN count(*) AS n", {408, 429}),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_three_hostile_queries_at_once_leave_the_catalogue_responsive(client: httpx.Client, hostile: Hostile,
                                                                      name: str) -> None:
    """Three of the same hostile query at once (three deep ones used to hang every route): each is
    answered within the time limit, and /health and a catalogue route answer meanwhile."""
    query, allowed = HOSTILE[name]
    answers: list[tuple[int, float]] = []

    def send() -> None:
        with httpx.Client(base_url=hostile.url, timeout=ANSWER_WITHIN_S) as c:
            start = time.monotonic()
            answers.append((c.post("/cypher", json={"query": query}).status_code, time.monotonic() - start))

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    slowest = 0.0
    try:
        while any(t.is_alive() for t in threads):
            start = time.monotonic()
            _still_serving(client)
            slowest = max(slowest, time.monotonic() - start)
    finally:
        for t in threads:
            t.join(timeout=ANSWER_WITHIN_S * 2)
    assert len(answers) == 3 and {status for status, _ in answers} <= allowed, answers
    assert max(seconds for _, seconds in answers) < ANSWER_WITHIN_S, answers
    print(f"three × {name}: answers {sorted(answers)}; slowest /health + catalogue meanwhile {slowest:.2f} s")
    assert slowest < ANSWER_WITHIN_S


def test_nul_in_a_parameter_is_a_clean_4xx(client: httpx.Client) -> None:
    assert client.get("/tasks/%00").status_code == 404
    assert client.get("/ui/static/x%00.png").status_code == 404
    r = client.get("/tasks", params={"q": "卫生\x00"})
    assert r.status_code == 400 and "空字符" in r.json()["detail"], r.text
    r = client.post("/cypher", json={"query": "RETURN $x AS x", "params": {"x": "a\x00b"}})
    assert r.status_code == 422 and "空字符" in r.json()["detail"], r.text
    r = client.post("/queries/task_detail", json={"params": {"id": "\x00"}})
    assert r.status_code == 422, r.text
    _still_serving(client)


@pytest.mark.parametrize("big", [2**63, 99999999999999999999, -(2**63) - 1])
def test_integers_beyond_64_bits_are_refused_not_clamped(client: httpx.Client, big: int) -> None:
    r = client.post("/cypher", json={"query": "RETURN $x AS x", "params": {"x": big}})
    assert r.status_code == 422 and "64 位" in r.json()["detail"], r.text
    r = client.post("/queries/workload", json={"params": {"limit": big}})
    assert r.status_code == 422, r.text
    r = client.get("/queries/workload.json", params={"limit": str(big)})
    assert r.status_code == 400 and "64 位" in r.json()["detail"], r.text
    ok = client.post("/cypher", json={"query": "RETURN $x AS x", "params": {"x": 2**63 - 1}})
    assert ok.json()["rows"] == [{"x": 2**63 - 1}]


def _raw_request(url: str, head: str, body: bytes = b"", wait_s: float = ANSWER_WITHIN_S) -> tuple[int, str]:
    """Send the head and `body` (maybe much less than the head declares) and read the answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait_s) as s:
        s.sendall(head.encode() + body)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    status_line = answer.split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1]), answer.decode(errors="replace")


def _length(answer: bytes) -> int:
    m = re.search(rb"(?im)^content-length:\s*(\d+)", answer)
    return int(m.group(1)) if m else 0


def _upload_head(length: int | None, key: str | None, path: str = "/documents") -> str:
    lines = [f"POST {path} HTTP/1.1", "Host: localhost", "Content-Type: multipart/form-data; boundary=b"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    else:
        lines.append("Transfer-Encoding: chunked")
    if key is not None:
        lines.append(f"X-API-Key: {key}")
    return "\r\n".join(lines) + "\r\n\r\n"


def test_upload_key_is_checked_before_the_body_is_read(hostile: Hostile) -> None:
    """The head declares 900 KB (within the limit) but only a few bytes follow: the answer must come
    without waiting for the rest of the body."""
    for key in (None, "wrong"):
        status, answer = _raw_request(hostile.url, _upload_head(900 * 1024, key), b"--b\r\n")
        assert status == 403, answer


def test_upload_above_the_limit_is_refused_from_content_length(hostile: Hostile) -> None:
    status, answer = _raw_request(hostile.url, _upload_head(500 * 1024 * 1024, API_KEY), b"--b\r\n")
    assert status == 413 and "上限" in answer, answer


def test_upload_without_length_is_cut_off_at_the_limit(hostile: Hostile) -> None:
    """A chunked body of unknown length: 413 once the limit (1 MB here) is passed, well before its end."""
    part = b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
    chunks = [part] + [b"x" * 65536] * (UPLOAD_MB * 16 + 4)
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
    status, answer = _raw_request(hostile.url, _upload_head(None, API_KEY), body)
    assert status == 413 and "上限" in answer, answer


def test_every_request_has_a_size_limit(client: httpx.Client) -> None:
    query = "RETURN 1 AS x //" + "x" * (600 * 1024)
    r = client.post("/cypher", json={"query": query})
    assert r.status_code == 413 and "上限" in r.json()["detail"], r.text


def test_upload_within_the_limit_with_the_key_loads(client: httpx.Client) -> None:
    text = "测试任务清单\n\n一、测试\n1.建设测试中心。(牵头单位:市卫健委;责任单位:市民政局)\n".encode()
    r = client.post("/documents", files={"file": ("hostile_ok.txt", text)}, headers={"X-API-Key": API_KEY})
    assert r.status_code == 201, r.text


def test_ui_responses_carry_security_headers(client: httpx.Client) -> None:
    for path in ("/ui/", "/ui/static/common.js", "/docs", "/health"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_health_is_answered_from_counters(hostile: Hostile, client: httpx.Client) -> None:
    """Every statement /health runs is answered by FalkorDB without scanning nodes or edges."""
    import redis

    from graph.schema import count_queries

    health = client.get("/health").json()["counts"]
    assert health["Task"] > 0 and all(isinstance(v, int) for v in health.values())
    conn = redis.Redis(unix_socket_path=str(EmbeddedServer(hostile.data).socket_path))
    try:
        for _, query in count_queries():
            plan = [line.decode() for line in conn.execute_command("GRAPH.EXPLAIN", "hostile", query)]
            assert not any("Scan" in op or "Traverse" in op for op in plan), (query, plan)
    finally:
        conn.close()


def test_health_answers_on_odd_graphs(tmp_path: Path) -> None:
    """/health used to answer 500 when a label came back null: on a graph that does not exist yet, and
    one holding nodes without a label, with labels of no schema and edges of unknown types, it answers
    200 with an integer for every schema label."""
    from graph.falkordb_store import FalkorDBStore

    engine = EmbeddedServer(tmp_path / "engine").start()
    api = None
    try:
        api = ApiProcess({"DUTYGRAPH_DATA": str(tmp_path / "unused"), "FALKORDB_URL": f"unix://{engine.socket_path}",
                          "DUTYGRAPH_GRAPH": "odd"}, tmp_path / "api.log")
        counts = []
        for odd in (None, "CREATE (), (:Stray), (:Task:Stray {id: 't-odd'}), ()-[:STRAY]->(:Stray)"):
            if odd:
                store = FalkorDBStore.embedded(engine.data_dir, graph="odd", server=engine)
                try:
                    store.write([(odd, {})])
                finally:
                    store.close()
            r = httpx.get(api.url + "/health", timeout=ANSWER_WITHIN_S)
            assert r.status_code == 200, r.text
            counts.append(r.json()["counts"])
        assert all(isinstance(v, int) for c in counts for v in c.values()), counts
        assert counts[0]["Task"] == 0 and counts[1]["Task"] == 1 and "Stray" not in counts[1], counts
    finally:
        if api is not None:
            api.stop()
        engine.stop()


def test_engine_down_gives_a_503_without_engine_details(tmp_path: Path) -> None:
    """An external FalkorDB (here an embedded server reached by its socket URL) killed under the API:
    the answer is 503 in Chinese, without the socket path or the driver's words."""
    engine = EmbeddedServer(tmp_path / "engine").start()
    api = None
    try:
        api = ApiProcess({"DUTYGRAPH_DATA": str(tmp_path / "unused"), "FALKORDB_URL": f"unix://{engine.socket_path}",
                          "DUTYGRAPH_GRAPH": "down"}, tmp_path / "api.log")
        assert httpx.get(api.url + "/health", timeout=ANSWER_WITHIN_S).status_code == 200
        os.kill(engine.pid, 9)
        time.sleep(0.5)
        for path in ("/health", CATALOGUE_ROUTE):
            r = httpx.get(api.url + path, timeout=ANSWER_WITHIN_S)
            assert r.status_code == 503, r.text
            detail = r.json()["detail"]
            assert "不可用" in detail and r.headers.get("retry-after")
            assert str(tmp_path) not in r.text and ".sock" not in r.text and "Error" not in r.text, r.text
        assert "falkordb.sock" in (tmp_path / "api.log").read_text(errors="replace")  # the details went to the log
    finally:
        if api is not None:
            api.stop()
        engine.stop()
