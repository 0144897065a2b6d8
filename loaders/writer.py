"""Turn one ParsedDocument into the Cypher batch that puts it in the graph.

The batch first removes any earlier version of the same document (same id or same file name), then
CREATEs the document's own nodes and MERGEs the units and districts it shares with others, by stable id.
The store runs the whole batch as one unit, so a reload changes nothing and a failed load leaves the graph
as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from graph.model import Agency, ParsedDocument, Provenance, RollUp, Task, stable_id
from graph.store import Statement

AgencyLookup = Callable[[str], "Agency | None"]
DistrictLookup = Callable[[str], "dict[str, Any] | None"]

# An earlier version of the document goes first: same id, or the same file name with other content.
DELETE_PREVIOUS = [
    f"""
MATCH (d:Document) WHERE d.id = $id OR d.source = $source
WITH d MATCH (n:{label} {{doc_id: d.id}})
DETACH DELETE n
"""
    for label in ("Indicator", "Task", "Section")
] + ["MATCH (d:Document) WHERE d.id = $id OR d.source = $source DETACH DELETE d"]

# A document's own nodes are new when its statements run (an earlier version is removed first, and every id
# derives from the document's): CREATE, not MERGE, which would look each one up first.
CREATE_DOCUMENT = "CREATE (d:Document {id: $id}) SET d += $props"
CREATE_DOCUMENTS = "UNWIND $rows AS r CREATE (d:Document {id: r.id}) SET d += r.props"

# Rows are lists, not maps: the keys would be most of a bulk load's parameter text (sent, parsed by the
# server and logged in the append-only file for every row). A null leaves the property out, as `+=` did.
CREATE_SECTIONS = """
UNWIND $rows AS r
CREATE (s:Section {id: r[0]}) SET s.doc_id = r[1], s.title = r[2], s.path = r[3], s.level = r[4]
"""

CREATE_SECTION_PARENTS = {  # rows: [section id, parent id]
    label: f"""
UNWIND $rows AS r
MATCH (s:Section {{id: r[0]}}), (p:{label} {{id: r[1]}})
CREATE (s)-[:PART_OF]->(p)
"""
    for label in ("Document", "Section")
}


def _sets(var: str, columns: list[str], first: int) -> str:
    return ", ".join(f"{var}.{c} = r[{n}]" for n, c in enumerate(columns, start=first))


TASK_COLUMNS = ["doc_id", "source", "number", "text", "attribution", "section", "jurisdiction", "kind", "title",
                "category", "deadline", "leader", "due", "due_start", "due_kind",
                "line_start", "line_end", "span", "location"]  # after [id, section id]
CREATE_TASKS = f"""
UNWIND $rows AS r
MATCH (s:Section {{id: r[1]}})
CREATE (t:Task {{id: r[0]}})-[:IN_SECTION]->(s) SET {_sets("t", TASK_COLUMNS, 2)}
"""

INDICATOR_COLUMNS = ["task_id", "doc_id", "pos", "name", "target", "unit", "comparator", "year", "text", "type",
                     "set_by_city", "line_start", "line_end", "span", "location"]  # after [id]; r[1] is also the task matched
CREATE_INDICATORS = f"""
UNWIND $rows AS r
MATCH (t:Task {{id: r[1]}})
CREATE (t)-[:HAS_INDICATOR]->(i:Indicator {{id: r[0]}}) SET {_sets("i", INDICATOR_COLUMNS, 1)}
"""

MERGE_DISTRICTS = """
UNWIND $rows AS r
MERGE (d:District {id: r.id}) SET d.name = r.name, d.kind = r.kind, d.ring = r.ring
"""

MERGE_AGENCIES = """
UNWIND $rows AS r
MERGE (a:Agency {id: r.id})
SET a.name = r.name, a.jurisdiction = r.jurisdiction, a.type = r.type, a.resolved = r.resolved,
    a.aliases = [x IN coalesce(a.aliases, []) WHERE NOT x IN r.aliases] + r.aliases,
    a.written = [x IN coalesce(a.written, []) WHERE NOT x IN r.written] + r.written
"""

MERGE_AGENCY_LINKS = {
    rel: f"""
