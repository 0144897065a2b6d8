"""Score the loader on the development set: precision / recall / F1 of (task, unit, role) links.

Each document `docs/<name>.txt` has a hand annotation `docs/<name>.yaml` written by reading the document
(never from loader output). The scorer parses the document with the project's loader, aligns parsed tasks
to annotated ones (printed number + the first characters of the task text), and counts links:

- a link is (task, canonical unit name, role) with role "lead" or "support";
- a parsed link on an aligned task is a true positive when the annotation has it, else a false positive;
- links of parsed tasks that align with no annotated task are false positives (a notice item, an 附件 line,
  a table header read as a task…); annotated links the loader did not produce are false negatives;
- a refused document (LoadError) scores all its annotated links as false negatives.

Figures are given per document, per convention tag (micro-averaged over the documents carrying the tag)
and overall, with the count of refused documents and the jurisdiction/level found against the annotated.

Run:  python -m tests.devset.score [-v] [--json] [NAME…]   (or `make eval`)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import opencc
import yaml

from graph.model import ParsedDocument
from graph.store import LoadError
from loaders.parse import parse_bytes

DOCS = Path(__file__).resolve().parent / "docs"
ROLES = ("lead", "support")


def norm(text: str) -> str:
    """NFKC without whitespace: full- and half-width brackets and spaces never decide a match."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocScore:
    name: str
    conventions: list[str]
    counts: Counts = field(default_factory=Counts)
    names: Counts = field(default_factory=Counts)  # the same links without their role: is the unit right?
    exact: int = 0  # aligned tasks whose links are all right, none missing, none extra
    refused: str | None = None  # the loader's message when it refused the document
    tasks_annotated: int = 0
    tasks_aligned: int = 0
    jurisdiction: tuple[str, str] = ("", "")  # (annotated, found)
    level: tuple[str, str] = ("", "")
    leaders: tuple[int, int] = (0, 0)  # (printed leaders found on the task, printed leaders annotated)
    errors: list[str] = field(default_factory=list)  # one line per wrong, missing or extra link


@dataclass
class Report:
    docs: list[DocScore]

    @property
    def overall(self) -> Counts:
        total = Counts()
        for d in self.docs:
            total.add(d.counts)
        return total

    @property
    def overall_names(self) -> Counts:
        total = Counts()
        for d in self.docs:
            total.add(d.names)
        return total

    def by_convention(self) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for d in self.docs:
            for tag in d.conventions:
                out.setdefault(tag, Counts()).add(d.counts)
        return dict(sorted(out.items()))

    def by_level(self) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for d in self.docs:
            out.setdefault(d.level[0], Counts()).add(d.counts)
        return dict(sorted(out.items()))

    @property
    def refused(self) -> list[DocScore]:
        return [d for d in self.docs if d.refused is not None]

    def table(self) -> str:
        lines = [
            f"{'document':34} {'P':>5} {'R':>5} {'F1':>5}  tp/fp/fn   names  exact/tasks  jurisdiction (annotated→found)"
        ]
        for d in self.docs:
            c = d.counts
            juris = f"{d.jurisdiction[0]}→{d.jurisdiction[1] or '?'} {d.level[0]}→{d.level[1] or '?'}"
            flag = "  REFUSED" if d.refused is not None else ""
            lines.append(
                f"{d.name:34} {c.precision:5.2f} {c.recall:5.2f} {c.f1:5.2f}  {f'{c.tp}/{c.fp}/{c.fn}':10} "
                f"{d.names.f1:5.2f}  {d.exact:>3}/{d.tasks_aligned:>2}/{d.tasks_annotated:<3} {juris}{flag}"
            )
        lines.append("")
        lines.append(f"{'convention':34} {'P':>5} {'R':>5} {'F1':>5}  docs")
        for tag, c in self.by_convention().items():
            n = sum(1 for d in self.docs if tag in d.conventions)
            lines.append(f"{tag:34} {c.precision:5.2f} {c.recall:5.2f} {c.f1:5.2f}  {n}")
        lines.append("")
        lines.append(f"{'level':34} {'P':>5} {'R':>5} {'F1':>5}  docs")
        for level, c in self.by_level().items():
            n = sum(1 for d in self.docs if d.level[0] == level)
            lines.append(f"{level:34} {c.precision:5.2f} {c.recall:5.2f} {c.f1:5.2f}  {n}")
        o = self.overall
        juris_ok = sum(1 for d in self.docs if norm(d.jurisdiction[0]) == norm(d.jurisdiction[1]))
        level_ok = sum(1 for d in self.docs if d.level[0] == d.level[1])
        found, printed = (sum(d.leaders[i] for d in self.docs) for i in (0, 1))
        lines.append("")
        lines.append(
            f"OVERALL  P {o.precision:.3f}  R {o.recall:.3f}  F1 {o.f1:.3f}  (tp {o.tp}, fp {o.fp}, fn {o.fn})  "
            f"documents {len(self.docs)}, refused {len(self.refused)}, jurisdiction right {juris_ok}, "
            f"level right {level_ok}, leaders {found}/{printed}"
        )
        lines.append(
            f"units right whatever the role: F1 {self.overall_names.f1:.3f}; tasks exactly right "
            f"{sum(d.exact for d in self.docs)}/{sum(d.tasks_annotated for d in self.docs)}"
        )
        return "\n".join(lines)


