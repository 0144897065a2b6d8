"""Parse and load time of the samples and of synthetic corpora N× their size, each against the floor.

    python -m bench.bench_load [--scale 10 100]

Each data set is measured in a process of its own (as a CLI load runs), in one run: the parse time (every
file, sequentially; for a small set the fastest of up to PARSE_RUNS runs), the load time (`load_paths` into
a fresh embedded store: parse, link, write), and the FLOOR: the time to write the same nodes and edges with
plain `UNWIND $rows` batches (one label or relationship type at a time) into a fresh bare embedded FalkorDB
of the same build and settings (append-only file, fsync always), with only the `id` indexes the edge
batches match on. The floor's graph is what the loader wrote (the derived HOLDS edges included), exported
after the load; its counts are checked against the load's. The first sample is parsed once, untimed, before
all this (one-time set-up is not parse time). Peak memory, measured two ways during the load: `rss_peak_mb`
is the largest sum, at one moment, of the resident sizes of this process, the server and the parse workers
(sampled from /proc every 0.2 s by a process of its own); `pss_peak_mb` the same with proportional sizes (a
page shared by a forked worker and this process counted once, split between them) — what the load takes
from the machine. `rss_ours_mb` and `rss_server_mb` are each process's own peak (VmHWM), `rss_worker_mb` the
largest child's (RUSAGE_CHILDREN: a parse worker or the floor's server). The load parses in worker
processes (both cores). Then one more load of three new documents into the loaded graph, by the loader that
loaded it (`one_more_warm_s`: kept for the store, as in the API's process) and by a new one
(`one_more_cold_s`: a CLI process, which reads the whole graph first), each against the same into an empty
graph. Growth compares each data set with the previous one. Prints a table and writes
bench/results/load.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from itertools import pairwise
from pathlib import Path
from typing import Any, Self

from falkordb import FalkorDB

from bench.generate import fresh_corpus, generate
from graph.connect import open_store
from graph.embedded import EmbeddedServer
from graph.schema import LABELS, REL_TYPES, count_all
from graph.settings import REPO_ROOT, Settings
from graph.store import GraphStore
from loaders.parse import parse_file
from loaders.pipeline import Loader, load_paths

RESULTS = Path(__file__).parent / "results"
BATCH = 5000  # rows per UNWIND in the floor
SAMPLE_FILES = sorted((REPO_ROOT / "data" / "samples").glob("*.txt"))
PARSE_RUNS = 10
EXTRA_SCALE = 0.15  # the one-more-document loads: ~45 KB, three documents

NODES = "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
EDGES = ("MATCH (a)-[r]->(b) RETURN type(r) AS type, labels(a)[0] AS a_label, a.id AS a, "
         "labels(b)[0] AS b_label, b.id AS b, properties(r) AS props")


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident size of a process since it started or since reset_peak_rss()."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM starts again from the current RSS


class MemorySampler:
    """The largest total, at one moment, of this process's and its descendants' (server, parse workers)
    resident and proportional sizes, sampled by a process of its own: a thread would change what is
    measured (with other threads running the loader takes its parse workers from a fork server)."""

    def __init__(self, every_s: float = 0.2) -> None:
        self.every_s = every_s
        self.peak = {"rss": 0, "pss": 0}
        context = multiprocessing.get_context("fork")
        self._stop = context.Event()
        self._peaks, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_watch, args=(os.getpid(), every_s, self._stop, sender),
                                        daemon=True)

    def __enter__(self) -> Self:
        self._process.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self.peak = self._peaks.recv()
        self._process.join()

    def peak_mb(self, key: str) -> float:
        return self.peak[key] / 1024


def _watch(root: int, every_s: float, stop: Any, peaks: Any) -> None:
    peak = {"rss": 0, "pss": 0}
    while True:
        total = {"rss": 0, "pss": 0}
        for pid in [root, *_descendants(root)]:
            if pid == os.getpid():
                continue
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:  # the process ended meanwhile
                continue
            for key, field in (("rss", "Rss"), ("pss", "Pss")):
                found = re.search(rf"^{field}:\s+(\d+)", text, re.MULTILINE)
                total[key] += int(found.group(1)) if found else 0
        peak = {key: max(peak[key], kb) for key, kb in total.items()}
        if stop.wait(every_s):
            peaks.send(peak)
            return


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            out += [child, *_descendants(child)]
    return out


def measure_parse(files: list[Path]) -> dict[str, Any]:
    """The fastest of a few sequential parses for a small set (one parse of the samples takes ~0.05 s, as
    long as a scheduling hiccup), one for a big one."""
    times = []
    while not times or (len(times) < PARSE_RUNS and sum(times) < 1.0):
        start = time.perf_counter()
        tasks = sum(len(parse_file(f).tasks) for f in files)
        times.append(time.perf_counter() - start)
    return {"parse_s": min(times), "parse_runs": len(times), "parsed_tasks": tasks}


def export(store: GraphStore) -> tuple[dict[str, list[dict]], dict[tuple[str, str, str], list[dict]]]:
    """What the loader wrote: node properties per label, edges per (type, start label, end label)."""
    nodes: dict[str, list[dict]] = defaultdict(list)
    for row in store.read(NODES, timeout_ms=600_000):
        (label,) = row["labels"]  # the schema gives every node one label
        nodes[label].append(row["props"])
    edges: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for row in store.read(EDGES, timeout_ms=600_000):
        edges[row["type"], row["a_label"], row["b_label"]].append({"a": row["a"], "b": row["b"], "p": row["props"]})
    return nodes, edges


def measure_load(files: list[Path]) -> tuple[dict[str, Any], tuple]:
    with tempfile.TemporaryDirectory(prefix="dutygraph-bench-") as data:
        store = open_store(Settings(dutygraph_data=Path(data)))
        try:
            store.ensure_schema()
            reset_peak_rss()
            with MemorySampler() as memory:
                start = time.perf_counter()
                results = load_paths(store=store, paths=files)
                seconds = time.perf_counter() - start
            ours, server = peak_rss_mb(), peak_rss_mb(store.server.pid)
            workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest parse worker
            counts = store.counts()
            graph = export(store)
            more = measure_one_more(store)
        finally:
            store.close()
    row = {"load_s": seconds, "failed": sum(r.status == "failed" for r in results),
           "rss_ours_mb": ours, "rss_server_mb": server, "rss_worker_mb": workers,
           "rss_peak_mb": memory.peak_mb("rss"), "pss_peak_mb": memory.peak_mb("pss"), **_totals(counts), **more}
    return row, (graph, counts)


def into_empty() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dutygraph-empty-") as data:
        store = open_store(Settings(dutygraph_data=Path(data)))
        try:
            store.ensure_schema()
            return measure_one_more(store)
        finally:
            store.close()


def extra_documents(folder: Path, seed: int) -> list[Path]:
    """A few new documents (a city list, a district plan, a gazette) that are in no corpus, named apart."""
    return [p.rename(p.with_name(f"extra{seed}_{p.name}")) for p in generate(folder, EXTRA_SCALE, seed)]


def measure_one_more(store: GraphStore) -> dict[str, Any]:
    """One more load of a few new documents into the loaded graph: by the loader that loaded it (kept for
    the store, as in the API's process), and by a new one (a CLI process: it reads the whole graph first)."""
    out: dict[str, Any] = {}
    for key, seed, load in (("one_more_warm_s", 101, lambda p: load_paths(store=store, paths=p)),
                            ("one_more_cold_s", 102, lambda p: Loader(store).load_many(
                                [(f.read_bytes(), f.name) for f in p]))):
        with tempfile.TemporaryDirectory(prefix="dutygraph-extra-") as folder:
            paths = extra_documents(Path(folder), seed)
            start = time.perf_counter()
            results = load(paths)
            out[key] = time.perf_counter() - start
        if {r.status for r in results} != {"loaded"}:
            raise SystemExit(f"the extra documents did not load as new ones: {[r.status for r in results]}")
    return out


def measure_floor(nodes: dict[str, list[dict]], edges: dict[tuple[str, str, str], list[dict]]
                  ) -> dict[str, Any]:
    """Write the exported graph with plain UNWIND batches into a bare server of the same build."""
    with tempfile.TemporaryDirectory(prefix="dutygraph-floor-") as data:
        server = EmbeddedServer(data).start()
        try:
            graph = FalkorDB(unix_socket_path=str(server.socket_path), socket_timeout=600).select_graph("floor")
            start = time.perf_counter()
            for label in nodes:
                graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
            for label, rows in nodes.items():
                for batch in _batches(rows):
                    graph.query(f"UNWIND $rows AS row CREATE (n:{label}) SET n = row", {"rows": batch})
            for (rel, a_label, b_label), rows in edges.items():
                for batch in _batches(rows):
                    graph.query(f"UNWIND $rows AS row MATCH (a:{a_label} {{id: row.a}}), (b:{b_label} {{id: row.b}}) "
                                f"CREATE (a)-[r:{rel}]->(b) SET r = row.p", {"rows": batch})
            seconds = time.perf_counter() - start
            counts = count_all(lambda query: _rows(graph.ro_query(query)))
            server_mb = peak_rss_mb(server.pid)
        finally:
            server.stop()
    return {"floor_s": seconds, "floor_counts": counts, "floor_rss_server_mb": server_mb}


def _rows(result: Any) -> list[dict[str, Any]]:
    columns = [h[1] for h in result.header]
    return [dict(zip(columns, row)) for row in result.result_set]


def _batches(rows: list[dict]) -> list[list[dict]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def _totals(counts: dict[str, int]) -> dict[str, int]:
    return {"nodes": sum(counts[label] for label in LABELS), "edges": sum(counts[t] for t in REL_TYPES),
            "tasks": counts["Task"], "agencies": counts["Agency"]}


def measure(files: list[Path]) -> dict[str, Any]:
    row: dict[str, Any] = {"files": len(files), "mb": sum(f.stat().st_size for f in files) / 1e6}
    row.update(measure_parse(files))
    loaded, ((nodes, edges), counts) = measure_load(files)
    row.update(loaded)
    floor = measure_floor(nodes, edges)
    if floor.pop("floor_counts") != counts:
        raise SystemExit("the floor's graph differs from the loaded one: its time would not be comparable")
    row.update(floor)
    row["load/floor"] = row["load_s"] / row["floor_s"]
    return row


GROWN = ("mb", "parse_s", "load_s", "floor_s", "tasks", "rss_peak_mb", "pss_peak_mb", "one_more_warm_s")


def in_fresh_process(measure: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Each data set measured by a process of its own, as a CLI load runs: the heap an earlier data set left
    in this process would be copied into every forked parse worker and counted in its memory."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_warmed_up, measure, *args).result()


def _warmed_up(measure: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    parse_file(SAMPLE_FILES[0])  # untimed: the first parse loads place data and compiles patterns
    return measure(*args)


def run(scales: list[float]) -> dict[str, Any]:
    data_sets = {"samples": SAMPLE_FILES, **{f"{s:g}x": fresh_corpus(s) for s in scales}}
    report: dict[str, Any] = {"load_average_before": os.getloadavg()}
    report["one_more_into_empty"] = in_fresh_process(into_empty)
    report["data_sets"] = {name: in_fresh_process(measure, files) for name, files in data_sets.items()}
    for row in report["data_sets"].values():
        for key in ("one_more_warm_s", "one_more_cold_s"):
            row[key.removesuffix("_s") + "/empty"] = row[key] / report["one_more_into_empty"][key]
    names = list(data_sets)
    report["growth"] = {f"{big}/{small}": {k: report["data_sets"][big][k] / report["data_sets"][small][k]
                                           for k in GROWN}
                        for small, big in pairwise(names)}
    report["load_average_after"] = os.getloadavg()
    return report


def show(report: dict[str, Any]) -> None:
    def cell(v: Any) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    for title, table in (("", report["data_sets"]), ("growth", report["growth"])):
        if not table:
            continue
        columns = list(table)
        keys = list(next(iter(table.values())))
        print(f"{title:<16}" + "".join(f"{c:>14}" for c in columns))
        for key in keys:
            print(f"{key:<16}" + "".join(f"{cell(table[c][key]):>14}" for c in columns))
        print()
    print("one more load of three new documents into an empty graph:",
          ", ".join(f"{k} {v:.3f}" for k, v in report["one_more_into_empty"].items()))
    before, after = report["load_average_before"], report["load_average_after"]
    print("load average (1, 5, 15 min) before:", " ".join(f"{x:.2f}" for x in before),
          " after:", " ".join(f"{x:.2f}" for x in after))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, nargs="*", default=[10],
                        help="corpus sizes in multiples of the samples (100 takes tens of minutes)")
    args = parser.parse_args()
    report = run(args.scale)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    show(report)


if __name__ == "__main__":
    main()
