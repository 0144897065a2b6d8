"""What the loaders hand to the graph: one parsed document, as plain dataclasses.

Loaders build these; `loaders.writer` turns them into Cypher rows. Nothing here talks to a
database, so parsing can be tested without one.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Literal

CITY = "武汉市"  # the sample city: roll-up and name look-ups still prefer it (not a default jurisdiction)
LOW_CONFIDENCE = 0.6  # roll-ups below this are kept but listed for review

AgencyType = Literal[
    "department",  # 市卫健委, 武昌区发改局
    "district_government",  # 江岸区人民政府
    "zone_committee",  # 东湖高新区管委会
    "state_firm",  # 武汉城发集团, 市城投公司
    "party_organ",  # 市委宣传部
    "mass_organisation",  # 团市委, 市妇联, 市残联, 市总工会, 市工商联
    "leading_group",  # …领导小组, …指挥部
    "group",  # 各区人民政府, 各街道
    "branch",  # 市生态环境局武昌分局
    "other",
]
Role = Literal["lead", "support"]
TaskKind = Literal["task", "measure", "district_row", "indicator"]


def stable_id(prefix: str, *parts: object) -> str:
    """A short id that depends only on `parts`: same input, same id, on every machine."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:16]}"


@functools.lru_cache(maxsize=1 << 16)  # a unit is named again in every task: its id is asked for ~1 M times at 30×
def _agency_id(jurisdiction: str, name: str) -> str:
    return stable_id("ag", jurisdiction, name)


@dataclass(frozen=True)
class Provenance:
    """Where a fact came from: file, 1-based inclusive line range, and the exact text."""

    source: str
    line_start: int
    line_end: int
    span: str
    location: str = ""  # where in a Word/PDF/Excel/web file ("第3页", "工作表“任务”第5行"); "" for text

    @staticmethod
    def make(source: str, line_start: int, line_end: int, span: str, location: str = "") -> Provenance:
        """Provenance(...) without the frozen __init__'s object.__setattr__ per field (half the time; one is
        made for every task and every indicator)."""
        new = object.__new__(Provenance)
        new.__dict__.update(source=source, line_start=line_start, line_end=line_end, span=span, location=location)
        return new


@dataclass
class Agency:
    """A resolved unit. `name` is canonical; `written` keeps every form seen in documents."""

    name: str
    jurisdiction: str = ""
    type: AgencyType = "other"
    aliases: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # canonical names, for groups
    member_of: list[str] = field(default_factory=list)  # canonical names of groups
    branch_of: str | None = None  # canonical name of the parent unit
    district: str | None = None  # District name, for district-level units and branches
    resolved: bool = True  # False: kept as written, flagged for review

    @property
    def id(self) -> str:
        return _agency_id(self.jurisdiction, self.name)

    def copy(self) -> Agency:
        """An equal Agency with lists of its own (for handing out a cached resolution)."""
        new = object.__new__(Agency)
        d = self.__dict__.copy()
        d["aliases"], d["members"], d["member_of"] = list(self.aliases), list(self.members), list(self.member_of)
        new.__dict__ = d
        return new


@dataclass
class Assignment:
    """One unit named in one task's attribution, with its role."""

    agency: Agency
    role: Role
    written: str  # the name exactly as printed, e.g. "区委组织部(人才科)"
    rule: str  # which grammar rule gave the role, e.g. "inline:牵头+责任", "table", "district_list"
    location: str = ""  # the table cell it was printed in ("工作表“任务”第4行第3列"); "" for text


@dataclass
class Indicator:
    name: str
    text: str
    target: float | None = None
    unit: str | None = None
    comparator: str | None = None  # ">=", "<=", "=", ">", "<"
    year: int | None = None
    type: str | None = None  # "约束性", "预期性"
    set_by_city: bool = False  # "完成市下达目标"
    provenance: Provenance | None = None
    id: str = ""  # filled by ParsedDocument.assign_ids


@dataclass
class Task:
    number: str  # as printed: "116", "9"
    text: str  # the task without its unit attribution
    section: list[str]  # heading path, outermost first
    jurisdiction: str
    provenance: Provenance
    kind: TaskKind = "task"
    attribution: str = ""  # the attribution text as printed, e.g. "(牵头单位:…;责任单位:…)"
    title: str = ""  # a table row's 重点项目, if any
    category: str = ""  # a table's category row, e.g. "一、幼有所育"
    deadline: str | None = None  # 完成时限 as printed (or the deadline printed in the text)
    due: str | None = None  # ISO date the deadline falls due (a range's last day); loaders.deadlines
    leader: str = ""  # the responsible leader as printed (责任领导/牵头领导/分管县领导…), never a unit
    due_start: str | None = None  # a range's first day
    due_kind: str | None = None  # date | range | ongoing | recurring
    assignments: list[Assignment] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    id: str = ""  # filled by ParsedDocument.assign_ids

    @property
    def leads(self) -> list[Agency]:
        return [a.agency for a in self.assignments if a.role == "lead"]

    @property
    def supports(self) -> list[Agency]:
        return [a.agency for a in self.assignments if a.role == "support"]


@dataclass
class Document:
    source: str  # file name as loaded
    fingerprint: str  # sha256 of the raw bytes
    title: str = ""
    issuer: str = ""
    doc_number: str = ""  # 武政办〔2022〕7号
    date: str | None = None  # YYYY-MM-DD
    encoding: str = "utf-8"
    traditional: bool = False
    duplicate_of: str | None = None  # id of the document this one copies
    line_count: int = 0
    jurisdiction: str = ""  # the issuing place as written (立山区, 咸阳市); "" when the document does not show it
    jurisdiction_level: str = ""  # province | city | district | county | ""
    jurisdiction_evidence: str = ""  # how it was found: override | issuer | header | title | addressee | units
    layouts: list[str] = field(default_factory=list)  # attribution rules recognised (e.g. "line:牵头+责任")
    kept_as_written: list[str] = field(default_factory=list)  # unit names no rule placed

    @property
    def id(self) -> str:
        """Content and file name: a copy under another name is a document of its own (marked duplicate_of)."""
        return stable_id("doc", self.fingerprint, self.source)


@dataclass
class RollUp:
    """A district task/target serving a city one (or a task serving a policy measure)."""

    child_id: str
    parent_id: str
    kind: Literal["task", "indicator"]
    method: str  # e.g. "same category+subject", "subject similarity"
    confidence: float  # 0..1


@dataclass
class ParsedDocument:
    document: Document
    tasks: list[Task] = field(default_factory=list)
    rollups: list[RollUp] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "file:line: reason"
    text: str = ""  # the whole document, normalised and in Simplified characters, for spotting copies
    signature: list[int] | None = None  # the text's sketch (loaders.duplicates), once the text is dropped

    def assign_ids(self) -> None:
        """Ids derive from the document id and each item's place and text."""
        fp = self.document.id
        for place, task in enumerate(self.tasks):
            task.id = stable_id("t", fp, place, task.number, "/".join(task.section), task.text)
            for n, ind in enumerate(task.indicators):
                ind.id = stable_id("ind", task.id, n, ind.text)

    def agencies(self) -> list[Agency]:
        """Every agency named in the document, each once, plus the groups and parents they imply."""
        seen: dict[str, Agency] = {}
        for task in self.tasks:
            for a in task.assignments:
                seen.setdefault(a.agency.id, a.agency)
        return list(seen.values())