UNWIND $rows AS r
MATCH (a:Agency {{id: r.from}}), (b:{label} {{id: r.to}})
MERGE (a)-[:{rel}]->(b)
"""
    for rel, label in (("MEMBER_OF", "Agency"), ("BRANCH_OF", "Agency"), ("IN_DISTRICT", "District"))
}

# The task was created by the same write (an earlier version is removed first), so the edge cannot exist yet:
# CREATE, not MERGE, which would look through a busy unit's thousands of edges for each one.
ASSIGNMENT_COLUMNS = ["doc_id", "source", "written", "rule", "pos", "line_start", "line_end", "span", "location"]  # after [agency id, task id]
CREATE_ASSIGNMENTS = {
    rel: f"""
UNWIND $rows AS r
MATCH (a:Agency {{id: r[0]}}), (t:Task {{id: r[1]}})
CREATE (a)-[x:{rel}]->(t)
SET {_sets("x", ASSIGNMENT_COLUMNS, 2)}
"""
    for rel in ("LEADS", "SUPPORTS")
}

MERGE_ROLLUPS = {  # rows: [child, parent, method, confidence]
    kind: f"""
UNWIND $rows AS r
MATCH (c:{label} {{id: r[0]}}), (p:{label} {{id: r[1]}})
MERGE (c)-[x:ROLLS_UP_TO]->(p)
SET x.method = r[2], x.confidence = r[3]
"""
    for kind, label in (("task", "Task"), ("indicator", "Indicator"))
}

DROP_ROLLUPS = {  # roll-ups a child no longer has (its parents changed with another document); rows: [child, parent]
    kind: f"""
