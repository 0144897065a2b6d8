"""Roll-ups (ROLLS_UP_TO): which city task or target a district task / target serves.

No models and no network: subjects are compared as sets of character bigrams (CJK and Latin letters only,
so numbering, digits and punctuation do not count). Two measures are used:
  dice(a, b)     = 2|A∩B| / (|A|+|B|)       — for titles of similar length ("加强优生优育服务" / "加强生育全程服务")
  overlap(a, b)  = |A∩B| / min(|A|, |B|)    — for texts where one is a shortened copy of the other

Rules (child → parent; parents are always city-level, jurisdiction 武汉市):
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
  LOW_CONFIDENCE = 0.60: edges below it are kept but listed for review (`low_confidence`); on the samples
  they are mostly right but ambiguous (a district row combining two city rows).
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from graph.model import CITY, LOW_CONFIDENCE, Indicator, RollUp, Task

MIN_CONFIDENCE = 0.40
TARGET_MIN = 0.45  # task→2025 target: one-line tasks need a clearer subject match
MAX_CANDIDATES = 30
NEAR_CHILDREN = 100  # earlier tasks re-examined per new parent
MAX_PARENTS = 3  # roll-ups kept per child and load, best first (one per parent document)
CATEGORY_SCAN = 60  # above this many city rows in a category, only the bigram candidates among them are scored
POSTINGS = 64
RAREST = 24  # candidates are found through a task's rarest bigrams only (prefix filtering), so cost stays flat
COMMON_BIGRAM_SHARE = 0.2  # bigrams found in more than this share of parents don't select candidates
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
    """The parent and child indexes of one loader, kept between its documents and updated by difference.

    It knows the roll-ups the graph already holds (`linked`), so an earlier child's room for more parents
    is the graph's, not this process's history: a re-load in a new process links what a first load did.
    """

    def __init__(self) -> None:
        self.parents = _Index()
        self.children = _Index()
        self.known: dict[str, Task] = {}  # the tasks the two indexes hold, by id
        self.linked: dict[str, set[str]] = {}  # task parents each child has in the graph

    def sync(self, existing: dict[str, Task], linked: dict[str, set[str]] | None = None) -> None:
        """Bring the indexes up to `existing` by difference: only added or removed tasks cost anything.
        `linked`, when given, replaces what is known of the graph's task roll-ups."""
        if linked is not None:
            self.linked = {c: set(p) for c, p in linked.items()}
        gone = self.known.keys() - existing.keys()
        for tid in gone:
            task = self.known.pop(tid)
            self.parents.remove(task)
            self.children.remove(task)
            self.linked.pop(tid, None)
        if gone:  # a reloaded or removed document took its parents along: their children may link again
            for parents in self.linked.values():
                parents -= gone
        for tid in existing.keys() - self.known.keys():
            task = self.known[tid] = existing[tid]
            if _is_parent(task):
                self.parents.add(task)
            if _is_child(task):
                self.children.add(task)

    def link(self, new: Sequence[Task], existing: Sequence[Task] | None = None) -> list[RollUp]:
        """Roll-ups among the new document's tasks and between them and tasks already in the graph, both ways.

        `existing` (the graph's other tasks) syncs the indexes first; None keeps them as they are.
        Each child keeps at most MAX_PARENTS task roll-ups (the best, one per parent document); a district
        row whose own document has city rows of its category links only there.
        """
        new_ids = {t.id for t in new}
        if existing is not None:
            self.sync({t.id: t for t in existing if t.id not in new_ids})
        for tid in new_ids & self.linked.keys():
            del self.linked[tid]  # a reloaded document starts afresh
        new_parents = _Index([t for t in new if _is_parent(t)])
        everyone = _Union(self.parents, new_parents)
        out: list[RollUp] = []
        for child in new:
            links = _link_task(child, everyone)[:MAX_PARENTS]
            self.linked[child.id] = {r.parent_id for r in links}
            out.extend(links)
            out.extend(_link_indicators(child, links, everyone))
        if new_parents.tasks:
            # Earlier children may roll up into the new document's rows and measures (a city plan loaded after
            # its district lists). Per parent document the best parent is the same whichever came first.
            for child in self.children.near(new_parents, self._open_child):
                room = MAX_PARENTS - len(self.linked.get(child.id, ()))
                links = _link_task(child, new_parents, context=everyone)[:room]
                self.linked.setdefault(child.id, set()).update(r.parent_id for r in links)
                out.extend(links)
                out.extend(_link_indicators(child, links, new_parents))
        return _dedupe(out)

    def add(self, tasks: Iterable[Task]) -> None:
        """The document just written: its tasks join the indexes."""
        for task in tasks:
            if task.id not in self.known:
                self.known[task.id] = task
                if _is_parent(task):
                    self.parents.add(task)
                if _is_child(task):
                    self.children.add(task)

    def _open_child(self, t: Task) -> bool:
        """An earlier task that may still gain a parent: not full, and not a 附件2 row its own 附件1 serves."""
        if len(self.linked.get(t.id, ())) >= MAX_PARENTS:
            return False
        return not (t.kind == "district_row" and _category_rows(t, self.parents, own=True))


