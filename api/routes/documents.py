"""Documents: list what is loaded with its load quality; upload or remove one (needs DUTYGRAPH_API_KEY)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, File, Form, Header, UploadFile

from api.deps import PagingDep, ServicesDep
from api.errors import BadRequest, Forbidden, NotFound
from api.models import DocumentItem, ErrorOut, LoadOut, Page

router = APIRouter(prefix="/documents", tags=["documents"])
MAX_UPLOAD = 20 * 1024 * 1024


@router.get("", response_model=Page[DocumentItem], summary="已载入的文件")
def list_documents(s: ServicesDep, paging: PagingDep) -> dict:
    rows = s.run("list_documents")
    for row in rows:
        row["unresolved_names"] = sorted(row.get("unresolved_names") or [])
    return paging.page(rows)


def require_key(s: ServicesDep, x_api_key: str | None) -> None:
    key = s.settings.dutygraph_api_key
    if not key:
        raise NotFound("写入功能未开启：服务端未设置 DUTYGRAPH_API_KEY。")
    if not x_api_key or not hmac.compare_digest(x_api_key.encode(), key.encode()):
        raise Forbidden("API 密钥缺失或不正确（请求头 X-API-Key）。")


@router.post(
    "",
    response_model=LoadOut,
    status_code=201,
    summary="上传并载入一份文件（需 X-API-Key）",
    responses={403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
def upload(
    s: ServicesDep,
    file: Annotated[UploadFile, File(description="任务分解文件（.txt .csv .docx .doc .wps .pdf .html .xlsx .xls）")],
    x_api_key: Annotated[str | None, Header()] = None,
    jurisdiction: Annotated[
        str | None, Form(max_length=30, description="发文地区（如 立山区），文件中看不出时指定")
    ] = None,
) -> dict:
    require_key(s, x_api_key)
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise BadRequest("文件过大（上限 20 MB）。")
    if not data:
        raise BadRequest("文件为空。")
    from loaders.pipeline import load_bytes

    source = (file.filename or "upload.txt").replace("/", "_").replace("\\", "_")
    result = load_bytes(store=s.store, data=data, source=source, resolver=s.resolver, jurisdiction=jurisdiction)
    s.invalidate()
    if result.status == "failed":
        from graph.store import LoadError

        raise LoadError(source, None, result.error or "载入失败")
    return {"source": result.source, "status": result.status, "detail": {
        "doc_id": result.doc_id, "counts": result.counts, "warnings": result.warnings}}


@router.delete(
    "/{doc_id}",
    response_model=LoadOut,
    summary="删除一份已载入的文件及其任务（需 X-API-Key）",
    responses={403: {"model": ErrorOut}, 404: {"model": ErrorOut}},
)
def remove(s: ServicesDep, doc_id: str, x_api_key: Annotated[str | None, Header()] = None) -> dict:
    from loaders.writer import DELETE_PREVIOUS

    require_key(s, x_api_key)
    rows = s.store.read("MATCH (d:Document {id: $id}) RETURN d.source AS source", {"id": doc_id})
    if not rows:
        raise NotFound(f"没有这份文件：{doc_id}")
    s.store.write([(q, {"id": doc_id, "source": None}) for q in DELETE_PREVIOUS])  # one transaction
    s.invalidate()
    return {"source": rows[0]["source"], "status": "removed", "detail": {"doc_id": doc_id}}
