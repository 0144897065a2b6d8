"""Whole documents → ParsedDocument: hand-annotated leads/supports of the samples, counts, other conventions.

Expected values are read off the documents by hand (line numbers refer to the sample files).
"""

from collections import Counter

import pytest

from graph.store import LoadError
from loaders import duplicates
from loaders.parse import parse_bytes


def leads(task):
    return [a.agency.name for a in task.assignments if a.role == "lead"]


def supports(task):
    return [a.agency.name for a in task.assignments if a.role == "support"]


def find(doc, number, *, section=None, kind=None):
    hits = [
        t
        for t in doc.tasks
        if t.number == number
        and (section is None or any(s.startswith(section) for s in t.section))
        and (kind is None or t.kind == kind)
    ]
    assert len(hits) == 1, (number, section, [t.section for t in hits])
    return hits[0]


# ---------------------------------------------------------------- counts per document


@pytest.mark.parametrize(
    "prefix, kinds",
    [
        ("000", {"measure": 64, "task": 25, "district_row": 239}),
        ("001", {"measure": 16}),
        ("002", {"measure": 16}),
        ("003", {"task": 202}),
        ("004", {"indicator": 17, "task": 23}),
    ],
)
def test_task_counts(parsed, prefix, kinds):
    assert Counter(t.kind for t in parsed(prefix).tasks) == kinds


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_every_task_has_an_owner(parsed, prefix):
    owned = [t for t in parsed(prefix).tasks if t.kind != "measure"]
    assert all(leads(t) for t in owned), [t.number for t in owned if not leads(t)]


# ---------------------------------------------------------------- the worked examples


def test_003_task_142(parsed):
    t = find(parsed("003"), "142")
    assert leads(t) == ["市停车场及新能源汽车配套设施建设工作领导小组"]
    assert supports(t) == ["各区人民政府"]
    assert t.text == "建设充电桩6万个。"
    assert t.attribution == "(牵头单位:市停车场及新能源汽车配套设施建设工作领导小组;责任单位:各区人民政府)"
    assert (t.provenance.line_start, t.provenance.line_end) == (39, 39)
    assert {a.rule for a in t.assignments} == {"inline:牵头+责任"}


def test_003_task_162(parsed):
    t = find(parsed("003"), "162")
    assert leads(t) == ["市交通运输局"]
    assert supports(t) == ["青山区人民政府", "新洲区人民政府", "武汉金控集团"]


def test_003_task_193(parsed):
    t = find(parsed("003"), "193")
    assert leads(t) == ["市委宣传部"]
    assert supports(t) == ["各新城区人民政府"]
    assert [a.written for a in t.assignments] == ["市委宣传部〈市文明办〉", "各新城区人民政府"]


def test_000_annex1_row_9(parsed):
    t = find(parsed("000"), "9", kind="task")
    assert t.title == "全面实施全民参保计划"
    assert leads(t) == ["市人社局", "市医保局"]
    assert supports(t) == [
        "市公安局",
        "市民政局",
        "市卫健委",
        "市政务服务大数据局",
        "市税务局",
        "市市场监管局",
        "市统计局",
        "各区人民政府",
    ]
    assert {a.rule for a in t.assignments} == {"table"}


def test_004_expected_indicator_1(parsed):
    t = find(parsed("004"), "1", section="(二)预期性指标")
    assert t.kind == "indicator"
    assert leads(t) == ["武昌区发改局"]
    assert supports(t) == [
        "武昌区科经局",
        "武昌区建设局",
        "武昌区商务局",
        "武昌区房管局",
        "武昌区金融局",
        "武昌区人资局",
        "武昌区税务局",
    ]


# ---------------------------------------------------------------- hand annotation, more rows

