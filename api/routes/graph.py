"""Node-link JSON (networkx's node_link shape) around an agency or a task, for the graph pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import Services, ServicesDep
from api.errors import NotFound
from api.models import NodeLink

router = APIRouter(prefix="/graph", tags=["graph"])
# tasks drawn around a unit (its first in document order). 200 stay a picture one can read and a browser lays
# out in well under a second, at depth 2 too (every co-assigned unit and indicator: about three nodes a task);
# a double click on a unit adds up to that many more. The lists on the unit's page have every task.
MAX_TASKS = {1: 200, 2: 200}


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.links: dict[tuple[str, str, str], dict[str, Any]] = {}

    def node(self, id: str, type: str, label: str, group: str | None, title: str, name: str | None = None,
             **extra: Any) -> str:
        if id not in self.nodes:
            item = {"id": id, "label": label, "type": type, "group": group, "title": title}
            if name is not None:
                item["name"] = name
            item.update({k: v for k, v in extra.items() if v is not None})
            self.nodes[id] = item
        return id

    def link(self, source: str, target: str, type: str, **extra: Any) -> None:
        self.links.setdefault((source, target, type), {"source": source, "target": target, "type": type, **extra})

    def out(self) -> dict:
        return {"directed": True, "nodes": list(self.nodes.values()), "links": list(self.links.values())}


def _short(text: str | None, n: int = 18) -> str:
    text = text or ""
    return text if len(text) <= n else text[: n - 1] + "…"


def _task_node(b: _Builder, t: dict[str, Any], role: str | None = None) -> str:
    number = t.get("number") or ""
    title = f"{t.get('source') or ''} 第{number}项：{t.get('text') or ''}"
    label = f"{number}. {_short(t.get('title') or t.get('text'))}" if number else _short(t.get("text"))
    return b.node(t["id"], "Task", label, t.get("kind") or "task", title, doc_id=t.get("doc_id"), role=role)


def _agency_node(b: _Builder, a: dict[str, Any]) -> str:
    title = f"{a['name']}（{a.get('jurisdiction') or ''}，{a.get('type') or ''}）"
    return b.node(a["id"], "Agency", a["name"], a.get("type") or "other", title, name=a["name"])


def _indicator_node(b: _Builder, i: dict[str, Any]) -> str:
    label = _short(i.get("name") or i.get("text"), 14)
    target = "" if i.get("target") is None else f"{i.get('comparator') or ''}{i['target']}{i.get('unit') or ''}"
    return b.node(i["id"], "Indicator", label, i.get("type") or "indicator", f"{i.get('text') or ''} {target}".strip())


def _agencies(s: Services, names: set[str]) -> dict[str, dict[str, Any]]:
    if not names:
        return {}
    return {r["name"]: r for r in s.run("agencies_by_name", {"names": sorted(names)})}


@router.get("/agency/{name}", response_model=NodeLink, summary="单位周边的图（depth=1：任务与群组；2：再加协同单位与指标）")
def agency_graph(name: str, s: ServicesDep, depth: Annotated[int, Query(ge=1, le=2)] = 1) -> dict:
    canonical = s.names.agency(name)
    tasks = s.run("agency_tasks", {"name": canonical, "role": "any", "limit": MAX_TASKS[depth]})
    names = {canonical} | {t["via"] for t in tasks if t["via"]}
    if depth >= 2:
        for t in tasks:
            names.update(t["leads"], t["supports"])
    agencies = _agencies(s, names)
    b = _Builder()
    center = _agency_node(b, agencies[canonical])
    district = agencies[canonical].get("jurisdiction")
    if district and district != "武汉市":
        known = {d["name"]: d for d in s.cached("districts", lambda: s.run("list_districts"))}
        d = known.get(district, {"id": f"district:{district}", "name": district, "kind": "district"})
        did = b.node(d["id"], "District", district, d.get("kind") or "district", f"{district}（{d.get('ring') or ''}）",
                     name=district)
        b.link(center, did, "IN_DISTRICT")
    for t in tasks:
        tid = _task_node(b, t, role=t["role"])  # the page filters the unit's tasks by document and role
        holder = center
        if t["via"] and t["via"] in agencies:
            holder = _agency_node(b, agencies[t["via"]])
            b.link(center, holder, "MEMBER_OF")
        b.link(holder, tid, "LEADS" if t["role"] == "lead" else "SUPPORTS")
        if depth >= 2:
            for rel, members in (("LEADS", t["leads"]), ("SUPPORTS", t["supports"])):
                for other in members:
                    if other in agencies:
                        b.link(_agency_node(b, agencies[other]), tid, rel)
            for ind in t["indicators"]:
                b.link(tid, _indicator_node(b, ind), "HAS_INDICATOR")
    return b.out()


@router.get("/task/{task_id}", response_model=NodeLink, summary="任务周边的图：单位、指标、上下级任务、文件")
def task_graph(task_id: str, s: ServicesDep) -> dict:
    rows = s.run("task_detail", {"id": task_id})
    if not rows:
        raise NotFound(f"找不到任务 {task_id}")
    t = rows[0]
    b = _Builder()
    tid = _task_node(b, t)
    refs = {a["name"] for a in t["lead_agencies"] + t["support_agencies"]}
    agencies = _agencies(s, refs)
    for rel, members in (("LEADS", t["lead_agencies"]), ("SUPPORTS", t["support_agencies"])):
        for a in members:
            b.link(_agency_node(b, agencies.get(a["name"], a)), tid, rel, written=a.get("written"))
    for ind in t["indicators"]:
        iid = _indicator_node(b, ind)
        b.link(tid, iid, "HAS_INDICATOR")
        for p in ind.get("rolls_up_to") or []:
            b.link(iid, _indicator_node(b, p), "ROLLS_UP_TO")
        for c in ind.get("rolled_up_from") or []:
            b.link(_indicator_node(b, c), iid, "ROLLS_UP_TO")
    for p in t["rolls_up_to"]:
        b.link(tid, _task_node(b, p), "ROLLS_UP_TO", method=p.get("method"), confidence=p.get("confidence"))
    for c in t["rolled_up_from"]:
        b.link(_task_node(b, c), tid, "ROLLS_UP_TO", method=c.get("method"), confidence=c.get("confidence"))
    if t.get("doc_id"):
        docs = {d["id"]: d for d in s.cached("documents", lambda: s.run("list_documents"))}
        d = docs.get(t["doc_id"], {"id": t["doc_id"], "source": t.get("source"), "title": t.get("source")})
        did = b.node(d["id"], "Document", _short(d.get("title") or d.get("source"), 20), "document",
                     f"{d.get('title') or ''}（{d.get('source') or ''}）")
        b.link(tid, did, "IN_DOCUMENT")
    return b.out()
