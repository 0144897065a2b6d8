"""Several processes on one embedded server: readers polling while a loader writes (the server used to
segfault: a foreground SAVE per write raced the readers), and two loaders at once (they used to miss the
roll-ups between each other's documents)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading

from faults import SAMPLE_FILES, SAMPLES, cli_env, mismatches, parsed_tasks

from graph.embedded import EmbeddedServer
from graph.export import TASKS
from graph.falkordb_store import FalkorDBStore
from graph.settings import REPO_ROOT
from loaders.pipeline import load_paths

LOADER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from graph.connect import open_store
    from loaders.pipeline import load_paths
    store = open_store()
    store.ensure_schema()
    results = load_paths(store=store, paths=[Path(p) for p in sys.argv[1:]])
    print(json.dumps([{"source": r.source, "status": r.status, "doc_id": r.doc_id, "error": r.error}
                      for r in results], ensure_ascii=False))
    store.close()
""")

CROSS = """
MATCH (c:Task)-[:ROLLS_UP_TO]->(p:Task) WHERE c.doc_id <> p.doc_id
RETURN c.id AS child, p.id AS parent ORDER BY child, parent
"""


def start_loader(data, files) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", LOADER, *map(str, files)], env=cli_env(data), cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> list[dict]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return json.loads(out)


def test_readers_polling_while_a_loader_writes(tmp_path):
    data = tmp_path / "data"
    server = EmbeddedServer(data).start()
    reader = FalkorDBStore.embedded(data, graph="dutygraph", server=server)
    reader.ensure_schema()
    stop = threading.Event()
    answered: list[int] = []
    errors: list[str] = []

    def poll() -> None:
        while not stop.is_set():
            try:
                reader.read(TASKS)
                reader.read("MATCH (a:Agency)-[r:LEADS]->(t:Task) RETURN a.name AS n, count(t) AS c")
                answered.append(1)
            except Exception as e:  # noqa: BLE001 — every failure is the finding
                errors.append(repr(e))

    try:
        pid = server.pid
        readers = [threading.Thread(target=poll) for _ in range(3)]
        for t in readers:
            t.start()
        results = finish(start_loader(data, SAMPLE_FILES))
        stop.set()
        for t in readers:
            t.join()
        assert not errors, errors[:3]
        assert server.pid == pid and server.running(), server.log_tail()
        assert "crashed by signal" not in server.log_path.read_text(errors="replace")
        assert len(answered) > 10
        assert not mismatches(reader, results, parsed_tasks(SAMPLE_FILES))
        assert {r["status"] for r in results} == {"loaded", "duplicate"}
        print(f"readers during a load: {len(answered)} polls, 0 errors, 0 server crashes")
    finally:
        stop.set()
        reader.close()
        server.stop()


def test_two_loaders_at_once_link_each_others_documents(tmp_path):
    """000 (city rows) in one process, 001 (the policy it implements) in the other: 000's rows roll up to
    001's measures, whichever process writes first (loaded one after the other, both orders agree)."""
    a = [SAMPLES / "000_0254987fc8a29e26.txt"]
    b = [SAMPLES / "001_17a93bc98c002790.txt"]
    sequential = []
    for order in ((a, b), (b, a)):
        store = FalkorDBStore.embedded(tmp_path / f"seq{len(sequential)}", graph="dutygraph")
        try:
            store.ensure_schema()
            for files in order:
                load_paths(store=store, paths=files)
            sequential.append(store.read(CROSS))
        finally:
            store.close()
    assert sequential[0] == sequential[1] and len(sequential[0]) > 20

    data = tmp_path / "data"
    server = EmbeddedServer(data).start()
    try:
        procs = [start_loader(data, a), start_loader(data, b)]
        results = [r for p in procs for r in finish(p)]
        store = FalkorDBStore.embedded(data, graph="dutygraph", server=server)
        try:
            assert not mismatches(store, results, parsed_tasks(a + b))
            assert store.read(CROSS) == sequential[0]
        finally:
            store.close()
    finally:
        server.stop()
