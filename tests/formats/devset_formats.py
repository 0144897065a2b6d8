"""The development set (tests/devset/docs) in every format, scored as the .txt is: F1 per format beside the .txt F1.

Each document is converted at run time: .docx with its numbers typed (tables as Word tables, or every
line a paragraph with table rows typed with tabs), .docx with Word's automatic numbering
for the numbered lines, .pdf made by LibreOffice from the automatic .docx, .html as a page of a government
site (navigation, share bar, footer; the GBK documents as GBK pages) and, for documents holding a table,
.xlsx (title rows above the header merged across, runs of one lead unit merged down) and the same
workbook saved as .xls by LibreOffice. Rows of tab- or
`|`-separated cells become real tables in .docx, .html and .xlsx.

Run:  python tests/formats/devset_formats.py [-v] [--dir FOLDER] [NAME…]   (prints the table; -v lists documents that differ)
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
import openpyxl
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[2])]
from devset.score import DOCS, Counts, annotation_paths, load_annotation, score_document
from format_fixtures import add_table

from graph.store import LoadError
from loaders.parse import parse_bytes

FORMATS = ("txt", "typed.docx", "lines.docx", "auto.docx", "pdf", "html", "xlsx", "xls")
PIPE_ROW = re.compile(r"^\s*[|｜].*[|｜]\s*$")
# Printed numbers Word can make itself: (pattern, numFmt, lvlText); the text after the match is the paragraph.
NUMBERS = (
    (re.compile(r"^([一二三四五六七八九十]{1,3})、"), "chineseCounting", "%1、"),
    (re.compile(r"^（([一二三四五六七八九十]{1,3})）"), "chineseCounting", "（%1）"),
    (re.compile(r"^\(([一二三四五六七八九十]{1,3})\)"), "chineseCounting", "(%1)"),
    (re.compile(r"^(\d{1,3})\.(?!\d)"), "decimal", "%1."),
    (re.compile(r"^(\d{1,3})．"), "decimal", "%1．"),
    (re.compile(r"^(\d{1,3})、"), "decimal", "%1、"),
    (re.compile(r"^（(\d{1,3})）"), "decimal", "（%1）"),
    (re.compile(r"^\((\d{1,3})\)"), "decimal", "(%1)"),
)
CN = "一二三四五六七八九十"


def cn_value(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN.index(text[1]) + 1
    if len(text) == 1:
        return CN.index(text) + 1
    tens = CN.index(text[0]) + 1
    return tens * 10 + (CN.index(text[2]) + 1 if len(text) == 3 else 0)


def cells(line: str) -> list[str] | None:
    """A table row's cells (tab- or pipe-separated), or None for a line of text."""
    if "\t" in line:
        return line.split("\t")
    if PIPE_ROW.match(line):
        return [c.strip() for c in re.split(r"[|｜]", line.strip())[1:-1]]
    return None


def blocks(text: str) -> list[str | list[list[str]]]:
    """Lines, with runs of table rows gathered into tables (blank lines are not kept)."""
    out: list[str | list[list[str]]] = []
    for line in text.splitlines():
        row = cells(line)
        if row is not None:
            if not out or not isinstance(out[-1], list):
                out.append([])
            out[-1].append(row)
        elif line.strip():
            out.append(line)
    return out


class AutoNumbers:
    """Word lists for the numbered paragraphs: one single-level list per printed form; a new list instance
    with a startOverride wherever the printed number does not continue as Word would count."""

    def __init__(self, document) -> None:
        self.root = document.part.numbering_part.element
        self.next_id = 200
        self.current: dict[int, tuple[int, int]] = {}  # form → (numId, last value)
        for k, (_, fmt, lvl_text) in enumerate(NUMBERS):
            self.root.append(parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{100 + k}"><w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{lvl_text}"/>'
                '<w:suff w:val="nothing"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'))

    def _instance(self, form: int, start: int) -> int:
        self.next_id += 1
        self.root.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{self.next_id}"><w:abstractNumId w:val="{100 + form}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'))
        return self.next_id

    def number(self, paragraph, text: str) -> str:
        stripped = text.lstrip(" \u3000")
        for form, (pattern, _, _) in enumerate(NUMBERS):
            m = pattern.match(stripped)
            if not m:
                continue
            value = cn_value(m.group(1))
            num_id, last = self.current.get(form, (0, 0))
            if not num_id or value != last + 1:
                num_id = self._instance(form, value)
            self.current[form] = (num_id, value)
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
            return stripped[m.end():]
        return text


