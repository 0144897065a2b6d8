"""What every lookup would otherwise recompute, kept in the graph: who holds which task, and how.

`(u:Agency)-[:HOLDS {dl, ds, vl, vs}]->(t:Task)` for every unit u named on task t, directly or through a
group it is a member of (`(u)-[:MEMBER_OF]->(g)`, e.g. a district government through 各区人民政府):
    dl / ds   u itself leads / supports t
    vl / vs   the first (by name) group of u that leads / supports t, or null
From these four the lookups (shared tasks, the profile's via-group count) read a unit's
role on a task and the group it came through without expanding memberships per request.

`refresh(store)` brings them up to date and costs what changed, not the graph: tasks one of whose units
holds them not yet (new since the last refresh) get their holders, and the units whose groups changed (new members,
or a membership gone; remembered as `u.held_groups`) are worked out again whole. Deleted tasks take
their HOLDS with them. Loaders call it after writing; it is idempotent.
"""

from __future__ import annotations

from graph.store import DutyGraphError, GraphStore

CHUNK = 500  # tasks per statement
UNIT_CHUNK = 10  # units per statement (a district government holds thousands of tasks)

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

_SET = """
WITH u, t, collect(CASE WHEN h = u THEN type(r) END) AS direct,
     collect(CASE WHEN h <> u AND type(r) = 'LEADS' THEN h.name END) AS vls,
     collect(CASE WHEN h <> u AND type(r) = 'SUPPORTS' THEN h.name END) AS vss
MERGE (u)-[x:HOLDS]->(t)
SET x.dl = 'LEADS' IN direct, x.ds = 'SUPPORTS' IN direct,
    x.vl = reduce(v = null, n IN vls | CASE WHEN v IS NULL OR n < v THEN n ELSE v END),
    x.vs = reduce(v = null, n IN vss | CASE WHEN v IS NULL OR n < v THEN n ELSE v END)
"""

# the holders of some tasks: the units named on them and the members of those that are groups
HOLD_TASKS = """
UNWIND $ids AS tid
MATCH (h:Agency)-[r:LEADS|SUPPORTS]->(t:Task {id: tid})
OPTIONAL MATCH (m:Agency)-[:MEMBER_OF]->(h)
WITH t, h, r, [h] + collect(m) AS us
UNWIND us AS u
""" + _SET

# everything some units hold, worked out again
HOLD_UNITS = """
UNWIND $ids AS aid
MATCH (u:Agency {id: aid})
OPTIONAL MATCH (u)-[:MEMBER_OF]->(g:Agency)
WITH u, [u] + collect(g) AS hs
UNWIND hs AS h
MATCH (h)-[r:LEADS|SUPPORTS]->(t:Task)
""" + _SET

DROP_HOLDINGS = "UNWIND $ids AS aid MATCH (u:Agency {id: aid})-[x:HOLDS]->() DELETE x"

REMEMBER_GROUPS = "UNWIND $rows AS row MATCH (u:Agency {id: row.id}) SET u.held_groups = row.groups"


def refresh(store: GraphStore, doc_ids: list[str] | None = None) -> dict[str, int]:
    """Bring HOLDS up to date after writes (of the documents `doc_ids` only, if given: their tasks are
    looked at, not every task); returns how many tasks and units were worked out."""
    changed = store.read(CHANGED_UNITS, timeout_ms=600_000)
    lost = [r["id"] for r in changed if set(r["before"]) - set(r["groups"])]
    for ids in _chunks(lost):  # a membership gone: its holdings may be wrong, start that unit afresh
        store.write([(DROP_HOLDINGS, {"ids": ids})])
    for ids in _chunks([r["id"] for r in changed], UNIT_CHUNK):
        store.write([(HOLD_UNITS, {"ids": ids})])
    for rows in _chunks([{"id": r["id"], "groups": r["groups"]} for r in changed]):
        store.write([(REMEMBER_GROUPS, {"rows": rows})])
    tasks = [r["id"] for r in store.read(UNHELD_TASKS, {"docs": doc_ids}, timeout_ms=600_000)]
    for ids in _chunks(tasks):
        store.write([(HOLD_TASKS, {"ids": ids})])
    return {"tasks": len(tasks), "units": len(changed)}


def refresh_after_load(store: GraphStore, doc_ids: list[str]) -> None:
    """`refresh` for the loaders: a failure here (the server gone) must not turn documents already written
    into failed ones; their holdings are made at the next refresh without doc ids (`dutygraph serve` start)."""
    try:
        refresh(store, doc_ids)
    except DutyGraphError:
        pass


def _chunks(items: list, size: int = CHUNK) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]
