"""Indicators: a target and the targets beneath it."""

from fastapi import APIRouter

from api.deps import ServicesDep
from api.errors import NotFound
from api.models import IndicatorRollup

router = APIRouter(prefix="/indicators", tags=["indicators"])


@router.get("/{indicator_id}/rollup", response_model=IndicatorRollup, summary="指标汇总：下级目标及其合计")
def rollup(indicator_id: str, s: ServicesDep) -> dict:
    rows = s.run("indicator_rollup", {"id": indicator_id})
    if not rows:
        raise NotFound(f"找不到指标 {indicator_id}")
    row = rows[0]
    row["children"] = [c for c in row["children"] if c]
    for child in row["children"]:
        if not (child.get("task") or {}).get("id"):
            child["task"] = None
    return row
