"""Statistics: workload ranking (Cypher) and the co-assignment network (networkx)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import PagingDep, ServicesDep
from api.filters import DueDep
from api.models import Network, Page, WorkloadItem
from graph import analytics

router = APIRouter(prefix="/stats", tags=["stats"])
Document = Annotated[str | None, Query(max_length=200, description="文件 id、文件名或其前缀，如 003；留空为全部")]


@router.get("/workload", response_model=Page[WorkloadItem], summary="各单位任务量排行（牵头、配合、逾期）")
def workload(s: ServicesDep, paging: PagingDep, due: DueDep, document: Document = None) -> dict:
    return paging.page(workload_rows(s, due, document))


def workload_rows(s: ServicesDep, due: DueDep, document: str | None) -> list[dict]:
    """Every unit with tasks; overdue counts tasks due before `today` (the filter's, or the server's date)."""
    today = (due.today or date.today()).isoformat()
    return s.run("workload", {"document": document or None, "today": today, "limit": 1_000_000})


@router.get("/network", response_model=Network, summary="协同网络：中心度与社群（networkx）")
def network(
    s: ServicesDep,
    document: Document = None,
    top: Annotated[int, Query(ge=1, le=1000, description="按中介中心度返回前多少个单位")] = 50,
) -> dict:
    def build() -> analytics.NetworkSummary:
        rows = s.run("assignment_edges", {"document": document or None})
        return analytics.summarise(analytics.coassignment_graph(rows))

    summary = s.cached(f"network:{document or ''}", build)
    return {"nodes": summary.nodes[:top], "communities": summary.communities, "edges": summary.edges,
            "document": document or None}
