"""Pydantic response models: the JSON shapes the UI and other programs code against."""

from __future__ import annotations

import re
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

T = TypeVar("T")


class Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorOut(BaseModel):
    error: str
    detail: Any
    suggestions: list[str] = []


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class Health(BaseModel):
    status: str
    backend: str
    counts: dict[str, int]


class IndicatorItem(Model):
    id: str
    name: str | None = None
    target: float | None = None
    unit: str | None = None
    comparator: str | None = None
    year: int | None = None
    type: str | None = None
    text: str | None = None
    set_by_city: bool | None = None


class TaskItem(Model):
    id: str
    number: str | None = None
    text: str | None = None
    source: str | None = None
    doc_id: str | None = None
    section: list[str] = []
    jurisdiction: str | None = None
    kind: str | None = None
    title: str | None = None
    leads: list[str] = []
    supports: list[str] = []
    role: Literal["lead", "support"] | None = None
    via: str | None = None
    indicators: list[IndicatorItem] = []
    deadline: str | None = None  # 完成时限 as printed
    due: str | None = None  # ISO date it falls due (a range's last day)
    due_start: str | None = None  # a range's first day
    due_kind: Literal["date", "range", "ongoing", "recurring"] | None = None


class AgencyItem(Model):
    id: str
    name: str
    jurisdiction: str | None = None
    type: str | None = None
    aliases: list[str] = []
    lead: int = 0
    support: int = 0


class AgencyCounts(BaseModel):
    lead: int
    support: int
    via_group: int


class AgencyDocument(BaseModel):
    doc_id: str
    source: str | None = None
    title: str | None = None
    lead: int
    support: int


class AgencySection(BaseModel):
    doc_id: str | None = None
    section: str
    lead: int
    support: int


class Agency(Model):
    id: str
    name: str
    jurisdiction: str | None = None
    type: str | None = None
    aliases: list[str] = []
    members: list[str] = []
    member_of: list[str] = []
    counts: AgencyCounts
    document_count: int = Field(0, description="其任务（不含经由群组的）所在的文件数；各文件的任务数见 /agencies/{name}/documents")
    due_years: list[str] = Field([], description="其任务（含经由群组的）截止日期所在的年份，从早到晚")


class AgencyRef(Model):
    id: str
    name: str
    type: str | None = None
    written: str | None = None
    location: str | None = None  # the table cell the unit was printed in; None for text documents


class TaskRef(Model):
    id: str
    number: str | None = None
    text: str | None = None
    source: str | None = None
    jurisdiction: str | None = None
    method: str | None = None
    confidence: float | None = None


class IndicatorLink(Model):
    id: str
    name: str | None = None
    target: float | None = None
    unit: str | None = None
    task_id: str | None = None
    method: str | None = None
    confidence: float | None = None


class IndicatorDetail(IndicatorItem):
    rolls_up_to: list[IndicatorLink] = []
    rolled_up_from: list[IndicatorLink] = []


class Provenance(BaseModel):
    source: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    span: str | None = None
    location: str | None = None  # "工作表“任务”第4行第2列", "第3页"; None for text documents


class TaskDetail(TaskItem):
    category: str | None = None
    attribution: str | None = None
    provenance: Provenance
    lead_agencies: list[AgencyRef] = []
    support_agencies: list[AgencyRef] = []
    rolls_up_to: list[TaskRef] = []
    rolled_up_from: list[TaskRef] = []
    indicators: list[IndicatorDetail] = []


class RollupChild(Model):
    indicator: IndicatorItem
    task: TaskItem | None = None
    method: str | None = None
    confidence: float | None = None


class IndicatorRollup(BaseModel):
    indicator: IndicatorItem
    children: list[RollupChild]
    sum: float | None = None
    unit: str | None = None


class WorkloadItem(Model):
    name: str
    id: str
    type: str | None = None
    jurisdiction: str | None = None
    lead: int
    support: int
    total: int
    overdue: int = 0


class NeighbourItem(Model):
    name: str
    id: str
    type: str | None = None
    jurisdiction: str | None = None
    weight: int


