"""The `dutygraph` command as a user runs it: a real process, its own data folder, real exit codes."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from graph.settings import REPO_ROOT

SAMPLES = REPO_ROOT / "data" / "samples"
DUTYGRAPH = Path(sys.executable).with_name("dutygraph")


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "DUTYGRAPH_DATA": str(tmp_path / "data"), "NO_COLOR": "1", "COLUMNS": "200"}


def run(env, *args, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(DUTYGRAPH), *args], env=env, capture_output=True, text=True, timeout=300, input=input, check=False)


def test_load_export_stats_reset(env, tmp_path):
    loaded = run(env, "load", str(SAMPLES))
    assert loaded.returncode == 0, loaded.stderr
    for name in ("000_", "001_", "003_", "004_"):
        assert name in loaded.stdout
    assert "重复件" in loaded.stdout  # 002 is a copy of 001

    out = tmp_path / "graph.jsonl"
    exported = run(env, "export", "--format", "jsonl", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["kind"] for r in records} == {"document", "task", "indicator", "agency"}
    assert len([r for r in records if r["kind"] == "document"]) == 5
    assert "市卫健委" in out.read_text(encoding="utf-8")  # UTF-8, not \\u escapes

    stats = run(env, "stats")
    assert stats.returncode == 0 and "Task" in stats.stdout

    report = run(env, "report", "--json")
    assert report.returncode == 0, report.stderr
    rows = json.loads(report.stdout)
    assert {r["source"] for r in rows} == {p.name for p in SAMPLES.glob("*.txt")}

    assert run(env, "reset", "--yes").returncode == 0
    after = run(env, "export")
    assert after.returncode == 0 and after.stdout == ""


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["load", "no/such/file.txt"], "no/such/file.txt"),
        (["export", "--format", "xml"], "xml"),
        (["query", "no_such_query"], "no_such_query"),
        (["query", "agency_tasks", "--param", "oops"], "oops"),
    ],
)
def test_user_errors_exit_1_with_one_line(env, args, says):
    result = run(env, *args)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_file_fails_with_file_and_reason_and_the_rest_loads(env, tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    result = run(env, "load", str(SAMPLES / "003_0cb12dbbb4b3a502.txt"), str(junk))
    assert result.returncode == 1
    assert "junk.txt" in result.stderr
    listed = run(env, "export")
    assert "003_0cb12dbbb4b3a502.txt" in listed.stdout and "junk.txt" not in listed.stdout


def test_query_runs_a_catalogue_query(env):
    assert run(env, "load", str(SAMPLES / "003_0cb12dbbb4b3a502.txt")).returncode == 0
    listed = run(env, "query", "--list")
    assert listed.returncode == 0 and "agency_tasks" in listed.stdout
    result = run(env, "query", "agency_tasks", "-p", "name=市卫健委", "-p", "role=lead", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    # 003 names 市卫健委 as lead (牵头单位, or 责任单位 alone) in 202 210 211 212 213 214 215 and 民生实事 4 22 23 24.
    assert len([r for r in rows if not r.get("via")]) == 11


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_loads_the_samples_into_an_empty_graph_and_answers_health(env):
    port = free_port()
    proc = subprocess.Popen(
        [str(DUTYGRAPH), "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        health = None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    health = json.loads(response.read())
                    break
            except OSError:
                time.sleep(0.5)
        assert proc.poll() is None, proc.stdout.read().decode()
        assert health["status"] == "ok" and health["backend"] == "falkordb"
        assert health["counts"]["Document"] == 5
        assert health["counts"]["Task"] > 300
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()


def test_viz_writes_a_self_contained_page_and_names_a_miss(env, tmp_path):
    assert run(env, "load", str(SAMPLES / "003_0cb12dbbb4b3a502.txt")).returncode == 0
    page = tmp_path / "wjw.html"
    result = run(env, "viz", "市卫健委", "--out", str(page))
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "市卫健委" in html and "new vis.Network" in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", html)

    missing = run(env, "viz", "市卫生健康局局", "--out", str(tmp_path / "x.html"))
    assert missing.returncode == 1
    assert "找不到" in missing.stderr
