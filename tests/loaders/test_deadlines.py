"""完成时限 readings: one row per form the genre prints (text → kind, due, range start)."""

from __future__ import annotations

import pytest

from graph.model import Provenance, Task
from loaders.deadlines import Deadline, document_year, find_in_text, parse, settle

YEAR = 2024  # the document's year, for texts that print none

FORMS = [
    # printed, kind, due, start
    ("2024年6月底前", "date", "2024-06-30", None),
    ("2024年6月底", "date", "2024-06-30", None),
    ("2024年6月前", "date", "2024-06-30", None),
    ("2024年6月", "range", "2024-06-30", "2024-06-01"),
    ("6月份", "range", "2024-06-30", "2024-06-01"),
    ("六月底前", "date", "2024-06-30", None),
    ("2024年2月底前", "date", "2024-02-29", None),
    ("年底前", "date", "2024-12-31", None),
    ("年底", "date", "2024-12-31", None),
    ("今年底", "date", "2024-12-31", None),
    ("2025年底前", "date", "2025-12-31", None),
    ("2025年年底", "date", "2025-12-31", None),
    ("2024年第三季度", "range", "2024-09-30", "2024-07-01"),
    ("三季度", "range", "2024-09-30", "2024-07-01"),
    ("第一季度末", "date", "2024-03-31", None),
    ("第四季度前", "date", "2024-12-31", None),
    ("上半年", "range", "2024-06-30", "2024-01-01"),
    ("2025年下半年", "range", "2025-12-31", "2025-07-01"),
    ("全年", "range", "2024-12-31", "2024-01-01"),
    ("年内", "range", "2024-12-31", "2024-01-01"),
    ("2024年", "range", "2024-12-31", "2024-01-01"),
    ("2025年前", "date", "2025-12-31", None),
    ("2023—2025年", "range", "2025-12-31", "2023-01-01"),
    ("2023-2025年", "range", "2025-12-31", "2023-01-01"),
    ("2023年至2025年", "range", "2025-12-31", "2023-01-01"),
    ("2024年3月—6月", "range", "2024-06-30", "2024-03-01"),
    ("3—5月", "range", "2024-05-31", "2024-03-01"),
    ("2024年12月31日前", "date", "2024-12-31", None),
    ("12月31日", "date", "2024-12-31", None),
    ("２０２４年９月３０日前", "date", "2024-09-30", None),
    ("二〇二四年十二月", "range", "2024-12-31", "2024-12-01"),
    ("10月中旬", "date", "2024-10-20", None),
    ("次年", "range", "2025-12-31", "2025-01-01"),
    ("次年6月底前", "date", "2025-06-30", None),
    ("明年一季度", "range", "2025-03-31", "2025-01-01"),
    ("2024年6月底前完成试点，年底前全面推广", "date", "2024-12-31", None),
    ("2024年底前完成，长期坚持", "date", "2024-12-31", None),
    ("“十四五”期间", "range", "2025-12-31", "2021-01-01"),
    ("十四五末", "date", "2025-12-31", None),
    ("十五五时期", "range", "2030-12-31", "2026-01-01"),
    ("长期坚持", "ongoing", None, None),
    ("持续推进", "ongoing", None, None),
    ("常态化开展", "ongoing", None, None),
    ("每季度", "recurring", None, None),
    ("每年", "recurring", None, None),
    ("每月底前报送", "recurring", None, None),
    ("分年度", "recurring", None, None),
    ("分年度推进", "recurring", None, None),
    ("定期开展", "recurring", None, None),
]


@pytest.mark.parametrize("printed, kind, due, start", FORMS, ids=[f[0] for f in FORMS])
def test_forms(printed: str, kind: str, due: str | None, start: str | None) -> None:
    assert parse(printed, year=YEAR) == Deadline(printed, kind, due, start)


@pytest.mark.parametrize("printed", ["", "  ", "按要求", "2月30日", "13月", "视情况而定"])
def test_no_reading(printed: str) -> None:
    assert parse(printed, year=YEAR) is None


def test_without_a_year_undated_forms_have_no_due_date() -> None:
    assert parse("年底前", year=None) is None
    assert parse("2024年6月底前", year=None) == Deadline("2024年6月底前", "date", "2024-06-30")


IN_TEXT = [
    # task text, printed deadline, due
    ("推进老旧小区改造,年底前完成。", "年底前", "2024-12-31"),
    ("推进智慧停车平台建设，2024年10月底前上线运行", "2024年10月底前", "2024-10-31"),
    ("到2025年,适龄儿童免疫规划疫苗报告接种率达到99.5%。", "到2025年", "2025-12-31"),
    ("到 ２０２５ 年，新增公租房保障1万套。", "到2025年", "2025-12-31"),
    ("力争2024年6月建成投用。", "力争2024年6月", "2024-06-30"),
    ("6月底前完成试点，2025年底前全面推广。", "2025年底前", "2025-12-31"),
    ("到“十四五”末，全市养老床位达到10万张。", "到“十四五”末", "2025-12-31"),
    ("1.保持在80%以上。2.2024年,新改扩建公办幼儿园5所。", "2024年", "2024-12-31"),  # the year frames its clause
    ("实施“就业托底”工程，2024年，帮扶就业困难人员就业50人以上。", "2024年", "2024-12-31"),
    ("2024年全市地区生产总值增长6%。", None, None),
    ("比2020年，增长一倍。", None, None),
    ("截至2023年底，全市已建成社区食堂200个，再新建50个。", None, None),
    ("自2024年1月起，全面推行电子证照。", None, None),
    ("2023年以来累计改造老旧小区100个。", None, None),
    ("“十四五”期间，持续推进长江大保护。", None, None),
    ("贯彻落实《全民健身计划(2021—2025年)》。", None, None),
    ("彻底解决群众反映强烈的问题。", None, None),
    ("全年新增城镇就业20万人。", None, None),
    ("持续推进长江大保护。", None, None),
]


@pytest.mark.parametrize("text, printed, due", IN_TEXT, ids=[t[0][:12] for t in IN_TEXT])
def test_deadline_printed_in_the_task_text(text: str, printed: str | None, due: str | None) -> None:
    found = find_in_text(text, year=YEAR)
    assert (found.text, found.due) == (printed, due) if printed else found is None


@pytest.mark.parametrize(
    "title, date, year",
    [
        ("武汉市人民政府2023年《政府工作报告》目标任务责任分解方案", None, 2023),
        ("关于印发2024年重点工作任务分工的通知", "2023-12-28", 2024),
        ("十四五规划(2021—2025年)任务分解", "2022-04-29", 2022),
        ("实施方案", "2022-01-18", 2022),
        ("实施方案", None, None),
    ],
)
def test_document_year(title: str, date: str | None, year: int | None) -> None:
    assert document_year(title, date) == year


def _task(text: str, deadline: str | None = None) -> Task:
    return Task(number="1", text=text, section=[], jurisdiction="某市", provenance=Provenance("x.txt", 1, 1, text),
                deadline=deadline)


def test_settle_prefers_the_printed_column_and_keeps_it_as_printed() -> None:
    tasks = [_task("建成口袋公园，年底前完成", "2024年6月"), _task("建成绿道，年底前完成"), _task("持续推进", "按要求"),
             _task("开展巡查")]
    assert settle(tasks, year=YEAR) == 2
    assert [(t.deadline, t.due, t.due_start, t.due_kind) for t in tasks] == [
        ("2024年6月", "2024-06-30", "2024-06-01", "range"),
        ("年底前", "2024-12-31", None, "date"),
        ("按要求", None, None, None),
        (None, None, None, None),
    ]
