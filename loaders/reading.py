"""Bytes → lines: detect the encoding, normalise for matching, repair broken lines, drop page furniture.

Every `Line` keeps the original text (for display and provenance) next to a *normalised* text of the
same length (full-width → half-width, Traditional → Simplified), so that an offset found in the
normalised text slices the original exactly. Lines broken mid-sentence are joined into one `Line`
that remembers which original 1-based line each of its pieces came from.

Encodings: BOMs (UTF-8, UTF-16), UTF-16 without BOM, UTF-8 (a few damaged bytes tolerated and warned),
then GBK / GB18030 / Big5 (the most plausible decoding wins), then charset-normalizer. Dropped as page
furniture: running headers (short lines repeated ≥3 times, page numbers blanked), page numbers, web-page
boilerplate and the web-page tail ("源:… 制作:… 回复 举报"). CSV files become one tab-joined line per
record; Markdown pipe rows become tab rows.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import charset_normalizer
import opencc

from graph.store import LoadError

TERMINAL = set("。;；!！?？:：)）】〕>》…")

_PINYIN = re.compile(r"\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,6}\)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff][^\u4e00-\u9fff]*")  # = [^…]+, written to open with a class: the scan skips Chinese in C
_ASTRAL = re.compile(r"[\U00010000-\U0010FFFF]")
_SPACE = re.compile(r"\s")


def without_spaces(text: str) -> str:
    # str.split() splits at exactly the characters \s matches (str.isspace), in C without a regex
    return "".join(text.split())


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc less \t\n\v\f\r

# Structural starts (on normalised text): a line starting with one of these never continues the previous one.
STRUCTURAL_START = re.compile(
    r"^\s*(?:"
    r"\d{1,3}\s*[.、](?!\d)"  # 1. / 1、
    r"|[一二三四五六七八九十百]+、"  # 一、
    r"|\(\s*[一二三四五六七八九十百]+\s*\)"  # (一)
    r"|\(\d{1,3}\)"  # (1)
    r"|[①-⑳]"
    r"|——|--"
    r"|附\s*[件表]"
    r"|(?:牵头|责任|主办|协办|配合|参与|承办)(?:单位|部门|处室|科室)(?:\((?:单位|部门)\))?\s*:"
    r"|(?:完成时限|完成时间|时间节点)\s*:"
    r"|[\u4e00-\u9fa5][\u4e00-\u9fa5 ]{1,6}:\s*\S"  # a metadata field "文  号: …"
    r")"
)

BOILERPLATE = re.compile(
    r"^(?:\[?复制链接\]?|.*\.(?:jpg|jpeg|png|gif)|回复|举报|分享到.*|打印本页|关闭窗口|收藏|"
    r"(?:来)?源\s*:.*|制作\s*:.*|出品\s*:.*|编辑\s*:.*|责编\s*:.*|责任编辑\s*:.*|"
    r"您有新闻线索.*|新闻热线\s*:.*|投稿邮箱\s*:.*|您需要登录后.*|本版积分规则|官方微博|意见|反馈|"
    r"上一篇.*|下一篇.*|扫一扫.*|【?字体\s*:.*|浏览次数.*)$"
)
PAGE_NUMBER = re.compile(
    r"^(?:[-—–~\s]*\d{1,3}[-—–~\s]*|第\s*\d+\s*页(?:\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
)
# Lines that only ever start the web-page tail (after them nothing is content).
TAIL_START = re.compile(r"^(?:(?:来)?源\s*:|制作\s*:|回复$|举报$|您需要登录后|本版积分规则)")


@dataclass
class Line:
    """One logical line: original text, normalised text of equal length, and where each piece came from."""

    text: str  # original text, pieces joined without separator
    norm: str  # same length as `text`
    pieces: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, original 1-based line no)

    @property
    def line_start(self) -> int:
        return self.pieces[0][1]

    @property
    def line_end(self) -> int:
        return self.pieces[-1][1]

    def line_at(self, offset: int) -> int:
        """Original line number of the character at `offset`."""
        line = self.pieces[0][1]
        for start, no in self.pieces:
            if start <= offset:
                line = no
        return line


@dataclass
class Reading:
    """A decoded document: raw lines as in the file, logical lines for parsing, and what was noticed."""

    source: str
    encoding: str
    traditional: bool
    raw_lines: list[str]
    lines: list[Line]
    warnings: list[str] = field(default_factory=list)

    def span(self, line_start: int, line_end: int) -> str:
        """The exact original text of lines line_start..line_end (1-based, inclusive), outer blanks stripped."""
        return "\n".join(self.raw_lines[line_start - 1 : line_end]).strip()


# --------------------------------------------------------------------------- encoding


def decode(data: bytes, source: str, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode bytes, returning (text, encoding name). Raises LoadError for binary or undecodable input.

    A UTF-8 file with a few damaged bytes is read as UTF-8 (the bytes become U+FFFD) and noted in `warnings`.
    """
    if not data or not data.strip():
        raise LoadError(source, None, "文件为空")
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(enc.replace("-sig", "")), enc, source), enc
            except UnicodeDecodeError as e:
                if enc != "utf-8-sig":
                    raise LoadError(source, _line_of(data, e.start), f"文件编码损坏({enc})") from e
                data = data[len(bom) :]
    guess = _utf16_without_bom(data)
    if guess:
        try:
            return _checked(data.decode(guess), guess, source), guess
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise LoadError(source, _line_of(data, data.index(b"\x00")), "不是文本文件(含有二进制数据)")
    try:
        return _checked(data.decode("utf-8"), "utf-8", source), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    lenient = data.decode("utf-8", errors="replace")
    damaged = len(re.findall("\ufffd+", lenient)) - len(re.findall("\ufffd+", data.decode("utf-8", "ignore")))
    if damaged <= max(3, len(data) // 2000) and _looks_chinese(lenient):
        if warnings is not None:
            warnings.append(
                f"{source}:{_line_of(data, utf8_error.start)}: 有{damaged}处字节不是有效的 UTF-8,已替换为�"
            )
        return _checked(lenient, "utf-8", source), "utf-8"
    candidates = []
    for enc in ("gbk", "gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_chinese(text):
            candidates.append((_plausibility(text), -len(candidates), enc, text))
    if candidates:
        _, _, enc, text = max(candidates)
        return _checked(text, enc, source), enc
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        text = str(best)
        if _looks_chinese(text) or _mostly_printable(text):
            return _checked(text, best.encoding, source), best.encoding
    raise LoadError(source, _line_of(data, utf8_error.start), "无法识别文件编码")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    # CJK-heavy UTF-16 has few NULs: accept it only if it decodes to mostly Chinese text (and not as UTF-8).
    if len(data) % 2 == 0 and not _is_utf8(data):
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_chinese(text, threshold=0.5) and "\n" in text:
                return enc
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_COMMON = re.compile(r"[的和市区县局委单位政府人民工作建设推进发展责任牵头完善加强全面实施服务年月日]")


def _plausibility(text: str) -> int:
    """How many very common characters of government documents a decoding yields (wrong decodings yield few)."""
    return len(_COMMON.findall(to_simplified(text[:20000])))


def _looks_chinese(text: str, threshold: float = 0.2) -> bool:
    visible = len(text) - len(_SPACE.findall(text))
    return visible > 0 and len(_CJK.findall(text)) / visible >= threshold


def _mostly_printable(text: str) -> bool:
    visible = [c for c in text if not c.isspace()]
    return bool(visible) and sum(1 for c in visible if c.isprintable()) / len(visible) > 0.95


def _checked(text: str, enc: str, source: str) -> str:
    """Reject decoded text that is really binary (control characters) or has nothing to read."""
    bad = _CONTROL.findall(text)
    if len(bad) > max(3, len(text) // 200):
        first = _CONTROL.search(text).start()
        raise LoadError(source, text.count("\n", 0, first) + 1, "不是文本文件(含有二进制数据)")
    if not text.strip():
        raise LoadError(source, None, "文件为空")
    return text


def _line_of(data: bytes, index: int) -> int:
    return data.count(b"\n", 0, index) + 1


# --------------------------------------------------------------------------- normalisation


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _width_table() -> dict[int, str]:
    """Every BMP character whose NFKC form is one other character (full-width forms, ①, compatibility ideographs)."""
    table = {}
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        n = unicodedata.normalize("NFKC", chr(cp))
        if len(n) == 1 and n != chr(cp):
            table[cp] = n
    return table


def _fold_astral(m: re.Match[str]) -> str:
    n = unicodedata.normalize("NFKC", m.group())
    return n if len(n) == 1 else m.group()


@lru_cache(maxsize=1)
def _wide() -> tuple[re.Pattern[str], dict[str, str]]:
    """A character class of the table's characters, and the table by character: most of a Chinese text is
    untouched, so finding the few characters to fold beats looking every character up (str.translate)."""
    table = _width_table()
    ranges: list[list[int]] = []
    for cp in sorted(table):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    cls = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{cls}]"), {chr(cp): n for cp, n in table.items()}


_wide()  # built once at import (~10 ms), so forked parse workers inherit it instead of each building it


def fold_width(text: str) -> str:
    """Full-width → half-width, NFKC-style, one character for one (so offsets stay valid)."""
    wide, table = _wide()
    folded = wide.sub(lambda m: table[m.group()], text) if wide.search(text) else text
    return _ASTRAL.sub(_fold_astral, folded) if _ASTRAL.search(folded) else folded


def to_simplified(text: str) -> str:
    """Traditional → Simplified with OpenCC; falls back to per-character conversion to keep the length."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c2 if len(c2 := _t2s().convert(c)) == 1 else c for c in text)


@lru_cache(maxsize=8192)  # a document's lines are normalised twice (furniture, then lines); headers recur
def normalise(text: str, *, simplified: bool = True) -> str:
    """Matching form of `text`: half-width, Simplified; same length as the input."""
    folded = fold_width(text)
    return to_simplified(folded) if simplified else folded


def fingerprint_text(text: str) -> str:
    """Whole-document matching text: normalised, Simplified, pinyin fragments removed, whitespace folded."""
    out = _PINYIN.sub("", to_simplified(nfkc(text)))
    return " ".join(out.split())  # runs of whitespace → one space, ends stripped


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), faster on Chinese text: the full-width characters are folded first
    (each becomes its own NFKC form, which leaves the text's NFKC form as it was), so the normalisation's
    quick check usually finds nothing left to do."""
    return unicodedata.normalize("NFKC", fold_width(text))


def is_traditional(text: str) -> bool:
    """True when OpenCC t2s changes a noticeable share of the Chinese characters."""
    sample = _NOT_CJK.sub("", text[:60000])  # the first 20,000 Chinese characters: usually within 60,000
    if len(sample) < 20000 and len(text) > 60000:
        sample = _NOT_CJK.sub("", text)
    sample = sample[:20000]
    if len(sample) < 20:
        return False
    simplified = _t2s().convert(sample)
    if simplified == sample:
        return False
    changed = sum(map(str.__ne__, sample, simplified))
    return changed / len(sample) > 0.03


# --------------------------------------------------------------------------- lines


def read(data: bytes, source: str) -> Reading:
    """Decode and split into logical lines, with page furniture and web boilerplate removed."""
    warnings: list[str] = []
    text, encoding = decode(data, source, warnings)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    traditional = is_traditional(text)
    if source.lower().endswith(".csv"):
        return Reading(source, encoding, traditional, raw_lines, _csv_lines(raw_lines, traditional), warnings)
    dropped = _furniture(raw_lines, traditional, source, warnings)
    lines: list[Line] = []
    prev: Line | None = None
    blank_run = 0
    width = _line_width(raw_lines)
    wrapped = _is_wrapped(raw_lines, width)
    kept_above = False
    for no, raw in enumerate(raw_lines, start=1):
        if no in dropped:
            continue
        stripped = raw.strip()
        if not stripped:
            blank_run += 1
            continue
        if _PIPE_RULE.match(stripped):
            continue  # "|---|---|" under a Markdown table header
        # A table row keeps its leading empty cells ("\t2\t…" under a rowspan category).
        piece = _pinyin_free(raw.strip(" \u3000\r\n") if "\t" in stripped or raw.lstrip(" ").startswith("\t") else stripped)
        if _is_pipe_row(piece):
            piece = piece.strip("|｜").replace("｜", "\t").replace("|", "\t")  # a Markdown table row: cells
        kept = prev is not None and _wrapped_cells(raw, raw_lines[no - 2] if no > 1 else "")
        if kept:
            piece = _pinyin_free(raw.rstrip())  # keeps its indent: the columns it sits under tell its cells
        norm = normalise(piece, simplified=traditional)
        if prev is not None and not kept and not kept_above and _continues(prev, norm, blank_run, width, wrapped):
            prev.pieces.append((len(prev.text), no))
            prev.text += piece
            prev.norm += norm
        else:
            prev = Line(text=piece, norm=norm, pieces=[(0, no)])
            lines.append(prev)
        kept_above = kept
        blank_run = 0
    return Reading(source, encoding, traditional, raw_lines, lines, warnings)


_CELL_GAP = re.compile(r"\S(?: {2,}|\u3000+)\S")


def _wrapped_cells(raw: str, above: str) -> bool:
    """A line indented by spaces under a row of space-separated cells: the row's cells wrapped onto it,
    kept apart for the table reader (loaders.tables) to place by column."""
    return raw.startswith("    ") and len(_CELL_GAP.findall(above.strip())) >= 2


def _csv_lines(raw_lines: list[str], traditional: bool) -> list[Line]:
    """A CSV file: one Line per record, cells joined by tabs (a record of one cell is a plain line)."""
    lines: list[Line] = []
    reader = csv.reader(iter([r + "\n" for r in raw_lines]))
    start = 1
    for record in reader:
        end = reader.line_num
        cells = [_unwrap_cell(c) for c in record]
        filled = [c for c in cells if c]
        if filled:
            text = filled[0] if len(filled) == 1 and cells[0] == filled[0] else "\t".join(cells)
            pieces = [(0, start)] + ([(len(text), end)] if end > start else [])
            lines.append(Line(text, normalise(text, simplified=traditional), pieces))
        start = end + 1
    return lines


def _unwrap_cell(cell: str) -> str:
    """A cell's line breaks: nothing after punctuation, else a space (it may separate unit names)."""
    pieces = [p.strip() for p in cell.split("\n") if p.strip()]
    out = pieces[0] if pieces else ""
    for piece in pieces[1:]:
        out += piece if out[-1] in ",，、;；。:：" else " " + piece
    return out


def _pinyin_free(text: str) -> str:
    """Drop pinyin fragments like "發(fā)展" left by a broken converter."""
    return _PINYIN.sub("", text) if "(" in text else text


def _line_width(raw_lines: list[str]) -> int:
    """The 80th-percentile length of text lines: about the page width when the text was wrapped."""
    lengths = sorted(len(r.strip()) for r in raw_lines if r.strip() and "\t" not in r)
    if len(lengths) < 30:
        return 10**6  # too few lines to tell a page width
    return lengths[int(len(lengths) * 0.8)]


def _is_wrapped(raw_lines: list[str], width: int) -> bool:
    """Whether the text was wrapped at a fixed width (most lines about as long as the widest ones)."""
    lengths = [len(r.strip()) for r in raw_lines if r.strip() and "\t" not in r]
    if width >= 10**6 or not lengths:
        return False
    return sum(1 for n in lengths if 0.85 * width <= n <= 1.1 * width) >= 0.5 * len(lengths)


def _continues(prev: Line, norm: str, blank_run: int, width: int, wrapped: bool = False) -> bool:
    """Whether a physical line continues the previous logical line (a sentence broken across lines).

    In text wrapped at a fixed width, a line that fills the width continues even after a full stop.
    """
    p = prev.norm.rstrip()
    if "\t" in p or "\t" in norm or not p:
        return False
    if blank_run == 0 and p.count("(") > p.count(")") and not _ITEM_START.match(norm):
        return True  # "…达到Ⅲ类。(" / "牵头单位:…": a bracket left open runs on, labels and all
    if STRUCTURAL_START.match(norm):
        return False
    if len(p.split()) >= 3 and len(norm.split()) >= 3 and len(_SPACE_CELLS.findall(p.strip())) >= 2 \
            and len(_SPACE_CELLS.findall(norm.strip())) >= 2:  # (two cell gaps need three pieces: split first)
        return False  # two rows of a table whose cells are separated by runs of spaces
    if p[-1] in TERMINAL:
        full = len(prev.norm[prev.pieces[-1][0] :].strip()) >= 0.93 * width
        return wrapped and full and p[-1] in "。;!?" and not _is_heading_like(prev.norm) and blank_run <= 4
    if _is_heading_like(prev.norm):
        return False
    current = norm.strip()
    if len(current) <= 15 and not _SENTENCE_PUNCT.search(current) and current[-1:] not in TERMINAL:
        return False  # a short bare line ("东湖高新区") stands alone
    last_piece = prev.norm[prev.pieces[-1][0] :].strip()
    if len(last_piece) < 20:
        return False
    if not _SENTENCE_PUNCT.search(last_piece) and len(last_piece) <= 40 and len(last_piece) < 0.9 * width:
        return False  # a short title-like line ("…工作任务清单") is not a broken sentence
    if not _SENTENCE_PUNCT.search(last_piece) and _TITLE_END.search(last_piece):
        return False  # "…的通知" / "…实施方案" ends a title
    return blank_run <= 4


_ITEM_START = re.compile(r"^\s*(?:\d{1,3}\s*[.、](?!\d)|[一二三四五六七八九十百]+、|\(\s*[一二三四五六七八九十百\d]+\s*\))")
_SPACE_CELLS = re.compile(r"\S(?:\s{2,}|\u3000+)(?=\S)")
_PIPE_ROW = re.compile(r"^[|｜].*[|｜]$")
_BAR = re.compile(r"[|｜]")


def _is_pipe_row(piece: str) -> bool:
    """ "| 1 | 任务 | 单位 |", also without the outer bars ("1 | 任务 | 单位 | A类 |"): three cells or more."""
    if "|" not in piece and "｜" not in piece:
        return False
    if _PIPE_ROW.match(piece):
        return True
    cells = [c for c in _BAR.split(piece) if c.strip()]
    return len(cells) >= 3 and len(_BAR.findall(piece)) >= 2


_PIPE_RULE = re.compile(r"^[|｜]?\s*:?-{3,}:?\s*(?:[|｜]\s*:?-{3,}:?\s*)*[|｜]?$")
_SENTENCE_PUNCT = re.compile(r"[。;,!?、]")
_TITLE_END = re.compile(
    r"(?:通知|意见|方案|办法|清单|计划|纲要|分工表|分解表|任务表|报告|规划|决定|要点|细则)(?:\(.{1,4}\))?$"
)
_HEADING_LIKE = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+、|\(\s*[一二三四五六七八九十百]+\s*\)|——|附\s*[件表])"
)


