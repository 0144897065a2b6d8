"""The bulk load path: many documents linked once and written in large batches, each still all-or-nothing."""

from __future__ import annotations

import dataclasses
import gc
import json
import threading

import pytest

from graph.export import export_records
from graph.settings import REPO_ROOT
from loaders import parallel
from loaders.parse import parse_bytes
from loaders.pipeline import Loader, load_paths

SAMPLES = REPO_ROOT / "data" / "samples"
DEVSET = REPO_ROOT / "tests" / "devset" / "docs"
ROLL_UPS = """
MATCH (c)-[r:ROLLS_UP_TO]->(p)
RETURN c.id AS child, p.id AS parent, r.method AS method, r.confidence AS confidence ORDER BY child, parent
"""


def snapshot(store) -> list[str]:
    records = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in export_records(store)]
    return sorted(records) + [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in store.read(ROLL_UPS)]


def parsed(key: str):
    path = next(SAMPLES.glob(f"{key}_*.txt"))
    return parse_bytes(path.read_bytes(), path.name)


@pytest.fixture
def other_store(graphs):
    settings = graphs.settings("bulk")
    store = graphs.open(settings)
    yield store
    graphs.drop(store, settings)


@pytest.mark.parametrize("at", [0, 2])
def test_a_document_failing_in_a_bulk_load_loses_only_itself(store, other_store, at):
    """001 (the measures 000's 附件1 rows roll up to) fails half-way through its write, first or in the
    middle of the batch: the graph is exactly that of the other documents, roll-ups included."""
    bad = parsed("001")
    bad.tasks[len(bad.tasks) // 2].deadline = {"not": "a property value"}  # no engine stores a map
    others = [parsed(k) for k in ("000", "003", "004")]
    results = Loader(store).load_documents([*others[:at], bad, *others[at:]])

    by_source = {r.source.split("_")[0]: r for r in results}
    assert by_source["001"].status == "failed"
    assert bad.document.source in by_source["001"].error
    assert [by_source[k].status for k in ("000", "003", "004")] == ["loaded"] * 3
    Loader(other_store).load_documents([parsed(k) for k in ("000", "003", "004")])
    assert snapshot(store) == snapshot(other_store)


def test_the_failing_document_takes_part_in_the_roll_ups(store):
    """Otherwise the test above could not tell roll-ups left pointing at the failed document."""
    results = Loader(store).load_documents([parsed(k) for k in ("001", "000", "003", "004")])
    assert all(r.status == "loaded" for r in results), [r.error for r in results]
    rows = store.read("MATCH (c:Task)-[:ROLLS_UP_TO]->(p:Task) WHERE p.source STARTS WITH '001' "
                      "AND NOT c.source STARTS WITH '001' RETURN count(*) AS n")
    assert rows[0]["n"] > 10


def test_parsing_in_worker_processes_gives_the_sequential_results():
    items = [(p.read_bytes(), p.name) for p in sorted(DEVSET.glob("*.txt"))[:12]]
    items.append((b"\xff\xfe\x00", "broken.txt"))
    sequential = parallel.parse_all(items, processes=1)
    in_workers = parallel.parse_all(items, processes=2, min_bytes=0)

    def dump(x):
        return str(x) if isinstance(x, Exception) else json.dumps(dataclasses.asdict(x), ensure_ascii=False,
                                                                   sort_keys=True, default=str)
    assert [dump(x) for x in in_workers] == [dump(x) for x in sequential]
    assert sum(isinstance(x, Exception) for x in sequential) == 1


def test_one_warm_loader_document_by_document_equals_the_bulk_load(tmp_path, store, other_store):
    """A synthetic corpus in the samples' grammar (city lists, district plans, gazettes): loaded at once, and
    one file at a time in reverse order by one loader (which re-decides only the children a new document can
    change), the graphs are identical, roll-ups included."""
    from bench.generate import generate

    files = generate(tmp_path / "corpus", 1.0, seed=3)
    assert all(r.status == "loaded" for r in load_paths(store=store, paths=[tmp_path / "corpus"]))
    loader = Loader(other_store)
    for path in reversed(files):
        assert loader.load_bytes(path.read_bytes(), path.name).status == "loaded"
    assert store.counts()["ROLLS_UP_TO"] > 50
    assert snapshot(store) == snapshot(other_store)


def test_load_paths_keeps_its_loader_and_sees_what_another_writer_wrote(tmp_path, store, other_store):
    """Three loads by one process (load_paths keeps its loader for the store), with a second writer's load in
    between (a loader of its own, as another process): the graph is the one a single bulk load makes."""
    from bench.generate import generate

    files = generate(tmp_path / "corpus", 1.0, seed=5)
    thirds = [files[: len(files) // 3], files[len(files) // 3 : 2 * len(files) // 3], files[2 * len(files) // 3 :]]
    assert {r.status for r in load_paths(store=store, paths=thirds[0])} == {"loaded"}
    assert {r.status for r in Loader(store).load_many([(p.read_bytes(), p.name) for p in thirds[1]])} == {"loaded"}
    assert {r.status for r in load_paths(store=store, paths=thirds[2])} == {"loaded"}
    assert {r.status for r in load_paths(store=store, paths=files)} == {"unchanged"}
    load_paths(store=other_store, paths=files)
    assert other_store.counts()["ROLLS_UP_TO"] > 50
    assert snapshot(store) == snapshot(other_store)


def test_parsing_in_workers_from_a_thread_gives_the_sequential_results():
    """The API's upload loads in a thread beside the server's: its workers come from a fork server then
    (a fork could copy a lock another thread holds), with the same results."""
    items = [(p.read_bytes(), p.name) for p in sorted(DEVSET.glob("*.txt"))[:6]]
    sequential = parallel.parse_all(items, processes=1)
    seen: dict[str, object] = {}

    def work():
        seen["method"] = parallel.start_method()
        seen["results"] = parallel.parse_all(items, processes=2, min_bytes=0)
    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=300)
    assert seen["method"] == "forkserver"

    def dump(x):
        return json.dumps(dataclasses.asdict(x), ensure_ascii=False, sort_keys=True, default=str)
    assert [dump(x) for x in seen["results"]] == [dump(x) for x in sequential]


def test_a_bulk_load_pauses_the_garbage_collector_and_turns_it_back_on(store):
    """Paused while the batch is parsed and written (a result reported as loaded was written then); back on afterwards, also when a document failed and
    when loads overlapped in threads."""
    assert gc.isenabled()
    files = [(p.read_bytes(), p.name) for p in sorted(DEVSET.glob("*.txt"))[:3]] + [(b"\xff\xfe\x00", "broken.txt")]
    loader = Loader(store)
    during: list[bool] = []
    threads = [threading.Thread(target=loader.load_many, args=(files,),
                                kwargs={"on_progress": lambda r: r.status == "loaded" and during.append(gc.isenabled())}) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert during and not any(during)
    assert gc.isenabled()
    assert [r.status for r in loader.load_many(files)] == ["unchanged"] * 3 + ["failed"]
    assert gc.isenabled()


class Killed(BaseException):
    """The loader process dying at that moment: nothing after it runs."""


@pytest.mark.parametrize("finished", [0, 1])
def test_a_load_killed_before_all_roll_ups_are_in_is_finished_by_the_next(tmp_path, store, other_store, monkeypatch,
                                                                          finished):
    """The documents are written while their roll-ups are linked, and the roll-ups after them. Killed when
    `finished` roll-up writes are in: the documents whose roll-ups are missing are not taken as loaded by the
    next load, which writes their roll-ups (not the documents again: a rewrite would copy the whole graph);
    the graph is then that of an undisturbed load, roll-ups included."""
    from bench.generate import generate
    from loaders import batch

    corpus = tmp_path / "corpus"
    files = generate(corpus, 1.0, seed=3)
    monkeypatch.setattr(batch, "MAX_ROWS", 40)  # several writes of documents and of roll-ups
    write_rollups = Loader._write_rollups

    def killed(self, plan):
        batches = plan.rollup_batches()
        assert len(batches) > finished + 1
        plan.rollup_batches = lambda: batches[:finished]
        write_rollups(self, plan)
        raise Killed
    monkeypatch.setattr(Loader, "_write_rollups", killed)
    reported = []
    with pytest.raises(Killed):
        load_paths(store=store, paths=[corpus], on_progress=reported.append)
    monkeypatch.setattr(Loader, "_write_rollups", write_rollups)
    assert not [r for r in reported if r.status == "loaded"]
    store.write([("MATCH (d:Document) SET d.probe = d.source", {})])  # a node written anew would not have it
    nodes = "MATCH (d:Document) RETURN d.source AS source, d.loader ENDS WITH '~pending' AS pending, d.probe AS node"
    docs = store.read(nodes)
    assert len(docs) == len(files)
    unfinished = {d["source"] for d in docs if d["pending"]}
    assert unfinished and (len(unfinished) < len(files)) == (finished > 0)

    again = {r.source: r.status for r in load_paths(store=store, paths=[corpus])}
    assert {s for s, status in again.items() if status != "unchanged"} == unfinished
    assert {d["source"]: (False, d["node"]) for d in docs} == {d["source"]: (d["pending"], d["node"])
                                                                for d in store.read(nodes)}
    assert set(again.values()) <= {"loaded", "duplicate", "unchanged"}
    assert all(r.status in ("loaded", "duplicate") for r in load_paths(store=other_store, paths=[corpus]))
    assert store.counts()["ROLLS_UP_TO"] > 50
    assert snapshot(store) == snapshot(other_store)


def test_a_settled_edge_that_changed_its_method_is_kept_with_the_new_one(store):
    """Settling drops the roll-ups children no longer have and merges their new ones in one write: an edge
    in both (the same child and parent, another method) ends up once, with the new method."""
    from graph.model import RollUp
    from loaders import batch

    store.write([("UNWIND ['c', 'p', 'q'] AS i CREATE (:Task {id: i})", {}),
                 ("MATCH (c:Task {id: 'c'}), (p:Task {id: 'p'}) CREATE (c)-[:ROLLS_UP_TO {method: 'old', confidence: 0.5}]->(p)", {}),
                 ("MATCH (c:Task {id: 'c'}), (q:Task {id: 'q'}) CREATE (c)-[:ROLLS_UP_TO {method: 'old', confidence: 0.5}]->(q)", {})])
    plan = batch.Plan()
    plan.settle_drops = [("c", "p", "task", "old", 0.5), ("c", "q", "task", "old", 0.5)]
    plan.settle_merges = [RollUp("c", "p", "task", "new", 0.9)]
    store.write(plan.settle_statements(), edges_only=True)
    rows = store.read("MATCH (c:Task)-[x:ROLLS_UP_TO]->(p:Task) RETURN c.id AS c, p.id AS p, x.method AS m, x.confidence AS k")
    assert rows == [{"c": "c", "p": "p", "m": "new", "k": 0.9}]
