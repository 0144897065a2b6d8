"""Unit names resolved in a place context: the document's jurisdiction plus the place data that covers it.

A place file (loaders/data/places/<place>.yaml, read by loaders.agencies.Resolver) applies only to
documents of that place and its districts: Wuhan's renamed units, zones and groups are Wuhan's. Every
other document gets the generic grammar (loaders.names) and level qualification only:
    区发改局 in a 立山区 document → 立山区发改局;  县教育局 in a 南陵县 document → 南陵县教育局;
    市环保局 in another city's document stays 市环保局;  各街道 stays 各街道.
A name no rule places is kept as written and marked unresolved, so the report can list it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.model import Agency
from loaders import names
from loaders.agencies import Resolver
from loaders.memo import BoundedMemo
from loaders.places import Jurisdiction

PLACES = Path(__file__).parent / "data" / "places"
_RESOLVED: BoundedMemo[tuple[tuple[tuple[str, Agency], ...], tuple[str, ...]]] = BoundedMemo()


@functools.cache
def place_resolvers() -> tuple[Resolver, ...]:
    """One Resolver per place file, in name order."""
    return tuple(Resolver.from_files(p) for p in sorted(PLACES.glob("*.yaml")))


def covering(jurisdiction: Jurisdiction, preferred: Resolver | None = None) -> Resolver | None:
    """The place data that covers the jurisdiction (the preferred one first), or None."""
    for resolver in ([preferred] if preferred else []) + list(place_resolvers()):
        if resolver.covers(jurisdiction.name, jurisdiction.parent):
            return resolver
    return None


@dataclass
class PlaceContext:
    """Resolves unit lists for one document."""

    jurisdiction: Jurisdiction
    place: Resolver | None = None  # the place data covering the document, if any
    kept_as_written: list[str] = field(default_factory=list)

    @classmethod
    def for_document(cls, jurisdiction: Jurisdiction, preferred: Resolver | None = None) -> PlaceContext:
        return cls(jurisdiction, covering(jurisdiction, preferred))

    @property
    def name(self) -> str:
        return self.jurisdiction.name

    def resolve_list(self, text: str, *, jurisdiction: str) -> tuple[tuple[str, Agency], ...]:
        """(item as printed, Agency) pairs; the Agency objects are the memo's own, shared by every task that
        names the unit (nothing after parsing changes an Agency; a bulk load shares them per document anyway)."""
        if self.place is not None:
            return self.place.resolve_list_shared(text, jurisdiction=jurisdiction)
        # Without place data the answer depends only on the document's jurisdiction and the arguments.
        found, kept = _RESOLVED.get((self.jurisdiction, text, jurisdiction), lambda: self._resolve_kept(text, jurisdiction))
        self.kept_as_written.extend(kept)  # what the resolution kept as written, replayed on every call
        return found

    def _resolve_kept(self, text: str, jurisdiction: str) -> tuple[tuple[tuple[str, Agency], ...], tuple[str, ...]]:
        before = len(self.kept_as_written)
        out = tuple(self._resolve_list(text, jurisdiction))
        kept = tuple(self.kept_as_written[before:])
        del self.kept_as_written[before:]
        return out, kept

    def _resolve_list(self, text: str, jurisdiction: str) -> list[tuple[str, Agency]]:
        items = names.split_units(text, is_whole=names.looks_like_unit)
        items = names.share_suffix(names.share_prefix(names.split_etc(items), places=self.jurisdiction.short_names))
        out: list[tuple[str, Agency]] = []
        seen: set[str] = set()
        for item in items:
            for agency in self._resolve_item(item, jurisdiction):
                if agency.id not in seen:
                    seen.add(agency.id)
                    out.append((item, agency))
        return out

    def district_owner(self, heading: str) -> Agency:
        if self.place is not None:
            return self.place.district_owner(heading)
        name = names.normalise(heading)
        return Agency(name=name + ("" if name.endswith(("政府", "管委会")) else _government(name)),
                      jurisdiction=name, type="district_government", district=name)

    def _resolve_item(self, item: str, jurisdiction: str) -> list[Agency]:
        key = names.normalise(names.ROLE_LABEL.sub("", item))
        base, _ = names.strip_brackets(key)
        m = re.match(r"^(.+?)等(.*)$", base) if "等" in base else None  # the lazy scan only where it can match
        if m and names.UNIT_END.search(m.group(1)):
            head, rest = m.groups()
            found = [self.resolve(head, jurisdiction=jurisdiction)]
            if names.is_group(rest):  # "市财政局等有关部门": the unit and the group
                found.append(self.resolve(rest, jurisdiction=jurisdiction))
            return found
        return [self.resolve(item, jurisdiction=jurisdiction)]

    def resolve(self, name: str, *, jurisdiction: str) -> Agency:
        """One unit name in this document's place: qualified by level where the grammar says so."""
        key = names.ROLE_NOTE.sub("", names.normalise(names.ROLE_LABEL.sub("", name)))
        base, inner = names.strip_brackets(key)
        if not base and len(inner) == 1 and inner[0]:  # "(市发改委)"
            key = base = inner[0]
        here = self.jurisdiction
        local = jurisdiction or here.name
        prefix = here.prefix
        if names.is_group(base):
            return Agency(name=key, jurisdiction=local, type="group")
        if local and prefix in ("区", "县", "旗") and base.startswith(prefix) and len(base) > 2 \
                and not base.startswith(prefix + "直") and names.looks_like_unit(base):
            qualified = local + key[1:]
            return Agency(name=qualified, jurisdiction=local, type=names.guess_type(qualified),
                          aliases=[key], district=local)
        if local and base.startswith(("团区委", "团县委", "团旗委")) and prefix in ("区", "县", "旗"):
            return Agency(name=key, jurisdiction=local, type="mass_organisation", district=local)
        owner = local
        if base.startswith("市") and here.level in ("district", "county") and here.parent:
            owner = here.parent  # a city unit named in a district document
        resolved = names.looks_like_unit(base)
        if not resolved:
            self.kept_as_written.append(key)
        return Agency(name=key, jurisdiction=owner, type=names.guess_type(base), resolved=resolved)


def _government(place: str) -> str:
    return "人民政府" if re.search(r"(区|县|市|旗|镇|乡)$", place) else "管委会"