ANNOTATED_003 = [
    # (section prefix, number, leads, supports)
    (
        "(六)",
        "116",
        ["市生态环境局"],
        [
            "市经信局",
            "市自然资源规划局",
            "市城管执法委",
            "市交通运输局",
            "市水务局",
            "市农业农村局",
            "市园林林业局",
        ],
    ),
    ("(六)", "117", ["市发改委"], []),
    ("(六)", "118", ["市农业农村局"], ["市公安局", "市人社局", "市市场监管局", "各区人民政府"]),
    ("(六)", "124", ["市水务局"], ["汉阳区人民政府", "武汉城发集团"]),
    ("(六)", "135", ["市城管执法委"], ["市生态环境局", "市水务局", "蔡甸区人民政府", "武汉城发集团"]),
    ("(六)", "137", ["武昌区人民政府"], ["市发改委", "市生态环境局", "市地方金融局"]),
    ("(七)", "160", ["市发改委"], ["市自然资源规划局", "武汉地铁集团"]),
    (
        "(七)",
        "169",
        ["市商务局"],
        ["东湖高新区管委会", "长江新区管委会", "武汉经开区管委会", "临空港开发区管委会"],
    ),
    (
        "(八)",
        "177",
        ["市农业农村局"],
        ["市自然资源规划局", "东湖高新区管委会", "洪山区人民政府", "各新城区人民政府"],
    ),
    (
        "(八)",
        "194",
        ["市乡村振兴局"],
        [
            "市经信局",
            "市政府国资委",
            "市工商联",
            "蔡甸区人民政府",
            "江夏区人民政府",
            "黄陂区人民政府",
            "新洲区人民政府",
        ],
    ),
    ("(九)", "203", ["市房管局"], ["各区人民政府"]),
    ("(十)", "230", ["市水务局"], ["江夏区人民政府", "黄陂区人民政府"]),
    ("(十)", "238", ["市委宣传部"], []),
    ("三、", "1", ["各区人民政府", "市人民政府各部门"], []),
    ("三、", "3", ["市财政局"], ["市人民政府各部门"]),
    ("四、", "6", ["团市委"], ["各区人民政府"]),
    (
        "四、",
        "33",
        ["市停车场及新能源汽车配套设施建设工作领导小组"],
        ["市公安局", "市自然资源规划局", "市城管执法委", "各区人民政府", "市城投公司", "武汉城建集团"],
    ),
    ("四、", "40", ["市水务局"], ["市财政局", "各中心城区人民政府", "市城投公司"]),
    ("四、", "69", ["市民防办"], []),
]


@pytest.mark.parametrize("section, number, lead, support", ANNOTATED_003)
def test_003_annotated(parsed, section, number, lead, support):
    t = find(parsed("003"), number, section=section)
    assert (leads(t), supports(t)) == (lead, support)


ANNOTATED_004 = [
    ("(一)约束性指标", "5", ["市生态环境局武昌分局", "武昌区水务和湖泊局"], []),
    ("(二)预期性指标", "2", ["武昌区人资局", "武昌区发改局"], []),
    ("(一)坚持创新驱动", "2", ["武昌区科经局", "武昌区委组织部"], ["武昌区市场监管局", "武昌区企业人才中心"]),
    (
        "(三)坚持品质为要",
        "1",
        ["滨江商务区管委会", "华中金融城管委会", "武昌古城中心"],
        ["武昌区科经局", "武昌区建设局", "武昌区商务局", "武昌区文旅局", "武昌区金融局", "武昌区相关街道"],
    ),
    ("(四)坚持生命至上", "1", ["武昌区卫健局"], []),
    ("(四)坚持生命至上", "3", ["武昌区文旅局", "武昌区卫健局"], []),
    ("(五)坚持以人民为中心", "2", ["武昌区教育局"], ["武昌区公安分局", "武昌区交通大队"]),
    (
        "(六)坚持系统思维",
        "3",
        ["武昌区委组织部", "武昌区委政法委"],
        ["武昌区民政局", "武昌区网格化中心", "武昌区城管局"],
    ),
    (
        "(七)坚持改革开放",
        "3",
        ["武昌区委办"],
        ["武昌区商务局", "武昌区金融局", "武昌区文旅局", "武昌区教育局", "武昌区卫健局", "武昌区市场监管局"],
    ),
]


@pytest.mark.parametrize("section, number, lead, support", ANNOTATED_004)
def test_004_annotated(parsed, section, number, lead, support):
    t = find(parsed("004"), number, section=section)
    assert (leads(t), supports(t)) == (lead, support)


