"""An ASGI middleware that checks every request before the app sees it and marks every response.

Before: a NUL in the path names nothing (404); a NUL in the query string is refused (400; the engine
cannot take it as a parameter); a body larger than its limit is answered 413 from `Content-Length`
before it is read, or, without that header, as soon as the streamed bytes pass the limit.
After: headers that keep browsers from sniffing types, framing our pages or loading foreign code.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
       "frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"same-origin"),
)


def error_body(status: int, error: str, detail: str) -> tuple[int, bytes]:
    """The API's error shape (see api/errors.py), for answers given before the app runs."""
    body = {"error": error, "detail": detail, "suggestions": []}
    return status, json.dumps(body, ensure_ascii=False).encode()


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


class Guard:
    """`limits` maps a path to its body limit in bytes; every other path gets `default_limit`."""

    def __init__(self, app: ASGIApp, *, default_limit: int, limits: dict[str, int] | None = None):
        self.app = app
        self.default_limit = default_limit
        self.limits = limits or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(send)
        refusal = self._refusal(scope)
        if refusal:
            await _answer(send, *refusal)
            return
        limit = self.limits.get(scope["path"], self.default_limit)
        if _content_length(scope) is None and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            await self._streamed(scope, receive, send, limit)
        else:
            await self.app(scope, receive, send)

    def _refusal(self, scope: Scope) -> tuple[int, bytes] | None:
        if "\x00" in scope["path"]:
            return error_body(404, "not_found", "路径中含有空字符（NUL），没有这样的资源。")
        query = scope.get("query_string", b"")
        if b"\x00" in query or b"%00" in query.lower():
            return error_body(400, "bad_parameter", "查询参数中含有空字符（NUL），请去掉后重试。")
        length = _content_length(scope)
        if length == -1:
            return error_body(400, "bad_request", "请求头 Content-Length 无效。")
        limit = self.limits.get(scope["path"], self.default_limit)
        if length is not None and length > limit:
            return error_body(413, "too_large", f"请求体过大（上限 {_mb(limit)}）。")
        return None

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """A body of unknown length: count it as it arrives; past the limit answer 413 and cut the app off."""
        state = {"seen": 0, "refused": False, "started": False}

        async def counted_receive() -> Message:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > limit:
                    state["refused"] = True
                    if not state["started"]:
                        state["started"] = True
                        await _answer(send, *error_body(413, "too_large", f"请求体过大（上限 {_mb(limit)}）。"))
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not state["refused"]:
                raise


def _content_length(scope: Scope) -> int | None:
    """The declared body length, None when absent, -1 when malformed."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else -1
    return None


def _with_security_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            present = {name.lower() for name, _ in headers}
            headers += [(name, value) for name, value in SECURITY_HEADERS if name not in present]
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


async def _answer(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
