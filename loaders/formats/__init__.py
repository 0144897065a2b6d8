"""Documents as they arrive: one reader per format, all giving blocks (`loaders.formats.blocks`).

`read_document` picks the reader from the file's content (a .doc that is really a .docx is read as one)
or else its suffix, renders the blocks into the lines the grammar reads and returns, next to the
`Reading`, where each line came from ("第3页", "工作表“任务”第5行"); plain text goes through unchanged.
Formats no tool here can read are refused with the format named and the way out.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Callable
from importlib import import_module
from pathlib import PurePath

from graph.store import LoadError
from loaders import tables
from loaders.formats import office
from loaders.formats.blocks import Extracted, Rendered, render
from loaders.reading import Line, Reading, normalise, read

TEXT_SUFFIXES = {".txt", ".text", ".csv", ".tsv"}


def _lazy(name: str) -> Callable[[bytes, str], Extracted]:
    """A reader imported on first use (python-docx, pdfplumber… cost time to import)."""
    module, function = name.split(":")

    def reader(data: bytes, source: str) -> Extracted:
        return getattr(import_module(f"loaders.formats.{module}"), function)(data, source)

    return reader


read_docx = _lazy("docx_reader:read_docx")
read_html = _lazy("html_reader:read_html")
read_pdf = _lazy("pdf_reader:read_pdf")
read_xlsx = _lazy("sheet_reader:read_xlsx")
read_xls = _lazy("sheet_reader:read_xls")


def _via_office(suffix: str) -> Callable[[bytes, str], Extracted]:
    def reader(data: bytes, source: str) -> Extracted:
        extracted = read_docx(office.convert(data, source, suffix), source)
        extracted.format = suffix.lstrip(".")
        return extracted

    return reader


READERS: dict[str, Callable[[bytes, str], Extracted]] = {
    ".docx": read_docx,
    ".docm": read_docx,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
    ".shtml": read_html,
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".xls": read_xls,
    ".doc": _via_office(".doc"),
    ".wps": _via_office(".wps"),
    ".rtf": _via_office(".rtf"),
    ".odt": _via_office(".odt"),
}
REFUSED = {  # suffix → (format, reason and way out); said as "<format>(<suffix>):<reason>"
    ".ofd": ("OFD 版式文件", f"暂不支持;{office.WAY_OUT}"),
    ".et": ("WPS 表格文件", "暂不支持;请另存为 .xlsx 后再导入"),
    ".ppt": ("PowerPoint 演示文稿", "演示文稿不是任务分工文档;请把任务分工另存为 .docx 或 .xlsx 后再导入"),
    ".pptx": ("PowerPoint 演示文稿", "演示文稿不是任务分工文档;请把任务分工另存为 .docx 或 .xlsx 后再导入"),
}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | set(READERS)



def refusal(suffix: str) -> str:
    fmt, reason = REFUSED[suffix]
    return f"{fmt}({suffix}):{reason}"


def skip_reason(path: PurePath) -> str | None:
    """Why a file found in a folder is not loaded (None: it is loaded). Said to the user, in Chinese."""
    name, suffix = path.name, path.suffix.lower()
    if name.startswith(("~$", ".")):
        return "临时文件或隐藏文件"
    if suffix in SUPPORTED_SUFFIXES:
        return None
    if suffix in REFUSED:
        return refusal(suffix)
    return f"不支持的文件格式({suffix or '无扩展名'});{office.WAY_OUT}"


def skipped_in(paths) -> list[tuple[str, str]]:
    """(file, reason) for every entry of the given folders that a load leaves out."""
    out = []
    for folder in paths:
        if not folder.is_dir():
            continue
        for p in sorted(folder.iterdir()):
            reason = "子文件夹(不会逐层载入,请单独指定)" if p.is_dir() else skip_reason(p)
            if reason:
                out.append((str(p), reason))
    return out


_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta)\b", re.IGNORECASE | re.DOTALL)


def sniff(data: bytes) -> str | None:
    """The suffix a file's content says it is, whatever its name ("a .doc that is really a .docx")."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return ".docx"
        if "xl/workbook.xml" in names:
            return ".xlsx"
        if "OFD.xml" in names:
            return ".ofd"
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ".doc"  # an OLE file: .doc, .wps or .xls (the suffix tells which)
    if _HTML_START.match(data[:2048].lstrip(b"\xef\xbb\xbf")):
        return ".html"
    return None


