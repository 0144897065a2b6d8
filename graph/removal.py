"""Taking a document out of the graph, in one write: what it alone brought goes with it.

- Its sections, tasks and indicators, and the Document node.
- A copy loaded under another name (`duplicate_of` it) holds no tasks of its own: the first copy takes the
  removed document's sections, tasks and indicators over, and the other copies point at it — no
  `duplicate_of` is left pointing at nothing, and the content stays as long as one copy of it is loaded.
- Agencies no remaining task names, directly or through a group, member or parent unit (how the writer
  brings them in), and districts no agency lies in.

`removal_statements` gives the statements; `remove_document` runs them under the write lock. The loader
appends the same statements to a replacement's own write, so a document replaced under a new name is
gone in the transaction that brings the new one.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from graph.store import GraphStore, Statement

COPIES = "MATCH (c:Document) WHERE c.duplicate_of = $id RETURN c.id AS id, c.source AS source ORDER BY source, id"

HAND_OVER = [  # the removed document's content to its first copy ($to)
    """MATCH (s:Section {doc_id: $id})-[r:PART_OF]->(d:Document {id: $id}) MATCH (c:Document {id: $to})
       MERGE (s)-[:PART_OF]->(c) DELETE r""",
    *(f"MATCH (n:{label} {{doc_id: $id}}) SET n.doc_id = $to" for label in ("Section", "Indicator")),
    "MATCH (t:Task {doc_id: $id}) SET t.doc_id = $to, t.source = $to_source",
    "MATCH (c:Document) WHERE c.duplicate_of = $id AND c.id <> $to SET c.duplicate_of = $to",
    "MATCH (c:Document {id: $to}) SET c.duplicate_of = null",
]

DELETE_DOCUMENT = [
    *(f"MATCH (n:{label} {{doc_id: $id}}) DETACH DELETE n" for label in ("Indicator", "Task", "Section")),
    "MATCH (d:Document {id: $id}) DETACH DELETE d",
]

# Related agencies are written with the ones a task names, through MEMBER_OF / BRANCH_OF chains.
DELETE_ORPHANS = [
    """MATCH (a:Agency) WHERE NOT (a)-[:LEADS|SUPPORTS]->(:Task)
       AND NOT (a)-[:MEMBER_OF|BRANCH_OF*1..6]-(:Agency)-[:LEADS|SUPPORTS]->(:Task)
       DETACH DELETE a""",
    "MATCH (d:District) WHERE NOT (:Agency)-[:IN_DISTRICT]->(d) DETACH DELETE d",
]
ORPHANS: list[Statement] = [(q, {}) for q in DELETE_ORPHANS]


def removal_statements(store: GraphStore, doc_id: str) -> list[Statement]:
    """The statements that take `doc_id` out, orphans last (its copies are read now: call under the write
    lock). A caller writing more in the same transaction puts `ORPHANS` after its own statements."""
    copies = store.read(COPIES, {"id": doc_id})
    statements: list[Statement] = []
    if copies:
        to = copies[0]
        params: dict[str, Any] = {"id": doc_id, "to": to["id"], "to_source": to["source"]}
        statements += [(q, params) for q in HAND_OVER]
    statements += [(q, {"id": doc_id}) for q in DELETE_DOCUMENT]
    return statements + ORPHANS


def remove_document(store: GraphStore, doc_id: str) -> str | None:
    """Remove one document in one write; its source, or None when there is no such document."""
    exclusive = getattr(store, "exclusive", None)
    with exclusive() if exclusive else nullcontext():
        rows = store.read("MATCH (d:Document {id: $id}) RETURN d.source AS source", {"id": doc_id})
        if not rows:
            return None
        store.write(removal_statements(store, doc_id))
        return rows[0]["source"]
