"""Documents: list what is loaded with its load quality; upload or remove one (needs DUTYGRAPH_API_KEY).

The key is checked before a byte of the body is read: the upload handler parses the form itself,
after the check (a `File()` parameter would make FastAPI read the whole body first). The body's size
is bounded before that by the guard (api/guard.py, 413 from Content-Length or while streaming).
"""

from __future__ import annotations

import hmac
import re
from typing import Annotated

from fastapi import APIRouter, Request, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from api.deps import PagingDep, Services, ServicesDep
from api.errors import BadRequest, Forbidden, NotFound, TooLarge
from api.models import DocumentItem, ErrorOut, LoadOut, Page
from graph.removal import remove_document

router = APIRouter(prefix="/documents", tags=["documents"])
API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="服务端 DUTYGRAPH_API_KEY 的值")
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "任务分解文件（.txt .csv .docx .doc .wps .pdf .html .xlsx .xls）"},
                   "jurisdiction": {"type": "string", "maxLength": 30, "pattern": "^[^\\u0000]*$",
                                    "description": "发文地区（如 立山区），文件中看不出时指定"},
                   "replaces": {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9_-]*$",
                                "description": "被替换文件的 id：新文件载入的同一次写入中删除旧文件"}},
}}}}}
KEY_REFUSED = {403: {"model": ErrorOut, "description": "API 密钥缺失或不正确，或服务端未开启写入"}}


@router.get("", response_model=Page[DocumentItem], summary="已载入的文件")
def list_documents(s: ServicesDep, paging: PagingDep) -> dict:
    rows = s.run("list_documents")
    for row in rows:
        row["unresolved_names"] = sorted(row.get("unresolved_names") or [])
    return paging.page(rows)


def require_key(s: Services, x_api_key: str | None) -> None:
    key = s.settings.dutygraph_api_key
    if not key:  # nobody holds a valid key
        raise Forbidden("写入功能未开启：服务端未设置 DUTYGRAPH_API_KEY。")
    if not x_api_key or not hmac.compare_digest(x_api_key.encode(), key.encode()):
        raise Forbidden("API 密钥缺失或不正确（请求头 X-API-Key）。")


@router.post(
    "",
    response_model=LoadOut,
    status_code=201,
    summary="上传并载入一份文件（需 X-API-Key）",
    responses={**KEY_REFUSED, 413: {"model": ErrorOut, "description": "文件过大"}},
    openapi_extra=UPLOAD_BODY,
)
async def upload(request: Request, s: ServicesDep, x_api_key: Annotated[str | None, Security(API_KEY)] = None
                 ) -> dict:
    require_key(s, x_api_key)
    limit = int(s.settings.dutygraph_max_file_mb * 1024 * 1024)
    try:
        form = await request.form(max_files=1, max_fields=10)
    except (HTTPException, MultiPartException) as e:  # malformed, or more parts than allowed
        raise BadRequest(f"上传格式无效（应为 multipart/form-data，字段 file）：{getattr(e, 'detail', e)}") from None
    file, jurisdiction, replaces = form.get("file"), form.get("jurisdiction") or None, form.get("replaces") or None
    if not isinstance(file, UploadFile):
        raise BadRequest("缺少文件字段 file。")
    if jurisdiction is not None and (not isinstance(jurisdiction, str) or len(jurisdiction) > 30
                                     or "\x00" in jurisdiction):
        raise BadRequest("字段 jurisdiction 应为不超过 30 字的地区名。")
    if replaces is not None and not (isinstance(replaces, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", replaces)):
        raise BadRequest("字段 replaces 应为已载入文件的 id。")
    data = await file.read(limit + 1)
    await form.close()
    if len(data) > limit:
        raise TooLarge(f"文件过大（上限 {s.settings.dutygraph_max_file_mb:g} MB）。")
    if not data:
        raise BadRequest("文件为空。")
    return await run_in_threadpool(_load, s, data, file.filename, jurisdiction, replaces)


def _load(s: Services, data: bytes, filename: str | None, jurisdiction: str | None, replaces: str | None) -> dict:
    from loaders.pipeline import load_bytes

    source = (filename or "upload.txt").replace("/", "_").replace("\\", "_")
    if replaces and not s.store.read("MATCH (d:Document {id: $id}) RETURN d.id AS id", {"id": replaces}):
        raise NotFound(f"要替换的文件不存在：{replaces}")
    result = load_bytes(store=s.store, data=data, source=source, resolver=s.resolver, jurisdiction=jurisdiction,
                        replaces=replaces)
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
    responses={**KEY_REFUSED, 404: {"model": ErrorOut, "description": "没有这份文件"}},
)
def remove(s: ServicesDep, doc_id: str, x_api_key: Annotated[str | None, Security(API_KEY)] = None) -> dict:
    """One write: its tasks, agencies no other document names, and copies of it taking its content over."""
    require_key(s, x_api_key)
    source = remove_document(s.store, doc_id)
    if source is None:
        raise NotFound(f"没有这份文件：{doc_id}")
    s.invalidate()
    return {"source": source, "status": "removed", "detail": {"doc_id": doc_id}}
