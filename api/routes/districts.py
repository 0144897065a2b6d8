"""Districts and everything a district carries."""

from fastapi import APIRouter

from api.deps import PagingDep, ServicesDep
from api.filters import DueDep
from api.models import Page, TaskItem

router = APIRouter(prefix="/districts", tags=["districts"])


@router.get("", summary="区列表")
def list_districts(s: ServicesDep) -> list[str]:
    return s.names.districts()


@router.get("/{name}/tasks", response_model=Page[TaskItem], summary="某区承担的全部任务（含各区群组任务与分区清单行）")
def district_tasks(name: str, s: ServicesDep, paging: PagingDep, due: DueDep) -> dict:
    district = s.names.district(name)
    return paging.run(s, "district_tasks", {"district": district, **due.params()})
