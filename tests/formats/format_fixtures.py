"""Test fixtures built at test time from our own text documents: .docx (typed or automatic numbering),
.pdf (LibreOffice from the .docx), .html (a GBK page with navigation and footer), .xlsx (title rows merged).

Nothing binary is committed; each builder writes what a real writer (python-docx, LibreOffice, openpyxl)
would, so the readers meet files they did not make themselves.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

DOCS = Path(__file__).resolve().parent / "docs"
LEVELS = (  # (pattern of the typed number, numFmt, lvlText) for 一、 / （一） / 1.
    (re.compile(r"^([一二三四五六七八九十]+)、"), "chineseCounting", "%1、"),
    (re.compile(r"^（([一二三四五六七八九十]+)）"), "chineseCounting", "（%2）"),
    (re.compile(r"^(\d+)[.．]"), "decimal", "%3."),
)
CN = "一二三四五六七八九十"


def _value(text: str) -> int:
    return int(text) if text.isdigit() else (CN.index(text) + 1 if len(text) == 1 else 10 + CN.index(text[1]) + 1)


def _blocks(text: str) -> list[str | list[list[str]]]:
    """Lines, with runs of tab-separated lines gathered into tables."""
    out: list[str | list[list[str]]] = []
    for line in text.splitlines():
        if "\t" in line:
            if not out or not isinstance(out[-1], list):
                out.append([])
            out[-1].append(line.split("\t"))
        elif line.strip():
            out.append(line)
    return out


def add_table(document, rows: list[list[str]]) -> None:
    """Rows of cells as a ruled Word table, as wide as its widest row."""
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell


def to_docx(txt: Path, out: Path, *, automatic: bool) -> Path:
    """The .txt as a Word file; with `automatic`, numbers 一、（一）1. are Word's list numbering, not text."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "云川市人民政府办公室文件"  # furniture the reader must drop
    section.footer.paragraphs[0].text = "— 内部资料 —"
    numbering = _Lists(document) if automatic else None
    for block in _blocks(txt.read_text(encoding="utf-8")):
        if isinstance(block, list):
            add_table(document, block)
            continue
        paragraph = document.add_paragraph()
        text = block
        if numbering is not None:
            text = numbering.number(paragraph, text)
        paragraph.add_run(text)
    document.save(out)
    return out


class _Lists:
    """Headings in one two-level list (一、 / （一）, the second restarting under each first); task numbers
    1. 2. 3. in a list of their own, counting on across headings. A new list instance with a
    startOverride wherever the typed numbers do not continue as Word would count."""

    def __init__(self, document) -> None:
        self.root = document.part.numbering_part.element
        for abstract_id, levels in ((90, LEVELS[:2]), (91, LEVELS[2:])):
            xml = "".join(
                f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{lvl_text if abstract_id == 90 else "%1."}"/><w:suff w:val="nothing"/>'
                '<w:lvlJc w:val="left"/></w:lvl>'
                for i, (_, fmt, lvl_text) in enumerate(levels)
            )
            self.root.append(parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{xml}</w:abstractNum>'))
        self.next_id = 90
        self.instances = {90: self._instance(90, None, 0), 91: self._instance(91, None, 0)}
        self.counters: dict[int, int] = {}

    def _instance(self, abstract_id: int, level: int | None, start: int) -> int:
        self.next_id += 1
        override = (f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                    if level is not None else "")
        self.root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{self.next_id}">'
                                   f'<w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'))
        return self.next_id

    def number(self, paragraph, text: str) -> str:
        for level, (pattern, _, _) in enumerate(LEVELS):
            m = pattern.match(text)
            if not m:
                continue
            abstract_id, ilvl = (90, level) if level < 2 else (91, 0)
            value = _value(m.group(1))
            if value != self.counters.get(level, 0) + 1:
                self.instances[abstract_id] = self._instance(abstract_id, ilvl, value)
            self.counters[level] = value
            if level == 0:
                self.counters.pop(1, None)
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
                                 f'<w:numId w:val="{self.instances[abstract_id]}"/></w:numPr>'))
            return text[m.end():]
        return text


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, to: str, outdir: Path) -> Path:
    """LibreOffice headless conversion (its own profile, so parallel runs do not share a lock)."""
    profile = (outdir / f".lo-profile-{src.stem}").resolve().as_uri()
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", to,
         "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    out = outdir / f"{src.stem}.{to.split(':')[0]}"
    assert out.is_file(), f"LibreOffice made no {to} from {src.name}"
    return out


def to_html(txt: Path, out: Path, *, encoding: str = "gbk") -> Path:
    """The .txt as a page saved from a government site: navigation, share bar, footer around the text."""
    body = []
    for block in _blocks(txt.read_text(encoding="utf-8")):
        if isinstance(block, list):
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in block)
            body.append(f'<table border="1" cellspacing="0">{rows}</table>')
        else:
            body.append(f"<p>{html.escape(block)}</p>")
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">
<title>{html.escape(txt.stem)}_云川市人民政府门户网站</title>
<script>var _hmt = _hmt || [];</script><style>.nav li {{ float: left; }}</style></head>
<body>
<div class="header"><div class="top-bar">无障碍 | 长者模式 | 登录</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hd/">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<div class="article"><div class="info">发布时间：2025-03-20 来源：市政府办公室 【字体：大 中 小】</div>
<div id="zoom" class="TRS_Editor">
{"".join(body)}
</div>
<div class="share">分享到：微信 微博 QQ空间</div></div>
<div class="footer"><p>主办：云川市人民政府办公室 版权所有</p><p>网站标识码：0000000000 备案号：X-ICP备00000000号</p></div>
</body></html>"""
    out.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))  # as a GBK page saves what GBK lacks
    return out


def to_xlsx(txt: Path, out: Path) -> Path:
    """The tabular .txt as a workbook: the title merged across the columns above the header row, category
    rows merged across, a lead unit merged down over two rows where it repeats, and a second sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务清单"
    rows = [line.split("\t") if "\t" in line else [line] for line in txt.read_text(encoding="utf-8").splitlines()]
    width = max(len(r) for r in rows)
    previous: tuple[int, int, str] | None = None  # (row, column, text) of the last 牵头单位 cell
    lead_col = None
    for row in rows:
        if not any(row):
            sheet.append([])
            continue
        sheet.append([int(c) if c.isdigit() else c for c in row])
        r = sheet.max_row
        if len(row) == 1:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            previous = None
            continue
        if "牵头单位" in row:
            lead_col = row.index("牵头单位") + 1
            continue
        if lead_col is not None:
            text = row[lead_col - 1]
            if previous and previous[2] == text and previous[0] == r - 1:
                sheet.cell(r, lead_col).value = None
                sheet.merge_cells(start_row=r - 1, start_column=lead_col, end_row=r, end_column=lead_col)
            previous = (r, lead_col, text)
    notes = book.create_sheet("填表说明")
    notes.append(["填表说明：本表由市政府督查室汇总，各单位每月5日前报送进展。"])
    book.save(out)
    return out
