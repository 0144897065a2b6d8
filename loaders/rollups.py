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

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.model import CITY, Indicator, RollUp, Task

MIN_CONFIDENCE = 0.40
LOW_CONFIDENCE = 0.60
TARGET_MIN = 0.45  # task→2025 target: one-line tasks need a clearer subject match
MAX_CANDIDATES = 30
COMMON_BIGRAM_SHARE = 0.2  # bigrams found in more than this share of parents don't select candidates
GENERIC = {"推进", "加强", "建设", "完善", "提升", "实施", "加快", "推动", "开展", "工作", "服务", "体系", "全面", "健全",
           "持续", "深入", "进一步"}


def low_confidence(rollups: Iterable[RollUp]) -> list[RollUp]:
    """The roll-ups a reviewer should look at."""
    return [r for r in rollups if r.confidence < LOW_CONFIDENCE]


def link(new: Sequence[Task], existing: Sequence[Task]) -> list[RollUp]:
    """Roll-ups among the new document's tasks and between them and tasks already in the graph, both ways.

    Indexes of earlier calls are kept and updated by id, so loading document after document costs about
    O(new tasks x candidates), not O(all pairs).
    """
    new_ids = {t.id for t in new}
    old = [t for t in existing if t.id not in new_ids]
    _PARENTS.sync([t for t in old if _is_parent(t)])
    _CHILDREN.sync([t for t in old if _is_child(t)])
    new_parents = _Index([t for t in new if _is_parent(t)])
    new_indicator_ids = {i.id for t in new_parents.tasks.values() for i in t.indicators}
    everyone = _Union(_PARENTS, new_parents)
    out: list[RollUp] = []
    for child in new:
        links = _link_task(child, everyone)
        out.extend(links)
        out.extend(_link_indicators(child, links, everyone))
    if new_parents.tasks:
        # Earlier children against everyone, keeping only edges into the new document: the result is the
        # same whichever document was loaded first.
        for child in _CHILDREN.near(new_parents):
            links = _link_task(child, everyone)
            inds = _link_indicators(child, links, everyone)
            out.extend(r for r in links if r.parent_id in new_parents.tasks)
            out.extend(r for r in inds if r.parent_id in new_indicator_ids)
    return _dedupe(out)


# ---- text features -------------------------------------------------------------------------------

def subject(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"^\s*[一二三四五六七八九十]+、", "", text)
    return re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", text)


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


_features: dict[tuple[str, str], _Features] = {}


def _f(task: Task) -> _Features:
    key = (task.id, task.text[:64])
    f = _features.get(key)
    if f is None:
        years = [i.year for i in task.indicators if i.year] + [int(y) for y in re.findall(r"(20\d\d)\s*年", task.text)]
        head = re.split(r"[。]", task.text, maxsplit=1)[0]
        f = _Features(bigrams(task.title), bigrams(task.text), bigrams(head), category_key(task.category),
                      max(years) if years else None)
        if len(_features) > 200_000:
            _features.clear()
        _features[key] = f
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
        self.by_category: dict[str, set[str]] = defaultdict(set)
        self.by_bigram: dict[str, set[str]] = defaultdict(set)
        for t in tasks:
            self.add(t)

    def add(self, t: Task) -> None:
        f = _f(t)
        self.tasks[t.id] = t
        if t.title and f.category:
            self.by_category[f.category].add(t.id)
        for g in f.text | f.title:
            self.by_bigram[g].add(t.id)

    def remove(self, t: Task) -> None:
        f = _f(t)
        self.tasks.pop(t.id, None)
        self.by_category.get(f.category, set()).discard(t.id)
        for g in f.text | f.title:
            self.by_bigram.get(g, set()).discard(t.id)

    def sync(self, tasks: Sequence[Task]) -> None:
        wanted = {t.id: t for t in tasks}
        for tid in [tid for tid in self.tasks if tid not in wanted]:
            self.remove(self.tasks[tid])
        for tid, t in wanted.items():
            if tid not in self.tasks:
                self.add(t)

    def get(self, task_id: str) -> Task | None:
        return self.tasks.get(task_id)

    def size(self) -> int:
        return len(self.tasks)

    def df(self, g: str) -> int:
        return len(self.by_bigram.get(g, ()))

    def in_category(self, category: str) -> list[Task]:
        return [self.tasks[i] for i in sorted(self.by_category.get(category, ()))]

    def candidates_for(self, child: Task) -> list[Task]:
        f = _f(child)
        limit = max(5, int(len(self.tasks) * COMMON_BIGRAM_SHARE))
        counts: dict[str, int] = defaultdict(int)
        for g in f.text | f.title:
            ids = self.by_bigram.get(g, ())
            if len(ids) <= limit:
                for i in ids:
                    counts[i] += 1
        best = sorted(counts, key=lambda i: (-counts[i], i))[:MAX_CANDIDATES]
        return [self.tasks[i] for i in best if i != child.id]

    def near(self, other: _Index) -> list[Task]:
        """Tasks here that share a category or a not-too-common bigram with any task of `other`."""
        limit = max(5, int(len(self.tasks) * COMMON_BIGRAM_SHARE))
        found: set[str] = set()
        for category in other.by_category:
            found |= self.by_category.get(category, set())
        for g in other.by_bigram:
            ids = self.by_bigram.get(g, set())
            if len(ids) <= limit:
                found |= ids
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

    def in_category(self, category: str) -> list[Task]:
        return [t for p in self.parts for t in p.in_category(category)]

    def candidates_for(self, child: Task) -> list[Task]:
        return [t for p in self.parts for t in p.candidates_for(child)]


