"""`dutygraph ledger` and `--json` as a user runs them: real processes on their own data folder."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
from test_cli import SAMPLES, env, run  # noqa: F401 — env is the fixture

HEADERS = ("序号", "任务", "牵头单位", "配合单位", "完成时限", "目标指标", "出处(文件、章节、行)", "进展情况", "备注")


def test_ledger_command_writes_what_the_unit_query_lists(env, tmp_path):  # noqa: F811
    loaded = run(env, "load", "--json", str(SAMPLES / "000_0254987fc8a29e26.txt"), str(SAMPLES / "003_0cb12dbbb4b3a502.txt"))
    assert loaded.returncode == 0, loaded.stderr
    assert [(r["source"][:4], r["status"]) for r in json.loads(loaded.stdout)] == [("000_", "loaded"), ("003_", "loaded")]
    counts = json.loads(run(env, "stats", "--json").stdout)
    assert counts["Document"] == 2

    def query(role: str) -> list[dict]:
        return json.loads(run(env, "query", "agency_tasks", "-p", "name=市卫健委", "-p", f"role={role}", "--json").stdout)

    # the unit page's order: 牵头, 配合, then the tasks reached through a group
    listed = [t for t in query("lead") + query("support") if not t["via"]] + [t for t in query("any") if t["via"]]
    out = tmp_path / "wjw.xlsx"
    result = run(env, "ledger", "市卫健委", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{len(listed)} 项任务" in result.stderr
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert len(rows) - 1 == len(listed) and all(r[1].endswith(t["text"]) for r, t in zip(rows[1:], listed))

    by_doc = tmp_path / "wjw-docs.xlsx"
    assert run(env, "ledger", "市卫健委", "--out", str(by_doc), "--sheets", "document").returncode == 0
    assert len(openpyxl.load_workbook(by_doc).worksheets) == 2

    district = tmp_path / "jiangan.csv"
    result = run(env, "ledger", "江岸区", "--district", "--out", str(district), "--overdue", "--today", "2026-01-01")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(district.read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0]) == HEADERS
    # 000: 15 附件1 rows "到2025年" through 各区人民政府, 江岸区's 附件2 rows 3, 4, 5 "2022年，…" (test_ledger.py)
    assert len(rows) - 1 == 18
    assert sorted(r[4].split("\n")[-1] for r in rows[1:]) == ["（截止 2022-12-31）"] * 3 + ["（截止 2025-12-31）"] * 15

    doc = tmp_path / "003.xlsx"
    assert run(env, "ledger", "003", "--document", "--out", str(doc)).returncode == 0
    assert openpyxl.load_workbook(doc).active.max_row - 1 == 202


def test_ledger_command_user_errors(env, tmp_path):  # noqa: F811
    for args, says in [
        (["--sheets", "page"], "--sheets"),
        (["--format", "pdf"], "--format"),
        (["--today", "2024/01/01"], "YYYY-MM-DD"),
    ]:
        result = run(env, "ledger", "市卫健委", "--out", str(tmp_path / "x.xlsx"), *args)
        assert result.returncode == 1 and says in result.stderr, result.stderr
    missing = run(env, "ledger", "市卫生健康局局", "--out", str(tmp_path / "x.xlsx"))
    assert missing.returncode == 1 and "找不到" in missing.stderr
