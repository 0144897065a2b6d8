"""Roll-ups (ROLLS_UP_TO): which city task or target a district task / target serves.

No models and no network: subjects are compared as sets of character bigrams (CJK and Latin letters only,
so numbering, digits and punctuation do not count). Two measures are used:
  dice(a, b)     = 2|A∩B| / (|A|+|B|)       — for titles of similar length ("加强优生优育服务" / "加强生育全程服务")
  overlap(a, b)  = |A∩B| / min(|A|, |B|)    — for texts where one is a shortened copy of the other

Rules (child → parent; parents are city- or province-level tasks of the child's enclosing place: a city's
own, a district's or county's city from place data or from the child's own city-level document):
  district_row  a district list row (附件2) → the city table row (附件1) of the same category ("幼有所育",
                ignoring its numbering) with the closest title and text; if no city row is close, the closest
                city measure.                                     method "category+title"  / "subject→measure"
  row→measure   a city table row (has a title) → the measure (kind "measure") it implements, one per
                parent document.                                  method "row→measure"
  task→target   a city list task (no title, e.g. 003's 2023 tasks) → the measure or table row with a 2025-or-later
                target whose subject matches, one per parent document.   method "task→2025 target"
  indicator     an indicator of a district task (or of a child in a task roll-up) → the city indicator with the
                same name and unit; the parent task's indicators are preferred.
                                                                  method "same name+unit" / "similar name+unit"

Scores and thresholds (chosen on the samples, where every distinct 附件2 row title, every 附件1 row and the
003 tasks with a 2025 counterpart were checked by hand):
  raw score per rule: category+title = 0.5·dice(titles) + 0.7·overlap(texts) (an identical title scores 1);
  row/subject→measure = 0.3·subject-line match + 0.8·overlap(texts); task→2025 target = the share of the
  task's bigram weight (idf over the candidate parents, generic verbs such as 推进/加强 removed) found in the target.
  CALIBRATION maps each raw score to a confidence (floor, base, slope): below the floor the best candidate was
  a different subject on the samples (e.g. 完善劳动关系协调机制 vs 深入实施就业优先战略: 0.06), so no edge.
  A runner-up within 0.1 of the best lowers the confidence (the pick is ambiguous).
  MIN_CONFIDENCE = 0.40: nothing weaker becomes an edge.
  A child's roll-ups depend on the child and the set of parents only, never on load order: candidates come
  from its rarest bigrams within its own document, each bigram's parents cut to the smallest ids; the
  2025-target idf is counted within the parent's document; the best MAX_PARENTS parents (one per parent
  document) are kept. A new or removed document re-decides just the children whose inputs it changed.
  LOW_CONFIDENCE = 0.60: edges below it are kept but listed for review (`low_confidence`); on the samples
  they are mostly right but ambiguous (a district row combining two city rows).
"""

from __future__ import annotations

import functools
import math
import operator
import re
import unicodedata
from bisect import bisect_left, insort
from collections import Counter, _count_elements, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress, filterfalse
from operator import attrgetter

from graph.model import LOW_CONFIDENCE, Indicator, RollUp, Task
from loaders.places import level_of

MIN_CONFIDENCE = 0.40
TARGET_MIN = 0.45  # task→2025 target: one-line tasks need a clearer subject match
MAX_CANDIDATES = 30
MAX_PARENTS = 3  # task roll-ups kept per child, best first (one per parent document)
CATEGORY_SCAN = 60  # above this many city rows in a category, only the bigram candidates among them are scored
POSTINGS = 64  # parents per bigram that select candidates: the smallest ids, so no load order changes them
SELECTING_LIST = 16  # a longer list of the children selecting a bigram becomes a set when one of them leaves
RAREST = 24  # candidates are found through a task's rarest bigrams only (prefix filtering), so cost stays flat
GENERIC = {"推进", "加强", "建设", "完善", "提升", "实施", "加快", "推动", "开展", "工作", "服务", "体系", "全面", "健全",
           "持续", "深入", "进一步"}


def reset() -> None:
    """Forget what the module-level `link` kept between calls (a new process starts this way)."""
    global _DEFAULT
    _DEFAULT = Linker()


def low_confidence(rollups: Iterable[RollUp]) -> list[RollUp]:
    """The roll-ups a reviewer should look at."""
    return [r for r in rollups if r.confidence < LOW_CONFIDENCE]