UNWIND $rows AS r
MATCH (c:{label} {{id: r[0]}})-[x:ROLLS_UP_TO]->(p:{label} {{id: r[1]}})
DELETE x
"""
    for kind, label in (("task", "Task"), ("indicator", "Indicator"))
}


def document_statements(
    parsed: ParsedDocument,
    *,
    lookup_agency: AgencyLookup,
    lookup_district: DistrictLookup,
    extra_props: dict[str, Any] | None = None,
    replace: bool = True,
    with_rollups: bool = True,
) -> list[Statement]:
    """All statements for one document, in the order they must run.

    `replace=False` leaves out the removal of an earlier version, for a document known to be new;
    `with_rollups=False` leaves out its roll-ups (written with the batch that holds both ends).
    """
    doc = parsed.document
    if any(not t.id for t in parsed.tasks):
        parsed.assign_ids()
    statements: list[Statement] = []
    if replace:
        statements += [(q, {"id": doc.id, "source": doc.source}) for q in DELETE_PREVIOUS]
    props = {
        "source": doc.source, "title": doc.title, "issuer": doc.issuer, "doc_number": doc.doc_number,
        "date": doc.date, "fingerprint": doc.fingerprint, "encoding": doc.encoding,
        "traditional": doc.traditional, "duplicate_of": doc.duplicate_of, "line_count": doc.line_count,
        "jurisdiction": doc.jurisdiction, "jurisdiction_level": doc.jurisdiction_level,
        "jurisdiction_evidence": doc.jurisdiction_evidence, "layouts": list(doc.layouts),
        "kept_as_written": list(doc.kept_as_written),
        **(extra_props or {}),
    }
    statements.append((CREATE_DOCUMENT, {"id": doc.id, "props": props}))

    sections = _section_rows(parsed)
    statements.append((CREATE_SECTIONS, {"rows": [r[:5] for r in sections.values()]}))
    for label in ("Document", "Section"):
        rows = [[r[0], r[5]] for r in sections.values() if (r[4] <= 1) == (label == "Document")]
        statements.append((CREATE_SECTION_PARENTS[label], {"rows": rows}))
    statements.append((CREATE_TASKS, {"rows": [_task_row(t, doc.id, sections) for t in parsed.tasks]}))
    statements.append((CREATE_INDICATORS, {"rows": _indicator_rows(parsed.tasks, doc.id)}))

    agencies = _with_related(parsed.agencies(), lookup_agency)
    statements.append((MERGE_DISTRICTS, {"rows": _district_rows(agencies, lookup_district)}))
    written = _written_forms(parsed)
    statements.append((MERGE_AGENCIES, {"rows": [_agency_row(a, written.get(a.id, [])) for a in agencies]}))
    for rel, rows in _agency_link_rows(agencies).items():
        statements.append((MERGE_AGENCY_LINKS[rel], {"rows": rows}))
    for rel, rows in _assignment_rows(parsed).items():
        statements.append((CREATE_ASSIGNMENTS[rel], {"rows": rows}))
    if with_rollups:
        statements.extend(rollup_statements(parsed.rollups))
    return [(q, p) for q, p in statements if p.get("rows", True) != []]


def _canonical_order() -> list[str]:
    return [CREATE_DOCUMENTS, CREATE_SECTIONS, *CREATE_SECTION_PARENTS.values(), CREATE_TASKS, CREATE_INDICATORS,
            MERGE_DISTRICTS, MERGE_AGENCIES, *MERGE_AGENCY_LINKS.values(), *CREATE_ASSIGNMENTS.values(),
            *DROP_ROLLUPS.values(), *MERGE_ROLLUPS.values()]


def combine(batches: Iterable[list[Statement]]) -> list[Statement]:
    """Several new documents' statements (no removal of earlier versions) as one UNWIND per statement,
    with the same effect as running them one document after another."""
    rows: dict[str, list[dict[str, Any]]] = {q: [] for q in _canonical_order()}
    for statements in batches:
        for query, params in statements:
            if query == CREATE_DOCUMENT:
                rows[CREATE_DOCUMENTS].append({"id": params["id"], "props": params["props"]})
            elif query in rows:
                rows[query].extend(params["rows"])
            else:
                raise ValueError(f"cannot combine: {query[:60]}")
    rows[MERGE_AGENCIES] = _combined_agencies(rows[MERGE_AGENCIES])
    rows[MERGE_DISTRICTS] = list({r["id"]: r for r in rows[MERGE_DISTRICTS]}.values())
    for query in MERGE_AGENCY_LINKS.values():
        rows[query] = list({(r["from"], r["to"]): r for r in rows[query]}.values())
    return [(q, {"rows": r}) for q, r in rows.items() if r]


def _combined_agencies(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per agency: its last document's fields; aliases and written forms merged in document order,
    as MERGE_AGENCIES run once per document would leave them."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        before = out.get(r["id"])
        if before is None:
            out[r["id"]] = dict(r)
            continue
        merged = dict(r)
        for key in ("aliases", "written"):
            merged[key] = [x for x in before[key] if x not in r[key]] + list(r[key])
        out[r["id"]] = merged
    return list(out.values())


# a document written before its roll-ups carries a pending loader version until they are in (loaders/pipeline.py)
COMPLETE_DOCUMENTS = "UNWIND $rows AS r MATCH (d:Document {id: r.id}) SET d.loader = r.loader"


def rollup_statements(rollups: Iterable[RollUp]) -> list[Statement]:
    by_kind: dict[str, list[list[Any]]] = {"task": [], "indicator": []}
    for r in rollups:
        by_kind[r.kind].append([r.child_id, r.parent_id, r.method, round(r.confidence, 3)])
    return [(MERGE_ROLLUPS[k], {"rows": rows}) for k, rows in by_kind.items() if rows]


def section_id(doc_id: str, path: list[str]) -> str:
    return stable_id("sec", doc_id, *path) if path else stable_id("sec", doc_id, "")


def _section_rows(parsed: ParsedDocument) -> dict[tuple[str, ...], list[Any]]:
    """Every heading path used by a task, with its ancestors; tasks under no heading sit in a root section.
    Rows: SECTION_COLUMNS, then the parent's id."""
    doc_id = parsed.document.id
    rows: dict[tuple[str, ...], list[Any]] = {}
    for task in parsed.tasks:
        path = tuple(task.section)
        for depth in range(0 if not path else 1, len(path) + 1):
            sub = path[:depth]
            if sub in rows:
                continue
            parent = section_id(doc_id, list(sub[:-1])) if len(sub) > 1 else doc_id
            rows[sub] = [section_id(doc_id, list(sub)), doc_id, sub[-1] if sub else "", list(sub), len(sub), parent]
    return rows


def _provenance(p: Provenance | None) -> list[Any]:
    """line_start, line_end, span, location (None: left out)."""
    if p is None:
        return [None, None, None, None]
    return [p.line_start, p.line_end, p.span, p.location or None]


def _task_row(task: Task, doc_id: str, sections: dict[tuple[str, ...], list[Any]]) -> list[Any]:
    """[id, section id, *TASK_COLUMNS]"""
    return [task.id, sections[tuple(task.section)][0], doc_id, task.provenance.source, task.number, task.text,
            task.attribution, list(task.section), task.jurisdiction, task.kind, task.title, task.category,
            task.deadline, task.leader, task.due, task.due_start, task.due_kind, *_provenance(task.provenance)]


