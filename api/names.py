"""Name resolution behind every endpoint: the name a user typed → the canonical name in the graph.

Order: the loaders' resolver (aliases, Traditional, full-width, full official names such as
武汉市卫生健康委员会 → 市卫健委), then the graph's own names, aliases and written forms after
normalising width and script. A miss raises NotFound with "did you mean" suggestions.

`Names.find` is the search behind the search boxes and the suggestions: the way people type a unit —
a short name (卫健委 → 市卫健委, then the other jurisdictions' 卫健局), pinyin initials or full pinyin
(wjw, weijianwei), a full official name, Traditional script. Each name's search keys are computed once
(`name_keys` is memoised), so rebuilding the index after a load does not recompute them.

Catalogue parameters whose description starts with "单位" or names a unit ("第一个单位") are agency names,
those starting with "区名" district names: `resolve_params` resolves them for the CLI and `/queries`.
"""

from __future__ import annotations

import difflib
import functools
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pypinyin import Style, lazy_pinyin

from api.errors import NotFound
from graph.catalogue import Catalogue, Query
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


# The kind of unit a name ends with: stripped to compare 卫健委 with another place's 卫健局.
_UNIT_KIND = re.compile(r"(委员会|办公室|管委会|委|局|厅|办|处|室|中心|站|所|队|院|馆|会)$")
_LEVEL = re.compile(r"^[省市区县州镇乡]")
_LATIN = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class NameKeys:
    forms: tuple[str, ...]  # the name, its aliases and written forms, normalised
    core: str  # the name without its place: 市卫健委 → 卫健委, 武昌区卫健局 → 卫健局
    stem: str  # the core without its kind of unit: 卫健
    initials: tuple[str, ...]  # pinyin initials of the forms and the core: swjw, wjw
    spelled: tuple[str, ...]  # full pinyin of the same: shiweijianwei, weijianwei


def _core(name: str, jurisdiction: str | None) -> str:
    if jurisdiction and name.startswith(jurisdiction) and len(name) > len(jurisdiction) + 1:
        return name[len(jurisdiction):]
    return _LEVEL.sub("", name) if len(name) > 3 else name


def _stem(core: str) -> str:
    stem = _UNIT_KIND.sub("", core)
    return stem if len(stem) >= 2 else core


@functools.lru_cache(maxsize=200_000)
def name_keys(name: str, jurisdiction: str | None, aliases: tuple[str, ...]) -> NameKeys:
    forms = tuple(dict.fromkeys(normalise(f) for f in (name, *aliases) if f))
    core = _core(normalise(name), jurisdiction)
    spoken = (*forms, core)
    return NameKeys(
        forms=forms, core=core, stem=_stem(core),
        initials=tuple(dict.fromkeys("".join(lazy_pinyin(f, style=Style.FIRST_LETTER)).lower() for f in spoken)),
        spelled=tuple(dict.fromkeys("".join(lazy_pinyin(f)).lower() for f in spoken)),
    )


def query_stem(key: str) -> str:
    """The part of a typed short name that names the work: 卫健委 → 卫健, 市发改委 → 发改."""
    return _stem(_LEVEL.sub("", key) if len(key) > 3 else key)


@dataclass
class _Index:
    names: dict[str, str] = field(default_factory=dict)  # any known form (normalised) → canonical name
    canonical: list[str] = field(default_factory=list)
    jurisdiction: dict[str, str] = field(default_factory=dict)
    districts: list[str] = field(default_factory=list)
    keys: dict[str, NameKeys] = field(default_factory=dict)
    built: float = 0.0
    version: Any = None  # the store's write counter when built (None: the engine has none)


