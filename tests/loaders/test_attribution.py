"""The attribution grammar, one row per convention: role → unit-list text, and the rule name."""

import pytest

from loaders import attribution, tables
from loaders.reading import normalise


def parts_of(text: str, doc_rule: str | None = None):
    norm = normalise(text)
    att = attribution.find_inline(norm, doc_rule=doc_rule)
    assert att is not None, text
    return [(p.role, p.label, text[p.start : p.end]) for p in att.parts], att.rule, text[att.start : att.end]


@pytest.mark.parametrize(
    "text, parts, rule",
    [
        # 003: half-width brackets and colons, ";" between parts
        (
            "116.全面开展行动。(牵头单位:市生态环境局;责任单位:市经信局、市水务局)",
            [("lead", "牵头", "市生态环境局"), ("support", "责任", "市经信局、市水务局")],
            "inline:牵头+责任",
        ),
        # only 责任单位: co-leads
        ("117.全面开展十大行动。(责任单位:市发改委)", [("lead", "责任", "市发改委")], "inline:责任only"),
        (
            "2.全员劳动生产率增长年均大于7%。(责任单位:区人资局、区发改局)",
            [("lead", "责任", "区人资局、区发改局")],
            "inline:责任only",
        ),
        # 004: "," between parts, nested brackets in a name
        (
            "2.激发作用。(牵头单位:区科经局、区委组织部(人才科),责任单位:区市场监管局、区企业人才中心)",
            [
                ("lead", "牵头", "区科经局、区委组织部(人才科)"),
                ("support", "责任", "区市场监管局、区企业人才中心"),
            ],
            "inline:牵头+责任",
        ),
        # stray space after the bracket and after the colon
        (
            "1.地区生产总值增长年均7%左右。( 牵头单位:区发改局;责任单位: 区科经局、区建设局)",
            [("lead", "牵头", "区发改局"), ("support", "责任", "区科经局、区建设局")],
            "inline:牵头+责任",
        ),
        # full-width brackets, colons and semicolon
        (
            "3．推进改革。（牵头单位：市发改委；责任单位：市财政局，各区人民政府）",
            [("lead", "牵头", "市发改委"), ("support", "责任", "市财政局，各区人民政府")],
            "inline:牵头+责任",
        ),
        # 牵头部门 / 责任部门
        (
            "3.深化创新。(牵头部门:区委组织部、区委政法委,责任部门:区民政局、区城管局)",
            [("lead", "牵头", "区委组织部、区委政法委"), ("support", "责任", "区民政局、区城管局")],
            "inline:牵头+责任",
        ),
        # 牵头 + 配合 / 协办 / 参与
        (
            "5.推进建设。(牵头单位:市商务局;配合单位:市税务局、市财政局)",
            [("lead", "牵头", "市商务局"), ("support", "配合", "市税务局、市财政局")],
            "inline:牵头+配合",
        ),
        (
            "6.办好活动。(牵头单位:市文旅局;协办单位:武汉文旅集团)",
            [("lead", "牵头", "市文旅局"), ("support", "协办", "武汉文旅集团")],
            "inline:牵头+协办",
        ),
        (
            "7.开展试点。(牵头单位:市农业农村局;参与单位:市财政局)",
            [("lead", "牵头", "市农业农村局"), ("support", "参与", "市财政局")],
            "inline:牵头+参与",
        ),
        # 主办 / 协办
        (
            "8.举办运动会。(主办单位:市体育局;协办单位:市教育局、团市委)",
            [("lead", "主办", "市体育局"), ("support", "协办", "市教育局、团市委")],
            "inline:主办+协办",
        ),
        # 牵头 + 责任 + 配合
        (
            "9.建设项目。(牵头单位:市水务局;责任单位:武汉城建集团;配合单位:市财政局)",
            [
                ("lead", "牵头", "市水务局"),
                ("support", "责任", "武汉城建集团"),
                ("support", "配合", "市财政局"),
            ],
            "inline:牵头+责任+配合",
        ),
        # 责任 + 配合 without a lead label: 责任 leads
        (
            "10.推进工作。(责任单位:市民政局;配合单位:市财政局)",
            [("lead", "责任", "市民政局"), ("support", "配合", "市财政局")],
            "inline:责任+配合",
        ),
        # only 牵头单位
        (
            "3.创造健康生活环境。(牵头单位:区文旅局、区卫健局)",
            [("lead", "牵头", "区文旅局、区卫健局")],
            "inline:牵头only",
        ),
        # a bracket in the text before the attribution is not the attribution
        (
            "160.推进市域(郊)铁路项目。(牵头单位:市发改委;责任单位:市自然资源规划局,武汉地铁集团)",
            [("lead", "牵头", "市发改委"), ("support", "责任", "市自然资源规划局,武汉地铁集团")],
            "inline:牵头+责任",
        ),
        # 〈〉 inside a name
        (
            "193.创建文明村镇。(牵头单位:市委宣传部〈市文明办〉;责任单位:各新城区人民政府)",
            [("lead", "牵头", "市委宣传部〈市文明办〉"), ("support", "责任", "各新城区人民政府")],
            "inline:牵头+责任",
        ),
        # trailing full stop after the group, trailing spaces
        (
            "11.推进工作(牵头单位:市民政局;责任单位:各区人民政府)。  ",
            [("lead", "牵头", "市民政局"), ("support", "责任", "各区人民政府")],
            "inline:牵头+责任",
        ),
        # a person named beside the units is not a unit
        (
            "13.推进工作。(牵头单位:市发改委;责任领导:张三;责任单位:市财政局)",
            [("lead", "牵头", "市发改委"), ("support", "责任", "市财政局")],
            "inline:牵头+责任",
        ),
        # 处室 instead of 单位, 〔〕 brackets
        (
            "14.推进工作。〔牵头处室:办公室;配合处室:财务处〕",
            [("lead", "牵头", "办公室"), ("support", "配合", "财务处")],
            "inline:牵头+配合",
        ),
        # labels ending the sentence after a leader label
        (
            "1.金刚石微粉产业园二期。分包县级领导:周某;牵头单位:县发改委;配合单位:县工信局。",
            [("lead", "牵头", "县发改委"), ("support", "配合", "县工信局")],
            "inline:牵头+配合",
        ),
        # the label word carries its own bracket
        (
            "1.创建旅游度假区。(牵头部门(单位):县文旅局;配合部门(单位):县发改局、县自然资源局)",
            [("lead", "牵头", "县文旅局"), ("support", "配合", "县发改局、县自然资源局")],
            "inline:牵头+配合",
        ),
        # a leader printed inside the bracket before the labels
        (
            "1.建设产业基地。(责任领导:王建军;牵头单位:市工信局;责任单位:市科技局)",
            [("lead", "牵头", "市工信局"), ("support", "责任", "市科技局")],
            "inline:牵头+责任",
        ),
        # labels ending the sentence, a group with its own bracket in the list
        (
            "5.实施供水工程。牵头单位:县水务局;责任单位:各镇人民政府(街道办事处)。",
            [("lead", "牵头", "县水务局"), ("support", "责任", "各镇人民政府(街道办事处)")],
            "inline:牵头+责任",
        ),
        # "X牵头,Y配合" phrasing
        (
            "12.建设平台。(市发改委牵头,市财政局、市经信局配合)",
            [("lead", "牵头", "市发改委"), ("support", "配合", "市财政局、市经信局")],
            "inline:X牵头Y配合",
        ),
    ],
)
def test_inline_grammar(text, parts, rule):
    got, got_rule, _ = parts_of(text)
    assert got == parts
    assert got_rule == rule


