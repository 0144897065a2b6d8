"""The same document as .txt, .docx (typed and automatic numbering), .pdf, .html, .doc and (tabular) .xlsx, .xls
gives the same tasks, leads, supports and deadlines — loaded through the real loader into the real store."""

from __future__ import annotations

import pytest

from graph.export import export_records
from loaders.pipeline import load_paths

DEADLINES = "MATCH (t:Task) RETURN t.number AS number, t.deadline AS deadline, t.location AS location"


def loaded(store, path) -> tuple[list[tuple], dict[str, str | None], list[str]]:
    (result,) = load_paths(store=store, paths=[path])
    assert result.status == "loaded", result.error
    tasks = sorted(
        (r["number"], tuple(r["section"]), r["text"], tuple(r["leads"]), tuple(r["supports"]))
        for r in export_records(store) if r["kind"] == "task"
    )
    rows = store.read(DEADLINES)
    return tasks, {r["number"]: r["deadline"] for r in rows}, [r["location"] for r in rows]


@pytest.mark.parametrize("name", ["plan.typed.docx", "plan.auto.docx", "plan.pdf", "plan.html", "plan.doc",
                                  "table.docx", "table.html", "table.xlsx", "table.xls", "table.pdf"])
def test_same_tasks_as_the_text(store, built, name):
    txt_tasks, txt_deadlines, txt_locations = loaded(store, built[name.split(".")[0] + ".txt"])
    assert len(txt_tasks) >= 5 and all(t[3] for t in txt_tasks)  # the text itself is read well
    assert set(txt_locations) == {None}  # plain text needs no location beyond its line
    store.clear()
    tasks, deadlines, locations = loaded(store, built[name])
    assert tasks == txt_tasks
    assert deadlines == txt_deadlines
    assert all(locations), "every task names where in the file it came from"


def test_locations_name_page_sheet_and_row(store, built):
    for workbook in ("table.xlsx", "table.xls"):
        _, _, locations = loaded(store, built[workbook])
        # the task is its 项目名称 (column 2) here, so each task names that cell
        assert sorted(locations) == sorted(f"工作表“任务清单”第{n}行第2列" for n in (5, 6, 8, 9, 10))
        store.clear()
    store.clear()
    _, _, locations = loaded(store, built["plan.pdf"])
    assert set(locations) == {"第1页", "第2页"}
