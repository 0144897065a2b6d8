"""The attribution grammar: which text names which units in which role.

It works on normalised text (half-width, Simplified) and returns offsets into it, so callers slice the
original text for what is printed. It never resolves units: it hands each role its raw unit-list text,
and the resolver (loaders.agencies) splits and resolves the lists.

Grammar covered:
- inline groups "(牵头单位:A;责任单位:B、C)" with `;` or `,` between parts, any bracket width, stray spaces,
  nested brackets inside names, an unclosed group at the end of a paragraph;
- labelled lines "牵头单位:A" / "责任单位:B" following a task;
- labels 牵头/主办/承办 (lead), 责任 (lead alone, support beside a lead), 配合/协办/参与/协同 (support);
  单位 or 部门 after the stem;
- the same labels without brackets at the end of a task ("…。牵头单位:A;责任单位:B"), and a group inside
  the text ("…(牵头单位:A),年底前完成。");
- "A牵头,B配合", "(A负责)", "(由A牵头)" phrasing in a trailing group;
- document-level rules "列第一位的责任单位为牵头单位" / "排名第一的…" (first listed unit leads, the rest
  support), also when printed in a table header;
- table columns 牵头单位 / 责任单位 / 配合单位 / 协办单位 / 完成时限 (header notes in brackets ignored);
  a row with an empty lead cell makes its 责任单位 co-leads.
A "(牵头)" marker after a name ("市发改委(牵头)、市财政局") is handled in loaders.parse after resolution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from loaders import names

Role = Literal["lead", "support"]

LEAD_STEMS = ("牵头", "主办", "承办", "主责", "主要")
RESPONSIBLE_STEMS = ("责任", "实施", "落实")  # lead alone, support beside a lead label
SUPPORT_STEMS = ("配合", "协办", "参与", "协同", "协作", "其他", "其它", "协助")
STEMS = LEAD_STEMS + RESPONSIBLE_STEMS + SUPPORT_STEMS
DEADLINE_LABELS = (
    "完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时间要求", "办结时限", "进度安排", "时间安排", "进度要求",
)

_STEM_ALT = "|".join(STEMS)
_UNIT = r"(?:责任)?(?:单位|部门|处室|科室)(?:\((?:单位|部门)\))?"  # also "牵头部门(单位):"
LABEL = re.compile(rf"({_STEM_ALT}){_UNIT}\s*[:]\s*")
# Parts that name people or contacts, not units: they end the unit list before them and are dropped.
_PERSON = (
    r"(?:(?:牵头|责任|分管|联系|主要|主管|包保|包抓|包联|分包|督办|挂点|领办)(?:[省市区县旗]级?|[省市区县旗]政府)?"
    r"(?:负责领导|领导|负责人|责任人|人)(?:姓名)?|"
    r"项目责任人|责任人|联系人|联系电话|备注|责任科室|"
    r"(?:实际|目前|当前)?(?:完成|进展|推进|落实)情况|(?:目前|工作)进展)"  # a progress notice's report column
)
OTHER_LABEL = re.compile(rf"{_PERSON}\s*[:]\s*")
LEADER_LABEL = re.compile(
    r"^(?:牵头|责任|分管|主管|主要|包保|包抓|包联|分包|督办|挂点|领办)[^:]*(?:领导|负责人|责任人)|^(?:项目)?责任人"
)
# "部门分工:省发改委牵头,各地配合" — a label whose content is written in the verb form.
VERB_LABEL = re.compile(r"(?:部门分工|责任分工|任务分工|分工|责任主体|落实单位)\s*[:]\s*")
# A label line may carry its own numbering: "(一)牵头单位:", "1.责任单位:", "一是牵头单位:".
_LINE_NUMBER = r"(?:\(?\s*[一二三四五六七八九十\d]{1,3}\s*[).、]|[一二三四五六七八九十]是)?\s*"
LABEL_LINE = re.compile(
    rf"^\s*{_LINE_NUMBER}(?:(?:{_STEM_ALT}){_UNIT}|{'|'.join(DEADLINE_LABELS)}|{_PERSON}|"
    r"(?:部门分工|责任分工|任务分工|责任主体|落实单位))\s*[:]"
)


def label_line(norm: str) -> re.Match[str] | None:
    """LABEL_LINE.match(norm), skipped on the many lines without the colon every label line has."""
    return LABEL_LINE.match(norm) if ":" in norm else None


DEADLINE = re.compile(rf"({'|'.join(DEADLINE_LABELS)})\s*[:]\s*")
# A deadline printed after the unit list, in brackets or after a comma: "(10月底前完成)", ",2024年10月15日前完成".
UNIT_DEADLINE = re.compile(
    r"(?:\(\s*|[,;]\s*)((?:\d{4}年)?(?:\d{1,2}月(?:底|末|中旬|上旬|下旬|\d{1,2}日)?|年底|年内|全年|上半年|下半年|"
    r"[一二三四]季度末?)[^()、,;]{0,12}?)\s*\)?$"
)
_OPEN, _CLOSE = "([〔【<〈《", ")]〕】>〉》"
GROUP_START = re.compile(
    rf"[(\[【〔]\s*(?:[^()【】〔〕:,;。]{{1,10}}[,;]\s*|{_PERSON}\s*:[^()【】〔〕:;。]{{1,20}}[,;]\s*)?"
    rf"(?:(?:{_STEM_ALT}){_UNIT}|{'|'.join(DEADLINE_LABELS)})\s*[:]"
)  # "(牵头单位:…", also after a short note or a leader: "(预期性指标,牵头单位:…", "(责任领导:X;牵头单位:…"

# "…。牵头单位:市发改委;责任单位:市财政局" at the end of the task, without brackets
TRAILING_LABELS = re.compile(
    rf"(?:^|[。;\s])((?:{_PERSON}\s*:[^。();:]{{1,20}}[;,]\s*)?(?:{_STEM_ALT}){_UNIT}\s*:(?:[^。()]|\([^()。]*\))*)[。]?\s*$"
)  # also after a leader: "…。分包县级领导:X;牵头单位:A;配合单位:B。"
# "(市发改委负责)", "(由市发改委、市财政局牵头)", "(市发改委牵头负责)"
VERB_SINGLE = re.compile(
    r"[(【〔]\s*(由?[^()【】〔〕。,;]{2,200}?)\s*(牵头负责|牵头落实|牵头|负责落实|负责|主办|落实)\s*[)】〕]\s*[。.]?\s*$"
)
# "(市发改委牵头,市财政局、市经信局配合)", "(市发改委负责,各区配合)"
VERB_GROUP = re.compile(
    r"[(【〔]\s*(由?[^()【】〔〕]{2,200}?)\s*(牵头负责|牵头|负责|主办|主责)\s*[,;、]\s*([^()【】〔〕]{2,400}?)\s*"
    r"(配合|参与|协办|协助|负责|落实)\s*[)】〕]\s*[。.]?\s*$"
)
# The same forms as the last sentence of a task, without brackets: "…。省发改委牵头,各地、各部门配合。"
_SENTENCE_CHAR = r"(?:[^。;()]|\([^()。;]{1,12}\))"  # a short bracket inside a name: 各县(市)人民政府
VERB_SENTENCE = re.compile(
    rf"(?:^|[。;])\s*(由?{_SENTENCE_CHAR}{{2,200}}?)\s*(牵头负责|牵头|负责|主办|主责)(?:落实|推进|实施)?"
    rf"(?:\s*[,;、]\s*({_SENTENCE_CHAR}{{2,400}}?)\s*(配合|参与|协办|协助|负责|落实)(?:落实|推进|实施)?)?\s*[。.]?\s*$"
)

FIRST_IS_LEAD = re.compile(  # the lookahead: the characters a match can start with, so other positions fail at once
    r"(?=[列排名位第首])"
    r"(?:(?:列|排|名列|排名|排列|位列|排序)(?:在|于)?(?:第一位?|首位|第1位?|最前|前面|第一个)[^。;\n]{0,10}?(?:为|是|作为)?(?:牵头|主办|主责)(?:单位|部门)"
    r"|(?:第一|首位|首个|第1)(?:个|位)?(?:责任)?(?:单位|部门)为牵头(?:单位|部门))"
)
# A document that says its listed units are all responsible ("所列单位均为责任单位") leaves no one first.
ALL_LISTED = re.compile(r"(?:所列|列出|括号内|括号中)(?:的)?(?:单位|部门)(?:均|都)?为(?:责任|牵头)(?:单位|部门)")


@dataclass
class Part:
    """One role's unit list: `start`/`end` index the list text in the analysed string."""

    role: Role
    label: str  # the printed stem: 牵头, 责任, 配合, …
    start: int
    end: int


