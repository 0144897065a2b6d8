"""Shared by the fault-injection tests: the samples, the `reliability` marker on every test here, and
the check of the graph, document by document, against what the loader reported."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.export import export_jsonl
from graph.settings import REPO_ROOT
from graph.store import GraphStore

SAMPLES = REPO_ROOT / "data" / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
CITY_LIST = SAMPLES / "003_0cb12dbbb4b3a502.txt"
DISTRICT_PLAN = SAMPLES / "004_204739c3a34e3f44.txt"
DUTYGRAPH = Path(sys.executable).with_name("dutygraph")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.reliability)


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


def mismatches(store: GraphStore, reported: list[dict[str, Any]], expected_tasks: dict[str, int]) -> list[str]:
    """What the graph holds that contradicts the report. `reported`: {"source", "status", "doc_id"} per
    file; `expected_tasks`: a file's task count when fully loaded. A document present with another task
    count is half-present; loaded but absent is lost; failed but present is misreported."""
    docs = documents(store)
    problems = []
    for r in reported:
        doc = docs.get(r["source"])
        present = doc is not None and doc["id"] == r.get("doc_id")
        if present and doc["tasks"] != expected_tasks[r["source"]] and not doc["duplicate_of"]:
            problems.append(f"half-present {r['source']}: {doc['tasks']} of {expected_tasks[r['source']]} tasks")
        if r["status"] in ("loaded", "duplicate", "unchanged") and not present:
            problems.append(f"lost {r['source']}: reported {r['status']}, not in the graph")
        if r["status"] == "failed" and present:
            problems.append(f"misreported {r['source']}: reported failed, but it is in the graph")
    return problems


def cli_env(data: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DUTYGRAPH_DATA": str(data), "NO_COLOR": "1", "COLUMNS": "200", **extra}
    for key in ("FALKORDB_URL", "NEO4J_URI", "DUTYGRAPH_GRAPH"):
        env.pop(key, None)
    return env


def as_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)