def _indicator_rows(tasks: list[Task], doc_id: str) -> list[list[Any]]:
    """[id, *INDICATOR_COLUMNS]"""
    rows = []
    for task in tasks:
        for pos, ind in enumerate(task.indicators):
            rows.append([ind.id, task.id, doc_id, pos, ind.name, ind.target, ind.unit, ind.comparator, ind.year,
                         ind.text, ind.type, ind.set_by_city, *_provenance(ind.provenance or task.provenance)])
    return rows


def _with_related(agencies: list[Agency], lookup: AgencyLookup) -> list[Agency]:
    """Add the groups, members and parent units the named agencies imply, each once."""
    found: dict[str, Agency] = {a.id: a for a in agencies}
    queue = list(agencies)
    while queue:
        agency = queue.pop()
        for name in [*agency.members, *agency.member_of, *([agency.branch_of] if agency.branch_of else [])]:
            related = lookup(name) or Agency(name=name, resolved=False)
            if related.id not in found:
                found[related.id] = related
                queue.append(related)
    return sorted(found.values(), key=lambda a: a.id)


def _written_forms(parsed: ParsedDocument) -> dict[str, list[str]]:
    """Agency id → every form in which the document printed it."""
    forms: dict[str, set[str]] = {}
    for task in parsed.tasks:
        for a in task.assignments:
            forms.setdefault(a.agency.id, set()).add(a.written)
    return {k: sorted(v) for k, v in forms.items()}


def _agency_row(agency: Agency, written: list[str]) -> dict[str, Any]:
    return {
        "id": agency.id, "name": agency.name, "jurisdiction": agency.jurisdiction, "type": agency.type,
        "resolved": agency.resolved, "aliases": sorted(set(agency.aliases)), "written": written,
    }


def _district_rows(agencies: list[Agency], lookup: DistrictLookup) -> list[dict[str, Any]]:
    rows = {}
    for agency in agencies:
        if agency.district:
            info = lookup(agency.district) or {}
            rows[agency.district] = {
                "id": district_id(agency.district), "name": agency.district,
                "kind": info.get("kind", "district"), "ring": info.get("ring"),
            }
    return list(rows.values())


def district_id(name: str) -> str:
    return stable_id("dist", name)


def _agency_link_rows(agencies: list[Agency]) -> dict[str, list[dict[str, str]]]:
    by_name = {a.name: a for a in agencies}
    links: dict[str, list[dict[str, str]]] = {"MEMBER_OF": [], "BRANCH_OF": [], "IN_DISTRICT": []}
    seen: set[tuple[str, str, str]] = set()

    def add(rel: str, src: str, dst: str) -> None:
        if (rel, src, dst) not in seen and src != dst:
            seen.add((rel, src, dst))
            links[rel].append({"from": src, "to": dst})

    for a in agencies:
        for group in a.member_of:
            if group in by_name:
                add("MEMBER_OF", a.id, by_name[group].id)
        for member in a.members:
            if member in by_name:
                add("MEMBER_OF", by_name[member].id, a.id)
        if a.branch_of and a.branch_of in by_name:
            add("BRANCH_OF", a.id, by_name[a.branch_of].id)
        if a.district:
            add("IN_DISTRICT", a.id, district_id(a.district))
    return links


def _assignment_rows(parsed: ParsedDocument) -> dict[str, list[list[Any]]]:
    """[agency id, task id, *ASSIGNMENT_COLUMNS] by relationship type"""
    rows: dict[str, list[list[Any]]] = {"LEADS": [], "SUPPORTS": []}
    doc_id = parsed.document.id
    for task in parsed.tasks:
        seen: set[tuple[str, str]] = set()
        p = task.provenance
        for pos, a in enumerate(task.assignments):
            rel = "LEADS" if a.role == "lead" else "SUPPORTS"
            if (rel, a.agency.id) in seen:
                continue
            seen.add((rel, a.agency.id))
            rows[rel].append([a.agency.id, task.id, doc_id, p.source, a.written, a.rule, pos, p.line_start,
                              p.line_end, task.attribution or p.span, a.location or None])
    return rows