@dataclass
class Attribution:
    """Where the attribution is (start/end in the analysed string), its parts, and the rule that gave roles."""

    start: int
    end: int
    parts: list[Part] = field(default_factory=list)
    rule: str = ""
    deadline: tuple[int, int] | None = None
    leader: tuple[int, int] | None = None  # the responsible leader's text (责任领导:张三), never a unit
    closed: bool = True  # False: the group was not closed before the end of the paragraph


def find_document_rule(norm_text: str) -> str | None:
    """A document-level role rule, e.g. "doc_rule:first_is_lead", or None."""
    return "doc_rule:first_is_lead" if FIRST_IS_LEAD.search(norm_text) else None


def _matching_close(text: str, open_at: int) -> int | None:
    """Index of the bracket closing the one at `open_at` (any bracket style), or None if unclosed."""
    depth = 0
    for i in range(open_at, len(text)):
        c = text[i]
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
            if depth == 0:
                return i
    return None


def find_inline(norm: str, *, doc_rule: str | None = None) -> Attribution | None:
    """The attribution group ending `norm` (trailing punctuation allowed), or None.

    Takes the last group that opens with a role label and reaches the end of the text, closed or not.
    """
    found = _find_inline(norm, doc_rule)  # asked of the same line by the structure walk and the parser
    return _copy(found) if found is not None else None


