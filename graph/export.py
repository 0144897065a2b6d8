"""The JSON Lines export other tools read (the contract is in the README: keep it exact)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from graph.store import GraphStore

DOCUMENTS = """
MATCH (d:Document)
RETURN d.id AS id, d.source AS source, d.title AS title, d.issuer AS issuer, d.doc_number AS doc_number,
       d.date AS date, d.duplicate_of AS duplicate_of
ORDER BY source
"""

TASKS = """
MATCH (t:Task)
OPTIONAL MATCH (a:Agency)-[r:LEADS|SUPPORTS]->(t)
WITH t, collect({name: a.name, role: type(r), pos: r.pos}) AS owners
OPTIONAL MATCH (t)-[:HAS_INDICATOR]->(i:Indicator)
WITH t, owners, collect(i.id) AS indicator_ids
OPTIONAL MATCH (t)-[:ROLLS_UP_TO]->(p:Task)
RETURN t.id AS id, t.source AS source, t.number AS number, t.section AS section, t.text AS text,
       t.jurisdiction AS jurisdiction, t.deadline AS deadline, t.due AS due, owners, indicator_ids,
       collect(p.id) AS rolls_up_to, t.line_start AS line
ORDER BY source, line, id
"""

INDICATORS = """
MATCH (t:Task)-[:HAS_INDICATOR]->(i:Indicator)
RETURN i.id AS id, t.id AS task_id, i.name AS name, i.target AS target, i.unit AS unit,
       i.comparator AS comparator, i.year AS year, i.text AS text, i.type AS type, t.source AS source,
       t.line_start AS line
ORDER BY source, line, id
"""

AGENCIES = """
MATCH (a:Agency)
OPTIONAL MATCH (m:Agency)-[:MEMBER_OF]->(a)
RETURN a.id AS id, a.name AS name, a.jurisdiction AS jurisdiction, a.type AS type, a.aliases AS aliases,
       collect(m.name) AS members
ORDER BY name
"""


def export_records(store: GraphStore) -> Iterator[dict[str, Any]]:
    for row in store.read(DOCUMENTS):
        yield {"kind": "document", **row}
    for row in store.read(TASKS):
        owners = sorted((o for o in row.pop("owners") if o.get("name")), key=lambda o: o.get("pos") or 0)
        row.pop("line")
        yield {
            "kind": "task", **{k: row[k] for k in ("id", "source", "number", "section", "text", "jurisdiction")},
            "leads": _names(owners, "LEADS"), "supports": _names(owners, "SUPPORTS"),
            "indicator_ids": sorted(set(row["indicator_ids"])), "rolls_up_to": sorted(set(row["rolls_up_to"])),
            "deadline": row["deadline"], "due": row["due"],
        }
    for row in store.read(INDICATORS):
        row.pop("source"), row.pop("line")
        yield {"kind": "indicator", **row}
    for row in store.read(AGENCIES):
        yield {"kind": "agency", **row, "aliases": row["aliases"] or [], "members": sorted(set(row["members"]))}


def export_jsonl(store: GraphStore) -> Iterator[str]:
    """One JSON object per line (no trailing newline), UTF-8 characters unescaped."""
    for record in export_records(store):
        yield json.dumps(record, ensure_ascii=False)


def _names(owners: list[dict[str, Any]], role: str) -> list[str]:
    names: list[str] = []
    for o in owners:
        if o["role"] == role and o["name"] not in names:
            names.append(o["name"])
    return names