def link(new: Sequence[Task], existing: Sequence[Task]) -> list[RollUp]:
    """`Linker.link` on one linker kept by the module between calls (tests and one-off scripts)."""
    return _DEFAULT.link(new, existing)


# ---- text features -------------------------------------------------------------------------------

@functools.lru_cache(maxsize=200_000)
def subject(text: str) -> str:
    """CJK and Latin letters only; a quoted number ("323" 攻坚行动) is a name, so it is kept, spelt as letters."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"^\s*[一二三四五六七八九十]+、", "", text)
    text = re.sub(r"“(\d+)”", lambda m: m.group(1).translate(DIGITS_AS_LETTERS), text)
    return re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", text)


DIGITS_AS_LETTERS = str.maketrans("0123456789", "abcdefghij")


@functools.lru_cache(maxsize=200_000)
def bigrams(text: str) -> frozenset[str]:
    s = subject(text)
    if len(s) < 2:
        return frozenset([s]) if s else frozenset()
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def category_key(category: str) -> str:
    return subject(category)


@dataclass
class _Features:
    title: frozenset[str]
    text: frozenset[str]
    head: frozenset[str]  # first sentence of a measure: its subject line
    category: str
    target_year: int | None
    source_text: str  # the text these were computed from (a task rebuilt with other text is recomputed)


_features: dict[str, _Features] = {}


def _f(task: Task) -> _Features:
    f = _features.get(task.id)
    if f is None or f.source_text is not task.text:
        years = [i.year for i in task.indicators if i.year] + [int(y) for y in re.findall(r"(20\d\d)\s*年", task.text)]
        head = re.split(r"[。]", task.text, maxsplit=1)[0]
        f = _Features(bigrams(task.title), bigrams(task.text), bigrams(head), category_key(task.category),
                      max(years) if years else None, task.text)
        if len(_features) > 500_000:
            _features.clear()
        _features[task.id] = f
    return f


def _is_parent(t: Task) -> bool:
    return t.jurisdiction == CITY and (t.kind == "measure" or bool(t.title))


def _source(t: Task) -> str:
    return t.provenance.source if t.provenance else ""


def _is_child(t: Task) -> bool:
    return t.kind != "measure" and (t.jurisdiction != CITY or t.kind in ("task", "district_row", "indicator"))


class _Index:
    """Tasks by id, by category and by bigram; updated in place so successive loads reuse it."""

    def __init__(self, tasks: Iterable[Task] = ()):
        self.tasks: dict[str, Task] = {}
        self.by_category: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.by_bigram: dict[str, dict[str, None]] = defaultdict(dict)  # insertion-ordered postings
        self._cache: dict[str, list[Task]] = {}  # candidates per child, valid until the index changes
        for t in tasks:
            self.add(t)

    def add(self, t: Task) -> None:
        self._cache.clear()
        f = _f(t)
        self.tasks[t.id] = t
        if t.title and f.category:
            self.by_category[f.category][_source(t)].add(t.id)
        for g in f.text | f.title:
            self.by_bigram[g][t.id] = None

    def remove(self, t: Task) -> None:
        if t.id not in self.tasks:
            return
        self._cache.clear()
        f = _f(self.tasks.pop(t.id))
        self.by_category.get(f.category, {}).get(_source(t), set()).discard(t.id)
        for g in f.text | f.title:
            self.by_bigram.get(g, {}).pop(t.id, None)

    def get(self, task_id: str) -> Task | None:
        return self.tasks.get(task_id)

    def size(self) -> int:
        return len(self.tasks)

    def df(self, g: str) -> int:
        return len(self.by_bigram.get(g, ()))

    def in_category(self, category: str, source: str | None = None) -> list[Task]:
        by_source = self.by_category.get(category, {})
        ids = by_source.get(source, set()) if source is not None else set().union(*by_source.values())
        return [self.tasks[i] for i in sorted(ids)]

    def candidates_for(self, child: Task) -> list[Task]:
        cached = self._cache.get(child.id)
        if cached is None:
            cached = self._cache[child.id] = self._candidates(child)
        return cached

    def _candidates(self, child: Task) -> list[Task]:
        f = _f(child)
        limit = max(5, int(len(self.tasks) * COMMON_BIGRAM_SHARE))
        counts: dict[str, int] = defaultdict(int)
        for g in self._rarest(f.text | f.title, limit):
            for i in self._postings(g):
                counts[i] += 1
        best = sorted(counts, key=lambda i: (-counts[i], i))[:MAX_CANDIDATES]
        return [self.tasks[i] for i in best if i != child.id]

    def _postings(self, g: str) -> Iterable[str]:
        """The newest POSTINGS tasks holding bigram `g`: a very common bigram costs no more than a rare one."""
        return itertools.islice(reversed(self.by_bigram[g]), POSTINGS)

    def _rarest(self, grams: Iterable[str], limit: int) -> list[str]:
        postings = self.by_bigram
        present = []
        for g in grams:
            ids = postings.get(g)
            if ids and len(ids) <= limit:
                present.append((len(ids), g))
        return [g for _, g in heapq.nsmallest(RAREST, present)]

    def near(self, other: _Index, eligible: Callable[[Task], bool]) -> list[Task]:
        """Eligible tasks here that may roll up to a task of `other`: those sharing its rarest bigrams."""
        limit = max(5, int(len(self.tasks) * COMMON_BIGRAM_SHARE))
        found: set[str] = set()
        verdict: dict[str, bool] = {}
        for t in other.tasks.values():
            f = _f(t)
            counts: dict[str, int] = defaultdict(int)
            for g in self._rarest(f.text | f.title, limit):
                for i in self._postings(g):
                    ok = verdict.get(i)
                    if ok is None:
                        ok = verdict[i] = eligible(self.tasks[i])
                    if ok:
                        counts[i] += 1
            found.update(sorted(counts, key=lambda i: (-counts[i], i))[:NEAR_CHILDREN])
        return [self.tasks[i] for i in sorted(found)]


class _Union:
    """Two indexes read as one (the graph's parents and the new document's)."""

    def __init__(self, *parts: _Index):
        self.parts = parts

    def get(self, task_id: str) -> Task | None:
        return next((p.tasks[task_id] for p in self.parts if task_id in p.tasks), None)

    def size(self) -> int:
        return sum(p.size() for p in self.parts)

    def df(self, g: str) -> int:
        return sum(p.df(g) for p in self.parts)

    def in_category(self, category: str, source: str | None = None) -> list[Task]:
        return [t for p in self.parts for t in p.in_category(category, source)]

    def candidates_for(self, child: Task) -> list[Task]:
        return [t for p in self.parts for t in p.candidates_for(child)]


_DEFAULT = Linker()


# ---- task roll-ups -------------------------------------------------------------------------------

def _link_task(child: Task, parents: _Index | _Union, context: _Index | _Union | None = None) -> list[RollUp]:
    """Roll-ups of `child` into `parents`; `context` (all parents) decides the district-row fallback."""
    if child.jurisdiction != CITY and child.kind == "district_row":
        return _district_row(child, parents, context or parents)
    if child.jurisdiction == CITY and child.kind != "measure" and child.title:
        return _best_per_source(child, [p for p in parents.candidates_for(child) if p.kind == "measure"],
                                _measure_score, "row→measure", MIN_CONFIDENCE)
    if child.jurisdiction == CITY and child.kind == "task" and not child.title:
        targets = [p for p in parents.candidates_for(child)
                   if _source(p) != _source(child) and (_f(p).target_year or 0) >= 2025]
        return _best_per_source(child, targets, _target_scorer(parents), "task→2025 target", TARGET_MIN)
    return []


def _district_row(child: Task, parents: _Index | _Union, context: _Index | _Union) -> list[RollUp]:
    """附件2 row → 附件1 row of the same category, in the row's own gazette when it has one; else a measure."""
    own = _category_rows(child, context, own=True)
    if own:
        rows = own if context is parents else _category_rows(child, parents, own=True)
    else:
        rows = _category_rows(child, parents)
    out = _best_per_source(child, rows, _row_score, "category+title", MIN_CONFIDENCE)
    if out:
        return out
    known = own or (_category_rows(child, context) if context is not parents else [])
    if context is not parents and _best_per_source(child, known, _row_score, "category+title", MIN_CONFIDENCE):
        return []  # a city row elsewhere takes this row; the measure fallback is not wanted
    measures = [p for p in parents.candidates_for(child) if p.kind == "measure"]
    return _best_per_source(child, measures, _measure_score, "subject→measure", MIN_CONFIDENCE)