def _copy(att: Attribution) -> Attribution:
    return Attribution(att.start, att.end, [Part(p.role, p.label, p.start, p.end) for p in att.parts], att.rule,
                       att.deadline, att.leader, att.closed)


@lru_cache(maxsize=4096)
def _find_inline(norm: str, doc_rule: str | None) -> Attribution | None:
    tail = len(norm.rstrip(" 。.;,"))
    for m in reversed(list(GROUP_START.finditer(norm))):
        close = _matching_close(norm, m.start())
        if close is not None and close + 1 < tail:
            continue  # a bracketed label in the middle of the text, not the trailing attribution
        end = close if close is not None else tail
        att = Attribution(
            start=m.start(), end=(close + 1 if close is not None else tail), closed=close is not None
        )
        _fill_parts(norm, m.start() + 1, end, att, prefix="inline", doc_rule=doc_rule)
        return att if att.parts or att.deadline else None
    m = TRAILING_LABELS.search(norm)
    if m:
        att = Attribution(start=m.start(1), end=tail)
        _fill_parts(norm, m.start(1), tail, att, prefix="inline", doc_rule=doc_rule)
        if att.parts:
            return att
    m = VERB_GROUP.search(norm)
    if m and unit_list(norm[m.start(1):m.end(1)]) and unit_list(norm[m.start(3):m.end(3)]):
        att = Attribution(start=m.start(), end=m.end() - (len(m.group(0)) - len(m.group(0).rstrip(" 。."))))
        start = m.start(1) + (1 if m.group(1).startswith("由") else 0)
        att.parts = [
            Part("lead", "牵头", start, m.end(1)),
            Part("support", m.group(4), m.start(3), m.end(3)),
        ]
        att.rule = "inline:X牵头Y配合"
        return att
    return (
        _verb_single(norm, doc_rule) or _bracket_clauses(norm) or find_bare_list(norm, doc_rule=doc_rule)
    )


def find_colon_list(norm: str) -> Attribution | None:
    """ "1.单位地区生产总值能耗降低:市发改委,各辖市、区人民政府": the units after the item's colon all lead."""
    tail = len(norm.rstrip(" 。.;,"))
    colon = norm.rfind(":", 0, tail)
    if colon <= 0 or "。" in norm[:colon] or label_line(norm) or OTHER_LABEL.search(norm):
        return None
    if not unit_list(norm[colon + 1 : tail]):
        return None
    att = Attribution(start=colon, end=tail, parts=[Part("lead", "责任", colon + 1, tail)])
    att.rule = "inline:colon_list"
    return att


_VERB = re.compile(
    r"(牵头负责|牵头落实|牵头|主办|主责|负责落实|负责|配合落实|配合|参与|协办|协助|落实|实施)(?=\s*(?:[,;。)】〕]|$))"
)


