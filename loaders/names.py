"""The grammar of unit names and unit lists, for any place: no place names, no table.

A unit list as printed ("市发改委、国土房管局、规划局,各区、县(市)人民政府,按职责分工负责") becomes the
items it names, each as the document writes it:
- split at top-level 、,;，； and runs of spaces, never inside brackets; "A及B" when both are units;
- groups stay whole: "各区、县(市)人民政府", "各县(市、区)政府", "相关市、县政府", "各乡镇、街道";
- trailing notes are not units: 按职责分工负责, 下同, 配合落实, 分别负责;
- people and roles are not units: 责任领导/牵头领导/分管县领导/区长 and the names after them;
- a level prefix is shared down a list: 市发改委、国土房管局、规划局 → 市…, 市…, 市…;
- a shared suffix is shared back: 江城、东山区人民政府 → 江城区人民政府, 东山区人民政府;
  哈尔滨、黑河、绥芬河市政府 → three 市政府; X高新区、Y经开区管委会 → two 管委会.
Resolution to canonical agencies is the place context's job (loaders.context).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import opencc

from graph.model import AgencyType
from loaders.reading import nfkc

OPEN, CLOSE = "(〈《【〔[", ")〉》】〕]"
SEPARATORS = "、,;，；"
_BRACKET = re.compile(f"[{re.escape(OPEN + CLOSE)}]")
_UNIT_CUT = re.compile(rf"([{SEPARATORS}]|\s)")  # one separator or space a cut
ROLE_LABEL = re.compile(
    r"^(?:牵头|责任|配合|协办|主办|参与|协同|承办|主要|其他|其它|协作)(?:责任)?(?:单位|部门)(?:\((?:单位|部门)\))?\s*[::]?"
)
UNIT_END = re.compile(
    r"(局|委|办|厅|署|中心|院|处|所|队|站|室|社|馆|台|会|联|部|公司|集团|小组|指挥部|单位|街道|科|组|政府|分局|"
    r"办事处|管委会|专班|机构|企业|银行|学校|医院|总站|支队|大队|中队|监狱|海关|法院|检察院|园区|开发区|高新区|新区|"
    r"乡镇|镇|乡|社区|村|团|分行|支行|协会|基地|景区|股|司|机关)$"
)
GOVERNMENT_SUFFIXES = ("区人民政府", "人民政府", "区政府", "政府")
COMMITTEE_SUFFIXES = ("管理委员会", "管委会")
LEADING_GROUP = re.compile(r"(领导小组|指挥部|工作专班|联席会议)(办公室)?$")
MASS = re.compile(r"(团市委|团区委|团县委|妇联|残联|总工会|工商联|科协|文联|侨联|社科联|红十字会)$")
GROUP_START = ("各", "相关", "有关")
GROUP_END = ("成员单位", "各部门", "各单位", "工作组", "相关部门", "有关部门", "有关单位", "各执法单位", "各专班")

# Notes after (or instead of) a unit: never a unit themselves.
NOTE = re.compile(
    r"(?:(?:按|根据|依)(?:照)?(?:各自)?(?:职责|职能)(?:分工)?(?:负责|落实|推进|配合)?(?:落实)?|"
    r"分别负责|共同负责|负责落实|配合落实|抓好落实|分工负责|具体负责|组织实施|下同|以下同|排名不分先后|"
    r"牵头负责|牵头落实|牵头|负责|配合|参与|落实|"
    r"(?:列|排|名列|位列)(?:在|于)?(?:第一位?|首位|第1位?)[^,;、]{0,10}?为牵头(?:单位|部门)|"
    r"(?:首位|第一|首个)(?:个|位)?(?:责任)?(?:单位|部门)为牵头(?:单位|部门))$"
)
# People and roles: leaders, persons in charge, and the names printed after them.
PERSON_LABEL = re.compile(
    r"^(?:(?:牵头|责任|分管|联系|主要|主管|包保|包抓|包联|分包|督办|挂点)(?:[省市区县旗]|[省市区县旗]级|[省市区县旗]政府)?"
    r"(?:负责领导|领导|负责人|责任人|人)|"
    r"项目责任人|责任人|联系人|[省市区县]长|副[省市区县]长|[省市区县]委书记)\s*[::]?"
)
ROLE_TITLE = re.compile(r"(?:副?[省市区县]长|秘书长|副秘书长|书记|副书记|主任|副主任|局长|部长|同志)$")
LEVEL_WORDS = r"(?:省|市|州|区|县|旗|乡|镇|乡镇|街道|街|村|社区|自治县|自治州|特区|设区市|辖市|辖区)"
_LEVEL_RUN = re.compile(rf"^(?:各|相关|有关)?{LEVEL_WORDS}(?:\([^()]*\))?$")
_LEVEL_CONT = re.compile(rf"^{LEVEL_WORDS}(?:\([^()]*\))?(?:人民政府|政府|办事处|管委会)?$")
_GROUP_TAIL = re.compile(rf"^(?:{LEVEL_WORDS})?(?:人民政府|政府|行政公署|行署|办事处|管委会)$")
_PREFIXED = re.compile(r"^(自治区|市(?!场)|[省区县州旗])(?![直级属])(?=[\u4e00-\u9fa5]{2,})")  # 市场监管厅: no 市
_BARE = re.compile(r"^[\u4e00-\u9fa5]{2,10}$")
_PLACE_SPLIT = re.compile(
    r"^([\u4e00-\u9fa5]{1,8}?)((?:新区|高新区|经开区|开发区|自治县|区|县|市|旗)(?:人民政府|政府|管委会|管理委员会|管理局))$"
)


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=50_000)
def normalise(text: str) -> str:
    """Half-width, Simplified, no spaces: the form every comparison uses (display keeps the original)."""
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    return "".join(text.split()).rstrip("。.:").lstrip(":")


# A bracket after a unit that says its role or job, not its name: "市发改委(牵头)", "区发改局(负责汇总)".
ROLE_NOTE = re.compile(r"[(（〔]\s*(?:牵头|主办|配合|协办|汇总|负责[\u4e00-\u9fa5]{0,8}|牵头[\u4e00-\u9fa5]{1,6})\s*[)）〕]$")


def strip_brackets(key: str) -> tuple[str, list[str]]:
    """'区委组织部(人才科)' → ('区委组织部', ['人才科'])."""
    base, inner = _strip_brackets(key)
    return base, list(inner)


_BRACKETED = re.compile(r"[(〈《【〔\[]([^)〉》】〕\]]*)[)〉》】〕\]]")


@functools.lru_cache(maxsize=50_000)
def _strip_brackets(key: str) -> tuple[str, tuple[str, ...]]:
    if not _ANY_OPEN.search(key):
        return key, ()
    return _BRACKETED.sub("", key), tuple(_BRACKETED.findall(key))


_ANY_OPEN = re.compile(r"[(〈《【〔\[]")
_LEVEL_GROUP = re.compile(r"^[省市区县]直|^[省市区县]级各")


@functools.lru_cache(maxsize=50_000)
def is_group(key: str) -> bool:
    return key.startswith(GROUP_START) or key.endswith(GROUP_END) or bool(_LEVEL_GROUP.search(key))


@functools.lru_cache(maxsize=50_000)
def looks_like_unit(piece: str) -> bool:
    """Could `piece` stand alone as a unit name (or a group)?"""
    base, _ = strip_brackets(normalise(piece))
    return bool(base) and (bool(UNIT_END.search(base)) or is_group(base) or bool(LEADING_GROUP.search(base)))


@functools.lru_cache(maxsize=50_000)
def guess_type(name: str) -> AgencyType:
    if is_group(name):
        return "group"
    if LEADING_GROUP.search(name):
        return "leading_group"
    if MASS.search(name):
        return "mass_organisation"
    if re.search(r"(集团|公司)$", name):
        return "state_firm"
    if re.search(r"(人民政府|区政府|县政府|市政府|镇政府|乡政府)$", name):
        return "district_government"
    if re.search(r"(管委会|管理委员会)$", name):
        return "zone_committee"
    if re.match(r"^(中共|市委|区委|县委|省委)", name):
        return "party_organ"
    if re.search(r"(局|委|办|厅|署)$", name):
        return "department"
    return "other"


def split_units(text: str, *, is_whole: Callable[[str], bool] | None = None) -> list[str]:
    """Split a unit list at top-level separators (、,;，； and runs of spaces), never inside brackets.

    A space also occurs inside one name in extracted text ("市 发改委"): with `is_whole` given, a piece that
    was cut at a space and is not a whole unit name is joined to the piece after it. Notes, people and
    split groups are then settled by `settle_items`.
    """
    text = nfkc(text).strip()
    pieces: list[tuple[str, bool]] = []  # (piece, cut at a space)
    if not _BRACKET.search(text):  # no bracket: every separator cuts
        cut = _UNIT_CUT.split(text)
        pieces = [(cut[k], cut[k + 1].isspace()) for k in range(0, len(cut) - 1, 2)]
        pieces.append((cut[-1], False))
    else:
        depth = 0
        buf: list[str] = []
        for ch in text:
            if ch in OPEN:
                depth += 1
            elif ch in CLOSE:
                depth = max(0, depth - 1)
            if depth == 0 and (ch in SEPARATORS or ch.isspace()):
                pieces.append(("".join(buf), ch.isspace()))
                buf = []
                continue
            buf.append(ch)
        pieces.append(("".join(buf), False))
    cleaned = [(_without_label(p), space) for p, space in pieces]
    cleaned = [(p, space) for p, space in cleaned if p and p not in {"等", "和", "及"}]
    if is_whole is not None:
        joined: list[tuple[str, bool]] = []
        for p, space in cleaned:
            if joined and joined[-1][1] and not is_whole(joined[-1][0]) and not _is_person_piece(joined[-1][0]):
                joined[-1] = (joined[-1][0] + p, space)
            else:
                joined.append((p, space))
        cleaned = joined
    return settle_items([p for p, _ in cleaned])


_COMMENT = re.compile(r"^(?:以下|不再|其中|注|备注|包括|详见|见附件)")
_BRACKET_NOTE = re.compile(r"[(（]([^()（）]*(?:下同|以下同|为牵头|牵头单位|不分先后|职责|分工)[^()（）]*)[)）]")
_NOTE_PIECE = re.compile(
    r"^(?:下同|以下同|排名不分先后|不分先后|.{0,12}为牵头(?:单位|部门)|(?:按|根据|依)(?:照)?(?:各自)?(?:职责|职能)(?:分工)?(?:负责|落实)?|分工负责)$"
)


# The per-item steps below are pure and the same unit names recur in list after list: each is cached.
@functools.lru_cache(maxsize=50_000)
def _without_label(piece: str) -> str:
    return ROLE_LABEL.sub("", piece.strip()).strip()


@functools.lru_cache(maxsize=50_000)
def _drop_bracket_notes(item: str) -> str:
    """ "县民政局(首位单位为牵头单位,下同)" → "县民政局"; "各区人民政府(含开发区,下同)" keeps "(含开发区,下同)"."""
    def keep(m: re.Match[str]) -> str:
        pieces = re.split(r"[,，;；]", m.group(1))
        return "" if all(_NOTE_PIECE.match(normalise(p)) for p in pieces if p.strip()) else m.group(0)

    return _BRACKET_NOTE.sub(keep, item)


def settle_items(items: list[str]) -> list[str]:
    """Groups rejoined, conjunctions split, notes and people dropped (see the module docstring)."""
    out: list[str] = []
    items = [_drop_bracket_notes(item).strip() for item in items if not _COMMENT.match(normalise(item))]
    after_person = False
    for item in _join_groups([i for i in items if i]):
        for piece in _split_conjunction_cached(item):
            piece = _strip_note(piece)
            if not piece:
                continue
            if _is_person_piece(piece) or after_person and re.fullmatch(r"[\u4e00-\u9fa5]{2,4}", piece) \
                    and not looks_like_unit(piece):
                after_person = True  # "区长 王某某": the role and the name after it
                continue
            after_person = False
            out.append(piece)
    return out


def _join_groups(items: list[str]) -> list[str]:
    """ "各区" + "县(市)人民政府" → "各区、县(市)人民政府"; "相关市" + "县政府" → "相关市、县政府";
    a bare level and suffix after a whole group belongs to it: "各镇人民政府、街道办事处", "各市行政公署、人民政府"."""
    out: list[str] = []
    open_run = False  # the last item is "各区" / "各市、县": a group still waiting for its suffix
    for item in items:
        key = normalise(item)
        if out and _GROUP_TAIL.match(key) and normalise(out[-1]).startswith(GROUP_START) \
                and re.search(r"(?:政府|公署|办事处|管委会)$", normalise(out[-1])):
            out[-1] = f"{out[-1]}、{item}"
            continue
        if open_run and _LEVEL_CONT.match(key):
            out[-1] = f"{out[-1]}、{item}"
            open_run = bool(_LEVEL_RUN.match(key))
            continue
        out.append(item)
        open_run = bool(_LEVEL_RUN.match(key)) and key.startswith(GROUP_START)
    return out


@functools.lru_cache(maxsize=50_000)
def _split_conjunction_cached(item: str) -> tuple[str, ...]:
    return tuple(_split_conjunction(item))


def _split_conjunction(item: str) -> list[str]:
    """ "市级各有关部门及各县市区政府" → two groups; a name that merely contains 及/和 stays whole."""
    base, _ = strip_brackets(normalise(item))
    for word in ("及", "和", "与"):
        if word not in base:
            continue
        depth, cut = 0, -1
        for i, ch in enumerate(item):
            depth += ch in OPEN
            depth -= ch in CLOSE
            if depth == 0 and ch == word:
                cut = i
                break
        if cut <= 0:
            continue
        left, right = item[:cut], item[cut + 1:]
        if looks_like_unit(left) and looks_like_unit(_strip_note(right) or right) and \
                (is_group(normalise(right)) or _PREFIXED.match(normalise(right))):
            return [left, *_split_conjunction(right)]
    return [item]


@functools.lru_cache(maxsize=50_000)
def _strip_note(item: str) -> str:
    """ "市级各有关部门按职责分工负责" → "市级各有关部门"; "下同" → ""."""
    text = item.strip()
    while True:
        key = normalise(text)
        m = NOTE.search(key)
        if not m:
            return text
        if m.start() == 0:
            return ""
        text = _cut_normalised(text, m.start())


def _cut_normalised(text: str, n: int) -> str:
    """The prefix of `text` whose normalised form has `n` characters."""
    for end in range(len(text) + 1):
        if len(normalise(text[:end])) >= n:
            return text[:end]
    return text


@functools.lru_cache(maxsize=50_000)
def _is_person_piece(piece: str) -> bool:
    key = normalise(piece)
    return bool(PERSON_LABEL.match(key)) or bool(ROLE_TITLE.search(key) and not UNIT_END.search(key))


def split_etc(items: list[str]) -> list[str]:
    """ "市财政局等有关部门" → 市财政局 + 有关部门; "市发改委等部门" → 市发改委 (等部门 names no one)."""
    out: list[str] = []
    for item in items:
        base, _ = strip_brackets(normalise(item))
        m = re.match(r"^(.+?)等(.*)$", item)
        if m and "等" in base and UNIT_END.search(normalise(m.group(1))):
            out.append(m.group(1))
            if is_group(normalise(m.group(2))):
                out.append(m.group(2))
            continue
        out.append(item)
    return out


def share_prefix(items: list[str], *, places: tuple[str, ...] = ()) -> list[str]:
    """A level prefix shared down a list: 市发改委、国土房管局、规划局 → 市发改委, 市国土房管局, 市规划局.

    A name starting with one of `places` (the document's place without its level word: 柳州, 黑龙江)
    already carries its place: 柳州供电局, 黑龙江农垦总局 take no prefix."""
    out: list[str] = []
    prefix = ""
    for item in items:
        key = normalise(item)
        m = _PREFIXED.match(key)
        if m:
            prefix = m.group(1)
        elif prefix and re.search(r"(局|委|办|厅)$", key) and len(key) <= 8 and not is_group(key) \
                and not _is_placed(key) and not key.startswith(tuple(p for p in places if p)):
            item = prefix + item
        elif is_group(key) or re.search(r"(政府|管委会)$", key):
            prefix = ""
        out.append(item)
    return out


def _is_placed(key: str) -> bool:
    """A name that carries its own place or body: "萧山区发改局", "团市委", "中共…"."""
    return bool(re.match(r"^(?:[\u4e00-\u9fa5]{1,8}?(?:省|市|区|县|旗)[\u4e00-\u9fa5]|中共|团|共青团)", key))


def share_suffix(items: list[str], *, is_place: Callable[[str], bool] | None = None) -> list[str]:
    """A bare place before a "place + level + suffix" item borrows the suffix.

    江城、东山区人民政府 → 江城区人民政府, 东山区人民政府; 哈尔滨、黑河、绥芬河市政府 → …市政府 ×3;
    X高新区、Y经开区管委会 → X高新区管委会, Y经开区管委会. `is_place` may say which bare words are places.
    """
    out = list(items)
    for i, item in enumerate(items):
        if not _bare_place(item):
            continue
        for nxt in items[i + 1:]:
            n = normalise(nxt)
            m = _SHARED.match(strip_brackets(n)[0])
            if m is None or m.group(1).startswith(GROUP_START) or _PREFIXED.match(n):
                if _bare_place(nxt):
                    continue  # another bare place of the same run
                break
            if is_place is not None and not is_place(normalise(item)):
                break
            level, suffix = m.group(2), m.group(3)
            base = strip_brackets(normalise(item))[0]
            has_level = not level or base.endswith(("区", "县", "市", "旗", level))
            out[i] = item + (suffix if has_level else level + suffix)
            break
    return out


_SHARED = re.compile(
    r"^([\u4e00-\u9fa5]{1,12}?)((?:新区|高新区|经开区|开发区|自治县|自治州|区|县|市|旗|州|盟|街道|镇|乡)?)"
    r"(人民政府|政府|管委会|管理委员会|管理局|办事处)$"
)  # the level word before the suffix is what the bare places before it lack: 玉树、果洛州; 鼓东、鼓西街道办事处
_PLACE_END = ("区", "县", "市", "旗", "城", "园", "港", "岛", "州", "街道", "镇", "乡")  # 坑梓街道、龙田街道办事处


def _bare_place(item: str) -> bool:
    """ "江城", "烟台", "X高新区", "东津新区(经开区)": a place waiting for the suffix of a later item."""
    base = strip_brackets(normalise(item))[0]
    if not _BARE.match(base) or len(base) > 10 or is_group(base) or _is_person_piece(base):
        return False
    return not looks_like_unit(base) or base.endswith(_PLACE_END) or len(base) <= 2
