"""Load documents into a store: check limits, parse, spot copies, link roll-ups, write each document atomically.

Each document is linked and written under the store's write lock (`exclusive`), after this loader's view of
the graph is brought up to date: documents another loader wrote meanwhile are linked with too. A document
already in the graph (same bytes, same file name, same loader code) is left alone, so loading the same
files again changes nothing. A copy under another name becomes a Document marked `duplicate_of` the one
it copies, which stays untouched.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import re
import sys
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import derived, removal
from graph.model import Document, Indicator, ParsedDocument, Provenance, RollUp, Task
from graph.settings import Settings
from graph.store import DutyGraphError, GraphStore, LoadError, Statement, WriteUnknown
from loaders import batch, duplicates, parallel, rollups
from loaders.agencies import Resolver
from loaders.formats import SUPPORTED_SUFFIXES, skip_reason, skipped_in  # what a folder load takes
from loaders.writer import COMPLETE_DOCUMENTS, combine, document_statements, rollup_statements

_gc_lock = threading.Lock()
_gc_pauses = [0, False]  # loads running with the collector paused; whether it was on before the first


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a bulk load builds and holds millions of objects that all stay
    alive until written: its passes over them cost about a fifth of a 100x load's CPU. Reference counting
    still frees the rest; the collector takes any cycles left once it is back on."""
    with _gc_lock:
        if _gc_pauses[0] == 0:
            _gc_pauses[1] = gc.isenabled()
            gc.disable()
        _gc_pauses[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses[0] -= 1
            if _gc_pauses[0] == 0 and _gc_pauses[1]:
                gc.enable()


SWITCH_INTERVAL_S = 0.0005  # Python's default 5 ms, while linking, building and writing share the GIL


@contextmanager
def quick_handover() -> Iterator[None]:
    """The GIL handed between threads ten times as often while linking (pure Python) runs beside the writes:
    at the default interval each reply from the server waits up to 5 ms for the linking thread to let go
    (100x load: 30.3 -> 25.0 s of writing)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SWITCH_INTERVAL_S))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


MAX_KEPT_WARNINGS = 50  # kept on the Document for the documents page; the load report shows them all
TEXT_SUFFIXES = {".txt", ".text", ".csv", ".tsv"}  # their lines can be measured before decoding

DOCUMENTS = """
MATCH (d:Document)
RETURN d.id AS id, d.source AS source, d.loader AS loader, coalesce(d.duplicate_of, '') AS copy_of
"""
PLACES = "MATCH (d:Document) RETURN d.source AS source, d.jurisdiction AS jurisdiction"

# what roll-up linking reads of the tasks in the graph, as plain columns: a map per task with its indicators
# collected took the server and the client more than twice as long at 100x
EXISTING_TASKS = """
MATCH (t:Task)
RETURN t.id AS id, t.doc_id AS doc_id, t.source AS source, t.line_start AS line_start, t.text AS text,
       t.title AS title, t.category AS category, t.kind AS kind, t.jurisdiction AS jurisdiction
"""
EXISTING_INDICATORS = """
MATCH (t:Task)-[:HAS_INDICATOR]->(i:Indicator)
RETURN t.id AS task_id, coalesce(i.pos, 0) AS pos, i.id AS id, i.name AS name, i.unit AS unit, i.year AS year,
       i.set_by_city AS set_by_city, i.target AS target, i.comparator AS comparator, i.type AS type
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
PENDING = "~pending"  # ends the loader version of a document whose roll-ups are not written yet


def pending(version: str) -> str:
    return version + PENDING


def is_pending(loader: str | None) -> bool:
    """A document a load wrote but did not finish (killed before its roll-ups): not loaded; the next load
    of its file writes what it lacks."""
    return loader is not None and loader.endswith(PENDING)


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
        self.linker = self._new_linker()
        # A unit's groups and parents are looked up again for every document that names it.
        self._lookup_agency = functools.lru_cache(maxsize=1 << 14)(self.resolver.lookup)
        self._docs: dict[str, tuple[str, str | None]] | None = None  # doc id -> (file name, loader version)
        self._unfinished: dict[str, str] = {}  # pending doc id -> the document it was written as a copy of, or ''
        self._tasks: dict[str, list[Task]] = {}  # doc id -> its tasks in the graph
        self._copies = duplicates.SignatureIndex()
        self._edges: dict[str, set[Edge]] = {}  # task id -> the roll-up edges its decision put in the graph
        self._into: dict[str, set[str]] = defaultdict(set)  # parent task/indicator id -> tasks with edges into it

    def load_bytes(self, data: bytes, source: str, *, jurisdiction: str | None = None,
                   replaces: str | None = None) -> LoadResult:
        """`replaces`: the id of a loaded document this one takes the place of (under another name), removed
        in the same write (graph.removal) — never both in the graph, never neither."""
        return self.load_many([(data, source)], jurisdiction=jurisdiction, replaces=replaces)[0]

    def load_many(self, files: Sequence[tuple[bytes, str]], *, jurisdiction: str | None = None,
                  on_progress: Callable[[LoadResult], None] | None = None,
                  replaces: str | None = None) -> list[LoadResult]:
        """Check, parse (in parallel), link once over the whole batch and write in large batches; each
        document is still all-or-nothing (see `_write_all`). `replaces` only with a single file."""
        results: list[LoadResult | None] = [None] * len(files)
        version = _version(jurisdiction)

        def done(n: int, result: LoadResult) -> None:
            results[n] = result
            if on_progress:
                on_progress(result)

        todo: list[int] = []
        for n, (data, source) in enumerate(files):
            try:
                self.limits.check(data, source)
                todo.append(n)
            except LoadError as e:
                done(n, LoadResult(source=source, status="failed", error=str(e)))
        if not todo:
            return [r for r in results if r]
        try:
            with self._exclusive(), gc_paused():  # a first load re-reads and indexes the whole graph here
                docs = self._refresh()
        except DutyGraphError as e:
            for n in todo:
                done(n, LoadResult(source=files[n][1], status="failed", error=f"{files[n][1]}: {e}"))
            return [r for r in results if r]
        to_parse = []
        for n in todo:
            data, source = files[n]
            doc_id = Document(source=source, fingerprint=hashlib.sha256(data).hexdigest()).id
            if doc_id in docs and docs[doc_id][1] == version and replaces in (None, doc_id):
                done(n, LoadResult(source=source, doc_id=doc_id, status="unchanged"))
            else:
                to_parse.append(n)
        with gc_paused():
            parsed = parallel.parse_all([files[n] for n in to_parse], resolver=self.resolver,
                                        jurisdiction=jurisdiction)
            ready: list[tuple[int, ParsedDocument]] = []
            for n, p in zip(to_parse, parsed, strict=True):
                if isinstance(p, LoadError):
                    done(n, LoadResult(source=files[n][1], status="failed", error=str(p)))
                else:
                    ready.append((n, p))
            del parsed
            for (n, _), result in zip(ready, self._write_all([(p, version) for _, p in ready], replaces),
                                      strict=True):
                done(n, result)
        return [r for r in results if r]

    def load_parsed(self, parsed: ParsedDocument, *, version: str | None = None,
                    replaces: str | None = None) -> LoadResult:
        return self._write_all([(parsed, version or _version(None))], replaces)[0]

    def load_documents(self, parsed: Sequence[ParsedDocument], *, version: str | None = None) -> list[LoadResult]:
        """Documents already parsed, written as one bulk load."""
        return self._write_all([(p, version or _version(None)) for p in parsed])

    # ---- writing, under the write lock ----------------------------------------------------------------

    def _write_all(self, items: Sequence[tuple[ParsedDocument, str]], replaces: str | None = None
                   ) -> list[LoadResult]:
        """Link the documents once against the graph and each other, then write them in batches.

        All-or-nothing per document: new documents are written many to one query (one atomic GRAPH.QUERY,
        one fsync of the append-only file); if such a batch fails, its documents are written again one by
        one, so only the faulty one fails. A document replacing an earlier version is written alone. The
        roll-ups are linked in a thread while the documents and the lookups' holdings are written (the server
        works on its own core), then written in batches of their own; each document is written with a pending loader version, and
        the write that holds its roll-ups sets the real one. Killed in between, a document stays pending:
        not unchanged to the next load, which links it and writes its roll-ups. Documents that failed are
        taken out of the roll-ups afterwards: children that had chosen their parents are decided again.
        """
        try:
            with self._exclusive(), gc_paused():
                return self._write_locked(items, replaces)
        except DutyGraphError as e:  # the lock or a read failed: nothing more was written
            self._docs = None
            return [LoadResult(source=p.document.source, doc_id=p.document.id, status="failed",
                               error=f"{p.document.source}: {e}") for p, _ in items]

    def _write_locked(self, items: Sequence[tuple[ParsedDocument, str]], replaces: str | None
                      ) -> list[LoadResult]:
        docs = self._refresh()
        plan = batch.Plan()
        results: list[LoadResult | None] = [None] * len(items)
        batch_copies = duplicates.SignatureIndex()
        by_source: dict[str, set[str]] = defaultdict(set)
        for d, (source, _) in docs.items():
            by_source[source].add(d)
        for n, (parsed, version) in enumerate(items):
            doc = parsed.document
            parsed.assign_ids()
            if doc.id in docs and docs[doc.id][1] == version and replaces in (None, doc.id):
                results[n] = LoadResult(source=doc.source, doc_id=doc.id, status="unchanged")
                continue
            signature = parsed.signature if parsed.signature is not None else duplicates.signature(parsed.text)
            earlier = by_source.get(doc.source, set()) | ({doc.id, replaces} & docs.keys())
            copy_of = self._copies.find(signature, exclude=earlier) or batch_copies.find(signature)
            if copy_of:
                doc.duplicate_of = copy_of[0]
                parsed.tasks = []
            else:
                batch_copies.add(doc.id, signature)
            # written in full by a load that died before its roll-ups: those are all it lacks
            finish = (docs.get(doc.id, ("", None))[1] == pending(version) and earlier == {doc.id}
                      and replaces in (None, doc.id) and self._unfinished.get(doc.id) == (doc.duplicate_of or ""))
            plan.add(n, parsed, version, signature, set() if finish else earlier,
                     replaces if replaces != doc.id else None, written=finish)
        if not plan.docs:
            return [r for r in results if r]  # type: ignore[misc]
        for d in plan.docs:
            self.linker.places[d.source] = d.parsed.document.jurisdiction or ""
        with ThreadPoolExecutor(1, thread_name_prefix="roll-ups") as linking, quick_handover():
            linked = linking.submit(self._link, plan)
            try:
                for group, statements in self._prepared(plan):  # in this thread: it holds the write lock
                    self._write_group(plan, group, statements)
                # the lookups' holdings (graph/derived.py) need the documents, not their roll-ups
                derived.refresh_after_load(self.store, [d.parsed.document.id for d in plan.docs])
            finally:
                decided, gone = linked.result()
        plan.route(decided, self._edges, gone)
        self._write_rollups(plan)
        for d in plan.docs:
            results[d.n] = d.result
        self._settle(plan)
        compact = getattr(self.store, "compact", None)
        if compact:
            compact()  # the load's queries as a snapshot: the next server start reads it instead of replaying them
        return results  # type: ignore[return-value]

    def _link(self, plan: batch.Plan) -> tuple[dict[str, list[RollUp]], set[str]]:
        """The roll-ups of every child the batch may change, and the ids of the tasks and indicators it removes."""
        gone = {t.id for d in plan.earlier for t in self._tasks.get(d, [])}
        decided = self.linker.update([t for d in plan.docs for t in d.parsed.tasks], gone)
        gone |= {i.id for d in plan.earlier for t in self._tasks.get(d, []) for i in t.indicators}
        # Replacing a document drops every edge into it: the children that had one are decided again.
        for owner in sorted(set().union(*(self._into.get(i, set()) for i in gone)) - gone - decided.keys()):
            if owner in self.linker.children:
                decided[owner] = self.linker.decide(self.linker.children[owner])
        return decided, gone

    def _statements(self, d: batch.Doc) -> list[Statement]:
        parsed = d.parsed
        statements = document_statements(
            parsed, lookup_agency=self._lookup_agency, lookup_district=self.resolver.district_info,
            extra_props={"signature": d.signature, "loader": pending(d.version),
                         "warnings": parsed.warnings[:MAX_KEPT_WARNINGS]},
            replace=bool(d.earlier), with_rollups=False)
        if d.replaces:  # the document it replaces under another name goes in the same write
            self._docs = None  # the removal may hand content over to a copy: re-read the graph next time
            statements = removal.removal_statements(self.store, d.replaces)[: -len(removal.ORPHANS)] \
                + statements + removal.ORPHANS
        return statements

    def _prepared(self, plan: batch.Plan) -> Iterator[tuple[list[batch.Doc], Prepared]]:
        """Each group with its statements; the next group's are built in a thread while this one is written
        (the server works in a process of its own, so building overlaps its time)."""
        groups = plan.groups
        with ThreadPoolExecutor(1, thread_name_prefix="statements") as ahead:
            upcoming = ahead.submit(self._group_statements, plan, groups[0]) if groups else None
            for k, group in enumerate(groups):
                prepared = upcoming.result()  # type: ignore[union-attr]
                if k + 1 < len(groups):
                    upcoming = ahead.submit(self._group_statements, plan, groups[k + 1])
                yield group, prepared

    def _group_statements(self, plan: batch.Plan, group: list[batch.Doc]) -> Prepared:
        """Each document's statements, and for a group of several the one batch that writes them all."""
        own = [self._statements(x) for x in group]
        return own, (combine(own) + rollup_statements(plan.edges_for(group)) if len(group) > 1 else None)

    def _write_group(self, plan: batch.Plan, group: list[batch.Doc], prepared: Prepared) -> None:
        """Write a group as one query, falling back to one document at a time."""
        statements, combined = prepared
        if combined is None:
            self._write_one(plan, group[0], statements[0])
            return
        try:
            self.store.write(combined)
        except WriteUnknown as e:
            for x in group:
                self._unknown_outcome(plan, x, e, rollups=False)
        except DutyGraphError:
            for x, own in zip(group, statements, strict=True):
                self._write_one(plan, x, own)
        else:
            for x in group:
                x.written = True

    def _write_one(self, plan: batch.Plan, d: batch.Doc, statements: list[Statement]) -> None:
        try:
            self.store.write(statements)
        except WriteUnknown as e:
            self._unknown_outcome(plan, d, e, rollups=False)
        except DutyGraphError as e:
            d.result = LoadResult(source=d.source, doc_id=d.parsed.document.id, status="failed",
                                  error=f"{d.source}: {e}（图谱未改动）")
            plan.failed(d)
        else:
            d.written = True

    def _write_rollups(self, plan: batch.Plan) -> None:
        """The written documents' roll-ups, each with the mark that its document is whole (its loader
        version in place of the pending one) in the same write."""
        for docs in plan.rollup_batches():
            try:
                self.store.write(rollup_statements(plan.edges_for(docs)) + _completions(docs))
            except WriteUnknown as e:
                for d in docs:
                    self._unknown_outcome(plan, d, e, rollups=True)
            except DutyGraphError as e:
                self._docs = None
                for d in docs:  # its nodes are in but pending: the next load finishes it
                    d.result = LoadResult(source=d.source, doc_id=d.parsed.document.id, status="unknown",
                                          error=f"{d.source}: 上下级关联未能写入（{e}），{UNKNOWN}")
            else:
                for d in docs:
                    self._written(plan, d)

    def _unknown_outcome(self, plan: batch.Plan, d: batch.Doc, error: WriteUnknown, *, rollups: bool) -> None:
        """The connection died writing `d`'s nodes (`rollups=False`) or its roll-ups: what the graph shows."""
        self._docs = None  # re-read the graph before the next load
        plan.uncertain = True
        outcome = self._outcome(d.parsed, error, d.version if rollups else pending(d.version))
        if outcome.status == "loaded":
            d.warnings.append(f"{d.source}: 写入时与服务器的连接中断，已核实写入成功")
            if rollups:
                d.result = self._loaded(d)
            else:
                d.written = True
        else:
            d.result = outcome
            if outcome.status == "failed":
                plan.failed(d)

    def _written(self, plan: batch.Plan, d: batch.Doc) -> None:
        if not plan.uncertain:
            self._remember(d, plan)
        d.result = self._loaded(d)

    def _loaded(self, d: batch.Doc) -> LoadResult:
        doc = d.parsed.document
        return LoadResult(source=doc.source, doc_id=doc.id, status="duplicate" if doc.duplicate_of else "loaded",
                          counts=_counts(d.parsed), warnings=d.warnings, encoding=doc.encoding)

    def _settle(self, plan: batch.Plan) -> None:
        """Edges that belong to no document's batch: roll-ups other documents' children no longer have, and
        after a failure the roll-ups of the children that had chosen a parent in a failed document."""
        if plan.uncertain:
            return  # what was written is not known for sure: the next load re-reads the graph
        gone = {t.id for d in plan.failures for t in d.parsed.tasks}
        if gone:
            redo = self.linker.update((), gone)
            plan.route_settle(redo, self._edges)
        if not plan.settle_drops and not plan.settle_merges:
            return
        statements = plan.settle_statements()
        try:
            self.store.write(statements, edges_only=True)
        except DutyGraphError:
            self._docs = None  # the documents are in; their roll-ups are re-read before the next load
        else:
            self._apply_edges(plan.settle_merges, plan.settle_drops)

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

    def _refresh(self) -> dict[str, tuple[str, str | None]]:
        """The graph's documents; when they are not the ones this loader last saw, re-read everything."""
        rows = self.store.read(DOCUMENTS)
        current = {r["id"]: (r["source"], r["loader"]) for r in rows}
        if current == self._docs:
            return current
        self._unfinished = {r["id"]: r["copy_of"] for r in rows if is_pending(r["loader"])}
        unfinished = self._unfinished.keys()  # not in the graph as far as linking and copies go
        tasks: dict[str, list[Task]] = {}
        for row in existing_tasks(self.store):
            if row["task"].get("doc_id", "") not in unfinished:
                tasks.setdefault(row["task"].get("doc_id", ""), []).append(task_from_row(row))
        copies = duplicates.SignatureIndex()
        for row in self.store.read(EXISTING_SIGNATURES):
            if row["signature"] and row["id"] not in unfinished:
                copies.add(row["id"], row["signature"])
        self._edges, self._into = {}, defaultdict(set)
        for query in EXISTING_ROLLUPS:
            for r in self.store.read(query):
                edge = (r["child"], r["parent"], r["kind"], r["method"], r["confidence"])
                self._edges.setdefault(r["owner"], set()).add(edge)
                self._into[r["parent"]].add(r["owner"])
        self.linker = self._new_linker()
        self.linker.places = {r["source"]: r["jurisdiction"] or "" for r in self.store.read(PLACES)}
        self.linker.update([t for ts in tasks.values() for t in ts], decide=False)
        self._docs, self._tasks, self._copies = current, tasks, copies
        return current

    def _remember(self, d: batch.Doc, plan: batch.Plan) -> None:
        """`d` is in the graph: what this loader knows of the graph follows."""
        doc = d.parsed.document
        docs = self._docs if self._docs is not None else {}
        for e in d.earlier:
            docs.pop(e, None)
            for t in self._tasks.pop(e, []):
                self._forget_edges(t.id)
                for i in t.indicators:
                    self._drop_edges_into(i.id)
                self._drop_edges_into(t.id)
            self._copies.discard(e)
        docs[doc.id] = (doc.source, d.version)
        self._docs = docs
        self._unfinished.pop(doc.id, None)
        self._tasks[doc.id] = d.parsed.tasks
        if not doc.duplicate_of:
            self._copies.add(doc.id, d.signature)
        self._apply_edges(d.edges, [])

    def _apply_edges(self, merges: Iterable[RollUp], drops: Iterable[Edge]) -> None:
        owner_of = self.linker.owner
        for e in drops:
            owner = owner_of(e[0])
            self._edges.get(owner, set()).discard(e)
        for r in merges:
            owner = owner_of(r.child_id)
            edges = self._edges.setdefault(owner, set())
            edges -= {e for e in edges if e[:2] == (r.child_id, r.parent_id)}
            edges.add(_edge(r))
            self._into[r.parent_id].add(owner)

    def _drop_edges_into(self, parent: str) -> None:
        for owner in self._into.pop(parent, set()):
            edges = self._edges.get(owner)
            if edges:
                edges -= {e for e in edges if e[1] == parent}

    def _new_linker(self) -> rollups.Linker:
        resolver = self.resolver
        return rollups.Linker(city_of=lambda place: resolver.city if resolver.district_info(place) else None)

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
    Files are told apart by name: a second file of the same name from another folder is refused. With the
    loader kept for the store (`load_bytes`): a process's second load costs its own work, not the graph's."""
    with _kept(store, resolver) as loader:
        kept_limits, loader.limits = loader.limits, limits or loader.limits
        try:
            return _load_paths(loader, paths, on_progress, jurisdiction)
        finally:
            loader.limits = kept_limits


def _load_paths(loader: Loader, paths: Sequence[Path], on_progress: Callable[[LoadResult], None] | None,
                jurisdiction: str | None) -> list[LoadResult]:
    results: list[LoadResult | None] = []
    files: list[tuple[bytes, str]] = []
    at: list[int] = []
    seen: dict[str, Path] = {}
    for path in expand_paths(paths):
        first = seen.setdefault(path.name, path)
        try:
            if first.resolve() != path.resolve():
                raise LoadError(str(path), None, f"与本次载入的 {first} 同名；图谱以文件名区分文件，请改名后再载入")
            loader.limits.check_size(path.stat().st_size, path.name)
            files.append((path.read_bytes(), path.name))
            at.append(len(results))
            results.append(None)
            continue
        except LoadError as e:
            result = LoadResult(source=path.name, status="failed", error=str(e))
        except OSError as e:
            result = LoadResult(source=path.name, status="failed", error=f"{path}: 无法读取（{e.strerror or e}）")
        results.append(result)
        if on_progress:
            on_progress(result)
    for n, result in zip(at, loader.load_many(files, jurisdiction=jurisdiction, on_progress=on_progress),
                         strict=True):
        results[n] = result
    return results  # type: ignore[return-value]


def load_bytes(
    *, store: GraphStore, data: bytes, source: str, resolver: Resolver | None = None, jurisdiction: str | None = None,
    replaces: str | None = None,
) -> LoadResult:
    """One file into `store`. The loader is kept per store between calls (an API process loads one upload
    after another): what it knows of the graph is re-read only when another writer changed the documents,
    so one more document costs its own work, not the graph's."""
    with _kept(store, resolver) as loader:
        return loader.load_bytes(data, source, jurisdiction=jurisdiction, replaces=replaces)


def load_files(
    *, store: GraphStore, files: Sequence[tuple[bytes, str]], resolver: Resolver | None = None,
    jurisdiction: str | None = None, replaces: str | None = None,
) -> list[LoadResult]:
    """Several files (bytes, file name) into `store` as one bulk load (`Loader.load_many`), with the loader
    `load_bytes` keeps for the store; one result per file, in the order given."""
    with _kept(store, resolver) as loader:
        return loader.load_many(files, jurisdiction=jurisdiction, replaces=replaces)


@contextmanager
def _kept(store: GraphStore, resolver: Resolver | None) -> Iterator[Loader]:
    with _KEPT_LOCK:
        kept = _KEPT.get(store)
        if kept is None or kept[0].resolver is not (resolver or Resolver.default()):
            kept = _KEPT[store] = (Loader(store, resolver), threading.Lock())
    loader, lock = kept
    with lock:
        yield loader


_KEPT: weakref.WeakKeyDictionary[GraphStore, tuple[Loader, threading.Lock]] = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


Edge = batch.Edge
_edge = batch.edge
Prepared = tuple[list[list[Statement]], list[Statement] | None]  # each document's statements, the group's batch


def existing_tasks(store: GraphStore) -> list[dict[str, Any]]:
    """Each task in the graph with its indicators ({"task": …, "indicators": […]}), in printed order (the
    engines return rows in any order), its indicators in theirs."""
    indicators: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in store.read(EXISTING_INDICATORS):
        indicators[r.pop("task_id")].append(r)
    rows = []
    for t in sorted(store.read(EXISTING_TASKS), key=lambda t: (t.get("line_start") or 0, t["id"])):
        own = sorted(indicators.get(t["id"], []), key=lambda i: (i["pos"], i["id"] or ""))
        rows.append({"task": t, "indicators": own})
    return rows


def task_from_row(row: dict[str, Any]) -> Task:
    """A task already in the graph, rebuilt so roll-up linking can compare it with new ones (from the fields
    `existing_tasks` reads)."""
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


def _completions(docs: list[batch.Doc]) -> list[Statement]:
    return [(COMPLETE_DOCUMENTS, {"rows": [{"id": d.parsed.document.id, "loader": d.version} for d in docs]})]


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
