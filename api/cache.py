"""Whole answers to GET requests, kept per graph version: a repeated read costs one GET of the version.

The version is the store's write counter (`GraphStore.version()`), which every writer moves on after
its write, whatever process it runs in (a CLI load while the API serves), so the first read after a
write misses and is answered afresh; a reader never keeps an answer older than the graph it reads.
The date is part of the key too (overdue counts use today's date). Requests for an answer that is
being computed wait for it rather than compute it again (32 clients asking at once cost one query). Only complete 200 answers of
moderate size are kept; streamed ones (the JSON Lines export) and every other method pass through.
A store without a version (Neo4j) is never cached.
"""

from __future__ import annotations

import asyncio
import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from api.guard import ASGIApp, Message, Receive, Scope, Send

MAX_ENTRIES = 4096
MAX_BYTES = 128 * 1024 * 1024  # all entries together
MAX_ANSWER = 4 * 1024 * 1024  # one answer


class AnswerCache:
    """An LRU of (status, headers, body) by request key, emptied whenever the version changes."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.version: Any = None
        self._entries: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def seen(self, version: Any) -> bool:
        """Note the current version; True if it differs from the last one (the cache was emptied)."""
        with self._lock:
            if version == self.version:
                return False
            self.version = version
            self._entries.clear()
            self._bytes = 0
            return True

    def get(self, key: tuple) -> tuple[int, list, bytes] | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
            return hit

    def put(self, version: Any, key: tuple, answer: tuple[int, list, bytes]) -> None:
        with self._lock:
            if version != self.version or key in self._entries:
                return  # written meanwhile: this answer may be older than the graph
            self._entries[key] = answer
            self._bytes += len(answer[2])
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, old = self._entries.popitem(last=False)
                self._bytes -= len(old[2])


class ResponseCache:
    """ASGI middleware: answer GETs from an AnswerCache keyed by (version, date, path, query string, Origin)."""

    def __init__(self, app: ASGIApp, version: Callable[[], Any], on_change: Callable[[], None] | None = None):
        self.app, self.version, self.on_change = app, version, on_change
        self.cache = AnswerCache()
        self._pending: dict[tuple, asyncio.Event] = {}  # answers being computed (one event loop per process)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        try:
            version = self.version()
        except Exception:  # noqa: BLE001 - the store is unreachable: the app answers with its own error
            version = None
        if version is None:
            await self.app(scope, receive, send)
            return
        if self.cache.seen(version) and self.on_change is not None:
            self.on_change()  # e.g. the name index, built from the graph
        origin = next((v for k, v in scope.get("headers", ()) if k == b"origin"), None)  # CORS headers vary
        key = (datetime.date.today().toordinal(), scope.get("root_path", ""), scope["path"],
               scope.get("query_string", b""), origin)
        hit = self.cache.get(key)
        if hit is None and key in self._pending:  # the same answer is being computed: wait for it
            await self._pending[key].wait()
            hit = self.cache.get(key)
        if hit is not None:
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        done = self._pending.setdefault(key, asyncio.Event())
        try:
            await self._answer(scope, receive, send, version, key)
        finally:
            if self._pending.get(key) is done:
                del self._pending[key]
            done.set()

    async def _answer(self, scope: Scope, receive: Receive, send: Send, version: Any, key: tuple) -> None:
        start: Message = {}
        parts: list[bytes] = []
        keep = True

        async def recording_send(message: Message) -> None:
            nonlocal keep
            if message["type"] == "http.response.start":
                start.update(message)
                keep = message["status"] == 200
            elif message["type"] == "http.response.body" and keep:
                parts.append(message.get("body", b""))
                if message.get("more_body") or sum(map(len, parts)) > MAX_ANSWER:
                    keep = False  # streamed or large: not kept
                    parts.clear()
                elif parts:
                    self.cache.put(version, key, (start["status"], list(start.get("headers", [])),
                                                  b"".join(parts)))
            await send(message)

        await self.app(scope, receive, recording_send)
