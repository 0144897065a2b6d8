"""What every lookup would otherwise recompute, kept in the graph: who holds which task, and how.

`(u:Agency)-[:HOLDS {dl, ds, vl, vs}]->(t:Task)` for every unit u named on task t, directly or through a
group it is a member of (`(u)-[:MEMBER_OF]->(g)`, e.g. a district government through 各区人民政府):
    dl / ds   u itself leads / supports t
    vl / vs   the first (by name) group of u that leads / supports t, or null
From these four the lookups (shared tasks, the profile's via-group count) read a unit's
role on a task and the group it came through without expanding memberships per request.

Per document, what the document list shows (`queries/list_documents.cypher`), counted once rather than on
every request (at 100x that is 350,000 unit-task edges per request):
    d.task_count          its tasks
    d.unit_count          the units named on them
    d.unresolved_names    the names of those units not resolved to a known unit (`a.resolved = false`; a
                          name's resolution does not change while the resolver's data stay the same)
    d.unowned_ids         the ids of its tasks that name no unit (queries/falkordb/unowned_tasks.cypher)
    d.counted_as_copy_of  its `duplicate_of` when counted ('' for none): a copy holds no tasks, and when the
                          document it copies is removed the copy takes its tasks over (graph/removal.py) and
                          its `duplicate_of` changes — so a count whose `duplicate_of` differs is stale, and the
                          document list counts such documents afresh until the next refresh.

`refresh(store)` brings them up to date and costs what changed, not the graph: tasks one of whose units
holds them not yet (new since the last refresh) get their holders, and the units whose groups changed (new members,
or a membership gone; remembered as `u.held_groups`) are worked out again whole. Deleted tasks take
their HOLDS with them. Loaders call it after writing; it is idempotent.
"""

from __future__ import annotations

from contextlib import nullcontext

from graph.store import DutyGraphError, GraphStore, Statement

CHUNK = 500  # tasks per statement
UNIT_CHUNK = 10  # units per statement (a district government holds thousands of tasks)
DOC_CHUNK = 100  # documents per statement
STATEMENTS_PER_WRITE = 8

# tasks one of whose units has no HOLDS on them yet (new since the last refresh, or newly assigned)
UNHELD_TASKS = """
MATCH (h:Agency)-[:LEADS|SUPPORTS]->(t:Task)
WHERE ($docs IS NULL OR t.doc_id IN $docs) AND NOT (h)-[:HOLDS]->(t)
RETURN DISTINCT t.id AS id
"""

# units whose groups differ from those their holdings were worked out with
CHANGED_UNITS = """
MATCH (u:Agency)
OPTIONAL MATCH (u)-[:MEMBER_OF]->(g:Agency)
WITH u, g.id AS gid ORDER BY gid
WITH u, collect(gid) AS groups
WHERE u.held_groups IS NULL OR u.held_groups <> groups
RETURN u.id AS id, groups, coalesce(u.held_groups, []) AS before
"""

# units never worked out that hold nothing yet: their holdings are created, not merged (a third faster)
NEW_UNITS = """
MATCH (u:Agency)
WHERE u.held_groups IS NULL AND NOT (u)-[:HOLDS]->()
RETURN u.id AS id
"""

_SET = """
WITH u, t, collect(CASE WHEN h = u THEN type(r) END) AS direct,
     collect(CASE WHEN h <> u AND type(r) = 'LEADS' THEN h.name END) AS vls,
     collect(CASE WHEN h <> u AND type(r) = 'SUPPORTS' THEN h.name END) AS vss
MERGE (u)-[x:HOLDS]->(t)
SET x.dl = 'LEADS' IN direct, x.ds = 'SUPPORTS' IN direct,
    x.vl = reduce(v = null, n IN vls | CASE WHEN v IS NULL OR n < v THEN n ELSE v END),
    x.vs = reduce(v = null, n IN vss | CASE WHEN v IS NULL OR n < v THEN n ELSE v END)
"""
_CREATE = _SET.replace("MERGE (u)-[x:HOLDS]->(t)", "CREATE (u)-[x:HOLDS]->(t)")

# the holders of some tasks: the units named on them and the members of those that are groups
HOLD_TASKS = """
UNWIND $ids AS tid
MATCH (h:Agency)-[r:LEADS|SUPPORTS]->(t:Task {id: tid})
OPTIONAL MATCH (m:Agency)-[:MEMBER_OF]->(h)
WITH t, h, r, [h] + collect(m) AS us
UNWIND us AS u
""" + _SET

