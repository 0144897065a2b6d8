"""One APIRouter per resource; `ROUTERS` is the order the app includes them in."""

from api.routes import (
    agencies,
    cypher,
    districts,
    documents,
    export,
    graph,
    health,
    indicators,
    ledger,
    paths,
    queries,
    stats,
    tasks,
)

ROUTERS = [
    health.router,
    ledger.router,  # before tasks: /tasks/ledger.xlsx is not a task id
    agencies.router,
    districts.router,
    tasks.router,
    indicators.router,
    stats.router,
    queries.router,
    cypher.router,
    graph.router,
    paths.router,
    export.router,
    documents.router,
]
