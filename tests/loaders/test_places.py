"""The document's place: jurisdiction from its own evidence, and place data scoped to its place."""

from __future__ import annotations

import pytest

from loaders import places
from loaders.parse import parse_bytes
from loaders.reading import read


def _detect(text: str) -> places.Jurisdiction:
    from loaders import structure

    md, _ = structure.metadata(read(text.encode(), "x.txt"))
    return md.place


@pytest.mark.parametrize(
    "text, name, level, evidence, parent",
    [
        # issuer above the signature date
        ("关于印发重点工作分解方案的通知\n各街道办事处:\n现印发。\n鞍山市立山区人民政府\n2023年3月28日\n",
         "立山区", "district", "issuer", "鞍山市"),
        # the 发布机构 field of a web page
        ("名  称: 关于印发分工方案的通知 发布机构: 嘉鱼县人民政府办公室\n一、目标\n", "嘉鱼县", "county", "issuer", ""),
        # the red header line
        ("咸阳市人民政府文件\n咸政发〔2023〕1号\n关于印发任务分工的通知\n", "咸阳市", "city", "header", ""),
        # the title alone
        ("萧山区2024年民生实事项目责任分解表\n一、教育\n", "萧山区", "district", "title", ""),
        ("广东省人民政府关于印发重点任务分工方案的通知\n", "广东省", "province", "title", ""),
        # a joint party–government issuer line: the place once, not "委办公室镇坪县"
        ("中共镇坪县委办公室　镇坪县人民政府办公室\n关于印发重点工作任务分工的通知\n各镇党委、人民政府:\n",
         "镇坪县", "county", "header", ""),
        # a province department
        ("吉林省发展和改革委员会关于印发促进消费实施方案的通知\n", "吉林省", "province", "title", ""),
        # a banner
        ("科尔沁右翼前旗人民政府办公室关于印发重点工作任务分解的通知\n", "科尔沁右翼前旗", "county", "title", ""),
        # a 地区 and a 盟 under their 行政公署; a county-level city whose notice goes to towns
        ("阿克苏地区行政公署办公室关于印发重点工作任务分工的通知\n", "阿克苏地区", "city", "title", ""),
        ("锡林郭勒盟行政公署关于分解下达重点工作任务的通知\n", "锡林郭勒盟", "city", "title", ""),
        ("晋江市人民政府办公室关于印发为民办实事项目的通知\n各镇人民政府、街道办事处,市直有关单位:\n",
         "晋江市", "county", "title", ""),
        ("泸州市人民政府办公室关于印发任务清单的通知\n各区、县人民政府,市级各部门:\n", "泸州市", "city", "title", ""),
        # Traditional script
        ("盤錦市人民政府辦公室關於印發任務分解方案的通知\n", "盘锦市", "city", "title", ""),
        # no place named: level only, from the issuer's level word / addressee / unit prefixes
        ("区人民政府办公室关于印发责任分解方案的通知\n", "", "district", "issuer", ""),
        ("关于印发分工方案的通知\n各乡镇人民政府,县政府各部门:\n", "", "county", "addressee", ""),
        ("关于印发分工方案的通知\n各县(市、区)人民政府,市政府各部门:\n", "", "city", "addressee", ""),
        ("重点工作任务\n1.推进项目建设。(牵头单位:区发改局;责任单位:区财政局)\n", "", "district", "units", ""),
        ("重点工作任务\n1.推进项目建设。\n", "", "", "", ""),
    ],
)
def test_jurisdiction_from_the_document(text, name, level, evidence, parent):
    got = _detect(text)
    assert (got.name, got.level, got.evidence, got.parent) == (name, level, evidence, parent)


@pytest.mark.parametrize(
    "given, name, level, parent",
    [("立山区", "立山区", "district", ""), ("南陵县", "南陵县", "county", ""), ("鞍山市立山区", "立山区", "district", "鞍山市"),
     ("浙江省", "浙江省", "province", "")],
)
def test_a_stated_jurisdiction(given, name, level, parent):
    got = places.given(given)
    assert (got.name, got.level, got.evidence, got.parent) == (name, level, "override", parent)


OTHER_CITY = (
    "南江市人民政府办公室关于印发2016年重点工作分解的通知\n一、重点任务\n"
    "1.整治城区河道。(牵头单位:市环保局;责任单位:市交委、市建委、各区人民政府)\n"
)


def test_wuhan_knowledge_stays_in_wuhan():
    """市环保局 is 市生态环境局 only in Wuhan's table: another city's document keeps its own names."""
    doc = parse_bytes(OTHER_CITY.encode(), "nanjiang.txt")
    (task,) = doc.tasks
    assert task.jurisdiction == "南江市"
    assert [(a.role, a.agency.name, a.agency.jurisdiction) for a in task.assignments] == [
        ("lead", "市环保局", "南江市"), ("support", "市交委", "南江市"), ("support", "市建委", "南江市"),
        ("support", "各区人民政府", "南江市"),
    ]
    wuhan = parse_bytes(OTHER_CITY.replace("南江市", "武汉市").encode(), "wuhan.txt")
    assert [a.agency.name for a in wuhan.tasks[0].assignments][:2] == ["市生态环境局", "市交通运输局"]


def test_unknown_place_is_never_wuhan_and_is_warned():
    text = "重点工作分解\n一、重点任务\n1.整治河道。(牵头单位:市环保局;责任单位:市交委)\n"
    doc = parse_bytes(text.encode(), "nowhere.txt")
    assert doc.document.jurisdiction == ""
    assert [a.agency.name for a in doc.tasks[0].assignments] == ["市环保局", "市交委"]
    assert all(a.agency.jurisdiction != "武汉市" for a in doc.tasks[0].assignments)
    assert any("未能从文件中识别发文地区" in w for w in doc.warnings)


def test_override_qualifies_district_units():
    text = "重点工作分解\n一、重点任务\n1.整治河道。(牵头单位:区水务局;责任单位:区财政局、各街道)\n"
    doc = parse_bytes(text.encode(), "x.txt", jurisdiction="立山区")
    assert (doc.document.jurisdiction, doc.document.jurisdiction_evidence) == ("立山区", "override")
    assert [a.agency.name for a in doc.tasks[0].assignments] == ["立山区水务局", "立山区财政局", "各街道"]


@pytest.mark.parametrize(
    "jurisdiction, written, name",
    [
        ("立山区", "区发改局", "立山区发改局"),
        ("南陵县", "县教育局", "南陵县教育局"),
        ("南陵县", "县人民政府办公室", "南陵县人民政府办公室"),
        ("立山区", "区委组织部", "立山区委组织部"),
        ("立山区", "市生态环境局立山分局", "市生态环境局立山分局"),
        ("立山区", "区直各部门", "区直各部门"),
        ("咸阳市", "市环保局", "市环保局"),
        ("咸阳市", "区发改局", "区发改局"),  # a district unit in a city document has no district to take
    ],
)
def test_level_qualification(jurisdiction, written, name):
    text = f"重点工作分解\n1.推进工作。(牵头单位:{written})\n"
    doc = parse_bytes(text.encode(), "x.txt", jurisdiction=jurisdiction)
    assert [a.agency.name for a in doc.tasks[0].assignments] == [name]
