"""The explorer's data: a node-link graph of tasks filtered by document, section or agency type.

Paged by tasks (`limit`/`offset`) so the page can show a first batch and add more on "显示更多";
every statement keeps to the Cypher subset FalkorDB and Neo4j share. `view="units"` answers the same page
aggregated by unit (one node per unit, one link per pair sharing tasks), and `view="auto"` does so when the
node-link graph would have more than AUTO_UNITS_ABOVE nodes: the explorer's first view of a big page is a few
dozen units, which a browser draws at once, not thousands of tasks it would have to download and lay out.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import ServicesDep
from api.responses import JSONResponse
from graph.store import GraphStore

router = APIRouter(prefix="/graph", tags=["graph"])

MAX_TASKS = 5000
AUTO_UNITS_ABOVE = 1500  # nodes
View = Literal["tasks", "units", "auto"]

_TASK_FILTER = """
WHERE ($document IS NULL OR t.doc_id = $document OR t.source = $document)
  AND ($section IS NULL OR any(s IN coalesce(t.section, []) WHERE s CONTAINS $section))
"""
# Tasks touched by an agency of the given type (the type filter is a MATCH, not a subquery).
_TASKS_BY_TYPE = "MATCH (a:Agency)-[:LEADS|SUPPORTS]->(t:Task)" + _TASK_FILTER + " AND a.type = $agency_type WITH DISTINCT t\n"
_TASKS_ALL = "MATCH (t:Task)" + _TASK_FILTER + " WITH t\n"

_PAGE = """
RETURN t.id AS id, t.number AS number, t.text AS text, t.title AS title, t.doc_id AS doc_id,
       t.source AS source, t.jurisdiction AS jurisdiction, t.line_start AS line_start
ORDER BY source, line_start, id SKIP $offset LIMIT $limit
"""
_COUNT = "RETURN count(t) AS n"

# `WHERE t.id IN $ids` alone lets FalkorDB start from the id index; adding the type test to the same WHERE
# (or UNWINDing the ids) turned it into a scan of every agency's edges: 3× and 250× slower on 5,000 tasks.
_ASSIGNMENTS = """
MATCH (a:Agency)-[r:LEADS|SUPPORTS]->(t:Task)
WHERE t.id IN $ids
WITH a, r, t WHERE $agency_type IS NULL OR a.type = $agency_type
RETURN a.id AS agency_id, a.name AS name, a.type AS agency_type, a.jurisdiction AS jurisdiction,
       t.id AS task_id, type(r) AS rel
"""
# One row per task of the page with the units assigned to it; ordered and paged as _PAGE is.
_UNITS_PAGE = """
WITH t ORDER BY t.source, t.line_start, t.id SKIP $offset LIMIT $limit
MATCH (a:Agency)-[:LEADS|SUPPORTS]->(t)
WITH a, t WHERE $agency_type IS NULL OR a.type = $agency_type
RETURN t.id AS task_id, collect(DISTINCT a.id) AS agencies
"""
_AGENCIES = """
MATCH (a:Agency) WHERE a.id IN $ids
RETURN a.id AS agency_id, a.name AS name, a.type AS agency_type, a.jurisdiction AS jurisdiction
"""
_INDICATORS = """
MATCH (t:Task)-[:HAS_INDICATOR]->(i:Indicator)
WHERE t.id IN $ids
RETURN t.id AS task_id, i.id AS id, i.name AS name, i.text AS text, i.target AS target, i.unit AS unit
"""
_DOCUMENTS = "MATCH (d:Document) RETURN d.id AS id, d.source AS source, d.title AS title ORDER BY d.source"
_SECTIONS = """
MATCH (s:Section) WHERE s.level = 1
RETURN DISTINCT s.title AS title ORDER BY title
"""
_AGENCY_TYPES = "MATCH (a:Agency) RETURN DISTINCT a.type AS type ORDER BY type"


# Without filters a page is the first tasks in file order: found in the documents that hold them (by their
# task counts) instead of sorting every task of the graph (125,000 at 100x) to keep 300.
_DOCUMENT_COUNTS = "MATCH (d:Document) RETURN d.id AS id, d.source AS source, d.task_count AS n ORDER BY source, id"
_TASKS_OF = "MATCH (t:Task) WHERE t.doc_id IN $docs WITH t\n"


def _first_documents(store: GraphStore, offset: int, limit: int) -> tuple[int, list[str], int] | None:
    """(total tasks, the documents holding tasks offset … offset+limit in file order, tasks of theirs to skip);
    None when a document's task count is not known (not yet refreshed) or some task has no document."""
    rows = store.read(_DOCUMENT_COUNTS)
    if any(r["n"] is None for r in rows):
        return None
    total = sum(int(r["n"]) for r in rows)
    if total != store.read("MATCH (t:Task) RETURN count(t) AS n")[0]["n"]:
        return None
    by_source: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:  # tasks of documents with the same file name interleave: take such documents together
        by_source.setdefault(r["source"], []).append(r)
    docs: list[str] = []
    before = skip = 0
    for group in by_source.values():
        n = sum(int(r["n"]) for r in group)
        if before + n > offset and before < offset + limit:
            if not docs:
                skip = offset - before
            docs += [r["id"] for r in group]
        before += n
    return total, docs, skip


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _agency_node(r: dict[str, Any]) -> dict[str, Any]:
    return {"id": r["agency_id"], "label": r["name"], "name": r["name"], "type": "Agency",
            "group": r.get("agency_type") or "other", "title": f"{r['name']}（{r.get('jurisdiction') or ''}）"}


