"""Numeric targets in task text → Indicator records.

The grammar, in the order it is tried inside one clause (text between ,;。 and sub-item numbers "1.", "2."):

1. "完成市下达目标" / "完成省市下达任务": a target the city sets; no number (set_by_city=True).
2. NAME VERB VALUE[、VALUE…] [SUFFIX] — a comparator verb before the number:
   达到 / 达 / 提高到 / 提升至 / 增加到 / 不低于 / 不少于 → ">="; 超过 / 突破 / 大于 / 高于 → ">";
   控制在 / 降至 / 下降到 / 不超过 / 不高于 → "<="; 小于 / 低于 → "<"; 保持在 / 稳定在 / 巩固在 → "=".
   A suffix overrides a non-strict verb: 以上 / 及以上 → ">=", 以下 / 以内 → "<=" (Chinese 以上/以下/以内 include
   the number itself), 左右 → "=". Strict verbs (大于, 小于, 超过, 突破) keep their strictness.
   Change verbs (增长, 下降, 降低, 提高, 减少) stay in the name: "地区生产总值增长" "7%左右" → "=" 7 %.
   "A、B分别控制在 X、Y 以下" gives one indicator per name; "A、B均达到 X" gives each name the same value.
3. Otherwise a count with no comparator verb: "新建 30 家标杆中心戒毒社区", "每千人口拥有执业(助理)医师数7人",
   "劳动年龄人口平均受教育年限12.5年": name = the words around the number, comparator "=" unless a suffix
   (以上 → ">=") or 至少 says otherwise. We use "=" because the wording gives no direction; a reader of the
   graph sees the printed text beside it.

Names are the measured quantity: leading context (到2025年, 实现, 确保, 力争, 全市 …) and trailing modifiers
(分别, 均, 年均) are trimmed. year = the last "20XX年" before the number in the same sentence.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache

from graph.model import Indicator, Provenance
from loaders.reading import fold_width, without_spaces

UNITS = (
    "个百分点", "平方米/人", "千米/平方公里", "公里/平方公里", "座/平方公里", "/10万", "/万", "万平方米", "平方公里",
    "平方米", "万人次", "万人", "万个", "万套", "万户", "万辆", "万亩", "万元", "亿元", "万吨", "万张", "万间",
    "人次", "场次", "批次", "户", "个", "所", "家", "场", "套", "间", "人", "张", "台", "座", "条", "项", "支", "批", "处",
    "名", "件", "亩", "公里", "千米", "米", "次", "辆", "年", "岁", "天", "分钟", "小时", "%", "‰", "倍", "元", "吨",
    "床", "栋", "班", "万",
)
COUNT_UNITS = set(UNITS) - {"岁", "分钟", "小时", "天", "万", "/万", "/10万"}
_NUMBER_BODY = (
    r"(\d\d*(?:\.\d+)?)(?:\s*[-—~～]\s*(\d+(?:\.\d+)?))?\s*(%c|"
    + "|".join(r"\s*".join(re.escape(c) for c in u) for u in UNITS)
    + r"|(?=\s*(?:及以上|以上|及以下|以下|以内|左右)))"
)
NUMBER = re.compile(r"(?<![A-Za-z0-9.“\"/])" + _NUMBER_BODY)
# NUMBER without its lookbehind starts with a digit, so the scan jumps from digit to digit in C; _numbers()
# checks the lookbehind per match and, for a match it refuses, scans again from the next character.
_NUMBER_BARE = re.compile(_NUMBER_BODY)
_NOT_BEFORE_NUMBER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.“\"/")


def _numbers(text: str) -> list[re.Match[str]]:
    """The matches of NUMBER.finditer(text)."""
    out = []
    pos = 0
    while (m := _NUMBER_BARE.search(text, pos)) is not None:
        start = m.start()
        if start and text[start - 1] in _NOT_BEFORE_NUMBER:
            pos = start + 1
            continue
        out.append(m)
        pos = m.end()
    return out


def _has_number(text: str) -> bool:
    """Whether NUMBER.search(text) finds anything."""
    pos = 0
    while (m := _NUMBER_BARE.search(text, pos)) is not None:
        if not m.start() or text[m.start() - 1] not in _NOT_BEFORE_NUMBER:
            return True
        pos = m.start() + 1
    return False


GE, GT, LE, LT, EQ = ">=", ">", "<=", "<", "="
VERBS: dict[str, str] = {
    "达到或超过": GE, "达到": GE, "达": GE, "提高到": GE, "提高至": GE, "提升到": GE, "提升至": GE, "增加到": GE,
    "增加至": GE, "增长到": GE, "增至": GE, "不低于": GE, "不少于": GE, "至少": GE, "超过": GT, "突破": GT,
    "大于": GT, "高于": GT, "控制在": LE, "降至": LE, "降到": LE, "下降到": LE, "下降至": LE, "降低到": LE,
    "降低至": LE, "减少到": LE, "不超过": LE, "不高于": LE, "小于": LT, "低于": LT, "保持在": EQ, "稳定在": EQ,
    "巩固在": EQ, "维持在": EQ, "均在": EQ, "≥": GE, ">=": GE, "≤": LE, "<=": LE, ">": GT, "<": LT,
}
OF_SHARE = re.compile(r"(不少于|不低于|不超过|不高于|达到)([\u4e00-\u9fff]{1,10})的$")
SHARE = re.compile(r"占[\u4e00-\u9fff]{0,6}$")  # "人数占总人口 50%": the share belongs to the name
CHANGE_VERBS = ("增长", "下降", "降低", "提高", "减少", "压减", "增加", "提升")
STRICT = {"超过", "突破", "大于", "小于", "低于", "高于"}
SUFFIX = re.compile(r"^\s*(及以上|以上|及以下|以下|以内|左右)")
SUFFIX_CMP = {"及以上": GE, "以上": GE, "及以下": LE, "以下": LE, "以内": LE, "左右": EQ}
MODIFIERS = re.compile(r"(分别|均|年均|总体|力争|平均|累计|每年|稳定|全部)+$")
_MODIFIER_ENDS = tuple("别均体争计年定部") + ("\n",)  # how a text MODIFIERS can match ends ($: also before "\n")


def _strip_modifiers(text: str) -> str:
    """MODIFIERS.sub("", text), without scanning a text that cannot end in a modifier."""
    return MODIFIERS.sub("", text) if text.endswith(_MODIFIER_ENDS) else text
LEAD = re.compile(
    r"^((到|至|在)?\s*20\d\d\s*年(底|末|前)?[,,]?|实现|确保|力争|保证|推动|推进|努力|争取|使|将|要|全市|全区|辖区|"
    r"各区|进一步|其中|同时|并|且|和|、|\s)+"
)
SET_BY_CITY = re.compile(r"(完成|达到)(省|市|省市|上级|国家|省级|市级)?下达(的)?(目标|任务|指标)(任务)?")
SUBITEM = re.compile(r"(?:(?<=^)|(?<=[。;;\s]))\d{1,2}[.、．](?!\d)")
# SUBITEM without its lookbehind starts with \d, so the scan jumps from digit to digit in C; the lookbehind is
# then checked per match (a rejected match covers no other start: inside it every character follows a digit).
_SUBITEM_NUMBER = re.compile(r"\d{1,2}[.、．](?!\d)")
_SUBITEM_AFTER = re.compile(r"[。;;\s]")
YEAR = re.compile(r"(20\d\d)\s*年")
FIVE_YEAR_END = re.compile(r"十四五[”\"]?\s*(末|期末|时期末)")
INLINE_TYPE = re.compile(r"[(\[【]\s*(约束性|预期性)(?:指标)?\s*[)\]】]")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_VERB_LENGTHS = sorted({len(v) for v in VERBS}, reverse=True)


def _verb_ending(text: str) -> str | None:
    """The longest verb `text` ends with (two verbs of one length cannot both end it)."""
    for n in _VERB_LENGTHS:
        if len(text) >= n and text[-n:] in VERBS:
            return text[-n:]
    return None


_JOINER = re.compile(r"\s*[、和及]\s*")
_COUNTED = re.compile(r"^\((?:户|间|站)\)")
_PIECE_CUT = re.compile(r"、|和(?=\s*\d)")
_NAME_SPLIT = re.compile(r"[、]|(?<=[\u4e00-\u9fff])和(?=[\u4e00-\u9fff])")
_QUANTITY_END = re.compile(r"(率|数|量|比例|占比|面积)$")
_NAME_NOISE = re.compile(r"\s+|至少|力争")
_NAME_TAIL = re.compile(r"(的|为|是|:)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_A_NAME = re.compile(r"(中心城区|新城区|各区|全市|全区|每年|其中)")
_SUBITEM_PREFIX = re.compile(r"^\s*\d{1,2}[.、．](?!\d)\s*")
_YEAR_NUMBER = re.compile(r"(19|20)\d\d")
_SHARE_END = re.compile(r"(率|数|量|比|例|积|平)$")


def extract_indicators(
    text: str, *, type: str | None = None, provenance: Provenance | None = None
) -> list[Indicator]:
    """Every numeric target in `text`; `type` (约束性/预期性) comes from the caller's section heading.

    With `type` given the text is an indicator row, so a row with no number still yields one Indicator
    (target None) rather than disappearing.
    """
    found = [_copy(ind) for ind in _extract(text, type)]  # a task text recurs in copies and re-parses
    for ind in found:
        ind.provenance = _span(provenance, ind.text) if provenance else None
    return found


def _copy(ind: Indicator) -> Indicator:
    new = object.__new__(Indicator)
    new.__dict__.update(ind.__dict__)
    return new


@lru_cache(maxsize=8192)
def _extract(text: str, type: str | None) -> tuple[Indicator, ...]:
    norm = fold_width(text)
    stated = INLINE_TYPE.search(norm)  # "(约束性)" written in the row itself
    if stated and not type:
        type = stated.group(1)
        norm = norm[: stated.start()] + " " * (stated.end() - stated.start()) + norm[stated.end():]
    found: list[Indicator] = []
    if "下达" in norm or _DIGIT.search(norm):  # a clause with neither gives nothing
        for start, end in _clauses(norm):
            found.extend(_from_clause(norm, start, end, type))
    if not found and type:
        name = _clean_name(_strip_subitem(norm.strip().rstrip("。 ")))
        found.append(Indicator(name=name, text=text.strip(), type=type))
    return tuple(found)


_CLAUSE_MARK = re.compile(r"[(“《)”》,;。\n]")
_CLAUSE_BRACKET = re.compile(r"[(“《)”》]")
_CLAUSE_CUT = re.compile(r"[,;。\n]")


def _clauses(text: str) -> list[tuple[int, int]]:
    """Offsets of clauses: split at ,;。 and before sub-item numbers, never inside brackets or quotes."""
    cuts = [0]
    if _CLAUSE_BRACKET.search(text):
        depth = 0
        for m in _CLAUSE_MARK.finditer(text):
            ch = m.group()
            if ch in "(“《":
                depth += 1
            elif ch in ")”》":
                depth = max(0, depth - 1)
            elif depth == 0:
                cuts.append(m.end())
    else:  # no bracket or quote: every mark cuts
        cuts.extend(m.end() for m in _CLAUSE_CUT.finditer(text))
    cuts.extend(_subitem_starts(text))
    cuts = sorted(set(cuts)) + [len(text)]
    return [(a, b) for a, b in itertools.pairwise(cuts) if text[a:b].strip(" ,;。\n")]


_DIGIT = re.compile(r"\d")  # what NUMBER needs (the same Unicode digits)


def _from_clause(text: str, start: int, end: int, type: str | None) -> list[Indicator]:
    clause = text[start:end]
    if "下达" not in clause and not _DIGIT.search(clause):
        return []  # no number and no 下达: neither SET_BY_CITY nor NUMBER can match
    body = _strip_subitem(clause).rstrip(" ,;。\n")
    m = SET_BY_CITY.search(body)
    if m:
        name = _clean_name(body[: m.start()])
        return [Indicator(name=name, text=body, type=type, set_by_city=True, year=_year(text, start))]
    masked = QUOTED.sub(lambda q: "□" * len(q.group()), body) if ("“" in body or '"' in body) else body
    found = [n for n in _numbers(masked) if not _is_year(masked, n)]
    if not found:
        return []  # neither reading finds anything without a number
    out = _with_verbs(body, masked, found, type, None)
    if not out:
        out = _counts(body, masked, found, type, None)
    if out:
        year = _year(text, start)  # the clause's year, for each of its indicators
        for ind in out:
            ind.year = year
    return out


def _with_verbs(body: str, masked: str, numbers: list[re.Match[str]], type: str | None,
                year: int | None) -> list[Indicator]:
    out: list[Indicator] = []
    name_from = 0
    i = 0
    while i < len(numbers):
        n = numbers[i]
        left = masked[name_from: n.start()].rstrip()
        left_mod = _strip_modifiers(left)
        verb = _verb_ending(left_mod)
        change = None if verb else next((v for v in CHANGE_VERBS if left_mod.endswith(v)), None)
        if verb is None and change is None and SHARE.search(left_mod):
            change = "占"
        of = None if verb or change else OF_SHARE.search(left_mod)
        if of:  # "高校专职保安数量不少于师生总人数的 4‰": a share of something, compared by the verb
            body_name = body[name_from: name_from + of.start()] + "占" + of.group(2)
            cmp_ = VERBS[of.group(1)]
            suffix = SUFFIX.match(masked[n.end():])
            span_end = n.end() + (suffix.end() if suffix else 0)
            out.append(Indicator(name=_clean_name(body_name), text=body[name_from:span_end].strip(" ,、"),
                                 target=_num(n), unit=_unit(n), comparator=cmp_, year=year, type=type))
            name_from = span_end
            i += 1
            continue
        if verb is None and change is None:
            i += 1
            continue
        values = [n]
        j = i + 1
        while j < len(numbers) and _JOINER.fullmatch(masked[values[-1].end(): numbers[j].start()]):
            values.append(numbers[j])
            j += 1
        suffix = SUFFIX.match(masked[values[-1].end():])
        cmp_ = VERBS[verb] if verb else EQ
        if suffix and (verb not in STRICT):
            cmp_ = SUFFIX_CMP[suffix.group(1)]
        raw = body[name_from: name_from + len(left_mod) - (len(verb) if verb else 0)]
        names = _names(raw, len(values), shared=left.endswith("均"))
        span_end = (suffix.end() if suffix else 0) + values[-1].end()
        span = body[name_from:span_end].strip(" ,、")
        for k, v in enumerate(values if len(values) == len(names) else values[:1] * len(names)):
            if not _meaningful(names[k]) and not type:
                continue
            out.append(Indicator(
                name=names[k], text=span, target=_num(v), unit=_unit(v), comparator=cmp_, year=year, type=type,
            ))
        name_from = span_end
        i = j
    return out


def _counts(body: str, masked: str, numbers: list[re.Match[str]], type: str | None,
            year: int | None) -> list[Indicator]:
    """Counts with no comparator verb: each 、-separated piece with a number gives one indicator."""
    out: list[Indicator] = []
    pieces = _pieces(masked)
    prefix = ""
    prefix_raw = ""
    for a, b in pieces:
        n = next((x for x in numbers if a <= x.start() < b), None)
        if n is None or _unit(n) not in COUNT_UNITS:
            continue
        if _unit(n) == "年" and masked[n.end(): b].strip(" 以上的"):
            continue
        at_least = "至少" in masked[a: n.start()] or (bool(out) and "至少" in prefix_raw)
        if not out:
            prefix_raw = masked[a: n.start()]
        left = body[a: n.start()]
        suffix = SUFFIX.match(masked[n.end(): b])
        right_from = n.end() + (suffix.end() if suffix else 0)
        right = _COUNTED.sub("", body[right_from:b]).strip()
        left_clean = _clean_name(left)
        if not out:
            prefix = left_clean if right else ""
        elif not left_clean:
            left_clean = prefix
        name = _clean_name(left_clean + right) if right else left_clean
        if not _meaningful(name):
            continue
        cmp_ = SUFFIX_CMP[suffix.group(1)] if suffix else (GE if at_least else EQ)
        out.append(Indicator(name=name, text=body[a:b].strip(" 、"), target=_num(n), unit=_unit(n),
                             comparator=cmp_, year=year, type=type))
    return out


def _pieces(masked: str) -> list[tuple[int, int]]:
    """Split at 、 where the next piece carries its own number; otherwise the 、 joins words of one name."""
    cuts = [0] + [m.end() for m in _PIECE_CUT.finditer(masked)] + [len(masked) + 1]
    spans = [(a, b - 1) for a, b in itertools.pairwise(cuts)]
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and (not _has_number(masked[a:b]) or not _has_number(masked[merged[-1][0]:merged[-1][1]])):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _names(raw: str, count: int, *, shared: bool) -> list[str]:
    return list(_names_cached(raw, count, shared))


@lru_cache(maxsize=4096)
def _names_cached(raw: str, count: int, shared: bool) -> tuple[str, ...]:
    return tuple(_names_of(raw, count, shared=shared))


def _names_of(raw: str, count: int, *, shared: bool) -> list[str]:
    """'孕产妇死亡率、婴儿死亡率' → two names; 'A保险、B保险参保人数' → 'A保险参保人数', 'B保险参保人数'."""
    raw = _strip_modifiers(raw.strip())
    parts = [p for p in _NAME_SPLIT.split(raw) if p]
    if count > 1 and len(parts) != count:
        parts = [p for p in raw.split("、") if p]
    if len(parts) > 1 and (count == len(parts) or shared or count == 1):
        parts = _share_suffix(parts)
        if count == 1 and not shared and not all(_QUANTITY_END.search(p) for p in parts):
            return [_clean_name(raw)]
        return [_clean_name(p) for p in parts]
    return [_clean_name(raw)] * max(1, count if shared else 1)


QUANTITY = ("死亡率", "参保人数", "参保率", "覆盖率", "合格率", "接种率", "发病率", "达标率", "占比", "人数", "比例", "率")


def _share_suffix(parts: list[str]) -> list[str]:
    """Give earlier items the tail the last item carries beyond their common ending.

    "基本医疗保险和生育保险参保人数" → both get "参保人数"; "孕产妇和婴儿死亡率" → both get "死亡率".
    """
    last = parts[-1]
    tail2 = parts[0][-2:]
    if last.endswith(tail2) or len(tail2) < 2:
        return parts
    pos = last.rfind(tail2)
    if pos >= 0:  # "公办幼儿园和普惠性民办幼儿园在园幼儿占比": the first item ends where the last one's head does
        return [p + last[pos + 2:] for p in parts[:-1]] + [last]
    if not _SHARE_END.search(parts[0]):
        tail = next((q for q in QUANTITY if last.endswith(q) and len(last) > len(q)), None)
        if tail:
            return [p + tail for p in parts[:-1]] + [last]
    return parts


@lru_cache(maxsize=8192)
def _clean_name(name: str) -> str:
    name = _NAME_NOISE.sub("", _strip_subitem(name.strip()))
    prev = None
    while prev != name:
        prev = name
        name = LEAD.sub("", name).strip()
        name = _strip_modifiers(name).strip()
        name = _NAME_TAIL.sub("", name).strip()
    name = name.strip(" ,;、“”\"")
    if name.count("“") != name.count("”"):
        name = name.replace("“", "").replace("”", "")
    return name


@lru_cache(maxsize=8192)
def _meaningful(name: str) -> bool:
    """A measured quantity needs a few words: "认定" or "新城区" alone names nothing."""
    cjk = len(_CJK.findall(name))
    return cjk >= 3 and not _NOT_A_NAME.fullmatch(name)


def _strip_subitem(text: str) -> str:
    return _SUBITEM_PREFIX.sub("", text)


def _is_year(text: str, m: re.Match[str]) -> bool:
    return m.group(3) == "年" and _YEAR_NUMBER.fullmatch(m.group(1)) is not None


def _year(text: str, start: int) -> int | None:
    sentence_start = max(text.rfind("。", 0, start), _last_subitem(text, start), 0)
    before = text[sentence_start:start + 1]
    years = [(m.start(), int(m.group(1))) for m in YEAR.finditer(before)]
    years += [(m.start(), 2025) for m in FIVE_YEAR_END.finditer(before)]  # 到“十四五”末
    return max(years)[1] if years else None


def _last_subitem(text: str, before: int) -> int:
    starts = _subitem_starts(text)
    i = bisect.bisect_right(starts, before)
    return starts[i - 1] if i else 0


@lru_cache(maxsize=16)
def _subitem_starts(text: str) -> tuple[int, ...]:
    """m.start() of every SUBITEM.finditer(text) match."""
    return tuple(s for m in _SUBITEM_NUMBER.finditer(text)
                 if (s := m.start()) == 0 or _SUBITEM_AFTER.match(text, s - 1))


def _num(m: re.Match[str]) -> float:
    return float(m.group(1))


def _unit(m: re.Match[str]) -> str | None:
    unit = without_spaces(m.group(3))
    return "‰" if unit == "%c" else (unit or None)


def _span(p: Provenance, span: str) -> Provenance:
    return Provenance.make(p.source, p.line_start, p.line_end, span)
