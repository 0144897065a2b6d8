"""Shared dependencies for the routes, as `Annotated[..., Depends(...)]` aliases."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from api.names import Names
from graph.catalogue import Catalogue
from graph.settings import Settings
from graph.store import GraphStore

MAX_LIMIT = 1000


@dataclass
class Services:
    """Everything built in the app's lifespan."""

    settings: Settings
    store: GraphStore
    catalogue: Catalogue
    names: Names
    resolver: Any | None = None
    owns_store: bool = True
    adhoc_gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))
    _cache: dict[str, tuple[float, Any, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self.catalogue.run(self.store, name, params)

    def cached(self, key: str, build, ttl: float = 30.0) -> Any:
        """A value built once per graph version (e.g. networkx graphs); on a store without a version,
        rebuilt at most every `ttl` seconds (or after `invalidate`)."""
        version = self.store.version()
        hit = self._cache.get(key)
        if hit and (hit[1] == version if version is not None else time.monotonic() - hit[0] < ttl):
            return hit[2]
        value = build()
        with self._lock:
            self._cache[key] = (time.monotonic(), version, value)
        return value

    def invalidate(self) -> None:
        with self._lock:
            self._cache.clear()
        self.names.invalidate()


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int

    def page(self, rows: list[Any]) -> dict[str, Any]:
        """A page of rows the query returned in full."""
        return {"items": rows[self.offset : self.offset + self.limit], "total": len(rows),
                "limit": self.limit, "offset": self.offset}

    def run(self, s: Services, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """A page from a query that pages itself (`offset`/`limit` parameters, `total` column)."""
        rows = s.run(name, {**params, "offset": self.offset, "limit": self.limit})
        if rows:
            total = rows[0]["total"]
        elif self.offset == 0:
            total = 0
        else:  # past the end: ask for the first row only to learn the total
            first = s.run(name, {**params, "offset": 0, "limit": 1})
            total = first[0]["total"] if first else 0
        for row in rows:
            row.pop("total", None)
        return {"items": rows, "total": total, "limit": self.limit, "offset": self.offset}


def get_paging(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数（最多 1000）")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="跳过条数")] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(get_paging)]