def test_004_unclosed_attribution_is_kept_and_warned(parsed):
    doc = parsed("004")
    t = find(doc, "2", section="(六)坚持系统思维")
    assert leads(t) == ["武昌区应急管理局"]
    assert len(supports(t)) == 3
    assert "004_204739c3a34e3f44.txt:114: 责任单位括号未闭合" in doc.warnings


ANNOTATED_000 = [
    (
        "1",
        ["市卫健委"],
        [
            "市发改委",
            "市教育局",
            "市财政局",
            "市人社局",
            "市自然资源规划局",
            "市城建局",
            "市房管局",
            "市市场监管局",
            "各区人民政府",
        ],
    ),
    ("7", ["市人社局"], ["市就业工作领导小组各成员单位", "各区人民政府"]),
    ("14", ["市卫健委", "市民政局"], ["市财政局", "各区人民政府"]),
    ("19", ["市民政局"], ["市财政局"]),
    ("20", ["市民政局", "市交通运输局", "市残联"], ["市公安局", "市财政局", "市城建局", "市乡村振兴局"]),
    ("22", ["市市场监管局", "市农业农村局"], ["各区人民政府"]),
]


@pytest.mark.parametrize("number, lead, support", ANNOTATED_000)
def test_000_annex1_annotated(parsed, number, lead, support):
    t = find(parsed("000"), number, kind="task")
    assert (leads(t), supports(t)) == (lead, support)


@pytest.mark.parametrize(
    "district, owner, jurisdiction",
    [
        ("东湖高新区", "东湖高新区管委会", "东湖高新区"),
        ("市东湖生态旅游风景区", "东湖风景区管委会", "东湖风景区"),
        ("江岸区", "江岸区人民政府", "江岸区"),
        ("新洲区", "新洲区人民政府", "新洲区"),
    ],
)
def test_000_district_rows_owned_by_their_district(parsed, district, owner, jurisdiction):
    rows = [t for t in parsed("000").tasks if t.kind == "district_row" and t.section[-1] == district]
    assert rows and all(leads(t) == [owner] and not supports(t) for t in rows)
    assert all(t.jurisdiction == jurisdiction for t in rows)
    assert {a.rule for t in rows for a in t.assignments} == {"district_list"}
    assert rows[0].category == "一、幼有所育" and rows[0].title == "加强优生优育服务"


# ---------------------------------------------------------------- copies


def test_002_is_a_copy_of_001(parsed):
    a, b = parsed("001"), parsed("002")
    assert b.document.traditional and not a.document.traditional
    sig_a, sig_b = duplicates.signature(a.text), duplicates.signature(b.text)
    found = duplicates.find_duplicate(
        sig_b, {"doc-001": sig_a, "doc-000": duplicates.signature(parsed("000").text)}
    )
    assert found is not None and found[0] == "doc-001" and found[1] > 0.8


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_other_samples_are_not_copies_of_001(parsed, prefix):
    sig = duplicates.signature(parsed(prefix).text)
    assert duplicates.find_duplicate(sig, {"doc-001": duplicates.signature(parsed("001").text)}) is None


# ---------------------------------------------------------------- other conventions (synthetic documents)

CITY_INLINE_FULLWIDTH = """成都市人民政府办公厅关于印发2023年重点工作任务分解方案的通知
成办发〔2023〕12号
各区（市）县政府，市级有关部门：
现将《2023年重点工作任务分解方案》印发给你们，请认真贯彻执行。
成都市人民政府办公厅
2023年3月8日
一、稳增长
（一）扩大有效投资
1．加快推进重大项目建设。（牵头单位：市发改委；责任单位：市经信局、市财政局）
2．推进城市更新。（主办单位：市城建局；协办单位：市房管局）
（二）促进消费
3．举办消费季活动。（牵头单位：市商务局，配合单位：市文旅局、市体育局）
4．优化营商环境。（责任单位：市发改委、市商务局）
"""

DISTRICT_TABLE = """江岸区2023年民生实事任务分解表
江岸区人民政府办公室
2023年2月1日
序号\t工作任务\t牵头单位\t配合单位\t完成时限
一、教育
1\t新改扩建幼儿园3所\t区教育局\t区发改局、区财政局\t2023年12月底
2\t新增学位2000个\t区教育局 区房管局\t区财政局；各街道\t2023年9月
"""

