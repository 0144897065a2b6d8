"""HTTP errors: one root with a status, mapped to `{"error", "detail", "suggestions"}` in one place.

    ApiError (status 400 by default)
    ├── BadRequest 400     ├── NotFound 404 (with "did you mean" suggestions)
    ├── Forbidden 403      ├── TooLarge 413
    ├── Busy 429           └── Unavailable 503

Errors from the rest of Duty Graph (graph.store's tree, the catalogue's) are mapped here too, so
handlers just raise.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.responses import JSONResponse
from graph.catalogue import ParameterError, UnknownQuery
from graph.store import DutyGraphError, LoadError, QueryError, ReadOnlyViolation, StoreError


class ApiError(Exception):
    status = 400
    error = "bad_request"

    def __init__(self, detail: str, *, suggestions: list[str] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.suggestions = suggestions or []


class BadRequest(ApiError):
    pass


class NotFound(ApiError):
    status = 404
    error = "not_found"


class Forbidden(ApiError):
    status = 403
    error = "forbidden"


class TooLarge(ApiError):
    status = 413
    error = "too_large"


class Busy(ApiError):
    status = 429
    error = "busy"


class Unavailable(ApiError):
    status = 503
    error = "unavailable"


log = logging.getLogger("dutygraph.api")
STORE_DOWN = "图数据库暂时不可用，请稍后重试（详情见服务器日志）。"


def _body(status: int, error: str, detail: Any, suggestions: list[str] | None = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail, "suggestions": suggestions or []}, status_code=status,
                        headers=headers)


# Most specific first: ReadOnlyViolation is a QueryError.
STATUS_OF: tuple[tuple[type[DutyGraphError], int, str], ...] = (
    (UnknownQuery, 404, "unknown_query"),
    (ParameterError, 400, "bad_parameter"),
    (ReadOnlyViolation, 403, "read_only"),
    (QueryError, 400, "query_error"),
    (LoadError, 422, "load_error"),
    (StoreError, 503, "store_error"),
)


def from_dutygraph(exc: DutyGraphError) -> tuple[int, str]:
    """Status and error code for an error raised below the API."""
    for kind, status, code in STATUS_OF:
        if isinstance(exc, kind):
            return status, code
    return 500, "internal_error"


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into our JSON shape."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"Retry-After": "1"} if exc.status in (429, 503) else None
        return _body(exc.status, exc.error, exc.detail, exc.suggestions, headers)

    @app.exception_handler(DutyGraphError)
    async def _dutygraph(request: Request, exc: DutyGraphError) -> JSONResponse:
        status, code = from_dutygraph(exc)
        if status >= 500:  # the engine's own words (socket path, raw errors) go to the log, not the client
            log.error("%s %s: %s", request.method, request.url.path, exc)
            return _body(status, code, STORE_DOWN if status == 503 else "服务器内部错误。",
                         headers={"Retry-After": "1"} if status == 503 else None)
        return _body(status, code, str(exc), getattr(exc, "suggestions", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()
        ]
        return _body(422, "invalid_request", "请求参数无效: " + "; ".join(problems))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s", request.method, request.url.path)
        return _body(500, "internal_error", f"服务器内部错误：{type(exc).__name__}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 403: "forbidden"}.get(exc.status_code, "http_error")
        plain = {404: "没有这个地址。", 405: "不支持这种请求方法。"}  # instead of Starlette's English phrases
        detail = plain.get(exc.status_code, exc.detail) if exc.detail == HTTPStatus(exc.status_code).phrase else exc.detail
        headers = exc.headers
        if exc.status_code == 405:  # Starlette names the first matching route's methods only
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(app, request))}
        return _body(exc.status_code, code, detail, headers=headers)


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route fully serves at this request's path."""
    return [method for method in METHODS
            if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in app.router.routes)]