class Linker:
    """The graph's roll-up candidates, indexed, and the roll-ups each child has: kept between documents.

    A child's roll-ups are a function of the child and of the set of parents in the graph, never of the
    order they came in (see `_candidates`). When tasks come or go (`update`), only the children whose
    inputs changed are decided again: those of a changed document, those selecting a bigram whose capped
    posting list changed, those of a category whose rows are all scored and changed.
    """

    def __init__(self, city_of: Callable[[str], str | None] | None = None) -> None:
        self.city_of = city_of or (lambda _: None)  # a district's or county's city, from place data
        self.places: dict[str, str] = {}  # document (file name) → its jurisdiction, as the loader read it
        self.tasks: dict[str, Task] = {}  # every task the indexes hold, by id
        self.parents: dict[str, Task] = {}
        self.children: dict[str, Task] = {}
        self.postings: dict[str, list[str]] = defaultdict(list)  # bigram → parent ids holding it, sorted
        self._split: dict[str, _Head] = {}  # bigram → its capped postings, sorted out
        self._marked: dict[str, set[str]] = {"measures": set(), "dated": set(), "indicated": set()}  # parents
        self._of_place: dict[str, set[str]] = defaultdict(set)  # jurisdiction → its parents
        self.rows: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # category → source → ids
        self.by_source: dict[str, set[str]] = defaultdict(set)  # source → ids of its tasks here
        self.source_df: dict[str, Counter[str]] = defaultdict(Counter)  # source → bigram → tasks holding it
        # bigram → children selecting it: a list (most hold one or two, and appending is cheapest), made a set
        # when one leaves a long one (a common bigram's children in a large graph: a list would be read whole)
        self.selecting: dict[str, list[str] | set[str]] = {}
        self.of_category: dict[str, set[str]] = defaultdict(set)  # category → district rows of it
        self._selected: dict[str, tuple[str, ...]] = {}
        self._candidates_of: dict[str, tuple[str, ...]] = {}
        self.candidate_in: dict[str, set[str]] = defaultdict(set)  # parent → children it is a candidate of
        self._last: dict[str, list[RollUp]] = {}  # what `link` last returned per child
        self.indicator_parents: dict[tuple[str, str], set[str]] = defaultdict(set)  # (name, unit) → parents
        self.indicator_children: dict[tuple[str, str], set[str]] = defaultdict(set)  # (name, unit) → district children
        self._task_of: dict[str, str] = {}  # indicator id → its task
        self._names_of_unit: dict[str, set[str]] = defaultdict(set)  # unit → parents' indicator subjects
        self._similar: dict[tuple[str, str], set[str]] = {}  # (subject, unit) → parents with one like it
        self._exact: dict[tuple[tuple[str, str], str], tuple[list[str], dict[str, list[str]]]] = {}
        self._category_rows: dict[str, dict[tuple[str | None, str], tuple[list[Task], set[str]]]] = {}
        self._worst: dict[str, dict[bool, tuple[int, str] | None]] = {}  # child → last candidate per kind
        # child of a narrow rule → per kind (other, measure), the cut's count when a parent it could use ranked
        # too low (0: none did); see `_let_in`
        self._missed: dict[str, tuple[int, int]] = {}
        self._parent_count: Counter[str] = Counter()  # source → parents of it here

    # ---- keeping the indexes ------------------------------------------------------------------------

    def update(self, added: Iterable[Task] = (), removed: Iterable[str] = (), *,
               decide: bool = True) -> dict[str, list[RollUp]]:
        """Tasks joined or left the graph. Returns every child whose roll-ups may have changed with all of
        its roll-ups (task and indicator) as they now are: the caller replaces that child's edges.
        `decide=False` only indexes (tasks read back from a graph whose roll-ups are already decided)."""
        added = [t for t in added if t.id]
        removed_tasks = [self.tasks[i] for i in set(removed) - {t.id for t in added} if i in self.tasks]
        replaced = [self.tasks[t.id] for t in added if t.id in self.tasks]
        changed_sources = {_source(t) for t in [*added, *removed_tasks]}
        # Only heads some earlier child selects matter (the new documents' children are decided anyway).
        before = self._capped_heads({g for t in [*added, *removed_tasks, *replaced] if _is_parent(t)
                                     for g in _grams(t) if self.selecting.get(g)})
        categories = {_f(t).category for t in [*added, *removed_tasks, *replaced] if _is_row(t)}
        named = {k for t in [*added, *removed_tasks, *replaced] if _is_parent(t) for k in _indicator_keys(t)}
        small_before = {c for c in categories if self._row_count(c) <= CATEGORY_SCAN}
        dirty: set[str] = set()
        for t in [*removed_tasks, *replaced]:
            dirty |= self.candidate_in.get(t.id, set())
            self._remove(t)
        for t in added:
            self._add(t)
        for source in changed_sources:  # a child's selected bigrams depend on its document's other children
            kids = [self.children[i] for i in self.by_source.get(source, ()) if i in self.children]
            df = Counter(chain.from_iterable(map(_grams, kids)))  # counted when needed: only here
            for child in kids:
                if _rule(child):
                    self._select(child, df)
        if not decide:
            return {}
        moved: dict[str, tuple[set[str], set[str]]] = {}  # child → parents that joined / left heads it selects
        for g, head in before.items():
            after = self._head(g)
            if after != head:
                entered, left = set(after) - set(head), set(head) - set(after)
                for c in self.selecting.get(g, ()):
                    if c not in dirty:
                        e, lf = moved.setdefault(c, (set(), set()))
                        e |= entered
                        lf |= left
        dirty |= {c for c, (e, lf) in moved.items() if self._moved(c, e, lf, before)}
        for k in named:
            dirty |= self.indicator_children.get(k, set())
        for c in categories:  # rows of other documents count only for a row whose own has none of its category
            if c in small_before or self._row_count(c) <= CATEGORY_SCAN:
                rows = self.rows.get(c, {})
                dirty |= {i for i in self.of_category.get(c, ()) if not rows.get(_source(self.children[i]))}
        for s in changed_sources:
            dirty |= {i for i in self.by_source.get(s, ()) if i in self.children}
            for p in self.by_source.get(s, ()):
                dirty |= self.candidate_in.get(p, set())
        dirty &= self.children.keys()
        return {cid: self.decide(self.children[cid]) for cid in sorted(dirty)}

    def enclosing(self, child: Task) -> str:
        """The place whose documents the child rolls up to: a city's own; a district's or county's city (place
        data, else the child's own document when that is a city's or province's); "" when not known."""
        if _city_level(child):
            return child.jurisdiction
        city = self.city_of(child.jurisdiction)
        if city:
            return city
        own = self.places.get(_source(child), "")
        return own if _level(own) in ("city", "province") else ""

    def owner(self, child_id: str) -> str:
        """The task whose decision a roll-up of `child_id` is: the task itself, or an indicator's task."""
        return self._task_of.get(child_id, child_id)

    def _add(self, t: Task) -> None:
        self.tasks[t.id] = t
        for i in t.indicators:
            self._task_of[i.id] = t.id
        source = _source(t)
        self.by_source[source].add(t.id)
        if _is_parent(t):
            self.parents[t.id] = t
            self._parent_count[source] += 1
            for mark, ids in self._marked.items():
                if _MARKS[mark](t):
                    ids.add(t.id)
            self._of_place[t.jurisdiction].add(t.id)
            for g in _grams(t):
                insort(self.postings[g], t.id)
                self._split.pop(g, None)
            self.source_df[source].update(_grams(t))
            if _is_row(t):
                self.rows[_f(t).category][source].add(t.id)
                self._category_rows.pop(_f(t).category, None)
            for k in _indicator_keys(t):
                self.indicator_parents[k].add(t.id)
                self._names_of_unit[k[1]].add(k[0])
                self._similar.clear()
                self._exact.clear()
        if _is_child(t):
            self.children[t.id] = t
            if not _city_level(t):  # a city's child reads indicators only of the parents its task rolls up to
                for k in _indicator_keys(t):
                    self.indicator_children[k].add(t.id)
            if t.kind == "district_row":
                self.of_category[_f(t).category].add(t.id)

    def _remove(self, t: Task) -> None:
        self.tasks.pop(t.id, None)
        for i in t.indicators:
            self._task_of.pop(i.id, None)
        source = _source(t)
        self.by_source[source].discard(t.id)
        if self.parents.pop(t.id, None) is not None:
            self._parent_count[source] -= 1
            for ids in self._marked.values():
                ids.discard(t.id)
            self._of_place[t.jurisdiction].discard(t.id)
            for g in _grams(t):
                ids = self.postings[g]
                at = bisect_left(ids, t.id)
                if at < len(ids) and ids[at] == t.id:
                    del ids[at]
                    self._split.pop(g, None)
            self.source_df[source].subtract(_grams(t))
            if _is_row(t):
                self.rows[_f(t).category][source].discard(t.id)
                self._category_rows.pop(_f(t).category, None)
            for k in _indicator_keys(t):
                self.indicator_parents[k].discard(t.id)
                if not self.indicator_parents[k]:
                    self._names_of_unit[k[1]].discard(k[0])
                self._similar.clear()
                self._exact.clear()
        if self.children.pop(t.id, None) is not None:
            for k in _indicator_keys(t):
                self.indicator_children[k].discard(t.id)
            self.of_category[_f(t).category].discard(t.id)
            self._unselect(t.id)
            for p in self._candidates_of.pop(t.id, ()):
                self.candidate_in[p].discard(t.id)
            self._worst.pop(t.id, None)
            self._missed.pop(t.id, None)
        self.candidate_in.pop(t.id, None)

    def _moved(self, c: str, entered: set[str], left: set[str], before: dict[str, tuple[str, ...]]) -> bool:
        """Whether the child's candidates change now that `entered` joined capped postings it selects and `left`
        dropped out (`before`: those postings as they were): one of theirs left, or a newcomer ranks among them,
        or (a narrow rule) one it could use but ranked too low may now rank."""
        cands, worst = self._candidates_of.get(c), self._worst.get(c)
        floors = self._missed.get(c)
        child = self.children[c]
        if cands is not None and floors is not None:  # a narrow rule: only the parents it can use count
            place = self.enclosing(child)
            if (not left.isdisjoint(cands) or (left and any(floors) and self._let_in(c, floors, left, before))
                    or (entered and self._outranked(c, cands, entered))):  # they may: ranked again to see
                return tuple(p.id for p in self.usable_candidates(child, place)) != cands
            usable = [p for p in entered if _usable(child, self.parents[p], place)]
            return bool(usable) and self._ranked(c, usable, floors)
        if cands is None or worst is None:
            return True
        selected = set(self._selected.get(c, ()))
        if not left.isdisjoint(cands) or any(
                (w := worst[self.parents[p].kind == "measure"]) is None
                or (shared := len(selected.intersection(_grams(self.parents[p])))) > w[0]
                or (shared == w[0] and p < w[1]) for p in entered):
            return tuple(p.id for p in self.candidates(child)) != cands
        return False

    def _let_in(self, child_id: str, floors: tuple[int, int], left: set[str],
                before: dict[str, tuple[str, ...]]) -> bool:
        """Whether a parent that left the child's capped postings may have been one of the MAX_CANDIDATES that
        ranked above the usable ones it did not keep (those share at most `floors[kind]` bigrams, the cut's
        count) and may no longer be: it shared at least the floor and now shares no more."""
        sel = self._selected.get(child_id, ())
        selected = set(sel)
        for x in left:
            p = self.parents.get(x)
            f = _features.get(x) if p is None else _f(p)
            if f is not None and len(selected.intersection(f.grams)) < min(filter(None, floors)):
                continue  # held by fewer of the child's heads than any floor: never above the cut
            for measure in ((p.kind == "measure",) if p is not None else (False, True)):  # gone: either kind
                floor = floors[measure]
                if floor and (p is None or self._shared(sel, x, measure) <= floor) and \
                        self._held(sel, x, before) >= floor:
                    return True
        return False

    def _held(self, selected: Sequence[str], parent_id: str, before: dict[str, tuple[str, ...]]) -> int:
        """How many of the `selected` bigrams' capped postings held the parent before the update."""
        n = 0
        heads = self._split.get
        for g in selected:
            head = before.get(g)
            if head is None:  # unchanged
                split = heads(g) or self._split_head(g)
                n += parent_id in split.others or parent_id in split.measures
            else:
                n += parent_id in head
        return n

    def _outranked(self, child_id: str, kept: Sequence[str], entered: set[str]) -> bool:
        """Whether a parent that joined a capped posting list the child selects now ranks above one of the
        candidates it kept, by `_Ranks`' order (more shared bigrams, then the smaller id): only then can a
        kept one drop out of its MAX_CANDIDATES (counted for the few kept, not for all of its candidates)."""
        sel, parents = self._selected.get(child_id, ()), self.parents
        selected = set(sel)
        counts: dict[str, int] = {}
        for p in entered:
            if p == child_id:
                continue
            measure = parents[p].kind == "measure"
            mine = None
            for u in kept:
                if (parents[u].kind == "measure") is not measure:
                    continue
                if mine is None:  # at most the bigrams it shares with the child: often one, and exact then
                    mine = len(selected.intersection(_grams(parents[p])))
                    mine = mine if mine <= 1 else self._shared(sel, p, measure)
                if mine == 1 and p > u:
                    continue  # a kept one has at least one: the tie goes to the smaller id
                theirs = counts.get(u)
                if theirs is None:
                    theirs = counts[u] = self._shared(sel, u, measure)
                if mine > theirs or (mine == theirs and p < u):
                    return True
        return False

    def _ranked(self, child_id: str, ids: list[str], floors: tuple[int, int]) -> bool:
        """Whether one of `ids` (parents the child could use) now ranks among its MAX_CANDIDATES of its kind (see
        `usable_candidates`); if none does, they are usable ones it does not keep: the floors become the cut's."""
        heads = self._split.get
        split = [heads(g) or self._split_head(g) for g in self._selected.get(child_id, ())]
        ranks: dict[bool, _Ranks] = {}
        new = list(floors)
        for i in ids:
            if i == child_id:
                return True
            measure = self.parents[i].kind == "measure"
            r = ranks.get(measure)
            if r is None:
                r = ranks[measure] = _Ranks([h.measures if measure else h.others for h in split], child_id)
            if r.ranked_in(i):
                return True
            new[measure] = r.n
        self._missed[child_id] = _floors(new[0], new[1])
        return False

    def _shared(self, selected: Sequence[str], parent_id: str, measure: bool) -> int:
        """How many of the `selected` bigrams' capped postings hold the parent (its count in `_Ranks`)."""
        n = 0
        heads = self._split.get
        for g in selected:
            head = heads(g) or self._split_head(g)
            ids = head.measures if measure else head.others
            at = bisect_left(ids, parent_id)
            n += at < len(ids) and ids[at] == parent_id
        return n

    def _head(self, g: str) -> tuple[str, ...]:
        return tuple(self.postings.get(g, ())[:POSTINGS])

    def _capped_heads(self, grams: set[str]) -> dict[str, tuple[str, ...]]:
        return {g: self._head(g) for g in grams}

    def _row_count(self, category: str) -> int:
        return sum(len(ids) for ids in self.rows.get(category, {}).values())

    # ---- deciding one child -------------------------------------------------------------------------

    def decide(self, child: Task) -> list[RollUp]:
        """The child's roll-ups against every parent the indexes hold."""
        view = _View(self, child)
        links = _link_task(child, view)[:MAX_PARENTS]
        out = _dedupe(links + _link_indicators(child, links, view))
        return sorted(out, key=lambda r: (r.child_id, r.parent_id))

    def _select(self, child: Task, df: Counter[str]) -> None:
        """The child's RAREST bigrams, rarity (`df`) counted among the children of its own document (so
        another document never changes them): what tells the child apart from its siblings."""
        self._unselect(child.id)
        sel = tuple(sorted(sorted(_grams(child)), key=df.__getitem__)[:RAREST])  # by (df, bigram): sorts are stable
        self._selected[child.id] = sel
        selecting = self.selecting
        for g in sel:
            ids = selecting.get(g)
            if ids is None:
                selecting[g] = [child.id]
            elif type(ids) is list:
                ids.append(child.id)
            else:
                ids.add(child.id)

    def _unselect(self, child_id: str) -> None:
        selecting = self.selecting
        for g in self._selected.pop(child_id, ()):
            ids = selecting[g]
            if type(ids) is list and len(ids) > SELECTING_LIST:
                ids = selecting[g] = set(ids)
            ids.remove(child_id)
            if not ids:
                del self.selecting[g]

    def candidates(self, child: Task) -> list[Task]:
        """Parents sharing the most of the child's selected bigrams, measures and rows ranked apart (a rule
        wants one or the other), each bigram's postings cut to the POSTINGS smallest ids (ids are content
        hashes: a cut that no load order can change)."""
        split = [self._split_head(g) for g in self._selected.get(child.id, ())]
        measures, worst_measure = _top(_counted(h.measures for h in split), child.id)
        others, worst_other = _top(_counted(h.others for h in split), child.id)
        best = measures + others
        self._worst[child.id] = {True: worst_measure, False: worst_other}
        self._missed.pop(child.id, None)
        self._keep_candidates(child.id, best)
        return [self.parents[i] for i in best]

    def usable_candidates(self, child: Task, place: str) -> list[Task]:
        """Those of the child's `candidates` (of `place`) its rule can use (`_usable`), found without ranking
        every candidate: only the usable parents among its bigrams' postings are ranked, each by counting
        the candidates that rank above it."""
        heads = self._split.get
        split = [heads(g) or self._split_head(g) for g in self._selected.get(child.id, ())]
        rule, parents = _rule(child), self.parents
        pool = set(chain.from_iterable(map(attrgetter(_POOL[rule]), split)))
        pool.discard(child.id)
        names = _indicator_names(child) if rule == "indicators" else set()
        if names and all(name for name, _ in names):  # an empty subject matches unnamed indicators: not indexed
            # the usable ones, whatever their place: each name's parents are a graph's worth, so never copied
            pool = set().union(*map(pool.intersection, self._similar_parents(names)))
            found = sorted(pool & self._of_place.get(place, set()) if place else pool)
        elif rule in ("measures", "dated"):  # the pool holds only measures / dated parents: `_usable`'s others
            if place:
                pool &= self._of_place.get(place, set())
            if rule == "dated":
                pool -= self.by_source.get(_source(child), set())
            found = sorted(pool)
        else:
            found = sorted(i for i in pool if _usable(child, parents[i], place))
        keep: list[str] = []
        ranks: dict[bool, _Ranks] = {}
        floors = [0, 0]
        for i in found:
            measure = parents[i].kind == "measure"
            r = ranks.get(measure)
            if r is None:
                r = ranks[measure] = _Ranks([h.measures if measure else h.others for h in split], child.id)
            if r.ranked_in(i):
                keep.append(i)
            else:
                floors[measure] = r.n  # counted: an id ranks out only past a full cut
        self._worst.pop(child.id, None)
        self._missed[child.id] = _floors(floors[0], floors[1])
        self._keep_candidates(child.id, keep)
        return [parents[i] for i in keep]

    def _similar_parents(self, names: set[tuple[str, str]]) -> list[set[str]]:
        """Parents with an indicator `_best_indicators` could pick for one of the child's, per name, through the
        index of indicator names (`_similar_indicator` on every parent would read them all)."""
        out: list[set[str]] = []
        for key in names:
            found = self._similar.get(key)
            if found is None:
                name, unit = key
                grams = bigrams(name)
                found = self._similar[key] = set().union(*(
                    self.indicator_parents[(other, unit)] for other in self._names_of_unit.get(unit, ())
                    if other == name or dice(grams, bigrams(other)) >= 0.75))
            out.append(found)
        return out

    def exact_sources(self, key: tuple[str, str], place: str) -> tuple[list[str], dict[str, list[str]]]:
        """The documents (of `place`) holding an indicator named and measured as `key`, ordered by their
        largest such indicator id, and their tasks holding it."""
        found = self._exact.get((key, place))
        if found is None:
            name, unit = key
            best: dict[str, str] = {}
            tasks_of: dict[str, list[str]] = defaultdict(list)
            for i in self.indicator_parents.get(key, ()):
                p = self.parents[i]
                if place and p.jurisdiction != place:
                    continue
                source = _source(p)
                tasks_of[source].append(i)
                for u, other, cand in _f(p).indicators:
                    if u == unit and other == name and cand.id > best.get(source, ""):
                        best[source] = cand.id
            found = self._exact[key, place] = sorted(best, key=best.__getitem__), tasks_of
        return found

    def _keep_candidates(self, child_id: str, best: list[str]) -> None:
        for p in self._candidates_of.get(child_id, ()):
            self.candidate_in[p].discard(child_id)
        candidate_in = self.candidate_in
        for p in best:
            candidate_in[p].add(child_id)
        self._candidates_of[child_id] = tuple(best)  # most are empty: the one empty tuple

    def _split_head(self, g: str) -> _Head:
        split = self._split.get(g)
        if split is None:
            head = self.postings.get(g, ())[:POSTINGS]
            marked = self._marked
            split = self._split[g] = _Head(
                measures=tuple(filter(marked["measures"].__contains__, head)),
                others=tuple(filterfalse(marked["measures"].__contains__, head)),
                dated=tuple(filter(marked["dated"].__contains__, head)),
                indicated=tuple(filter(marked["indicated"].__contains__, head)))
        return split

    # ---- the old interface ----------------------------------------------------------------------------

    def link(self, new: Sequence[Task], existing: Sequence[Task] | None = None) -> list[RollUp]:
        """Roll-ups among the new tasks and between them and `existing` (the graph's other tasks), both
        ways: the full roll-ups of the new children and of every other child whose roll-ups they changed
        or that rolls up into one of them.
        None for `existing` keeps the indexes."""
        new_ids = {t.id for t in new}
        if existing is not None:
            keep = {t.id: t for t in existing if t.id not in new_ids}
            gone = [i for i in self.tasks if i not in keep and i not in new_ids]
            self._last.update(self.update([t for t in keep.values() if t.id not in self.tasks], gone))
        new_ids |= {i.id for t in new for i in t.indicators}
        out = []
        for cid, links in self.update(new).items():
            if cid in new_ids or self._last.get(cid) != links or any(r.parent_id in new_ids for r in links):
                out.extend(links)
            self._last[cid] = links
        return out


