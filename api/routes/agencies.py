"""Agencies: list, profile, their tasks, the tasks two of them share, their co-assigned neighbours."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import PagingDep, ServicesDep
from api.filters import DueDep
from api.models import Agency, AgencyDocument, AgencyItem, AgencySection, NeighbourItem, Page, TaskItem
from api.routes.stats import Document

router = APIRouter(prefix="/agencies", tags=["agencies"])
Role = Literal["lead", "support", "any"]
Via = Annotated[Literal["any", "direct", "group"],
                Query(description="any：全部；direct：本单位直接承担的；group：只经由所属单位组的（via 非空）")]
MAX_FOUND = 1000


@router.get("", response_model=Page[AgencyItem], summary="单位列表（可按名称、简称、拼音或全称查找）")
def list_agencies(
    s: ServicesDep,
    paging: PagingDep,
    q: Annotated[str | None, Query(max_length=200, description="名称、别名、简称（卫健委）、拼音（wjw、weijianwei）或全称")] = None,
) -> dict:
    if not q:
        return paging.page(s.run("list_agencies", {"q": None, "names": None}))
    found = s.names.find(q, limit=MAX_FOUND)
    order = {name: i for i, name in enumerate(found)}
    rows = s.run("list_agencies", {"q": None, "names": found})
    return paging.page(sorted(rows, key=lambda r: order[r["name"]]))


@router.get("/{name}", response_model=Agency, summary="单位概况（按角色计数、文件数、截止年份）")
def agency(name: str, s: ServicesDep) -> dict:
    canonical = s.names.agency(name)
    return s.run("agency_profile", {"name": canonical})[0]


@router.get("/{name}/documents", response_model=Page[AgencyDocument], summary="单位在各文件中的任务数（按文件名）")
def agency_documents(name: str, s: ServicesDep, paging: PagingDep) -> dict:
    canonical = s.names.agency(name)
    return paging.page(s.run("agency_documents", {"name": canonical}))


@router.get("/{name}/sections", response_model=Page[AgencySection], summary="单位在各文件各章节（最外层标题）的任务数")
def agency_sections(name: str, s: ServicesDep, paging: PagingDep, document: Document = None) -> dict:
    canonical = s.names.agency(name)
    return paging.page(s.run("agency_sections", {"name": canonical, "document": document or None}))


@router.get("/{name}/tasks", response_model=Page[TaskItem], summary="单位的任务（牵头/配合，含经由群组的任务）")
def agency_tasks(name: str, s: ServicesDep, paging: PagingDep, due: DueDep, role: Role = "any", via: Via = "any",
                 document: Document = None) -> dict:
    canonical = s.names.agency(name)
    return paging.run(s, "agency_tasks", {"name": canonical, "role": role, "via": via, "document": document or None,
                                          **due.params()})


@router.get("/{a}/shared/{b}", response_model=Page[TaskItem], summary="两个单位共同承担的任务")
def shared(a: str, b: str, s: ServicesDep, paging: PagingDep) -> dict:
    first, second = s.names.agency(a), s.names.agency(b)
    return paging.run(s, "shared_tasks", {"a": first, "b": second})


@router.get("/{name}/neighbours", response_model=Page[NeighbourItem], summary="协同单位（共同任务数为权重）")
def neighbours(name: str, s: ServicesDep, paging: PagingDep) -> dict:
    canonical = s.names.agency(name)
    return paging.page(s.run("agency_neighbours", {"name": canonical, "limit": 100000}))
