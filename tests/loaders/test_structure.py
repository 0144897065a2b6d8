"""Document metadata, heading paths and district lists, with expected values read off the samples."""

from collections import Counter

import pytest

from loaders import structure
from loaders.reading import normalise, read


@pytest.mark.parametrize(
    "prefix, title, issuer, doc_number, date",
    [
        (
            "000",
            "市人民政府办公厅关于印发进一步推进民生保障提效公共服务提质的实施方案的通知",
            "武汉市人民政府办公厅",
            "武政办〔2022〕7号",
            "2022-01-18",
        ),
        (
            "001",
            "市人民政府关于进一步推进民生保障提效公共服务提质的实施意见",
            "武汉市人民政府",
            "",
            "2022-01-14",
        ),
        (
            "002",
            "市人民政府關于進一步推進民生保障提效公共服務提質的實施意見",
            "武汉市人民政府",
            "武政〔2022〕2号",
            "2022-01-14",
        ),
        ("003", "武汉市人民政府2023年《政府工作报告》目标任务责任分解方案(下)", "武汉市人民政府", "", None),
        (
            "004",
            "武昌区人民政府办公室关于印发武昌区国民经济和社会发展第十四个五年规划和2035年 远景目标纲要任务分工方案的通知",
            "武昌区人民政府办公室",
            "武昌政办〔2022〕11号",
            "2022-04-29",
        ),
    ],
)
def test_sample_metadata(parsed, prefix, title, issuer, doc_number, date):
    doc = parsed(prefix).document
    assert (doc.title, doc.issuer, doc.doc_number, doc.date) == (title, issuer, doc_number, date)


@pytest.mark.parametrize(
    "lines, date",
    [
        (["武汉市人民政府办公厅", "2022年1月18日"], "2022-01-18"),
        (["武 汉 市 人 民 政 府", "２０２２ 年 １ 月 １４ 日"], "2022-01-14"),
        (["公开日期: 2022年04月29日 公开方式: 有效"], "2022-04-29"),
        (["武汉市武昌区人民政府办公室", "2022429"], "2022-04-29"),
        (["成都市人民政府办公厅", "2023年12月5日"], "2023-12-05"),
        (["发布日期: 2023-03-08"], "2023-03-08"),
    ],
)
def test_dates(lines, date):
    md, _ = structure.metadata(read("\n".join(["关于印发某某工作方案的通知", *lines]).encode(), "x.txt"))
    assert md.date == date


@pytest.mark.parametrize(
    "issuer, title, jurisdiction",
    [
        ("武昌区人民政府办公室", "", "武昌区"),
        ("武汉市人民政府办公厅", "", "武汉市"),
        ("", "江岸区人民政府关于印发2023年重点工作任务分解的通知", "江岸区"),
        ("武汉市武昌区人民政府办公室", "", "武昌区"),
        ("成都市人民政府办公厅", "", "成都市"),
        ("", "", ""),  # no place named: no fallback to any city
        ("鞍山市立山区人民政府", "", "立山区"),
        ("", "立山区政府2023年重点工作任务分解和责任分工方案", "立山区"),
        ("广东省人民政府", "", "广东省"),
    ],
)
def test_jurisdiction(issuer, title, jurisdiction):
    assert structure.jurisdiction_of(issuer, title) == jurisdiction


@pytest.mark.parametrize(
    "text, number",
    [
        ("文  号: 武昌政办〔2022〕11号 索 引 号: 737546075/2022-16576", "武昌政办〔2022〕11号"),
        ("武政办〔2022〕7号", "武政办〔2022〕7号"),
        ("附件:武政[2022]2號—市人民政府關于….pdf", "武政〔2022〕2号"),
        ("鄂政发(2021)15号", "鄂政发〔2021〕15号"),
    ],
)
def test_doc_number(text, number):
    assert structure._doc_number(normalise(text)) == number


def test_003_sections_keep_headings_as_printed(parsed):
    tasks = {t.number: t for t in parsed("003").tasks if t.section[0].startswith("(六)")}
    assert tasks["116"].section == ["(六)着力推动绿色转型,加快建设世界滨水生态名城", "——坚持推进长江大保护"]
    assert tasks["126"].section == ["(六)着力推动绿色转型,加快建设世界滨水生态名城", "——深入推进环境污染防治"]


