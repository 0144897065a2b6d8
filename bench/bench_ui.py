"""How fast the UI draws, measured in headless Debian Chromium against a real server.

    python -m bench.bench_ui [--runs 5] [--scale 10] [--skip-explore] [--data DIR --graph NAME]

1. The busiest agency's page (by /stats/workload) over the samples: time from navigation start to the
   task lists being rendered and to the first drawing of the ego graph (median of --runs).
2. The explorer with up to 5,000 tasks from a synthetic corpus (--scale × the samples): time to the
   first drawing, node count, and the time one zoom redraw takes once the layout has settled — for the
   default view (aggregated by unit above 1,500 nodes) and for the raw view of every task.
3. With --data, both again on a graph already loaded (the 100× corpus): the busiest agency's page (its
   first visit, before the API has cached the answers, and the median) and the explorer.
Writes bench/results/ui.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from graph.connect import open_store
from graph.settings import REPO_ROOT, Settings
from loaders.pipeline import load_paths

RESULTS = Path(__file__).parent / "results"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@contextmanager
def served(paths: list[Path]) -> Iterator[str]:
    """A fresh embedded store holding `paths`, served by uvicorn on a free port; yields the origin."""
    with tempfile.TemporaryDirectory(prefix="dutygraph-bench-ui-") as data, \
            served_store(Settings(dutygraph_data=Path(data)), paths) as origin:
        yield origin


@contextmanager
def served_store(settings: Settings, paths: list[Path] | None = None) -> Iterator[str]:
    """The graph of `settings` (after loading `paths`, if any) served by uvicorn on a free port."""
    import socket

    import uvicorn

    from api.app import create_app

    store = open_store(settings)
    try:
        store.ensure_schema()
        if paths:
            load_paths(store=store, paths=paths)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(settings, store=store), host="127.0.0.1",
                                               port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(10)
    finally:
        store.close()


def agency_page(browser, origin: str, runs: int) -> dict[str, Any]:
    busiest = httpx.get(f"{origin}/stats/workload", params={"limit": 1}, timeout=30).json()
    rows = busiest if isinstance(busiest, list) else busiest["items"]
    name = rows[0]["name"]
    samples = []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)  # waits use eval
        page.goto(f"{origin}/ui/agency/{quote(name)}")
        page.wait_for_function("window.DG_TIMING && window.DG_TIMING['dg-graph'] > 0", timeout=60_000)
        samples.append(page.evaluate("""() => ({...window.DG_TIMING,
            nodes: Number(document.querySelector('#graph').dataset.nodes),
            dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd})"""))
        page.close()
    return {
        "agency": name,
        "tasks": rows[0].get("total"),
        "graph_ms_first": samples[0]["dg-graph"],  # the first visit: answers not cached yet
        "graph_nodes": samples[0]["nodes"],
        "lists_ms_median": statistics.median(s["dg-list"] for s in samples),
        "graph_data_ms_median": statistics.median(s["dg-graph-data"] for s in samples),
        "graph_ms_median": statistics.median(s["dg-graph"] for s in samples),
        "graph_ms_max": max(s["dg-graph"] for s in samples),
        "runs": runs,
    }


def explorer(browser, origin: str, limit: int, aggregate: bool | None = None) -> dict[str, Any]:
    """The explorer's default view (aggregate=None: by unit above 1,500 nodes), then the raw view."""
    page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)  # waits use eval
    start = time.perf_counter()
    flag = "" if aggregate is None else f"&aggregate={int(aggregate)}"
    page.goto(f"{origin}/ui/explore?limit={limit}{flag}")
    page.wait_for_function("window.DG_TIMING && window.DG_TIMING['dg-explore'] > 0", timeout=300_000)
    first_draw = page.evaluate("window.DG_TIMING['dg-explore']")
    data_ms = page.evaluate("window.DG_TIMING['dg-explore-data']")
    page.wait_for_function("document.querySelector('#graph').dataset.stabilized === '1'", timeout=600_000)
    settled_s = time.perf_counter() - start
    redraw_ms = page.evaluate("""() => new Promise(resolve => {
        const net = window.DG_EXPLORE.network;
        const t0 = performance.now();
        net.once('afterDrawing', () => resolve(performance.now() - t0));
        net.moveTo({scale: net.getScale() * 1.2});
    })""")
    nodes = page.evaluate("window.DG_EXPLORE.nodes.length")
    status = page.locator("#status").inner_text()
    page.close()
    row = {"limit": limit, "data_ms": data_ms, "first_draw_ms": first_draw, "nodes": nodes, "status": status,
           "layout_settled_s": round(settled_s, 2), "zoom_redraw_ms": round(redraw_ms, 1)}
    if aggregate is None:
        row["raw_view"] = explorer(browser, origin, limit, aggregate=False)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--skip-explore", action="store_true")
    parser.add_argument("--data", type=Path, help="also measure the graph already loaded in this data folder "
                                                  "(e.g. the 100x corpus, loaded once with `dutygraph load`)")
    parser.add_argument("--graph", default="dutygraph", help="graph name with --data")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    report: dict[str, Any] = {}
    samples = sorted((REPO_ROOT / "data" / "samples").glob("*.txt"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            with served(samples) as origin:
                report["busiest_agency_page"] = agency_page(browser, origin, args.runs)
                report["explore_samples"] = explorer(browser, origin, 5000)
            if args.data:
                settings = Settings(dutygraph_data=args.data.resolve(), dutygraph_graph=args.graph)
                with served_store(settings) as origin:
                    report["busiest_agency_page_data"] = agency_page(browser, origin, args.runs)
                    report["explore_data"] = explorer(browser, origin, 5000)
            if not args.skip_explore:
                from bench.generate import generate

                corpus_dir = Path(tempfile.mkdtemp(prefix="dutygraph-ui-corpus-"))
                files = generate(corpus_dir, args.scale)
                with served(files) as origin:
                    report[f"explore_corpus_{args.scale:g}x"] = explorer(browser, origin, 5000)
        finally:
            browser.close()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ui.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    for name, row in report.items():
        print(name, " ".join(f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