@pytest.mark.parametrize(
    "text, units, rule",
    [
        ("13.建设平台。(市发改委负责)", "市发改委", "inline:X负责"),
        ("14.建设平台。(由市发改委、市财政局牵头)", "市发改委、市财政局", "inline:X牵头"),
        ("15.建设平台(各区人民政府负责)。", "各区人民政府", "inline:X负责"),
    ],
)
def test_verb_phrasing_names_leads(text, units, rule):
    got, got_rule, _ = parts_of(text)
    assert got == [("lead", rule.removeprefix("inline:X"), units)]
    assert got_rule == rule


def test_verb_sentence_with_a_bracketed_group():
    """ "…。由A,各县(市)人民政府负责落实。": both lead; the attribution starts at 由, so the text keeps none of it."""
    norm = normalise("新建改建农村公路600公里。由市交通运输局,各县(市)人民政府负责落实。")
    att = attribution.find_sentence(norm)
    assert [(p.role, norm[p.start:p.end]) for p in att.parts] == [("lead", "市交通运输局,各县(市)人民政府")]
    two = normalise("推进融合发展。由示范区管委会牵头,市发展改革委配合。")
    att = attribution.find_sentence(two)
    assert two[: att.start] == "推进融合发展。"


def test_verb_sentence_with_etc_departments():
    """ "由A牵头,B、C等部门配合。": 等部门 names no one, B and C support."""
    norm = normalise("创建全域旅游示范区。由县文旅局牵头,县公安局、县市场监管局等部门配合。")
    att = attribution.find_sentence(norm)
    assert [(p.role, norm[p.start:p.end]) for p in att.parts] == [
        ("lead", "县文旅局"), ("support", "县公安局、县市场监管局等部门"),
    ]


