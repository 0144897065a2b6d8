"""Agency resolution: unit names as printed → canonical agencies, with groups, branches and districts.

The reviewed alias table lives in `loaders/data/aliases.yaml`; this module holds the grammar of unit
names that no table can list: splitting a unit list at top-level separators, shared-suffix expansion
("青山、新洲区人民政府"), district qualification ("区发改局" in a 武昌区 document), branches
("市生态环境局武昌分局"), bracketed sub-offices and group phrases ("区城管局等各执法单位", "各街道").
A name it cannot place is returned as written with `resolved=False`, never dropped.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.model import Agency, AgencyType, stable_id
from loaders.memo import BoundedMemo
from loaders.names import (
    COMMITTEE_SUFFIXES,
    GOVERNMENT_SUFFIXES,
    GROUP_END,
    GROUP_START,
    LEADING_GROUP,
    ROLE_LABEL,
    UNIT_END,
    normalise,
    split_units,
)
from loaders.names import guess_type as _guess_type
from loaders.names import is_group as _is_group
from loaders.names import strip_brackets as _strip_brackets

CITY = "武汉市"  # the place of the default table, when a table does not name its own

DEFAULT_ALIASES = Path(__file__).parent / "data" / "places" / "武汉市.yaml"

@dataclass(frozen=True)
class District:
    """A district or function zone of the city (schema node :District)."""

    name: str
    kind: str  # "district" | "zone"
    ring: str  # "中心城区" | "新城区" | "开发区"
    owner: str  # canonical name of its government or 管委会
    short: str = ""
    aliases: tuple[str, ...] = ()
    managed_by: str | None = None
    all_districts: bool = True  # member of 各区人民政府

    @functools.cached_property  # asked for every row of a district list: one hash per district, not per row
    def id(self) -> str:
        return stable_id("dist", self.name)


@dataclass
class _Unit:
    name: str
    type: AgencyType
    jurisdiction: str = CITY
    aliases: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    member_of: list[str] = field(default_factory=list)
    branch_name: str | None = None
    district: str | None = None

    def agency(self, extra_aliases: Iterable[str] = ()) -> Agency:
        aliases = list(dict.fromkeys([*self.aliases, *extra_aliases]))
        return Agency(
            name=self.name, jurisdiction=self.jurisdiction, type=self.type, aliases=aliases,
            members=list(self.members), member_of=list(self.member_of), district=self.district,
        )


def _merge(files: Iterable[Path | str]) -> dict[str, Any]:
    """Read the YAML files in order; a later entry with the same name replaces the earlier one."""
    merged: dict[str, Any] = {"city": CITY}
    for path in files:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            if isinstance(value, list):
                entries = {e["name"]: e for e in merged.get(key, [])}
                entries.update({e["name"]: e for e in value})
                merged[key] = list(entries.values())
            else:
                merged[key] = value
    return merged


class Resolver:
    """Resolves unit names against the alias table. Build once (`default()`), share freely: it is read-only."""

    def __init__(self, table: dict[str, Any]):
        self.city: str = table.get("city", CITY)
        self._districts: dict[str, District] = {}
        self._units: dict[str, _Unit] = {}
        self._index: dict[str, str] = {}  # normalised name/alias/full name → canonical city-level name
        self._district_units: dict[str, tuple[str, AgencyType]] = {}  # "区X" form → (canonical "区Y", type)
        self._proper: dict[str, _Unit] = {}  # named units inside one district
        self._place_index: dict[str, District] = {}
        self._places_sorted: list[tuple[str, District]] = []
        # Resolutions already made (the table never changes): a unit list recurs task after task.
        self._resolved: BoundedMemo[Agency] = BoundedMemo()
        self._resolved_lists: BoundedMemo[tuple[tuple[str, Agency], ...]] = BoundedMemo()
        self._build(table)

    # ---- construction -------------------------------------------------------------------------

    @classmethod
    @functools.cache
    def default(cls) -> Resolver:
        return cls.from_files(DEFAULT_ALIASES)

    @classmethod
    def from_files(cls, *paths: Path | str) -> Resolver:
        return cls(_merge(paths))

    def _build(self, table: dict[str, Any]) -> None:
        for d in table.get("districts", []):
            owner = d.get("government") or f"{d['name']}人民政府"
            self._add_district(District(
                name=d["name"], kind="district", ring=d["ring"], owner=owner, short=d.get("short", ""),
                aliases=tuple(d.get("aliases", [])), managed_by=d.get("managed_by"),
                all_districts=not d.get("managed_by"),
            ))
        for z in table.get("zones", []):
            self._add_district(District(
                name=z["name"], kind="zone", ring="开发区", owner=z["committee"], aliases=tuple(z.get("aliases", [])),
                all_districts=bool(z.get("all_districts", False)),
            ))
        for d in self._districts.values():
            if d.managed_by:
                continue
            if d.kind == "district":
                self._add_unit(_Unit(d.owner, "district_government", d.name, [f"{d.name}政府"], district=d.name))
            else:
                full = next((z.get("full", []) for z in table.get("zones", []) if z["name"] == d.name), [])
                aliases = [f"{a}管委会" for a in (d.name, *d.aliases)] + list(full)
                self._add_unit(_Unit(d.owner, "zone_committee", d.name, aliases, district=d.name))
        for u in table.get("units", []):
            self._add_unit(_Unit(
                u["name"], u.get("type", "other"), self.city, [*u.get("aliases", []), *u.get("full", [])],
                branch_name=u.get("branch_name"),
            ))
        for g in table.get("groups", []):
            self._add_unit(_Unit(g["name"], "group", self.city, list(g.get("aliases", [])),
                                 members=self._members(g)))
        for u in table.get("district_units", []):
            if u.get("proper"):
                unit = _Unit(u["name"], u.get("type", "other"), u["district"], list(u.get("aliases", [])),
                             district=u["district"])
                for key in (unit.name, *unit.aliases):
                    self._proper[normalise(key)] = unit
                continue
            for key in (u["name"], *u.get("aliases", [])):
                self._district_units[normalise(key)] = (u["name"], u.get("type", "department"))
        for unit in list(self._units.values()):
            for member in unit.members:
                if member in self._units and unit.name not in self._units[member].member_of:
                    self._units[member].member_of.append(unit.name)

    def _places_longest_first(self) -> list[tuple[str, District]]:
        if len(self._places_sorted) != len(self._place_index):
            self._places_sorted = sorted(self._place_index.items(), key=lambda kv: -len(kv[0]))
        return self._places_sorted

    def _add_district(self, d: District) -> None:
        self._districts[d.name] = d
        for key in (d.name, d.short, *d.aliases):
            if key:
                self._place_index[normalise(key)] = d

    def _add_unit(self, unit: _Unit) -> None:
        self._units[unit.name] = unit
        for key in (unit.name, *unit.aliases):
            self._index[normalise(key)] = unit.name

    def _members(self, group: dict[str, Any]) -> list[str]:
        if "members" in group:
            return list(group["members"])
        rule = group.get("rule", "none")
        live = [d for d in self._districts.values() if not d.managed_by]
        if rule == "all_districts":
            return [d.owner for d in live if d.kind == "district"] + [
                d.owner for d in live if d.kind == "zone" and d.all_districts
            ]
        if rule.startswith("ring:"):
            return [d.owner for d in live if d.kind == "district" and d.ring == rule[5:]]
        if rule == "city_departments":
            return [u.name for u in self._units.values() if u.type == "department" and u.jurisdiction == self.city]
        return []

    # ---- public API -----------------------------------------------------------------------------

    def covers(self, place: str, parent: str = "") -> bool:
        """Whether this table is the place data of a document issued by `place` (in `parent`)."""
        if not place:
            return False
        if parent:
            return parent == self.city or (place == self.city and not parent.endswith("市"))
        return place == self.city or place in self._districts

    def districts(self) -> list[District]:
        """The districts and function zones, in table order."""
        return list(self._districts.values())

    def district_info(self, name: str) -> dict[str, Any] | None:
        """Plain-dict view of one district or zone (for the graph writer), or None."""
        d = self._place_index.get(normalise(name))
        if d is None:
            return None
        return {"id": d.id, "name": d.name, "kind": d.kind, "ring": d.ring, "owner": d.owner,
                "managed_by": d.managed_by}

    def district_owner(self, heading: str) -> Agency:
        """The government or 管委会 that owns a district list headed `heading` ("江岸区", "市东湖生态旅游风景区")."""
        d = self._place_index.get(normalise(heading))
        if d is not None:
            return self._units[d.owner].agency()
        return self.resolve(heading, jurisdiction=self.city)

    def resolve(self, name: str, *, jurisdiction: str = "") -> Agency:
        """One unit name as printed → its canonical Agency (resolved=False if it cannot be placed)."""
        return self._resolved_shared(name, jurisdiction or self.city).copy()

    def _resolved_shared(self, name: str, jurisdiction: str) -> Agency:
        """The memoised Agency itself (not to be changed): what a cached list holds, copied when handed out."""
        return self._resolved.get((name, jurisdiction), lambda: self._resolve(name, jurisdiction))

    def _resolve(self, name: str, jurisdiction: str) -> Agency:
        key = normalise(ROLE_LABEL.sub("", normalise(name)))
        if not key:
            return Agency(name=name.strip(), jurisdiction=jurisdiction, resolved=False)
        base, inner = _strip_brackets(key)
        if not base and len(inner) == 1 and inner[0]:  # "(市发改委)"
            return self._resolve(inner[0], jurisdiction)
        if base and base != key and key not in self._index and key not in self._proper:
            found = self._resolve_key(base, jurisdiction)
            if found is not None:
                extra = [i for i in inner if i in self._index and self._index[i] == found.name]
                found.aliases = list(dict.fromkeys([*found.aliases, *extra]))
                return found
        found = self._resolve_key(key, jurisdiction)
        if found is not None:
            return found
        where = jurisdiction if jurisdiction != self.city else self.city
        return Agency(name=key, jurisdiction=where, type=_guess_type(key), resolved=False,
                      district=jurisdiction if jurisdiction in self._districts else None)

    def resolve_list(self, text: str, *, jurisdiction: str = "") -> list[tuple[str, Agency]]:
        """A unit list as printed → (item as printed, Agency) pairs in order, each agency once."""
        return [(item, agency.copy()) for item, agency in self.resolve_list_shared(text, jurisdiction=jurisdiction)]

    def resolve_list_shared(self, text: str, *, jurisdiction: str = "") -> tuple[tuple[str, Agency], ...]:
        """resolve_list's answer as memoised: the same Agency objects on every call, never to be changed
        (the parser hands them to tasks; nothing downstream changes an Agency)."""
        jurisdiction = jurisdiction or self.city
        return self._resolved_lists.get((text, jurisdiction), lambda: tuple(self._resolve_list(text, jurisdiction)))

    def _resolve_list(self, text: str, jurisdiction: str) -> list[tuple[str, Agency]]:
        items = split_units(text, is_whole=self._is_whole)
        out: list[tuple[str, Agency]] = []
        seen: set[str] = set()
        for pos, item in enumerate(items):
            for agency in self._resolve_item(item, items[pos + 1:], jurisdiction):
                if agency.id not in seen:
                    seen.add(agency.id)
                    out.append((item, agency))
        return out

    def _is_whole(self, piece: str) -> bool:
        """Could `piece` stand alone as a unit (or a place whose unit comes from a shared suffix)?"""
        key = normalise(piece)
        base, _ = _strip_brackets(key)
        return bool(UNIT_END.search(base)) or base in self._place_index or base in self._index or _is_group(base)

    def lookup(self, query: str) -> Agency | None:
        """An agency by canonical name, alias, full official name, Traditional or full-width form; else None."""
        agency = self.resolve(query, jurisdiction=self.city)
        return agency if agency.resolved else None

    def names(self) -> list[str]:
        """Every canonical name the table knows (city units, groups, governments, committees)."""
        return list(self._units)

    def suggest(self, query: str, names: Iterable[str] | None = None, limit: int = 5) -> list[str]:
        """'Did you mean': the closest names by character overlap on normalised forms."""
        q = normalise(query)
        if not q:
            return []
        candidates: dict[str, str] = {}
        if names is None:
            for key, canonical in self._index.items():
                candidates.setdefault(key, canonical)
        else:
            for n in names:
                candidates.setdefault(normalise(n), n)
        qset = set(q)
        scored: dict[str, float] = {}
        for key, shown in candidates.items():
            overlap = len(qset & set(key)) / len(qset | set(key))
            ratio = difflib.SequenceMatcher(None, q, key).ratio()
            score = max(ratio, overlap) + (0.2 if q in key or key in q else 0.0)
            if score >= 0.4 and score > scored.get(shown, 0.0):
                scored[shown] = score
        return [n for n, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    # ---- resolution rules -----------------------------------------------------------------------

    def _resolve_key(self, key: str, jurisdiction: str) -> Agency | None:
        if key in self._index:
            return self._units[self._index[key]].agency()
        if key in self._proper:
            return self._proper[key].agency()
        if key.startswith(self.city) and "市" + key[len(self.city):] in self._index:
            return self._units[self._index["市" + key[len(self.city):]]].agency()
        if key.startswith(self.city):  # "武汉市卫生健康委员会", "武汉市武昌区发展和改革局"
            rest = key[len(self.city):]
            return self._resolve_key("市" + rest, jurisdiction) or self._place_prefixed(rest)
        place = self._place_index.get(key)
        if place is not None:
            return self._units[place.owner].agency()
        branch = self._branch(key)
        if branch is not None:
            return branch
        prefixed = self._place_prefixed(key)
        if prefixed is not None:
            return prefixed
        district = self._districts.get(jurisdiction)
        if district is not None and not district.managed_by:
            local = self._district_unit(key, district.name)
            if local is not None:
                return local
        elif jurisdiction != self.city and jurisdiction.endswith(("区", "县")):
            local = self._district_unit(key, jurisdiction)
            if local is not None:
                return local
        if key.startswith("中共") and len(key) > 4:
            return self._resolve_key(key[2:], jurisdiction)
        if _is_group(key) and not key.startswith("区"):
            return Agency(name=key, jurisdiction=self.city, type="group")
        if key.startswith("市") and LEADING_GROUP.search(key):  # groups are set up per document: accept them
            return Agency(name=key, jurisdiction=self.city, type="leading_group")
        return None

    def _branch(self, key: str) -> Agency | None:
        """市X局武昌分局 / 市X局武昌区分局 → the branch of 市X局 in 武昌区."""
        if not key.endswith("分局"):
            return None
        stem = key[:-2]
        for d in self._districts.values():
            for form in sorted({d.name, d.short} - {""}, key=len, reverse=True):
                if stem.endswith(form) and len(stem) > len(form):
                    parent = self._resolve_key(stem[: -len(form)], self.city)
                    if parent is not None and parent.jurisdiction == self.city and parent.type != "group":
                        return self._make_branch(parent.name, d)
        return None

    def _make_branch(self, parent: str, d: District) -> Agency:
        unit = self._units.get(parent)
        pattern = unit.branch_name if unit and unit.branch_name else "{parent}{short}分局"
        name = pattern.format(parent=parent, short=d.short or d.name, district=d.name)
        return Agency(name=name, jurisdiction=d.name, type="branch", branch_of=parent, district=d.name,
                      member_of=[])

    def _place_prefixed(self, key: str) -> Agency | None:
        """'武昌区公安分局', '武昌社保处', '东湖高新区管委会': a place name followed by a unit."""
        for form, d in self._places_longest_first():
            if not key.startswith(form) or key == form:
                continue
            rest = key[len(form):]
            if rest in GOVERNMENT_SUFFIXES + COMMITTEE_SUFFIXES:
                return self._units[d.owner].agency()
            if d.kind == "district" and not d.managed_by:
                local = rest if rest.startswith(("区", *GROUP_START)) else "区" + rest
                return self._district_unit(local, d.name)
            if rest and UNIT_END.search(rest):
                return Agency(name=d.name + rest, jurisdiction=d.name, type=_guess_type(rest), district=d.name)
        return None

    def _district_unit(self, key: str, district: str) -> Agency | None:
        """'区发改局' in 武昌区 → 武昌区发改局; '各街道' → 武昌区各街道; '区公安分局' → 武昌区公安分局.

        A county document writes "县发改局": the prefix is the jurisdiction's last character (区 or 县).
        """
        level = district[-1] if district[-1] in "区县" else "区"
        if level != "区" and key.startswith(level):
            key = "区" + key[1:]
        if key in ("区人民政府", "区政府") and district in self._districts:
            return self._units[self._districts[district].owner].agency()
        if key in self._district_units:
            short, type_ = self._district_units[key]
            return Agency(name=district + short.removeprefix("区"), jurisdiction=district, type=type_,
                          district=district, aliases=[short] if short != key else [short, key])
        if key.startswith("区") and key.endswith("分局"):
            parent = self._resolve_key("市" + key[1:-2] + "局", self.city)
            d = self._districts.get(district)
            if parent is not None and d is not None:
                return self._make_branch(parent.name, d)
        if key.startswith("区") and _is_group(key):
            return Agency(name=district + key[1:], jurisdiction=district, type="group", district=district)
        if key.startswith(GROUP_START) or key.endswith(GROUP_END):
            return Agency(name=district + key, jurisdiction=district, type="group", district=district)
        if key.startswith("区") and LEADING_GROUP.search(key):
            return Agency(name=district + key[1:], jurisdiction=district, type="leading_group", district=district)
        if key.startswith(("区", "团区委")) and UNIT_END.search(key):
            return Agency(name=district + key.removeprefix("区"), jurisdiction=district, type=_guess_type(key),
                          district=district)
        return None

    def _resolve_item(self, item: str, following: list[str], jurisdiction: str) -> list[Agency]:
        """One top-level list item; may yield two agencies ('X等各Y') or borrow a suffix from what follows."""
        key = normalise(ROLE_LABEL.sub("", item))
        base, _ = _strip_brackets(key)
        m = re.match(r"^(.+?)等(.*)$", base) if "等" in base else None  # the lazy scan only where it can match
        if m and UNIT_END.search(m.group(1)):
            head, rest = m.groups()
            found = [self._resolved_shared(head, jurisdiction)]
            if rest.startswith(GROUP_START):  # "区城管局等各执法单位": the unit and a group; "X等部门": just X
                found.append(self._resolved_shared(rest, jurisdiction))
            return found
        if normalise(base) in self._place_index:
            expanded = self._borrow_suffix(base, following)
            if expanded:
                return [self._resolved_shared(expanded, jurisdiction)]
        return [self._resolved_shared(item, jurisdiction)]

    def _borrow_suffix(self, bare: str, following: list[str]) -> str | None:
        """'青山' before '新洲区人民政府' → '青山区人民政府'; '东湖高新区' before '…管委会' → '东湖高新区管委会'."""
        place = self._place_index[bare]
        for nxt in following:
            n = normalise(nxt)
            if n in self._place_index:
                continue
            for form, d in self._places_longest_first():
                if n.startswith(form) and n != form and d.kind == place.kind:
                    rest = n[len(form):]
                    if d.kind == "district" and form == d.short:
                        rest = rest.removeprefix("区")
                    return (place.name if place.kind == "district" else bare) + rest
            return None
        return None


