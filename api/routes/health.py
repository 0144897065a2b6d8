"""Liveness and what the graph holds."""

from fastapi import APIRouter

from api.deps import ServicesDep
from api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="服务状态与节点计数")
def health(s: ServicesDep) -> dict:
    return {"status": "ok", "backend": s.store.backend, "counts": s.store.counts()}