def _is_heading_like(norm: str) -> bool:
    return bool(_HEADING_LIKE.match(norm)) and len(norm) <= 40 and "。" not in norm


_BARE_ROW_NUMBER = re.compile(r"\s*[|｜]?\s*\d{1,3}\s*[|｜]?\s*")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _furniture(raw_lines: list[str], traditional: bool, source: str, warnings: list[str]) -> set[int]:
    """Line numbers of running page headers, page numbers and the web-page tail."""
    norms = [normalise(r.strip(), simplified=traditional) for r in raw_lines]
    shapes = [
        "" if raw.startswith("\t") or _wrapped_cells(raw, raw_lines[k - 1] if k else "") else _shape(n)
        for k, (raw, n) in enumerate(zip(raw_lines, norms))
    ]  # a cell under its column ("\t\t\t\t各街道" in row after row) is never a running header
    counts: dict[str, int] = {}
    for shape in shapes:
        if shape:
            counts[shape] = counts.get(shape, 0) + 1
    dropped: set[int] = set()
    # A table written one cell per line ("序号" alone on its line) numbers its rows with bare numbers.
    row_numbers = any(n.strip().strip("|｜").strip() in ("序号", "编号") for n in norms)
    for i, (n, shape) in enumerate(zip(norms, shapes), start=1):
        if row_numbers and _BARE_ROW_NUMBER.fullmatch(n):
            continue
        if n and (
            (shape and counts[shape] >= 3 and not (row_numbers and len(n.strip()) <= 12))
            or BOILERPLATE.match(n)
            or (PAGE_NUMBER.match(n) and not _YEAR.fullmatch(n.strip()))
        ):
            dropped.add(i)
    tail = _tail_start(norms)
    if tail is not None:
        dropped.update(range(tail, len(norms) + 1))
    return dropped


def _shape(n: str) -> str:
    """What a running header looks like with its page number blanked; "" for lines that are never one."""
    if not n or "\t" in n or len(n) > 40 or STRUCTURAL_START.match(n) or _CJK_HEADING_WORD.search(n):
        return ""
    if _UNIT_LABEL.search(n) or RE_DATE_LIKE.search(n):
        return ""
    return _DIGITS.sub("#", without_spaces(n))


_DIGITS = re.compile(r"\d+")
RE_DATE_LIKE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月|^\d{7,8}$")
_UNIT_LABEL = re.compile(r"(?:牵头|责任|主办|协办|配合|参与|承办)(?:单位|部门)|牵头|配合")
_CJK_HEADING_WORD = re.compile(r"(?:区|县)$")  # a district heading may repeat; never a page header


def _tail_start(norms: list[str]) -> int | None:
    """1-based line where the web-page tail begins, if the last part of the file is one."""
    cutoff = int(len(norms) * 0.7)
    for i in range(cutoff, len(norms)):
        if TAIL_START.match(norms[i]):
            return i + 1
    return None
