"""HTTP errors: one root with a status, mapped to `{"error", "detail", "suggestions"}` in one place.

    ApiError (status 400 by default)
    ├── BadRequest 400     ├── NotFound 404 (with "did you mean" suggestions)
    ├── Forbidden 403      └── Unavailable 503

Errors from the rest of Duty Graph (graph.store's tree, the catalogue's) are mapped here too, so
handlers just raise.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

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


class Unavailable(ApiError):
    status = 503
    error = "unavailable"


def _body(status: int, error: str, detail: Any, suggestions: list[str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail, "suggestions": suggestions or []}, status_code=status)


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
        return _body(exc.status, exc.error, exc.detail, exc.suggestions)

    @app.exception_handler(DutyGraphError)
    async def _dutygraph(_: Request, exc: DutyGraphError) -> JSONResponse:
        status, code = from_dutygraph(exc)
        return _body(status, code, str(exc), getattr(exc, "suggestions", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()
        ]
        return _body(422, "invalid_request", "请求参数无效: " + "; ".join(problems))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _body(500, "internal_error", f"服务器内部错误：{type(exc).__name__}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 403: "forbidden"}.get(exc.status_code, "http_error")
        return _body(exc.status_code, code, exc.detail)
