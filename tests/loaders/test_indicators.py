"""Indicator extraction rules; each row's text and expected target copied from a sample document."""

from __future__ import annotations

import pytest

from graph.model import Provenance
from loaders.indicators import extract_indicators

Row = tuple[str, float | None, str | None, str | None, int | None]  # name, target, unit, comparator, year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 004 约束性指标 6: the example
        ("绿化覆盖率达到41.51%。", [("绿化覆盖率", 41.51, "%", ">=", None)]),
        # plain number → "="
        ("劳动年龄人口平均受教育年限12.5年。", [("劳动年龄人口平均受教育年限", 12.5, "年", "=", None)]),
        ("每千人口拥有执业(助理)医师数7人。", [("每千人口拥有执业(助理)医师数", 7, "人", "=", None)]),
        # strict comparators keep strictness; 年均 / 左右 wording (004 预期性指标)
        ("全员劳动生产率增长年均大于7%。", [("全员劳动生产率增长", 7, "%", ">", None)]),
        ("城镇调查失业率小于6%。", [("城镇调查失业率", 6, "%", "<", None)]),
        ("基本养老保险参保率大于99.4%。", [("基本养老保险参保率", 99.4, "%", ">", None)]),
        ("地区生产总值增长年均7%左右。", [("地区生产总值增长", 7, "%", "=", None)]),
        ("每万人口高价值发明专利拥有量达到28件。", [("每万人口高价值发明专利拥有量", 28, "件", ">=", None)]),
        # 以内 / 以下 / 不低于 / 不少于 / 以上
        ("城镇登记失业率控制在 5%以内", [("城镇登记失业率", 5, "%", "<=", None)]),
        ("努力将出生人口性别比控制在107以内", [("出生人口性别比", 107, None, "<=", None)]),
        ("到 2025 年,农村低保标准占城市低保标准比例不低于 90%。",
         [("农村低保标准占城市低保标准比例", 90, "%", ">=", 2025)]),
        ("新增公办学前教育学位不少于 20 万个", [("新增公办学前教育学位", 20, "万个", ">=", None)]),
        ("到2025年,每千人口医疗卫生机构床位数达到8.8张,三级医院数达到70家以上。",
         [("每千人口医疗卫生机构床位数", 8.8, "张", ">=", 2025), ("三级医院数", 70, "家", ">=", 2025)]),
        ("到2025年,重大慢性病过早死亡率下降到10.5%以下。", [("重大慢性病过早死亡率", 10.5, "%", "<=", 2025)]),
        # 分别: one indicator per name, units per value (000 附件1 row 1)
        ("1.孕产妇死亡率、婴儿死亡率分别控制在 9/10 万、2.5‰ 以下。2.到 2025 年,每千人口拥有 3 岁以下婴幼儿托位数达到 4.5 个以上。",
         [("孕产妇死亡率", 9, "/10万", "<=", None), ("婴儿死亡率", 2.5, "‰", "<=", None),
          ("每千人口拥有3岁以下婴幼儿托位数", 4.5, "个", ">=", 2025)]),
        # 000 附件1 row 9: one per 险种, shared tail "参保人数"
        ("到2025年,基本养老保险、医疗保险、工伤保险、失业保险、生育保险参保人数分别达到720万人、1050万人、380万人、305万人、335万人。",
         [("基本养老保险参保人数", 720, "万人", ">=", 2025), ("医疗保险参保人数", 1050, "万人", ">=", 2025),
          ("工伤保险参保人数", 380, "万人", ">=", 2025), ("失业保险参保人数", 305, "万人", ">=", 2025),
          ("生育保险参保人数", 335, "万人", ">=", 2025)]),
        # 001 full-width digits, spaces, "和" between names
        ("到 ２０２５ 年，基本医疗保险和生育保险参保人数分别达到 １０５０ 万人、３３５ 万人",
         [("基本医疗保险参保人数", 1050, "万人", ">=", 2025), ("生育保险参保人数", 335, "万人", ">=", 2025)]),
        ("孕产妇和婴儿死亡率分别控制在 ９ / １０ 万、２.５‰以下",
         [("孕产妇死亡率", 9, "/10万", "<=", None), ("婴儿死亡率", 2.5, "‰", "<=", None)]),
        # 均: every name gets the value
        ("食用农产品质量安全监测总体合格率、食品抽检合格率均达到 98%以上。",
         [("食用农产品质量安全监测总体合格率", 98, "%", ">=", None), ("食品抽检合格率", 98, "%", ">=", None)]),
        # counts with no comparator verb → "="; 以上 / 至少 → ">="
        ("到2025年,新增公租房保障1万套(户)。", [("新增公租房保障", 1, "万套", "=", 2025)]),
        ("新建 30 家标杆中心戒毒社区、新建 2000 个智慧平安小区。",
         [("新建标杆中心戒毒社区", 30, "家", "=", None), ("新建智慧平安小区", 2000, "个", "=", None)]),
        ("到2025年,全市至少建成5个人工智能养老示范区、10个人工智能养老机构、30个人工智能养老社区、3000张家庭养老床位。",
         [("建成人工智能养老示范区", 5, "个", ">=", 2025), ("建成人工智能养老机构", 10, "个", ">=", 2025),
          ("建成人工智能养老社区", 30, "个", ">=", 2025), ("建成家庭养老床位", 3000, "张", ">=", 2025)]),
        ("全市每年举办各类文化惠民活动 1500 场以上", [("每年举办各类文化惠民活动", 1500, "场", ">=", None)]),
        ("3.重点建设 1 所领航学校和 1 所特色高中。",
         [("重点建设领航学校", 1, "所", "=", None), ("重点建设特色高中", 1, "所", "=", None)]),
        ("建设高标准农田7.5万亩", [("建设高标准农田", 7.5, "万亩", "=", None)]),
        # 占 + share
        ("全市每周参加 3 次及以上体育锻炼的人数占总人口 50%及以上。",
         [("每周参加3次及以上体育锻炼的人数占总人口", 50, "%", ">=", None)]),
        ("高校专职保安数量不少于师生总人数的 4‰", [("高校专职保安数量占师生总人数", 4, "‰", ">=", None)]),
        # symbols and period words of other documents
        ("城镇登记失业率≤5%", [("城镇登记失业率", 5, "%", "<=", None)]),
        ("森林覆盖率≥15%", [("森林覆盖率", 15, "%", ">=", None)]),
        ("到“十四五”末,人均公园绿地面积达到8.9平方米", [("人均公园绿地面积", 8.9, "平方米", ">=", 2025)]),
        # numbers that are not targets
        ("加快建设“15分钟养老服务圈”。", []),
        ("实施影响群众健康突出问题“323”攻坚行动。", []),
        ("保障11号线三期、12号线、10号线一期等轨道交通建设。", []),
    ],
)
def test_extract(text: str, expected: list[Row]) -> None:
    got = [(i.name, i.target, i.unit, i.comparator, i.year) for i in extract_indicators(text)]
    assert got == [(n, float(t) if t is not None else None, u, c, y) for n, t, u, c, y in expected]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("单位地区生产总值能源消耗降低完成市下达目标。", "单位地区生产总值能源消耗降低"),  # 004 约束性 2
        ("地表水达到或好于III类水体比例完成市下达目标。", "地表水达到或好于III类水体比例"),  # 004 约束性 5
        ("全社会研发经费投入增长完成市下达目标。", "全社会研发经费投入增长"),  # 004 预期性 3
    ],
)
def test_set_by_city(text: str, name: str) -> None:
    [ind] = extract_indicators(text, type="约束性")
    assert (ind.name, ind.target, ind.set_by_city, ind.type) == (name, None, True, "约束性")


