"""Cached answers are never stale: a write by another process shows on the very next read.

A real `dutygraph serve` (two worker processes, each with its own answer cache) on its own data
folder; the writes come from other processes: a `dutygraph load` of one more document, then a
`dutygraph reset`. Each read is asked four times first, so later answers come from the caches.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from graph.settings import REPO_ROOT

pytestmark = pytest.mark.slow
DUTYGRAPH = Path(sys.executable).with_name("dutygraph")
NEW_DOC = Path(__file__).parent / "data" / "deadlines_2024.txt"
NEW_TASK = "雨污分流改造一期"  # only in NEW_DOC


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path):
    env = {**os.environ, "DUTYGRAPH_DATA": str(tmp_path / "data"), "NO_COLOR": "1"}
    env.pop("NEO4J_URI", None)
    env.pop("FALKORDB_URL", None)
    port = _free_port()
    proc = subprocess.Popen([str(DUTYGRAPH), "serve", "--port", str(port), "--workers", "2"], env=env,
                            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, "dutygraph serve exited"
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "dutygraph serve did not answer within 180 s"
            time.sleep(0.5)
        yield client, env
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=30)


URLS = ("/health", f"/tasks?q={NEW_TASK}", "/documents", "/agencies/市卫健委/tasks?role=lead")


def answers(client: httpx.Client, urls: tuple[str, ...] = URLS) -> dict[str, object]:
    """Each read four times (then from both workers' caches), the same every time."""
    out = {}
    for url in urls:
        for _ in range(4):  # with two workers, both have answered from their caches
            r = client.get(url)
            assert r.status_code == 200, (url, r.text)
            assert out.setdefault(url, r.json()) == r.json(), url
    return out


def run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(DUTYGRAPH), *args], env=env, capture_output=True, text=True, timeout=300,
                          check=False, input="y\n")
    assert done.returncode == 0, done.stderr


def test_a_load_by_another_process_shows_on_the_next_read(served) -> None:
    client, env = served
    before = answers(client)
    assert before["/health"]["counts"]["Document"] == 5
    assert before[f"/tasks?q={NEW_TASK}"]["total"] == 0

    run(env, "load", str(NEW_DOC))
    after = answers(client)
    assert after["/health"]["counts"]["Document"] == 6
    assert after[f"/tasks?q={NEW_TASK}"]["total"] == 1
    assert len(after["/documents"]["items"]) == 6
    assert after["/agencies/市卫健委/tasks?role=lead"] != before["/agencies/市卫健委/tasks?role=lead"]

    run(env, "reset", "--yes")
    emptied = answers(client, URLS[:3])
    assert emptied["/health"]["counts"]["Task"] == 0
    assert emptied[f"/tasks?q={NEW_TASK}"]["total"] == 0
    assert client.get("/agencies/市卫健委/tasks?role=lead").status_code == 404