def verb_clauses(norm: str, start: int, end: int) -> tuple[list[Part], tuple[int, int] | None] | None:
    """ "分管副省长负责,省发改委牵头,省财政厅、省自然资源厅配合" → lead 省发改委, support the two.

    Each clause is a list and the verb that ends it; clauses naming only people are dropped (the first is
    returned as the responsible leader). The 牵头 clauses lead; without one, the first clause leads; every
    other clause supports.
    """
    leader: tuple[int, int] | None = None
    clauses: list[tuple[int, int, str]] = []
    pos = start
    for m in _VERB.finditer(norm, start, end):
        a, b = pos, m.start()
        while a < b and norm[a] in " ,;、由":
            a += 1
        if b > a:
            clauses.append((a, b, m.group(1)))
        pos = m.end()
    if not clauses or norm[pos:end].strip(" ,;。.") or norm[start:end].count("(") != norm[start:end].count(")"):
        return None
    parts: list[Part] = []
    for a, b, verb in clauses:
        text = norm[a:b]
        if not names.split_units(text, is_whole=names.looks_like_unit):
            leader = leader or (a, b)  # people only: "分管副省长"
            continue
        if not unit_list(text):
            return None
        parts.append(Part("support", verb[:2], a, b))
    if not parts:
        return None
    leads = [p for p in parts if p.label in ("牵头", "主办", "主责")] or parts[:1]
    for p in leads:
        p.role = "lead"
    return parts, leader


def _bracket_clauses(norm: str) -> Attribution | None:
    tail = len(norm.rstrip(" 。.;,"))
    if tail == 0 or norm[tail - 1] not in _CLOSE:
        return None
    open_at = _matching_open(norm, tail - 1)
    if open_at is None or open_at == 0:
        return None
    found = verb_clauses(norm, open_at + 1, tail - 1)
    if not found:
        return None
    parts, leader = found
    att = Attribution(start=open_at, end=tail, parts=parts, leader=leader)
    att.rule = "inline:" + "+".join(dict.fromkeys(f"X{p.label}" for p in parts))
    return att


@lru_cache(maxsize=8192)
def unit_list(text: str) -> bool:
    """Whether `text` is nothing but a list of units (after notes and people are dropped)."""
    if not text.strip() or len(text) > 400 or re.search(r"[。:]|简称|包括|例如|其中|以及其他", text):
        return False
    items = names.share_suffix(names.split_etc(names.split_units(text, is_whole=names.looks_like_unit)))
    return bool(items) and all(names.looks_like_unit(i) for i in items)


def find_bare_list(norm: str, *, doc_rule: str | None = None) -> Attribution | None:
    """A bracketed unit list ending the task, "(市发改委、市统计局,各区、县(市)人民政府)".

    With the document's rule "列第一位的为牵头单位" the first unit leads and the rest support; without it
    every listed unit leads (rule "inline:bare_list", reported as such).
    """
    tail = len(norm.rstrip(" 。.;,"))
    if tail == 0 or norm[tail - 1] not in _CLOSE:
        return None
    open_at = _matching_open(norm, tail - 1)
    if open_at is None or open_at == 0:
        return None
    inner = norm[open_at + 1 : tail - 1]
    units_end, due = tail - 1, UNIT_DEADLINE.search(inner)
    if not unit_list(inner) and due is not None and due.start() > 0:
        units_end, inner = open_at + 1 + due.start(), inner[: due.start()]  # "(市交通局、市财政局,12月底前)"
    if not unit_list(inner):
        return None
    att = Attribution(start=open_at, end=tail)
    att.parts = [Part("lead", "责任", open_at + 1, units_end)]
    if units_end < tail - 1 and due is not None:
        att.deadline = (open_at + 1 + due.start(1), open_at + 1 + due.end(1))
    att.rule = doc_rule or find_document_rule(inner) or "inline:bare_list"
    return att


