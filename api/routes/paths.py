"""How two agencies are connected: the shortest agency–task–agency chain (networkx)."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ServicesDep
from api.models import Connection
from graph import analytics

router = APIRouter(tags=["paths"])
Name = Annotated[str, Query(min_length=1, max_length=200)]


@router.get("/paths", response_model=Connection, summary="两个单位之间的最短联系（经共同任务）")
def paths(s: ServicesDep, source: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
          target: Annotated[str, Query(alias="to", min_length=1, max_length=200)]) -> dict:
    a, b = s.names.agency(source), s.names.agency(target)
    g = s.cached("bipartite", lambda: analytics.bipartite_graph(s.run("assignment_edges", {"document": None})))
    steps = analytics.shortest_connection(g, a, b) if a != b else [{"kind": "agency", "name": a}]
    return {
        "source": a,
        "target": b,
        "connected": steps is not None,
        "hops": None if steps is None else (len(steps) - 1) // 2,
        "steps": steps or [],
    }
