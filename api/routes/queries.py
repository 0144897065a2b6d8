"""The query catalogue over HTTP: list, run by POST, or GET `/queries/{name}.json?k=v` (datasette style)."""

from typing import Any

from fastapi import APIRouter, Request
from starlette.convertors import StringConvertor, register_url_convertor

from api.deps import ServicesDep
from api.models import QueryCall, QueryInfo, QueryResult

router = APIRouter(prefix="/queries", tags=["queries"])


class QueryName(StringConvertor):
    """A query name has no dot, so `/queries/x.json` is the GET route's alone (405 lists GET only)."""

    regex = "[^/.]+"


register_url_convertor("query_name", QueryName())


def _result(rows: list[dict[str, Any]]) -> dict:
    columns: list[str] = []
    for row in rows[:1]:
        columns = list(row)
    return {"columns": columns, "rows": rows}


@router.get("", response_model=list[QueryInfo], summary="查询目录")
def list_queries(s: ServicesDep) -> list[dict]:
    return [q.as_dict() for q in s.catalogue.queries()]


@router.get("/{name}.json", response_model=QueryResult, summary="运行命名查询（参数放在查询字符串里）")
def run_get(name: str, request: Request, s: ServicesDep) -> dict:
    params = s.names.resolve_params(s.catalogue.get(name), dict(request.query_params))
    return _result(s.run(name, params))


@router.get("/{name:query_name}", response_model=QueryInfo, summary="一个查询的说明与参数")
def describe(name: str, s: ServicesDep) -> dict:
    return s.catalogue.get(name).as_dict()


@router.post("/{name:query_name}", response_model=QueryResult, summary="运行命名查询（参数经校验）")
def run_post(name: str, call: QueryCall, s: ServicesDep) -> dict:
    return _result(s.run(name, s.names.resolve_params(s.catalogue.get(name), call.params)))
