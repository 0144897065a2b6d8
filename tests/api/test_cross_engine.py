"""The same samples loaded into both engines in one run give the same answers, byte for byte.

Runs in the Neo4j pass (`pytest --backend neo4j`): `api` serves the samples from Neo4j, `falkordb_api`
from the session's embedded FalkorDB (tests/api/conftest.py). Every answer is compared whole (lists, their
order, `via`, counts), so an order that one engine leaves to chance shows up here.
"""

from __future__ import annotations

import json
from itertools import combinations
from urllib.parse import quote

import httpx
import pytest

from graph.settings import REPO_ROOT

pytestmark = pytest.mark.neo4j
ALL = {"limit": 1000}
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"


def get(client: httpx.Client, url: str, **params) -> object:
    r = client.get(url, params=params)
    assert r.status_code == 200, (url, r.text)
    return r.json()


def test_backends_differ(api: httpx.Client, falkordb_api: httpx.Client) -> None:
    assert get(api, "/health")["backend"] == "neo4j"
    assert get(falkordb_api, "/health")["backend"] == "falkordb"
    assert get(api, "/health")["counts"] == get(falkordb_api, "/health")["counts"]


def test_export_is_identical(api: httpx.Client, falkordb_api: httpx.Client) -> None:
    neo4j_lines = sorted(api.get("/export.jsonl").text.splitlines())
    falkordb_lines = sorted(falkordb_api.get("/export.jsonl").text.splitlines())
    assert len(neo4j_lines) > 500
    assert neo4j_lines == falkordb_lines


def first_difference(a: object, b: object, path: str = "") -> str:
    """Where two JSON values first differ, e.g. `items[3].via: ['各区人民政府'] != None`."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return first_difference(a.get(k), b.get(k), f"{path}.{k}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    show = lambda v: json.dumps(v, ensure_ascii=False)[:300]
    return f"{path or '.'}: neo4j {show(a)} != falkordb {show(b)}"


def report(differ: list[str]) -> str:
    """The first few differences; all of them go to tests/artifacts/cross_engine_*.txt."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"cross_engine_{len(differ)}.txt"
    out.write_text("\n".join(differ), encoding="utf-8")
    return f"{len(differ)} answers differ between the engines (all in {out}):\n" + "\n".join(differ[:20])


def answers_differ(urls: list[tuple[str, dict]], api: httpx.Client, other: httpx.Client) -> list[str]:
    out = []
    for url, params in urls:
        a, b = get(api, url, **params), get(other, url, **params)
        if a != b:
            out.append(f"GET {url} {params} {first_difference(a, b)}")
    return out


def test_agency_answers_are_identical(api: httpx.Client, falkordb_api: httpx.Client) -> None:
    agencies = get(falkordb_api, "/agencies", **ALL)
    assert agencies == get(api, "/agencies", **ALL)
    names = [a["name"] for a in agencies["items"]]
    assert len(names) > 50
    urls = []
    for name in names:
        n = quote(name, safe="")
        urls += [(f"/agencies/{n}", {}), (f"/agencies/{n}/tasks", ALL),
                 (f"/agencies/{n}/tasks", {"role": "lead", **ALL}), (f"/agencies/{n}/neighbours", ALL),
                 (f"/graph/agency/{n}", {"depth": 2})]
    busiest = [w["name"] for w in get(falkordb_api, "/stats/workload", limit=8)["items"]]
    for a, b in combinations(busiest, 2):
        urls += [(f"/agencies/{quote(a, safe='')}/shared/{quote(b, safe='')}", ALL),
                 ("/paths", {"from": a, "to": b})]
    differ = answers_differ(urls, api, falkordb_api)
    assert not differ, report(differ)


def test_task_district_and_indicator_answers_are_identical(api: httpx.Client, falkordb_api: httpx.Client) -> None:
    tasks = get(falkordb_api, "/tasks", **ALL)
    assert tasks["total"] > 300
    urls: list[tuple[str, dict]] = [("/tasks", ALL),
        ("/tasks", {"q": "医疗", **ALL}), ("/tasks", {"source": "003", **ALL}), ("/tasks/unowned", ALL),
        ("/stats/workload", ALL), ("/stats/workload", {"document": "000", **ALL}), ("/stats/network", {}),
        ("/districts", {}),
    ]
    urls += [(f"/districts/{quote(d, safe='')}/tasks", ALL) for d in get(falkordb_api, "/districts")]
    for t in tasks["items"]:
        urls += [(f"/tasks/{quote(t['id'], safe='')}", {})]
    for t in tasks["items"][::25]:
        urls += [(f"/graph/task/{quote(t['id'], safe='')}", {})]
    r = falkordb_api.post("/cypher", json={"query": "MATCH (i:Indicator) RETURN i.id AS id ORDER BY id"})
    indicators = [row["id"] for row in r.json()["rows"]]
    assert indicators
    urls += [(f"/indicators/{quote(i, safe='')}/rollup", {}) for i in indicators]
    differ = answers_differ(urls, api, falkordb_api)
    assert not differ, report(differ)


def test_every_catalogue_query_answers_the_same(api: httpx.Client, falkordb_api: httpx.Client) -> None:
    listing = get(falkordb_api, "/queries")
    task_id = get(falkordb_api, "/tasks", limit=1)["items"][0]["id"]
    differ = []
    for q in listing:
        params = dict(q["example"])
        if "id" in params:
            params["id"] = task_id
        a = api.post(f"/queries/{q['name']}", json={"params": params})
        b = falkordb_api.post(f"/queries/{q['name']}", json={"params": params})
        assert a.status_code == b.status_code == 200, (q["name"], a.text, b.text)
        rows_a, rows_b = a.json()["rows"], b.json()["rows"]
        if rows_a != rows_b:
            differ.append(f"query {q['name']} {params} {first_difference(rows_a, rows_b)}")
    assert not differ, report(differ)



def test_ledgers_are_identical(api: httpx.Client, falkordb_api: httpx.Client) -> None:
    busiest = [w["name"] for w in get(falkordb_api, "/stats/workload", limit=10)["items"]]
    urls = [f"/agencies/{quote(n, safe='')}/ledger.csv" for n in busiest]
    urls += [f"/districts/{quote(d, safe='')}/ledger.csv" for d in get(falkordb_api, "/districts")]
    urls += ["/workload.csv", "/tasks/ledger.csv"]
    differ = []
    for url in urls:
        a, b = api.get(url), falkordb_api.get(url)
        assert a.status_code == b.status_code == 200, (url, a.text[:200], b.text[:200])
        if a.content != b.content:
            differ.append(f"GET {url} {first_difference(a.text.splitlines(), b.text.splitlines())}")
    assert not differ, report(differ)