FIRST_IS_LEAD = """武汉市人民政府关于印发2024年目标任务分解方案的通知
各区人民政府，市人民政府各部门：
现将方案印发给你们。列第一位的责任单位为牵头单位。
一、经济发展
1.推进科技创新。(责任单位:市科技局、市发改委、市经信局)
2.推进乡村振兴。(责任单位:市农业农村局)
"""

RANKED_TABLE = """武汉市2023年重点任务分工表
排名第一的责任单位为牵头单位。
序号\t主要任务\t责任单位\t完成时间
1\t建设充电桩6万个\t市发改委、市城建局、各区人民政府\t2023年12月
"""

LABELLED_LINES = """硚口区人民政府关于印发2023年重点任务清单的通知
一、重点任务
1.推进老旧小区改造。
牵头单位：区房管局
责任单位：区财政局、各街道
完成时限：2023年底
"""

DISTRICT_LIST = """武汉市人民政府办公厅关于印发2023年各区重点任务清单的通知
附件
2023年各区重点任务清单
江岸区
1.完成老旧小区改造20个。
东湖高新区
1.新增科技企业100家。
"""

TRADITIONAL = """武漢市人民政府關於印發重點任務分工的通知
一、重點任務
1.推進民生保障。（牽頭單位：市人社局；責任單位：市醫保局、各區人民政府）
"""

TRAILING_LABELS = """洪山区人民政府关于印发2023年重点任务的通知
一、重点任务
1.加快建设项目。牵头单位：区发改局；责任单位：区财政局、区商务局
"""

PAREN_ITEMS = """青山区人民政府关于印发2023年重点工作任务分解的通知
一、经济发展
1.稳增长
(1)推进重大项目建设。(牵头单位:区发改局;责任单位:区财政局)
2.促改革
(1)深化放管服改革。(责任单位:区政务服务局(牵头)、区司法局)
"""

EMPTY_LEAD_CELL = """江汉区2023年重点任务分工表
序号\t重点任务\t牵头单位\t责任单位\t完成时限
1.\t完成老旧小区改造\t\t区房管局、区城管局\t2023年10月
"""