def kind_of(data: bytes, source: str) -> str:
    suffix = PurePath(source).suffix.lower()
    found = sniff(data)
    if found == ".doc" and suffix in (".xls", ".wps", ".doc", ".et", ".ppt"):  # one OLE container for all
        return suffix
    return found or suffix


def read_document(data: bytes, source: str) -> tuple[Reading, list[str] | None]:
    """A file → (Reading, the rendered blocks: where each line and table cell came from); (Reading, None) for text."""
    kind = kind_of(data, source)
    if kind in REFUSED:
        raise LoadError(source, None, refusal(kind))
    reader = READERS.get(kind)
    if reader is None:
        try:
            return read(data, source), None
        except LoadError as e:
            if "二进制" in e.reason and kind and kind not in TEXT_SUFFIXES:
                raise LoadError(source, None, f"不支持 {kind} 格式的文件;{office.WAY_OUT}") from e
            raise
    extracted = reader(data, source)
    rendered = render(extracted)
    if not rendered.text.strip():
        raise LoadError(source, None, f"{extracted.format.upper()} 文件中没有可读的文字")
    reading = read(rendered.text.encode("utf-8"), source)
    reading.lines = _table_lines(reading, rendered)
    reading.warnings[:0] = extracted.warnings
    return reading, rendered


def _table_lines(reading: Reading, rendered: Rendered) -> list[Line]:
    """The logical lines, with every real table row given to the table model as its cells
    (`tables.lines_from_rows`), not as text re-read: a cell never runs into the next row."""
    out: list[Line] = []
    for line in reading.lines:
        numbers = [no for _, no in line.pieces]
        if not all(no in rendered.rows for no in numbers):
            out.append(line)
            continue
        for row in tables.lines_from_rows([rendered.rows[no] for no in numbers], numbers):
            out.append(dataclasses.replace(row, norm=normalise(row.text, simplified=reading.traditional)))
    return out


def where(rendered: Rendered | None, line_start: int, line_end: int) -> str:
    """The original place of rendered lines line_start..line_end ("第2页" / "表1第3行—表1第4行")."""
    locations = rendered.locations if rendered else None
    if not locations or line_start < 1:
        return ""
    first = locations[min(line_start, len(locations)) - 1]
    last = locations[min(max(line_end, line_start), len(locations)) - 1]
    return first if first == last else f"{first}—{last}"


_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")


def locate(parsed, rendered: Rendered | None) -> None:
    """Name the original place of every task and indicator, and of the lines warnings point at — down to
    the cell (…第3行第4列) when a warning quotes what a table cell holds."""
    if not rendered:
        return

    def placed(p):
        return p if p is None else dataclasses.replace(p, location=where(rendered, p.line_start, p.line_end))

    for task in parsed.tasks:
        task.provenance = placed(task.provenance)
        _place_cells(task, rendered)
        for ind in task.indicators:
            ind.provenance = placed(ind.provenance)

    def warning_place(m: re.Match[str]) -> str:
        no = int(m.group(2))
        quoted = _QUOTED.search(m.string, m.end())
        cell = rendered.cell_where(no, quoted.group(1)) if quoted and no in rendered.rows else ""
        return f"{m.group(1)}:{cell or where(rendered, no, no)}:"

    source = re.escape(parsed.document.source)
    parsed.warnings = [re.sub(rf"^({source}):(\d+):", warning_place, w) for w in parsed.warnings]


def _place_cells(task, rendered: Rendered) -> None:
    """A table row's task: the cell of its text, and of every unit named in it (…第4行第3列)."""
    p = task.provenance
    if p is None:
        return
    numbers = [no for no in range(p.line_start, p.line_end + 1) if no in rendered.rows]
    if not numbers:
        return

    def cells(text: str) -> list[str]:
        return [place for no in numbers for place in rendered.cells_holding(no, text)]

    text_cell = next(iter(cells(task.text)), "")
    if text_cell and p.line_start == p.line_end:  # a task over several rows keeps its range
        task.provenance = dataclasses.replace(p, location=text_cell)
    used: dict[str, str] = {}  # cell → role of the units already placed there
    for a in task.assignments:
        found = cells(a.written)
        if not found:
            continue
        # A unit printed in both the lead and the support column: each role keeps to its own column.
        found.sort(key=lambda c: (c == text_cell, used.get(c, a.role) != a.role))
        a.location = found[0]
        used.setdefault(a.location, a.role)
