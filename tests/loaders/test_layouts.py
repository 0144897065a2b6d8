"""Layouts from independently annotated batches (tests/devset/blind*), read back as tasks with their units."""

from loaders.parse import parse_bytes


def _units(text: str, jurisdiction: str = "某县") -> list[tuple[str, list[str], list[str]]]:
    tasks = parse_bytes(text.encode(), "x.txt", jurisdiction=jurisdiction).tasks
    return [(t.number, [a.name for a in t.leads], [a.name for a in t.supports]) for t in tasks]


def test_one_cell_per_line_with_header_words_wrapped():
    """ "责任" / "领导", "牵头" / "单位": a header word wrapped over two lines is one header cell."""
    text = (
        "某县重点工作计划\n序号\n\n重点工作\n\n责任\n\n领导\n\n牵头\n\n单位\n\n配合\n\n单位\n\n年度目标\n\n"
        "1\n\n新建城区幼儿园\n\n王某某\n\n县教育局\n\n县住建局、县财政局\n\n完成主体工程\n\n"
        "2\n\n改造农村公路\n\n李某\n\n县交通运输局\n\n县财政局\n\n完成30公里\n"
    )
    assert _units(text) == [
        ("1", ["某县教育局"], ["某县住建局", "某县财政局"]),
        ("2", ["某县交通运输局"], ["某县财政局"]),
    ]


def test_progress_column_ends_the_support_list():
    """A progress notice prints every label on one line: 实际完成情况 after 配合单位 is a report, not a unit."""
    text = (
        "某市民生实事项目进展情况公示\n"
        "1.新建社区食堂60家。 牵头领导：王某 责任单位：市民政局 项目责任人：李某 配合单位：市财政局、市商务局 "
        "实际完成情况：已建成31家，完成年度目标的51.7%。\n"
        "2.新增托位3000个。 牵头领导：王某 责任单位：市卫生健康委 项目责任人：周某 配合单位：市教育局 "
        "进展情况：新增托位1620个。\n"
    )
    assert _units(text, "某市") == [
        ("1", ["市民政局"], ["市财政局", "市商务局"]),
        ("2", ["市卫生健康委"], ["市教育局"]),
    ]


def test_deadline_in_the_unit_field_is_the_tasks_deadline():
    """ "牵头单位：县民政局（11月底前）" — the bracket is when, not who."""
    text = (
        "某县为民办实事项目实施方案\n"
        "1.新建日间照料中心12个。\n牵头单位：县民政局（11月底前）\n配合单位：县财政局\n"
        "2.改造供热管网15公里。\n牵头单位：县住建局，2024年10月15日前完成\n配合单位：县热力公司\n"
        "3.新增公益性岗位300个。\n牵头单位：县人社局\n配合单位：县财政局、县总工会（6月底前到岗）\n"
    )
    tasks = parse_bytes(text.encode(), "x.txt", jurisdiction="某县").tasks
    assert [(t.number, [a.name for a in t.leads], [a.name for a in t.supports]) for t in tasks] == [
        ("1", ["某县民政局"], ["某县财政局"]),
        ("2", ["某县住建局"], ["某县热力公司"]),
        ("3", ["某县人社局"], ["某县财政局", "某县总工会"]),
    ]
    assert [t.deadline for t in tasks] == ["11月底前", "2024年10月15日前完成", "6月底前到岗"]


def test_closing_paragraph_after_the_last_task_is_no_unit():
    """A blank line, then "各牵头单位要于…报…督查室。": the document's closing words, not the last task's units."""
    text = (
        "某区重点民生项目责任分工\n"
        "1.新建社区食堂20家。\n牵头单位：区民政局\n责任单位：区财政局\n"
        "2.改造农贸市场5个。\n牵头单位：区商务局\n责任单位：区市场监管局、区城管局\n"
        "\n各牵头单位每季度末将进展情况报区政府督查室。\n"
    )
    assert _units(text, "某区") == [
        ("1", ["某区民政局"], ["某区财政局"]),
        ("2", ["某区商务局"], ["某区市场监管局", "某区城管局"]),
    ]


def test_space_table_cells_wrapped_onto_the_next_line():
    """PDF text: a cell too long for its column goes on under it ("市工业和" / "信息化局"; a shared
    "人民政府" under "甲县、乙县"); the wrapped piece joins the cell above it, not a new unit."""
    text = (
        "某市2024年重点工作任务分工\n"
        "序号  重点任务                      牵头单位          配合单位                  时间节点\n"
        "1     推进智能制造，新建数字化      市科技局          市发展改革委、市工业和    12月底\n"
        "      车间20个                                        信息化局\n"
        "2     建设跨县产业园区              市商务局          甲县、乙县                11月底\n"
        "                                                      人民政府\n"
        "3     新建公共停车场6个             市住建局          市财政局                  9月底\n"
    )
    assert _units(text, "某市") == [
        ("1", ["市科技局"], ["市发展改革委", "市工业和信息化局"]),
        ("2", ["市商务局"], ["甲县人民政府", "乙县人民政府"]),
        ("3", ["市住建局"], ["市财政局"]),
    ]


