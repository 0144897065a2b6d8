"""After a load the embedded store rewrites its append-only file as a snapshot, so that the next server start
reads the snapshot instead of replaying the load's queries (which it does before its indexes are usable)."""

from __future__ import annotations

from pathlib import Path

from graph import falkordb_store
from graph.embedded import EmbeddedServer
from graph.falkordb_store import FalkorDBStore

ROWS = [{"id": f"t-{n}", "text": f"第{n}项：推进“一网通办”改革" * 40} for n in range(2_000)]


def logged_since_snapshot(store: FalkorDBStore) -> int:
    info = store._conn.info("persistence")
    return info["aof_current_size"] - info["aof_base_size"]


def test_a_compacted_folder_restarts_from_its_snapshot_with_everything(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "data").start()
    try:
        store = FalkorDBStore.embedded(server.data_dir, graph="dutygraph", server=server)
        store.ensure_schema()
        store.write([("UNWIND $rows AS r CREATE (t:Task {id: r.id}) SET t.text = r.text", {"rows": ROWS})])
        assert logged_since_snapshot(store) > falkordb_store.COMPACT_MIN
        store.compact()
        assert logged_since_snapshot(store) < 1024
        before = store.counts()
        store.close()
    finally:
        server.stop()

    restarted = EmbeddedServer(tmp_path / "data").start()
    try:
        again = FalkorDBStore.embedded(restarted.data_dir, graph="dutygraph", server=restarted)
        assert again.counts() == before and before["Task"] == len(ROWS)
        assert again.read("MATCH (t:Task {id: 't-7'}) RETURN t.text AS text") == [{"text": ROWS[7]["text"]}]
        again.close()
    finally:
        restarted.stop()


def test_a_small_load_leaves_the_log_as_it_is(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "data").start()
    try:
        store = FalkorDBStore.embedded(server.data_dir, graph="dutygraph", server=server)
        store.ensure_schema()
        store.write([("UNWIND $rows AS r CREATE (t:Task {id: r.id})", {"rows": ROWS[:10]})])
        base = store._conn.info("persistence")["aof_base_size"]
        store.compact()
        assert store._conn.info("persistence")["aof_base_size"] == base  # not rewritten
        store.close()
    finally:
        server.stop()