_PARENTS = _Index()
_CHILDREN = _Index()


# ---- task roll-ups -------------------------------------------------------------------------------

def _link_task(child: Task, parents: _Index | _Union) -> list[RollUp]:
    if child.jurisdiction != CITY and child.kind == "district_row":
        return _district_row(child, parents)
    if child.jurisdiction == CITY and child.kind != "measure" and child.title:
        return _best_per_source(child, [p for p in parents.candidates_for(child) if p.kind == "measure"],
                                _measure_score, "row→measure", MIN_CONFIDENCE)
    if child.jurisdiction == CITY and child.kind == "task" and not child.title:
        targets = [p for p in parents.candidates_for(child)
                   if _source(p) != _source(child) and (_f(p).target_year or 0) >= 2025]
        return _best_per_source(child, targets, _target_scorer(parents), "task→2025 target", TARGET_MIN)
    return []


def _district_row(child: Task, parents: _Index | _Union) -> list[RollUp]:
    f = _f(child)
    rows = [p for p in parents.in_category(f.category) if p.kind != "measure" and p.id != child.id]
    out = _best_per_source(child, rows, _row_score, "category+title", MIN_CONFIDENCE)
    if out:
        return out
    measures = [p for p in parents.candidates_for(child) if p.kind == "measure"]
    return _best_per_source(child, measures, _measure_score, "subject→measure", MIN_CONFIDENCE)


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

    def score(child: Task, parent: Task) -> float:
        c, p = _f(child), _f(parent)
        specific = c.text - GENERIC
        if len(specific) < 3:
            return 0.0
        mass = sum(weight(g) for g in specific)
        return sum(weight(g) for g in specific & p.text) / mass if mass else 0.0

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
    out = []
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
    return out


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
    out = []
    for ind in child.indicators:
        match = _best_indicator(ind, pool, linked_parents)
        if match is not None:
            out.append(match(ind))
    return out


def _best_indicator(ind: Indicator, pool: list[Task], preferred: set[str]):
    if ind.set_by_city or not ind.name:
        return None
    name = subject(ind.name)
    best: tuple[float, str, str] | None = None
    for task in pool:
        bonus = 0.05 if task.id in preferred else 0.0
        for cand in task.indicators:
            if not cand.id or (cand.unit or "") != (ind.unit or ""):
                continue
            other = subject(cand.name)
            if name == other:
                score, method = 0.95 + bonus, "same name+unit"
            else:
                sim = dice(bigrams(name), bigrams(other))
                if sim < 0.75:
                    continue
                score, method = 0.85 * sim + bonus, "similar name+unit"
            if best is None or score > best[0]:
                best = (score, cand.id, method)
    if best is None:
        return None
    score, parent_id, method = best
    return lambda i: RollUp(i.id, parent_id, "indicator", method, round(min(score, 1.0), 3))


def _dedupe(rollups: list[RollUp]) -> list[RollUp]:
    seen: dict[tuple[str, str], RollUp] = {}
    for r in rollups:
        key = (r.child_id, r.parent_id)
        if r.child_id and r.parent_id and r.child_id != r.parent_id and (
            key not in seen or r.confidence > seen[key].confidence
        ):
            seen[key] = r
    return list(seen.values())
