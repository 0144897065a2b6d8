"""Old Word and WPS files (.doc, .wps, .rtf, .odt) → .docx with LibreOffice headless, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from graph.store import LoadError

WAY_OUT = "请另存为 .docx 或 .pdf 后再导入"
TIMEOUT_S = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, source: str, suffix: str, to: str = "docx") -> bytes:
    """The file converted by LibreOffice; LoadError naming the format and the way out when that cannot be done."""
    fmt = suffix.lstrip(".").upper()
    program = soffice()
    if program is None:
        raise LoadError(
            source, None,
            f"无法读取 {fmt} 格式:本机未安装 LibreOffice(apt-get install libreoffice-writer-nogui 可安装);{WAY_OUT}",
        )
    with tempfile.TemporaryDirectory(prefix="dutygraph-office-") as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"  # own profile: parallel conversions do not wait on one another's lock
        cmd = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", to, "--outdir", str(Path(tmp) / "out"), str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as e:
            raise LoadError(source, None, f"{fmt} 文件转换超时({TIMEOUT_S} 秒);{WAY_OUT}") from e
        out = Path(tmp) / "out" / f"in.{to}"
        if not out.is_file() or out.stat().st_size == 0:
            raise LoadError(source, None, f"LibreOffice 无法转换这份 {fmt} 文件(可能已损坏);{WAY_OUT}")
        return out.read_bytes()
