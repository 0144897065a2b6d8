"""Entry point: a file (or bytes) → `ParsedDocument` with tasks, assignments, indicators and provenance.

Reading (encoding, normalisation, line repair) is in `loaders.reading`, structure in `loaders.structure`,
the attribution grammar in `loaders.attribution`; unit lists are resolved by `loaders.agencies.Resolver`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from graph.model import Assignment, Document, ParsedDocument, Provenance, Task
from graph.store import LoadError
from loaders import attribution, deadlines, formats, places, structure
from loaders.context import PlaceContext
from loaders.reading import Line, Reading, fingerprint_text

if TYPE_CHECKING:
    from loaders.agencies import Resolver


@lru_cache(maxsize=1)
def _default_resolver() -> Resolver:
    from loaders.agencies import Resolver

    return Resolver.default()


def parse_file(path: Path, *, resolver: Resolver | None = None, jurisdiction: str | None = None) -> ParsedDocument:
    """Parse one file; LoadError names the file, line and reason when it is not a readable task document."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise LoadError(str(path), None, f"无法读取文件({e.strerror or e})") from e
    return parse_bytes(data, Path(path).name, resolver=resolver, jurisdiction=jurisdiction)


def parse_bytes(
    data: bytes, source: str, *, resolver: Resolver | None = None, jurisdiction: str | None = None
) -> ParsedDocument:
    """Parse a document given as bytes; `source` is the file name used in provenance and messages.

    `jurisdiction` states the issuing place ("立山区") when the document does not show it.
    """
    reading, locations = formats.read_document(data, source)
    md, warnings = structure.metadata(reading)
    if jurisdiction and jurisdiction.strip():
        md.place = places.given(jurisdiction)
    elif not md.place.known:
        level = {"province": "省级", "city": "市级", "district": "区级", "county": "县级"}.get(md.place.level, "")
        warnings.append(
            f"{source}: 未能从文件中识别发文地区{f'(仅识别出{level})' if level else ''},"
            "单位名称按原文保留;可用 --jurisdiction 指定"
        )
    context = PlaceContext.for_document(md.place, resolver or _default_resolver())
    doc = Document(
        source=source,
        fingerprint=hashlib.sha256(data).hexdigest(),
        title=md.title,
        issuer=md.issuer,
        doc_number=md.doc_number,
        date=md.date,
        encoding=reading.encoding,
        traditional=reading.traditional,
        line_count=len(reading.raw_lines),
        jurisdiction=md.place.name,
        jurisdiction_level=md.place.level,
        jurisdiction_evidence=md.place.evidence,
    )
    walked = structure.walk(reading, doc_title=md.title)
    if not walked.items:
        raise LoadError(source, None, "未找到任何任务条目,不是任务分工文档")
    builder = _Builder(reading, md.place.name, context)
    builder.doc_rule = attribution.find_document_rule("\n".join(line.norm for line in reading.lines))
    tasks = [builder.task(item) for item in walked.items]
    builder.settle_kinds(walked.items, tasks)
    for task in tasks:
        builder.add_indicators(task)
    deadlines.settle(tasks, year=deadlines.document_year(md.title, md.date))
    parsed = ParsedDocument(document=doc, tasks=tasks)
    doc.layouts = sorted(builder.layouts)
    doc.kept_as_written = sorted(set(context.kept_as_written))
    parsed.warnings = [*reading.warnings, *warnings, *walked.warnings, *builder.warnings]
    parsed.text = fingerprint_text("\n".join(reading.raw_lines))
    formats.locate(parsed, locations)
    return parsed


@dataclass
class _Body:
    """An item's text: original and normalised (same length), with the Line each offset came from."""

    text: str
    norm: str
    starts: list[tuple[int, Line]]

    def line_at(self, offset: int) -> int:
        owner = self.starts[0]
        for start, line in self.starts:
            if start <= offset:
                owner = (start, line)
        return owner[1].line_at(offset - owner[0])


