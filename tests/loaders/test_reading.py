"""Reading: encodings, normalisation, repair of broken lines, page furniture, line provenance."""

from pathlib import Path

import pytest

from graph.store import LoadError
from loaders.reading import decode, fingerprint_text, fold_width, is_traditional, normalise, read

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
TEXT = "一、重点任务\n1.推进民生保障提效。(牵头单位:市人社局;责任单位:市医保局)\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gbk"),
        ((TEXT + "㐀\n").encode("gb18030"), "gb18030"),  # a character GBK lacks
        (TEXT.encode("utf-16"), "utf-16-le"),  # with BOM (little-endian on this machine)
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be"),
        ("一、重點任務\n1.推進民生保障提效。(牽頭單位:市人社局;責任單位:市醫保局)\n".encode("big5"), "big5"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM
        (TEXT.encode("utf-16-be"), "utf-16-be"),  # no BOM
    ],
)
def test_decode_detects_encoding(data, encoding):
    text, found = decode(data, "x.txt")
    assert found == encoding
    assert normalise(text.replace("㐀\n", "")) == TEXT


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "文件为空"),
        (b"  \n\n \t ", "文件为空"),
        (bytes(range(256)) * 20, "不是文本文件"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "不是文本文件"),
    ],
)
def test_decode_rejects_non_text(data, reason):
    with pytest.raises(LoadError) as e:
        decode(data, "bad.txt")
    assert e.value.source == "bad.txt"
    assert reason in e.value.reason
    assert "bad.txt" in str(e.value)


def test_utf8_with_a_damaged_byte_stays_utf8():
    data = TEXT.encode() * 20
    data = data[:50] + b"\xff" + data[50:]
    warnings: list[str] = []
    text, found = decode(data, "d.txt", warnings)
    assert found == "utf-8" and "\ufffd" in text and text.replace("\ufffd", "").count("推进民生") == 20
    assert warnings == ["d.txt:2: 有1处字节不是有效的 UTF-8,已替换为�"]


def test_broken_utf16_is_a_load_error():
    with pytest.raises(LoadError) as e:
        decode(b"\xff\xfe" + TEXT.encode("utf-16-le")[:-1] + b"\x00\xd8", "u.txt")
    assert "文件编码损坏" in e.value.reason


@pytest.mark.parametrize(
    "printed, folded",
    [
        (
            "（牵头单位：市发改委；责任单位：市财政局，各区人民政府）",
            "(牵头单位:市发改委;责任单位:市财政局,各区人民政府)",
        ),
        ("到 ２０２５ 年，达到 ９９．５％", "到 2025 年,达到 99.5%"),
        ("　全角空格", " 全角空格"),
        ("市委宣传部〈市文明办〉", "市委宣传部〈市文明办〉"),
        ("武政办〔2022〕7号", "武政办〔2022〕7号"),
    ],
)
def test_fold_width_keeps_length(printed, folded):
    assert fold_width(printed) == folded
    assert len(fold_width(printed)) == len(printed)


def test_traditional_to_simplified_keeps_length():
    printed = "各區人民政府,市人民政府各部門:讓人民生活幸福是“國之大者”"
    assert normalise(printed) == "各区人民政府,市人民政府各部门:让人民生活幸福是“国之大者”"
    assert is_traditional(printed * 3)
    assert not is_traditional("各区人民政府,市人民政府各部门:让人民生活幸福是“国之大者”" * 3)


def test_fingerprint_text_drops_pinyin_fragments():
    assert fingerprint_text("讓改革發(fā)展成果,現(xiàn)就") == "让改革发展成果,现就"


def test_broken_lines_are_joined_with_their_line_numbers():
    data = (
        "三、重点任务\n\n"
        "１．构建稳定充分的就业创业格局。 围绕“劳有所得”，深入实\n\n"
        "施就业优先战略，强化就业优先政策，落实系列减负、稳岗、扩就业\n\n"
        "政策，扩大就业容量。\n\n"
        "２．织密筑牢应保尽保的托底保障网络。\n"
    ).encode()
    reading = read(data, "x.txt")
    texts = [line.text for line in reading.lines]
    assert texts == [
        "三、重点任务",
        "１．构建稳定充分的就业创业格局。 围绕“劳有所得”，深入实施就业优先战略，强化就业优先政策，落实系列减负、稳岗、扩就业政策，扩大就业容量。",
        "２．织密筑牢应保尽保的托底保障网络。",
    ]
    joined = reading.lines[1]
    assert (joined.line_start, joined.line_end) == (3, 7)
    assert joined.line_at(joined.text.index("施就业")) == 5
    assert joined.norm.startswith("1.构建")
    assert len(joined.norm) == len(joined.text)


def test_headings_and_titles_are_not_joined():
    data = "一、指导思想\n以习近平新时代中国特色社会主义思想为指导。\n2022 年各区民生保障提效公共服务提质 工作任务清单\n\n东湖高新区\n".encode()
    assert [line.text for line in read(data, "x.txt").lines] == [
        "一、指导思想",
        "以习近平新时代中国特色社会主义思想为指导。",
        "2022 年各区民生保障提效公共服务提质 工作任务清单",
        "东湖高新区",
    ]


def test_samples_001_measure_spans_its_lines():
    reading = read((SAMPLES / "001_17a93bc98c002790.txt").read_bytes(), "001")
    measure = next(line for line in reading.lines if line.norm.startswith("1.构建稳定充分"))
    raw = reading.raw_lines
    assert raw[measure.line_start - 1].strip().startswith("１．构建稳定充分的就业创业格局")
    # wrapped at a fixed width: a full line that ends a sentence does not end the paragraph
    assert raw[measure.line_end - 1].strip().endswith("新增高校毕业生留汉就业创业 １５０ 万人。")
    assert "\n" not in measure.text
    assert "实施就业优先战略" in measure.text