def _top(counts: dict[str, int], child_id: str) -> tuple[list[str], tuple[int, str] | None]:
    """The MAX_CANDIDATES ids counted most (ties: smallest id), and the (count, id) of the last of them when
    the cut was full."""
    counts.pop(child_id, None)
    if len(counts) < MAX_CANDIDATES:
        return list(counts), None
    n = sorted(counts.values(), reverse=True)[MAX_CANDIDATES - 1]
    above = list(compress(counts, map(n.__lt__, counts.values())))
    ties = sorted(compress(counts, map(n.__eq__, counts.values())))[:MAX_CANDIDATES - len(above)]
    return above + ties, (n, ties[-1])


_FLOOR_TUPLES: dict[tuple[int, int], tuple[int, int]] = {}


def _floors(other: int, measure: int) -> tuple[int, int]:
    """One tuple per pair (a large graph holds one per child)."""
    return _FLOOR_TUPLES.setdefault((other, measure), (other, measure))


def _counted(lists: Iterable[Iterable[str]]) -> dict[str, int]:
    """How many of `lists` hold each id (a plain dict: Counter's checks cost more than counting a few)."""
    counts: dict[str, int] = {}
    _count_elements(counts, chain.from_iterable(lists))
    return counts


class _Ranks:
    """Whether an id ranks among the MAX_CANDIDATES ids held by most of `lists` (ties: smallest id), as `_top`
    would cut them, doing only the work the ids asked about need: no counting when the lists hold fewer ids
    than that, the tied ids sorted only when one asked about is among them."""

    __slots__ = ("counts", "n", "slots", "ties")

    def __init__(self, lists: list[tuple[str, ...]], child_id: str) -> None:
        self.counts: dict[str, int] | None = None
        if sum(map(len, lists)) < MAX_CANDIDATES:
            return
        counts = _counted(lists)
        counts.pop(child_id, None)
        if len(counts) < MAX_CANDIDATES:
            return
        values = sorted(counts.values(), reverse=True)
        self.counts, self.n = counts, values[MAX_CANDIDATES - 1]
        self.slots = MAX_CANDIDATES - values.index(self.n)  # places left for the ids counted n times
        self.ties: list[str] | None = None

    def ranked_in(self, i: str) -> bool:
        if self.counts is None:
            return True
        c = self.counts.get(i, 0)
        if c != self.n:
            return c > self.n
        if self.ties is None:
            self.ties = sorted(compress(self.counts, map(self.n.__eq__, self.counts.values())))
        return bisect_left(self.ties, i) < self.slots


