"""The embedded FalkorDB server: persistence across SIGKILL, sharing between processes, clean stop,
start errors, and FALKORDB_URL to an external server. Each test that kills or stops a server
starts its own in a tmp folder; the session server (tests/conftest.py) is only shared, never stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.connect import open_store
from graph.embedded import EmbeddedServer
from graph.falkordb_store import FalkorDBStore
from graph.settings import REPO_ROOT, Settings
from graph.store import QueryError, ServerStartError

TASKS = [{"id": f"t-{i}", "text": f"第{i}项任务：推进“一网通办”"} for i in range(1, 31)]
AGENCY = {"id": "ag-zwfw", "name": "市政务服务局"}
WRITE_SAMPLE = [
    ("UNWIND $rows AS r MERGE (t:Task {id: r.id}) SET t.text = r.text", {"rows": TASKS}),
    ("MERGE (a:Agency {id: $a.id}) SET a.name = $a.name", {"a": AGENCY}),
    ("UNWIND $rows AS r MATCH (a:Agency {id: $agency}), (t:Task {id: r.id}) MERGE (a)-[:LEADS]->(t)",
     {"rows": TASKS[:10], "agency": AGENCY["id"]}),
]


def servers_on(socket: Path) -> list[int]:
    """Pids of live redis-server processes serving this folder (their working directory is the folder)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                exe = os.readlink(proc / "exe")
                cwd = os.readlink(proc / "cwd")
                state = (proc / "stat").read_text().split(") ", 1)[1][0]
            except (OSError, IndexError):
                continue
            if exe.endswith("redis-server") and Path(cwd) == socket.parent and state != "Z":
                pids.append(int(proc.name))
    return pids


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    server = EmbeddedServer(tmp_path / "data").start()
    yield server
    server.stop()


def test_graph_survives_sigkill_of_server(own_server: EmbeddedServer) -> None:
    store = FalkorDBStore.embedded(own_server.data_dir, graph="dutygraph", server=own_server)
    store.ensure_schema()
    store.write(WRITE_SAMPLE)
    before = store.counts()
    assert (before["Task"], before["Agency"], before["LEADS"]) == (30, 1, 10)
    store.close()

    killed = own_server.pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    own_server._wait_exit(10)
    assert not own_server.running()

    restarted = EmbeddedServer(own_server.data_dir).start()
    try:
        assert restarted.owner and restarted.pid != killed
        again = FalkorDBStore.embedded(restarted.data_dir, graph="dutygraph", server=restarted)
        assert again.counts() == before
        with pytest.raises(QueryError, match="unique"):  # constraints came back with the data
            again.write([("CREATE (:Task {id: 't-1'})", {})])
        again.close()
    finally:
        restarted.stop()


def test_second_process_reuses_the_running_server(falkordb_server: EmbeddedServer, graph_name: str) -> None:
    pid_file_before = falkordb_server.pid_path.read_text()
    script = textwrap.dedent("""
        import json, os
        from graph.connect import open_store
        store = open_store()
        store.write([("MERGE (a:Agency {id: 'ag-child'}) SET a.name = '武昌区发改局', a.pid = $pid",
                      {"pid": os.getpid()})])
        print(json.dumps({"server_pid": store.server.pid, "owner": store.server.owner}))
        store.close()
    """)
    env = {**os.environ, "DUTYGRAPH_DATA": str(falkordb_server.data_dir), "DUTYGRAPH_GRAPH": graph_name}
    env.pop("FALKORDB_URL", None)
    env.pop("NEO4J_URI", None)
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    child = json.loads(done.stdout.strip().splitlines()[-1])
    assert child == {"server_pid": falkordb_server.pid, "owner": False}

    assert falkordb_server.running()  # the child's close() did not stop it
    assert falkordb_server.pid_path.read_text() == pid_file_before
    assert servers_on(falkordb_server.socket_path) == [falkordb_server.pid]
    store = FalkorDBStore.embedded(falkordb_server.data_dir, graph=graph_name, server=falkordb_server)
    try:
        rows = store.read("MATCH (a:Agency {id: 'ag-child'}) RETURN a.name AS name, a.pid AS pid")
        assert rows[0]["name"] == "武昌区发改局" and rows[0]["pid"] != os.getpid()
    finally:
        store.delete_graph()
        store.close()


