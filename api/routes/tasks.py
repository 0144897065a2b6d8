"""Tasks: search and detail."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import PagingDep, ServicesDep
from api.errors import NotFound
from api.filters import DueDep
from api.models import Page, TaskDetail, TaskItem
from api.names import normalise

router = APIRouter(prefix="/tasks", tags=["tasks"])
Text = Annotated[str | None, Query(max_length=200)]


def search_params(
    q: Text = None,
    source: Annotated[str | None, Query(max_length=200, description="文件 id、文件名或其前缀，如 003")] = None,
    jurisdiction: Annotated[str | None, Query(max_length=50, description="武汉市 或区名")] = None,
    section: Annotated[str | None, Query(max_length=200, description="章节标题包含的文字")] = None,
) -> dict:
    """search_tasks' parameters from the query string (shared with the search ledger)."""
    return {
        "q": normalise(q) if q else None,
        "document": source or None,
        "jurisdiction": jurisdiction or None,
        "section": normalise(section) if section else None,
    }


SearchDep = Annotated[dict, Depends(search_params)]


@router.get("", response_model=Page[TaskItem], summary="搜索任务（文字、文件、区、章节；到期、逾期、年份）")
def search(s: ServicesDep, paging: PagingDep, due: DueDep, params: SearchDep) -> dict:
    return paging.run(s, "search_tasks", {**params, **due.params()})


@router.get("/unowned", response_model=Page[TaskItem], summary="无责任单位的任务")
def unowned(
    s: ServicesDep, paging: PagingDep, source: Text = None, include_rows: bool = False
) -> dict:
    return paging.run(s, "unowned_tasks", {"document": source or None, "include_rows": include_rows})


@router.get("/{task_id}", response_model=TaskDetail, summary="任务详情（单位、指标、上下级对应、出处）")
def detail(task_id: str, s: ServicesDep) -> dict:
    rows = s.run("task_detail", {"id": task_id})
    if not rows:
        raise NotFound(f"找不到任务 {task_id}")
    row = rows[0]
    row["leads"] = [a["name"] for a in row["lead_agencies"]]
    row["supports"] = [a["name"] for a in row["support_agencies"]]
    return row