# everything some units hold, worked out again (HOLD_NEW_UNITS: units that hold nothing yet)
_UNITS_TASKS = """
UNWIND $ids AS aid
MATCH (u:Agency {id: aid})
OPTIONAL MATCH (u)-[:MEMBER_OF]->(g:Agency)
WITH u, [u] + collect(g) AS hs
UNWIND hs AS h
MATCH (h)-[r:LEADS|SUPPORTS]->(t:Task)
"""
HOLD_UNITS = _UNITS_TASKS + _SET
HOLD_NEW_UNITS = _UNITS_TASKS + _CREATE

DROP_HOLDINGS = "UNWIND $ids AS aid MATCH (u:Agency {id: aid})-[x:HOLDS]->() DELETE x"

REMEMBER_GROUPS = "UNWIND $rows AS row MATCH (u:Agency {id: row.id}) SET u.held_groups = row.groups"

# documents whose counts are missing or stale (see the module's docstring)
UNCOUNTED_DOCUMENTS = """
MATCH (d:Document)
WHERE d.task_count IS NULL OR d.unowned_ids IS NULL OR d.counted_as_copy_of IS NULL
   OR d.counted_as_copy_of <> coalesce(d.duplicate_of, '')
RETURN d.id AS id
"""

COUNT_DOCUMENTS = """
UNWIND $ids AS did
MATCH (d:Document {id: did})
OPTIONAL MATCH (t:Task {doc_id: d.id})
OPTIONAL MATCH (a:Agency)-[:LEADS|SUPPORTS]->(t)
WITH d, count(DISTINCT t) AS tasks, collect(DISTINCT a) AS units,
     collect(CASE WHEN a IS NULL AND t IS NOT NULL THEN t.id END) AS unowned
SET d.task_count = tasks, d.unit_count = size(units),
    d.unresolved_names = [a IN units WHERE a.resolved = false | a.name],
    d.unowned_ids = unowned, d.counted_as_copy_of = coalesce(d.duplicate_of, '')
"""


def refresh(store: GraphStore, doc_ids: list[str] | None = None) -> dict[str, int]:
    """Bring HOLDS and the documents' counts up to date after writes (of the documents `doc_ids` only, if
    given: their tasks are looked at, not every task, and they and the documents whose counts are stale are
    counted); returns how many tasks, units and documents were worked out."""
    exclusive = getattr(store, "exclusive", None)
    with exclusive() if exclusive else nullcontext():  # what is new is known until it is written
        return _refresh(store, doc_ids)


def _refresh(store: GraphStore, doc_ids: list[str] | None) -> dict[str, int]:
    changed = store.read(CHANGED_UNITS, timeout_ms=600_000)
    lost = [r["id"] for r in changed if set(r["before"]) - set(r["groups"])]
    # a membership gone: its holdings may be wrong, start that unit afresh
    _write(store, [(DROP_HOLDINGS, {"ids": ids}) for ids in _chunks(lost)], edges_only=True)
    new = {r["id"] for r in store.read(NEW_UNITS, timeout_ms=600_000)}
    for query, units in ((HOLD_NEW_UNITS, [r["id"] for r in changed if r["id"] in new]),
                         (HOLD_UNITS, [r["id"] for r in changed if r["id"] not in new])):
        _write(store, [(query, {"ids": ids}) for ids in _chunks(units, UNIT_CHUNK)])
    _write(store, [(REMEMBER_GROUPS, {"rows": rows})
                   for rows in _chunks([{"id": r["id"], "groups": r["groups"]} for r in changed])])
    tasks = [r["id"] for r in store.read(UNHELD_TASKS, {"docs": doc_ids}, timeout_ms=600_000)]
    _write(store, [(HOLD_TASKS, {"ids": ids}) for ids in _chunks(tasks)])
    docs = list(dict.fromkeys([*(doc_ids or []), *(r["id"] for r in store.read(UNCOUNTED_DOCUMENTS, timeout_ms=600_000))]))
    _write(store, [(COUNT_DOCUMENTS, {"ids": ids}) for ids in _chunks(docs, DOC_CHUNK)])
    return {"tasks": len(tasks), "units": len(changed), "documents": len(docs)}


def refresh_after_load(store: GraphStore, doc_ids: list[str]) -> None:
    """`refresh` for the loaders: a failure here (the server gone) must not turn documents already written
    into failed ones; their holdings are made at the next refresh without doc ids (`dutygraph serve` start)."""
    try:
        refresh(store, doc_ids)
    except DutyGraphError:
        pass


def _write(store: GraphStore, statements: list[Statement], *, edges_only: bool = False) -> None:
    """A few statements per write: each write is an fsync, and a write of all of them would keep readers
    waiting for long on a big graph."""
    for group in _chunks(statements, STATEMENTS_PER_WRITE):
        store.write(group, edges_only=edges_only)


def _chunks(items: list, size: int = CHUNK) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]
