"""What /openapi.json adds to FastAPI's own document so that it says what the API really does.

Every operation declares the error answers any request may get (in the `ErrorOut` shape, 422
included, instead of FastAPI's validation-error shape), and text in the query string is declared
free of NUL (the guard refuses it with 400; see api/guard.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.models import ErrorOut

NO_NUL = "^[^\\u0000]*$"

COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "请求无效（参数、查询语句等）"},
    404: {"model": ErrorOut, "description": "找不到（可能附相近名称）"},
    413: {"model": ErrorOut, "description": "请求体过大"},
    422: {"model": ErrorOut, "description": "参数校验失败"},
    503: {"model": ErrorOut, "description": "图数据库暂时不可用"},
}


def _no_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema:
        schema["pattern"] = NO_NUL
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, ()):
            _no_nul(sub)
    if isinstance(schema.get("items"), dict):
        _no_nul(schema["items"])


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()  # FastAPI caches it; the additions below are idempotent
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for param in operation.get("parameters", ()):
                    if param.get("in") == "query":
                        _no_nul(param.get("schema", {}))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
