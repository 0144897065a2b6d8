"""Files no reader here can take are refused naming the file, the format and the reason, in Chinese,
and the graph stays exactly as it was."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image

from graph.export import export_records
from loaders.pipeline import load_paths


def snapshot(store) -> list[str]:
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in export_records(store))


def ofd_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        z.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buf.getvalue()


def scanned_pdf() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (400, 560), "white").save(buf, format="PDF")  # a page that is only a picture
    return buf.getvalue()


CASES = {  # file name → bytes, and what the message must say besides the file name
    "方案.ofd": (ofd_bytes, ["OFD", "请另存为 .docx 或 .pdf 后再导入"]),
    "扫描件.pdf": (scanned_pdf, ["没有文字层", "扫描件"]),
    "损坏.docx": (lambda: b"PK\x03\x04 not really a zip", ["Word", "损坏"]),
    "表格.xlsx": (lambda: b"\x00\x01 not a workbook", ["Excel", "损坏"]),
    "压缩包.zip": (lambda: b"PK\x03\x04\x00\x00" + bytes(range(256)) * 4, [".zip", "请另存为 .docx 或 .pdf 后再导入"]),
    "图片.png": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, [".png", "不支持"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_refused_with_file_format_reason_and_graph_unchanged(store, built, tmp_path, name):
    load_paths(store=store, paths=[built["plan.txt"]])
    before = snapshot(store)
    make, words = CASES[name]
    path = tmp_path / name
    path.write_bytes(make())
    (result,) = load_paths(store=store, paths=[path])
    assert result.status == "failed"
    assert result.error.startswith(name)
    for word in words:
        assert word in result.error
    assert snapshot(store) == before


def test_doc_without_libreoffice_names_the_way_out(store, built, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without soffice
    (result,) = load_paths(store=store, paths=[built["plan.doc"]])
    assert result.status == "failed"
    assert "DOC" in result.error and "LibreOffice" in result.error
    assert "请另存为 .docx 或 .pdf 后再导入" in result.error
    assert store.counts().get("Document", 0) == 0