def test_type_written_in_the_row() -> None:
    [ind] = extract_indicators("城镇调查失业率小于6%(预期性)")
    assert (ind.name, ind.target, ind.type) == ("城镇调查失业率", 6.0, "预期性")


def test_indicator_row_without_number_is_kept() -> None:
    [ind] = extract_indicators("居民人均可支配收入增长与经济增长保持同步。", type="预期性")  # 004 预期性 6
    assert (ind.name, ind.target, ind.type) == ("居民人均可支配收入增长与经济增长保持同步", None, "预期性")
    assert extract_indicators("居民人均可支配收入增长与经济增长保持同步。") == []


def test_type_and_provenance_are_carried() -> None:
    prov = Provenance("004.txt", 34, 34, "6.绿化覆盖率达到41.51%。(责任单位:区城管局)")
    [ind] = extract_indicators("绿化覆盖率达到41.51%。", type="约束性", provenance=prov)
    assert ind.type == "约束性"
    assert (ind.provenance.source, ind.provenance.line_start, ind.provenance.span) == ("004.txt", 34, "绿化覆盖率达到41.51%")


def test_span_is_exact_text() -> None:
    text = "1.孕产妇死亡率、婴儿死亡率分别控制在 9/10 万、2.5‰ 以下。"
    for ind in extract_indicators(text):
        assert ind.text in text
