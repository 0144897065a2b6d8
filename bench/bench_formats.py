"""Read and parse time per format for the samples converted to each format, and whether the tasks agree.

    python -m bench.bench_formats [--repeat 3]

Every sample (data/samples/*.txt) is written as .docx (typed numbers and Word's automatic numbering),
.pdf (LibreOffice from the automatic .docx), .html (a GBK page with navigation), .xlsx (one line a
row) and .xls (LibreOffice Calc from the .xlsx); each file is read `--repeat` times (best time kept). Times are shown as a ratio to the .txt in
the same run. "same tasks" is the share of the .txt's tasks (number, section, leads, supports, deadline)
found unchanged in the format. Writes bench/results/formats.json.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from graph.settings import REPO_ROOT
from loaders.formats import read_document
from loaders.parse import parse_bytes
from tests.formats import format_fixtures as fx

RESULTS = Path(__file__).parent / "results"
SAMPLES = sorted((REPO_ROOT / "data" / "samples").glob("*.txt"))
FORMATS = ["txt", "auto.docx", "typed.docx", "pdf", "html", "xlsx", "xls"]


def convert_all(out: Path) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {f: [] for f in FORMATS}
    for sample in SAMPLES:
        stem = sample.stem
        files["txt"].append(sample)
        auto = fx.to_docx(sample, out / f"{stem}.auto.docx", automatic=True)
        files["auto.docx"].append(auto)
        files["typed.docx"].append(fx.to_docx(sample, out / f"{stem}.typed.docx", automatic=False))
        pdf = fx.convert(auto, "pdf", out)
        files["pdf"].append(pdf.rename(out / f"{stem}.pdf"))
        files["html"].append(fx.to_html(sample, out / f"{stem}.html"))
        files["xlsx"].append(_lines_xlsx(sample, out / f"{stem}.xlsx"))
        files["xls"].append(fx.convert(files["xlsx"][-1], "xls", out))
    return files


def _lines_xlsx(txt: Path, out: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in txt.read_text(encoding="utf-8").splitlines():
        sheet.append(line.split("\t") if line.strip() else [])
    book.save(out)
    return out


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def task_keys(data: bytes, name: str) -> set[tuple]:
    try:
        parsed = parse_bytes(data, name)
    except Exception:  # noqa: BLE001  (a refused conversion counts as no task found)
        return set()
    return {
        (t.number, tuple(t.section), tuple(sorted((a.role, a.agency.name) for a in t.assignments)), t.deadline)
        for t in parsed.tasks
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dutygraph-formats-") as tmp:
        files = convert_all(Path(tmp))
        expected = [task_keys(p.read_bytes(), p.name) for p in files["txt"]]
        rows = {}
        for fmt in FORMATS:
            datas = [(p.read_bytes(), p.name) for p in files[fmt]]
            read_s = sum(best(lambda d=d, n=n: read_document(d, n), args.repeat) for d, n in datas)
            parse_s = sum(best(lambda d=d, n=n: parse_bytes(d, n), args.repeat) for d, n in datas)
            got = [task_keys(d, n) for d, n in datas]
            same = sum(len(e & g) for e, g in zip(expected, got))
            rows[fmt] = {"read_s": read_s, "parse_s": parse_s, "mb": sum(len(d) for d, _ in datas) / 1e6,
                         "same_tasks": same, "tasks_txt": sum(len(e) for e in expected),
                         "per_sample_same": [f"{len(e & g)}/{len(e)}" for e, g in zip(expected, got)]}
    base = rows["txt"]
    load = os.getloadavg()
    print(f"{len(SAMPLES)} samples; best of {args.repeat}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'format':<11}{'MB':>7}{'read ms':>10}{'×txt':>7}{'parse ms':>10}{'×txt':>7}  same tasks (per sample)")
    for fmt, r in rows.items():
        print(f"{fmt:<11}{r['mb']:>7.2f}{r['read_s'] * 1000:>10.1f}{r['read_s'] / base['read_s']:>7.1f}"
              f"{r['parse_s'] * 1000:>10.1f}{r['parse_s'] / base['parse_s']:>7.1f}  "
              f"{r['same_tasks']}/{r['tasks_txt']} ({' '.join(r['per_sample_same'])})")
    RESULTS.mkdir(exist_ok=True)
    rows["load_average"] = list(load)
    (RESULTS / "formats.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