def _body(lines: list[Line]) -> _Body:
    text, norm, starts = "", "", []
    for line in lines:
        if text:
            text, norm = text + "\n", norm + "\n"
        starts.append((len(text), line))
        text, norm = text + line.text, norm + line.norm
    return _Body(text, norm, starts)


class _Builder:
    def __init__(self, reading: Reading, jurisdiction: str, resolver: PlaceContext):
        self.reading = reading
        self.source = reading.source
        self.jurisdiction = jurisdiction
        self.resolver = resolver
        self.layouts: set[str] = set()
        self.doc_rule: str | None = None
        self.warnings: list[str] = []
        self.attributed: set[int] = set()  # ids of tasks whose attribution was found

    # ---- one item → one Task

    def task(self, item: structure.Item) -> Task:
        if item.kind == "row":
            return self._row_task(item)
        return self._numbered_task(item)

    def _provenance(self, lines: list[Line]) -> Provenance:
        start, end = lines[0].line_start, lines[-1].line_end
        return Provenance.make(self.source, start, end, self.reading.span(start, end))

    def _jurisdiction(self, item: structure.Item) -> str:
        if not item.district:
            return self.jurisdiction
        place = self.resolver.place
        info = place.district_info(item.district) if place is not None else None
        return (info or {}).get("name") or item.district

    def _numbered_task(self, item: structure.Item) -> Task:
        lines = item.lines
        labelled = attribution.find_labelled_lines([ln.norm for ln in lines], doc_rule=self.doc_rule)
        body = _body(lines[: labelled[0]] or lines[:1] if labelled else lines)
        number = next((m for r in NUMBER_PREFIXES if item.number and (m := r.match(body.norm))), None)
        text_start = number.end() if number else 0
        task = Task(
            number=item.number,
            text="",
            section=list(item.section),
            jurisdiction=self._jurisdiction(item),
            provenance=self._provenance(lines),
            kind="indicator" if item.indicator_list else "task",
        )
        if labelled:
            self._labelled(task, lines[labelled[0] :], labelled[1])
            task.text = body.text[text_start:].strip()
        else:
            task.text = self._inline(task, body, text_start)
        if not task.assignments and item.inherited is not None:
            line, att = item.inherited
            self._assign(task, att.parts, line.text, f"heading:{att.rule}", line.line_start)
            task.attribution = line.text[att.start : att.end].strip()
            self.attributed.add(id(task))
        if item.district and not task.assignments:
            self._district_owner(task, item)
        if not task.leader:
            task.leader = next((found for title in reversed(item.section) if (found := _heading_leader(title))), "")
        return task

    def _labelled(self, task: Task, lines: list[Line], atts: list[attribution.Attribution]) -> None:
        """Attribution given on lines of their own ("牵头单位:…" / "责任单位:…" / "完成时限:…")."""
        printed = []
        for line, att in zip(lines, atts):
            printed.append(line.text[att.start : att.end].strip())
            self._assign(task, att.parts, line.text, att.rule, line.line_start)
            if att.deadline:
                task.deadline = line.text[att.deadline[0] : att.deadline[1]].strip()
            if att.leader and not task.leader:
                task.leader = line.text[att.leader[0] : att.leader[1]].strip()
        task.attribution = "\n".join(printed)
        self.attributed.add(id(task))

    def _inline(self, task: Task, body: _Body, text_start: int) -> str:
        """Attribution in brackets (at the end, or inside the text); returns the task text without it."""
        att = attribution.find_inline(body.norm, doc_rule=self.doc_rule)
        embedded = att is None
        if embedded:
            att = attribution.find_embedded(body.norm, doc_rule=self.doc_rule)
        if att is None:
            att = attribution.find_sentence(body.norm, doc_rule=self.doc_rule) or attribution.find_colon_list(body.norm)
            embedded = False
        if att is None or att.start < text_start:
            return body.text[text_start:].strip()
        task.attribution = body.text[att.start : att.end].strip()
        self._assign(task, att.parts, body.text, att.rule, body.line_at(att.start))
        if att.deadline:
            task.deadline = body.text[att.deadline[0] : att.deadline[1]].strip()
        if att.leader:
            task.leader = body.text[att.leader[0] : att.leader[1]].strip()
        if not att.closed:
            self.warnings.append(f"{self.source}:{body.line_at(att.start)}: 责任单位括号未闭合")
        self.attributed.add(id(task))
        after = (
            body.text[att.end :].strip() if embedded else ""
        )  # text after an embedded group is still the task
        return (body.text[text_start : att.start].rstrip() + after).strip()

    def _row_task(self, item: structure.Item) -> Task:
        line = item.lines[0]
        cell = {role: line.text[s:e].strip() for role, (s, e) in item.cells.items()}
        text = cell.get("text") or cell.get("title") or ""
        continued = []  # a row wrapped onto the next line: its text and unit cells continue
        for extra in item.lines[1:]:
            if "\t" not in extra.text:
                text += "\n" + extra.text.strip()
                continue
            spans = structure.cell_spans(extra.norm, item.columns)
            more = {role: extra.text[s:e].strip() for role, (s, e) in spans.items()}
            rest = [c for role, c in more.items() if role in ("text", "title") and c]
            if rest:
                text += "\n" + " ".join(rest)
            continued.append((extra, spans, more))
        task = Task(
            number=item.number,
            text=text,
            section=list(item.section),
            jurisdiction=self._jurisdiction(item),
            provenance=self._provenance(item.lines),
            kind="district_row" if item.district else "task",
            title=cell.get("title", "") if "text" in item.cells else "",
            category=item.category,
            deadline=cell.get("deadline") or None,
            leader=cell.get("person", ""),
        )
        roles, rule = attribution.table_roles(item.columns, item.table_rule or self.doc_rule)
        if roles.get("lead") and not cell.get("lead") and cell.get("responsible"):
            roles = {**roles, "responsible": "lead"}  # no lead named in this row: 责任单位 are co-leads
        printed = []
        parts = []
        for column in ("lead", "responsible", *sorted(c for c in roles if c.startswith("support"))):
            if column in roles and cell.get(column):
                s, e = item.cells[column]
                parts.extend(attribution.cell_parts(line.norm, s, e) or [attribution.Part(roles[column], column, s, e)])
                label = (
                    item.header[item.columns[column]] if item.columns[column] < len(item.header) else column
                )
                printed.append(f"{label}:{cell[column]}")
        if parts:
            task.attribution = ";".join(printed)
            self._assign(task, parts, line.text, rule, line.line_start)
            for extra, spans, more in continued:
                more_parts = [attribution.Part(roles[c], c, *spans[c]) for c in roles if c in spans and more.get(c)]
                self._assign(task, more_parts, extra.text, rule, extra.line_start)
            self.attributed.add(id(task))
        elif item.district:
            self._district_owner(task, item)
        elif "lead" in item.columns or "responsible" in item.columns:
            self.warnings.append(f"{self.source}:{line.line_start}: 第{task.number}行没有填写责任单位")
        else:
            self.warnings.append(
                f"{self.source}:{line.line_start}: 第{task.number}行所在表格没有单位列,也不属于某个区"
            )
        return task

    def _district_owner(self, task: Task, item: structure.Item) -> None:
        owner = self.resolver.district_owner(item.district or "")
        task.assignments.append(Assignment(owner, "lead", item.district or "", "district_list"))
        if task.kind != "district_row":
            task.kind = "district_row"
        self.attributed.add(id(task))

    # ---- parts → assignments

    def _assign(self, task: Task, parts: list[attribution.Part], text: str, rule: str, line_no: int) -> None:
        if parts:
            self.layouts.add(rule)
        for part in parts:
            written = text[part.start : part.end].strip()
            if not written:
                continue
            resolved = self.resolver.resolve_list(written, jurisdiction=task.jurisdiction)
            if not resolved:
                self.warnings.append(f"{self.source}:{line_no}: 单位列表为空:“{written}”")
                continue
            marked = part.role == "lead" and any(MARKED_LEAD.search(name) for name, _ in resolved)
            for k, (name, agency) in enumerate(resolved):
                role, how = part.role, rule
                if marked:
                    role, how = ("lead" if MARKED_LEAD.search(name) else "support"), "marked:(牵头)"
                elif rule.endswith("doc_rule:first_is_lead") and part.role == "lead":
                    role = "lead" if k == 0 else "support"
                task.assignments.append(Assignment(agency, role, name, how))
                if not agency.resolved:
                    self.warnings.append(f"{self.source}:{line_no}: 无法识别的单位“{name}”(已按原文保留)")
        task.assignments = _once_each(task.assignments)

    # ---- measures vs tasks

    def settle_kinds(self, items: list[structure.Item], tasks: list[Task]) -> None:
        """Numbered items of a part with no attribution anywhere are policy measures, not tasks."""
        parts: dict[str, list[Task]] = {}
        for item, task in zip(items, tasks):
            if item.kind == "numbered" and task.kind == "task":
                parts.setdefault(_part_key(item.section), []).append(task)
        for group in parts.values():
            if not any(id(t) in self.attributed for t in group):
                for t in group:
                    t.kind = "measure"
                continue
            for t in group:
                if id(t) in self.attributed:
                    continue
                if any(REQUIREMENTS.search(title) for title in t.section):
                    t.kind = (
                        "measure"  # a working requirement ("三、保障措施 1.加强组织领导"), owned by no unit
                    )
                else:
                    self.warnings.append(
                        f"{self.source}:{t.provenance.line_start}: 第{t.number}项没有找到责任单位"
                    )

    def add_indicators(self, task: Task) -> None:
        try:
            from loaders.indicators import extract_indicators
        except ImportError:
            return
        text = task.text
        heading_type = None
        if task.kind == "indicator":
            heading_type = next(
                (t for s in reversed(task.section) for t in ("约束性", "预期性") if t in s), None
            )
        task.indicators = list(extract_indicators(text, type=heading_type, provenance=task.provenance))


