"""完成时限 as data: the printed text → a due date, a date range, or "ongoing"/"recurring".

Pure functions, no graph. Readings (the genre's usage, decided once here):
- A period is due at its end: 2024年6月 / 6月份 → 2024-06-01…06-30 (a range), 2024年第三季度 → 07-01…09-30,
  上半年 → 01-01…06-30, 全年 / 年内 → the whole year, 2023—2025年 → 2023-01-01…2025-12-31.
- "…底/末" and "…前" mean "by the end of": 2024年6月底前 / 6月前 → 2024-06-30, 年底前 → 12-31, 2025年前 /
  到2025年 → 2025-12-31; an explicit day is that day (2024年12月31日前 → 2024-12-31).
- A text without a year takes the document's year (今年/本年/当年 too); 次年/明年/翌年 are the year after.
- 长期坚持, 持续推进, 常态化… are "ongoing"; 每季度, 每年, 分年度, 定期… are "recurring"; neither has a due date.
- “十四五”期间 is its five years (2021-01-01…2025-12-31); “十四五”末 its last day.
- Several dates in one text (…6月底前完成试点，年底前全面推广): the latest is the deadline.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from loaders.reading import nfkc, without_spaces

DeadlineKind = Literal["date", "range", "ongoing", "recurring"]


@dataclass(frozen=True)
class Deadline:
    text: str  # as printed
    kind: DeadlineKind
    due: str | None = None  # ISO date; for a range, its last day
    start: str | None = None  # ISO date, first day of a range


ONGOING = re.compile(r"长期|持续|常态|久久为功|不断|经常性|动态")
RECURRING = re.compile(r"每(?:年|季度?|个?月|半年|周|旬|日|天)|分年度|逐年|按年度?|按季度?|按月|定期")

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[〇零一二两三四五六七八九十]{1,3}(?=月|季度|日|号)")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")

_BY = r"(?P<by>前|以前|之前)?"
_YEAR = r"(?:(?P<y>\d{4})年|(?P<rel>今年|本年|当年|次年|明年|翌年))"
_DASH = r"\s*(?:—+|–|-|~|～|至|到)\s*"

# One alternative per form, most specific first (re tries them in this order at each position).
FORMS = {
    "years": rf"(?P<y1>\d{{4}})年?{_DASH}(?P<y2>\d{{4}})年(?:底|末)?{_BY}",
    "plan": rf"[“\"]?十(?P<n>[一二三四五六七八九])五[”\"]?(?:规划)?(?:期间|时期|(?P<end>末|期末))?{_BY}",
    "day": rf"{_YEAR}?(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})[日号]{_BY}",
    "months": rf"{_YEAR}?(?P<m1>\d{{1,2}})月?{_DASH}(?P<m2>\d{{1,2}})月(?:份)?(?P<end>底|末)?{_BY}",
    "month": rf"{_YEAR}?(?P<m>\d{{1,2}})月(?P<part>份|底|末|上旬|中旬|下旬)?{_BY}",
    "quarter": rf"{_YEAR}?第?(?P<q>[1-4])季度(?P<end>末|底)?{_BY}",
    "half": rf"{_YEAR}?(?P<h>上|下)半年(?P<end>末|底)?{_BY}",
    "year_end": rf"(?:{_YEAR}年?|年)(?:底|末){_BY}",
    "whole_year": rf"{_YEAR}?(?:全年|年内){_BY}",
    "year": rf"{_YEAR}{_BY}",
}
# Where a form can start: a number running into 年/月/季度 or a dash (a year, a month, a range), or the
# two or three characters every other form opens with. The lookahead lets the scan reject every other position
# at once instead of trying ten alternatives there (same matches; a number like "30家" or "2.5%" is skipped).
_FORM_FIRST = (
    r"(?=\d{1,4}[年月季\s—–\-~～至到]|[今本当次明翌全]年|[上下]半年|年[底末内]|第[1-4]季"
    r"|[“\"]?十[一二三四五六七八九]五)"
)
# Every form has one of these characters: a text without any has no deadline (the scan is skipped).
_FORM_NEEDS = ("年", "月", "季", "五")
_FORM = re.compile(
    _FORM_FIRST
    + "(?:" + "|".join(f"(?P<{name}>{rx.replace('(?P<', f'(?P<{name}_')})" for name, rx in FORMS.items()) + ")"
)

# In a task's own text a date is a deadline only with a deadline word around it ("到2025年", "年底前完成").
_BEFORE = re.compile(r"(?:到|至|于|截止|力争|确保|在)\s*$")
_NOT_A_DEADLINE = re.compile(r"(?:截至|自|从)$")  # "截至2023年底，已建成…" states where things stand
_SINCE = re.compile(r"^(?:以来|起|开始)")
# "2.2024年，新建幼儿园5所" / "…工程，2024年，帮扶…": a year opening its clause frames that clause's target.
_CLAUSE_START = re.compile(r"(?:^|[。；;：:，,]|\d{1,2}[.．、]|[（(]\d{1,2}[）)])$")
_AFTER = re.compile(r"^\s*(?:前|以前|之前|完成|建成|实现|基本完成|全面完成|投用|投入使用|竣工|落地|上线|到位|办结)")




def normalise(text: str) -> str:
    """Full-width digits and Chinese numerals (六月, 第三季度, 二〇二四年) as ASCII digits, without spaces."""
    text = without_spaces(nfkc(text))
    if "年" in text:  # what _CN_YEAR looks ahead to
        text = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group()), text)
    if "月" in text or "季度" in text or "日" in text or "号" in text:  # what _CN_NUMBER looks ahead to
        text = _CN_NUMBER.sub(lambda m: str(_cn_int(m.group())), text)
    return text


@lru_cache(maxsize=8192)  # pure, and a Deadline is frozen: the same 完成时限 recurs row after row
def parse(text: str | None, *, year: int | None = None) -> Deadline | None:
    """The structured reading of a printed 完成时限; None when the text names no deadline we can read."""
    if not text or not text.strip():
        return None
    printed = text.strip()
    dated = _latest(_dated(normalise(printed), year))
    if dated:
        return Deadline(printed, dated[0], dated[2], dated[1] if dated[0] == "range" else None)
    if RECURRING.search(printed):
        return Deadline(printed, "recurring")
    if ONGOING.search(printed):
        return Deadline(printed, "ongoing")
    return None


@lru_cache(maxsize=8192)
def find_in_text(text: str | None, *, year: int | None = None) -> Deadline | None:
    """A deadline printed inside a task's text ("…，2024年底前完成", "到2025年，…"), as the phrase printed."""
    if not text:
        return None
    norm = normalise(text)
    if not any(c in norm for c in _FORM_NEEDS):
        return None
    found = []
    for m in _FORM.finditer(norm):
        phrase = m.group()
        before = _BEFORE.search(norm[max(0, m.start() - 3) : m.start()])
        if _NOT_A_DEADLINE.search(norm[max(0, m.start() - 2) : m.start()]) or _SINCE.match(norm[m.end() :]):
            continue
        marked = phrase.endswith(("前", "底", "末")) or "底" in phrase
        framing = (m.lastgroup == "year" and m.group("year_y") and norm[m.end() : m.end() + 1] in "，,"
                   and _CLAUSE_START.search(norm[max(0, m.start() - 4) : m.start()]))
        if not (marked or before or framing or _AFTER.match(norm[m.end() :])):
            continue
        reading = _reading(m, year)
        if reading is None:
            continue
        kind, start, due = reading
        if before and kind == "range" and m.lastgroup != "years":
            kind, start = "date", None  # "到2025年": by the end of it
        found.append((kind, start, due, (before.group().strip() if before else "") + phrase))
    best = _latest(found)
    return Deadline(best[3], best[0], best[2], best[1]) if best else None