CONVENTIONS = [
    # id, text, encoding, expected (text, deadline, [(role, canonical name, written)], rule) per task, encoding found
    (
        "inline-fullwidth-gbk",
        CITY_INLINE_FULLWIDTH,
        "gbk",
        [
            (
                "加快推进重大项目建设。",
                None,
                [
                    ("lead", "市发改委", "市发改委"),
                    ("support", "市经信局", "市经信局"),
                    ("support", "市财政局", "市财政局"),
                ],
                "inline:牵头+责任",
            ),
            (
                "推进城市更新。",
                None,
                [("lead", "市城建局", "市城建局"), ("support", "市房管局", "市房管局")],
                "inline:主办+协办",
            ),
            (
                "举办消费季活动。",
                None,
                [
                    ("lead", "市商务局", "市商务局"),
                    ("support", "市文旅局", "市文旅局"),
                    ("support", "市体育局", "市体育局"),
                ],
                "inline:牵头+配合",
            ),
            (
                "优化营商环境。",
                None,
                [("lead", "市发改委", "市发改委"), ("lead", "市商务局", "市商务局")],
                "inline:责任only",
            ),
        ],
        "gbk",
    ),
    (
        "district-table-utf16",
        DISTRICT_TABLE,
        "utf-16",
        [
            (
                "新改扩建幼儿园3所",
                "2023年12月底",
                [
                    ("lead", "江岸区教育局", "区教育局"),
                    ("support", "江岸区发改局", "区发改局"),
                    ("support", "江岸区财政局", "区财政局"),
                ],
                "table",
            ),
            (
                "新增学位2000个",
                "2023年9月",
                [
                    ("lead", "江岸区教育局", "区教育局"),
                    ("lead", "江岸区房管局", "区房管局"),
                    ("support", "江岸区财政局", "区财政局"),
                    ("support", "江岸区各街道", "各街道"),
                ],
                "table",
            ),
        ],
        "utf-16-le",
    ),
    (
        "first-is-lead-gb18030",
        FIRST_IS_LEAD,
        "gb18030",
        [
            (
                "推进科技创新。",
                None,
                [
                    ("lead", "市科技局", "市科技局"),
                    ("support", "市发改委", "市发改委"),
                    ("support", "市经信局", "市经信局"),
                ],
                "doc_rule:first_is_lead",
            ),
            ("推进乡村振兴。", None, [("lead", "市农业农村局", "市农业农村局")], "doc_rule:first_is_lead"),
        ],
        "gbk",
    ),
    (
        "ranked-table-utf8",
        RANKED_TABLE,
        "utf-8",
        [
            (
                "建设充电桩6万个",
                "2023年12月",
                [
                    ("lead", "市发改委", "市发改委"),
                    ("support", "市城建局", "市城建局"),
                    ("support", "各区人民政府", "各区人民政府"),
                ],
                "doc_rule:first_is_lead",
            ),
        ],
        "utf-8",
    ),
    (
        "labelled-lines-utf16be",
        LABELLED_LINES,
        "utf-16-be",
        [
            (
                "推进老旧小区改造。",
                "2023年底",
                [
                    ("lead", "硚口区房管局", "区房管局"),
                    ("support", "硚口区财政局", "区财政局"),
                    ("support", "硚口区各街道", "各街道"),
                ],
                "line:牵头+责任",
            ),
        ],
        "utf-16-be",
    ),
    (
        "district-list-utf8sig",
        DISTRICT_LIST,
        "utf-8-sig",
        [
            ("完成老旧小区改造20个。", None, [("lead", "江岸区人民政府", "江岸区")], "district_list"),
            ("新增科技企业100家。", None, [("lead", "东湖高新区管委会", "东湖高新区")], "district_list"),
        ],
        "utf-8-sig",
    ),
    (
        "trailing-labels-without-brackets",
        TRAILING_LABELS,
        "utf-8",
        [
            (
                "加快建设项目。",
                None,
                [
                    ("lead", "洪山区发改局", "区发改局"),
                    ("support", "洪山区财政局", "区财政局"),
                    ("support", "洪山区商务局", "区商务局"),
                ],
                "inline:牵头+责任",
            ),
        ],
        "utf-8",
    ),
    (
        "paren-items-and-marked-lead",
        PAREN_ITEMS,
        "utf-8",
        [
            (
                "推进重大项目建设。",
                None,
                [("lead", "青山区发改局", "区发改局"), ("support", "青山区财政局", "区财政局")],
                "inline:牵头+责任",
            ),
            (
                "深化放管服改革。",
                None,
                [("lead", "青山区政务服务局", "区政务服务局(牵头)"), ("support", "青山区司法局", "区司法局")],
                "marked:(牵头)",
            ),
        ],
        "utf-8",
    ),
    (
        "table-row-without-lead",
        EMPTY_LEAD_CELL,
        "gbk",
        [
            (
                "完成老旧小区改造",
                "2023年10月",
                [("lead", "江汉区房管局", "区房管局"), ("lead", "江汉区城管局", "区城管局")],
                "table",
            ),
        ],
        "gbk",
    ),
    (
        "traditional-big-brackets",
        TRADITIONAL,
        "utf-8",
        [
            (
                "推進民生保障。",
                None,
                [
                    ("lead", "市人社局", "市人社局"),
                    ("support", "市医保局", "市醫保局"),
                    ("support", "各区人民政府", "各區人民政府"),
                ],
                "inline:牵头+责任",
            ),
        ],
        "utf-8",
    ),
]


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be":
        return text.encode("utf-16-be")
    return text.encode(encoding)


@pytest.mark.parametrize(
    "text, encoding, expected, found_encoding", [c[1:] for c in CONVENTIONS], ids=[c[0] for c in CONVENTIONS]
)
def test_other_conventions(text, encoding, expected, found_encoding):
    doc = parse_bytes(_encode(text, encoding), "synthetic.txt")
    assert doc.document.encoding == found_encoding
    got = [
        (
            t.text,
            t.deadline,
            [(a.role, a.agency.name, a.written) for a in t.assignments],
            next(iter({a.rule for a in t.assignments}), None),
        )
        for t in doc.tasks
    ]
    assert got == expected