def to_docx(text: str, out: Path, *, automatic: bool, tables: bool = True) -> Path:
    """Tables as Word tables (or, without `tables`, every line a paragraph: rows typed with tabs)."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "人民政府办公室文件"
    document.sections[0].footer.paragraphs[0].text = "— 1 —"
    numbers = AutoNumbers(document) if automatic else None
    for block in blocks(text) if tables else [line for line in text.splitlines() if line.strip()]:
        if isinstance(block, list):
            add_table(document, block)
            continue
        paragraph = document.add_paragraph()
        paragraph.add_run(numbers.number(paragraph, block) if numbers else block)
    document.save(out)
    return out


def to_html(text: str, out: Path, encoding: str) -> Path:
    body = []
    for block in blocks(text):
        if isinstance(block, list):
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in block)
            body.append(f'<table border="1" cellspacing="0" cellpadding="0">{rows}</table>')
        else:
            body.append(f'<p style="text-indent:2em">{html.escape(block.strip())}</p>')
    charset = "gb2312" if encoding.lower() in ("gbk", "gb2312", "gb18030") else "utf-8"
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(out.stem)}_人民政府门户网站</title>
<script type="text/javascript">var _hmt = _hmt || [];</script></head>
<body>
<div class="top"><a href="/">首页</a> | <a href="/wza/">无障碍浏览</a> | <a href="/en/">English</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="position">您当前的位置:<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>
<div class="content"><h2 class="title">{html.escape(out.stem)}</h2>
<div class="property">发布日期:2024-03-05 浏览次数:1024 【字体:大 中 小】【打印】【关闭】</div>
<div class="TRS_Editor">
{chr(10).join(body)}
</div>
<div class="bdsharebuttonbox">分享到:<a>微信</a><a>微博</a></div></div>
<div class="footer"><p>主办单位:人民政府办公室 联系电话:0000-0000000</p><p>网站标识码:0000000000 ICP备00000000号</p></div>
</body></html>"""
    out.write_bytes(page.encode(charset, errors="xmlcharrefreplace"))
    return out


def is_tabular(text: str) -> bool:
    return any(isinstance(b, list) and len(b) >= 3 for b in blocks(text))


