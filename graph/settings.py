"""All configuration, from environment variables, in one place."""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    dutygraph_data: Path = Path(".dutygraph")  # embedded server's socket, database file and log
    dutygraph_graph: str = "dutygraph"  # graph (FalkorDB key / Neo4j database-independent label space)
    falkordb_url: str | None = None  # e.g. redis://host:6379 — use an external FalkorDB instead
    neo4j_uri: str | None = None  # e.g. bolt://localhost:7687 — use Neo4j instead
    neo4j_user: str = "neo4j"
    neo4j_password: str = "neo4j"
    neo4j_database: str | None = None
    dutygraph_api_key: str | None = None  # writes over HTTP need it; unset = writes off
    dutygraph_cors_origins: list[str] = []  # CORS off unless configured
    dutygraph_query_timeout_ms: int = 5000  # ad-hoc Cypher over HTTP
    dutygraph_max_rows: int = 1000
    dutygraph_query_mem_mb: int = 1024  # embedded server: memory one query may use (QUERY_MEM_CAPACITY)
    dutygraph_max_file_mb: float = 20  # larger files are refused before they are read
    dutygraph_max_upload_files: int = 200  # files in one POST /documents; more are refused (413) unread
    dutygraph_max_upload_mb: float = 100  # all files of one POST /documents together; 413 above
    dutygraph_max_line_kb: float = 64  # a longer line is refused before parsing (not a document's text)
    dutygraph_cypher_max_nesting: int = 10  # brackets + prefix operators; FalkorDB parses deep ones for ever
    dutygraph_cypher_concurrency: int = 1  # ad-hoc statements at once per API process (engine has 2 threads)
    dutygraph_cypher_wait_ms: int = 1000  # then 429
    dutygraph_max_body_kb: int = 256  # request bodies other than uploads (those: max_file_mb); 413 above
    dutygraph_samples: Path = REPO_ROOT / "data" / "samples"
    dutygraph_queries: Path = REPO_ROOT / "queries"

    @field_validator("dutygraph_data")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        return v.expanduser().resolve()

    @property
    def backend(self) -> str:
        return "neo4j" if self.neo4j_uri else "falkordb"
