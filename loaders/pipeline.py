"""Load documents into a store: parse, spot copies, link roll-ups, write each document atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.model import Indicator, ParsedDocument, Provenance, Task
from graph.store import DutyGraphError, GraphStore, LoadError
from loaders import duplicates, rollups
from loaders.agencies import Resolver
from loaders.formats import SUPPORTED_SUFFIXES  # the formats registry decides
from loaders.parse import parse_bytes
from loaders.writer import document_statements

MAX_KEPT_WARNINGS = 50  # kept on the Document for the documents page; the load report shows them all

EXISTING_TASKS = """
MATCH (t:Task)
OPTIONAL MATCH (t)-[:HAS_INDICATOR]->(i:Indicator)
RETURN t {.*} AS task, collect(i {.*}) AS indicators
"""

ALREADY_LOADED = "MATCH (d:Document) WHERE d.id = $id OR d.source = $source RETURN count(d) AS n"

EXISTING_SIGNATURES = """
MATCH (d:Document) WHERE d.duplicate_of IS NULL
RETURN d.id AS id, d.source AS source, d.signature AS signature
"""


@dataclass
class LoadResult:
    source: str
    doc_id: str | None = None
    status: str = "loaded"  # loaded | duplicate | failed
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders become their supported files, in name order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        elif path.exists():
            out.append(path)
        else:
            raise LoadError(str(path), None, "文件不存在")
    return out


class Loader:
    """Keeps what earlier loads in the same run already know (tasks, texts), so each file costs one read."""

    def __init__(self, store: GraphStore, resolver: Resolver | None = None):
        self.store = store
        self.resolver = resolver or Resolver.default()
        self._tasks: dict[str, list[Task]] | None = None  # file name -> its tasks in the graph
        self._copies: duplicates.SignatureIndex | None = None
        self._sources: dict[str, str] = {}  # doc id -> file name, for the documents in _copies

    def load_bytes(self, data: bytes, source: str, *, jurisdiction: str | None = None) -> LoadResult:
        try:
            parsed = parse_bytes(data, source, resolver=self.resolver, jurisdiction=jurisdiction)
        except LoadError as e:
            return LoadResult(source=source, status="failed", error=str(e))
        return self.load_parsed(parsed)

    def load_parsed(self, parsed: ParsedDocument) -> LoadResult:
        doc = parsed.document
        parsed.assign_ids()
        signature = duplicates.signature(parsed.text)
        # A file with the same name replaces its earlier version; it is not a copy of it.
        copies = self.copies()
        same_file = {k for k, source in self._sources.items() if source == doc.source}
        copy_of = copies.find(signature, exclude=same_file)
        if copy_of:
            doc.duplicate_of = copy_of[0]
            parsed.tasks = []
        others = [t for source, tasks in self.tasks().items() if source != doc.source for t in tasks]
        parsed.rollups = rollups.link(parsed.tasks, others)
        statements = document_statements(
            parsed,
            lookup_agency=self.resolver.lookup,
            lookup_district=self.resolver.district_info,
            extra_props={"signature": signature, "warnings": parsed.warnings[:MAX_KEPT_WARNINGS]},
            replace=self.store.read(ALREADY_LOADED, {"id": doc.id, "source": doc.source})[0]["n"] > 0,
        )
        try:
            self.store.write(statements)
        except DutyGraphError as e:
            return LoadResult(source=doc.source, doc_id=doc.id, status="failed", error=f"{doc.source}: {e}")
        self._remember(parsed, signature)
        return LoadResult(
            source=doc.source, doc_id=doc.id, status="duplicate" if copy_of else "loaded",
            counts=_counts(parsed), warnings=parsed.warnings, encoding=doc.encoding,
        )

    def tasks(self) -> dict[str, list[Task]]:
        if self._tasks is None:
            self._tasks = {}
            for row in self.store.read(EXISTING_TASKS):
                task = task_from_row(row)
                self._tasks.setdefault(task.provenance.source, []).append(task)
        return self._tasks

    def copies(self) -> duplicates.SignatureIndex:
        if self._copies is None:
            self._copies = duplicates.SignatureIndex()
            for row in self.store.read(EXISTING_SIGNATURES):
                if row["signature"]:
                    self._copies.add(row["id"], row["signature"])
                    self._sources[row["id"]] = row["source"]
        return self._copies

    def _remember(self, parsed: ParsedDocument, signature: list[int]) -> None:
        self.tasks()[parsed.document.source] = parsed.tasks
        copies = self.copies()
        for key in [k for k, source in self._sources.items() if source == parsed.document.source]:
            copies.discard(key)
            del self._sources[key]
        if not parsed.document.duplicate_of:
            copies.add(parsed.document.id, signature)
            self._sources[parsed.document.id] = parsed.document.source


def load_paths(
    *,
    store: GraphStore,
    paths: Sequence[Path],
    resolver: Resolver | None = None,
    on_progress: Callable[[LoadResult], None] | None = None,
    jurisdiction: str | None = None,
) -> list[LoadResult]:
    """Load each file as one atomic unit; a file that fails is reported and leaves the graph as it was."""
    loader = Loader(store, resolver)
    results = []
    for path in expand_paths(paths):
        result = loader.load_bytes(path.read_bytes(), path.name, jurisdiction=jurisdiction)
        results.append(result)
        if on_progress:
            on_progress(result)
    return results


def load_bytes(
    *, store: GraphStore, data: bytes, source: str, resolver: Resolver | None = None, jurisdiction: str | None = None
) -> LoadResult:
    return Loader(store, resolver).load_bytes(data, source, jurisdiction=jurisdiction)


def task_from_row(row: dict[str, Any]) -> Task:
    """A task already in the graph, rebuilt so roll-up linking can compare it with new ones."""
    t = row["task"]
    prov = Provenance(t.get("source", ""), t.get("line_start") or 0, t.get("line_end") or 0, t.get("span") or "")
    task = Task(
        number=t.get("number", ""), text=t.get("text", ""), section=list(t.get("section") or []),
        jurisdiction=t.get("jurisdiction", ""), provenance=prov, kind=t.get("kind", "task"),
        attribution=t.get("attribution", ""), title=t.get("title", ""), category=t.get("category", ""),
        deadline=t.get("deadline"), id=t["id"],
    )
    task.indicators = [
        Indicator(
            name=i.get("name", ""), text=i.get("text", ""), target=i.get("target"), unit=i.get("unit"),
            comparator=i.get("comparator"), year=i.get("year"), type=i.get("type"),
            set_by_city=bool(i.get("set_by_city")), id=i["id"],
        )
        for i in row["indicators"]
        if i and i.get("id")
    ]
    return task


def _counts(parsed: ParsedDocument) -> dict[str, int]:
    tasks = parsed.tasks
    return {
        "tasks": len(tasks),
        "indicators": sum(len(t.indicators) for t in tasks),
        "leads": sum(1 for t in tasks for a in t.assignments if a.role == "lead"),
        "supports": sum(1 for t in tasks for a in t.assignments if a.role == "support"),
        "agencies": len(parsed.agencies()),
        "unresolved": len({a.agency.name for t in tasks for a in t.assignments if not a.agency.resolved}),
        "unowned": sum(1 for t in tasks if not t.assignments and t.kind != "measure"),
        "rollups": len(parsed.rollups),
    }