@dataclass(frozen=True, slots=True)
class _Head:
    """A bigram's capped postings: measures, the rest, and the parents a narrow rule can use."""
    measures: tuple[str, ...]
    others: tuple[str, ...]
    dated: tuple[str, ...]  # with a 2025-or-later target
    indicated: tuple[str, ...]  # with indicators


def _rule(child: Task) -> str:
    """Which of its candidates a child's rules read (see `_link_task`, `_link_indicators`): "all" for a
    district row; "measures" for a city row; "dated" (2025-or-later targets) for a city task; "indicators"
    (parents holding an indicator like one of its own) for another district task; "" when none."""
    city = _city_level(child)
    if not city and child.kind == "district_row":
        return "all"
    if city and child.kind != "measure" and child.title:
        return "measures"
    if city and child.kind == "task":
        return "dated"
    return "indicators" if not city and child.indicators else ""


_POOL = {"measures": "measures", "dated": "dated", "indicators": "indicated"}
_MARKS: dict[str, Callable[[Task], bool]] = {  # the parents a _Head lists apart
    "measures": lambda p: p.kind == "measure",
    "dated": lambda p: _dated(p),
    "indicated": lambda p: bool(_f(p).indicators),  # indicators with ids
}


def _usable(child: Task, parent: Task, place: str) -> bool:
    """Whether the child's narrow rule can use this candidate at all (a candidate it cannot use changes
    nothing but the ranks of the others)."""
    if place and parent.jurisdiction != place:
        return False
    rule = _rule(child)
    if rule == "measures":
        return parent.kind == "measure"
    if rule == "dated":
        return _dated(parent) and _source(parent) != _source(child)
    return rule == "indicators" and _similar_indicator(child, parent)


