"""Roll-up rules. Task texts are copied from the samples; expected parents were chosen by reading the documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import CITY, Indicator, Provenance, RollUp, Task, stable_id
from loaders import rollups

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def task(source: str, number: str, text: str, *, kind: str = "task", jurisdiction: str = CITY, title: str = "",
         category: str = "", indicators: list[Indicator] | None = None) -> Task:
    t = Task(number=number, text=text, section=[], jurisdiction=jurisdiction,
             provenance=Provenance(source, 1, 1, text), kind=kind, title=title, category=category)
    t.id = stable_id("t", source, jurisdiction, number, text)
    t.indicators = indicators or []
    for n, ind in enumerate(t.indicators):
        ind.id = stable_id("ind", t.id, n)
    return t


def ind(name: str, target: float, unit: str, comparator: str = ">=", year: int | None = None) -> Indicator:
    return Indicator(name=name, text=name, target=target, unit=unit, comparator=comparator, year=year)


# 000 附件1 (city rows)
ROW1 = task("000", "1", "1.孕产妇死亡率、婴儿死亡率分别控制在 9/10 万、2.5‰ 以下。2.到 2025 年,每千人口拥有 3 岁以下婴幼儿托位数达到 4.5 个以上。",
            title="加强生育全程服务", category="一、幼有所育",
            indicators=[ind("孕产妇死亡率", 9, "/10万", "<="), ind("婴儿死亡率", 2.5, "‰", "<="),
                        ind("每千人口拥有3岁以下婴幼儿托位数", 4.5, "个", ">=", 2025)])
ROW2 = task("000", "2", "完善农村留守儿童、困境儿童关爱服务体系,经风险评估 3 级以上的困境儿童纳入社工服务项目覆盖率达到 100%。",
            title="困境儿童关爱保护", category="一、幼有所育")
ROW3 = task("000", "3", "广泛开展“全国残疾预防日”“爱耳日”“孤独症日”等宣传教育活动。", title="增强儿童康复意识和能力",
            category="一、幼有所育")
ROW14 = task("000", "14", "1.全市养老机构医养结合率达到100%。2.到2025年全市开设老年医学科的二级以上综合性医院达到60%以上。3.到2025年,全市养老机构护理型床位占比达到65%以上。",
             title="促进医养深度结合发展", category="五、老有所养",
             indicators=[ind("养老机构医养结合率", 100, "%"), ind("养老机构护理型床位占比", 65, "%", ">=", 2025)])
ROW17 = task("000", "17", "到 2025 年,建设筹集保障性租赁住房 25 万套(间)。", title="大力发展保障性租赁住房",
             category="六、住有所居", indicators=[ind("建设筹集保障性租赁住房", 25, "万套", "=", 2025)])
ROW21 = task("000", "21", "1.结合智慧城市一网统管工作,探索建立市、区、街道(乡镇)、社区(村)四级协同联动的民生安全运行管理体系。",
             title="优化治安防控体系", category="八、民生安全保障")
ROW22 = task("000", "22", "1.健全食品安全治理体系,完善抽检监测机制,不合格产品核查处置率达到 100%。", title="提升食品安全水平",
             category="八、民生安全保障")
ROW7 = task("000", "7", "1.持续举办高校毕业生、返乡农民工、妇女、残疾人等群体的创业赛事。2.实施“武汉工匠培育计划”。",
            title="深入实施就业优先战略", category="三、劳有所得")
CITY_ROWS = [ROW1, ROW2, ROW3, ROW7, ROW14, ROW17, ROW21, ROW22]

# 000 附件2 (district rows)
D_YOU = task("000", "1", "1.孕产妇死亡率、婴儿死亡率分别控制在 9/10 万、2.5‰以下。2.完成婴幼儿照护机构建设任务。",
             kind="district_row", jurisdiction="东湖高新区", title="加强优生优育服务", category="一、幼有所育")
D_KUN = task("000", "2", "完善农村留守儿童、困境儿童关爱服务体系,经风险评估 3 级以上的困境儿童纳入社工服务项目覆盖率达到 100%。",
             kind="district_row", jurisdiction="江岸区", title="困境儿童关爱保护", category="一、幼有所育")
D_ZHIAN = task("000", "12", "1.启动 1221 路物联感知前端设备新建任务,实现重点部位前端感知设备覆盖率、联网率达 100%。",
               kind="district_row", jurisdiction="东湖高新区", title="优化治安防控体系", category="七、民生安全保障")
D_LAODONG = task("000", "6", "1.开展劳动关系“和谐同行”能力提升行动,推进和谐劳动关系三方机制向街道、工业园区延伸。",
                 kind="district_row", jurisdiction="江岸区", title="完善劳动关系协调机制", category="三、劳有所得")
D_YANG = task("000", "9", "3.养老机构医养结合率达到100%。", kind="district_row", jurisdiction="武昌区",
              title="提高养老服务水平", category="五、老有所养", indicators=[ind("养老机构医养结合率", 100, "%")])

# 001 measures
M_HOUSING = task("001", "4", "健全租购并举的住房保障制度。 围绕“住有所居”，制定实施保障性租赁住房、共有产权房、人才安居政策以及公租房保障支出型贫困家庭救助措施，"
                 "加快完善以公租房、保障性租赁住房和共有产权住房为主体的住房保障体系。到２０２５年，建设筹集保障性租赁住房２５万套（间），新增公租房保障１万套（户）。",
                 kind="measure", indicators=[ind("建设筹集保障性租赁住房", 25, "万套", "=", 2025)])
M_RESCUE = task("001", "2", "织密筑牢应保尽保的托底保障网络。 围绕“弱有所扶”，强化底线民生保障，健全分层分类的社会救助体系，"
                "建立与经济社会发展水平相适应的社会救助标准动态调整机制。到２０２５年，农村低保标准占城市低保标准比例不低于９０％。",
                kind="measure")

# 003 (2023 tasks)
T19 = task("003", "19", "建设筹集保障性租赁住房5.8万套(间)。", indicators=[ind("建设筹集保障性租赁住房", 5.8, "万套", "=")])
T124 = task("003", "124", "加快汉江南岸综合整治等工程建设。")


def edges(found: list[RollUp]) -> set[tuple[str, str, str]]:
    return {(r.child_id, r.parent_id, r.method) for r in found}


@pytest.mark.parametrize(
    ("child", "parent", "min_confidence"),
    [
        (D_YOU, ROW1, 0.6),  # titles differ slightly: 加强优生优育服务 / 加强生育全程服务
        (D_KUN, ROW2, 0.95),  # same title
        (D_ZHIAN, ROW21, 0.95),  # category numbered 七 in 附件2 and 八 in 附件1
        (D_YANG, ROW14, 0.4),  # 提高养老服务水平 → the row with the same target (医养结合率)
    ],
)
def test_district_row_to_city_row(child: Task, parent: Task, min_confidence: float) -> None:
    found = [r for r in rollups.link([child], CITY_ROWS) if r.kind == "task"]
    assert [(r.parent_id, r.method) for r in found] == [(parent.id, "category+title")]
    assert found[0].confidence >= min_confidence


def test_no_city_row_no_roll_up() -> None:
    assert [r for r in rollups.link([D_LAODONG], CITY_ROWS) if r.kind == "task"] == []


def test_row_to_measure() -> None:
    found = rollups.link([ROW17], [M_HOUSING, M_RESCUE])
    assert (ROW17.id, M_HOUSING.id, "row→measure") in edges(found)
    assert not any(r.parent_id == M_RESCUE.id for r in found)


def test_2023_task_to_2025_target() -> None:
    found = rollups.link([T19, T124], [ROW17, M_HOUSING, M_RESCUE, *CITY_ROWS])
    task_edges = {(c, p) for c, p, m in edges(found) if m == "task→2025 target"}
    assert task_edges == {(T19.id, ROW17.id), (T19.id, M_HOUSING.id)}
    indicator_parents = {r.parent_id for r in found if r.kind == "indicator"}
    assert {ROW17.indicators[0].id, M_HOUSING.indicators[0].id} & indicator_parents


def test_district_indicator_to_city_indicator() -> None:
    found = [r for r in rollups.link([D_YANG], CITY_ROWS) if r.kind == "indicator"]
    assert [(r.child_id, r.parent_id, r.method) for r in found] == [
        (D_YANG.indicators[0].id, ROW14.indicators[0].id, "same name+unit")
    ]


def test_both_directions_give_the_same_edges() -> None:
    """Loading the children after the parents, or before them, links the same children to the same parents."""
    children = [D_YOU, D_KUN, D_ZHIAN, D_YANG, T19]
    parents = [*CITY_ROWS, M_HOUSING, M_RESCUE]
    ids = {t.id for t in children} | {i.id for t in children for i in t.indicators}
    rollups.reset()
    children_last = edges(rollups.link(children, parents))
    rollups.reset()  # a fresh process, where the children were loaded before the parents
    children_first = {e for e in edges(rollups.link(parents, children)) if e[0] in ids}
    assert children_first == children_last and len(children_last) >= 7


def test_confidence_range_and_low_report() -> None:
    found = rollups.link([D_YOU, D_KUN, D_ZHIAN, D_YANG, T19], [*CITY_ROWS, M_HOUSING, M_RESCUE])
    assert all(rollups.MIN_CONFIDENCE <= r.confidence <= 1.0 for r in found if r.kind == "task")
    assert set(rollups.low_confidence(found)) == {r for r in found if r.confidence < rollups.LOW_CONFIDENCE}


def test_samples_end_to_end() -> None:
    """000 附件2 → 附件1, 附件1 → 001, 003 → 2025 targets, 004 indicator → city indicator, on the parsed samples."""
    from loaders.parse import parse_bytes

    docs = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        if path.name.startswith("002"):
            continue  # the Traditional copy of 001: linked as a duplicate, its tasks are not loaded
        parsed = parse_bytes(path.read_bytes(), path.name)
        parsed.assign_ids()
        docs[path.name[:3]] = parsed.tasks
    found: list[RollUp] = []
    existing: list[Task] = []
    for key in ("000", "001", "003", "004"):
        found += rollups.link(docs[key], existing)
        existing += docs[key]
    by_id = {t.id: t for ts in docs.values() for t in ts}
    inds = {i.id: (t, i) for ts in docs.values() for t in ts for i in t.indicators}
    pairs = {(by_id[r.child_id].title or by_id[r.child_id].number, by_id[r.child_id].jurisdiction,
              by_id[r.parent_id].title or by_id[r.parent_id].text[:7], r.method)
             for r in found if r.kind == "task"}
    # every 附件2 困境儿童关爱保护 row (15 districts and zones) → 附件1 row 2
    assert len({j for t, j, p, m in pairs if t == "困境儿童关爱保护" and p == "困境儿童关爱保护"}) == 15
    assert len({j for t, j, p, m in pairs if t == "加强优生优育服务" and p == "加强生育全程服务"}) == 15
    # 附件1 row 9 → 001 (一)3 完善覆盖全民的社会保障体系
    assert ("全面实施全民参保计划", CITY, "完善覆盖全民的", "row→measure") in pairs
    # 003 task 19 → 附件1 row 17
    assert ("19", CITY, "大力发展保障性租赁住房", "task→2025 target") in pairs
    # 004 预期性指标 10 → the city's 2025 托位数 target
    ind_pairs = {(inds[r.child_id][1].name, inds[r.child_id][0].jurisdiction, inds[r.parent_id][0].jurisdiction)
                 for r in found if r.kind == "indicator"}
    assert ("每千人口拥有3岁以下婴幼儿托位数", "武昌区", CITY) in ind_pairs


def test_reloading_the_city_document_links_its_district_rows_again() -> None:
    """The pipeline passes the graph's other tasks as `existing`; a reloaded document's old tasks are gone."""
    rollups.reset()
    rollups.link(CITY_ROWS, [])
    first = edges(rollups.link([D_YOU, D_KUN], CITY_ROWS))
    again = edges(rollups.link(CITY_ROWS, [D_YOU, D_KUN]))  # 000 loaded again: its rows are new once more
    assert first == again and first


def test_a_district_rolls_up_to_its_own_city_only() -> None:
    """Two cities' gazettes with the same 附件1 row; each city's district list rolls up to its own city's row
    (the district's city from place data, here given by `city_of`), never to the other's."""
    anshan_row = task("anshan_gazette", "2", ROW2.text, title=ROW2.title, category=ROW2.category,
                      jurisdiction="鞍山市")
    lishan = task("lishan_list", "1", D_KUN.text, kind="district_row", jurisdiction="立山区", title=D_KUN.title,
                  category=D_KUN.category)
    jiangan = task("jiangan_list", "1", D_KUN.text, kind="district_row", jurisdiction="江岸区", title=D_KUN.title,
                   category=D_KUN.category)
    linker = rollups.Linker(city_of={"立山区": "鞍山市", "江岸区": CITY}.get)
    linker.places.update({"anshan_gazette": "鞍山市", "lishan_list": "立山区", "jiangan_list": "江岸区"})
    found = linker.link([lishan, jiangan], [*CITY_ROWS, anshan_row])
    task_edges = {(r.child_id, r.parent_id) for r in found if r.kind == "task"}
    assert task_edges == {(lishan.id, anshan_row.id), (jiangan.id, ROW2.id)}


def test_children_leaving_a_bigram_many_select() -> None:
    """Forty district lists with the same row select the same bigrams (a set once one leaves);
    when thirty leave, the linker holds and decides what a fresh one would."""
    lists = [task(f"list_{n}", "1", D_KUN.text, kind="district_row", jurisdiction="江岸区", title=D_KUN.title,
                  category=D_KUN.category) for n in range(40)]
    linker = rollups.Linker()
    linker.update([*CITY_ROWS, *lists])
    assert max(map(len, linker.selecting.values())) > 40 > rollups.SELECTING_LIST  # and the city row 2
    linker.update(removed=[t.id for t in lists[:30]])
    fresh = rollups.Linker()
    fresh.update([*CITY_ROWS, *lists[30:]])
    assert {g: set(ids) for g, ids in linker.selecting.items()} == {g: set(ids) for g, ids in fresh.selecting.items()}
    assert {i: linker.decide(t) for i, t in linker.children.items()} == {i: fresh.decide(t) for i, t in fresh.children.items()}
    assert all(r.parent_id == ROW2.id for t in lists[30:] for r in linker.decide(t))


def test_one_more_document_decides_what_a_fresh_linker_would(tmp_path) -> None:
    """A synthetic corpus linked but for one document of each kind; that one added, then removed again: every
    child's roll-ups, as the updates left them (unchanged unless returned), are those a fresh decision gives."""
    from bench.generate import generate
    from loaders.parse import parse_bytes

    tasks: dict[str, list[Task]] = {}
    for path in generate(tmp_path, 3.0, seed=5):
        parsed = parse_bytes(path.read_bytes(), path.name)
        parsed.assign_ids()
        tasks[path.name] = parsed.tasks
    for kind in ("gazette", "city", "district"):
        last = max((s for s in tasks if s.startswith(kind)), key=lambda s: (len(tasks[s]), s))
        for steps in ([(tasks[last], ())], [(tasks[last], ()), ((), [t.id for t in tasks[last]])]):
            linker = rollups.Linker()
            state = linker.update([t for s, ts in tasks.items() if s != last for t in ts])
            for added, removed in steps:
                state.update(linker.update(added, removed))
            expected = {i: linker.decide(t) for i, t in linker.children.items()}
            assert {i: state.get(i, []) for i in linker.children} == expected
            assert any(expected.values())