def test_sample_000_page_headers_dropped():
    reading = read((SAMPLES / "000_0254987fc8a29e26.txt").read_bytes(), "000")
    assert reading.raw_lines[356] == "武汉市人民政府公报"  # line 357, in the middle of 附件1
    assert all(357 not in [no for _, no in line.pieces] for line in reading.lines)
    assert not any(line.norm.strip() == "武汉市人民政府公报" for line in reading.lines)


def test_sample_003_web_boilerplate_dropped():
    reading = read((SAMPLES / "003_0cb12dbbb4b3a502.txt").read_bytes(), "003")
    texts = [line.text for line in reading.lines]
    assert texts[-1].startswith("69.发放民防应急包8万个。")
    assert not any(t in ("回复", "举报", "[复制链接]", "通知.jpg") or t.startswith("源:") for t in texts)


def test_span_is_exact_original_text():
    reading = read((SAMPLES / "003_0cb12dbbb4b3a502.txt").read_bytes(), "003")
    assert reading.span(39, 39) == (
        "142.建设充电桩6万个。(牵头单位:市停车场及新能源汽车配套设施建设工作领导小组;责任单位:各区人民政府)"
    )


@pytest.mark.parametrize(
    "furniture", ["- 12 -", "— 3 —", "第 3 页", "第3页 共12页", "12/40", "武汉市人民政府公报"]
)
def test_page_furniture_inside_a_paragraph(furniture):
    lines = [
        "附件1",
        "1.推进民生保障提效工作,加快完善覆盖全民的社会保障体系,健全分层分类的社会",
        "",
        furniture,
        "",
        "救助体系。(牵头单位:市民政局;责任单位:市财政局)",
        *["武汉市人民政府公报"] * 3,  # a running header
    ]
    reading = read("\n".join(lines).encode(), "x.txt")
    assert [line.text for line in reading.lines] == [
        "附件1",
        "1.推进民生保障提效工作,加快完善覆盖全民的社会保障体系,健全分层分类的社会救助体系。(牵头单位:市民政局;责任单位:市财政局)",
    ]
    assert (reading.lines[1].line_start, reading.lines[1].line_end) == (2, 6)


def test_running_header_with_page_numbers():
    pages = [f"武汉市人民政府公报 第{k}页\n{k}.推进第{k}项工作。(责任单位:市发改委)" for k in range(1, 5)]
    dates = ["2022年1月18日", "2022年1月19日", "2022年1月20日"]
    reading = read("\n".join(["一、重点任务", *pages, *dates]).encode(), "x.txt")
    texts = [line.text for line in reading.lines]
    assert not any("公报" in t for t in texts)
    assert texts[-3:] == dates
    assert len(texts) == 1 + 4 + 3


def test_pipe_rows_without_outer_bars_stay_rows():
    """ "1 | 任务 | 单位 | A类 |" (a web copy without the leading bar) is a row of cells, never joined to the next."""
    text = (
        "序号 | 任务名称 | 指标要求 | 牵头部门 | 配合部门 | 目标类型 |\n"
        "1 | 地区生产总值 | 增长6% | 区发改局 | 区统计局、区财政局、各街道办事处、各镇人民政府 | A类 |\n"
        "2 | 固定资产投资 | 增长5% | 区发改局 | 区住建局 | A类 |\n"
        "浏览量:1 | | | |\n"
    )
    lines = read(text.encode(), "x.txt").lines
    assert [ln.text.split("\t")[:2] for ln in lines[:3]] == [["序号 ", " 任务名称 "], ["1 ", " 地区生产总值 "],
                                                          ["2 ", " 固定资产投资 "]]
    assert "\t" not in lines[3].text  # one filled cell: not a table row


def test_space_run_row_with_two_cells_a_single_space_apart():
    """A space-run table row whose lead and support cells touch ("管委会 市经信局") keeps the header's columns."""
    from loaders import tables

    text = (
        "序号    重点工作任务              牵头单位        责任单位        完成时限\n"
        "5       建设电子元器件产业园      高新区管委会 市经信局            11月底\n"
    )
    rows = [ln.text.split("\t") for ln in tables.flatten(read(text.encode(), "x.txt").lines)]
    assert [c.strip() for c in rows[1]] == ["5", "建设电子元器件产业园", "高新区管委会", "市经信局", "11月底"]
    pdf_like = text.replace("            11月底", "")  # the deadline cell lost: the lead cell still splits
    rows = [ln.text.split("\t") for ln in tables.flatten(read(pdf_like.encode(), "x.txt").lines)]
    assert [c.strip() for c in rows[1]] == ["5", "建设电子元器件产业园", "高新区管委会", "市经信局"]


def test_one_cell_per_line_table_with_a_person_column():
    """Under 责任领导 the person's name goes to the person column, not onto the task text; two support lines join."""
    from loaders import tables

    cells = ["序号", "实事项目", "责任领导", "牵头单位", "配合单位", "完成时限",
             "1", "新建城区公办幼儿园1所", "王建华", "县教体局", "县住建局", "县财政局", "9月底"]
    rows = [ln.text.split("\t") for ln in tables.flatten(read("\n".join(cells).encode(), "x.txt").lines)]
    assert rows[1] == ["1", "新建城区公办幼儿园1所", "王建华", "县教体局", "县住建局、县财政局", "9月底"]
