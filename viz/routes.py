"""The browser UI: one HTML shell per page and the assets, all calling the JSON API on the same origin.

No build step and no templating engine: every page is `templates/page.html` with its title and scripts
filled in; the page's script reads what it shows (an agency name, a task id, …) from its own URL.
Nothing is fetched from outside the server.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from string import Template

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from viz.explore_api import router as explore_router

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
SHELL = Template((HERE / "templates" / "page.html").read_text(encoding="utf-8"))
VIS_CSS = '<link rel="stylesheet" href="/ui/static/vendor/vis-network/vis-network.css">'
VIS_JS = '<script src="/ui/static/vendor/vis-network/vis-network.min.js"></script>'
SHARED_JS = ("common", "search", "ledger")  # on every page, before the page's own script

router = APIRouter(tags=["ui"])
router.include_router(explore_router)


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    script: str  # viz/static/<script>.js
    graph: bool = False  # needs vis-network
    vis_last: bool = False  # vis-network after the page's script, which waits for it (DG.visReady) to draw

    def html(self) -> str:
        scripts = [f'<script src="/ui/static/{name}.js"></script>' for name in (*SHARED_JS, self.script)]
        if self.graph:
            scripts = [*scripts, VIS_JS] if self.vis_last else [VIS_JS, *scripts]
        return SHELL.substitute(title=self.title, head=VIS_CSS if self.graph else "", scripts="\n".join(scripts))


PAGES = [
    Page("/ui/", "首页", "home"),
    # their requests start before the browser parses the 470 KB of vis-network, which the answers wait for
    Page("/ui/agency/{name}", "单位", "agency", graph=True, vis_last=True),
    Page("/ui/task/{task_id}", "任务", "task", graph=True),
    Page("/ui/district/{name}", "区", "district"),
    Page("/ui/rollup/{indicator_id}", "指标汇总", "rollup"),
    Page("/ui/explore", "图谱浏览", "explore", graph=True, vis_last=True),
    Page("/ui/documents", "文件管理", "documents"),
    Page("/ui/workload", "工作量", "workload"),
    Page("/ui/document/{doc_id}", "文件", "document"),
]


def _serve(page: Page) -> Callable[[], HTMLResponse]:
    body = page.html()

    def handler() -> HTMLResponse:
        return HTMLResponse(body, headers={"Cache-Control": "no-cache"})

    return handler


for _page in PAGES:
    router.add_api_route(_page.path, _serve(_page), methods=["GET"], include_in_schema=False)
router.add_api_route("/ui", _serve(PAGES[0]), methods=["GET"], include_in_schema=False)


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/static/{path:path}", include_in_schema=False)
def static_file(path: str) -> FileResponse:
    """Serve a file from viz/static, refusing anything that resolves outside it.

    The vendored library never changes between releases, so browsers may keep it; our own files
    are revalidated on each load (cheap: FileResponse answers If-None-Match with 304)."""
    target = (STATIC / path).resolve()
    if not target.is_relative_to(STATIC) or not target.is_file():
        raise HTTPException(status_code=404, detail="文件不存在")
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type == "application/javascript":
        media_type += "; charset=utf-8"
    cache = "max-age=86400" if path.startswith("vendor/") else "no-cache"
    return FileResponse(target, media_type=media_type, headers={"Cache-Control": cache})
