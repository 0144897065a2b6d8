"""督办台账 downloads (.xlsx / .csv) for a unit, a district, a document or a task search, and the workload table.

The rows come from the same catalogue queries as the JSON task lists, so a ledger lists exactly what the
page lists, in the same order. Registered before `/tasks/{task_id}` so `/tasks/ledger.xlsx` is not an id.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pypinyin import lazy_pinyin

from api.deps import PagingDep, ServicesDep
from api.errors import NotFound
from api.filters import DueDep, DueFilter
from api.models import ErrorOut, Page, WorkloadItem
from api.routes.stats import Document, workload_rows
from api.routes.tasks import SearchDep
from graph import ledger

router = APIRouter(tags=["ledger"])
Format = Literal["xlsx", "csv"]
Role = Literal["lead", "support", "any"]
SheetsParam = Annotated[ledger.Sheets, Query(description="document：每个文件一个工作表；all：全部在一个工作表")]
ALL_ROWS = 1_000_000
FILES = {
    200: {"content": {ledger.XLSX_TYPE: {}, "text/csv": {}}, "description": "台账文件（Excel 或 CSV）"},
    404: {"model": ErrorOut, "description": "找不到单位、区或文件（附相近名称）"},
}


def agency_ledger_tasks(s: ServicesDep, name: str, role: Role, due: DueFilter,
                        document: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The unit's tasks in the order its page prints them: 牵头, then 配合, then those reached only through a
    group (each in document order), optionally of one document only (the page's 文件 filter)."""
    canonical = s.names.agency(name)
    rows = s.run("agency_tasks", {"name": canonical, "role": role, "document": document or None, **due.params(),
                                  "offset": 0, "limit": ALL_ROWS})
    return canonical, sorted(rows, key=lambda r: (r.get("via") is not None, r.get("via") is None and r.get("role") != "lead"))


def district_ledger_tasks(s: ServicesDep, name: str, role: Role, due: DueFilter) -> tuple[str, list[dict[str, Any]]]:
    district = s.names.district(name)
    rows = s.run("district_tasks", {"district": district, **due.params(), "offset": 0, "limit": ALL_ROWS})
    return district, [r for r in rows if role == "any" or r.get("role") == role]


def document_ledger_tasks(s: ServicesDep, doc: str, due: DueFilter) -> tuple[str, list[dict[str, Any]]]:
    d = find_document(s, doc)
    rows = s.run("search_tasks", {"q": None, "document": d["id"], "jurisdiction": None, "section": None,
                                  **due.params(), "offset": 0, "limit": ALL_ROWS})
    return d.get("title") or d.get("source") or d["id"], rows


def find_document(s: ServicesDep, doc: str) -> dict[str, Any]:
    """A loaded document by id, file name, or the start of its file name (003)."""
    documents = s.run("list_documents")
    for match in (lambda d: d["id"] == doc or d["source"] == doc, lambda d: (d["source"] or "").startswith(doc)):
        found = [d for d in documents if match(d)]
        if found:
            return found[0]
    raise NotFound(f"找不到文件 {doc}", suggestions=[d["source"] for d in documents][:5])


def ledger_file(s: ServicesDep, *, name: str, tasks: list[dict[str, Any]], fmt: Format, sheets: ledger.Sheets,
                due: DueFilter) -> tuple[bytes, str]:
    """The ledger's bytes and file name (`市卫健委督办台账.xlsx`)."""
    documents = {d["id"]: d for d in s.run("list_documents")}
    title = f"{name}督办台账" + (f"（{_filter_words(due)}）" if due.active else "")
    book = ledger.ledger_sheets(tasks, documents, sheets=sheets, title=title)
    data = ledger.write_xlsx(book, title=title) if fmt == "xlsx" else ledger.write_csv(book)
    return data, f"{title}.{fmt}"


def _filter_words(due: DueFilter) -> str:
    words = []
    if due.overdue:
        words.append("逾期")
    if due.due_within is not None:
        words.append(f"{due.due_within}天内到期")
    if due.year is not None:
        words.append(f"{due.year}年到期")
    return "、".join(words)


def _download(data: bytes, filename: str, fmt: Format) -> Response:
    ascii_name = f"ledger.{fmt}"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    media = ledger.XLSX_TYPE if fmt == "xlsx" else ledger.CSV_TYPE
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


@router.get("/agencies/{name}/ledger.{fmt}", response_class=Response, responses=FILES,
            summary="单位的督办台账（xlsx / csv）")
