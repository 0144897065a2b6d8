"""Every fixture file built once per session from our own text documents (see build.py)."""

from __future__ import annotations

from pathlib import Path

import format_fixtures as build
import pytest

PLAN = build.DOCS / "yunchuan_plan.txt"
TABLE = build.DOCS / "yunchuan_table.txt"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """name → file: plan.{txt,typed.docx,auto.docx,pdf,html,doc} and table.{txt,docx,html,xlsx,xls,pdf}."""
    assert build.soffice(), "LibreOffice is needed to build the PDF fixtures: make test installs it"
    out = tmp_path_factory.mktemp("formats")
    files = {
        "plan.txt": PLAN,
        "plan.typed.docx": build.to_docx(PLAN, out / "plan_typed.docx", automatic=False),
        "plan.auto.docx": build.to_docx(PLAN, out / "plan_auto.docx", automatic=True),
        "plan.html": build.to_html(PLAN, out / "plan.html", encoding="gbk"),
        "table.txt": TABLE,
        "table.docx": build.to_docx(TABLE, out / "table.docx", automatic=False),
        "table.html": build.to_html(TABLE, out / "table.htm", encoding="utf-8"),
        "table.xlsx": build.to_xlsx(TABLE, out / "table.xlsx"),
    }
    files["plan.pdf"] = build.convert(files["plan.auto.docx"], "pdf", out)
    files["table.pdf"] = build.convert(files["table.docx"], "pdf", out)
    files["plan.doc"] = build.convert(files["plan.typed.docx"], "doc", out)
    files["table.xls"] = build.convert(files["table.xlsx"], "xls", out)
    return files