def test_street_offices_share_the_suffix_of_the_last():
    """ "东湖街道、西湖街道、南湖街道办事处": each street office is a 街道办事处, not a bare 街道."""
    text = "某区民生实事\n1.新建社区食堂12家。（主责单位：区民政局；协办单位：东湖街道、西湖街道、南湖街道办事处）\n"
    assert _units(text, "某区") == [
        ("1", ["某区民政局"], ["东湖街道办事处", "西湖街道办事处", "南湖街道办事处"]),
    ]


def test_unit_named_after_the_place_takes_no_level_prefix():
    """ "市发展改革委、桂林供电局" in a 桂林市 document: the utility already carries the city's name."""
    text = "桂林市重点工作分工\n1.降低企业用电成本。（市发展改革委、桂林供电局）\n"
    tasks = parse_bytes(text.encode(), "x.txt", jurisdiction="桂林市").tasks
    assert [a.name for t in tasks for a in t.leads + t.supports] == ["市发展改革委", "桂林供电局"]


def test_region_prefix_carried_over_a_unit_starting_with_market():
    """ "自治区文化和旅游厅、市场监管厅": 市场 is no 市 prefix; the 自治区 of the list carries down."""
    text = "某自治区重点任务\n1.举办消费季活动。（自治区商务厅牵头，自治区文化和旅游厅、市场监管厅配合）\n"
    tasks = parse_bytes(text.encode(), "x.txt", jurisdiction="广西壮族自治区").tasks
    assert [(t.number, [a.name for a in t.leads], [a.name for a in t.supports]) for t in tasks] == [
        ("1", ["自治区商务厅"], ["自治区文化和旅游厅", "自治区市场监管厅"]),
    ]


def test_pdf_line_break_inside_the_unit_bracket():
    """PDF text broken at the page width inside "（牵头单位：…）": the label on the next line and the
    "人民政府）" after it still belong to the open bracket."""
    text = (
        "某区重点任务分解\n"
        "　　1．推进河道综合治理，断面水质达到Ⅲ类。（\n"
        "牵头单位：区生态环境局；配合单位：区水利局，东镇、西\n"
        "镇人民政府）\n"
        "　　2．完成农村人居环境整治村20个。（牵头单位：区农业农村委；配\n"
        "合单位：区乡村振兴局、各镇人民政府）\n"
    )
    assert _units(text, "某区") == [
        ("1", ["某区生态环境局"], ["某区水利局", "东镇人民政府", "西镇人民政府"]),
        ("2", ["某区农业农村委"], ["某区乡村振兴局", "各镇人民政府"]),
    ]


def test_same_continued_unit_cell_in_many_rows_is_no_page_header():
    """ "\\t\\t\\t\\t各街道" under three rows: a short line repeated three times, but a cell, not a running header."""
    rows = "".join(
        f"{k}\t任务{k}\t新建设施{k}处。\t区民政局\t区财政局\n\t\t\t\t各街道\n" for k in (1, 2, 3)
    )
    text = "某区民生实事项目分解表\n序号\t项目名称\t主要内容\t牵头单位\t配合单位\n" + rows
    assert _units(text, "某区") == [
        (str(k), ["某区民政局"], ["某区财政局", "各街道"]) for k in (1, 2, 3)
    ]


def test_bare_unit_list_with_a_deadline_after_a_comma():
    """ "（市交通运输局、市财政局，2024年12月底前）": units, then when — the first unit leads by the rule."""
    text = (
        "某市重点工作任务分解\n列第一位的为牵头单位。\n"
        "1.建成环城快速路东段。（市交通运输局、市住建局、市财政局，2024年12月底前）\n"
        "2.改造供水管网40公里。（市水利局、市供水公司）\n"
    )
    tasks = parse_bytes(text.encode(), "x.txt", jurisdiction="某市").tasks
    assert [(t.number, [a.name for a in t.leads], [a.name for a in t.supports]) for t in tasks] == [
        ("1", ["市交通运输局"], ["市住建局", "市财政局"]),
        ("2", ["市水利局"], ["市供水公司"]),
    ]
    assert tasks[0].deadline == "2024年12月底前"
