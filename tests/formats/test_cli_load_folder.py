"""`dutygraph load FOLDER` as a user runs it: every skipped file listed with why; non-zero when nothing loads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DUTYGRAPH = Path(sys.executable).with_name("dutygraph")


def run(tmp_path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "DUTYGRAPH_DATA": str(tmp_path / "data"), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([str(DUTYGRAPH), *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def test_folder_of_formats_loads_and_lists_what_it_skipped(tmp_path, built):
    folder = tmp_path / "收文"
    folder.mkdir()
    for name in ("plan.auto.docx", "table.xlsx", "plan.pdf"):
        shutil.copy(built[name], folder / f"{name.replace('.', '_')}{built[name].suffix}")
    (folder / "方案.ofd").write_bytes(b"PK\x03\x04")
    (folder / "~$方案.docx").write_bytes(b"\x00lock")
    (folder / "照片.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "旧件").mkdir()
    done = run(tmp_path, "load", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("已载入") + done.stdout.count("重复件") == 3
    assert "跳过 4 个文件" in done.stdout
    lines = {line.strip().split("：")[0].rsplit("/", 1)[-1]: line for line in done.stdout.splitlines() if "：" in line}
    assert "OFD" in lines["方案.ofd"] and "请另存为 .docx 或 .pdf 后再导入" in lines["方案.ofd"]
    assert "临时文件" in lines["~$方案.docx"]
    assert "不支持的文件格式(.jpg)" in lines["照片.jpg"]
    assert "子文件夹" in lines["旧件"]


def test_nothing_loaded_exits_non_zero(tmp_path):
    folder = tmp_path / "空"
    folder.mkdir()
    (folder / "scan.tif").write_bytes(b"II*\x00")
    done = run(tmp_path, "load", str(folder))
    assert done.returncode == 1
    assert "没有可载入的文件" in done.stderr
    assert "scan.tif" in done.stderr and "不支持的文件格式(.tif)" in done.stderr


def test_only_refused_files_exit_non_zero(tmp_path):
    folder = tmp_path / "退件"
    folder.mkdir()
    (folder / "a.docx").write_bytes(b"PK\x03\x04 broken")
    done = run(tmp_path, "load", str(folder))
    assert done.returncode == 1
    assert "a.docx" in done.stderr and "没有载入任何文件" in done.stderr
