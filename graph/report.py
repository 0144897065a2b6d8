"""Per-document load quality: what a reviewer checks before trusting a document's graph."""

from __future__ import annotations

from typing import Any

from graph.model import LOW_CONFIDENCE
from graph.store import GraphStore

DOCUMENTS = """
MATCH (d:Document)
OPTIONAL MATCH (t:Task {doc_id: d.id})
RETURN d.id AS id, d.source AS source, d.duplicate_of AS duplicate_of, count(t) AS tasks,
       d.jurisdiction AS jurisdiction, d.jurisdiction_level AS jurisdiction_level,
       d.jurisdiction_evidence AS jurisdiction_evidence, d.layouts AS layouts, d.kept_as_written AS kept_as_written
ORDER BY source
"""

INDICATORS = "MATCH (i:Indicator) RETURN i.doc_id AS doc_id, count(i) AS n"

ASSIGNMENTS = """
MATCH (a:Agency)-[r:LEADS|SUPPORTS]->(t:Task)
RETURN t.doc_id AS doc_id, type(r) AS role, count(r) AS n,
       collect(DISTINCT CASE WHEN a.resolved THEN null ELSE a.name END) AS unresolved
"""

UNOWNED = """
MATCH (t:Task) WHERE t.kind <> 'measure'
OPTIONAL MATCH (a:Agency)-[:LEADS|SUPPORTS]->(t)
WITH t, count(a) AS owners WHERE owners = 0
RETURN t.doc_id AS doc_id, t.id AS id, t.number AS number, t.text AS text, t.line_start AS line
ORDER BY line, id
"""

LOW_ROLLUPS = """
MATCH (c)-[r:ROLLS_UP_TO]->(p) WHERE r.confidence < $threshold
RETURN c.doc_id AS doc_id, c.id AS child, p.id AS parent, r.method AS method, r.confidence AS confidence,
       coalesce(c.number, '') + ' ' + coalesce(c.name, CASE WHEN c.title <> '' THEN c.title ELSE c.text END) AS child_text, c.jurisdiction AS child_jurisdiction,
       p.source AS parent_source, coalesce(p.number, '') + ' ' + coalesce(p.name, CASE WHEN p.title <> '' THEN p.title ELSE p.text END) AS parent_text
ORDER BY confidence
"""


def document_report(store: GraphStore) -> list[dict[str, Any]]:
    docs = {
        d["id"]: {**d, "layouts": d.get("layouts") or [], "kept_as_written": d.get("kept_as_written") or [],
                  "indicators": 0, "leads": 0, "supports": 0, "unresolved": [], "unowned": [],
                  "low_confidence_rollups": []}
        for d in store.read(DOCUMENTS)
    }
    for row in store.read(INDICATORS):
        if row["doc_id"] in docs:
            docs[row["doc_id"]]["indicators"] = row["n"]
    for row in store.read(ASSIGNMENTS):
        doc = docs.get(row["doc_id"])
        if doc:
            doc["leads" if row["role"] == "LEADS" else "supports"] += row["n"]
            doc["unresolved"] = sorted(set(doc["unresolved"]) | {n for n in row["unresolved"] if n})
    for row in store.read(UNOWNED):
        if row["doc_id"] in docs:
            docs[row["doc_id"]]["unowned"].append({k: row[k] for k in ("id", "number", "text")})
    for row in store.read(LOW_ROLLUPS, {"threshold": LOW_CONFIDENCE}):
        if row["doc_id"] in docs:
            docs[row["doc_id"]]["low_confidence_rollups"].append({k: v for k, v in row.items() if k != "doc_id"})
    return list(docs.values())
