"""Documents: list what is loaded with its load quality; upload one file or several, or remove one (writes
need DUTYGRAPH_API_KEY).

The key is checked before a byte of the body is read: the upload handler parses the form itself,
after the check (a `File()` parameter would make FastAPI read the whole body first). The body's size
is bounded before that by the guard (api/guard.py, 413 from Content-Length or while streaming).

Several files (the field `file` repeated) are one bulk load (`loaders.pipeline.load_files`): parsed in
parallel, linked once, written in large batches, each file still all-or-nothing. The limits (files per
request, bytes per file, bytes in all) are checked as the body streams in (`UploadParser`): one passed
refuses the whole request (413) before anything is loaded. A fault in one file's content (empty, a name
used earlier in the request, undecodable, a line too long, not a task document) fails that file only,
and the answer has one item per file in the order sent. One file keeps the one-file answer (`LoadOut`;
a failure is 422).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Request, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser, parse_options_header

from api.deps import PagingDep, Services, ServicesDep
from api.errors import BadRequest, Forbidden, NotFound, TooLarge
from api.models import DocumentItem, ErrorOut, LoadBatchOut, LoadOut, Page
from graph.removal import remove_document
from graph.settings import Settings
from graph.store import LoadError

if TYPE_CHECKING:
    from loaders.pipeline import LoadResult

router = APIRouter(prefix="/documents", tags=["documents"])
API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="服务端 DUTYGRAPH_API_KEY 的值")
MB = 1024 * 1024
FORMATS = ".txt .csv .docx .doc .wps .pdf .html .xlsx .xls"
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"},
                            "description": f"任务分解文件（{FORMATS}）。可一次上传多份（字段 file 重复）：一并载入，"
                                           "逐份返回结果；份数、单个文件与合计大小有上限（DUTYGRAPH_MAX_UPLOAD_FILES 默认 200 份，"
                                           "DUTYGRAPH_MAX_FILE_MB 默认 20 MB，DUTYGRAPH_MAX_UPLOAD_MB 默认 100 MB），"
                                           "同一次上传中文件名不可重复"},
                   "jurisdiction": {"type": "string", "maxLength": 30, "pattern": "^[^\\u0000]*$",
                                    "description": "发文地区（如 立山区），文件中看不出时指定（对本次上传的每份文件）"},
                   "replaces": {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9_-]*$",
                                "description": "被替换文件的 id：新文件载入的同一次写入中删除旧文件（只能与一份文件同用）"}},
}}}}}
KEY_REFUSED = {403: {"model": ErrorOut, "description": "API 密钥缺失或不正确，或服务端未开启写入"}}
UPLOAD_ANSWERS = {
    **KEY_REFUSED,
    201: {"description": "一份文件：`LoadOut`（status 为 loaded / duplicate / unchanged / unknown）。多份文件："
                         "`LoadBatchOut`，items 按上传顺序逐份给出结果（含 failed 及其原因），个别文件失败不影响其余文件"},
    413: {"model": ErrorOut, "description": "文件份数、单个文件大小或合计大小超过上限（整个请求未载入任何文件）"},
    422: {"model": ErrorOut, "description": "一份文件时：文件无法载入（原因中写明文件名）"},
}
IN_GRAPH = ("loaded", "duplicate", "unchanged")
STATUSES = (*IN_GRAPH, "failed", "unknown")


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
    response_model=LoadOut | LoadBatchOut,
    status_code=201,
    summary="上传并载入文件，一份或多份（需 X-API-Key）",
    responses=UPLOAD_ANSWERS,
    openapi_extra=UPLOAD_BODY,
)
async def upload(request: Request, s: ServicesDep, x_api_key: Annotated[str | None, Security(API_KEY)] = None
                 ) -> dict:
    require_key(s, x_api_key)
    form = await _form(request, s.settings)
    try:
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
        if not files:
            raise BadRequest("缺少文件字段 file。")
        jurisdiction, replaces = _fields(form)
        if len(files) == 1:
            data = await _read_one(files[0])
            return await run_in_threadpool(_load_one, s, data, _source(files[0]), jurisdiction, replaces)
        if replaces is not None:
            raise BadRequest(f"字段 replaces 只能与一份文件同时使用（本次上传了 {len(files)} 份）：替换是一份换一份。")
        pending = await _read_several(files)
    finally:
        await form.close()
    return await run_in_threadpool(_load_several, s, pending, jurisdiction)


async def _form(request: Request, settings: Settings) -> FormData:
    content_type, _ = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data":
        raise BadRequest("上传格式无效（应为 multipart/form-data，字段 file）。")
    try:
        return await UploadParser(request.headers, request.stream(), settings=settings).parse()
    except MultiPartException as e:  # malformed, or more fields than allowed
        raise BadRequest(f"上传格式无效（应为 multipart/form-data，字段 file）：{e.message}") from None


class UploadParser(MultiPartParser):
    """Starlette's multipart parser, checking the upload limits as the bytes arrive: a request with too many
    files, a file over its limit or too many bytes in all is answered 413 at once, before anything is loaded
    (a body of unknown length is never read to its end)."""

    def __init__(self, headers: Headers, stream: AsyncGenerator[bytes, None], *, settings: Settings):
        super().__init__(headers, stream, max_files=float("inf"), max_fields=10)
        self.settings = settings
        self.files = self.file_bytes = self.total_bytes = 0

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        if self._current_part.file is not None:
            self.files, self.file_bytes = self.files + 1, 0
            if self.files > self.settings.dutygraph_max_upload_files:
                raise TooLarge(f"一次最多上传 {self.settings.dutygraph_max_upload_files} 份文件"
                               "（上限可用 DUTYGRAPH_MAX_UPLOAD_FILES 调整），请分批上传；本次未载入任何文件。")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        file = self._current_part.file
        if file is not None:
            self.file_bytes, self.total_bytes = self.file_bytes + end - start, self.total_bytes + end - start
            if self.file_bytes > self.settings.dutygraph_max_file_mb * MB:
                raise TooLarge(f"{file.filename or '上传的文件'}：文件过大（单个文件上限 {self.settings.dutygraph_max_file_mb:g} MB，"
                               "可用 DUTYGRAPH_MAX_FILE_MB 调整）；本次未载入任何文件。")
            if self.total_bytes > self.settings.dutygraph_max_upload_mb * MB:
                raise TooLarge(f"本次上传的文件合计超过 {self.settings.dutygraph_max_upload_mb:g} MB"
                               "（上限可用 DUTYGRAPH_MAX_UPLOAD_MB 调整），请分批上传；本次未载入任何文件。")
        super().on_part_data(data, start, end)


def _fields(form: FormData) -> tuple[str | None, str | None]:
    jurisdiction, replaces = form.get("jurisdiction") or None, form.get("replaces") or None
    if jurisdiction is not None and (not isinstance(jurisdiction, str) or len(jurisdiction) > 30
                                     or "\x00" in jurisdiction):
        raise BadRequest("字段 jurisdiction 应为不超过 30 字的地区名。")
    if replaces is not None and not (isinstance(replaces, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", replaces)):
        raise BadRequest("字段 replaces 应为已载入文件的 id。")
    return jurisdiction, replaces


def _source(file: UploadFile) -> str:
    return (file.filename or "upload.txt").replace("/", "_").replace("\\", "_")


async def _read_one(file: UploadFile) -> bytes:
    data = await file.read()
    if not data:
        raise BadRequest("文件为空。")
    return data


async def _read_several(files: list[UploadFile]) -> list[tuple[bytes, str] | LoadResult]:
    """Each file's (bytes, name) to load, or why it is refused (its name used earlier, empty)."""
    from loaders.pipeline import LoadResult

    pending: list[tuple[bytes, str] | LoadResult] = []
    first_of: dict[str, int] = {}
    for n, file in enumerate(files, 1):
        source = _source(file)
        first = first_of.setdefault(source, n)
        data = await file.read() if first == n else b""
        if first != n:
            error = f"{source}: 与本次上传的第 {first} 份文件同名；图谱以文件名区分文件，请改名后再上传"
        elif not data:
            error = f"{source}: 文件为空"
        else:
            pending.append((data, source))
            continue
        pending.append(LoadResult(source=source, status="failed", error=error))
    return pending


