"""Ad-hoc Cypher, read-only: writes are refused by a text check and again by the engine's read path."""

from __future__ import annotations

import re
import time

from fastapi import APIRouter

from api.deps import ServicesDep
from api.errors import ApiError, BadRequest, Forbidden
from api.models import CypherCall, CypherResult, ErrorOut
from graph.store import QueryError

router = APIRouter(tags=["cypher"])

_STRINGS_AND_COMMENTS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)
_WRITE = re.compile(
    r"(?<![\w.$])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV|ALTER|GRANT|DENY|REVOKE)(?![\w])", re.IGNORECASE
)
_CALL = re.compile(r"(?<![\w.$])CALL\s+([\w.]+)", re.IGNORECASE)
READ_PROCEDURES = {
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.indexes", "db.constraints",
    "db.schema.visualization", "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
}


class Timeout(ApiError):
    status = 408
    error = "timeout"


def write_keyword(query: str) -> str | None:
    """The first write clause or write-capable procedure call in `query`, or None if it only reads."""
    bare = _STRINGS_AND_COMMENTS.sub(" ", query)
    m = _WRITE.search(bare)
    if m:
        return m.group(1).upper()
    for call in _CALL.finditer(bare):
        if call.group(1).lower() not in READ_PROCEDURES:
            return f"CALL {call.group(1)}"
    if re.search(r"(?<![\w.$])CALL\s*\{", bare, re.IGNORECASE):
        return "CALL { … }"
    return None


@router.post(
    "/cypher",
    response_model=CypherResult,
    summary="只读的即席 Cypher 查询（有时间与行数上限）",
    responses={403: {"model": ErrorOut, "description": "含写操作，已拒绝"},
               408: {"model": ErrorOut, "description": "超过时间上限"}},
)
def cypher(call: CypherCall, s: ServicesDep) -> dict:
    keyword = write_keyword(call.query)
    if keyword:
        raise Forbidden(f"只读接口拒绝写操作：{keyword}。写入请使用带 API 密钥的 /documents。")
    started = time.perf_counter()
    try:
        rows = s.store.read(call.query, call.params, timeout_ms=s.settings.dutygraph_query_timeout_ms)
    except (ValueError, TypeError) as e:  # the driver rejecting parameters before they reach the engine
        raise BadRequest(f"参数无效: {e}") from None
    except QueryError as e:
        if "timed out" in str(e).lower() or "timeout" in str(e).lower():
            raise Timeout(f"查询超过时间上限（{s.settings.dutygraph_query_timeout_ms} 毫秒），已中止。") from None
        raise
    elapsed = (time.perf_counter() - started) * 1000
    limit = s.settings.dutygraph_max_rows
    columns = list(rows[0]) if rows else []
    return {"columns": columns, "rows": rows[:limit], "truncated": len(rows) > limit, "elapsed_ms": round(elapsed, 2)}
