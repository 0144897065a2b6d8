"""OpenAPI docs at /docs that work offline: Swagger UI's files served from the swagger-ui-bundle wheel.

Without that package the app keeps FastAPI's default /docs (which loads Swagger UI from a CDN).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from api.errors import NotFound

ASSETS = "/docs/assets"


def swagger_assets() -> Path | None:
    """The folder of Swagger UI's dist files, if the swagger-ui-bundle package is installed."""
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    folder = Path(swagger_ui_bundle.swagger_ui_path)
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def install(app: FastAPI, folder: Path) -> None:
    """Serve /docs and its assets locally (call only when the app was built with docs_url=None)."""
    allowed = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"}

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — 接口文档",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )

    @app.get(ASSETS + "/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        if name not in allowed:
            raise NotFound(f"没有文件 {name}")
        return FileResponse(folder / name)