def test_table_row_provenance_and_kind():
    doc = parse_bytes(DISTRICT_TABLE.encode(), "jiangan.txt")
    first = doc.tasks[0]
    assert (first.kind, first.number, first.category, first.jurisdiction) == (
        "task",
        "1",
        "一、教育",
        "江岸区",
    )
    assert first.provenance == type(first.provenance)(
        "jiangan.txt", 6, 6, "1\t新改扩建幼儿园3所\t区教育局\t区发改局、区财政局\t2023年12月底"
    )


def test_traditional_document_keeps_original_text():
    doc = parse_bytes(TRADITIONAL.encode(), "trad.txt")
    assert doc.document.traditional
    assert doc.tasks[0].section == ["一、重點任務"]
    assert doc.tasks[0].attribution == "（牽頭單位：市人社局；責任單位：市醫保局、各區人民政府）"
    assert "重点任务" in doc.text


def test_missing_attribution_is_warned():
    text = "一、重点任务\n1.推进工作一。(牵头单位:市发改委;责任单位:市财政局)\n2.推进工作二。\n"
    doc = parse_bytes(text.encode(), "w.txt")
    assert [t.kind for t in doc.tasks] == ["task", "task"]
    assert "w.txt:3: 第2项没有找到责任单位" in doc.warnings


@pytest.mark.parametrize(
    "data, line, reason",
    [
        (b"", None, "文件为空"),
        (b"\x00\x01\x02binary\x00\xff" * 50, 1, "不是文本文件"),
        ("这是一段普通的文字,没有任何任务条目。\n".encode(), None, "未找到任何任务条目"),
    ],
)
def test_not_a_task_document(data, line, reason):
    with pytest.raises(LoadError) as e:
        parse_bytes(data, "bad.txt")
    assert e.value.source == "bad.txt" and e.value.line == line and reason in e.value.reason


def test_paren_items_under_a_numbered_group_heading():
    doc = parse_bytes(PAREN_ITEMS.encode(), "qingshan.txt")
    assert [(t.number, t.section) for t in doc.tasks] == [
        ("1", ["一、经济发展", "1.稳增长"]),
        ("1", ["一、经济发展", "2.促改革"]),
    ]


def test_csv_units_on_separate_lines_of_one_cell():
    data = '武汉市2023年任务分工表\n序号,主要任务,牵头单位,配合单位\n1,推进工作,"市发改委\n市财政局",市经信局\n'.encode()
    (t,) = parse_bytes(data, "w.csv").tasks
    assert [(a.role, a.agency.name) for a in t.assignments] == [
        ("lead", "市发改委"),
        ("lead", "市财政局"),
        ("support", "市经信局"),
    ]


def test_csv_table():
    data = (
        "江汉区2023年重点任务分工表\n序号,重点任务,牵头单位,责任单位,完成时限\n一、城市建设,,,,\n"
        '1,"建设口袋公园5个,\n新建绿道10公里",区园林局,"区财政局、各街道",2023年底\n'
    ).encode("gbk")
    doc = parse_bytes(data, "jianghan.csv")
    (t,) = doc.tasks
    assert (t.text, t.category, t.deadline) == ("建设口袋公园5个,新建绿道10公里", "一、城市建设", "2023年底")
    assert (t.provenance.line_start, t.provenance.line_end) == (4, 5)
    assert [(a.role, a.agency.name) for a in t.assignments] == [
        ("lead", "江汉区园林局"),
        ("support", "江汉区财政局"),
        ("support", "江汉区各街道"),
    ]


def test_district_annex_with_unit_columns_resolves_in_the_district():
    text = (
        "武汉市人民政府办公厅关于印发2023年各区任务清单的通知\n附件\n各区任务清单\n江岸区\n"
        "序号\t重点任务\t牵头单位\t配合单位\n一\t幼有所育\t\t\n1\t新建托育机构5所\t区卫健局\t区财政局\n"
    )
    (t,) = parse_bytes(text.encode(), "annex.txt").tasks
    assert (t.kind, t.jurisdiction, t.category) == ("district_row", "江岸区", "一、幼有所育")
    assert [(a.role, a.agency.name, a.rule) for a in t.assignments] == [
        ("lead", "江岸区卫健局", "table"),
        ("support", "江岸区财政局", "table"),
    ]


