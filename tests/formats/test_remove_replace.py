"""Removing and replacing documents in the real store: nothing of a removed document is left behind (no
agency only it named, no `duplicate_of` pointing at nothing), and a replacement under a new name takes the
old one's place in one write — a reader never sees both, never neither."""

from __future__ import annotations

import threading

from graph.export import export_records
from graph.removal import remove_document
from loaders.pipeline import load_bytes

AGENCIES = "MATCH (a:Agency) RETURN a.name AS name ORDER BY name"
DISTRICTS = "MATCH (d:District) RETURN d.name AS name ORDER BY name"
SOURCES = "MATCH (d:Document) RETURN d.source AS source, d.duplicate_of AS duplicate_of ORDER BY source"


def names(store, query: str) -> list[str]:
    return [r["name"] for r in store.read(query)]


def tasks(store) -> list[tuple]:
    return sorted((r["number"], r["text"], tuple(r["leads"]), tuple(r["supports"]))
                  for r in export_records(store) if r["kind"] == "task")


def load(store, path, name=None, **kw):
    result = load_bytes(store=store, data=path.read_bytes(), source=name or path.name, **kw)
    assert result.status in ("loaded", "duplicate"), result.error
    return result


def test_removing_a_document_leaves_what_the_others_alone_bring(store, built):
    load(store, built["table.txt"])
    only_table = (names(store, AGENCIES), names(store, DISTRICTS), tasks(store))
    store.clear()
    plan = load(store, built["plan.txt"])
    load(store, built["table.txt"])
    assert len(names(store, AGENCIES)) > len(only_table[0])  # the plan names units the table does not
    assert remove_document(store, plan.doc_id) == built["plan.txt"].name
    assert (names(store, AGENCIES), names(store, DISTRICTS), tasks(store)) == only_table
    assert remove_document(store, plan.doc_id) is None


def test_a_copy_takes_over_what_the_removed_document_held(store, built):
    first = load(store, built["plan.txt"], "方案.txt")
    copy = load(store, built["plan.txt"], "方案(副本).txt")
    assert copy.status == "duplicate"
    held = tasks(store)
    agencies = names(store, AGENCIES)
    remove_document(store, first.doc_id)
    assert store.read(SOURCES) == [{"source": "方案(副本).txt", "duplicate_of": None}]
    assert tasks(store) == held and names(store, AGENCIES) == agencies
    assert {r["source"] for r in export_records(store) if r["kind"] == "task"} == {"方案(副本).txt"}
    remove_document(store, copy.doc_id)
    assert store.counts().get("Agency", 0) == 0 and store.counts().get("Task", 0) == 0


def test_replacing_under_a_new_name_is_one_write(store, built, tmp_path):
    old = load(store, built["plan.txt"])
    broken = tmp_path / "方案_新版.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    failed = load_bytes(store=store, data=broken.read_bytes(), source=broken.name, replaces=old.doc_id)
    assert failed.status == "failed"
    assert [r["source"] for r in store.read(SOURCES)] == [built["plan.txt"].name]  # never neither

    seen: list[tuple[str, ...]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(tuple(r["source"] for r in store.read(SOURCES)))

    reader = threading.Thread(target=watch)
    reader.start()
    current, names_ = old.doc_id, [built["plan.auto.docx"].name, built["plan.txt"].name]
    try:
        for k in range(6):  # back and forth between the .txt and the .docx, each under its own name
            path = built["plan.auto.docx"] if k % 2 == 0 else built["plan.txt"]
            current = load(store, path, replaces=current).doc_id
    finally:
        done.set()
        reader.join(timeout=30)
    assert seen and all(len(s) == 1 and s[0] in names_ for s in seen), sorted(set(seen))
    assert [r["source"] for r in store.read(SOURCES)] == [built["plan.txt"].name]
