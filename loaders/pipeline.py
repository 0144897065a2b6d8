"""Load documents into a store: check limits, parse, spot copies, link roll-ups, write each document atomically.

Each document is linked and written under the store's write lock (`exclusive`), after this loader's view of
the graph is brought up to date: documents another loader wrote meanwhile are linked with too. A document
already in the graph (same bytes, same file name, same loader code) is left alone, so loading the same
files again changes nothing. A copy under another name becomes a Document marked `duplicate_of` the one
it copies, which stays untouched.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import removal
from graph.model import Document, Indicator, ParsedDocument, Provenance, RollUp, Task
from graph.settings import Settings
from graph.store import DutyGraphError, GraphStore, LoadError, Statement, WriteUnknown
from loaders import duplicates, rollups
from loaders.agencies import Resolver
from loaders.formats import SUPPORTED_SUFFIXES, skip_reason, skipped_in  # what a folder load takes
from loaders.parse import parse_bytes
from loaders.writer import DROP_ROLLUPS, document_statements, rollup_statements

MAX_KEPT_WARNINGS = 50  # kept on the Document for the documents page; the load report shows them all
TEXT_SUFFIXES = {".txt", ".text", ".csv", ".tsv"}  # their lines can be measured before decoding

DOCUMENTS = "MATCH (d:Document) RETURN d.id AS id, d.source AS source, d.loader AS loader"

EXISTING_TASKS = """
MATCH (t:Task)
OPTIONAL MATCH (t)-[:HAS_INDICATOR]->(i:Indicator)
WITH t, i ORDER BY coalesce(i.pos, 0), i.id
RETURN t {.*} AS task, collect(i {.*}) AS indicators
"""

EXISTING_ROLLUPS = [  # every roll-up edge, by the task whose decision it is (an indicator's: its task's)
    """
MATCH (c:Task)-[r:ROLLS_UP_TO]->(p:Task)
RETURN c.id AS owner, c.id AS child, p.id AS parent, 'task' AS kind, r.method AS method, r.confidence AS confidence
""",
    """
MATCH (t:Task)-[:HAS_INDICATOR]->(c:Indicator)-[r:ROLLS_UP_TO]->(p:Indicator)
RETURN t.id AS owner, c.id AS child, p.id AS parent, 'indicator' AS kind, r.method AS method,
       r.confidence AS confidence
""",
]

EXISTING_SIGNATURES = """
MATCH (d:Document) WHERE d.duplicate_of IS NULL
RETURN d.id AS id, d.signature AS signature
"""

WRITTEN = """
MATCH (d:Document {id: $id})
OPTIONAL MATCH (t:Task {doc_id: $id})
RETURN d.loader AS loader, count(t) AS tasks
"""

UNKNOWN = "结果未知，请重新载入"


@dataclass
class LoadResult:
    source: str
    doc_id: str | None = None
    status: str = "loaded"  # loaded | duplicate | unchanged | failed | unknown
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None


@functools.cache
def loader_version() -> str:
    """A digest of the code and data that turn a file into graph content: when it changes, a re-load
    writes the document again instead of leaving it alone."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    files = [*root.rglob("*.py"), *root.rglob("*.yaml"), *root.rglob("*.yml"), root.parent / "graph" / "model.py"]
    for f in sorted(set(files)):
        if "__pycache__" not in f.parts:
            digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:16]


def _version(jurisdiction: str | None) -> str:
    """What a document's graph content depends on besides its bytes: the loader, and a place given by hand."""
    return loader_version() + (f"@{jurisdiction}" if jurisdiction else "")


