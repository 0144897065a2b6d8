"""Run every benchmark: `make bench`."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["bench.bench_load", "bench.bench_api", "bench.bench_ui", "bench.bench_ledger", "bench.bench_formats"]

if __name__ == "__main__":
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        sys.argv = [name]
        importlib.import_module(name).main()
