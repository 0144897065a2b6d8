"""Loading documents into the real embedded store: round trip, idempotence, atomicity."""

from __future__ import annotations

import json

import pytest

from graph.export import export_records
from graph.settings import REPO_ROOT
from loaders.parse import parse_bytes
from loaders.pipeline import Loader, load_paths

SAMPLES = REPO_ROOT / "data" / "samples"
CITY_LIST = SAMPLES / "003_0cb12dbbb4b3a502.txt"
DISTRICT_PLAN = SAMPLES / "004_204739c3a34e3f44.txt"


def snapshot(store) -> list[str]:
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in export_records(store))


def by_kind(records, kind):
    return [r for r in records if r["kind"] == kind]


def test_load_then_export_round_trip(store):
    (result,) = load_paths(store=store, paths=[CITY_LIST])
    assert result.status == "loaded", result.error
    records = list(export_records(store))
    docs = by_kind(records, "document")
    assert [d["source"] for d in docs] == [CITY_LIST.name]
    tasks = {(tuple(t["section"]), t["number"]): t for t in by_kind(records, "task")}
    assert len(tasks) == result.counts["tasks"]
    # Read off the file: "162.完善多式联运体系…(牵头单位:市交通运输局;责任单位:青山、新洲区人民政府,武汉金控集团)"
    t162 = next(t for (section, number), t in tasks.items() if number == "162" and "扩大" not in "".join(section))
    assert t162["leads"] == ["市交通运输局"]
    assert t162["supports"] == ["青山区人民政府", "新洲区人民政府", "武汉金控集团"]
    assert "(牵头单位" not in t162["text"] and t162["text"].startswith("完善多式联运体系")
    assert t162["jurisdiction"] == "武汉市"
    # Every name a task points to is exported as an agency.
    agency_names = {a["name"] for a in by_kind(records, "agency")}
    assert {n for t in tasks.values() for n in t["leads"] + t["supports"]} <= agency_names
    group = next(a for a in by_kind(records, "agency") if a["name"] == "各区人民政府")
    assert {"江岸区人民政府", "青山区人民政府", "东湖高新区管委会"} <= set(group["members"])


def test_loading_the_same_document_twice_changes_nothing(store):
    load_paths(store=store, paths=[CITY_LIST, DISTRICT_PLAN])
    first_counts, first = store.counts(), snapshot(store)
    results = load_paths(store=store, paths=[CITY_LIST, DISTRICT_PLAN])
    assert [r.status for r in results] == ["unchanged", "unchanged"]
    assert store.counts() == first_counts
    assert snapshot(store) == first


def test_a_document_that_fails_half_way_leaves_the_graph_unchanged(store):
    load_paths(store=store, paths=[CITY_LIST, DISTRICT_PLAN])
    before_counts, before = store.counts(), snapshot(store)

    # A changed version of 003 under the same file name: its write first removes the earlier version,
    # then fails on a task property no engine can store (a map). Nothing of it may remain.
    changed = CITY_LIST.read_bytes().replace("建设充电桩6万个".encode(), "建设充电桩7万个".encode())
    parsed = parse_bytes(changed, CITY_LIST.name)
    parsed.tasks[len(parsed.tasks) // 2].deadline = {"not": "a property value"}  # type: ignore[assignment]
    result = Loader(store).load_parsed(parsed)

    assert result.status == "failed"
    assert CITY_LIST.name in result.error
    assert store.counts() == before_counts
    assert snapshot(store) == before


def test_a_changed_file_with_the_same_name_replaces_the_earlier_version(store, tmp_path):
    original = tmp_path / CITY_LIST.name
    original.write_bytes(CITY_LIST.read_bytes())
    load_paths(store=store, paths=[original])
    tasks_before = store.counts()["Task"]
    original.write_bytes(CITY_LIST.read_bytes().replace("建设充电桩6万个".encode(), "建设充电桩7万个".encode()))
    (result,) = load_paths(store=store, paths=[original])
    assert result.status == "loaded"
    docs = by_kind(export_records(store), "document")
    assert len(docs) == 1
    assert store.counts()["Task"] == tasks_before
    texts = [t["text"] for t in by_kind(export_records(store), "task")]
    assert any("7万个" in t for t in texts) and not any("建设充电桩6万个" in t for t in texts)


def test_the_traditional_copy_is_linked_and_adds_no_tasks(store):
    opinion, copy = SAMPLES / "001_17a93bc98c002790.txt", SAMPLES / "002_883d0f23655b3864.txt"
    results = load_paths(store=store, paths=[opinion, copy])
    assert [r.status for r in results] == ["loaded", "duplicate"]
    tasks_with_opinion = store.counts()["Task"]
    docs = {d["source"]: d for d in by_kind(export_records(store), "document")}
    assert docs[copy.name]["duplicate_of"] == docs[opinion.name]["id"]
    assert docs[opinion.name]["duplicate_of"] is None
    assert tasks_with_opinion == results[0].counts["tasks"] > 0


def test_a_file_that_is_not_a_document_is_refused_with_its_name(store, tmp_path):
    load_paths(store=store, paths=[CITY_LIST])
    before = snapshot(store)
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    (result,) = load_paths(store=store, paths=[junk])
    assert result.status == "failed"
    assert "junk.txt" in result.error
    assert snapshot(store) == before


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_every_sample_loads(store, name):
    (result,) = load_paths(store=store, paths=[SAMPLES / name])
    assert result.status == "loaded", result.error
    assert result.counts["tasks"] > 0


# 001 comes before its Traditional copy 002 in every order: which of two copies is the original is load
# history by design (the first stays untouched); everything else must not be.
ORDERS = [
    ["000", "001", "002", "003", "004"],
    ["004", "003", "001", "002", "000"],
    ["003", "001", "000", "004", "002"],
]


def _sample(key: str):
    return next(SAMPLES.glob(f"{key}_*.txt"))


@pytest.fixture
def fresh_stores(graphs):
    opened = []

    def make():
        settings = graphs.settings("order")
        store = graphs.open(settings)
        opened.append((store, settings))
        return store

    yield make
    for store, settings in opened:
        graphs.drop(store, settings)


ROLL_UPS = """
MATCH (c)-[r:ROLLS_UP_TO]->(p)
RETURN c.id AS child, p.id AS parent, r.method AS method, r.confidence AS confidence
ORDER BY child, parent
"""


def snapshot_with_roll_ups(store) -> list[str]:
    """The export, and every roll-up edge (the export lists task roll-ups only) with its method and confidence."""
    return snapshot(store) + [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in store.read(ROLL_UPS)]


def test_roll_ups_do_not_depend_on_load_history(store, fresh_stores):
    """All at once, one file per process in other orders, and a forced re-write: the same export, byte for byte."""
    load_paths(store=store, paths=[_sample(k) for k in ORDERS[0]])
    at_once = snapshot_with_roll_ups(store)
    assert store.counts()["ROLLS_UP_TO"] > 900
    for order in ORDERS[1:]:
        other = fresh_stores()
        for key in order:  # a new Loader for each file: nothing is kept between them but the graph
            (result,) = load_paths(store=other, paths=[_sample(key)])
            assert result.status in ("loaded", "duplicate"), result.error
        assert snapshot_with_roll_ups(other) == at_once, f"order {order}"
    for key in ("000", "003"):
        parsed = parse_bytes(_sample(key).read_bytes(), _sample(key).name)
        result = Loader(store).load_parsed(parsed, version=f"forced-{key}")  # another loader version: written again
        assert result.status == "loaded", result.error
        assert snapshot_with_roll_ups(store) == at_once, f"re-write of {key}"
