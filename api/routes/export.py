"""The whole graph as JSON Lines (graph.export's format)."""

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import ServicesDep

router = APIRouter(tags=["export"])


@router.get(
    "/export.jsonl",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}, "description": "每行一个 JSON 对象"}},
    summary="导出全部数据（JSON Lines）",
)
def export(s: ServicesDep) -> StreamingResponse:
    from graph.export import export_jsonl

    lines = list(export_jsonl(s.store))  # read fully first: errors surface as JSON, not a cut stream

    def body() -> Iterator[bytes]:
        for line in lines:
            yield (line + "\n").encode("utf-8")

    return StreamingResponse(body(), media_type="application/x-ndjson; charset=utf-8")
