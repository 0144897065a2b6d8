"""Parse many files in worker processes (both cores), with exactly the results of a sequential run.

Parsing is a pure function of (bytes, file name, jurisdiction, resolver), so the workers' results are
the sequential ones; they come back in input order. A LoadError comes back as the value, not raised.
Few or small files are parsed in this process: starting workers costs more than it saves.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from graph.model import Agency, ParsedDocument
from graph.store import LoadError
from loaders import duplicates
from loaders.agencies import Resolver
from loaders.parse import parse_bytes

MIN_PARALLEL_BYTES = 1_000_000  # below this a pool's start-up (~0.5 s) is not repaid

_resolver: Resolver | None = None


def _start(resolver: Resolver | None) -> None:
    global _resolver
    _resolver = resolver or Resolver.default()


def _parse(item: tuple[bytes, str, str | None]) -> ParsedDocument | tuple[str, int | None, str]:
    """The parsed document, or a LoadError's fields (its constructor does not survive pickling)."""
    data, source, jurisdiction = item
    try:
        return _compact(parse_bytes(data, source, resolver=_resolver, jurisdiction=jurisdiction))
    except LoadError as e:
        return (e.source, e.line, e.reason)


def _compact(parsed: ParsedDocument) -> ParsedDocument:
    """What a bulk load keeps of a parsed file until it is written, made small (it goes back from a worker
    as a pickle, and a 100× load holds 1,600 of them): the text only as its signature for spotting copies,
    computed here in the worker, and one Agency object per distinct unit where the resolver handed each
    assignment a copy of its own."""
    parsed.signature = duplicates.signature(parsed.text)
    parsed.text = ""
    shared: dict[tuple[Any, ...], Agency] = {}
    for task in parsed.tasks:
        for a in task.assignments:
            x = a.agency
            key = (x.name, x.jurisdiction, x.type, tuple(x.aliases), tuple(x.members), tuple(x.member_of),
                   x.branch_of, x.district, x.resolved)
            a.agency = shared.setdefault(key, x)
    return parsed


def _result(x: ParsedDocument | tuple[str, int | None, str]) -> ParsedDocument | LoadError:
    return LoadError(*x) if isinstance(x, tuple) else x


def start_method() -> str:
    """Fork when this process runs one thread: the workers share the loaded code and data (parsing runs
    outside the write lock, so no lock of ours is held). With other threads running (the API's upload
    runs beside the server's threads) a fork could copy a lock another thread holds: a fork server then."""
    return "fork" if threading.active_count() == 1 else "forkserver"


def workers() -> int:
    return max(1, min(2, len(os.sched_getaffinity(0))))


def parse_all(items: Sequence[tuple[bytes, str]], *, resolver: Resolver | None = None,
              jurisdiction: str | None = None, processes: int | None = None,
              min_bytes: int = MIN_PARALLEL_BYTES) -> list[ParsedDocument | LoadError]:
    """Each (bytes, file name) parsed; in worker processes when there is enough to parse."""
    jobs = [(data, source, jurisdiction) for data, source in items]
    processes = processes or workers()
    if processes < 2 or len(jobs) < 2 or sum(len(d) for d, _ in items) < min_bytes:
        _start(resolver)
        return [_result(_parse(job)) for job in jobs]
    with ProcessPoolExecutor(processes, mp_context=get_context(start_method()), initializer=_start,
                             initargs=(resolver,)) as pool:
        return [_result(x) for x in pool.map(_parse, jobs, chunksize=max(1, len(jobs) // (processes * 8)))]
