"""Engine-specific query variants (`queries/<backend>/<name>.cypher`) give the same answers as the shared
text they stand in for, row for row and in the same order, on the samples, for many parameter sets.

Runs on the backend the variant is written for (FalkorDB by default); the shared text is run on the same
store, so a difference is the variant's and not the engine's.
"""

from __future__ import annotations

import json
from itertools import product

import pytest

from graph.catalogue import Catalogue
from graph.settings import Settings

PAGES = [(0, 100), (0, 1), (3, 5), (100, 50), (0, 1000), (10_000_000, 10)]
DUES = [(None, None), ("2024-01-01", None), (None, "2023-12-31"), ("2023-01-01", "2024-06-30")]


def search_sets(docs: list[dict]) -> list[dict]:
    base = {"q": None, "document": None, "jurisdiction": None, "section": None, "due_from": None, "due_to": None}
    out = [{**base, "q": q, "offset": o, "limit": n}
           for q, (o, n) in product([None, "托育", "建设", "区", "不存在的词"], PAGES)]
    documents = [d["id"] for d in docs] + [d["source"] for d in docs] + ["00", "0", "zz", ""]
    out += [{**base, "document": d, "offset": o, "limit": n} for d, (o, n) in product(documents, PAGES[:4])]
    out += [{**base, "q": q, "document": d, "jurisdiction": j, "section": s, "due_from": f, "due_to": t,
             "offset": 0, "limit": 100}
            for q, d, j, s, (f, t) in product([None, "推进"], [None, docs[0]["source"][:3]], [None, "武汉市", "江岸区"],
                                              [None, "一、"], DUES)]
    return out


def district_sets(districts: list[str]) -> list[dict]:
    return [{"district": d, "due_from": f, "due_to": t, "offset": o, "limit": n}
            for d, (f, t), (o, n) in product([*districts, "武汉市", "不存在区", "江岸"], DUES[:2], PAGES[:4])]


def agency_sets(names: list[str]) -> list[dict]:
    return [{"name": n, "role": r, "via": v, "document": d, "due_from": f, "due_to": t, "offset": o, "limit": k}
            for n, r, v, d, (f, t), (o, k) in product(names, ["any", "lead", "support"], ["any", "direct", "group"],
                                                      [None, "003"], DUES[:2], PAGES[:3])]


def test_variants_answer_as_the_shared_query(samples_store, backend) -> None:
    store = samples_store.store
    catalogue = Catalogue.load(Settings().dutygraph_queries)
    docs = store.read("MATCH (d:Document) RETURN d.id AS id, d.source AS source ORDER BY id")
    districts = [r["n"] for r in store.read("MATCH (d:District) RETURN d.name AS n ORDER BY n")]
    # the busiest units, a district government (tasks through groups), a group, and a name several units answer to
    shared_alias = store.read("MATCH (a:Agency) UNWIND coalesce(a.aliases, []) AS n WITH n, count(*) AS k "
                              "WHERE k > 1 RETURN n ORDER BY n LIMIT 2")
    units = ["市卫健委", "武汉市卫生健康委员会", "市财政局", "江岸区人民政府", "各区人民政府", "市发改委", "不存在的单位",
             *[r["n"] for r in shared_alias]]
    sets = {"search_tasks": search_sets(docs), "district_tasks": district_sets(districts), "agency_tasks": agency_sets(units)}
    variants = [q for q in catalogue if backend in q.variants and q.name in sets]
    if not variants:
        pytest.skip(f"no {backend} variants with parameter sets here")
    compared = nonempty = 0
    differ = []
    for query in variants:
        for params in sets[query.name]:
            _, bound = catalogue.bind(query.name, params)
            shared = store.read(query.text, bound)
            variant = store.read(query.text_for(backend), bound)
            compared += 1
            nonempty += bool(shared)
            if shared != variant:
                differ.append(f"{query.name} {json.dumps(params, ensure_ascii=False)}: {len(shared)} != {len(variant)} rows")
    assert not differ, "\n".join(differ[:20])
    assert nonempty > compared // 3  # the sets reach answers, not only empty pages
