"""The cross-process write lock on a redis server, naming its holder.

The lock is a key holding {"pid", "host", "boot", "started", "token"}. A holder on this machine (same host
name and boot id) that is no longer running — pid gone, or reused by a process started at another time —
loses the lock at once; a live holder is waited for, and the waiter is told who it is waiting for
("等待写锁（进程 N 正在写入）"). The key also expires after `ttl_s` (extended while held), for holders
on other machines.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

from graph.store import StoreError

# Delete / extend the key only if it still holds our token (or the dead holder's record we read).
_DELETE_IF = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_EXTEND_IF = ("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
              "end return 0")
POLL_S = 0.05


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_started(pid: int) -> str | None:
    """The start time of a process (clock ticks since boot), None if there is no such live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] == "Z" else fields[19]


def _print_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class WriteLock:
    def __init__(self, conn: redis.Redis, key: str, *, ttl_s: float = 300.0, wait_s: float = 300.0,
                 notify: Callable[[str], None] | None = None):
        self._conn, self.key = conn, key
        self.ttl_ms, self.wait_s = int(ttl_s * 1000), wait_s
        self._notify = notify or _print_to_stderr
        self._value: str | None = None

    def identity(self) -> dict[str, Any]:
        pid = os.getpid()
        return {"pid": pid, "host": socket.gethostname(), "boot": _boot_id(), "started": process_started(pid),
                "token": uuid.uuid4().hex}

    def new_value(self) -> str:
        return json.dumps(self.identity())

    def acquire(self, value: str | None = None) -> None:
        """Wait for the lock. Pass the same `value` when trying again after a lost answer: a SET that
        took effect is then recognised as ours."""
        value = value or self.new_value()
        deadline = time.monotonic() + self.wait_s
        told: int | None = None
        while True:
            if self._conn.set(self.key, value, nx=True, px=self.ttl_ms):
                self._value = value
                return
            raw = self._conn.get(self.key)
            if raw is None:
                continue  # released meanwhile
            if raw == value:
                self._value = value
                return
            holder = _parse(raw)
            if self._dead(holder):
                self._conn.eval(_DELETE_IF, 1, self.key, raw)
                continue
            pid = holder.get("pid", "?")
            if told != pid:
                self._notify(f"等待写锁（进程 {pid} 正在写入）")
                told = pid
            if time.monotonic() > deadline:
                raise StoreError(f"等待写锁超时（{self.wait_s:.0f} 秒）：进程 {pid} 仍在写入图谱")
            time.sleep(POLL_S)

    def extend(self) -> bool:
        """Renew the TTL; False if the lock is no longer ours (the server was restarted, or it expired)."""
        return self._value is not None and bool(self._conn.eval(_EXTEND_IF, 1, self.key, self._value, self.ttl_ms))

    def release(self) -> None:
        value, self._value = self._value, None
        if value is None:
            return
        try:
            self._conn.eval(_DELETE_IF, 1, self.key, value)
        except redis.RedisError:
            pass  # the server is gone: a new one starts without the lock

    @staticmethod
    def _dead(holder: dict[str, Any]) -> bool:
        """Only a holder on this machine can be checked; one on another machine waits for the TTL."""
        if not holder or holder.get("host") != socket.gethostname() or holder.get("boot") != _boot_id():
            return False  # an unreadable record (an old version's lock) waits for its TTL too
        pid = holder.get("pid")
        return not isinstance(pid, int) or process_started(pid) != holder.get("started")


def _parse(raw: Any) -> dict[str, Any]:
    try:
        record = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}