def test_unclosed_group_at_end_of_paragraph():
    text = "2.深化建设。(牵头单位:区应急管理局,责任单位:区安委会成员单位、区减灾委员会成员单位"
    att = attribution.find_inline(normalise(text))
    assert att is not None and not att.closed
    assert [text[p.start : p.end] for p in att.parts] == [
        "区应急管理局",
        "区安委会成员单位、区减灾委员会成员单位",
    ]


def test_deadline_inside_group():
    text = "1.完成改造。(牵头单位:市房管局;责任单位:各区人民政府;完成时限:2023年12月底)"
    att = attribution.find_inline(normalise(text))
    assert text[att.deadline[0] : att.deadline[1]] == "2023年12月底"
    assert [p.role for p in att.parts] == ["lead", "support"]


@pytest.mark.parametrize(
    "text", ["1.加强师德师风建设,培养高素质教师队伍。", "2.推进(一)项工作。", "3.参见附件(略)。"]
)
def test_no_attribution(text):
    assert attribution.find_inline(normalise(text)) is None


@pytest.mark.parametrize(
    "sentence, rule",
    [
        ("注:列第一位的责任单位为牵头单位。", "doc_rule:first_is_lead"),
        ("排名第一的责任单位为牵头单位,其他为配合单位。", "doc_rule:first_is_lead"),
        ("各项任务中列在首位的单位为牵头单位。", "doc_rule:first_is_lead"),
        ("排在第一位的为牵头单位。", "doc_rule:first_is_lead"),
        ("各责任单位要积极协作配合。", None),
    ],
)
def test_document_rule(sentence, rule):
    assert attribution.find_document_rule(normalise(sentence)) == rule


def test_document_rule_makes_responsible_list_one_part():
    text = "1.推进工作。(责任单位:市发改委、市财政局、市经信局)"
    got, rule, _ = parts_of(text, doc_rule="doc_rule:first_is_lead")
    assert got == [("lead", "责任", "市发改委、市财政局、市经信局")]
    assert rule == "doc_rule:first_is_lead"


def test_labelled_lines_with_a_person():
    lines = ["1.加快建设项目。", "牵头单位:市发改委", "责任领导:张三", "责任单位:市财政局"]
    first, atts = attribution.find_labelled_lines([normalise(x) for x in lines])
    assert first == 1
    assert [(p.role, lines[1 + k][p.start : p.end]) for k, a in enumerate(atts) for p in a.parts] == [
        ("lead", "市发改委"),
        ("support", "市财政局"),
    ]


def test_label_lines_naming_people_and_a_schedule():
    """主管领导 / 主要责任人 name people, 进度安排 a schedule: only the 责任单位 line names units."""
    lines = ["一、新增学位8000个。", "主管领导:赵某", "责任单位:市教育局", "主要责任人:孙某", "进度安排:8月底前完成。"]
    first, atts = attribution.find_labelled_lines([normalise(x) for x in lines])
    assert first == 1
    assert [(p.role, lines[1 + k][p.start : p.end]) for k, a in enumerate(atts) for p in a.parts] == [
        ("lead", "市教育局"),
    ]
    assert lines[1][slice(*atts[0].leader)] == "赵某"
    assert lines[4][slice(*atts[3].deadline)] == "8月底前完成"


