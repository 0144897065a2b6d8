"""The generic name grammar (loaders.names): one row per convention of the genre, no place knowledge."""

from __future__ import annotations

import pytest

from loaders import names
from loaders.context import PlaceContext
from loaders.places import given


@pytest.mark.parametrize(
    "text, items",
    [
        # groups stay whole, never split inside
        ("各区、县(市)人民政府", ["各区、县(市)人民政府"]),
        ("各县(市、区)政府", ["各县(市、区)政府"]),
        ("相关市、县政府", ["相关市、县政府"]),
        ("各市、县、自治县人民政府", ["各市、县、自治县人民政府"]),
        ("市发改委,各县(市)、区人民政府", ["市发改委", "各县(市)、区人民政府"]),
        ("市发改委,各辖市、区人民政府", ["市发改委", "各辖市、区人民政府"]),
        ("市商务局,各镇人民政府、街道办事处", ["市商务局", "各镇人民政府、街道办事处"]),
        ("自治区商务厅,各市行政公署、人民政府", ["自治区商务厅", "各市行政公署、人民政府"]),
        ("各街道、区直各部门", ["各街道", "区直各部门"]),
        # trailing notes are not units
        ("市财政局,市级各有关部门按职责分工负责", ["市财政局", "市级各有关部门"]),
        ("区直各部门(下同)", ["区直各部门"]),
        ("县民政局(首位单位为牵头单位,下同)、县财政局", ["县民政局", "县财政局"]),
        ("各区人民政府(含开发区,下同)", ["各区人民政府(含开发区,下同)"]),
        ("市商务局、配合落实", ["市商务局"]),
        ("省发展改革委、省科技厅(按职责分工负责)", ["省发展改革委", "省科技厅"]),
        ("市统计局,以下均需各县落实", ["市统计局"]),
        # people and roles are not units and do not break the list
        ("区长 王某某、区发改局", ["区发改局"]),
        ("分管副县长、县教育局", ["县教育局"]),
        # A及B when both are units
        ("市级各有关部门及各县市区政府", ["市级各有关部门", "各县市区政府"]),
        ("市停车场及新能源汽车配套设施建设工作领导小组", ["市停车场及新能源汽车配套设施建设工作领导小组"]),
    ],
)
def test_split_units(text: str, items: list[str]) -> None:
    assert names.split_units(text, is_whole=names.looks_like_unit) == items


@pytest.mark.parametrize(
    "items, shared",
    [
        (["市发改委", "国土房管局", "规划局"], ["市发改委", "市国土房管局", "市规划局"]),
        (["省科技厅", "财政厅", "省有关部门"], ["省科技厅", "省财政厅", "省有关部门"]),
        (["区发改局", "各街道", "税务局"], ["区发改局", "各街道", "税务局"]),  # a group ends the shared prefix
        (["市发改委", "团市委"], ["市发改委", "团市委"]),
        (["市商务局", "萧山区发改局"], ["市商务局", "萧山区发改局"]),  # a name with its own place
        (["自治区发展改革委", "财政厅", "商务厅"], ["自治区发展改革委", "自治区财政厅", "自治区商务厅"]),
    ],
)
def test_share_prefix(items: list[str], shared: list[str]) -> None:
    assert names.share_prefix(items) == shared


@pytest.mark.parametrize(
    "items, shared",
    [
        (["江城", "东山区人民政府"], ["江城区人民政府", "东山区人民政府"]),
        (["白沙", "云溪县人民政府"], ["白沙县人民政府", "云溪县人民政府"]),
        (["哈尔滨", "黑河", "绥芬河市政府"], ["哈尔滨市政府", "黑河市政府", "绥芬河市政府"]),
        (["青岛", "烟台", "威海市人民政府"], ["青岛市人民政府", "烟台市人民政府", "威海市人民政府"]),
        (["江州高新区", "江州经开区管委会"], ["江州高新区管委会", "江州经开区管委会"]),
        (["东津新区(经开区)", "高新区管委会"], ["东津新区(经开区)管委会", "高新区管委会"]),
        (["祁门县", "黟县人民政府"], ["祁门县人民政府", "黟县人民政府"]),
        (["洋浦经济开发区", "三亚崖州湾科技城管理局"], ["洋浦经济开发区管理局", "三亚崖州湾科技城管理局"]),
        (["市交委", "市建委", "各区人民政府"], ["市交委", "市建委", "各区人民政府"]),  # a group lends nothing
        (["立山经济开发区", "区人民政府"], ["立山经济开发区", "区人民政府"]),
        (["鼓东", "鼓西", "温泉街道办事处"], ["鼓东街道办事处", "鼓西街道办事处", "温泉街道办事处"]),
        (["玉树", "果洛州人民政府"], ["玉树州人民政府", "果洛州人民政府"]),
        (["钦州", "南宁市人民政府"], ["钦州市人民政府", "南宁市人民政府"]),  # 州 ends a city's name here
    ],
)
def test_share_suffix(items: list[str], shared: list[str]) -> None:
    assert names.share_suffix(items) == shared


@pytest.mark.parametrize(
    "jurisdiction, text, resolved",
    [
        ("立山区", "区发改局、区财政局、税务局", ["立山区发改局", "立山区财政局", "立山区税务局"]),
        ("立山区", "各街道、区直各部门", ["各街道", "区直各部门"]),
        ("南陵县", "县教育局等有关部门", ["南陵县教育局", "有关部门"]),
        ("南陵县", "县发改委等部门", ["南陵县发改委"]),
        ("咸阳市", "市环保局、市交委", ["市环保局", "市交委"]),
        ("鞍山市立山区", "市生态环境局、区城管局", ["市生态环境局", "立山区城管局"]),
        ("科尔沁右翼前旗", "旗农牧局、各苏木乡镇人民政府", ["科尔沁右翼前旗农牧局", "各苏木乡镇人民政府"]),
        ("芝罘区", "区发改局(负责汇总)、区民政局(牵头)", ["芝罘区发改局", "芝罘区民政局"]),
        ("芝罘区", "区行政审批服务局(区大数据局)", ["芝罘区行政审批服务局(区大数据局)"]),
    ],
)
def test_resolved_in_a_place(jurisdiction: str, text: str, resolved: list[str]) -> None:
    context = PlaceContext.for_document(given(jurisdiction))
    place = given(jurisdiction)
    assert [a.name for _, a in context.resolve_list(text, jurisdiction=place.name)] == resolved


def test_a_city_unit_in_a_district_document_belongs_to_the_city() -> None:
    place = given("鞍山市立山区")
    (_, agency), = PlaceContext.for_document(place).resolve_list("市生态环境局", jurisdiction=place.name)
    assert (agency.name, agency.jurisdiction) == ("市生态环境局", "鞍山市")
