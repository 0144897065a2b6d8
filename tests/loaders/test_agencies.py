"""Agency resolution rules, one row per convention and per tricky unit name (expected values from the samples)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.model import CITY
from loaders.agencies import DEFAULT_ALIASES, Resolver, split_units

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def r() -> Resolver:
    return Resolver.default()


# ---- splitting -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("市经信局、市自然资源规划局、市城管执法委", ["市经信局", "市自然资源规划局", "市城管执法委"]),  # 003 116
        ("市公安局、市人社局、市市场监管局,各区人民政府", ["市公安局", "市人社局", "市市场监管局", "各区人民政府"]),  # 003 118
        ("市人社局 市医保局", ["市人社局", "市医保局"]),  # 000 附件1 row 9, space-separated cell
        ("市应急局 市公安局 市消防救援支队", ["市应急局", "市公安局", "市消防救援支队"]),  # 000 row 23
        ("市发改委；市财政局", ["市发改委", "市财政局"]),  # full-width semicolon
        ("市发改委，市财政局", ["市发改委", "市财政局"]),  # full-width comma
        ("区科经局、区委组织部(人才科)", ["区科经局", "区委组织部(人才科)"]),  # 004 l.66: never inside brackets
        ("各区人民政府(含开发区、风景区管委会,下同)", ["各区人民政府(含开发区、风景区管委会,下同)"]),  # 000 row 1
        ("市委宣传部〈市文明办〉、市教育局", ["市委宣传部〈市文明办〉", "市教育局"]),
        ("责任单位: 市生态环境局武昌分局", ["市生态环境局武昌分局"]),  # 004 l.30 stray space, label
    ],
)
def test_split_units(text: str, items: list[str]) -> None:
    assert split_units(text) == items


# ---- resolve_list --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "jurisdiction", "names"),
    [
        # shared-suffix expansion (003 162, 230, 194, 169, 177)
        ("青山、新洲区人民政府,武汉金控集团", CITY, ["青山区人民政府", "新洲区人民政府", "武汉金控集团"]),
        ("江夏、黄陂区人民政府", CITY, ["江夏区人民政府", "黄陂区人民政府"]),
        ("蔡甸、江夏、黄陂、新洲区人民政府", CITY,
         ["蔡甸区人民政府", "江夏区人民政府", "黄陂区人民政府", "新洲区人民政府"]),
        ("东湖高新区、长江新区、武汉经开区、临空港开发区管委会", CITY,
         ["东湖高新区管委会", "长江新区管委会", "武汉经开区管委会", "临空港开发区管委会"]),
        ("市自然资源规划局,东湖高新区管委会,洪山区、各新城区人民政府", CITY,
         ["市自然资源规划局", "东湖高新区管委会", "洪山区人民政府", "各新城区人民政府"]),
        # 004 l.122: "等各执法单位" gives the unit and a group; district groups qualified by the district
        (("武昌区公安分局、区法院、区检察院、区发改局、区市场监管局、武汉市生态环境局武昌分局、区城管局等各执法单位、"
          "各普法成员单位,各街道"), "武昌区",
         ["武昌区公安分局", "武昌区法院", "武昌区检察院", "武昌区发改局", "武昌区市场监管局", "市生态环境局武昌分局",
          "武昌区城管局", "武昌区各执法单位", "武昌区各普法成员单位", "武昌区各街道"]),
        # 004 预期性指标 1 (worked example in the issue)
        ("区科经局、区建设局、区商务局、区房管局、区金融局、区人资局、区税务局", "武昌区",
         ["武昌区科经局", "武昌区建设局", "武昌区商务局", "武昌区房管局", "武昌区金融局", "武昌区人资局", "武昌区税务局"]),
        ("市人社局 市医保局", CITY, ["市人社局", "市医保局"]),
        ("市就业工作领导小组各成员单位,各区人民政府", CITY, ["市就业工作领导小组各成员单位", "各区人民政府"]),  # 000 row 7
        ("市发改委、市发展改革委", CITY, ["市发改委"]),  # one unit, listed once
        # conventions of other documents
        ("市发改委、市财政局等部门", CITY, ["市发改委", "市财政局"]),  # "等部门" is not a unit
        ("各区、市直各有关部门", CITY, ["各区人民政府", "市直各相关部门"]),
        ("区人民政府办公室、区发改局", "江岸区", ["江岸区政府办", "江岸区发改局"]),  # another district's document
        ("区教育局", "东湖高新区", ["东湖高新区教育局"]),  # a zone's document
        ("县发改局、县人民政府", "阳新县", ["阳新县发改局", "阳新县人民政府"]),  # a county's document
        ("市卫健委(牵头)、市民政局", CITY, ["市卫健委", "市民政局"]),
        ("市 发改委、市财政 局", CITY, ["市发改委", "市财政局"]),  # spaces inside names in extracted text
        ("东湖高新区 武汉经开区管委会", CITY, ["东湖高新区管委会", "武汉经开区管委会"]),
        ("市卫健委 市民政局", CITY, ["市卫健委", "市民政局"]),  # 000 附件1 row 14
        ("各街道,区促进3岁以下婴幼儿照护服务发展工作联席会议组成成员单位", "武昌区",
         ["武昌区各街道", "武昌区促进3岁以下婴幼儿照护服务发展工作联席会议组成成员单位"]),  # 004 l.96
    ],
)
def test_resolve_list(r: Resolver, text: str, jurisdiction: str, names: list[str]) -> None:
    got = r.resolve_list(text, jurisdiction=jurisdiction)
    assert [a.name for _, a in got] == names
    assert all(a.resolved for _, a in got)


def test_written_is_the_printed_item(r: Resolver) -> None:
    got = r.resolve_list("青山、新洲区人民政府", jurisdiction=CITY)
    assert [w for w, _ in got] == ["青山", "新洲区人民政府"]


# ---- resolve: one row per convention -------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "jurisdiction", "canonical", "type_", "agency_jurisdiction"),
    [
        ("区发改局", "武昌区", "武昌区发改局", "department", "武昌区"),
        ("区水务湖泊局", "武昌区", "武昌区水务和湖泊局", "department", "武昌区"),  # variant = one unit
        ("区水务和湖泊局", "武昌区", "武昌区水务和湖泊局", "department", "武昌区"),
        ("区政法委", "武昌区", "武昌区委政法委", "party_organ", "武昌区"),  # 004 l.112 vs l.122
        ("区委组织部(人才科)", "武昌区", "武昌区委组织部", "party_organ", "武昌区"),  # bracketed sub-office
        ("区委办", "武昌区", "武昌区委办", "party_organ", "武昌区"),
        ("区妇联", "武昌区", "武昌区妇联", "mass_organisation", "武昌区"),
        ("区残联", "武昌区", "武昌区残联", "mass_organisation", "武昌区"),
        ("武昌社保处", "武昌区", "武昌区社保处", "other", "武昌区"),
        ("滨江商务区管委会", "武昌区", "滨江商务区管委会", "zone_committee", "武昌区"),
        ("武昌古城中心", "武昌区", "武昌古城中心", "other", "武昌区"),
        ("相关街道", "武昌区", "武昌区相关街道", "group", "武昌区"),
        ("区安委会成员单位", "武昌区", "武昌区安委会成员单位", "group", "武昌区"),
        ("市生态环境局武昌分局", "武昌区", "市生态环境局武昌分局", "branch", "武昌区"),
        ("武汉市生态环境局武昌分局", "武昌区", "市生态环境局武昌分局", "branch", "武昌区"),
        ("市生态环境局武昌分局", CITY, "市生态环境局武昌分局", "branch", "武昌区"),  # same unit from a city doc
        ("武昌区公安分局", "武昌区", "武昌区公安分局", "branch", "武昌区"),
        ("区公安分局", "武昌区", "武昌区公安分局", "branch", "武昌区"),
        ("市委宣传部〈市文明办〉", CITY, "市委宣传部", "party_organ", CITY),
        ("市文明办", CITY, "市委宣传部", "party_organ", CITY),
        ("市自然资源局规划局", CITY, "市自然资源规划局", "department", CITY),  # typo in 000 附件1
        ("市政府国资委", CITY, "市政府国资委", "department", CITY),
        ("市委政法委", CITY, "市委政法委", "party_organ", CITY),
        ("团市委", CITY, "团市委", "mass_organisation", CITY),
        ("市总工会", CITY, "市总工会", "mass_organisation", CITY),
        ("市工商联", CITY, "市工商联", "mass_organisation", CITY),
        ("武汉城发集团", CITY, "武汉城发集团", "state_firm", CITY),
        ("市城投公司", CITY, "市城投公司", "state_firm", CITY),
        ("市停车场及新能源汽车配套设施建设工作领导小组", CITY, "市停车场及新能源汽车配套设施建设工作领导小组",
         "leading_group", CITY),
        ("市疫情防控指挥部办公室", CITY, "市疫情防控指挥部办公室", "leading_group", CITY),
        ("各区疫情防控指挥部", CITY, "各区疫情防控指挥部", "group", CITY),
        ("市就业工作领导小组各成员单位", CITY, "市就业工作领导小组各成员单位", "group", CITY),
        ("市人民政府各部门", CITY, "市人民政府各部门", "group", CITY),
        ("各区人民政府(含开发区、风景区管委会,下同)", CITY, "各区人民政府", "group", CITY),
        ("江岸区人民政府", CITY, "江岸区人民政府", "district_government", "江岸区"),
        ("洪山区", CITY, "洪山区人民政府", "district_government", "洪山区"),
        ("东湖高新区管委会", CITY, "东湖高新区管委会", "zone_committee", "东湖高新区"),
        ("市消防救援支队", CITY, "市消防救援支队", "department", CITY),
        ("武汉广电台", CITY, "武汉广电台", "other", CITY),
        # names from other documents and years
        ("市保障和改善民生工作领导小组", CITY, "市保障和改善民生工作领导小组", "leading_group", CITY),  # 001 l.439
        ("区防汛抗旱指挥部", "武昌区", "武昌区防汛抗旱指挥部", "leading_group", "武昌区"),
        ("中共武昌区委组织部", "武昌区", "武昌区委组织部", "party_organ", "武昌区"),
        ("武汉市武昌区发展和改革局", CITY, "武昌区发改局", "department", "武昌区"),
        ("武昌区人民政府办公室", CITY, "武昌区政府办", "department", "武昌区"),
        ("市卫计委", CITY, "市卫健委", "department", CITY),  # the name before 2019
        ("市食药监局", CITY, "市市场监管局", "department", CITY),
        ("市建委", CITY, "市城建局", "department", CITY),
    ],
)
def test_resolve(r: Resolver, name: str, jurisdiction: str, canonical: str, type_: str,
                 agency_jurisdiction: str) -> None:
    a = r.resolve(name, jurisdiction=jurisdiction)
    assert (a.name, a.type, a.jurisdiction, a.resolved) == (canonical, type_, agency_jurisdiction, True)


def test_branch_links(r: Resolver) -> None:
    a = r.resolve("市生态环境局武昌分局", jurisdiction="武昌区")
    assert (a.branch_of, a.district) == ("市生态环境局", "武昌区")
    assert r.resolve("区公安分局", jurisdiction="武昌区").branch_of == "市公安局"


def test_district_unit_sits_in_its_district(r: Resolver) -> None:
    assert r.resolve("区发改局", jurisdiction="武昌区").district == "武昌区"


@pytest.mark.parametrize(
    ("name", "jurisdiction"),
    [("区发改局", CITY), ("市不存在局", CITY), ("某某单位甲", "武昌区")],  # "区X" in a city document has no district
)
def test_unresolved_is_kept_and_flagged(r: Resolver, name: str, jurisdiction: str) -> None:
    a = r.resolve(name, jurisdiction=jurisdiction)
    assert a.resolved is False
    assert a.name == name


# ---- groups --------------------------------------------------------------------------------------

CENTRAL = ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区"]
NEW_TOWN = ["东西湖区", "蔡甸区", "江夏区", "黄陂区", "新洲区"]


def test_all_districts_group(r: Resolver) -> None:
    members = set(r.resolve("各区人民政府", jurisdiction=CITY).members)
    # 000 附件2 lists exactly these 15 units; 附件1: 各区人民政府 "含开发区、风景区管委会"
    expected = {f"{d}人民政府" for d in CENTRAL + NEW_TOWN} | {"东湖高新区管委会", "武汉经开区管委会", "东湖风景区管委会"}
    assert members == expected


@pytest.mark.parametrize(
    ("group", "districts"), [("各中心城区人民政府", CENTRAL), ("各新城区人民政府", NEW_TOWN)]
)
def test_ring_groups(r: Resolver, group: str, districts: list[str]) -> None:
    assert set(r.resolve(group, jurisdiction=CITY).members) == {f"{d}人民政府" for d in districts}


def test_member_of(r: Resolver) -> None:
    assert set(r.resolve("江岸区人民政府", jurisdiction=CITY).member_of) >= {"各区人民政府", "各中心城区人民政府"}
    assert "各新城区人民政府" in r.resolve("黄陂区人民政府", jurisdiction=CITY).member_of
    assert "各区人民政府" in r.resolve("东湖风景区管委会", jurisdiction=CITY).member_of
    assert "市人民政府各部门" in r.resolve("市卫健委", jurisdiction=CITY).member_of


# ---- district owners (000 附件2 headings) ---------------------------------------------------------

@pytest.mark.parametrize(
    ("heading", "owner"),
    [
        ("东湖高新区", "东湖高新区管委会"), ("武汉经开区", "武汉经开区管委会"), ("市东湖生态旅游风景区", "东湖风景区管委会"),
        ("江岸区", "江岸区人民政府"), ("江汉区", "江汉区人民政府"), ("硚口区", "硚口区人民政府"), ("汉阳区", "汉阳区人民政府"),
        ("武昌区", "武昌区人民政府"), ("青山区", "青山区人民政府"), ("洪山区", "洪山区人民政府"), ("蔡甸区", "蔡甸区人民政府"),
        ("江夏区", "江夏区人民政府"), ("东西湖区", "东西湖区人民政府"), ("黄陂区", "黄陂区人民政府"), ("新洲区", "新洲区人民政府"),
        ("长江新区", "长江新区管委会"), ("汉南区", "武汉经开区管委会"),
    ],
)
def test_district_owner(r: Resolver, heading: str, owner: str) -> None:
    a = r.district_owner(heading)
    assert a.name == owner and a.resolved


def test_districts_table(r: Resolver) -> None:
    by_name = {d.name: d for d in r.districts()}
    assert [n for n in CENTRAL if by_name[n].ring == "中心城区"] == CENTRAL
    assert all(by_name[n].ring == "新城区" and by_name[n].kind == "district" for n in NEW_TOWN)
    assert {"东湖高新区", "武汉经开区", "长江新区", "临空港开发区", "东湖风景区"} <= {
        d.name for d in r.districts() if d.kind == "zone"
    }
    assert r.district_info("武昌区")["ring"] == "中心城区"
    assert r.district_info("市东湖生态旅游风景区")["name"] == "东湖风景区"


# ---- lookup for the API --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("武汉市卫生健康委员会", "市卫健委"),
        ("武汉市人力资源和社会保障局", "市人社局"),
        ("武汉市发展和改革委员会", "市发改委"),
        ("武汉市自然资源和规划局", "市自然资源规划局"),
        ("武汉市住房保障和房屋管理局", "市房管局"),
        ("武汉市城市管理执法委员会", "市城管执法委"),
        ("武汉市人民政府国有资产监督管理委员会", "市政府国资委"),
        ("武汉市政务服务和大数据管理局", "市政务服务大数据局"),
        ("共青团武汉市委员会", "团市委"),
        ("武漢市衛生健康委員會", "市卫健委"),  # Traditional
        ("市衛健委", "市卫健委"),
        ("ｍ市卫健委".removeprefix("ｍ"), "市卫健委"),
        ("（市委宣传部）".strip("（）"), "市委宣传部"),
        ("武昌区发改局", "武昌区发改局"),  # canonical district-qualified names round-trip
        ("市生态环境局武昌分局", "市生态环境局武昌分局"),
        ("各区人民政府", "各区人民政府"),
        ("东湖风景区管委会", "东湖风景区管委会"),
    ],
)
def test_lookup(r: Resolver, query: str, canonical: str) -> None:
    a = r.lookup(query)
    assert a is not None and a.name == canonical


def test_lookup_full_width(r: Resolver) -> None:
    assert r.lookup("东湖高新区管委会（ ）".replace("（ ）", "")).name == "东湖高新区管委会"
    assert r.lookup("武汉市生态环境局武昌分局").name == "市生态环境局武昌分局"


def test_lookup_unknown(r: Resolver) -> None:
    assert r.lookup("火星移民局") is None


@pytest.mark.parametrize(("query", "expected"), [("市卫健局", "市卫健委"), ("人社", "市人社局"), ("市园林局林业", "市园林林业局")])
def test_suggest(r: Resolver, query: str, expected: str) -> None:
    assert expected in r.suggest(query)


def test_suggest_among_given_names(r: Resolver) -> None:
    assert r.suggest("武昌发改局", ["武昌区发改局", "武昌区教育局", "江岸区发改局"], limit=1) == ["武昌区发改局"]


def test_user_file_extends_table(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "units:\n  - {name: 市卫健委, type: department, aliases: [市卫计委]}\n"
        "  - {name: 市大数据中心, type: other, full: [武汉市大数据中心]}\n",
        encoding="utf-8",
    )
    r = Resolver.from_files(DEFAULT_ALIASES, extra)
    assert r.resolve("市卫计委", jurisdiction=CITY).name == "市卫健委"
    assert r.resolve("武汉市大数据中心", jurisdiction=CITY).name == "市大数据中心"
    assert r.resolve("市人社局", jurisdiction=CITY).resolved  # the rest of the default table is still there


# ---- every unit named in the samples resolves ----------------------------------------------------

INLINE = re.compile(r"[(（]\s*((?:牵头单位|责任单位)[^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*)(?:[)）]|$)")
LABEL = re.compile(r"(?:牵头单位|责任单位|配合单位)\s*[:：]")


def _sample_unit_lists() -> list[tuple[str, str, str]]:
    """(file, jurisdiction, unit list) for every inline attribution part and 附件1 unit cell."""
    found = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        jurisdiction = "武昌区" if path.name.startswith("004") else CITY
        for line in text.splitlines():
            for m in INLINE.finditer(line):  # 004 l.112 and l.114 lack the closing bracket
                for part in LABEL.split(m.group(1)):
                    if part.strip(" ;；,，"):
                        found.append((path.name, jurisdiction, part.strip(" ;；,，")))
            cells = line.split("\t")
            if len(cells) == 5 and cells[0].strip().isdigit():
                found.extend((path.name, jurisdiction, c) for c in cells[3:5] if c.strip())
    return found


def test_samples_have_attributions() -> None:
    files = {f for f, _, _ in _sample_unit_lists()}
    assert {f[:3] for f in files} == {"000", "003", "004"}


def test_every_sample_unit_resolves(r: Resolver) -> None:
    unresolved = sorted({
        (f, w) for f, j, units in _sample_unit_lists() for w, a in r.resolve_list(units, jurisdiction=j) if not a.resolved
    })
    assert unresolved == []


def test_every_produced_name_looks_up_to_itself(r: Resolver) -> None:
    for _, j, units in _sample_unit_lists():
        for _, a in r.resolve_list(units, jurisdiction=j):
            back = r.lookup(a.name)
            assert back is not None and back.id == a.id, a.name
            for related in [*a.members, *a.member_of, *([a.branch_of] if a.branch_of else [])]:
                assert r.lookup(related) is not None, related