def _dated(t: Task) -> bool:
    return (_f(t).target_year or 0) >= 2025


def _indicator_names(child: Task) -> set[tuple[str, str]]:
    """(subject, unit) of the child's indicators that `_best_indicators` looks up."""
    return {(subject(i.name), i.unit or "") for i in child.indicators if not i.set_by_city and i.name and i.id}


def _similar_indicator(child: Task, parent: Task) -> bool:
    """Some indicator of the parent is one `_best_indicators` could pick for one of the child's."""
    for ind in child.indicators:
        if ind.set_by_city or not ind.name or not ind.id:
            continue
        name, unit = subject(ind.name), ind.unit or ""
        for cand in parent.indicators:
            if cand.id and (cand.unit or "") == unit:
                other = subject(cand.name)
                if name == other or dice(bigrams(name), bigrams(other)) >= 0.75:
                    return True
    return False


def _grams(t: Task) -> tuple[str, ...]:
    return _f(t).grams


def _indicator_keys(t: Task) -> set[tuple[str, str]]:
    return {(name, unit) for unit, name, i in _f(t).indicators if i.name}


def _is_row(t: Task) -> bool:
    return _is_parent(t) and t.kind != "measure" and bool(t.title) and bool(_f(t).category)


class _View:
    """What the rules read: candidates, category rows, tasks by id, per-document bigram counts."""

    def __init__(self, linker: Linker, child: Task):
        self.linker = linker
        self._cands: dict[str, list[Task]] = {}
        self.place = linker.enclosing(child)  # parents must be of this place ("" when not known)

    def _here(self, tasks: Iterable[Task]) -> list[Task]:
        return [t for t in tasks if t.jurisdiction == self.place] if self.place else list(tasks)

    def get(self, task_id: str) -> Task | None:
        return self.linker.parents.get(task_id)

    def candidates_for(self, child: Task) -> list[Task]:
        found = self._cands.get(child.id)
        if found is None:
            if _rule(child) in _POOL:
                found = self.linker.usable_candidates(child, self.place)
            else:
                found = self._here(self.linker.candidates(child))
            self._cands[child.id] = found
        return found

    def same_indicators(self, child: Task, preferred: Sequence[Task] = (), near: Sequence[Task] = ()) -> list[Task]:
        """Parents holding an indicator of the same name and unit as one of the child's. When every such name
        is held in enough documents, only the documents that can rank among its best (`_best_indicators`: the
        same name beats a similar one, then the smallest of each document's largest indicator id) and those
        of `preferred` and `near` (the rest of the pool) are read: the others never rank."""
        found = [self.linker.exact_sources(k, self.place) for k in _indicator_keys(child)]
        reach = MAX_PARENTS + len({_source(t) for t in preferred})  # a preferred parent may rank above them
        if all(len(order) >= reach for order, _ in found):
            keep = {_source(t) for t in [*preferred, *near]}.union(*(order[:reach] for order, _ in found))
            ids = set().union(*(tasks_of[s] for _, tasks_of in found for s in keep & tasks_of.keys()))
        else:
            ids = set().union(*(i for _, tasks_of in found for i in tasks_of.values()))
        return [self.linker.parents[i] for i in sorted(ids)]

    def in_category(self, category: str, source: str | None = None) -> tuple[list[Task], set[str]]:
        """The category's rows (of one document, or of all), by id, and their ids: kept until they change."""
        cached = self.linker._category_rows.setdefault(category, {})
        found = cached.get((source, self.place))
        if found is None:
            by_source = self.linker.rows.get(category, {})
            ids = by_source.get(source, set()) if source is not None else set().union(*by_source.values())
            rows = self._here(self.linker.parents[i] for i in sorted(ids))
            found = cached[source, self.place] = rows, {p.id for p in rows}
        return found

    def row_count(self, category: str) -> int:
        return self.linker._row_count(category)

    def source_size(self, source: str) -> int:
        return self.linker._parent_count[source]

    def source_counts(self, source: str) -> dict[str, int]:
        """Bigram → parents of `source` holding it."""
        return self.linker.source_df.get(source, _NONE)


