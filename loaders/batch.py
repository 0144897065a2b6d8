"""Which documents are written together, and which roll-up edge goes with which write.

New documents are grouped until a group holds about MAX_ROWS rows (tasks, indicators, assignments); a
document replacing an earlier version is a group of its own (its write removes the old one first). The
roll-ups are written once every document is in (they are worked out while the documents are written):
an edge goes with the later of the two documents it joins, in writes of about MAX_ROWS edges. An edge
between two documents that were both in the graph before (a child whose parents changed) is settled
last, as are the edges other documents' children no longer have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.model import ParsedDocument, RollUp
from graph.store import Statement
from loaders.writer import DROP_ROLLUPS, rollup_statements

MAX_ROWS = 5_000  # as the floor's batches; 10,000 held the server ~50 MB higher at 10× (173 → 128 MB)

Edge = tuple[str, str, str, str, float]  # child, parent, kind, method, confidence


def edge(r: RollUp) -> Edge:
    return (r.child_id, r.parent_id, r.kind, r.method, round(r.confidence, 3))


@dataclass
class Doc:
    n: int  # place in the caller's list
    parsed: ParsedDocument
    version: str
    signature: list[int]
    earlier: set[str]  # ids of the versions it replaces
    replaces: str | None = None  # a document of another name it replaces (removed in the same write)
    group: int = 0
    warnings: list[str] = field(default_factory=list)
    result: Any = None  # the LoadResult once written or failed
    written: bool = False  # its nodes are in the graph; its roll-ups and the mark that it is whole may not be
    edges: list[RollUp] = field(default_factory=list)  # the roll-ups written with it

    @property
    def source(self) -> str:
        return self.parsed.document.source


class Plan:
    def __init__(self) -> None:
        self.docs: list[Doc] = []
        self.groups: list[list[Doc]] = []
        self.earlier: set[str] = set()
        self.failures: list[Doc] = []
        self.uncertain = False  # a write's outcome was not known for sure
        self.settle_merges: list[RollUp] = []
        self.settle_drops: list[Edge] = []
        self._rows = 0
        self._at: dict[str, Doc] = {}  # task / indicator id -> its document in this batch

    def add(self, n: int, parsed: ParsedDocument, version: str, signature: list[int], earlier: set[str],
            replaces: str | None = None, *, written: bool = False) -> None:
        """`written`: its nodes are in the graph already (an earlier load died before its roll-ups); only
        its roll-ups and the mark that it is whole are written."""
        d = Doc(n, parsed, version, signature, earlier, replaces, warnings=list(parsed.warnings), written=written)
        if earlier - {parsed.document.id}:
            d.warnings.append(f"{d.source}: 替换了先前载入的同名文件（内容不同）")
        self.docs.append(d)
        if not written:
            self._group(d)
        self.earlier |= earlier
        for t in parsed.tasks:
            self._at[t.id] = d
            for i in t.indicators:
                self._at[i.id] = d

    def _group(self, d: Doc) -> None:
        rows = sum(1 + len(t.indicators) + len(t.assignments) for t in d.parsed.tasks)
        if d.earlier or not self.groups or self._alone(self.groups[-1]) or self._rows + rows > MAX_ROWS:
            self.groups.append([])
            self._rows = 0
        self.groups[-1].append(d)
        self._rows += rows
        d.group = len(self.groups) - 1

    @staticmethod
    def _alone(group: list[Doc]) -> bool:
        return len(group) == 1 and bool(group[0].earlier)

    def group_of(self, d: Doc) -> list[Doc]:
        return self.groups[d.group]

    def route(self, decided: dict[str, list[RollUp]], graph_edges: dict[str, set[Edge]], gone: set[str]) -> None:
        """Each decided child's roll-ups to the write they belong to; for children already in the graph only
        what changes (edges into `gone` vanish with it)."""
        for owner, links in decided.items():
            home = self._at.get(owner)
            if home is not None:
                home.parsed.rollups = list(links)
                for r in links:
                    later = self._at.get(r.parent_id)
                    (later if later is not None and later.n > home.n else home).edges.append(r)
                continue
            old = {e for e in graph_edges.get(owner, set()) if e[1] not in gone}
            self._changes(links, old)

    def route_settle(self, decided: dict[str, list[RollUp]], graph_edges: dict[str, set[Edge]]) -> None:
        """After failures: the new roll-ups of children whose inputs the failed documents were."""
        failed = {id(d) for d in self.failures}
        for owner, links in decided.items():
            home = self._at.get(owner)
            if home is not None and id(home) in failed:
                continue
            self._changes(links, set(graph_edges.get(owner, set())), settle=True)

    def _changes(self, links: list[RollUp], old: set[Edge], *, settle: bool = False) -> None:
        new = {edge(r) for r in links}
        for r in links:
            if edge(r) not in old:
                later = self._at.get(r.parent_id)
                if later is not None and not settle:
                    later.edges.append(r)
                else:
                    self.settle_merges.append(r)
        kept = {e[:2] for e in new}
        self.settle_drops += [e for e in sorted(old) if e[:2] not in kept]

    def rollup_batches(self) -> list[list[Doc]]:
        """The written documents, in load order, in writes of about MAX_ROWS roll-ups each."""
        batches: list[list[Doc]] = []
        rows = 0
        for d in self.docs:
            if not d.written:
                continue
            if not batches or rows + len(d.edges) > MAX_ROWS:
                batches.append([])
                rows = 0
            batches[-1].append(d)
            rows += 1 + len(d.edges)
        return batches

    def edges_for(self, docs: list[Doc]) -> list[RollUp]:
        return [r for d in docs for r in d.edges]

    def failed(self, d: Doc) -> None:
        self.failures.append(d)

    def settle_statements(self) -> list[Statement]:
        """One write: no edge both dropped and merged (a merge sets the new method and confidence), so the
        statements can run as one query whatever the engine does with deletes until the query ends."""
        merged = {(r.child_id, r.parent_id) for r in self.settle_merges}
        drops: dict[str, list[list[str]]] = {"task": [], "indicator": []}
        for child, parent, kind, _, _ in self.settle_drops:
            if (child, parent) not in merged:
                drops[kind].append([child, parent])
        return [(DROP_ROLLUPS[k], {"rows": rows}) for k, rows in drops.items() if rows] + rollup_statements(
            self.settle_merges)
