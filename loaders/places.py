"""The document's place: which jurisdiction issued it, at what level, and by which evidence.

The genre names its issuer in several places; they are read in order of trust:
    override   `dutygraph load --jurisdiction 立山区` / the upload parameter
    issuer     the 发布机构 field or the signing unit above the signature date ("鞍山市立山区人民政府")
    header     the red header line ("某某县人民政府文件") and the print line ("某某市人民政府办公室 …印发")
    title      "立山区政府2023年重点工作任务分解…", "某某市人民政府关于…"
Where none names a place, the level alone is read from the issuer's level word ("区人民政府办公室"),
the addressee line ("各街道办事处,区政府各部门" is a district's; "各县(市、区)人民政府" a city's) and the
prefixes of the units the document names (区X / 县X / 市X / 省X). The place is recorded as written
(立山区, 咸阳市, 萧山区); nothing falls back to one city.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from loaders.reading import Reading, normalise

Level = str  # "province" | "city" | "district" | "county" | ""

LEVEL_OF_SUFFIX = {
    "省": "province", "自治区": "province", "市": "city", "自治州": "city", "州": "city", "盟": "city",
    "地区": "city", "区": "district", "新区": "district", "县": "county", "自治县": "county", "旗": "county",
}
# The word a level's own units start with: 区发改局 in a district document, 县教育局 in a county's.
PREFIX_OF_LEVEL = {"province": "省", "city": "市", "district": "区", "county": "县"}
# Places whose own units take the place's own level word: a banner's 旗发改委, a prefecture's 州教育局.
OWN_PREFIXES = ("自治区", "旗", "州", "盟")

_CJK = r"\u4e00-\u9fa5"
_SEGMENT = re.compile(rf"[{_CJK}]{{1,8}}?(?:自治区|自治州|自治县|地区|省|市|州|盟|区|县|旗)")
# What follows a place name at the start of an issuer or a title.
_AFTER_PLACE = re.compile(
    r"^(?:人民政府|政府|行政公署|行署|人大|委员会|委|党委|党工委|区委|县委|市委|省委|管委会|管理委员会|办公室|办公厅|党委|\d{4}年|\d{4}—|关于|《|"
    r"国民经济|重点|民生|年度|[一二三四五六七八九十]+五|"
    r"[\u4e00-\u9fa5]{2,12}?(?:厅|局|委员会)(?:关于|办公室|文件|$))"  # a department: 吉林省发展和改革委员会关于…
)
_NOT_PLACES = {"市区", "城区", "辖区", "园区", "社区", "景区", "片区", "街区", "山区", "全市", "全区", "全县",
               "全省", "本市", "本区", "本县", "各区", "各县", "各市", "城市", "开发区", "新区"}
_LEVEL_WORD = re.compile(r"^(?:中共)?([省市区县])(?:人民政府|政府|委|直)")
_ISSUER_SIGN = re.compile(r"(?:人民政府|政府|办公室|办公厅|管委会|管理委员会|委员会)(?:文件|印发|\s|$)")
_ISSUER_LINE = re.compile(r"(?:人民政府|政府|办公室|办公厅|管委会|管理委员会)$")
_DATE_LINE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")

# Addressee lines: who the notice goes to tells the issuer's level.
_ADDRESSEE = [
    ("province", re.compile(r"各(?:地级以上)?市(?:、州)?(?:、县)?(?:\(市、区\))?人民政府|各市、县(?:\(市、区\))?人民政府|省政府各|省直")),
    ("city", re.compile(r"各县\(市、区\)|各区、县(?:\(市\))?人民政府|各县、区|各县市区|各区人民政府,市|市政府各|市直|市人民政府各")),
    ("county", re.compile(r"各乡镇|各镇人民政府|县政府各|县直|县人民政府各|县属")),
    ("district", re.compile(r"各街道办事处|区政府各|区直|区人民政府各|区属")),
]
_TOWNS = re.compile(r"各(?:乡镇|镇|乡)|[乡镇]人民政府[,、]")
_COUNTIES = re.compile(r"各(?:县|区|旗)|县\(市|[县区](?:\(市\))?人民政府|各辖市")
_UNIT_PREFIX = re.compile(rf"(?:^|[、,;:(\s])([省市区县])[{_CJK}]{{1,10}}?(?:局|委|办|厅|中心)(?=[、,;)\s]|$)")


@dataclass(frozen=True)
class Jurisdiction:
    """The issuing place as written ("" when unknown), its level, how it was found, and the place above it."""

    name: str = ""
    level: Level = ""
    evidence: str = ""  # override | issuer | header | title | addressee | units | "" (nothing found)
    parent: str = ""  # the city of a district or county when the document writes it (武汉市 for 武昌区)

    @property
    def prefix(self) -> str:
        """The level word the document's own units start with ("区" in a district document, "旗" in a banner's)."""
        for word in OWN_PREFIXES:
            if self.name.endswith(word) and level_of(word) == self.level:
                return word
        return PREFIX_OF_LEVEL.get(self.level, "")

    @property
    def short_names(self) -> tuple[str, ...]:
        """The places without their level word (柳州市 → 柳州, 宁夏回族自治区 → 宁夏): how units named after
        the place begin (柳州供电局)."""
        out = []
        for place in self.places:
            suffix = next((s for s in sorted(LEVEL_OF_SUFFIX, key=len, reverse=True) if place.endswith(s)), "")
            short = re.sub(r"(?:回|壮|维吾尔|藏)族$", "", place[: len(place) - len(suffix)])
            if len(short) >= 2:
                out.append(short)
        return tuple(out)

    @property
    def known(self) -> bool:
        return bool(self.name)

    @property
    def places(self) -> tuple[str, ...]:
        return tuple(p for p in (self.name, self.parent) if p)


def level_of(name: str) -> Level:
    for suffix in sorted(LEVEL_OF_SUFFIX, key=len, reverse=True):
        if name.endswith(suffix):
            return LEVEL_OF_SUFFIX[suffix]
    return ""


def given(name: str) -> Jurisdiction:
    """A jurisdiction the user states (`--jurisdiction 立山区`)."""
    name = re.sub(r"\s+", "", name)
    segments = _segments(name)
    if segments and "".join(segments) == name and len(segments) > 1:
        return Jurisdiction(segments[-1], level_of(segments[-1]), "override", segments[-2])
    return Jurisdiction(name, level_of(name), "override")


def place_of(text: str) -> tuple[str, str] | None:
    """ "鞍山市立山区人民政府办公室" → ("立山区", "鞍山市"); "广东省人民政府" → ("广东省", ""); else None."""
    t = re.sub(r"\s+", "", normalise(text))
    t = re.sub(r"^(?:中共|共青团|关于印发|关于|印发)", "", t)
    segments = _segments(t)
    if not segments:
        return None
    rest = t[len("".join(segments)):]
    if not _AFTER_PLACE.match(rest):
        return None
    return segments[-1], segments[-2] if len(segments) > 1 else ""


def _segments(t: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while True:
        m = _SEGMENT.match(t, pos)
        if not m or m.group(0) in _NOT_PLACES:
            return out
        end = m.end()
        while end < len(t) and t[end] in "省市区县州旗" and not t.startswith(("区委", "县委", "市委", "省委"), end):
            end += 1  # "江州" + "市": the shortest match stopped at a level character inside the name
        out.append(t[m.start():end])
        if t.startswith(("委", "党委", "党工委"), end):
            return out  # "镇坪县委办公室": the party committee of the place just read, not another place
        pos = end


def detect(reading: Reading, *, issuer: str, title: str) -> Jurisdiction:
    """The issuing jurisdiction read from the document's own evidence (see the module docstring)."""
    head = "\n".join(line.norm for line in reading.lines[:40])
    for evidence, text in _named_candidates(reading, issuer, title):
        found = place_of(text)
        if found:
            name, parent = found
            level = level_of(name)
            if level == "city" and name.endswith("市") and _TOWNS.search(head) and not _COUNTIES.search(head):
                level = "county"  # a county-level city (晋江市): its notices go to towns, not to counties
            return Jurisdiction(name, level, evidence, parent)
    for text in (issuer, title):
        m = _LEVEL_WORD.match(re.sub(r"\s+", "", text or ""))
        if m:
            return Jurisdiction("", {v: k for k, v in PREFIX_OF_LEVEL.items()}[m.group(1)], "issuer")
    for level, pattern in _ADDRESSEE:
        if pattern.search(head):
            return Jurisdiction("", level, "addressee")
    counts = Counter(m.group(1) for line in reading.lines for m in _UNIT_PREFIX.finditer(line.norm))
    if counts:
        word, _ = counts.most_common(1)[0]
        return Jurisdiction("", {v: k for k, v in PREFIX_OF_LEVEL.items()}[word], "units")
    return Jurisdiction()


def _named_candidates(reading: Reading, issuer: str, title: str) -> list[tuple[str, str]]:
    from_title = bool(issuer) and re.sub(r"\s+", "", title).startswith(re.sub(r"\s+", "", issuer))
    out = [("title" if from_title else "issuer", issuer)] if issuer else []
    lines = reading.lines
    for k, line in enumerate(lines[1:], start=1):
        if _DATE_LINE.match(line.norm):
            prev = lines[k - 1].norm.strip()
            if len(prev) <= 40 and _ISSUER_SIGN.search(prev):
                out.append(("issuer", prev))
    for k, line in enumerate(lines[:15]):
        n = line.norm.strip()
        if len(n) <= 30 and (re.search(r"(?:人民政府|政府|办公室|办公厅)文件$", n) or k < 3 and _ISSUER_LINE.search(n)):
            out.append(("header", n))
    if title:
        out.append(("title", title))
    for line in lines[-15:]:
        n = line.norm.strip()
        if re.search(r"印发$", n) and len(n) <= 50:
            out.append(("header", n))
    return out