def link(new: Sequence[Task], existing: Sequence[Task]) -> list[RollUp]:
    """`Linker.link` on one linker kept by the module between calls (tests and one-off scripts)."""
    return _DEFAULT.link(new, existing)


# ---- text features -------------------------------------------------------------------------------

def _subject(text: str) -> str:
    """CJK and Latin letters only; a quoted number ("323" 攻坚行动) is a name, so it is kept, spelt as letters."""
    text = unicodedata.normalize("NFKC", text)
    text = _NUMBERING.sub("", text)
    if "“" in text:
        text = _QUOTED_NUMBER.sub(lambda m: m.group(1).translate(DIGITS_AS_LETTERS), text)
    return _NOT_LETTERS.sub("", text)


subject = functools.lru_cache(maxsize=1 << 16)(_subject)  # names and categories repeat; task texts do not
subject.__doc__ = _subject.__doc__

_NUMBERING = re.compile(r"^\s*[一二三四五六七八九十]+、")
_QUOTED_NUMBER = re.compile(r"“(\d+)”")
_NOT_LETTERS = re.compile(r"[^\u4e00-\u9fffA-Za-z]")
_YEAR = re.compile(r"(20\d\d)\s*年")


DIGITS_AS_LETTERS = str.maketrans("0123456789", "abcdefghij")


