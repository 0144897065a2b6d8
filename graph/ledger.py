"""督办台账: task rows from the query catalogue → an Excel workbook (XlsxWriter) or a CSV a unit can fill in.

Columns are fixed (序号 … 备注); 进展情况 and 备注 are left blank for the unit. A task that reaches the unit
only through a group (各区人民政府) says so on its own line in the cell of the unit's role:
"（经由 各区人民政府）". Rows keep the order of the task list they come from.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import xlsxwriter

HEADERS = ("序号", "任务", "牵头单位", "配合单位", "完成时限", "目标指标", "出处(文件、章节、行)", "进展情况", "备注")
WIDTHS = (5, 46, 14, 20, 14, 18, 22, 18, 8)  # characters of "0"; about 165 fit A4 landscape at 80 %
WORKLOAD_HEADERS = ("序号", "单位", "类型", "辖区", "牵头", "配合", "合计", "逾期")  # the workload page's columns
WORKLOAD_WIDTHS = (6, 36, 14, 14, 8, 8, 8, 8)
AGENCY_TYPES = {  # graph.model's agency types as the UI names them
    "department": "部门", "district_government": "区人民政府", "zone_committee": "功能区管委会",
    "state_firm": "国有企业", "party_organ": "党委机构", "mass_organisation": "群团组织",
    "leading_group": "领导小组", "group": "单位组", "branch": "派出机构", "other": "其他",
}
LINE_HEIGHT = 14.5  # points per wrapped line at the default 11-point font
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
Sheets = Literal["document", "all"]
COMPARATORS = {">=": "≥", "<=": "≤", "=": "", ">": ">", "<": "<"}


@dataclass
class Sheet:
    name: str
    headers: Sequence[str]
    widths: Sequence[float]
    rows: list[list[Any]]


def via_mark(group: str) -> str:
    return f"（经由 {group}）"


def ledger_row(n: int, task: dict[str, Any], documents: dict[str, dict[str, Any]]) -> list[Any]:
    """One 台账 line for a task row of agency_tasks / district_tasks / search_tasks."""
    leads, supports = "、".join(task.get("leads") or []), "、".join(task.get("supports") or [])
    if task.get("via"):
        mark = via_mark(task["via"])
        if task.get("role") == "lead":
            leads = f"{leads}\n{mark}".strip()
        else:
            supports = f"{supports}\n{mark}".strip()
    text = task.get("text") or ""
    if task.get("title") and task["title"] not in text:
        text = f"{task['title']}\n{text}"
    return [n, text, leads, supports, deadline_cell(task), indicators_cell(task.get("indicators") or []),
            source_cell(task, documents.get(task.get("doc_id") or "")), "", ""]


def deadline_cell(task: dict[str, Any]) -> str:
    printed, due = task.get("deadline") or "", task.get("due")
    return f"{printed}\n（截止 {due}）" if due else printed


def indicators_cell(indicators: Iterable[dict[str, Any]]) -> str:
    lines = []
    for i in indicators:
        if i.get("name") and i.get("target") is not None:
            target = f"{i['target']:g}" if isinstance(i["target"], float) else str(i["target"])
            lines.append(f"{i['name']}{COMPARATORS.get(i.get('comparator') or '=', '')}{target}{i.get('unit') or ''}")
        elif i.get("text") or i.get("name"):
            lines.append(i.get("text") or i["name"])
    return "\n".join(lines)


def source_cell(task: dict[str, Any], document: dict[str, Any] | None) -> str:
    title = (document or {}).get("title") or task.get("source") or ""
    section = " > ".join(task.get("section") or [])
    where = f"{task.get('source') or ''} 第{task['line_start']}行" if task.get("line_start") else task.get("source") or ""
    return "\n".join(x for x in (title, section, where) if x)


def ledger_sheets(tasks: list[dict[str, Any]], documents: dict[str, dict[str, Any]], *, sheets: Sheets = "all",
                  title: str = "督办台账") -> list[Sheet]:
    """One sheet in all, or one per document (in the order the documents first appear); 序号 restarts per sheet."""
    if sheets == "all":
        groups: dict[str, list[dict[str, Any]]] = {title: tasks}
    else:
        groups = {}
        for t in tasks:
            groups.setdefault(t.get("doc_id") or "", []).append(t)
        groups = {_document_name(doc, documents): rows for doc, rows in groups.items()} or {title: []}
    return [
        Sheet(name, HEADERS, WIDTHS, [ledger_row(n, t, documents) for n, t in enumerate(rows, 1)])
        for name, rows in groups.items()
    ]


def workload_sheet(rows: list[dict[str, Any]]) -> Sheet:
    return Sheet("任务量", WORKLOAD_HEADERS, WORKLOAD_WIDTHS, [
        [n, r["name"], type_label(r.get("type")), r.get("jurisdiction") or "", r["lead"], r["support"], r["total"],
         r.get("overdue") or 0]
        for n, r in enumerate(rows, 1)
    ])


def type_label(code: str | None) -> str:
    return AGENCY_TYPES.get(code or "", code or "")


def write_xlsx(sheets: list[Sheet], *, title: str) -> bytes:
    """A workbook ready to print: frozen, repeated and filterable header row, wrapped text, A4 landscape,
    the title in the page header and page numbers in the footer."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    wb.set_properties({"title": title, "comments": "责任图谱 Duty Graph"})
    head = wb.add_format({"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1,
                          "bg_color": "#DDEBF7"})
    cell = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    used: set[str] = set()
    for sheet in sheets:
        ws = wb.add_worksheet(_sheet_name(sheet.name, used))
        ws.write_row(0, 0, sheet.headers, head)
        for col, width in enumerate(sheet.widths):
            ws.set_column(col, col, width, cell)
        for r, row in enumerate(sheet.rows, 1):
            ws.write_row(r, 0, row, cell)
            ws.set_row(r, row_height(row, sheet.widths))
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.headers) - 1)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.repeat_rows(0)
        ws.fit_to_pages(1, 0)  # all columns on the page width, as many pages down as needed
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
        ws.set_header(f"&C&14{_escape(title)}")
        ws.set_footer("&C第 &P 页，共 &N 页")
    wb.close()
    return buf.getvalue()


def row_height(row: Sequence[Any], widths: Sequence[float]) -> float:
    """Points for a row whose wrapped cells show in full: spreadsheet programs do not grow rows by themselves
    when printing a file they did not lay out. A CJK character takes about 1.8 widths of "0"."""
    lines = 1
    for value, width in zip(row, widths):
        per_line = max(int(width) - 1, 1)
        cell_lines = 0
        for part in str(value).split("\n"):
            shown = sum(1.8 if unicodedata.east_asian_width(c) in "WF" else 1.0 for c in part)
            cell_lines += max(1, math.ceil(shown / per_line))
        lines = max(lines, cell_lines)
    return min(LINE_HEIGHT * lines + 3, 409)  # 409: Excel's largest row height


def write_csv(sheets: list[Sheet]) -> bytes:
    """All sheets' rows under one header, UTF-8 with a BOM so Excel shows the Chinese."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(sheets[0].headers if sheets else HEADERS)
    for sheet in sheets:
        writer.writerows(sheet.rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _document_name(doc_id: str, documents: dict[str, dict[str, Any]]) -> str:
    d = documents.get(doc_id) or {}
    return d.get("title") or d.get("source") or doc_id or "未知文件"


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case, not "History"."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "台账"
    if base.lower() == "history":
        base = "台账 History"
    candidate, n = base[:31], 1
    while candidate.lower() in used:
        n += 1
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def _escape(text: str) -> str:
    return text.replace("&", "&&")[:200]