def to_xlsx(text: str, out: Path) -> Path:
    """The document as one sheet: its lines above the first table as title rows merged across the table (the
    notice, the place, the table's title), lines between rows (category rows) merged across, runs of one
    lead unit merged down."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务分解表"
    parts = blocks(text)
    tables = [b for b in parts if isinstance(b, list)]
    width = max(len(r) for t in tables for r in t)
    first = next(k for k, b in enumerate(parts) if isinstance(b, list))
    rows: list[list[str]] = [[t.strip()] for t in parts[:first] if isinstance(t, str)]
    for b in parts[first:]:
        rows.extend(b if isinstance(b, list) else [[b.strip()]])
    lead_col: int | None = None
    previous: tuple[int, str] | None = None
    for row in rows:
        sheet.append([int(c) if c.strip().isdigit() else c.strip() for c in row])
        r = sheet.max_row
        if len(row) == 1:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            previous = None
            continue
        heads = [c.strip() for c in row]
        if lead_col is None or any(h in ("牵头单位", "责任单位", "牵头部门") for h in heads):
            found = next((j for j, h in enumerate(heads) if h in ("牵头单位", "责任单位", "牵头部门")), None)
            if found is not None:
                lead_col, previous = found + 1, None
                continue
        if lead_col is not None and lead_col <= len(row):
            value = row[lead_col - 1].strip()
            if value and previous and previous == (r - 1, value):
                sheet.cell(r, lead_col).value = None
                sheet.merge_cells(start_row=r - 1, start_column=lead_col, end_row=r, end_column=lead_col)
                previous = None
            else:
                previous = (r, value)
    book.create_sheet("填报说明").append(["本表由督查室汇总,各单位每月5日前报送进展。"])
    book.save(out)
    return out


def soffice_convert(files: list[Path], to: str, outdir: Path) -> None:
    """All the files to `to` (pdf, xls) in one LibreOffice run (its own profile)."""
    from loaders.formats.office import soffice

    if not files:
        return  # soffice with no file to convert waits for one forever
    profile = (outdir / ".lo-profile").resolve().as_uri()
    subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", to, "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=600)


def build(folder: Path, names: list[str] | None = None, docs: Path = DOCS) -> dict[str, dict[str, Path]]:
    """document name → format → file, every file made in `folder` from the documents in `docs`."""
    out: dict[str, dict[str, Path]] = {}
    for path in annotation_paths(docs):
        name = path.stem
        if names and not any(n in name for n in names):
            continue
        annotation = load_annotation(path)
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        encoding = annotation.get("encoding", "utf-8")
        files = {"txt": path.with_suffix(".txt")}
        files["typed.docx"] = to_docx(text, folder / f"{name}.typed.docx", automatic=False)
        files["lines.docx"] = to_docx(text, folder / f"{name}.lines.docx", automatic=False, tables=False)
        files["auto.docx"] = to_docx(text, folder / f"{name}.docx", automatic=True)
        files["html"] = to_html(text, folder / f"{name}.html", encoding)
        if is_tabular(text):
            files["xlsx"] = to_xlsx(text, folder / f"{name}.xlsx")
        out[name] = files
    soffice_convert([f["auto.docx"] for f in out.values()], "pdf", folder)
    soffice_convert([f["xlsx"] for f in out.values() if "xlsx" in f], "xls", folder)
    for name, files in out.items():
        files["pdf"] = folder / f"{name}.pdf"
        if "xlsx" in files:
            files["xls"] = folder / f"{name}.xls"
    return out


@dataclass
class FormatScores:
    per_doc: dict[str, dict[str, Counts]] = field(default_factory=dict)  # name → format → counts
    refused: dict[str, dict[str, str]] = field(default_factory=dict)

    def overall(self, fmt: str, only: set[str] | None = None) -> Counts:
        total = Counts()
        for name, by_format in self.per_doc.items():
            if fmt in by_format and (only is None or name in only):
                total.add(by_format[fmt])
        return total

    def docs_with(self, fmt: str) -> set[str]:
        return {n for n, f in self.per_doc.items() if fmt in f}

    def table(self) -> str:
        lines = [f"{'format':12} {'docs':>4} {'F1':>6} {'txt F1':>6}  tp/fp/fn"]
        for fmt in FORMATS:
            docs = self.docs_with(fmt)
            c, t = self.overall(fmt), self.overall("txt", docs)
            lines.append(f"{fmt:12} {len(docs):4} {c.f1:6.3f} {t.f1:6.3f}  {c.tp}/{c.fp}/{c.fn}")
        return "\n".join(lines)

    def differing(self) -> Iterator[tuple[str, str, float, float]]:
        for name, by_format in self.per_doc.items():
            for fmt, c in by_format.items():
                if abs(c.f1 - by_format["txt"].f1) > 1e-9:
                    yield name, fmt, by_format["txt"].f1, c.f1


def score_formats(files: dict[str, dict[str, Path]], docs: Path = DOCS) -> FormatScores:
    scores = FormatScores()
    for name, by_format in files.items():
        annotation = load_annotation(docs / f"{name}.yaml")
        txt = docs / f"{name}.txt"
        scores.per_doc[name] = {}
        for fmt, path in by_format.items():
            data = path.read_bytes()
            if fmt == "txt":
                data = path.read_text(encoding="utf-8").encode(annotation.get("encoding", "utf-8"))
            try:
                parsed = parse_bytes(data, path.name)
            except LoadError as e:
                scores.refused.setdefault(name, {})[fmt] = str(e)
                parsed = None
            if parsed is None:
                ds = score_document(txt, annotation, _refusing(txt, annotation))
            else:
                ds = score_document(txt, annotation, parsed)
            scores.per_doc[name][fmt] = ds.counts
    return scores


def _refusing(txt: Path, annotation: dict):
    """A parsed document with no tasks: every annotated link counts as missed."""
    from graph.model import Document, ParsedDocument

    return ParsedDocument(document=Document(source=txt.name, fingerprint=""), tasks=[])


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    docs = Path(argv[argv.index("--dir") + 1]) if "--dir" in argv else DOCS
    names = [a for a in argv if not a.startswith("-") and a != str(docs)]
    with tempfile.TemporaryDirectory(prefix="devset-formats-") as tmp:
        scores = score_formats(build(Path(tmp), names, docs), docs)
    print(scores.table())
    if verbose:
        for name, fmt, base, got in scores.differing():
            print(f"{name:44} {fmt:10} txt {base:.3f} → {got:.3f}")
        for name, by_format in scores.refused.items():
            for fmt, why in by_format.items():
                print(f"{name:44} {fmt:10} REFUSED {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
