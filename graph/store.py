"""The one interface every part of Duty Graph uses to reach a graph, whatever the engine.

Errors:
    DutyGraphError                 root of everything we raise on purpose
    ├── StoreError                 the engine is unreachable or failed
    │   ├── ServerStartError       the embedded server would not start (message has its log tail)
    │   └── WriteUnknown           the connection died during a write: it may or may not have happened
    ├── QueryError                 a Cypher statement was rejected (syntax, unknown function, …)
    │   └── ReadOnlyViolation      a write was sent through the read path
    └── LoadError                  a document could not be loaded (message names file, line, reason)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

Params = dict[str, Any]
Statement = tuple[str, Params]


class DutyGraphError(Exception):
    """Root of the errors Duty Graph raises on purpose."""


class StoreError(DutyGraphError):
    pass


class ServerStartError(StoreError):
    pass


class WriteUnknown(StoreError):
    """A write was sent but its answer never came; `server_restarted` when the server has since been
    started again (then the graph shows for sure whether the write happened)."""

    def __init__(self, message: str, *, server_restarted: bool = False):
        super().__init__(message)
        self.server_restarted = server_restarted


class QueryError(DutyGraphError):
    pass


class ReadOnlyViolation(QueryError):
    pass


class LoadError(DutyGraphError):
    def __init__(self, source: str, line: int | None, reason: str):
        self.source, self.line, self.reason = source, line, reason
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


@runtime_checkable
class GraphStore(Protocol):
    """A few operations, returning plain dicts and lists only (never driver objects)."""

    backend: str  # "falkordb" | "neo4j"

    def read(self, query: str, params: Params | None = None, *, timeout_ms: int | None = None) -> list[dict[str, Any]]:
        """Run a read-only statement; a write raises ReadOnlyViolation. Rows as dicts by column."""

    def write(self, statements: Sequence[Statement], *, edges_only: bool = False) -> None:
        """Run statements as one unit: all of them take effect, or none does. `edges_only`: they only merge
        and delete relationships between nodes that exist (roll-ups, holdings), which cannot fail half-way
        for want of a node or a property (a backend may then run deletes without its heavier undo)."""

    def ensure_schema(self) -> None:
        """Create the indexes and unique constraints on `id` (idempotent)."""

    def clear(self) -> None:
        """Delete every node and relationship."""

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type, e.g. {"Task": 410, "LEADS": 380, …}."""

    def version(self) -> int | None:
        """A number that changes after every write by any process (None: the engine has none, so
        answers must not be cached)."""

    def close(self) -> None:
        """Release connections (and stop an embedded server this process owns)."""