@dataclass(frozen=True)
class Limits:
    """Checked before a file is read (size) or parsed (longest line): a clear refusal instead of minutes
    and gigabytes spent on something that is not a document."""

    max_file_mb: float = 20
    max_line_kb: float = 64

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Limits:
        settings = settings or Settings()
        return cls(settings.dutygraph_max_file_mb, settings.dutygraph_max_line_kb)

    def check_size(self, size: int, source: str) -> None:
        if size > self.max_file_mb * 1024 * 1024:
            raise LoadError(source, None, f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {self.max_file_mb:g} MB，"
                                          f"可用 DUTYGRAPH_MAX_FILE_MB 调整）")

    def check(self, data: bytes, source: str) -> None:
        self.check_size(len(data), source)
        if Path(source).suffix.lower() not in TEXT_SUFFIXES:
            return
        limit = int(self.max_line_kb * 1024)
        long_line = re.search(rb"[^\n]{%d}" % (limit + 1), data)
        if long_line:
            line = data.count(b"\n", 0, long_line.start()) + 1
            raise LoadError(source, line, f"行过长（超过 {self.max_line_kb:g} KB，上限可用 DUTYGRAPH_MAX_LINE_KB "
                                          f"调整），不像正文")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders become their supported files, in name order (a folder without any is an error)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and skip_reason(p) is None)
            if not found:
                skipped = "；".join(f"{Path(name).name}：{why}" for name, why in skipped_in([path]))
                raise LoadError(str(path), None, "文件夹中没有可载入的文件（支持：" +
                                "、".join(sorted(SUPPORTED_SUFFIXES)) + "）" + (f"。跳过 {skipped}" if skipped else ""))
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            raise LoadError(str(path), None, "文件不存在")
    return out


