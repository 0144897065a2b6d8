"""Latency (p50/p99) and throughput of the main lookups: over HTTP with several concurrent clients,
against the same catalogue queries run in-process on the store; reported as ratios.

    python -m bench.bench_api [--scale 100] [--clients 4] [--requests 200] [--skip-corpus]
    python -m bench.bench_api --data DIR --graph NAME      # a graph already loaded (e.g. `dutygraph load`)

Each data set (the samples; the synthetic corpus N× their size from bench.generate) is loaded into a
fresh embedded FalkorDB in a temporary folder. The API runs as a separate uvicorn process on a free
loopback port (two workers, as `dutygraph serve`), reaching the same embedded server. HTTP answers are
cached per graph version (api/cache.py), so HTTP figures after the warm-up are cache hits; in-process
figures run the catalogue query every time. Throughput: wrk (30 s, 2 threads, 32 connections) on the
issue's URLs (samples: unit task list, search, /health; corpus: unit and district task lists).
Writes bench/results/api.json and prints a table.
Loading the 100× corpus takes about an hour on a busy 2-core machine; `--data` measures a graph loaded
once beforehand.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from graph.catalogue import Catalogue
from graph.connect import open_store
from graph.settings import REPO_ROOT, Settings
from graph.store import GraphStore
from loaders.pipeline import load_paths

RESULTS = Path(__file__).parent / "results"
GRAPH = "bench_api"
WORKERS = 2  # as `dutygraph serve`
# throughput under wrk (Debian's package, `make wrk`): the targets, requests per second
THROUGHPUT = {"/agencies/市卫健委/tasks?role=lead": 500, "/tasks?q=卫生": 500, "/health": 2000}


def lookups(store: GraphStore, catalogue: Catalogue) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(label, HTTP path, catalogue query, params) for the lookups users make most."""
    task = store.read("MATCH (a:Agency {name: '市卫健委'})-[:LEADS]->(t:Task) RETURN t.id AS id LIMIT 1")
    indicator = store.read("MATCH (c:Indicator)-[:ROLLS_UP_TO]->(i:Indicator) RETURN i.id AS id LIMIT 1")
    page = {"offset": 0, "limit": 100}  # the API's default page
    items = [
        ("agency tasks (lead)", "/agencies/市卫健委/tasks?role=lead", "agency_tasks",
         {"name": "市卫健委", "role": "lead", **page}),
        ("agency tasks (full name)", "/agencies/武汉市卫生健康委员会/tasks", "agency_tasks",
         {"name": "市卫健委", "role": "any", **page}),
        ("agency profile", "/agencies/市卫健委", "agency_profile", {"name": "市卫健委"}),
        ("shared tasks", "/agencies/市卫健委/shared/市民政局", "shared_tasks", {"a": "市卫健委", "b": "市民政局", **page}),
        ("district tasks", "/districts/江岸区/tasks", "district_tasks", {"district": "江岸区", **page}),
        ("search tasks", "/tasks?q=托育", "search_tasks",
         {"q": "托育", "document": None, "jurisdiction": None, "section": None, **page}),
        ("workload", "/stats/workload", "workload", {"document": None, "limit": 1_000_000}),
    ]
    if task:
        items.append(("task detail", f"/tasks/{task[0]['id']}", "task_detail", {"id": task[0]["id"]}))
    if indicator:
        items.append(("indicator rollup", f"/indicators/{indicator[0]['id']}/rollup", "indicator_rollup",
                      {"id": indicator[0]["id"]}))
    for _, _, name, params in items:
        catalogue.bind(name, params)
    return items


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(call: Callable[[], Any], *, requests: int, clients: int) -> dict[str, float]:
    """Latencies (ms) of `requests` calls spread over `clients` threads, and calls per second."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = max(1, requests // clients)

    def worker() -> None:
        local = []
        for _ in range(per_client):
            t0 = time.perf_counter()
            call()
            local.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(local)

    call()  # warm-up
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"p50_ms": percentile(latencies, 0.50), "p99_ms": percentile(latencies, 0.99),
            "mean_ms": statistics.fmean(latencies), "rps": len(latencies) / wall, "n": len(latencies)}


def wrk(url: str, *, seconds: int = 30, threads: int = 2, connections: int = 32) -> dict[str, Any]:
    """`wrk -t2 -c32 -d30s --latency` on one URL: requests/s, p50/p99 (ms), errors (socket + non-2xx)."""
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True, timeout=seconds + 60).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else float("nan")

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50_ms": ms("50%"),
            "p99_ms": ms("99%"), "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def throughput(api_url: str, paths: dict[str, int], seconds: int) -> dict[str, Any]:
    """wrk on each path after one warm-up request, with the load average before each run."""
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (make wrk)"}
    rows = {}
    for path, target in paths.items():
        url = api_url + quote(path, safe="/?=&")
        httpx.get(url, timeout=120).raise_for_status()
        rows[path] = {"load_average": os.getloadavg()[0], **wrk(url, seconds=seconds), "target_rps": target}
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiProcess:
    """`uvicorn api.app:create_app --factory` in a child process, on 127.0.0.1 and a free port."""

    def __init__(self, data: Path, graph: str = GRAPH):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DUTYGRAPH_DATA": str(data), "DUTYGRAPH_GRAPH": graph}
        env.pop("NEO4J_URI", None)
        env.pop("FALKORDB_URL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(WORKERS), "--log-level", "warning", "--no-access-log"],
            cwd=REPO_ROOT, env=env,
        )

    def __enter__(self) -> ApiProcess:  # noqa: PYI034
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not answer /health within 60 s")
            time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# at 100x: unit task lists at >= 100 requests/s
THROUGHPUT_CORPUS = {"/agencies/市卫健委/tasks?role=lead": 100, "/districts/江岸区/tasks": 100}


def bench_dataset(files: list[Path], *, clients: int, requests: int, wrk_paths: dict[str, int] | None = None
                  ) -> dict[str, Any]:
    """Load `files` into a fresh embedded store in a temporary folder, then measure."""
    with tempfile.TemporaryDirectory(prefix="dutygraph-bench-api-") as tmp:
        data = Path(tmp)
        store = open_store(Settings(dutygraph_data=data, dutygraph_graph=GRAPH, neo4j_uri=None, falkordb_url=None))
        try:
            store.ensure_schema()
            t0 = time.perf_counter()
            results = load_paths(store=store, paths=files)
            load_s = time.perf_counter() - t0
            report = bench_store(store, data, GRAPH, clients=clients, requests=requests, wrk_paths=wrk_paths)
        finally:
            store.close()
    return {"files": len(files), "failed": sum(r.status == "failed" for r in results), "load_s": load_s, **report}


def bench_store(store: GraphStore, data: Path, graph: str, *, clients: int, requests: int,
                wrk_paths: dict[str, int] | None = None, wrk_seconds: int = 30) -> dict[str, Any]:
    """Measure every lookup over HTTP (API process on the same data folder and graph) and in-process."""
    counts = store.counts()
    catalogue = Catalogue.load(Settings().dutygraph_queries)
    rows: dict[str, Any] = {}
    with ApiProcess(data, graph) as api:
        local = threading.local()

        def client() -> httpx.Client:
            if not hasattr(local, "c"):
                local.c = httpx.Client(base_url=api.url, timeout=60)
            return local.c

        for label, path, name, params in lookups(store, catalogue):
            quoted = quote(path, safe="/?=&")
            size = len(catalogue.run(store, name, params))

            def over_http(quoted: str = quoted) -> None:
                r = client().get(quoted)
                r.raise_for_status()

            def in_process(name: str = name, params: dict[str, Any] = params) -> None:
                catalogue.run(store, name, params)

            http = measure(over_http, requests=requests, clients=clients)
            inproc = measure(in_process, requests=requests, clients=clients)
            rows[label] = {
                "rows": size, "http": http, "in_process": inproc,
                "ratio_p50": http["p50_ms"] / inproc["p50_ms"],
                "ratio_p99": http["p99_ms"] / inproc["p99_ms"],
                "ratio_rps": inproc["rps"] / http["rps"],
            }
        wrk_rows = throughput(api.url, wrk_paths, wrk_seconds) if wrk_paths else {}
    return {"Task": counts.get("Task", 0), "Agency": counts.get("Agency", 0),
            "Document": counts.get("Document", 0), "lookups": rows, "throughput": wrk_rows}


def run(*, scale: float, clients: int, requests: int, skip_corpus: bool, corpus_dir: Path | None
        ) -> dict[str, Any]:
    samples = sorted((REPO_ROOT / "data" / "samples").glob("*.txt"))
    report = {"clients": clients, "requests": requests,
              "samples": bench_dataset(samples, clients=clients, requests=requests, wrk_paths=THROUGHPUT)}
    if not skip_corpus:
        from bench.generate import fresh_corpus, generate

        corpus = (sorted(corpus_dir.glob("*.txt")) or generate(corpus_dir, scale)) if corpus_dir else fresh_corpus(scale)
        report[f"corpus_{scale:g}x"] = bench_dataset(corpus, clients=clients, requests=max(clients, requests // 4),
                                                       wrk_paths=THROUGHPUT_CORPUS)
    return report


def run_existing(data: Path, graph: str, *, clients: int, requests: int) -> dict[str, Any]:
    """Measure a graph that is already loaded in the embedded server of `data`."""
    store = open_store(Settings(dutygraph_data=data, dutygraph_graph=graph, neo4j_uri=None, falkordb_url=None))
    try:
        result = bench_store(store, data, graph, clients=clients, requests=requests, wrk_paths=THROUGHPUT_CORPUS)
    finally:
        store.close()
    return {"clients": clients, "requests": requests, graph: {"files": result["Document"], "load_s": 0.0, **result}}


def print_report(report: dict[str, Any]) -> None:
    print(f"clients={report['clients']}  (latency ms; rps = completed requests per second)")
    for name, data in report.items():
        if not isinstance(data, dict):
            continue
        print(f"\n{name}: {data['files']} files, {data['Task']} tasks, {data['Agency']} agencies, "
              f"load {data['load_s']:.1f}s")
        print(f"{'lookup':28} {'rows':>5} {'http p50':>9} {'p99':>8} {'rps':>7} | {'inproc p50':>10} {'p99':>8}"
              f" {'rps':>7} | {'x p50':>6} {'x p99':>6} {'x rps':>6}")
        for label, r in data["lookups"].items():
            h, i = r["http"], r["in_process"]
            print(f"{label:28} {r['rows']:>5} {h['p50_ms']:>9.2f} {h['p99_ms']:>8.2f} {h['rps']:>7.1f} | "
                  f"{i['p50_ms']:>10.2f} {i['p99_ms']:>8.2f} {i['rps']:>7.1f} | {r['ratio_p50']:>6.2f} "
                  f"{r['ratio_p99']:>6.2f} {r['ratio_rps']:>6.2f}")
        for path, w in data.get("throughput", {}).items():
            if isinstance(w, dict):
                print(f"wrk {path}: {w['rps']:.0f} req/s (target {w['target_rps']}), p50 {w['p50_ms']:.1f} ms, "
                      f"p99 {w['p99_ms']:.1f} ms, errors {w['errors']}, load average {w['load_average']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="requests per lookup (corpus: a quarter)")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--corpus", type=Path, help="a corpus folder to use (default: bench/corpus/<scale>x/, written anew)")
    parser.add_argument("--data", type=Path, help="measure the graph already loaded in this data folder")
    parser.add_argument("--graph", default="dutygraph", help="graph name with --data")
    args = parser.parse_args()
    if args.data:
        report = run_existing(args.data.resolve(), args.graph, clients=args.clients, requests=args.requests)
    else:
        report = run(scale=args.scale, clients=args.clients, requests=args.requests, skip_corpus=args.skip_corpus,
                     corpus_dir=args.corpus)
    RESULTS.mkdir(exist_ok=True)
    name = "api.json" if not args.data else f"api_{args.graph}.json"
    (RESULTS / name).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print_report(report)


if __name__ == "__main__":
    main()