def test_owner_close_stops_server_and_non_owner_close_does_not(tmp_path: Path) -> None:
    settings = Settings(dutygraph_data=tmp_path / "data", falkordb_url=None, neo4j_uri=None)
    owner = open_store(settings)
    guest = open_store(settings)
    assert owner.server.owner and not guest.server.owner  # type: ignore[attr-defined]
    pid = owner.server.pid  # type: ignore[attr-defined]
    guest.close()
    assert owner.server.running() and servers_on(owner.server.socket_path) == [pid]  # type: ignore[attr-defined]
    owner.close()
    assert servers_on(settings.dutygraph_data / "falkordb.sock") == []
    assert not (settings.dutygraph_data / "falkordb.pid").exists()
    assert not (settings.dutygraph_data / "falkordb.sock").exists()


def test_the_last_user_stops_the_server_whoever_started_it(tmp_path: Path) -> None:
    settings = Settings(dutygraph_data=tmp_path / "data", falkordb_url=None, neo4j_uri=None)
    owner = open_store(settings)
    guest = open_store(settings)
    pid = owner.server.pid  # type: ignore[attr-defined]
    owner.close()  # the guest still uses it
    assert servers_on(settings.dutygraph_data / "falkordb.sock") == [pid]
    guest.write(WRITE_SAMPLE)
    assert guest.server.pid == pid  # type: ignore[attr-defined]
    guest.close()
    assert servers_on(settings.dutygraph_data / "falkordb.sock") == []