NUMBER_PREFIXES = (
    structure.RE_NUMBERED, structure.RE_ARABIC_PAREN, structure.RE_PAREN, structure.RE_CHINESE, structure.RE_YISHI
)
REQUIREMENTS = re.compile(r"工作要求|保障措施|组织保障|组织实施|实施保障|工作机制|推进机制")
# A section heading that names the leader of the items under it: "一、沈建华副县长牵头项目".
LEADER_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\(\s*[一二三四五六七八九十]+\s*\))?\s*([\u4e00-\u9fa5]{2,4}?)"
    r"(?:常务)?副?(?:省|市|区|县|旗|州)长(?:牵头|负责|分管|领办|联系)"
)
MARKED_LEAD = re.compile(r"[(（〔]\s*牵头\s*[)）〕]")


def _once_each(assignments: list[Assignment]) -> list[Assignment]:
    """Each unit once per task: a unit named as lead and again among the supports only leads."""
    leads = {a.agency.id for a in assignments if a.role == "lead"}
    seen: set[tuple[str, str]] = set()
    out = []
    for a in assignments:
        key = (a.agency.id, a.role)
        if key in seen or (a.role == "support" and a.agency.id in leads):
            continue
        seen.add(key)
        out.append(a)
    return out


def _part_key(section: list[str]) -> str:
    """The part a section belongs to: its annex/part title if any, else the whole document."""
    for title in section:
        if _is_part_title(title):
            return title
    return ""


# Per heading title, not per task: every task under a heading asks again.
@lru_cache(maxsize=8192)
def _is_part_title(title: str) -> bool:
    return bool(_ANNEX_TITLE.match(title) or structure.RE_PART_TITLE.search(title.strip()))


_ANNEX_TITLE = re.compile(r"^\s*附\s*[件表]")


@lru_cache(maxsize=8192)
def _heading_leader(title: str) -> str | None:
    m = LEADER_HEADING.match(title)
    return m.group(1) if m else None
