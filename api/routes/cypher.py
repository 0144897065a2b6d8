"""Ad-hoc Cypher, read-only: writes are refused by a text check and again by the engine's read path.

Bounded before it is sent (api/adhoc.py), and at most `dutygraph_cypher_concurrency` at a time per
process, so ad-hoc statements never hold every engine thread and the named queries stay answered.
"""

from __future__ import annotations

import asyncio
import re
import time

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api import adhoc
from api.deps import Services, ServicesDep
from api.errors import ApiError, BadRequest, Busy, Forbidden
from api.models import CypherCall, CypherResult, ErrorOut
from graph.store import QueryError

router = APIRouter(tags=["cypher"])

_STRINGS_AND_COMMENTS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)
_WRITE = re.compile(
    r"(?<![\w.$])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV|ALTER|GRANT|DENY|REVOKE"
    r"|TERMINATE|(?:START|STOP)\s+DATABASE)(?![\w])",  # Neo4j: ends others' transactions, stops databases
    re.IGNORECASE,
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
               408: {"model": ErrorOut, "description": "超过时间上限"},
               429: {"model": ErrorOut, "description": "即席查询正忙，请稍后重试"}},
)
async def cypher(call: CypherCall, s: ServicesDep) -> dict:
    keyword = write_keyword(call.query)
    if keyword:
        raise Forbidden(f"只读接口拒绝写操作：{keyword}。写入请使用带 API 密钥的 /documents。")
    bare = adhoc.check(call.query, max_nesting=s.settings.dutygraph_cypher_max_nesting)
    limit = s.settings.dutygraph_max_rows
    query = adhoc.capped(call.query, bare, call.params, limit + 1)
    gate = s.adhoc_gate
    deadline = time.monotonic() + s.settings.dutygraph_cypher_wait_ms / 1000
    while gate.locked():  # polled: waiting costs no worker thread, and nothing can leak the semaphore
        if time.monotonic() > deadline:
            raise Busy(f"即席查询正忙（同时最多 {s.settings.dutygraph_cypher_concurrency} 个），请稍后重试。")
        await asyncio.sleep(0.02)
    await gate.acquire()  # free, so this returns at once
    try:
        return await run_in_threadpool(_run, s, query, call.params, limit)
    finally:
        gate.release()


def _run(s: Services, query: str, params: dict, limit: int) -> dict:
    started = time.perf_counter()
    try:
        rows = s.store.read(query, params, timeout_ms=s.settings.dutygraph_query_timeout_ms)
    except (ValueError, TypeError) as e:  # the driver rejecting parameters before they reach the engine
        raise BadRequest(f"参数无效: {e}") from None
    except QueryError as e:
        if "timed out" in str(e).lower() or "timeout" in str(e).lower():
            raise Timeout(f"查询超过时间上限（{s.settings.dutygraph_query_timeout_ms} 毫秒），已中止。") from None
        raise
    elapsed = (time.perf_counter() - started) * 1000
    columns = list(rows[0]) if rows else []
    return {"columns": columns, "rows": rows[:limit], "truncated": len(rows) > limit, "elapsed_ms": round(elapsed, 2)}