def find_sentence(norm: str, *, doc_rule: str | None = None) -> Attribution | None:
    """The verb form as the task's last sentence: "…。省发改委牵头,各地、各部门配合。" / "…。由区教育局负责。"."""
    tail = len(norm.rstrip(" 。.;"))
    begin = max(norm.rfind("。", 0, tail), norm.rfind(";", 0, tail)) + 1
    found = verb_clauses(norm, begin, tail) if tail > begin else None
    if found and (len(found[0]) > 1 or found[1]):
        parts, leader = found
        lead_in = len(norm[begin:tail]) - len(norm[begin:tail].lstrip())
        att = Attribution(start=begin + lead_in, end=tail, parts=parts, leader=leader)
        att.rule = "sentence:" + "+".join(dict.fromkeys(f"X{p.label}" for p in parts))
        return att
    m = VERB_SENTENCE.search(norm)
    if not m or not unit_list(m.group(1).removeprefix("由")):
        return None
    if m.group(3) is not None and not unit_list(m.group(3)):
        return None
    begin = m.start(1) + (1 if m.group(1).startswith("由") else 0)
    att = Attribution(start=m.start(1), end=len(norm.rstrip(" 。.")))
    if m.group(3) is not None:
        att.parts = [Part("lead", "牵头", begin, m.end(1)), Part("support", m.group(4), m.start(3), m.end(3))]
        att.rule = "sentence:X牵头Y配合"
    else:
        att.parts = [Part("lead", m.group(2), begin, m.end(1))]
        att.rule = doc_rule if doc_rule and m.group(2) == "负责" else f"sentence:X{m.group(2)}"
    return att


def _matching_open(text: str, close_at: int) -> int | None:
    depth = 0
    for i in range(close_at, -1, -1):
        c = text[i]
        if c in _CLOSE:
            depth += 1
        elif c in _OPEN:
            depth -= 1
            if depth == 0:
                return i
    return None


def _verb_single(norm: str, doc_rule: str | None = None) -> Attribution | None:
    """ "(市发改委负责)" / "(由市发改委、市财政局牵头)" ending the task: the named units lead."""
    m = VERB_SINGLE.search(norm)
    if not m or not unit_list(m.group(1).removeprefix("由")):
        return None
    start = m.start(1) + (1 if m.group(1).startswith("由") else 0)
    close = max(norm.rfind(c, m.start(), m.end()) for c in ")】〕")
    att = Attribution(start=m.start(), end=close + 1)
    verb = m.group(2)[:2]
    att.parts = [Part("lead", verb, start, m.end(1))]
    att.rule = doc_rule if doc_rule and verb == "负责" else f"inline:X{verb}"
    return att


def find_embedded(norm: str, *, doc_rule: str | None = None) -> Attribution | None:
    """A closed attribution group inside the text ("…(牵头单位:A;责任单位:B),年底前完成。"), the last one."""
    for m in reversed(list(GROUP_START.finditer(norm))):
        close = _matching_close(norm, m.start())
        if close is None:
            continue
        att = Attribution(start=m.start(), end=close + 1)
        _fill_parts(norm, m.start() + 1, close, att, prefix="inline", doc_rule=doc_rule)
        if att.parts:
            return att
    return None


def find_labelled_lines(
    norms: list[str], *, doc_rule: str | None = None
) -> tuple[int, list[Attribution]] | None:
    """Trailing lines of a task that each start with a label ("牵头单位:…"); returns (first line index, parts).

    Each Attribution's offsets index its own line.
    """
    first = len(norms)
    while first > 0 and label_line(norms[first - 1]):
        first -= 1
    if first == len(norms):
        return None
    atts = []
    for n in norms[first:]:
        att = Attribution(start=0, end=len(n.rstrip(" 。.;,")))
        verb = VERB_LABEL.search(n)
        if verb and not LABEL.search(n):  # "部门分工:省发改委牵头,各地配合"
            said = find_sentence(n[verb.end():])
            for part in said.parts if said else []:
                att.parts.append(Part(part.role, part.label, part.start + verb.end(), part.end + verb.end()))
            if said and said.leader:
                att.leader = (said.leader[0] + verb.end(), said.leader[1] + verb.end())
        else:
            _fill_parts(n, 0, att.end, att, prefix="line", doc_rule=None)
        atts.append(att)
    _assign_roles([p for a in atts for p in a.parts], doc_rule)
    rule = _rule_name("line", [p for a in atts for p in a.parts], doc_rule)
    for a in atts:
        a.rule = rule
    return first, atts


