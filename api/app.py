"""The FastAPI application: `create_app(settings)` builds store, resolver and catalogue in a lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import docs, errors, openapi
from api.cache import ResponseCache
from api.deps import Services
from api.guard import Guard
from api.names import Names, load_resolver
from api.responses import JSONResponse
from api.routes import ROUTERS
from graph.catalogue import Catalogue
from graph.settings import Settings
from graph.store import GraphStore

DESCRIPTION = """责任图谱（Duty Graph）HTTP 接口：谁牵头、谁配合、哪些区目标汇入市级目标。

名称可用规范名、别名、繁体、全角或全称（如“武汉市卫生健康委员会” → 市卫健委）；
找不到时返回 404 并给出相近名称。列表均分页：`{"items", "total", "limit", "offset"}`。"""


def _open_store(settings: Settings) -> GraphStore:
    from graph.connect import open_store

    return open_store(settings)


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> FastAPI:
    """The app; pass `store` to serve an already-open store (it is then not closed on shutdown).

    Settings are read when the app is created (CORS needs them then); the store, catalogue and
    resolver are built in the lifespan, so importing this module touches nothing."""
    cfg = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        graph = store or _open_store(cfg)
        catalogue = Catalogue.load(cfg.dutygraph_queries)
        resolver = load_resolver()
        app.state.services = Services(
            settings=cfg, store=graph, catalogue=catalogue, names=Names(graph, catalogue, resolver),
            resolver=resolver, owns_store=store is None,
            adhoc_gate=asyncio.Semaphore(cfg.dutygraph_cypher_concurrency),
        )
        app.state.services.names.warm()
        try:
            yield
        finally:
            if store is None:
                graph.close()

    local_docs = docs.swagger_assets()
    app = FastAPI(
        title="责任图谱 Duty Graph API",
        version="0.1.0",
        description=DESCRIPTION,
        default_response_class=JSONResponse,
        lifespan=lifespan,
        docs_url=None if local_docs else "/docs",
        redoc_url=None if local_docs else "/redoc",
        responses=openapi.COMMON_RESPONSES,
    )
    if local_docs:
        docs.install(app, local_docs)
    openapi.install(app)
    if cfg.dutygraph_cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=cfg.dutygraph_cors_origins, allow_methods=["*"],
                           allow_headers=["*"])
    errors.install(app)
    upload = int(max(cfg.dutygraph_max_upload_mb, cfg.dutygraph_max_file_mb) * 1024 * 1024)
    framing = 64 * 1024 + 1024 * cfg.dutygraph_max_upload_files  # room for the multipart framing of each file
    app.add_middleware(Guard, default_limit=cfg.dutygraph_max_body_kb * 1024, limits={"/documents": upload + framing})
    for router in ROUTERS:
        app.include_router(router)
    try:
        from viz.routes import router as viz_router
    except ImportError:
        viz_router = None
    if viz_router is not None:
        app.include_router(viz_router)
    app.add_middleware(ResponseCache, version=lambda: _version(app), on_change=lambda: _changed(app))  # outermost
    return app


def _version(app: FastAPI) -> int | None:
    services = getattr(app.state, "services", None)
    return None if services is None else services.store.version()


def _changed(app: FastAPI) -> None:
    app.state.services.invalidate()
