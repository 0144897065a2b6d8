"""Word's automatic numbering: the printed "1." "（一）" "一、" that is not in a paragraph's text.

Rebuilt from word/numbering.xml as Word counts: one counter per abstract list and level, a level
restarting when a higher level advances, `startOverride` of a list instance restarting it when that
instance is first used; `lvlText` ("%1." / "（%2）") formats the counters with each level's `numFmt`.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn

W_VAL = qn("w:val")
DIGITS = "〇一二三四五六七八九"


def chinese_counting(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 105 → 一百零五 (as Word's chineseCounting prints them)."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        return str(n)
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero:
                out += "零"
                zero = False
            out += ("" if unit == "十" and d == 1 and not out else DIGITS[d]) + unit
        elif out:
            zero = True
    return out


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                       (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: "".join(chr(ord(c) + 0xFEE0) for c in str(n)),
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: f"({n})",
    "decimalEnclosedFullstop": lambda n: f"{n}.",
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "chineseLegalSimplified": lambda n: chinese_counting(n).translate(str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")),
    "japaneseCounting": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "ideographDigital": lambda n: "".join(DIGITS[int(c)] for c in str(n)),
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[n - 1] if 1 <= n <= 10 else str(n),
    "ideographZodiac": lambda n: "子丑寅卯辰巳午未申酉戌亥"[n - 1] if 1 <= n <= 12 else str(n),
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
    "none": lambda n: "",
}


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # restart after this 0-based level advances (None: any higher level)
    legal: bool = False  # isLgl: every counter in decimal


def _val(el, tag: str, default: str | None = None) -> str | None:
    child = el.find(qn(tag)) if el is not None else None
    return child.get(W_VAL) if child is not None else default


class Numbering:
    """Printed number for each numbered paragraph, in document order (call `label` in order)."""

    def __init__(self, numbering_element) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.instances: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, overrides)
        if numbering_element is None:
            return
        for an in numbering_element.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                restart = _val(lvl, "w:lvlRestart")
                levels[int(lvl.get(qn("w:ilvl")))] = Level(
                    start=int(_val(lvl, "w:start", "1") or 1),
                    fmt=_val(lvl, "w:numFmt", "decimal") or "decimal",
                    text=_val(lvl, "w:lvlText", "") or "",
                    restart=None if restart is None else int(restart) - 1,
                    legal=lvl.find(qn("w:isLgl")) is not None,
                )
            self.abstract[an.get(qn("w:abstractNumId"))] = levels
        for num in numbering_element.findall(qn("w:num")):
            overrides = {}
            for ov in num.findall(qn("w:lvlOverride")):
                start = _val(ov, "w:startOverride")
                if start is not None:
                    overrides[int(ov.get(qn("w:ilvl")))] = int(start)
            self.instances[num.get(qn("w:numId"))] = (_val(num, "w:abstractNumId") or "", overrides)
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()

    def label(self, num_id: str, ilvl: int) -> str:
        if num_id not in self.instances or num_id == "0":
            return ""
        abstract_id, overrides = self.instances[num_id]
        levels = self.abstract.get(abstract_id, {})
        level = levels.get(ilvl)
        if level is None or level.fmt == "bullet":
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
                for deeper in [k for k in counters if k > lvl]:
                    del counters[deeper]
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper, lvl_def in levels.items():
            if deeper > ilvl and deeper in counters and (lvl_def.restart is None or lvl_def.restart >= ilvl):
                del counters[deeper]
        out = level.text
        for k in range(9, -1, -1):
            token = f"%{k + 1}"
            if token in out:
                lvl_def = levels.get(k, Level())
                value = counters.get(k, lvl_def.start)
                fmt = "decimal" if level.legal else lvl_def.fmt
                out = out.replace(token, FORMATS.get(fmt, str)(value))
        return out