class Names:
    """Resolves agency and district names against one store. The graph's names are kept while the store's
    write counter stays put (rebuilding them costs ~30 ms at 100x, which every request paid once the old
    5-second life ran out), or for `ttl` seconds on an engine without one."""

    def __init__(self, store: GraphStore, catalogue: Catalogue, resolver: Any | None = None, ttl: float = 5.0):
        self.store, self.catalogue, self.resolver, self.ttl = store, catalogue, resolver, ttl
        self._index = _Index()
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        self._index = _Index()

    def _version(self) -> Any:
        try:
            return self.store.version()
        except Exception:  # noqa: BLE001 — no counter to go by: fall back on the ttl
            return None

    def _fresh(self, idx: _Index, version: Any) -> bool:
        if not idx.built:
            return False
        if version is not None:
            return idx.version == version
        return time.monotonic() - idx.built < self.ttl

    def warm(self) -> None:
        """Build the index now (the first build also loads the pinyin tables: ~0.3 s a first request would pay)."""
        try:
            self._current()
        except Exception:  # noqa: BLE001 — a store not reachable yet: the first request builds it
            return

    def _current(self) -> _Index:
        version = self._version()
        idx = self._index
        if self._fresh(idx, version):
            return idx
        with self._lock:
            if self._fresh(self._index, version):
                return self._index
            fresh = _Index(version=version)
            for row in self.catalogue.run(self.store, "agency_names"):
                name = row["name"]
                if not name:
                    continue
                fresh.canonical.append(name)
                fresh.jurisdiction[name] = row.get("jurisdiction") or CITY
                others = (*(row.get("aliases") or []), *(row.get("written") or []))
                fresh.keys[name] = name_keys(name, row.get("jurisdiction"), others)
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
        raise NotFound(f"找不到单位“{raw}”", suggestions=self._suggest_agency(raw, idx))

    def _suggest_agency(self, raw: str, idx: _Index, limit: int = 5) -> list[str]:
        found = self.find(raw, limit=limit)
        return (found + [n for n in self.suggest(raw, idx.canonical) if n not in found])[:limit]

    def find(self, raw: str, limit: int = 20) -> list[str]:
        """Canonical names of the units `raw` may mean, best first: the name itself (or what the resolver
        makes of it), names and aliases that start with or contain it, pinyin initials or full pinyin
        (wjw, weijianwei), then the same kind of unit in other places (卫健委 → 武昌区卫健局)."""
        idx = self._current()
        key = normalise(raw).lower()
        if not key:
            return []
        ranked: dict[str, tuple[int, int, str]] = {}

        def offer(name: str, tier: int) -> None:
            rank = (tier, 0 if idx.jurisdiction.get(name) == CITY else 1, len(name), name)
            if name in idx.jurisdiction and rank < ranked.get(name, (99,)):
                ranked[name] = rank

        if key in idx.names:
            offer(idx.names[key], 0)
        if self.resolver is not None and not _LATIN.match(key):
            hit = self._resolver_lookup(raw) or self._resolver_lookup(key)
            if hit:
                offer(hit, 0)
        latin = bool(_LATIN.match(key)) and len(key) >= 2
        stem = query_stem(key)
        for name, k in idx.keys.items():
            if any(f.startswith(key) for f in k.forms) or k.core.startswith(key):
                offer(name, 1)
            elif any(key in f for f in k.forms):
                offer(name, 2)
            elif latin and (key in k.initials or key in k.spelled):
                offer(name, 3)
            elif latin and any(i.startswith(key) for i in (*k.initials, *k.spelled)):
                offer(name, 4)
            elif latin and any(key in i for i in (*k.initials, *k.spelled)):
                offer(name, 5)
            elif not latin and len(stem) >= 2 and stem in k.stem:
                offer(name, 6)
        return sorted(ranked, key=ranked.__getitem__)[:limit]

    def resolve_params(self, query: Query, params: dict[str, Any]) -> dict[str, Any]:
        """`params` with every unit or district name the user typed replaced by its canonical name;
        a name the graph does not know raises NotFound with suggestions instead of matching nothing."""
        out = dict(params)
        for p in query.params:
            value = out.get(p.name)
            if p.type != "string" or not isinstance(value, str) or not value:
                continue
            if "单位" in p.description.split("，")[0]:
                out[p.name] = self.agency(value)
            elif p.description.startswith("区名"):
                out[p.name] = self.district(value)
        return out

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