def agency_ledger(name: str, fmt: Format, s: ServicesDep, due: DueDep, role: Role = "any",
                  sheets: SheetsParam = "all", document: Document = None) -> Response:
    unit, tasks = agency_ledger_tasks(s, name, role, due, document)
    return _download(*ledger_file(s, name=unit, tasks=tasks, fmt=fmt, sheets=sheets, due=due), fmt)


@router.get("/districts/{name}/ledger.{fmt}", response_class=Response, responses=FILES,
            summary="某区的督办台账（xlsx / csv）")
def district_ledger(name: str, fmt: Format, s: ServicesDep, due: DueDep, role: Role = "any",
                    sheets: SheetsParam = "all") -> Response:
    district, tasks = district_ledger_tasks(s, name, role, due)
    return _download(*ledger_file(s, name=district, tasks=tasks, fmt=fmt, sheets=sheets, due=due), fmt)


@router.get("/documents/{doc_id}/ledger.{fmt}", response_class=Response, responses=FILES,
            summary="一份文件的督办台账（xlsx / csv）")
def document_ledger(doc_id: str, fmt: Format, s: ServicesDep, due: DueDep, sheets: SheetsParam = "all") -> Response:
    title, tasks = document_ledger_tasks(s, doc_id, due)
    return _download(*ledger_file(s, name=title, tasks=tasks, fmt=fmt, sheets=sheets, due=due), fmt)


@router.get("/tasks/ledger.{fmt}", response_class=Response, responses=FILES,
            summary="任务搜索结果的督办台账（参数同 GET /tasks）")
def search_ledger(fmt: Format, s: ServicesDep, due: DueDep, params: SearchDep, sheets: SheetsParam = "all") -> Response:
    tasks = s.run("search_tasks", {**params, **due.params(), "offset": 0, "limit": ALL_ROWS})
    name = params["q"] or params["jurisdiction"] or "任务搜索"
    return _download(*ledger_file(s, name=name, tasks=tasks, fmt=fmt, sheets=sheets, due=due), fmt)


WorkloadKey = Literal["name", "type", "jurisdiction", "lead", "support", "total", "overdue"]
TEXT_KEYS = {"name", "type", "jurisdiction"}
WorkloadQ = Annotated[str | None, Query(max_length=100, description="只列名称含此文字的单位")]
SortKey = Annotated[WorkloadKey | None, Query(description="排序列；留空为合计从多到少")]
Order = Annotated[Literal["asc", "desc"] | None, Query(description="asc 升序 / desc 降序；留空时数字列降序、文字列升序")]


def workload_table(s: ServicesDep, due: DueFilter, document: str | None, q: str | None, sort: str | None,
                   order: str | None) -> list[dict[str, Any]]:
    """The workload rows the page shows: name filter, then one column's order (ties keep the default order:
    合计, 牵头 from most, then name). Text columns sort by pinyin, as people look names up in a list."""
    rows = [r for r in workload_rows(s, due, document) if not q or q in r["name"]]
    if sort:
        desc = order == "desc" if order else sort not in TEXT_KEYS
        rows = sorted(rows, key=lambda r: _workload_key(r, sort), reverse=desc)  # stable: ties keep their order
    return rows


def _workload_key(row: dict[str, Any], column: str) -> tuple:
    if column not in TEXT_KEYS:
        return (row.get(column) or 0,)
    text = ledger.type_label(row.get("type")) if column == "type" else row.get(column) or ""
    return (lazy_pinyin(text), text)


@router.get("/workload", response_model=Page[WorkloadItem], summary="全部单位的牵头、配合与逾期任务数（分页）")
def workload(s: ServicesDep, paging: PagingDep, due: DueDep, document: Document = None, q: WorkloadQ = None,
             sort: SortKey = None, order: Order = None) -> dict:
    return paging.page(workload_table(s, due, document, q, sort, order))


@router.get("/workload.{fmt}", response_class=Response, responses=FILES, summary="全部单位任务量表（xlsx / csv）")
def workload_file(fmt: Format, s: ServicesDep, due: DueDep, document: Document = None, q: WorkloadQ = None,
                  sort: SortKey = None, order: Order = None) -> Response:
    sheet = ledger.workload_sheet(workload_table(s, due, document, q, sort, order))
    title = "各单位任务量" + "".join(f"（{x}）" for x in (document, q and f"名称含“{q}”") if x)
    data = ledger.write_xlsx([sheet], title=title) if fmt == "xlsx" else ledger.write_csv([sheet])
    return _download(data, f"{title}.{fmt}", fmt)