def _task_node(t: dict[str, Any]) -> dict[str, Any]:
    text = (f"【{t['title']}】" if t.get("title") else "") + (t.get("text") or "")
    number = f"{t['number']}. " if t.get("number") else ""
    return {"id": t["id"], "label": number + (text if len(text) <= 24 else text[:23] + "…"), "type": "Task",
            "group": t.get("doc_id") or "", "number": t.get("number"), "source": t.get("source"),
            "title": f"{number}{text if len(text) <= 100 else text[:99] + '…'}（{t.get('source') or ''}）"}


def by_unit(units_of: dict[str, list[str]], agencies: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One node per unit (`count`: its tasks here) and one SHARED link per pair of units sharing tasks
    (`weight`: how many); `units_of` maps each task to its units, `agencies` holds their agency nodes."""
    count: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for units in units_of.values():
        ids = sorted(set(units))
        count.update(ids)
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])
    nodes = [{**agencies[a], "label": f"{agencies[a]['label']}（{n}）", "count": n} for a, n in count.items()]
    links = [{"source": a, "target": b, "type": "SHARED", "weight": n, "title": f"共同承担 {n} 项任务"}
             for (a, b), n in pairs.items()]
    return {"nodes": nodes, "links": links}


def _units_page(store: GraphStore, head: str, params: dict[str, Any]) -> dict[str, Any]:
    units_of = {r["task_id"]: r["agencies"] for r in store.read(head + _UNITS_PAGE, params)}
    ids = sorted({a for units in units_of.values() for a in units})
    agencies = {r["agency_id"]: _agency_node(r) for r in store.read(_AGENCIES, {"ids": ids})} if ids else {}
    return by_unit(units_of, agencies)


def _tasks_page(store: GraphStore, head: str, params: dict[str, Any], indicators: bool) -> dict[str, Any]:
    tasks = store.read(head + _PAGE, params)
    ids = [t["id"] for t in tasks]
    nodes = {t["id"]: _task_node(t) for t in tasks}
    links: list[dict[str, str]] = []
    if ids:
        for r in store.read(_ASSIGNMENTS, {"ids": ids, "agency_type": params["agency_type"]}):
            nodes.setdefault(r["agency_id"], _agency_node(r))
            links.append({"source": r["agency_id"], "target": r["task_id"], "type": r["rel"]})
        for r in store.read(_INDICATORS, {"ids": ids}) if indicators else []:
            label = r.get("name") or r.get("text") or "指标"
            nodes.setdefault(r["id"], {"id": r["id"], "label": label, "type": "Indicator", "group": "indicator",
                                       "title": r.get("text") or label})
            links.append({"source": r["task_id"], "target": r["id"], "type": "HAS_INDICATOR"})
    return {"nodes": list(nodes.values()), "links": links}


def _units_of(graph: dict[str, Any]) -> dict[str, Any]:
    """The units view of a node-link page already read."""
    units_of: dict[str, list[str]] = {}
    for link in graph["links"]:
        if link["type"] in ("LEADS", "SUPPORTS"):
            units_of.setdefault(link["target"], []).append(link["source"])
    agencies = {n["id"]: n for n in graph["nodes"] if n["type"] == "Agency"}
    return by_unit(units_of, agencies)


def explore_graph(
    store: GraphStore,
    *,
    document: str | None = None,
    section: str | None = None,
    agency_type: str | None = None,
    limit: int = 300,
    offset: int = 0,
    indicators: bool = True,
    view: View = "tasks",
) -> dict[str, Any]:
    """Node-link JSON for one page of matching tasks, with their agencies (and indicators, if asked), or
    that page by unit (see the module's docstring); `view` in the answer says which it is."""
    params: dict[str, Any] = {
        "document": _blank(document), "section": _blank(section), "agency_type": _blank(agency_type),
        "limit": limit, "offset": offset,
    }
    head = _TASKS_BY_TYPE if params["agency_type"] else _TASKS_ALL
    unfiltered = not (params["document"] or params["section"] or params["agency_type"])
    window = _first_documents(store, offset, limit) if unfiltered else None
    if window is None:
        total = store.read(head + _COUNT, params)[0]["n"]
    else:
        total, docs, skip = window
        head, params = _TASKS_OF, {**params, "docs": docs, "offset": skip}
        if not docs:
            return {"nodes": [], "links": [], "total_tasks": total, "limit": limit, "offset": offset, "view": "tasks"}
    # a page of more tasks than that has more nodes than that: no need to read it task by task to know
    if view == "units" or (view == "auto" and min(limit, total - offset) > AUTO_UNITS_ABOVE):
        graph, view = _units_page(store, head, params), "units"
    else:
        graph = _tasks_page(store, head, params, indicators)
        if view == "auto" and len(graph["nodes"]) > AUTO_UNITS_ABOVE:
            graph, view = _units_of(graph), "units"
        else:
            view = "tasks"
    return {**graph, "total_tasks": total, "limit": limit, "offset": offset, "view": view}


def explore_options(store: GraphStore) -> dict[str, Any]:
    """What the explorer's filters can choose from."""
    return {
        "documents": store.read(_DOCUMENTS),
        "sections": [r["title"] for r in store.read(_SECTIONS) if r.get("title")],
        "agency_types": [r["type"] for r in store.read(_AGENCY_TYPES) if r.get("type")],
    }


@router.get("/explore", summary="图谱浏览：按文件、章节、单位类型筛选的任务子图（分页）")
def explore(
    s: ServicesDep,
    document: Annotated[str | None, Query(max_length=200, description="文件 id 或文件名")] = None,
    section: Annotated[str | None, Query(max_length=200, description="章节标题包含的文字")] = None,
    agency_type: Annotated[str | None, Query(max_length=40, description="单位类型，如 department")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_TASKS, description="任务数上限")] = 300,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="跳过的任务数")] = 0,
    indicators: Annotated[bool, Query(description="是否包含指标节点")] = True,
    view: Annotated[View, Query(description=f"tasks：任务与单位；units：按单位聚合；auto：超过 {AUTO_UNITS_ABOVE} 个节点时按单位聚合")] = "tasks",
) -> JSONResponse:
    # returned ready-made: a 5,000-task graph is megabytes, not worth re-encoding field by field
    graph = explore_graph(s.store, document=document, section=section, agency_type=agency_type,
                          limit=limit, offset=offset, indicators=indicators, view=view)
    return JSONResponse(graph)


@router.get("/explore/options", summary="图谱浏览的筛选项：文件、一级章节、单位类型")
def options(s: ServicesDep) -> dict[str, Any]:
    return explore_options(s.store)