class NetworkNode(BaseModel):
    name: str
    type: str | None = None
    degree: int
    weighted_degree: float
    degree_centrality: float
    betweenness: float
    community: int | None = None


class Network(BaseModel):
    nodes: list[NetworkNode]
    communities: list[list[str]]
    edges: int
    document: str | None = None


class QueryParamInfo(BaseModel):
    name: str
    type: str
    required: bool
    default: Any = None
    description: str = ""
    choices: list[str] = []


class QueryInfo(BaseModel):
    name: str
    title: str
    description: str
    params: list[QueryParamInfo]
    example: dict[str, Any]
    backends: list[str] = []


class QueryCall(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("params")
    @classmethod
    def _values(cls, params: dict[str, Any]) -> dict[str, Any]:
        check_values(params)
        return params


class QueryResult(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]]


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


INT64 = (-(2**63), 2**63 - 1)


def check_values(value: Any, depth: int = 0) -> None:
    """Parameter values the engines take as they are: no NUL in text, integers within 64 bits, map keys
    that can be quoted; the engine would otherwise fail on them or silently clamp them."""
    if depth > 20:
        raise ValueError("参数嵌套过深")
    if isinstance(value, dict):
        for k, v in value.items():
            if not k or "`" in k or "\x00" in k:
                raise ValueError(f"参数中的键 {k!r} 无效（不能为空或含反引号、空字符）")
            check_values(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            check_values(v, depth + 1)
    elif isinstance(value, str) and "\x00" in value:
        raise ValueError("参数中含有空字符（NUL）")
    elif isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
        raise ValueError(f"整数 {value} 超出 64 位范围（±2^63）")


class CypherCall(BaseModel):
    query: str = Field(min_length=1, max_length=20000, pattern=r"^[^\x00]*$",
                       description="只读 Cypher 语句（不含空字符，最长 20000 字符）")
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("params")
    @classmethod
    def _names(cls, params: dict[str, Any]) -> dict[str, Any]:
        bad = [k for k in params if not _IDENTIFIER.match(k)]
        if bad:
            raise ValueError(f"参数名无效: {bad}（应为字母、数字、下划线，且不以数字开头）")
        check_values(params)
        return params


class CypherResult(QueryResult):
    truncated: bool = False
    elapsed_ms: float


class GraphNode(Model):
    id: str
    label: str
    type: Literal["Agency", "Task", "Indicator", "Document", "District"]
    group: str | None = None
    title: str | None = None
    name: str | None = None
    doc_id: str | None = Field(None, description="任务所在文件的 id")
    role: Literal["lead", "support"] | None = Field(None, description="单位图中：中心单位在该任务中的角色")


class GraphLink(Model):
    source: str
    target: str
    type: str


class NodeLink(BaseModel):
    directed: bool = True
    nodes: list[GraphNode]
    links: list[GraphLink]


class PathStep(Model):
    kind: Literal["agency", "task"]
    name: str | None = None
    id: str | None = None
    number: str | None = None
    source: str | None = None
    type: str | None = None
    role: str | None = None


class Connection(BaseModel):
    source: str
    target: str
    connected: bool
    hops: int | None = None
    steps: list[PathStep]


class DocumentItem(Model):
    id: str
    source: str | None = None
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    tasks: int = 0
    units: int = 0  # agencies leading or supporting its tasks
    unresolved_names: list[str] = Field(default_factory=list)
    jurisdiction: str | None = None
    warnings: list[str] | None = None  # what the loader noticed (first 50)
    duplicate_of: str | None = None


class LoadOut(Model):
    source: str
    status: str
    detail: Any = None


class LoadItem(LoadOut):
    """One file of a multi-file upload; `error` (naming the file) when it failed or its outcome is unknown."""

    error: str | None = None


class LoadBatchOut(Model):
    """A multi-file upload: one item per file in the order sent; `summary` counts files per status."""

    status: Literal["ok", "partial", "failed"]  # every file in the graph / some / none
    summary: dict[str, int]
    items: list[LoadItem]
