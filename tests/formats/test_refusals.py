"""Files no reader here can take are refused naming the file, the format and the reason, in Chinese,
and the graph stays exactly as it was."""

from __future__ import annotations

import io
import json
import zipfile

import docx
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


def encrypted_pdf(built, tmp_path) -> bytes:
    """The plan's PDF with an open password, made by LibreOffice."""
    import format_fixtures as build

    options = ('pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
               '"DocumentOpenPassword":{"type":"string","value":"mima"}}')
    out = tmp_path / "encrypted"
    out.mkdir()
    return build.convert(built["plan.typed.docx"], options, out).read_bytes()


def empty_docx(built, tmp_path) -> bytes:
    document = docx.Document()
    document.add_paragraph("")
    path = tmp_path / "empty.docx"
    document.save(path)
    return path.read_bytes()


def no_tasks_docx(built, tmp_path) -> bytes:
    document = docx.Document()
    for text in ("关于召开2025年第一季度工作例会的通知", "各单位:", "定于3月20日上午9时召开例会,请准时参加。"):
        document.add_paragraph(text)
    path = tmp_path / "notice.docx"
    document.save(path)
    return path.read_bytes()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the header of an old Office file, then nothing
CASES = {  # file name → (bytes from (built, tmp_path), what the message must say besides the file name)
    "方案.ofd": (lambda b, t: ofd_bytes(), ["OFD", "暂不支持", "请另存为 .docx 或 .pdf 后再导入"]),
    "报表.et": (lambda b, t: OLE, ["WPS 表格", "(.et)", "请另存为 .xlsx 后再导入"]),
    "汇报.pptx": (lambda b, t: b"PK\x03\x04" + bytes(64), ["演示文稿", "(.pptx)", "不是任务分工文档"]),
    "汇报.ppt": (lambda b, t: OLE, ["演示文稿", "(.ppt)", "不是任务分工文档"]),
    "扫描件.pdf": (lambda b, t: scanned_pdf(), ["PDF", "没有文字层", "扫描件"]),
    "加密.pdf": (encrypted_pdf, ["PDF", "已加密", "请另存为未加密的 .pdf 或 .docx 后再导入"]),
    "损坏.pdf": (lambda b, t: b"%PDF-1.7\n" + bytes(range(256)) * 4, ["PDF", "损坏"]),
    "损坏.docx": (lambda b, t: b"PK\x03\x04 not really a zip", ["Word", "损坏"]),
    "空白.docx": (empty_docx, ["DOCX", "没有可读的文字"]),
    "通知.docx": (no_tasks_docx, ["未找到任何任务条目", "不是任务分工文档"]),
    "表格.xlsx": (lambda b, t: b"\x00\x01 not a workbook", ["Excel", "损坏"]),
    "表格.xls": (lambda b, t: OLE, ["Excel", ".xls", "损坏"]),
    "损坏.doc": (lambda b, t: OLE, ["DOC", "LibreOffice 无法转换", "请另存为 .docx 或 .pdf 后再导入"]),
    "压缩包.zip": (lambda b, t: b"PK\x03\x04\x00\x00" + bytes(range(256)) * 4,
                 [".zip", "不支持", "请另存为 .docx 或 .pdf 后再导入"]),
    "图片.png": (lambda b, t: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
               [".png", "不支持", "请另存为 .docx 或 .pdf 后再导入"]),
    "照片.jpg": (lambda b, t: b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4, [".jpg", "不支持"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_refused_with_file_format_reason_and_graph_unchanged(store, built, tmp_path, name):
    load_paths(store=store, paths=[built["plan.txt"]])
    before = snapshot(store)
    make, words = CASES[name]
    path = tmp_path / name
    path.write_bytes(make(built, tmp_path))
    (result,) = load_paths(store=store, paths=[path])
    assert result.status == "failed"
    assert result.error.startswith(name)
    for word in words:
        assert word in result.error, result.error
    assert snapshot(store) == before


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_old_word_without_libreoffice_names_the_way_out(store, built, tmp_path, monkeypatch, suffix):
    path = tmp_path / f"方案{suffix}"
    path.write_bytes(built["plan.doc"].read_bytes())  # WPS writes .wps files in Word's binary format
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without soffice
    (result,) = load_paths(store=store, paths=[path])
    assert result.status == "failed" and result.error.startswith(path.name)
    assert suffix.lstrip(".").upper() in result.error and "LibreOffice" in result.error
    assert "请另存为 .docx 或 .pdf 后再导入" in result.error
    assert store.counts().get("Document", 0) == 0
