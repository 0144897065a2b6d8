"""OpenAPI docs at /docs that work offline: Swagger UI 5 (reads OpenAPI 3.1) from the swagger-ui-py wheel.

The page is plain HTML with no inline script (the Content-Security-Policy allows scripts from this
server only); `init.js` starts Swagger UI on /openapi.json.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.errors import NotFound

ASSETS = "/docs/assets"
FILES = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"}

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/init.js"></script>
</body>
</html>
"""

INIT = """window.ui = SwaggerUIBundle({
  url: document.getElementById("swagger-ui").dataset.openapi,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
"""


def swagger_assets() -> Path | None:
    """Swagger UI's dist folder inside the swagger-ui-py package, if it is installed."""
    try:
        import swagger_ui
    except ImportError:
        return None
    folder = Path(swagger_ui.__file__).resolve().parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def install(app: FastAPI, folder: Path) -> None:
    """Serve /docs and its assets locally (call only when the app was built with docs_url=None)."""
    page = PAGE.format(title=f"{app.title} — 接口文档", assets=ASSETS, openapi=app.openapi_url or "/openapi.json")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(ASSETS + "/init.js", include_in_schema=False)
    def init() -> Response:
        return Response(INIT, media_type="application/javascript; charset=utf-8")

    @app.get(ASSETS + "/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        if name not in FILES:
            raise NotFound(f"没有文件 {name}")
        return FileResponse(folder / name, headers={"Cache-Control": "max-age=86400"})