def annotation_paths(folder: Path = DOCS) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def load_annotation(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def document_bytes(path: Path, annotation: dict) -> bytes:
    """The bytes the loader gets: the UTF-8 file re-encoded when the annotation names another encoding."""
    text = path.read_text(encoding="utf-8")
    return text.encode(annotation.get("encoding", "utf-8"))


def parse(path: Path, annotation: dict) -> ParsedDocument:
    return parse_bytes(document_bytes(path, annotation), path.name)


def _found_jurisdiction(parsed: ParsedDocument) -> tuple[str, str]:
    doc = parsed.document
    place = getattr(doc, "jurisdiction", None)
    if not place:
        places = Counter(t.jurisdiction for t in parsed.tasks if t.jurisdiction)
        place = places.most_common(1)[0][0] if places else ""
    level = getattr(doc, "level", None) or getattr(doc, "jurisdiction_level", None) or ""
    return place or "", level or ""


def _links(leads: list[str], supports: list[str]) -> set[tuple[str, str]]:
    return {(norm(n), "lead") for n in leads} | {(norm(n), "support") for n in supports}


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def text_key(text: str) -> str:
    """How task texts are aligned: normalised and in Simplified characters (a task keeps its printed script)."""
    return _t2s().convert(norm(text))


def number_key(number: object) -> str:
    """A printed number without its dressing: "(一)", "一、", "1." and "1" compare by 一 / 1."""
    return _NUMBER_DRESS.sub("", norm(str(number or "")))


_NUMBER_DRESS = re.compile(r"[()()〔〕【】.、,。是第项]")


def _starts_with(body: str, prefix: str) -> bool:
    return not prefix or body.startswith(prefix) or prefix in body[: len(prefix) + 12]


def _names(links: set[tuple[str, str]]) -> set[str]:
    return {name for name, _ in links}


def align(annotated: list[dict], parsed_tasks: list) -> dict[int, int]:
    """Annotated index → parsed index (a table row's title cell counts as the start of its text). First pass: same
    printed number and the task text starting with the
    annotated prefix; second pass, for what is left: the text prefix alone (a loader may print numbers its own
    way). Each parsed task serves one annotated task, taken in document order."""
    used: set[int] = set()
    out: dict[int, int] = {}
    bodies = [
        text_key(f"{t.title}{t.text}" if t.title and t.title not in t.text else t.text) for t in parsed_tasks
    ]
    for by_number in (True, False):
        for i, item in enumerate(annotated):
            if i in out:
                continue
            prefix = text_key(str(item.get("text", "")))
            if by_number and item.get("n") is None:
                continue
            for j, task in enumerate(parsed_tasks):
                if j in used or not _starts_with(bodies[j], prefix):
                    continue
                if by_number and number_key(task.number) != number_key(item["n"]):
                    continue
                if not by_number and not prefix:
                    continue
                out[i] = j
                used.add(j)
                break
    return out


def score_document(txt: Path, annotation: dict, parsed: ParsedDocument | None = None) -> DocScore:
    tasks = annotation.get("tasks") or []
    ds = DocScore(name=txt.stem, conventions=list(annotation.get("conventions") or []))
    ds.tasks_annotated = len(tasks)
    want_place, want_level = str(annotation.get("jurisdiction", "")), str(annotation.get("level", ""))
    if parsed is None:
        try:
            parsed = parse(txt, annotation)
        except LoadError as e:
            ds.refused = str(e)
            ds.counts.fn = sum(len(_links(t.get("leads") or [], t.get("supports") or [])) for t in tasks)
            ds.names.fn = sum(
                len(_names(_links(t.get("leads") or [], t.get("supports") or []))) for t in tasks
            )
            ds.jurisdiction, ds.level = (want_place, ""), (want_level, "")
            ds.errors.append(f"refused: {e}")
            return ds
    found_place, found_level = _found_jurisdiction(parsed)
    ds.jurisdiction, ds.level = (want_place, found_place), (want_level, found_level)
    pairs = align(tasks, parsed.tasks)
    ds.tasks_aligned = len(pairs)
    matched = set(pairs.values())
    leaders_found = leaders_printed = 0
    for i, item in enumerate(tasks):
        want = _links(item.get("leads") or [], item.get("supports") or [])
        where = f"{item.get('n', '-')} {item.get('text', '')}"
        if i not in pairs:
            ds.counts.fn += len(want)
            ds.names.fn += len(_names(want))
            if want:
                ds.errors.append(f"task not found: {where}")
            continue
        task = parsed.tasks[pairs[i]]
        got = {(norm(a.agency.name), a.role) for a in task.assignments}
        ds.counts.tp += len(want & got)
        ds.counts.fp += len(got - want)
        ds.counts.fn += len(want - got)
        ds.names.tp += len(_names(want) & _names(got))
        ds.names.fp += len(_names(got) - _names(want))
        ds.names.fn += len(_names(want) - _names(got))
        ds.exact += want == got
        for name, role in sorted(got - want):
            ds.errors.append(f"extra {role} {name!r} on {where}")
        for name, role in sorted(want - got):
            ds.errors.append(f"missing {role} {name!r} on {where}")
        if item.get("leader"):
            leaders_printed += 1
            if norm(item["leader"]) in norm(getattr(task, "leader", "") or ""):
                leaders_found += 1
    for j, task in enumerate(parsed.tasks):
        if j not in matched and task.assignments:
            extra = {(norm(a.agency.name), a.role) for a in task.assignments}
            ds.counts.fp += len(extra)
            ds.names.fp += len(_names(extra))
            ds.errors.append(f"unannotated task with units: {task.number} {task.text[:20]!r}")
    ds.leaders = (leaders_found, leaders_printed)
    return ds


def score(folder: Path = DOCS) -> Report:
    docs = []
    for path in annotation_paths(folder):
        annotation = load_annotation(path)
        docs.append(score_document(path.with_suffix(".txt"), annotation))
    return Report(docs)


def as_json(report: Report) -> dict:
    """The figures as plain data (for tools and for comparing two runs)."""

    def figures(c: Counts) -> dict:
        return {
            "precision": round(c.precision, 4),
            "recall": round(c.recall, 4),
            "f1": round(c.f1, 4),
            "tp": c.tp,
            "fp": c.fp,
            "fn": c.fn,
        }

    return {
        "overall": figures(report.overall),
        "refused": [d.name for d in report.refused],
        "conventions": {tag: figures(c) for tag, c in report.by_convention().items()},
        "levels": {level: figures(c) for level, c in report.by_level().items()},
        "documents": {
            d.name: {
                **figures(d.counts),
                "jurisdiction": list(d.jurisdiction),
                "level": list(d.level),
                "tasks": [d.tasks_aligned, d.tasks_annotated],
                "errors": d.errors,
            }
            for d in report.docs
        },
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.devset.score", description=__doc__.split("\n")[0])
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list every wrong, missing or extra link"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--dir", type=Path, default=DOCS, help="folder of <name>.txt + <name>.yaml pairs")
    parser.add_argument("names", nargs="*", help="only documents whose name contains one of these")
    args = parser.parse_args(argv)
    report = score(args.dir)
    if args.names:
        report = Report([d for d in report.docs if any(n in d.name for n in args.names)])
    if args.json:
        print(json.dumps(as_json(report), ensure_ascii=False, indent=1))
        return 0
    print(report.table())
    if args.verbose:
        for d in report.docs:
            for line in d.errors:
                print(f"{d.name}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