def _fill_parts(
    norm: str, start: int, end: int, att: Attribution, *, prefix: str, doc_rule: str | None
) -> None:
    """Split norm[start:end] at its labels into role parts (and a deadline)."""
    marks: list[tuple[int, int, str]] = []  # (label start, list start, stem or "deadline")
    for m in LABEL.finditer(norm, start, end):
        marks.append((m.start(), m.end(), m.group(1)))
    for m in DEADLINE.finditer(norm, start, end):
        marks.append((m.start(), m.end(), "deadline"))
    for m in OTHER_LABEL.finditer(norm, start, end):
        marks.append((m.start(), m.end(), "leader" if LEADER_LABEL.match(m.group(0)) else "other"))
    marks.sort()
    for i, (_, list_start, stem) in enumerate(marks):
        list_end = marks[i + 1][0] if i + 1 < len(marks) else end
        stop = norm.find("。", list_start, list_end)
        if stop != -1 and norm[stop + 1 : list_end].strip(" 。.;,"):
            list_end = stop  # "区工信局。企业诉求每月通报一次。": a sentence after the list is not a unit
        while list_end > list_start and norm[list_end - 1] in " ;,、。.":
            list_end -= 1
        if list_end <= list_start:
            continue
        if stem == "deadline":
            att.deadline = (list_start, list_end)
        elif stem == "leader":
            att.leader = att.leader or (list_start, list_end)
        elif stem != "other":
            due = UNIT_DEADLINE.search(norm, list_start, list_end)
            if due and due.start() > list_start:  # "县民政局(11月底前)", "县住建局,2024年10月15日前完成"
                att.deadline = att.deadline or (due.start(1), due.end(1))
                list_end = due.start()
            att.parts.append(Part("lead", stem, list_start, list_end))
    _assign_roles(att.parts, doc_rule)
    att.rule = _rule_name(prefix, att.parts, doc_rule)


# Inside one table cell the stem alone is a label: "牵头:县发改委;配合:县工信局、县财政局".
CELL_LABEL = re.compile(rf"({_STEM_ALT})(?:{_UNIT})?\s*:\s*")


def cell_parts(norm: str, start: int, end: int) -> list[Part] | None:
    """A unit cell that carries its own labels, split into role parts; None when the cell has no label."""
    marks = list(CELL_LABEL.finditer(norm, start, end))
    if not marks or norm[start:marks[0].start()].strip(" ;,、"):
        return None
    parts = []
    for i, m in enumerate(marks):
        list_end = marks[i + 1].start() if i + 1 < len(marks) else end
        while list_end > m.end() and norm[list_end - 1] in " ;,、。.":
            list_end -= 1
        if list_end > m.end():
            parts.append(Part("lead", m.group(1), m.end(), list_end))
    _assign_roles(parts, None)
    return parts


def _assign_roles(parts: list[Part], doc_rule: str | None) -> None:
    """Roles from labels: leads are 牵头/主办/承办, or 责任 when no lead label is present."""
    has_lead_label = any(p.label in ("牵头", "主办", "主责", "主要") for p in parts)
    for p in parts:
        if p.label in ("牵头", "主办", "主责", "主要"):
            p.role = "lead"
        elif p.label == "承办" or p.label in RESPONSIBLE_STEMS:
            p.role = "support" if has_lead_label else "lead"
        else:
            p.role = "support"


def _rule_name(prefix: str, parts: list[Part], doc_rule: str | None) -> str:
    labels = list(dict.fromkeys(p.label for p in parts))
    if doc_rule and labels == ["责任"]:
        return doc_rule
    if len(labels) == 1:
        return f"{prefix}:{labels[0]}only"
    return f"{prefix}:" + "+".join(labels)


# --------------------------------------------------------------------------- tables

def header_rule(cells: list[str]) -> str | None:
    """A role rule written into the header itself: "责任单位(排第一位的为牵头单位)"."""
    return find_document_rule("".join(cells))


def table_roles(columns: dict[str, int], doc_rule: str | None) -> tuple[dict[str, Role], str]:
    """Which unit column gives which role, and the rule name, for a table with `columns`."""
    roles: dict[str, Role] = {}
    if "lead" in columns:
        roles["lead"] = "lead"
        if "responsible" in columns:
            roles["responsible"] = "support"
    elif "responsible" in columns:
        roles["responsible"] = "lead"
    for column in columns:
        if column.startswith("support"):
            roles[column] = "support"
    if doc_rule and "lead" not in columns and "responsible" in columns and "support" not in columns:
        return roles, doc_rule
    return roles, "table"
