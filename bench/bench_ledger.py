"""Time to produce the busiest unit's and district's 督办台账 (.xlsx and .csv), against the task-list query
alone, on the samples and on a synthetic corpus N× their size; reported as ratios.

    python -m bench.bench_ledger [--scale 10]

Each data set is loaded into a fresh embedded FalkorDB in a temporary folder; the ledgers are built
in-process with the same functions the API's handlers call. Writes bench/results/ledger.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from api.deps import Services
from api.filters import DueFilter
from api.names import Names, load_resolver
from api.routes import ledger
from bench.generate import generate
from graph.catalogue import Catalogue
from graph.connect import open_store
from graph.settings import REPO_ROOT, Settings
from loaders.pipeline import load_paths

RESULTS = Path(__file__).parent / "results"
REPEAT = 5


def _median_ms(fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(files: list[Path]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dutygraph-bench-") as data:
        settings = Settings(dutygraph_data=Path(data), falkordb_url=None, neo4j_uri=None)
        store = open_store(settings)
        try:
            store.ensure_schema()
            load_paths(store=store, paths=files)
            catalogue = Catalogue.load(settings.dutygraph_queries)
            resolver = load_resolver()
            s = Services(settings, store, catalogue, Names(store, catalogue, resolver), resolver, owns_store=False)
            return _measure_services(s)
        finally:
            store.close()


def _measure_services(s: Services) -> dict[str, Any]:
    due = DueFilter()
    units = [u["name"] for u in s.run("workload", {"document": None, "today": None, "limit": 40})]
    busiest = max(units, key=lambda n: len(ledger.agency_ledger_tasks(s, n, "any", due)[1]))
    district = max(s.names.districts(), key=lambda d: len(ledger.district_ledger_tasks(s, d, "any", due)[1]))
    row: dict[str, Any] = {}
    for label, fetch in (("unit", partial(ledger.agency_ledger_tasks, s, busiest, "any", due)),
                         ("district", partial(ledger.district_ledger_tasks, s, district, "any", due))):
        name, tasks = fetch()
        row[label], row[f"{label}_rows"], row[f"{label}_list_ms"] = name, len(tasks), _median_ms(fetch)
        for fmt in ("xlsx", "csv"):
            row[f"{label}_{fmt}_ms"] = _median_ms(partial(_ledger, s, fetch, fmt))
            row[f"{label}_{fmt}_vs_list"] = row[f"{label}_{fmt}_ms"] / row[f"{label}_list_ms"]
    return row


def _ledger(s: Services, fetch: Callable[[], tuple[str, list[dict[str, Any]]]], fmt: str) -> bytes:
    """What one download costs: the list query, then the file."""
    name, tasks = fetch()
    return ledger.ledger_file(s, name=name, tasks=tasks, fmt=fmt, sheets="all", due=DueFilter())[0]  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    args = parser.parse_args()
    samples = sorted((REPO_ROOT / "data" / "samples").glob("*.txt"))
    with tempfile.TemporaryDirectory(prefix="dutygraph-corpus-") as corpus_dir:
        corpus = generate(Path(corpus_dir), args.scale)
        report = {"samples": measure(samples), f"corpus_{args.scale:g}x": measure(corpus)}
    big = report[f"corpus_{args.scale:g}x"]
    report["ratios"] = {
        "unit_rows": big["unit_rows"] / report["samples"]["unit_rows"],
        "unit_xlsx_time": big["unit_xlsx_ms"] / report["samples"]["unit_xlsx_ms"],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ledger.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for name, row in report.items():
        print(name, " ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