@functools.lru_cache(maxsize=1 << 16)
def bigrams(text: str) -> frozenset[str]:
    """The bigrams of a short name (indicator names repeat, so they are cached)."""
    return frozenset(_gram_tuple(subject(text)))


def _gram_tuple(s: str) -> tuple[str, ...]:
    """The bigrams of a subject, each once, in text order (whatever the hash seed), each one string object
    shared by every task holding it: a tuple costs 8 bytes a bigram where a frozenset costs about 25 (a 100x
    graph holds 125,000 tasks' worth)."""
    if len(s) < 2:
        return (s,) if s else ()
    grams = dict.fromkeys(map(operator.add, s, s[1:]))
    return tuple(map(_SHARED_GRAMS.setdefault, grams, grams))


_NONE: dict[str, int] = {}  # what a source without counts looks up in
_SHARED_GRAMS: dict[str, str] = {}  # one string object per bigram: a large graph holds millions of them


@functools.lru_cache(maxsize=1 << 16)
def _text_grams(text: str) -> tuple[str, ...]:
    """A task text's bigrams: a quarter of a 100x corpus's task texts repeat another's."""
    return _gram_tuple(_subject(text))


def dice(a: frozenset[str], b: Collection[str]) -> float:
    """`a` a set, `b` a set or a tuple of distinct bigrams."""
    return 2 * len(a.intersection(b)) / (len(a) + len(b)) if a and b else 0.0


def overlap(a: frozenset[str], b: Collection[str]) -> float:
    return len(a.intersection(b)) / min(len(a), len(b)) if a and b else 0.0


def category_key(category: str) -> str:
    return subject(category)


@dataclass(slots=True)
class _Features:
    """A task's bigrams as tuples in text order (kept for every task in the graph: small), see `_sets`."""
    title: tuple[str, ...]
    text: tuple[str, ...]
    head: tuple[str, ...]  # first sentence of a measure: its subject line
    category: str
    target_year: int | None
    source_text: str  # the text these were computed from (a task rebuilt with other text is recomputed)
    grams: tuple[str, ...] = ()  # text and title
    indicators: tuple[tuple[str, str, Indicator], ...] = ()  # (unit, subject, indicator) of those with ids
    text_set: frozenset[str] | None = None  # a parent's text bigrams as a set: scored against every child


_features: dict[str, _Features] = {}


def _f(task: Task) -> _Features:
    f = _features.get(task.id)
    if f is None or f.source_text is not task.text:
        years = [i.year for i in task.indicators if i.year] + [int(y) for y in _YEAR.findall(task.text)]
        title, text = _gram_tuple(subject(task.title)), _text_grams(task.text)
        head = _gram_tuple(_subject(task.text.split("。", 1)[0])) if task.kind == "measure" else ()  # only measures'
        grams = text
        if title and not set(title).issubset(text):
            grams = tuple(dict.fromkeys(chain(text, title)))
        f = _Features(title, text, head, category_key(task.category), max(years) if years else None, task.text,
                      grams, tuple((i.unit or "", subject(i.name), i) for i in task.indicators if i.id),
                      frozenset(text) if _is_parent(task) else None)  # parents are few (a tenth at 100x)
        if len(_features) > 500_000:
            _features.clear()
        _features[task.id] = f
    return f


_child_sets: tuple = ("", None, frozenset(), frozenset())  # (id, text, title set, text set) of the last child


def _sets(task: Task) -> tuple[frozenset[str], frozenset[str]]:
    """The child's title and text bigrams as sets, for scoring it against each candidate: only the child
    being decided is kept this way (one tuple, replaced whole: threads never see half of one)."""
    global _child_sets
    memo = _child_sets
    if memo[0] != task.id or memo[1] is not task.text:
        f = _f(task)
        memo = _child_sets = (task.id, task.text, frozenset(f.title), frozenset(f.text))
    return memo[2], memo[3]


def _text_set(f: _Features) -> frozenset[str]:
    return f.text_set if f.text_set is not None else frozenset(f.text)


def _is_parent(t: Task) -> bool:
    return _city_level(t) and (t.kind == "measure" or bool(t.title))


def _source(t: Task) -> str:
    return t.provenance.source if t.provenance else ""


def _is_child(t: Task) -> bool:
    return t.kind != "measure" and (not _city_level(t) or t.kind in ("task", "district_row", "indicator"))


@functools.lru_cache(maxsize=4096)
def _level(jurisdiction: str) -> str:
    return level_of(jurisdiction)


def _city_level(t: Task) -> bool:
    """A city's or a province's task: a parent others roll up to (districts and counties roll up)."""
    return _level(t.jurisdiction) in ("city", "province")


_DEFAULT = Linker()


# ---- task roll-ups -------------------------------------------------------------------------------

def _link_task(child: Task, parents: _View) -> list[RollUp]:
    """Roll-ups of `child` into `parents`, best first."""
    if not _city_level(child) and child.kind == "district_row":
        return _district_row(child, parents)
    if _city_level(child) and child.kind != "measure" and child.title:
        return _best_per_source(child, [p for p in parents.candidates_for(child) if p.kind == "measure"],
                                _measure_score, "row→measure", MIN_CONFIDENCE)
    if _city_level(child) and child.kind == "task" and not child.title:
        targets = [p for p in parents.candidates_for(child)
                   if _source(p) != _source(child) and (_f(p).target_year or 0) >= 2025]
        return _best_per_source(child, targets, _target_scorer(parents), "task→2025 target", TARGET_MIN)
    return []


def _district_row(child: Task, parents: _View) -> list[RollUp]:
    """附件2 row → 附件1 row of the same category, in the row's own gazette when it has one; else a measure."""
    rows = _category_rows(child, parents, own=True) or _category_rows(child, parents)
    out = _best_per_source(child, rows, _row_score, "category+title", MIN_CONFIDENCE)
    if out:
        return out
    measures = [p for p in parents.candidates_for(child) if p.kind == "measure"]
    return _best_per_source(child, measures, _measure_score, "subject→measure", MIN_CONFIDENCE)