class Loader:
    """Keeps what it knows of the graph between documents (tasks, copies, roll-up indexes) and re-reads it
    only when another writer changed the documents in between."""

    def __init__(self, store: GraphStore, resolver: Resolver | None = None, *, limits: Limits | None = None):
        self.store = store
        self.resolver = resolver or Resolver.default()
        self.limits = limits or Limits.from_settings()
        self.linker = rollups.Linker()
        self._docs: dict[str, tuple[str, str | None]] | None = None  # doc id -> (file name, loader version)
        self._tasks: dict[str, list[Task]] = {}  # doc id -> its tasks in the graph
        self._copies = duplicates.SignatureIndex()
        self._edges: dict[str, set[Edge]] = {}  # task id -> the roll-up edges its decision put in the graph
        self._into: dict[str, set[str]] = defaultdict(set)  # parent task/indicator id -> tasks with edges into it

    def load_bytes(self, data: bytes, source: str, *, jurisdiction: str | None = None,
                   replaces: str | None = None) -> LoadResult:
        """`replaces`: the id of a loaded document this one takes the place of (under another name), removed
        in the same write (graph.removal) — never both in the graph, never neither."""
        try:
            self.limits.check(data, source)
        except LoadError as e:
            return LoadResult(source=source, status="failed", error=str(e))
        doc_id = Document(source=source, fingerprint=hashlib.sha256(data).hexdigest()).id
        version = _version(jurisdiction)
        try:
            with self._exclusive():
                if self._unchanged(doc_id, version) and replaces in (None, doc_id):
                    return LoadResult(source=source, doc_id=doc_id, status="unchanged")
        except DutyGraphError as e:
            return LoadResult(source=source, doc_id=doc_id, status="failed", error=f"{source}: {e}")
        try:
            parsed = parse_bytes(data, source, resolver=self.resolver, jurisdiction=jurisdiction)
        except LoadError as e:
            return LoadResult(source=source, status="failed", error=str(e))
        return self.load_parsed(parsed, version=version, replaces=replaces)

    def load_parsed(self, parsed: ParsedDocument, *, version: str | None = None,
                    replaces: str | None = None) -> LoadResult:
        doc = parsed.document
        parsed.assign_ids()
        signature = duplicates.signature(parsed.text)
        version = version or _version(None)
        try:
            with self._exclusive():
                if self._unchanged(doc.id, version) and replaces in (None, doc.id):
                    return LoadResult(source=doc.source, doc_id=doc.id, status="unchanged")
                return self._link_and_write(parsed, signature, version, replaces)
        except DutyGraphError as e:  # the lock or a read failed: nothing was written
            self._docs = None
            return LoadResult(source=doc.source, doc_id=doc.id, status="failed", error=f"{doc.source}: {e}")

    # ---- one document, under the write lock ---------------------------------------------------------

    def _link_and_write(self, parsed: ParsedDocument, signature: list[int], version: str,
                        replaces: str | None = None) -> LoadResult:
        doc = parsed.document
        docs = self._docs or {}
        earlier = {d for d, (source, _) in docs.items() if source == doc.source or d == doc.id or d == replaces}
        copy_of = self._copies.find(signature, exclude=earlier)
        if copy_of:
            doc.duplicate_of = copy_of[0]
            parsed.tasks = []
        gone = {t.id for d in earlier for t in self._tasks.get(d, [])}
        decided = self.linker.update(parsed.tasks, gone)
        gone |= {i.id for d in earlier for t in self._tasks.get(d, []) for i in t.indicators}
        # Replacing a document drops every edge into it: the children that had one are decided again.
        for owner in sorted(set().union(*(self._into.get(i, set()) for i in gone)) - gone - decided.keys()):
            if owner in self.linker.children:
                decided[owner] = self.linker.decide(self.linker.children[owner])
        own = {t.id for t in parsed.tasks}
        parsed.rollups = [r for owner, links in decided.items() if owner in own for r in links]
        edge_changes = self._edge_changes({o: ls for o, ls in decided.items() if o not in own}, gone)
        warnings = list(parsed.warnings)
        if earlier - {doc.id}:
            warnings.append(f"{doc.source}: 替换了先前载入的同名文件（内容不同）")
        statements = document_statements(
            parsed,
            lookup_agency=self.resolver.lookup,
            lookup_district=self.resolver.district_info,
            extra_props={"signature": signature, "loader": version,
                         "warnings": parsed.warnings[:MAX_KEPT_WARNINGS]},
            replace=bool(earlier),
        ) + edge_changes
        if replaces and replaces != doc.id:
            statements = removal.removal_statements(self.store, replaces)[: -len(removal.ORPHANS)] + statements \
                + removal.ORPHANS
        status = "duplicate" if copy_of else "loaded"
        try:
            self.store.write(statements)
        except WriteUnknown as e:
            self._docs = None  # re-read the graph before the next document
            outcome = self._outcome(parsed, e, version)
            if outcome.status != "loaded":
                return outcome
            warnings.append(f"{doc.source}: 写入时与服务器的连接中断，已核实写入成功")
        except DutyGraphError as e:
            self._docs = None
            return LoadResult(source=doc.source, doc_id=doc.id, status="failed",
                              error=f"{doc.source}: {e}（图谱未改动）")
        else:
            self._remember(parsed, signature, earlier, version, decided)
        return LoadResult(source=doc.source, doc_id=doc.id, status=status, counts=_counts(parsed),
                          warnings=warnings, encoding=doc.encoding)

    def _outcome(self, parsed: ParsedDocument, error: WriteUnknown, version: str) -> LoadResult:
        """The connection died during the write. Once the server is back (from its AOF) the graph shows
        whether the write, which is all-or-nothing, happened."""
        doc = parsed.document
        unknown = LoadResult(source=doc.source, doc_id=doc.id, status="unknown",
                             error=f"{doc.source}: {UNKNOWN}（{error}）")
        if not error.server_restarted:
            return unknown
        try:
            rows = self.store.read(WRITTEN, {"id": doc.id})
        except DutyGraphError:
            return unknown
        if not rows:
            return LoadResult(source=doc.source, doc_id=doc.id, status="failed",
                              error=f"{doc.source}: 写入时服务器中断，未写入（图谱未改动），请重新载入")
        if rows[0]["loader"] == version and rows[0]["tasks"] == len(parsed.tasks):
            return LoadResult(source=doc.source, doc_id=doc.id, status="loaded")
        return unknown

    def _unchanged(self, doc_id: str, version: str) -> bool:
        docs = self._refresh()
        return doc_id in docs and docs[doc_id][1] == version

    def _refresh(self) -> dict[str, tuple[str, str | None]]:
        """The graph's documents; when they are not the ones this loader last saw, re-read everything."""
        current = {r["id"]: (r["source"], r["loader"]) for r in self.store.read(DOCUMENTS)}
        if current == self._docs:
            return current
        tasks: dict[str, list[Task]] = {}
        rows = self.store.read(EXISTING_TASKS)  # in printed order: the engines return groups in any order
        for row in sorted(rows, key=lambda r: (r["task"].get("line_start") or 0, r["task"]["id"])):
            tasks.setdefault(row["task"].get("doc_id", ""), []).append(task_from_row(row))
        copies = duplicates.SignatureIndex()
        for row in self.store.read(EXISTING_SIGNATURES):
            if row["signature"]:
                copies.add(row["id"], row["signature"])
        self._edges, self._into = {}, defaultdict(set)
        for query in EXISTING_ROLLUPS:
            for r in self.store.read(query):
                edge = (r["child"], r["parent"], r["kind"], r["method"], r["confidence"])
                self._edges.setdefault(r["owner"], set()).add(edge)
                self._into[r["parent"]].add(r["owner"])
        self.linker = rollups.Linker()
        self.linker.update([t for ts in tasks.values() for t in ts], decide=False)
        self._docs, self._tasks, self._copies = current, tasks, copies
        return current

    def _edge_changes(self, decided: dict[str, list[RollUp]], gone: set[str]) -> list[Statement]:
        """Statements turning the graph's roll-ups of other documents' children into `decided`
        (edges into `gone` are dropped with it already)."""
        merge: list[RollUp] = []
        drop: dict[str, list[dict[str, str]]] = {"task": [], "indicator": []}
        for owner, links in decided.items():
            old = {e for e in self._edges.get(owner, set()) if e[1] not in gone}
            new = {_edge(r) for r in links}
            merge += [r for r in links if _edge(r) not in old]
            kept = {(e[0], e[1]) for e in new}
            for child, parent, kind, _, _ in sorted(old):
                if (child, parent) not in kept:
                    drop[kind].append({"child": child, "parent": parent})
        return [(DROP_ROLLUPS[k], {"rows": rows}) for k, rows in drop.items() if rows] + rollup_statements(merge)

    def _remember(self, parsed: ParsedDocument, signature: list[int], earlier: set[str], version: str,
                  decided: dict[str, list[RollUp]]) -> None:
        doc = parsed.document
        docs = self._docs if self._docs is not None else {}
        for d in earlier:
            docs.pop(d, None)
            for t in self._tasks.pop(d, []):
                self._forget_edges(t.id)
            self._copies.discard(d)
        for owner, links in decided.items():
            self._forget_edges(owner)
            self._edges[owner] = {_edge(r) for r in links}
            for r in links:
                self._into[r.parent_id].add(owner)
        docs[doc.id] = (doc.source, version)
        self._docs = docs
        self._tasks[doc.id] = parsed.tasks
        if not doc.duplicate_of:
            self._copies.add(doc.id, signature)

    def _forget_edges(self, owner: str) -> None:
        for edge in self._edges.pop(owner, set()):
            self._into.get(edge[1], set()).discard(owner)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        exclusive = getattr(self.store, "exclusive", None)
        with exclusive() if exclusive else nullcontext():
            yield


