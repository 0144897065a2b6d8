"""The graph's labels, relationship types and indexes, in one place for both engines.

Every label gets a unique constraint on `id` (which is also its lookup index). Range indexes serve
the lookups the query catalogue makes often: agencies by name/jurisdiction, tasks and sections by
document, tasks by jurisdiction, indicators by task. Each store turns these into its own DDL and
creates only what is missing, so `ensure_schema` is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LABELS: tuple[str, ...] = ("Document", "Section", "Task", "Indicator", "Agency", "District")

REL_TYPES: tuple[str, ...] = (
    "LEADS",
    "SUPPORTS",
    "ROLLS_UP_TO",
    "HAS_INDICATOR",
    "IN_SECTION",
    "PART_OF",
    "MEMBER_OF",
    "IN_DISTRICT",
    "BRANCH_OF",
)

UNIQUE_ID: tuple[str, ...] = LABELS

# (label, property) pairs with a range index besides `id`
RANGE_INDEXES: tuple[tuple[str, str], ...] = (
    ("Agency", "name"),
    ("Agency", "jurisdiction"),
    ("Task", "doc_id"),
    ("Task", "jurisdiction"),
    ("Section", "doc_id"),
    ("Indicator", "task_id"),
    ("Indicator", "doc_id"),
    ("Document", "fingerprint"),
    ("District", "name"),
)


def empty_counts() -> dict[str, int]:
    """Zero for every schema label and relationship type (the shape `counts()` returns)."""
    return {name: 0 for name in (*LABELS, *REL_TYPES)}


def count_queries() -> list[tuple[str, str]]:
    """One statement per schema label and type: a bare count of one label or type is answered from
    the engine's own counters (FalkorDB: matrix sizes; Neo4j: the count store), without a scan."""
    return [*((label, f"MATCH (n:{label}) RETURN count(n) AS n") for label in LABELS),
            *((rel, f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n") for rel in REL_TYPES)]


def count_all(read: Callable[[str], list[dict[str, Any]]]) -> dict[str, int]:
    """Nodes per schema label and relationships per type, through a backend's read path."""
    out = empty_counts()
    for name, query in count_queries():
        rows = read(query)
        out[name] = int(rows[0]["n"] or 0) if rows else 0
    return out


def index_name(label: str, prop: str, kind: str = "idx") -> str:
    """Deterministic names for Neo4j indexes/constraints, e.g. `task_doc_id_idx`."""
    return f"{label.lower()}_{prop}_{kind}"