def test_a_guest_keeps_the_server_when_its_owner_process_exits(tmp_path: Path) -> None:
    """A loader in one process used to lose the server in mid-write when the process that had started it
    (an API worker, another command) exited: the owner stopped it at exit whoever still used it."""
    data = tmp_path / "data"
    with subprocess.Popen([sys.executable, "-c", OWNER_SCRIPT, str(data), "exit-on-input"], cwd=REPO_ROOT,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as owner:
        try:
            assert owner.stdout is not None and owner.stdin is not None
            pid = int(owner.stdout.readline())
            guest = FalkorDBStore.embedded(data, graph="dutygraph")
            assert guest.server is not None and guest.server.pid == pid and not guest.server.owner
            guest.write(WRITE_SAMPLE[:1])
            owner.stdin.write("exit\n")
            owner.stdin.flush()
            assert owner.wait(timeout=30) == 0
        finally:
            owner.kill()
    try:
        assert servers_on(data / "falkordb.sock") == [pid]
        guest.write(WRITE_SAMPLE[1:])
        assert guest.counts()["LEADS"] == 10 and guest.server.pid == pid  # the same server, never restarted
    finally:
        guest.close()
    assert servers_on(data / "falkordb.sock") == []  # the guest was the last user


def test_a_user_killed_without_a_word_does_not_keep_the_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = EmbeddedServer(data).start()
    script = "import os, signal, sys; from graph.embedded import EmbeddedServer; " \
             "EmbeddedServer(sys.argv[1]).start(); os.kill(os.getpid(), signal.SIGKILL)"
    done = subprocess.run([sys.executable, "-c", script, str(data)], cwd=REPO_ROOT, timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL
    assert len(list((data / "falkordb.users").iterdir())) == 2  # the killed one never unregistered
    server.release()
    assert servers_on(data / "falkordb.sock") == []
    assert list((data / "falkordb.users").iterdir()) == []


def test_stale_socket_and_pid_file_are_replaced(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "falkordb.sock").write_text("left by a dead server")
    dead = subprocess.Popen(["true"])
    dead.wait()
    (data / "falkordb.pid").write_text(json.dumps({"pid": dead.pid, "owner": dead.pid}))
    server = EmbeddedServer(data).start()
    try:
        assert server.owner and server.running()
        assert json.loads((data / "falkordb.pid").read_text())["pid"] == server.pid
    finally:
        server.stop()


def test_start_error_shows_log_tail(tmp_path: Path) -> None:
    missing = tmp_path / "no-such" / "falkordb.so"
    with pytest.raises(ServerStartError) as info:
        EmbeddedServer(tmp_path / "data", module=str(missing), start_timeout=10).start()
    message = str(info.value)
    assert "服务器进程已退出" in message
    assert f"Module {missing} failed to load" in message  # written by redis-server, read back from its log
    assert servers_on(tmp_path / "data" / "falkordb.sock") == []


@pytest.mark.parametrize("make_path, reason", [
    (lambda tmp: tmp / "a-file", "数据目录路径已被一个文件占用"),
    (lambda tmp: tmp / "a-file" / "below", "无法创建数据目录"),
    (lambda tmp: tmp / ("x" * 120), "套接字路径超过"),
])
def test_start_error_says_why(tmp_path: Path, make_path, reason: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(ServerStartError, match=reason):
        EmbeddedServer(make_path(tmp_path)).start()


def test_external_falkordb_via_url(falkordb_server: EmbeddedServer, own_server: EmbeddedServer,
                                   graph_name: str) -> None:
    settings = Settings(falkordb_url=f"unix://{own_server.socket_path}", dutygraph_graph=graph_name,
                        dutygraph_data=falkordb_server.data_dir, neo4j_uri=None)
    store = open_store(settings)
    try:
        assert store.backend == "falkordb"
        store.ensure_schema()
        store.write(WRITE_SAMPLE)
        assert store.counts()["LEADS"] == 10
        assert own_server.client().exists(graph_name) == 1
        assert falkordb_server.client().exists(graph_name) == 0
    finally:
        store.close()
    assert own_server.running()  # an external server is never stopped by the store


def test_unreachable_external_url_is_a_store_error(tmp_path: Path) -> None:
    from graph.store import StoreError

    with pytest.raises(StoreError, match="无法连接 FalkorDB"):
        open_store(Settings(falkordb_url=f"unix://{tmp_path}/none.sock", neo4j_uri=None))


def test_failed_batch_leaves_no_transaction_graph(falkordb_server: EmbeddedServer, graph_name: str) -> None:
    store = FalkorDBStore.embedded(falkordb_server.data_dir, graph=graph_name, server=falkordb_server)
    try:
        store.ensure_schema()
        with pytest.raises(QueryError):
            store.write([WRITE_SAMPLE[0], ("RETURN 1/0", {})])
        graphs = [g.decode() for g in falkordb_server.client().execute_command("GRAPH.LIST")]
        assert graph_name in graphs and f"{graph_name}__tx" not in graphs
    finally:
        store.delete_graph()
        store.close()


def _copies(server: EmbeddedServer) -> int:
    stats = server.client().info("commandstats")
    return int(stats.get("cmdstat_graph.COPY", {}).get("calls", 0))


def test_edge_only_deletes_run_without_a_copy_of_the_graph(falkordb_server: EmbeddedServer, graph_name: str) -> None:
    """A batch that deletes goes to a copy of the graph, unless it only deletes and merges edges between
    nodes that exist (the settled roll-ups, holdings): then it is one query, all of it applied."""
    store = FalkorDBStore.embedded(falkordb_server.data_dir, graph=graph_name, server=falkordb_server)
    try:
        store.ensure_schema()
        store.write([("UNWIND range(1, 4) AS i CREATE (:Task {id: 't' + toString(i)})", {}),
                     ("MATCH (a:Task {id: 't1'}), (b:Task {id: 't2'}) CREATE (a)-[:ROLLS_UP_TO {method: 'x'}]->(b)", {})])
        edges = [("MATCH (:Task {id: 't1'})-[x:ROLLS_UP_TO]->(:Task {id: 't2'}) DELETE x", {}),
                 ("MATCH (a:Task {id: 't3'}), (b:Task {id: 't4'}) MERGE (a)-[x:ROLLS_UP_TO]->(b) SET x.method = 'y'", {})]
        before = _copies(falkordb_server)
        store.write(edges, edges_only=True)
        assert _copies(falkordb_server) == before
        rows = store.read("MATCH (a)-[x:ROLLS_UP_TO]->(b) RETURN a.id AS a, b.id AS b, x.method AS m")
        assert rows == [{"a": "t3", "b": "t4", "m": "y"}]
        store.write([("MATCH (:Task {id: 't3'})-[x:ROLLS_UP_TO]->() DELETE x", {}), ("CREATE (:Task {id: 't5'})", {})])
        assert _copies(falkordb_server) == before + 1  # any other batch that deletes still goes to a copy
        assert store.read("MATCH ()-[x:ROLLS_UP_TO]->() RETURN count(x) AS n") == [{"n": 0}]
    finally:
        store.delete_graph()
        store.close()


def test_writers_in_two_processes_do_not_lose_updates(falkordb_server: EmbeddedServer, graph_name: str) -> None:
    """Each process appends its ids in multi-statement batches (chained, and copy-and-swap: two
    concurrent GRAPH.COPY would hang the server); none may be lost."""
    script = textwrap.dedent("""
        import sys
        from graph.connect import open_store
        store = open_store()
        tag = sys.argv[1]
        for i in range(8):
            tail = [("MATCH (t:Task) RETURN count(t) AS n", {})] if i % 2 else []  # odd: copy-and-swap
            store.write([("CREATE (:Task {id: $id})", {"id": f"{tag}-{i}-a"}),
                         ("CREATE (:Task {id: $id})", {"id": f"{tag}-{i}-b"}), *tail])
        store.close()
    """)
    env = {**os.environ, "DUTYGRAPH_DATA": str(falkordb_server.data_dir), "DUTYGRAPH_GRAPH": graph_name}
    env.pop("FALKORDB_URL", None)
    env.pop("NEO4J_URI", None)
    procs = [subprocess.Popen([sys.executable, "-c", script, tag], env=env, cwd=REPO_ROOT,
                              stderr=subprocess.PIPE, text=True) for tag in ("p", "q")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    store = FalkorDBStore.embedded(falkordb_server.data_dir, graph=graph_name, server=falkordb_server)
    try:
        assert store.counts()["Task"] == 2 * 8 * 2
    finally:
        store.delete_graph()
        store.close()


def test_hung_server_is_replaced(own_server: EmbeddedServer) -> None:
    """A server that no longer answers (here: stopped with SIGSTOP) is killed and replaced."""
    hung = own_server.pid
    assert hung is not None
    os.kill(hung, signal.SIGSTOP)
    try:
        fresh = EmbeddedServer(own_server.data_dir).start()
    finally:
        try:
            os.kill(hung, signal.SIGCONT)
        except ProcessLookupError:
            pass
    try:
        assert fresh.owner and fresh.pid != hung and fresh.running()
        assert servers_on(fresh.socket_path) == [fresh.pid]
    finally:
        fresh.stop()


OWNER_SCRIPT = textwrap.dedent("""
    import os, signal, sys, time
    from graph.embedded import EmbeddedServer
    server = EmbeddedServer(sys.argv[1]).start()
    print(server.pid, flush=True)
    if sys.argv[2] == "sigkill-self":
        os.kill(os.getpid(), signal.SIGKILL)
    if sys.argv[2] == "exit-on-input":
        sys.stdin.readline()
        sys.exit(0)
    time.sleep(60)
""")


def test_orphaned_server_is_adopted_by_the_next_process(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = subprocess.run([sys.executable, "-c", OWNER_SCRIPT, str(data), "sigkill-self"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL
    orphan = int(done.stdout.split()[0])
    assert servers_on(data / "falkordb.sock") == [orphan]
    server = EmbeddedServer(data).start()
    assert server.owner and server.pid == orphan
    server.stop()
    assert servers_on(data / "falkordb.sock") == []


def test_sigterm_to_owner_stops_its_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with subprocess.Popen([sys.executable, "-c", OWNER_SCRIPT, str(data), "wait"], cwd=REPO_ROOT,
                          stdout=subprocess.PIPE, text=True) as owner:
        try:
            assert owner.stdout is not None
            pid = int(owner.stdout.readline())
            assert servers_on(data / "falkordb.sock") == [pid]
            owner.terminate()
            assert owner.wait(timeout=30) == -signal.SIGTERM
        finally:
            owner.kill()
    assert servers_on(data / "falkordb.sock") == []


def test_guest_revives_the_server_after_its_owner_stopped_it(tmp_path: Path) -> None:
    """When the owner stops the server by force while another store uses it, that store's next read
    starts a new server from what is on disk and carries on."""
    data = tmp_path / "data"
    owner = EmbeddedServer(data).start()
    guest_store = FalkorDBStore.embedded(data, graph="dutygraph", server=EmbeddedServer(data).start())
    try:
        guest_store.write(WRITE_SAMPLE)
        old_pid = owner.pid
        owner.stop()
        assert servers_on(data / "falkordb.sock") == []
        assert guest_store.counts()["LEADS"] == 10
        assert guest_store.server is not None and guest_store.server.owner
        assert servers_on(data / "falkordb.sock") == [guest_store.server.pid] != [old_pid]
        guest_store.write([("MERGE (:District {id: 'd-wc', name: '武昌区'})", {})])
        assert guest_store.counts()["District"] == 1
    finally:
        guest_store.close()
        if guest_store.server is not None:
            guest_store.server.stop()
    assert servers_on(data / "falkordb.sock") == []