def _category_rows(child: Task, parents: _View, *, own: bool = False) -> list[Task]:
    """City rows of the child's category (only those of its own document with `own`)."""
    rows, ids = parents.in_category(_f(child).category, _source(child) if own else None)  # rows: no measures
    if child.id in ids:
        rows, ids = [p for p in rows if p.id != child.id], ids - {child.id}
    if len(rows) > CATEGORY_SCAN:
        return [p for p in parents.candidates_for(child) if p.id in ids]
    return rows


def _row_score(child: Task, parent: Task) -> float:
    """Same category is given; title and text both count, and an identical title settles it."""
    (title_set, text_set), p = _sets(child), _f(parent)
    title = dice(title_set, p.title)
    return 1.0 if title == 1.0 else min(1.0, 0.5 * title + 0.7 * overlap(text_set, _text_set(p)))


def _measure_score(child: Task, parent: Task) -> float:
    """A row's title and text against a measure's subject line and whole text."""
    (title_set, text_set), p = _sets(child), _f(parent)
    subject_line = max(overlap(title_set, p.head), dice(title_set, p.head)) if title_set else 0.0
    return min(1.0, 0.3 * subject_line + 0.8 * overlap(text_set, _text_set(p)))


def _target_scorer(parents: _View):
    """Share of the child's bigram weight found in the parent, each bigram weighted by its rarity (idf) among
    the parents of the parent's own document: another document never changes the score."""
    weights: dict[tuple[str, str], tuple[dict[str, float], float]] = {}

    def score(child: Task, parent: Task) -> float:
        source = _source(parent)
        known = weights.get((child.id, source))
        if known is None:
            total = max(1, parents.source_size(source))
            df = parents.source_counts(source)
            w = {g: math.log(1 + total / (1 + df.get(g, 0))) for g in _f(child).text if g not in GENERIC}
            known = weights[child.id, source] = w, sum(w.values())
        w, mass = known
        if len(w) < 3:
            return 0.0
        target = _text_set(_f(parent))
        return sum(v for g, v in w.items() if g in target) / mass if mass else 0.0  # in text order: any hash seed

    return score


# method → (floor, base, slope): raw similarity below `floor` gives no edge; confidence = base + slope * raw.
CALIBRATION = {
    "category+title": (0.20, 0.35, 0.65),
    "subject→measure": (0.35, 0.20, 0.70),
    "row→measure": (0.30, 0.25, 0.70),
    "task→2025 target": (0.50, 0.10, 0.85),
}


def _best_per_source(child: Task, candidates: list[Task], score, method: str, minimum: float) -> list[RollUp]:
    """The best parent in each parent document; a close runner-up lowers the confidence."""
    floor, base, slope = CALIBRATION[method]
    by_source: dict[str, list[tuple[float, Task]]] = defaultdict(list)
    for p in candidates:
        if p.id != child.id:
            by_source[_source(p)].append((score(child, p), p))
    out: list[RollUp] = []
    for scored in by_source.values():
        scored.sort(key=lambda sp: (-sp[0], sp[1].id))
        raw, parent = scored[0]
        if raw < floor:
            continue
        runner = scored[1][0] if len(scored) > 1 else 0.0
        confidence = min(1.0, base + slope * raw)
        if raw < 1.0 and raw - runner < 0.1:
            confidence *= 0.85 + 1.5 * (raw - runner)
        if confidence >= minimum:
            out.append(RollUp(child.id, parent.id, "task", method, round(confidence, 3)))
    return sorted(out, key=lambda r: (-r.confidence, r.parent_id))


# ---- indicator roll-ups --------------------------------------------------------------------------

def _link_indicators(child: Task, task_links: list[RollUp], parents: _View) -> list[RollUp]:
    if not child.indicators:
        return []
    linked_parents = {r.parent_id for r in task_links}
    preferred = [t for t in (parents.get(i) for i in sorted(linked_parents)) if t is not None]
    if _city_level(child) and not preferred:
        return []
    if _city_level(child):
        pool = preferred
    else:
        near = parents.candidates_for(child)
        pool = preferred + [p for p in near + parents.same_indicators(child, preferred, near)
                            if p.id not in linked_parents]
    units = {i.unit or "" for i in child.indicators}
    by_unit: dict[str, list[tuple[str, Indicator, Task]]] = defaultdict(list)
    for task in pool:
        for unit, name, cand in _f(task).indicators:
            if unit in units:
                by_unit[unit].append((name, cand, task))
    out = []
    for ind in child.indicators:
        out.extend(_best_indicators(ind, by_unit.get(ind.unit or "", []), linked_parents))
    return out


def _best_indicators(ind: Indicator, same_unit: list[tuple[str, Indicator, Task]],
                     preferred: set[str]) -> list[RollUp]:
    """The same-name (or very similar name) indicator with the same unit, best one per parent document."""
    if ind.set_by_city or not ind.name or not ind.id:
        return []
    name = subject(ind.name)
    grams = bigrams(name)
    best: dict[str, tuple[float, str, str]] = {}
    for other, cand, task in same_unit:
        bonus = 0.05 if task.id in preferred else 0.0
        if name == other:
            score, method = 0.95 + bonus, "same name+unit"
        else:
            sim = dice(grams, bigrams(other))
            if sim < 0.75:
                continue
            score, method = 0.85 * sim + bonus, "similar name+unit"
        source = _source(task)
        if source not in best or (score, cand.id) > (best[source][0], best[source][1]):
            best[source] = (score, cand.id, method)
    ranked = sorted(best.values(), key=lambda b: (-b[0], b[1]))[:MAX_PARENTS]
    return [RollUp(ind.id, pid, "indicator", method, round(min(score, 1.0), 3)) for score, pid, method in ranked]


def _dedupe(rollups: list[RollUp]) -> list[RollUp]:
    seen: dict[tuple[str, str], RollUp] = {}
    for r in rollups:
        key = (r.child_id, r.parent_id)
        if r.child_id and r.parent_id and r.child_id != r.parent_id and (
            key not in seen or r.confidence > seen[key].confidence
        ):
            seen[key] = r
    return list(seen.values())
