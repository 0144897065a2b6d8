"""Parse and load time of the samples and of the synthetic corpus (N× their size).

    python -m bench.bench_load [--scale 100] [--skip-load]

Prints a table and writes bench/results/load.json. Each load goes into a fresh embedded store.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.generate import generate
from graph.connect import open_store
from graph.schema import LABELS
from graph.settings import REPO_ROOT, Settings
from loaders.parse import parse_file
from loaders.pipeline import load_paths

RESULTS = Path(__file__).parent / "results"


def measure_parse(files: list[Path]) -> dict[str, float]:
    tracemalloc.start()
    start = time.perf_counter()
    tasks = sum(len(parse_file(f).tasks) for f in files)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"parse_s": seconds, "tasks": tasks, "parse_peak_mb": peak / 1e6}


def measure_load(files: list[Path]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="dutygraph-bench-") as data:
        store = open_store(Settings(dutygraph_data=Path(data)))
        try:
            store.ensure_schema()
            start = time.perf_counter()
            results = load_paths(store=store, paths=files)
            seconds = time.perf_counter() - start
            counts = store.counts()
        finally:
            store.close()
    failed = [r.source for r in results if r.status == "failed"]
    return {"load_s": seconds, "failed": len(failed), "nodes": sum(counts[label] for label in LABELS),
            "Task": counts["Task"], "Agency": counts["Agency"]}


def run(scale: float, skip_load: bool) -> dict[str, dict[str, float]]:
    samples = sorted((REPO_ROOT / "data" / "samples").glob("*.txt"))
    corpus_dir = Path(__file__).parent / "corpus"
    corpus = sorted(corpus_dir.glob("*.txt")) or generate(corpus_dir, scale)
    report = {}
    for name, files in (("samples", samples), (f"corpus_{scale:g}x", corpus)):
        row: dict[str, float] = {"files": len(files), "mb": sum(f.stat().st_size for f in files) / 1e6}
        row.update(measure_parse(files))
        if not skip_load:
            row.update(measure_load(files))
        report[name] = row
    base, big = report["samples"], report[f"corpus_{scale:g}x"]
    report["ratios"] = {
        "size": big["mb"] / base["mb"],
        "parse_time": big["parse_s"] / base["parse_s"],
        **({"load_time": big["load_s"] / base["load_s"]} if not skip_load else {}),
    }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    report = run(args.scale, args.skip_load)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for name, row in report.items():
        print(name, " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
