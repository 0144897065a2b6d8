"""Pick the graph backend from the settings: NEO4J_URI → Neo4j, FALKORDB_URL → external FalkorDB,
otherwise the embedded FalkorDB server in DUTYGRAPH_DATA."""

from __future__ import annotations

from graph.settings import Settings
from graph.store import GraphStore


def open_store(settings: Settings | None = None, *, graph: str | None = None) -> GraphStore:
    """Open the configured store. `graph` overrides DUTYGRAPH_GRAPH (FalkorDB only; tests use it)."""
    settings = settings or Settings()
    name = graph or settings.dutygraph_graph
    if settings.neo4j_uri:
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore.connect(settings.neo4j_uri, user=settings.neo4j_user,
                                  password=settings.neo4j_password, database=settings.neo4j_database)
    from graph.falkordb_store import FalkorDBStore

    if settings.falkordb_url:
        return FalkorDBStore.from_url(settings.falkordb_url, graph=name)
    return FalkorDBStore.embedded(settings.dutygraph_data, graph=name, query_mem_mb=settings.dutygraph_query_mem_mb)