def test_labelled_lines():
    lines = ["1.加快建设项目。", "牵头单位：市发改委", "责任单位：市财政局、市经信局", "完成时限：2023年底"]
    first, atts = attribution.find_labelled_lines([normalise(x) for x in lines])
    assert first == 1
    got = [(p.role, lines[1 + k][p.start : p.end]) for k, a in enumerate(atts) for p in a.parts]
    assert got == [("lead", "市发改委"), ("support", "市财政局、市经信局")]
    assert lines[3][atts[2].deadline[0] : atts[2].deadline[1]] == "2023年底"
    assert atts[0].rule == "line:牵头+责任"


@pytest.mark.parametrize(
    "header, expected",
    [
        (
            "序号\t重点项目\t主要内容\t牵头单位\t责任单位",
            {"number": 0, "title": 1, "text": 2, "lead": 3, "responsible": 4},
        ),
        ("序号\t重点项目\t主要内容", {"number": 0, "title": 1, "text": 2}),
        (
            "序号\t工作任务\t牵头单位\t配合单位\t完成时限",
            {"number": 0, "text": 1, "lead": 2, "support": 3, "deadline": 4},
        ),
        ("序号\t工作内容\t责任单位\t完成时间", {"number": 0, "text": 1, "responsible": 2, "deadline": 3}),
        ("序 号\t主要任务\t主办单位\t协办单位", {"number": 0, "text": 1, "lead": 2, "support": 3}),
        (
            "序号\t工作任务\t责任单位(列第一位的为牵头单位)\t完成时限",
            {"number": 0, "text": 1, "responsible": 2, "deadline": 3},
        ),
        ("序号\t工作任务\t牵头单位\t责任单位及责任人", {"number": 0, "text": 1, "lead": 2, "responsible": 3}),
        ("1\t加强生育全程服务\t孕产妇死亡率…\t市卫健委\t市发改委", None),
    ],
)
def test_table_header(header, expected):
    assert tables.header_columns(normalise(header).split("\t")) == expected


@pytest.mark.parametrize(
    "columns, doc_rule, roles, rule",
    [
        ({"text": 1, "lead": 2, "responsible": 3}, None, {"lead": "lead", "responsible": "support"}, "table"),
        ({"text": 1, "lead": 2, "support": 3}, None, {"lead": "lead", "support": "support"}, "table"),
        ({"text": 1, "responsible": 2}, None, {"responsible": "lead"}, "table"),
        (
            {"text": 1, "responsible": 2, "support": 3},
            None,
            {"responsible": "lead", "support": "support"},
            "table",
        ),
        (
            {"text": 1, "responsible": 2},
            "doc_rule:first_is_lead",
            {"responsible": "lead"},
            "doc_rule:first_is_lead",
        ),
    ],
)
def test_table_roles(columns, doc_rule, roles, rule):
    assert attribution.table_roles(columns, doc_rule) == (roles, rule)


def test_leader_line_over_label_lines():
    lines = ["一、抽水蓄能电站项目", "包联县领导:杨某", "牵头单位:县发改委", "配合单位:县林业局"]
    first, atts = attribution.find_labelled_lines([normalise(x) for x in lines])
    assert first == 1 and lines[1][slice(*atts[0].leader)] == "杨某"
    assert [(p.role, lines[1 + k][p.start : p.end]) for k, a in enumerate(atts) for p in a.parts] == [
        ("lead", "县发改委"), ("support", "县林业局"),
    ]


def test_labels_inside_a_table_cell():
    """A unit cell "牵头:A;配合:B、C" names its own roles; a cell without labels is left to its column."""
    cell = "牵头:县教育局;配合:县财政局、县住建局"
    norm = "1\t新建学校\t" + cell + "\t8月"
    start = norm.index(cell)
    parts = attribution.cell_parts(norm, start, start + len(cell))
    assert [(p.role, p.label, norm[p.start:p.end]) for p in parts] == [
        ("lead", "牵头", "县教育局"),
        ("support", "配合", "县财政局、县住建局"),
    ]
    assert attribution.cell_parts("县城管局", 0, 4) is None