def _load_one(s: Services, data: bytes, source: str, jurisdiction: str | None, replaces: str | None) -> dict:
    from loaders.pipeline import load_files

    if replaces and not s.store.read("MATCH (d:Document {id: $id}) RETURN d.id AS id", {"id": replaces}):
        raise NotFound(f"要替换的文件不存在：{replaces}")
    (result,) = load_files(store=s.store, files=[(data, source)], resolver=s.resolver, jurisdiction=jurisdiction,
                           replaces=replaces)
    s.invalidate()
    if result.status == "failed":
        raise _load_error(source, result.error or "载入失败")
    return _answer(result)


def _load_error(source: str, error: str) -> LoadError:
    """The loader's error (it names the file, and the line where known) as the LoadError it came from."""
    said = re.fullmatch(rf"{re.escape(source)}(?::(\d+))?: (.*)", error, re.DOTALL)
    return LoadError(source, int(said[1]) if said[1] else None, said[2]) if said else LoadError(source, None, error)


def _load_several(s: Services, pending: list[tuple[bytes, str] | LoadResult], jurisdiction: str | None) -> dict:
    from loaders.pipeline import load_files

    files = [p for p in pending if isinstance(p, tuple)]
    loaded = iter(load_files(store=s.store, files=files, resolver=s.resolver, jurisdiction=jurisdiction)
                  if files else ())
    s.invalidate()
    results = [next(loaded) if isinstance(p, tuple) else p for p in pending]
    summary = dict.fromkeys(STATUSES, 0)
    for r in results:
        summary[r.status] += 1
    in_graph = sum(summary[k] for k in IN_GRAPH)
    return {"status": "ok" if in_graph == len(results) else "partial" if in_graph else "failed",
            "summary": summary, "items": [{**_answer(r), "error": r.error} for r in results]}


def _answer(result: LoadResult) -> dict:
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
