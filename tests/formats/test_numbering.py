"""Word's automatic numbering rebuilt from numbering.xml: formats, restarts, overrides, multi-level text."""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from loaders.formats.numbering import Numbering, chinese_counting


def test_chinese_counting_as_printed():
    printed = {1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 99: "九十九", 100: "一百",
               105: "一百零五", 110: "一百一十"}
    assert {n: chinese_counting(n) for n in printed} == printed


def numbering(levels: str, nums: str) -> Numbering:
    return Numbering(parse_xml(f'<w:numbering {nsdecls("w")}><w:abstractNum w:abstractNumId="1">{levels}'
                               f"</w:abstractNum>{nums}</w:numbering>"))


LEVELS = (
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlRestart w:val="0"/>'
    '<w:lvlText w:val="%4)"/></w:lvl>'
    '<w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:isLgl/>'
    '<w:lvlText w:val="%2.%5"/></w:lvl>'
)


def test_levels_restart_under_a_higher_level_unless_told_not_to():
    n = numbering(LEVELS, '<w:num w:numId="7"><w:abstractNumId w:val="1"/></w:num>')
    seq = [(0, "一、"), (1, "（一）"), (2, "1."), (2, "2."), (3, "1)"), (1, "（二）"), (2, "1."), (3, "2)"),
           (0, "二、"), (1, "（一）"), (4, "1.1")]
    assert [n.label("7", lvl) for lvl, _ in seq] == [p for _, p in seq]


def test_a_list_instance_with_start_override_restarts_at_its_value_and_shared_lists_count_on():
    n = numbering(LEVELS, '<w:num w:numId="7"><w:abstractNumId w:val="1"/></w:num>'
                          '<w:num w:numId="8"><w:abstractNumId w:val="1"/>'
                          '<w:lvlOverride w:ilvl="2"><w:startOverride w:val="12"/></w:lvlOverride></w:num>'
                          '<w:num w:numId="9"><w:abstractNumId w:val="1"/></w:num>')
    assert [n.label("7", 2), n.label("7", 2), n.label("8", 2), n.label("8", 2), n.label("9", 2)] == [
        "1.", "2.", "12.", "13.", "14."]
    assert n.label("0", 0) == "" and n.label("42", 0) == ""  # numId 0 and unknown lists: no number
