"""Spaces a PDF does not draw: LibreOffice writes no space characters, it moves the next one. A short line
("附件 1") has a single gap, a line aligned by spaces has wide ones, a digit beside Chinese gets the
writer's own 0.2 em: each must come back as the .txt has it, or sections and cells differ."""

from __future__ import annotations

import format_fixtures as build

from loaders.parse import parse_bytes

TEXT = """云川市人民政府办公室关于印发2025 年重点任务清单的通知
各区县人民政府,市政府各部门:
现将任务清单印发给你们,请认真落实。
附件 1
一、产业发展
1.建设数字产业园,新增企业50家。(牵头单位:市经信局 责任单位:市发展改革委 市科技局)
2.推进工业园区提档升级,完成投资12亿元。(牵头单位:市发展改革委;责任单位:各区县人民政府)
附件 2
一、民生保障
1.新建社区养老服务站8个。(牵头单位:市民政局;责任单位:市卫生健康委、市财政局)
2.改造城区老旧管网20公里。(牵头单位:市住房城乡建设局;责任单位:市城管局)
"""


def keys(data: bytes, name: str) -> list[tuple]:
    return [(t.number, tuple(t.section), tuple(sorted((a.role, a.agency.name) for a in t.assignments)))
            for t in parse_bytes(data, name).tasks]


def test_pdf_spaces_come_back_as_the_text_has_them(tmp_path):
    txt = tmp_path / "清单.txt"
    txt.write_text(TEXT, encoding="utf-8")
    pdf = build.convert(build.to_docx(txt, tmp_path / "清单.docx", automatic=False), "pdf", tmp_path)
    want = keys(txt.read_bytes(), txt.name)
    assert len(want) == 4 and {k[1][0] for k in want} == {"附件 1", "附件 2"}
    assert ("lead", "市经信局") in want[0][2] and ("support", "市科技局") in want[0][2]
    assert keys(pdf.read_bytes(), pdf.name) == want