def test_tasks_numbered_as_headings_and_unnumbered_task_paragraphs():
    text = (
        "武汉市人民政府关于印发任务的通知\n一、重点任务\n"
        "（一）加快建设重大项目。（牵头单位：市发改委；责任单位：市财政局）\n"
        "（二）推进城市更新。（牵头单位：市城建局）\n"
        "二、主要目标\n地区生产总值增长6.5%以上。(责任单位:市发改委)\n"
    )
    got = [
        (t.number, t.section, t.text, [(a.role, a.agency.name) for a in t.assignments])
        for t in parse_bytes(text.encode(), "p.txt").tasks
    ]
    assert got == [
        ("一", ["一、重点任务"], "加快建设重大项目。", [("lead", "市发改委"), ("support", "市财政局")]),
        ("二", ["一、重点任务"], "推进城市更新。", [("lead", "市城建局")]),
        ("", ["二、主要目标"], "地区生产总值增长6.5%以上。", [("lead", "市发改委")]),
    ]


def test_attribution_inside_the_text():
    text = "武汉市人民政府关于印发任务的通知\n一、重点任务\n1.推进老旧小区改造(牵头单位:市房管局;责任单位:各区人民政府),年底前完成。\n"
    (t,) = parse_bytes(text.encode(), "e.txt").tasks
    assert (t.text, t.attribution) == (
        "推进老旧小区改造,年底前完成。",
        "(牵头单位:市房管局;责任单位:各区人民政府)",
    )
    assert [(a.role, a.agency.name) for a in t.assignments] == [
        ("lead", "市房管局"),
        ("support", "各区人民政府"),
    ]


def test_targets_heading_makes_indicator_items():
    text = "武汉市2023年目标任务分解方案\n一、2023年主要预期目标\n1.地区生产总值增长6.5%以上。(责任单位:市发改委)\n"
    (t,) = parse_bytes(text.encode(), "t.txt").tasks
    assert t.kind == "indicator" and [a.agency.name for a in t.assignments] == ["市发改委"]


def test_attribution_on_a_heading_applies_to_its_items_without_one():
    text = (
        "武汉市人民政府关于印发2023年重点任务的通知\n"
        "一、扩大有效投资(牵头单位:市发改委;责任单位:市财政局)\n"
        "1.加快推进重大项目建设。\n2.推进城市更新。(责任单位:市城建局)\n"
        "二、促进消费\n3.举办消费季活动。(牵头单位:市商务局)\n"
    )
    doc = parse_bytes(text.encode(), "h.txt")
    got = [(t.section, [(a.role, a.agency.name, a.rule) for a in t.assignments]) for t in doc.tasks]
    assert got == [
        (
            ["一、扩大有效投资"],
            [
                ("lead", "市发改委", "heading:inline:牵头+责任"),
                ("support", "市财政局", "heading:inline:牵头+责任"),
            ],
        ),
        (["一、扩大有效投资"], [("lead", "市城建局", "inline:责任only")]),
        (["二、促进消费"], [("lead", "市商务局", "inline:牵头only")]),
    ]


def test_repeated_attribution_lines_are_not_page_headers():
    items = "".join(f"{n}.推进第{n}项工作。\n(责任单位:各区人民政府)\n" for n in range(1, 5))
    doc = parse_bytes(f"武汉市人民政府关于印发任务的通知\n一、重点任务\n{items}".encode(), "r.txt")
    assert [[a.agency.name for a in t.assignments] for t in doc.tasks] == [["各区人民政府"]] * 4


def test_category_column_carries_over_merged_cells():
    text = (
        "武汉市2023年任务分工表\n序号\t类别\t工作任务\t牵头单位\n"
        "1\t稳增长\t推进项目建设\t市发改委\n2\t\t扩大消费\t市商务局\n3\t促改革\t优化营商环境\t市发改委\n"
    )
    doc = parse_bytes(text.encode(), "c.txt")
    assert [(t.number, t.category, t.text) for t in doc.tasks] == [
        ("1", "稳增长", "推进项目建设"),
        ("2", "稳增长", "扩大消费"),
        ("3", "促改革", "优化营商环境"),
    ]