def document_year(title: str | None, date_iso: str | None) -> int | None:
    """The year a document's undated deadlines (年底前) belong to: the single year in its title, else its date's."""
    years = set(re.findall(r"(?<!\d)(\d{4})年", normalise(title or "")))
    if len(years) == 1 and not re.search(r"\d{4}年?" + _DASH + r"\d{4}年", normalise(title or "")):
        return int(years.pop())
    if date_iso and re.match(r"\d{4}-", date_iso):
        return int(date_iso[:4])
    return None


def settle(tasks: list, *, year: int | None) -> int:
    """Give each task its structured deadline: the printed 完成时限, else one printed in its text.

    Sets `deadline` (text), `due`, `due_start`, `due_kind`; returns how many tasks got a reading."""
    count = 0
    for task in tasks:
        reading = parse(task.deadline, year=year) if task.deadline else None
        if reading is None and not task.deadline:
            reading = find_in_text(task.text, year=year)
            if reading:
                task.deadline = reading.text
        if reading:
            task.due, task.due_start, task.due_kind = reading.due, reading.start, reading.kind
            count += 1
    return count


# ---- readings of one match


def _dated(norm: str, year: int | None) -> list[tuple[str, str | None, str]]:
    return [r for m in _FORM.finditer(norm) if (r := _reading(m, year))]