def load_paths(
    *,
    store: GraphStore,
    paths: Sequence[Path],
    resolver: Resolver | None = None,
    on_progress: Callable[[LoadResult], None] | None = None,
    jurisdiction: str | None = None,
    limits: Limits | None = None,
) -> list[LoadResult]:
    """Load each file as one atomic unit; a file that fails is reported and leaves the graph as it was.
    Files are told apart by name: a second file of the same name from another folder is refused."""
    loader = Loader(store, resolver, limits=limits)
    results = []
    seen: dict[str, Path] = {}
    for path in expand_paths(paths):
        first = seen.setdefault(path.name, path)
        try:
            if first.resolve() != path.resolve():
                raise LoadError(str(path), None, f"与本次载入的 {first} 同名；图谱以文件名区分文件，请改名后再载入")
            loader.limits.check_size(path.stat().st_size, path.name)
            result = loader.load_bytes(path.read_bytes(), path.name, jurisdiction=jurisdiction)
        except LoadError as e:
            result = LoadResult(source=path.name, status="failed", error=str(e))
        except OSError as e:
            result = LoadResult(source=path.name, status="failed", error=f"{path}: 无法读取（{e.strerror or e}）")
        results.append(result)
        if on_progress:
            on_progress(result)
    return results


def load_bytes(
    *, store: GraphStore, data: bytes, source: str, resolver: Resolver | None = None, jurisdiction: str | None = None,
    replaces: str | None = None,
) -> LoadResult:
    return Loader(store, resolver).load_bytes(data, source, jurisdiction=jurisdiction, replaces=replaces)


Edge = tuple[str, str, str, str, float]  # child, parent, kind, method, confidence


def _edge(r: RollUp) -> Edge:
    return (r.child_id, r.parent_id, r.kind, r.method, round(r.confidence, 3))


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