def test_003_task_counts_per_section(parsed):
    counts = Counter(t.section[0] for t in parsed("003").tasks)
    assert counts == {
        "(六)着力推动绿色转型,加快建设世界滨水生态名城": 29,  # 116–144
        "(七)着力深化改革开放,深度融入国内国际双循环": 32,  # 145–176
        "(八)着力夯实“三农”基础,全面推进乡村振兴": 18,  # 177–194
        "(九)着力保障改善民生,统筹发展社会事业": 32,  # 195–226
        "(十)着力筑牢安全底线,扎实开展更高水平的平安武汉建设": 15,  # 227–241
        "三、建设人民满意的服务型政府": 7,
        "四、民生实事": 69,
    }
    numbers = [t.number for t in parsed("003").tasks]
    assert numbers[:126] == [str(n) for n in range(116, 242)]
    assert numbers[126:133] == [str(n) for n in range(1, 8)]
    assert numbers[133:] == [str(n) for n in range(1, 70)]


def test_003_民生实事_subsections(parsed):
    task = next(t for t in parsed("003").tasks if t.section[0] == "四、民生实事" and t.number == "33")
    assert task.section == ["四、民生实事", "(十)便利市民出行"]
    assert task.text == "新增机动车停车泊位12万个、充电桩6万个。"


def test_004_sections(parsed):
    tasks = parsed("004").tasks
    plan = "武昌区国民经济和社会发展第十四个五年规划和2035年远景目标纲要任务分工方案"
    assert Counter(tuple(t.section) for t in tasks if t.kind == "indicator") == {
        (plan, "主要指标分工", "(一)约束性指标"): 6,
        (plan, "主要指标分工", "(二)预期性指标"): 11,
    }
    task_sections = Counter(t.section[-1][:3] for t in tasks if t.kind == "task")
    assert task_sections == {"(一)": 3, "(二)": 3, "(三)": 4, "(四)": 3, "(五)": 4, "(六)": 3, "(七)": 3}
    assert all(t.section[:2] == [plan, "二、主要任务分工"] for t in tasks if t.kind == "task")


def test_004_paragraphs_of_one_task_stay_together(parsed):
    task = next(t for t in parsed("004").tasks if t.kind == "task" and t.section[-1].startswith("(三)"))
    assert (task.provenance.line_start, task.provenance.line_end) == (80, 84)
    assert "建设“T轴”" in task.text and "建设一谷" in task.text
    assert task.attribution.startswith("(牵头单位:滨江商务区管委会")


DISTRICTS = [
    "东湖高新区",
    "武汉经开区",
    "市东湖生态旅游风景区",
    "江岸区",
    "江汉区",
    "硚口区",
    "汉阳区",
    "武昌区",
    "青山区",
    "洪山区",
    "蔡甸区",
    "江夏区",
    "东西湖区",
    "黄陂区",
    "新洲区",
]


def test_000_district_lists(parsed):
    rows = [t for t in parsed("000").tasks if t.kind == "district_row"]
    per = Counter(t.section[-1] for t in rows)
    assert list(per) == DISTRICTS
    assert per == {d: (15 if d == "市东湖生态旅游风景区" else 16) for d in DISTRICTS}
    assert all(t.section[:2] == ["附件 2", "2022 年各区民生保障提效公共服务提质 工作任务清单"] for t in rows)


def test_000_annex1_rows_and_categories(parsed):
    rows = [t for t in parsed("000").tasks if t.kind == "task"]
    assert [t.number for t in rows] == [str(n) for n in range(1, 26)]
    by = {t.number: t for t in rows}
    assert (by["1"].title, by["1"].category) == ("加强生育全程服务", "一、幼有所育")
    assert (by["8"].title, by["8"].category) == (
        "统筹推进重点群体就业",
        "三、劳有所得",
    )  # after a repeated header
    assert (by["17"].title, by["17"].category) == (
        "大力发展保障性租赁住房",
        "六、住有所居",
    )  # after a page header
    assert by["16"].text == "到2025年,新增公租房保障1万套(户)。"
    assert by["1"].section == ["附件 1", "市直部门民生保障提效公共服务提质 工作任务清单"]


def test_000_prose_plans_are_measures(parsed):
    measures = [t for t in parsed("000").tasks if t.kind == "measure"]
    assert Counter(t.section[0] for t in measures) == {
        "武汉市构建高水平民生保障体系工作方案": 24,
        "武汉市构建高质量民生服务体系工作方案": 18,
        "武汉市构建高标准民生安全体系工作方案": 22,
    }
    assert all(not t.assignments for t in measures)