def _latest(readings: list[tuple]) -> tuple | None:
    return max(readings, key=lambda r: r[2]) if readings else None


def _reading(m: re.Match, year: int | None) -> tuple[DeadlineKind, str | None, str] | None:
    """(kind, start, due) for one matched form, or None when its year is unknown or the date impossible."""
    form = m.lastgroup
    g = {k[len(form) + 1 :]: v for k, v in m.groupdict().items() if k.startswith(f"{form}_") and v is not None}
    by = bool(g.get("by"))
    try:
        if form == "years":
            return _span(date(int(g["y1"]), 1, 1), date(int(g["y2"]), 12, 31), by or g.get("end"))
        if form == "plan":  # the n-th five-year plan: 十四五 = 2021—2025
            first = 1966 + 5 * (10 + _CN_DIGITS[g["n"]] - 3)  # the third plan began in 1966
            return _span(date(first, 1, 1), date(first + 4, 12, 31), by or g.get("end"))
        y = _year(g, year)
        if y is None:
            return None
        if form == "day":
            return "date", None, date(y, int(g["m"]), int(g["d"])).isoformat()
        if form == "months":
            m1, m2 = int(g["m1"]), int(g["m2"])
            return _span(date(y, m1, 1), _month_end(y, m2), by or g.get("end")) if m1 <= m2 else None
        if form == "month":
            month, part = int(g["m"]), g.get("part")
            if part in ("上旬", "中旬"):
                return "date", None, date(y, month, 10 if part == "上旬" else 20).isoformat()
            return _span(date(y, month, 1), _month_end(y, month), by or part in ("底", "末", "下旬"))
        if form == "quarter":
            q = int(g["q"])
            return _span(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), by or g.get("end"))
        if form == "half":
            first = g["h"] == "上"
            return _span(date(y, 1 if first else 7, 1), date(y, 6 if first else 12, 30 if first else 31),
                         by or g.get("end"))
        if form == "year_end":
            return "date", None, date(y, 12, 31).isoformat()
        if form in ("whole_year", "year"):
            return _span(date(y, 1, 1), date(y, 12, 31), by)
    except ValueError:  # 2月30日, 13月
        return None
    return None


def _year(g: dict[str, str], year: int | None) -> int | None:
    if g.get("y"):
        return int(g["y"])
    rel = g.get("rel")
    if rel and year is not None:
        return year + 1 if rel in ("次年", "明年", "翌年") else year
    return year


def _span(start: date, end: date, by_end: object) -> tuple[DeadlineKind, str | None, str]:
    """A period, or only its last day when the text says "by the end of" it."""
    return ("date", None, end.isoformat()) if by_end else ("range", start.isoformat(), end.isoformat())


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _cn_int(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in s:
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
