"""A web page saved from a government site → blocks, with selectolax: the main content only.

Encoding from the page's own meta charset, else the text detector of `loaders.reading` (GBK pages are
common). Navigation, headers, footers, scripts and share bars are removed; the main content is the
element holding most of the page's paragraph and table text; `<table>` becomes a table.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from graph.store import LoadError
from loaders.formats.blocks import Extracted, Paragraph, Table
from loaders.reading import decode

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
NOISE_TAGS = "script, style, noscript, nav, header, footer, aside, form, iframe, button, select, svg, template"
NOISE_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav|menu|header|footer|foot|breadcrumb|crumb|share|bdshare|sidebar|side|"
    r"related|comment|copyright|toolbar|top|bottom|search|login|banner)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
LINE_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "center", "dd", "dt",
             "section", "article", "main", "tr"}


def decode_html(data: bytes, source: str) -> tuple[str, str]:
    m = META_CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        enc = "gb18030" if enc in ("gb2312", "gbk", "gb18030") else enc
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, source)


def read_html(data: bytes, source: str) -> Extracted:
    text, _encoding = decode_html(data, source)
    tree = HTMLParser(text)
    body = tree.body or tree.root
    if body is None:
        raise LoadError(source, None, "网页没有正文")
    for node in body.css(NOISE_TAGS):
        node.decompose()
    for node in body.css("[class], [id]"):
        names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if NOISE_NAMES.search(names) and _text_len(node) < 0.3 * max(_text_len(body), 1):
            node.decompose()
    main = _main_content(body)
    walker = _Walker()
    walker.walk(main)
    walker.flush()
    return Extracted(walker.blocks, "html")


def _text_len(node: Node) -> int:
    return len(re.sub(r"\s+", "", node.text(deep=True) or ""))


def _main_content(body: Node) -> Node:
    """The smallest element that still holds most (≥ 80 %) of the page's text in paragraphs and tables."""
    total = _text_len(body)
    best = body
    while True:
        children = [c for c in best.iter() if c.tag not in ("-text", "-comment")]
        biggest = max(children, key=_text_len, default=None)
        if biggest is None or _text_len(biggest) < 0.8 * total:
            return best
        best = biggest


class _Walker:
    def __init__(self) -> None:
        self.blocks: list = []
        self.line = ""
        self.paragraphs = 0
        self.tables = 0

    def flush(self) -> None:
        # Source line breaks are one space; a run of spaces within a line stays (cells aligned by spaces).
        text = re.sub(r"[ \t\u00a0]*[\r\n][\s\u00a0]*", " ", self.line).replace("\u00a0", " ").replace("\t", "  ").strip()
        if text:
            self.paragraphs += 1
            self.blocks.append(Paragraph(text, f"第{self.paragraphs}段"))
        self.line = ""

    def walk(self, node: Node) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.line += child.text(deep=False) or ""
            elif tag == "br":
                self.flush()
            elif tag == "table":
                self.flush()
                self.table(child)
            elif tag in LINE_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            elif tag != "-comment":
                self.walk(child)

    def table(self, table: Node) -> None:
        self.tables += 1
        grid: list[list[str]] = []
        pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill) from rowspan
        for tr in table.css("tr"):
            if _owner_table(tr) != table:
                continue
            row: list[str] = []
            cells = [c for c in tr.iter() if c.tag in ("td", "th")]
            col = 0
            for cell in cells:
                while col in pending:
                    row.append(_fill(pending, col))
                    col += 1
                text = _cell_text(cell)
                span = _int(cell.attributes.get("colspan"))
                down = _int(cell.attributes.get("rowspan"))
                for k in range(span):
                    row.append(text if k == 0 or len(cells) == 1 else "")
                    if down > 1:
                        pending[col + k] = (text if k == 0 else "", down - 1)
                col += span
            while col in pending:
                row.append(_fill(pending, col))
                col += 1
            grid.append(row)
        self.blocks.append(Table(grid, f"表{self.tables}"))


def _owner_table(tr: Node) -> Node | None:
    node = tr.parent
    while node is not None and node.tag != "table":
        node = node.parent
    return node


def _fill(pending: dict[int, tuple[str, int]], col: int) -> str:
    text, left = pending[col]
    if left <= 1:
        del pending[col]
    else:
        pending[col] = (text, left - 1)
    return text


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1


def _cell_text(cell: Node) -> str:
    parts = []
    line = ""
    for child in cell.iter(include_text=True):
        if child.tag == "-text":
            line += child.text(deep=False) or ""
        elif child.tag == "br":
            parts.append(line)
            line = ""
        elif child.tag in LINE_TAGS or child.tag == "table":
            parts += [line, _cell_text(child)]
            line = ""
        elif child.tag != "-comment":
            line += _cell_text(child)
    parts.append(line)
    return "\n".join(p.strip() for p in parts if p and p.strip())
