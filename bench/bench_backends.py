"""The two engines side by side in one run: load time of the samples and the main lookups (in-process
catalogue queries) on the embedded FalkorDB and on a real Neo4j 5, reported as ratios Neo4j ÷ FalkorDB.

    python -m bench.bench_backends [--loads 3] [--repeat 30] [--scale 0]

Neo4j is the project's own test server (tools/neo4j, jars fetched once into .neo4j/); without Java or
Maven the benchmark says why and stops. `--scale N` also loads the synthetic corpus (N× the samples,
bench.generate) into both. Writes bench/results/backends.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.bench_api import lookups
from bench.generate import generate
from graph.catalogue import Catalogue
from graph.connect import open_store
from graph.settings import REPO_ROOT, Settings
from graph.store import GraphStore
from loaders.pipeline import load_paths
from tools.neo4j import server as neo4j_server

RESULTS = Path(__file__).parent / "results"
SAMPLES = sorted((REPO_ROOT / "data" / "samples").glob("*.txt"))


def timed_load(store: GraphStore, files: list[Path]) -> float:
    store.clear()
    store.ensure_schema()
    start = time.perf_counter()
    results = load_paths(store=store, paths=files)
    seconds = time.perf_counter() - start
    failed = [(r.source, r.error) for r in results if r.status == "failed"]
    if failed:
        raise SystemExit(f"{store.backend}: {len(failed)} files failed to load: {failed[:3]}")
    return seconds


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    for _ in range(3):  # warm: plan caches, page cache, JIT
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(store: GraphStore, catalogue: Catalogue, loads: int, repeat: int, corpus: list[Path]) -> dict:
    out: dict[str, Any] = {"load_samples_s": statistics.median(timed_load(store, SAMPLES) for _ in range(loads))}
    if corpus:
        out["load_corpus_s"] = timed_load(store, corpus)
        timed_load(store, SAMPLES)  # the lookups below name sample units
    out["counts"] = store.counts()
    out["lookups_ms"] = {}
    for label, _, name, params in lookups(store, catalogue):
        out["lookups_ms"][label] = median_ms(lambda n=name, p=params: catalogue.run(store, n, p), repeat)
    return out


def run(loads: int, repeat: int, scale: float) -> dict[str, Any]:
    reason = neo4j_server.missing()
    if reason:
        raise SystemExit(f"bench_backends needs Neo4j, which cannot run here: {reason}")
    catalogue = Catalogue.load(REPO_ROOT / "queries")
    corpus = generate(Path(tempfile.mkdtemp(prefix="dutygraph-corpus-")), scale) if scale else []
    report: dict[str, Any] = {"samples": {"files": len(SAMPLES)}, "corpus_scale": scale}
    jar_bytes = neo4j_server.fetch_jars()
    with tempfile.TemporaryDirectory(prefix="dutygraph-bench-") as data, neo4j_server.Neo4jServer() as server:
        report["neo4j_server"] = {"start_s": server.start_seconds, "jars_mb": jar_bytes / 2**20}
        stores = {
            "falkordb": open_store(Settings(dutygraph_data=Path(data), dutygraph_graph="bench_backends",
                                            falkordb_url=None, neo4j_uri=None)),
            "neo4j": open_store(Settings(neo4j_uri=server.uris[0], falkordb_url=None)),
        }
        try:
            for backend, store in stores.items():
                print(f"  {backend} …", flush=True)
                report[backend] = measure(store, catalogue, loads, repeat, corpus)
        finally:
            for store in stores.values():
                store.close()
    if report["falkordb"]["counts"] != report["neo4j"]["counts"]:
        raise SystemExit(f"the engines hold different graphs: {report['falkordb']['counts']} != "
                         f"{report['neo4j']['counts']}")
    f, n = report["falkordb"], report["neo4j"]
    report["ratios_neo4j_over_falkordb"] = {
        "load_samples": n["load_samples_s"] / f["load_samples_s"],
        **({"load_corpus": n["load_corpus_s"] / f["load_corpus_s"]} if corpus else {}),
        **{label: n["lookups_ms"][label] / f["lookups_ms"][label] for label in f["lookups_ms"]},
    }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3, help="sample loads per engine (median)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per lookup (median)")
    parser.add_argument("--scale", type=float, default=0, help="also load the synthetic corpus, N× the samples")
    args = parser.parse_args()
    report = run(args.loads, args.repeat, args.scale)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "backends.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    f, n, ratios = report["falkordb"], report["neo4j"], report["ratios_neo4j_over_falkordb"]
    print(f"Neo4j server ready in {report['neo4j_server']['start_s']:.1f} s; "
          f"jars {report['neo4j_server']['jars_mb']:.0f} MiB")
    print(f"{'':28} {'FalkorDB':>10} {'Neo4j':>10} {'Neo4j÷FalkorDB':>15}")
    rows = [("load samples (s)", f["load_samples_s"], n["load_samples_s"], ratios["load_samples"])]
    if "load_corpus" in ratios:
        rows.append((f"load corpus {args.scale:g}× (s)", f["load_corpus_s"], n["load_corpus_s"], ratios["load_corpus"]))
    rows += [(f"{label} (ms)", f["lookups_ms"][label], n["lookups_ms"][label], ratios[label]) for label in f["lookups_ms"]]
    for label, a, b, r in rows:
        print(f"{label:28} {a:10.2f} {b:10.2f} {r:15.2f}")


if __name__ == "__main__":
    main()