def _category_rows(child: Task, parents: _Index | _Union, *, own: bool = False) -> list[Task]:
    """City rows of the child's category (only those of its own document with `own`)."""
    category = _f(child).category
    rows = [p for p in parents.in_category(category, _source(child) if own else None)
            if p.kind != "measure" and p.id != child.id and p.jurisdiction == CITY]
    if len(rows) > CATEGORY_SCAN:
        near = {p.id for p in parents.candidates_for(child)}
        rows = [p for p in rows if p.id in near]
    return rows


def _row_score(child: Task, parent: Task) -> float:
    """Same category is given; title and text both count, and an identical title settles it."""
    c, p = _f(child), _f(parent)
    title = dice(c.title, p.title)
    return 1.0 if title == 1.0 else min(1.0, 0.5 * title + 0.7 * overlap(c.text, p.text))


def _measure_score(child: Task, parent: Task) -> float:
    """A row's title and text against a measure's subject line and whole text."""
    c, p = _f(child), _f(parent)
    subject_line = max(overlap(c.title, p.head), dice(c.title, p.head)) if c.title else 0.0
    return min(1.0, 0.3 * subject_line + 0.8 * overlap(c.text, p.text))


def _target_scorer(parents: _Index | _Union):
    """Share of the child's bigram weight found in the parent, each bigram weighted by its rarity (idf)."""
    total = max(1, parents.size())

    def weight(g: str) -> float:
        return math.log(1 + total / (1 + parents.df(g)))

    weights: dict[str, dict[str, float]] = {}

    def score(child: Task, parent: Task) -> float:
        w = weights.get(child.id)
        if w is None:
            w = weights[child.id] = {g: weight(g) for g in _f(child).text - GENERIC}
        if len(w) < 3:
            return 0.0
        mass = sum(w.values())
        target = _f(parent).text
        return sum(v for g, v in w.items() if g in target) / mass if mass else 0.0

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

def _link_indicators(child: Task, task_links: list[RollUp], parents: _Index | _Union) -> list[RollUp]:
    if not child.indicators:
        return []
    linked_parents = {r.parent_id for r in task_links}
    preferred = [t for t in (parents.get(i) for i in sorted(linked_parents)) if t is not None]
    if child.jurisdiction == CITY and not preferred:
        return []
    pool = preferred if child.jurisdiction == CITY else preferred + [
        p for p in parents.candidates_for(child) if p.id not in linked_parents
    ]
    by_unit: dict[str, list[tuple[str, Indicator, Task]]] = defaultdict(list)
    for task in pool:
        for cand in task.indicators:
            if cand.id:
                by_unit[cand.unit or ""].append((subject(cand.name), cand, task))
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