def test_001_measures(parsed):
    measures = parsed("001").tasks
    assert all(t.kind == "measure" for t in measures)
    assert Counter(t.section[-1] for t in measures) == {
        "（一）加快构建高水平民生保障体系": 5,
        "（二）加快构建高质量民生服务体系": 5,
        "（三）加快构建高标准民生安全体系": 6,
    }
    first = measures[0]
    assert first.section == ["三、重点任务", "（一）加快构建高水平民生保障体系"]
    assert first.text.startswith("构建稳定充分的就业创业格局。")
    assert first.text.endswith("新增高校毕业生留汉就业创业 １５０ 万人。")


@pytest.mark.parametrize(
    "lines, section",
    [
        (
            ["一、重点任务", "(一)扩大投资", "——推进项目", "1.推进建设。(责任单位:市发改委)"],
            ["一、重点任务", "(一)扩大投资", "——推进项目"],
        ),
        (
            ["(六)着力推动绿色转型", "——坚持推进长江大保护", "116.推进建设。(责任单位:市发改委)"],
            ["(六)着力推动绿色转型", "——坚持推进长江大保护"],
        ),
        (
            ["一、重点任务", "（一）扩大投资", "1．推进建设。（责任单位：市发改委）"],
            ["一、重点任务", "（一）扩大投资"],
        ),
        (
            ["附件1", "市直部门工作任务清单", "一、重点任务", "1.推进建设。(责任单位:市发改委)"],
            ["附件1", "市直部门工作任务清单", "一、重点任务"],
        ),
        (["附表2：重点项目任务分解表", "1.推进建设。(责任单位:市发改委)"], ["附表2：重点项目任务分解表"]),
        (
            ["武汉市构建高水平民生保障体系工作方案", "二、重点任务", "1.推进建设。(责任单位:市发改委)"],
            ["武汉市构建高水平民生保障体系工作方案", "二、重点任务"],
        ),
        (
            ["主要指标分工", "(一)约束性指标", "1.绿化覆盖率达到41.51%。(责任单位:区城管局)"],
            ["主要指标分工", "(一)约束性指标"],
        ),
        (
            [
                "三、工作要求",
                "(一)推动任务落地见效。各部门要强化组织领导。",
                "1.推进建设。(责任单位:市发改委)",
            ],
            ["三、工作要求", "(一)推动任务落地见效。"],
        ),
        (["一、经济发展", "1.稳增长", "(1)推进建设。(责任单位:市发改委)"], ["一、经济发展", "1.稳增长"]),
    ],
)
def test_heading_levels(lines, section):
    text = "\n".join(["关于印发某某工作方案的通知", *lines])
    (item,) = structure.walk(read(text.encode(), "h.txt"), doc_title="关于印发某某工作方案的通知").items
    assert item.section == section


@pytest.mark.parametrize(
    "lines, number",
    [
        (["武汉市人民政府办公厅文件", "武政办〔2022〕7号", "关于印发某某方案的通知"], "武政办〔2022〕7号"),
        (["关于印发某某方案的通知", "1.落实《某某意见》(武政〔2021〕5号)要求。(责任单位:市发改委)"], ""),
        (
            ["关于印发某某方案的通知", "附件:武政[2022]2號—市人民政府關于某某的實施意見.pdf"],
            "武政〔2022〕2号",
        ),
        (["鄂政办发〔2023〕3 号", "湖北省人民政府办公厅关于某某的通知"], "鄂政办发〔2023〕3号"),
    ],
)
def test_own_document_number(lines, number):
    md, _ = structure.metadata(read("\n".join(lines).encode(), "x.txt"))
    assert md.doc_number == number


def test_leader_named_by_a_section_heading():
    """ "一、沈某副县长牵头项目" gives the leader of every task under it that prints none of its own."""
    from loaders.parse import parse_bytes

    text = (
        "某县民生实事项目责任分解\n一、沈某某副县长牵头项目\n1.新建社区食堂20家。\n责任单位:县民政局\n"
        "二、钱某县长牵头项目\n2.改造农村公路30公里。\n责任单位:县交通运输局\n"
    )
    tasks = parse_bytes(text.encode(), "x.txt", jurisdiction="某县").tasks
    assert [(t.number, t.leader) for t in tasks] == [("1", "沈某某"), ("2", "钱某")]
