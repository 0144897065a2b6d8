"""Shared by the fault-injection tests (imported as `faults`: a module name of its own, so that this folder
runs together with the others): the samples, the CLI's environment, and the check of the graph, document
by document, against what the loader reported."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from graph.export import export_jsonl
from graph.settings import REPO_ROOT
from graph.store import GraphStore

SAMPLES = REPO_ROOT / "data" / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
CITY_LIST = SAMPLES / "003_0cb12dbbb4b3a502.txt"
DISTRICT_PLAN = SAMPLES / "004_204739c3a34e3f44.txt"
DUTYGRAPH = Path(sys.executable).with_name("dutygraph")


def export_text(store: GraphStore) -> str:
    return "".join(line + "\n" for line in export_jsonl(store))


DOCS = """
MATCH (d:Document)
OPTIONAL MATCH (t:Task {doc_id: d.id})
RETURN d.id AS id, d.source AS source, d.duplicate_of AS duplicate_of, count(t) AS tasks
"""


def documents(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Documents in the graph by file name: id, duplicate_of, number of tasks."""
    return {r["source"]: r for r in store.read(DOCS)}


def parsed_tasks(files: list[Path]) -> dict[str, int]:
    """Document id -> number of tasks, for each file as the loader reads it (a copy has none in the graph)."""
    from loaders.parse import parse_bytes

    out = {}
    for f in files:
        parsed = parse_bytes(f.read_bytes(), f.name)
        out[parsed.document.id] = len(parsed.tasks)
    return out


def mismatches(store: GraphStore, reported: list[dict[str, Any]], expected: dict[str, int]) -> list[str]:
    """What the graph holds that contradicts the report. `reported`: {"source", "status", "doc_id"} per
    file, in load order; `expected`: document id -> its task count (parsed_tasks). A document with other
    than all its tasks (none for a copy) is half-present; one reported loaded but absent is lost; one
    reported failed but present is misreported."""
    docs = documents(store)
    problems = []
    for doc in docs.values():
        want = 0 if doc["duplicate_of"] else expected.get(doc["id"])
        if doc["tasks"] != want:
            problems.append(f"half-present {doc['source']}: {doc['tasks']} tasks of {want}")
    final = {r["source"]: r for r in reported}  # the last report per file name counts
    for source, r in final.items():
        doc = docs.get(source)
        present = doc is not None and doc["id"] == r.get("doc_id")
        if r["status"] in ("loaded", "duplicate", "unchanged") and not present:
            problems.append(f"lost {source}: reported {r['status']}, not in the graph")
        if r["status"] == "failed" and present:
            problems.append(f"misreported {source}: reported failed, but it is in the graph")
    return problems


def cli_env(data: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DUTYGRAPH_DATA": str(data), "NO_COLOR": "1", "COLUMNS": "200", **extra}
    for key in ("FALKORDB_URL", "NEO4J_URI", "DUTYGRAPH_GRAPH"):
        env.pop(key, None)
    return env


def as_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiProcess:
    """`uvicorn api.app:create_app --factory` in a child process, configured by environment."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "warning"],
                cwd=REPO_ROOT, env={**os.environ, **env}, stdout=out, stderr=out)
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the API did not start within 60 s"
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def replacing_loads(first_dir: Path, then_dir: Path, first: list[str], then: list[str]
                    ) -> tuple[list[Path], list[Path]]:
    """Sample copies for two loads: `first`, then `first[1]` changed under its own name (a replacement)
    followed by `then`."""
    for folder, names in ((first_dir, first), (then_dir, then)):
        for name in names:
            shutil.copyfile(SAMPLES / name, folder / name)
    changed = (SAMPLES / first[1]).read_bytes().replace("。".encode(), "；".encode(), 3)
    (then_dir / first[1]).write_bytes(changed)
    return sorted(first_dir.iterdir()), [then_dir / first[1], *(then_dir / name for name in then)]