def test_numbered_requirements_are_measures_not_ownerless_tasks():
    text = (
        "武汉市人民政府关于印发任务的通知\n一、重点任务\n1.推进工作。(牵头单位:市发改委)\n"
        "二、保障措施\n1.加强组织领导。各部门要高度重视。\n"
    )
    doc = parse_bytes(text.encode(), "m.txt")
    assert [t.kind for t in doc.tasks] == ["task", "measure"]
    assert doc.warnings == []


def test_rule_in_the_table_header():
    text = "武汉市2023年任务分工表\n序号\t工作任务\t责任单位(排名第一的为牵头单位)\n1\t推进工作\t市发改委、市财政局\n"
    (t,) = parse_bytes(text.encode(), "th.txt").tasks
    assert [(a.role, a.agency.name, a.rule) for a in t.assignments] == [
        ("lead", "市发改委", "doc_rule:first_is_lead"),
        ("support", "市财政局", "doc_rule:first_is_lead"),
    ]


def test_markdown_table():
    text = (
        "武汉市2023年任务分工表\n\n| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|\n"
        "| 1 | 推进老旧小区改造 | 市房管局 | 各区人民政府 | 2023年底 |\n"
    )
    (t,) = parse_bytes(text.encode(), "md.txt").tasks
    assert (t.number, t.text, t.deadline) == ("1", "推进老旧小区改造", "2023年底")
    assert [(a.role, a.agency.name) for a in t.assignments] == [
        ("lead", "市房管局"),
        ("support", "各区人民政府"),
    ]
    assert t.provenance.span == "| 1 | 推进老旧小区改造 | 市房管局 | 各区人民政府 | 2023年底 |"


def test_a_unit_named_as_lead_and_responsible_only_leads():
    text = "武汉市人民政府关于印发任务的通知\n一、重点任务\n1.推进工作。(责任单位:市发改委、市财政局;牵头单位:市发改委)\n"
    (t,) = parse_bytes(text.encode(), "d.txt").tasks
    assert [(a.role, a.agency.name) for a in t.assignments] == [("support", "市财政局"), ("lead", "市发改委")]


def test_numbered_district_headings_in_an_annex():
    text = (
        "武汉市人民政府办公厅关于印发2023年各区任务清单的通知\n附件2\n各区任务清单\n"
        "一、江岸区\n序号\t重点任务\t主要内容\n1\t托育服务\t新建托育机构5所\n"
        "二、东湖高新区\n序号\t重点任务\t主要内容\n1\t科技创新\t新增科技企业100家\n"
    )
    doc = parse_bytes(text.encode(), "nd.txt")
    assert [(t.kind, t.jurisdiction, [a.agency.name for a in t.assignments]) for t in doc.tasks] == [
        ("district_row", "江岸区", ["江岸区人民政府"]),
        ("district_row", "东湖高新区", ["东湖高新区管委会"]),
    ]


def test_district_ends_with_its_heading():
    text = (
        "武汉市人民政府办公厅关于印发任务清单的通知\n附件1\n各区任务清单\n江岸区\n1.新建托育机构5所。\n"
        "附件2\n市直部门任务清单\n1.推进工作。(责任单位:市发改委)\n"
    )
    doc = parse_bytes(text.encode(), "de.txt")
    assert [(t.kind, t.jurisdiction) for t in doc.tasks] == [("district_row", "江岸区"), ("task", "武汉市")]


def test_table_rows_without_owner_are_warned():
    text = "武汉市2023年任务分工表\n序号\t重点任务\t主要内容\n1\t托育服务\t新建托育机构5所\n"
    doc = parse_bytes(text.encode(), "nw.txt")
    assert doc.warnings == ["nw.txt:3: 第1行所在表格没有单位列,也不属于某个区"]


def test_missing_file_is_a_load_error(tmp_path):
    from loaders.parse import parse_file

    with pytest.raises(LoadError) as e:
        parse_file(tmp_path / "nope.txt")
    assert "无法读取文件" in e.value.reason and e.value.source.endswith("nope.txt")
