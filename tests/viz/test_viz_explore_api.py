"""`/graph/explore`: the explorer's filtered, paged node-link graph, over the samples."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

# 003 "四、民生实事" holds items 1–69; of them, mass organisations lead 6, 7 (团市委), 16 (市残联), 17, 18 (市总工会).
LIVELIHOOD = [str(n) for n in range(1, 70)]
MASS_ORG_TASKS = ["16", "17", "18", "6", "7"]
MASS_ORGS = ["团市委", "市总工会", "市残联"]


@pytest.fixture(scope="module")
def get(ui_server):
    def _get(path: str, **params):
        r = httpx.get(ui_server + path, params=params, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    return _get


def tasks(graph: dict) -> list[dict]:
    return [n for n in graph["nodes"] if n["type"] == "Task"]


def test_section_filter(get):
    g = get("/graph/explore", section="民生实事", limit=1000)
    assert g["total_tasks"] == len(LIVELIHOOD)
    assert sorted(t["number"] for t in tasks(g)) == sorted(LIVELIHOOD)
    assert {t["source"] for t in tasks(g)} == {"003_0cb12dbbb4b3a502.txt"}


def test_indicators_only_when_asked(get):
    with_targets = get("/graph/explore", section="民生实事", limit=1000)
    without = get("/graph/explore", section="民生实事", limit=1000, indicators="false")
    assert any(n["type"] == "Indicator" for n in with_targets["nodes"])
    assert not any(n["type"] == "Indicator" for n in without["nodes"])
    assert not any(link["type"] == "HAS_INDICATOR" for link in without["links"])
    assert len(tasks(without)) == len(tasks(with_targets))


def test_agency_type_filter_keeps_only_that_type(get):
    g = get("/graph/explore", section="民生实事", agency_type="mass_organisation")
    assert sorted(t["number"] for t in tasks(g)) == MASS_ORG_TASKS
    assert sorted(n["label"] for n in g["nodes"] if n["type"] == "Agency") == sorted(MASS_ORGS)
    ids = {n["id"] for n in g["nodes"]}
    assert all(link["source"] in ids and link["target"] in ids for link in g["links"])


def test_document_filter_by_id_or_file_name(get):
    options = get("/graph/explore/options")
    doc = next(d for d in options["documents"] if d["source"] == "003_0cb12dbbb4b3a502.txt")
    by_id = get("/graph/explore", document=doc["id"], limit=5000)
    by_name = get("/graph/explore", document=doc["source"], limit=5000)
    assert by_id["total_tasks"] == by_name["total_tasks"] == len(tasks(by_id)) > len(LIVELIHOOD)
    assert {t["group"] for t in tasks(by_id)} == {doc["id"]}


def test_pages_do_not_overlap_and_cover_the_whole(get):
    first = {t["id"] for t in tasks(get("/graph/explore", limit=50, offset=0))}
    second = {t["id"] for t in tasks(get("/graph/explore", limit=50, offset=50))}
    both = {t["id"] for t in tasks(get("/graph/explore", limit=100, offset=0))}
    assert len(first) == len(second) == 50 and not first & second and first | second == both


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 5001}, {"offset": -1}])
def test_bad_paging_is_a_client_error(ui_server, params):
    assert httpx.get(ui_server + "/graph/explore", params=params, timeout=30).status_code in (400, 422)


def by_unit(graph: dict) -> tuple[dict, dict]:
    """({unit label: count}, {(unit, unit): weight}) of a units view, by unit name."""
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    return ({n["name"]: n["count"] for n in graph["nodes"]},
            {tuple(sorted((names[x["source"]], names[x["target"]]))): x["weight"] for x in graph["links"]})


def test_units_view_counts_each_units_tasks_and_the_tasks_pairs_share(get):
    g = get("/graph/explore", limit=1000, view="units")
    assert g["view"] == "units" and {n["type"] for n in g["nodes"]} == {"Agency"}
    counts, shared = by_unit(g)
    # 市卫健委 holds 15 tasks as lead and 6 as support directly; 4 of them shared with 市民政局
    # (003 237; 000 附件1 rows 9, 14, 15) — see test_viz_pages.
    assert counts["市卫健委"] == 21
    assert shared[tuple(sorted(("市卫健委", "市民政局")))] == 4
    raw = get("/graph/explore", limit=1000, indicators="false")
    pairs = {(x["source"], x["target"]) for x in raw["links"]}
    names = {n["id"]: n["label"] for n in raw["nodes"] if n["type"] == "Agency"}
    assert counts == {names[a]: n for a, n in Counter(a for a, _ in pairs).items()}


def test_units_of_pages_add_up_to_the_units_of_the_whole(get):
    first, second = (by_unit(get("/graph/explore", limit=300, offset=o, view="units")) for o in (0, 300))
    whole = by_unit(get("/graph/explore", limit=600, view="units"))
    assert whole == tuple(dict(Counter(a) + Counter(b)) for a, b in zip(first, second, strict=True))


def test_auto_view_draws_tasks_up_to_1500_nodes(get):
    g = get("/graph/explore", limit=1000, view="auto", indicators="false")
    assert g["view"] == "tasks" and len(tasks(g)) == g["total_tasks"] and len(g["nodes"]) <= 1500
