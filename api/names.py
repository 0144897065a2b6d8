"""Name resolution behind every endpoint: the name a user typed → the canonical name in the graph.

Order: the loaders' resolver (aliases, Traditional, full-width, full official names such as
武汉市卫生健康委员会 → 市卫健委), then the graph's own names, aliases and written forms after
normalising width and script. A miss raises NotFound with "did you mean" suggestions.
"""

from __future__ import annotations

import difflib
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from api.errors import NotFound
from graph.catalogue import Catalogue
from graph.store import GraphStore

CITY = "武汉市"
_DISTRICT_SUFFIXES = ("人民政府", "政府", "管委会")


def _t2s():
    try:
        import opencc

        return opencc.OpenCC("t2s").convert
    except (ImportError, RuntimeError, OSError):  # OpenCC or its data missing: no script conversion
        return lambda s: s


_TO_SIMPLIFIED = _t2s()


def normalise(text: str) -> str:
    """Full-width → half-width, Traditional → Simplified, spaces dropped."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(text.split())
    return _TO_SIMPLIFIED(text)


def load_resolver() -> Any | None:
    """The loaders' Resolver if that module is available, else None."""
    try:
        from loaders.agencies import Resolver
    except ImportError:
        return None
    return Resolver.default()


@dataclass
class _Index:
    names: dict[str, str] = field(default_factory=dict)  # any known form (normalised) → canonical name
    canonical: list[str] = field(default_factory=list)
    jurisdiction: dict[str, str] = field(default_factory=dict)
    districts: list[str] = field(default_factory=list)
    built: float = 0.0


class Names:
    """Resolves agency and district names against one store; the graph's names are cached briefly."""

    def __init__(self, store: GraphStore, catalogue: Catalogue, resolver: Any | None = None, ttl: float = 5.0):
        self.store, self.catalogue, self.resolver, self.ttl = store, catalogue, resolver, ttl
        self._index = _Index()
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        self._index = _Index()

    def _current(self) -> _Index:
        idx = self._index
        if idx.built and time.monotonic() - idx.built < self.ttl:
            return idx
        with self._lock:
            if self._index.built and time.monotonic() - self._index.built < self.ttl:
                return self._index
            fresh = _Index()
            for row in self.catalogue.run(self.store, "agency_names"):
                name = row["name"]
                if not name:
                    continue
                fresh.canonical.append(name)
                fresh.jurisdiction[name] = row.get("jurisdiction") or CITY
                for form in [name, *(row.get("aliases") or []), *(row.get("written") or [])]:
                    if form:
                        fresh.names.setdefault(normalise(form), name)
                for form in [name, *(row.get("aliases") or [])]:
                    fresh.names[normalise(form)] = name  # canonical names and aliases beat written forms
            for name in fresh.canonical:
                fresh.names[normalise(name)] = name
            districts = {r["name"] for r in self.catalogue.run(self.store, "list_districts") if r.get("name")}
            districts |= {j for j in fresh.jurisdiction.values() if j and j != CITY}
            fresh.districts = sorted(districts)
            fresh.built = time.monotonic()
            self._index = fresh
            return fresh

    def agency(self, raw: str) -> str:
        """The canonical name of the agency `raw` names, or NotFound with suggestions."""
        idx = self._current()
        if raw in idx.jurisdiction:
            return raw
        if self.resolver is not None:
            hit = self._resolver_lookup(raw)
            if hit and hit in idx.jurisdiction:
                return hit
        key = normalise(raw)
        if key in idx.names:
            return idx.names[key]
        if self.resolver is not None and key != raw:
            hit = self._resolver_lookup(key)
            if hit and hit in idx.jurisdiction:
                return hit
        raise NotFound(f"找不到单位“{raw}”", suggestions=self.suggest(raw, idx.canonical))

    def _resolver_lookup(self, query: str) -> str | None:
        agency = self.resolver.lookup(query)
        return getattr(agency, "name", None) if agency is not None else None

    def suggest(self, raw: str, names: list[str], limit: int = 5) -> list[str]:
        """Close names: the resolver's suggestions first, then substring and fuzzy matches."""
        out: list[str] = []
        if self.resolver is not None:
            out = [n for n in self.resolver.suggest(raw, names=names, limit=limit) if n in names]
        key = normalise(raw)
        for n in [n for n in names if key and (key in n or n in key)] + difflib.get_close_matches(
            key, names, n=limit, cutoff=0.4
        ):
            if n not in out:
                out.append(n)
        return out[:limit]

    def districts(self) -> list[str]:
        """Every district name the graph knows (District nodes and agencies' jurisdictions)."""
        return list(self._current().districts)

    def district(self, raw: str) -> str:
        """The district `raw` names (江岸区, 江岸, 江岸区人民政府, 江岸區…), or NotFound."""
        idx = self._current()
        key = normalise(raw)
        candidates = [key, key + "区"]
        for suffix in _DISTRICT_SUFFIXES:
            if key.endswith(suffix):
                candidates.append(key[: -len(suffix)])
        for c in candidates:
            if c in idx.districts:
                return c
        try:
            name = self.agency(raw)
        except NotFound:
            name = None
        if name and idx.jurisdiction.get(name, CITY) != CITY:
            return idx.jurisdiction[name]
        raise NotFound(f"找不到区“{raw}”", suggestions=self.suggest(raw, idx.districts))
