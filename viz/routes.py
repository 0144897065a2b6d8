"""The browser UI: static HTML pages and assets that call the JSON API from the same origin.

Pages are plain files (no build step, no templating): each page's script reads what it shows
(an agency name, a task id, …) from its own URL. Nothing is fetched from outside the server.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

from viz.explore_api import router as explore_router

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
PAGES = HERE / "templates"

router = APIRouter(tags=["ui"])
router.include_router(explore_router)

_NO_CACHE = {"Cache-Control": "no-cache"}


def _page(name: str) -> FileResponse:
    return FileResponse(PAGES / name, media_type="text/html; charset=utf-8", headers=_NO_CACHE)


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui", include_in_schema=False)
@router.get("/ui/", include_in_schema=False)
def home() -> FileResponse:
    return _page("home.html")


@router.get("/ui/agency/{name}", include_in_schema=False)
def agency_page(name: str) -> FileResponse:
    return _page("agency.html")


@router.get("/ui/task/{task_id}", include_in_schema=False)
def task_page(task_id: str) -> FileResponse:
    return _page("task.html")


@router.get("/ui/district/{name}", include_in_schema=False)
def district_page(name: str) -> FileResponse:
    return _page("district.html")


@router.get("/ui/rollup/{indicator_id}", include_in_schema=False)
def rollup_page(indicator_id: str) -> FileResponse:
    return _page("rollup.html")


@router.get("/ui/explore", include_in_schema=False)
def explore_page() -> FileResponse:
    return _page("explore.html")


@router.get("/ui/static/{path:path}", include_in_schema=False)
def static_file(path: str) -> FileResponse:
    """Serve a file from viz/static, refusing anything that resolves outside it."""
    target = (STATIC / path).resolve()
    if not target.is_relative_to(STATIC) or not target.is_file():
        raise HTTPException(status_code=404, detail="文件不存在")
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type in {"application/javascript", "text/javascript"}:
        media_type += "; charset=utf-8"
    return FileResponse(target, media_type=media_type, headers=_NO_CACHE)
