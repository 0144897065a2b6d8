"""The HTTP API over a small hand-written graph (tests/api/small_graph.py): shapes, names, errors, safety."""

from __future__ import annotations

import httpx
import pytest
from small_graph import API_KEY


def ids(page: dict) -> set[str]:
    return {t["id"] for t in page["items"]}


def test_health(small: httpx.Client, backend: str) -> None:
    r = small.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["backend"] == backend
    assert body["counts"]["Task"] == 11 and body["counts"]["Agency"] == 10


def test_chinese_is_not_escaped(small: httpx.Client) -> None:
    r = small.get("/agencies/市卫健委")
    assert "市卫健委".encode() in r.content and b"\\u" not in r.content


@pytest.mark.parametrize(
    "written",
    [
        "市卫健委",  # canonical
        "武汉市卫生健康委员会",  # full official name (alias)
        "市卫生健康委",  # alias
        "市衛健委",  # Traditional
        "武漢市衛生健康委員會",  # Traditional full name
        "市卫健委\u3000",  # ideographic (full-width) space
        " 市卫健委 ",
    ],
)
def test_agency_name_forms_resolve(small: httpx.Client, written: str) -> None:
    r = small.get(f"/agencies/{written}/tasks", params={"role": "lead"})
    assert r.status_code == 200, r.text
    assert ids(r.json()) == {"t-202", "t-212", "t-214", "t-215", "t-m23"}


def test_district_name_forms(small: httpx.Client) -> None:
    for written in ("江岸区", "江岸", "江岸區", "江岸区人民政府", "江岸區人民政府"):
        assert small.get(f"/districts/{written}/tasks").status_code == 200, written
    assert small.get("/districts/ＡＢＣ/tasks").status_code == 404


def test_role_support_and_any(small: httpx.Client) -> None:
    support = small.get("/agencies/市卫健委/tasks", params={"role": "support"}).json()
    assert ids(support) == {"t-237"}
    assert support["items"][0]["role"] == "support" and support["items"][0]["via"] is None
    every = small.get("/agencies/市卫健委/tasks").json()
    assert every["total"] == 6


def test_group_tasks_marked_via(small: httpx.Client) -> None:
    page = small.get("/agencies/江岸区人民政府/tasks").json()
    by_id = {t["id"]: t for t in page["items"]}
    # 各区人民政府 supports 202, 212, 215, 237, 民生实事23; 各中心城区人民政府 supports the 附件1 row 13.
    assert set(by_id) == {"t-202", "t-212", "t-215", "t-237", "t-m23", "t-c1"}
    assert {t["via"] for t in by_id.values()} == {"各区人民政府", "各中心城区人民政府"}
    assert by_id["t-c1"]["via"] == "各中心城区人民政府"
    assert all(t["role"] == "support" for t in by_id.values())


def test_district_tasks(small: httpx.Client) -> None:
    page = small.get("/districts/江岸区/tasks").json()
    by_id = {t["id"]: t for t in page["items"]}
    assert set(by_id) == {"t-202", "t-212", "t-215", "t-237", "t-m23", "t-c1", "t-ja1", "t-jafg"}
    assert by_id["t-jafg"]["role"] == "lead" and by_id["t-jafg"]["via"] is None
    assert by_id["t-ja1"]["kind"] == "district_row"
    assert by_id["t-202"]["via"] == "各区人民政府"
    for alias in ("江岸", "江岸区人民政府"):
        assert ids(small.get(f"/districts/{alias}/tasks").json()) == set(by_id)
    assert "t-wc1" in ids(small.get("/districts/武昌区/tasks").json())


def test_unknown_names_suggest(small: httpx.Client) -> None:
    r = small.get("/agencies/市卫建委/tasks")
    assert r.status_code == 404
    body = r.json()
    assert set(body) == {"error", "detail", "suggestions"}
    assert "市卫健委" in body["suggestions"]
    r = small.get("/districts/江安区/tasks")
    assert r.status_code == 404 and "江岸区" in r.json()["suggestions"]


def test_shared(small: httpx.Client) -> None:
    page = small.get("/agencies/市卫健委/shared/市民政局").json()
    assert ids(page) == {"t-237"}
    item = page["items"][0]
    assert item["role"] == "support" and item["other_role"] == "lead"
    assert ids(small.get("/agencies/市卫健委/shared/市城管执法委").json()) == {"t-215", "t-237"}
    assert small.get("/agencies/市卫健委/shared/市档案馆").json()["total"] == 0


def test_pagination(small: httpx.Client) -> None:
    everything = small.get("/agencies/市卫健委/tasks").json()
    first = small.get("/agencies/市卫健委/tasks", params={"limit": 2}).json()
    rest = small.get("/agencies/市卫健委/tasks", params={"limit": 2, "offset": 2}).json()
    assert (first["total"], first["limit"], first["offset"]) == (6, 2, 0)
    assert [t["id"] for t in first["items"] + rest["items"]] == [t["id"] for t in everything["items"][:4]]
    past = small.get("/agencies/市卫健委/tasks", params={"offset": 50}).json()
    assert (past["items"], past["total"], past["offset"]) == ([], 6, 50)
    district = small.get("/districts/江岸区/tasks", params={"limit": 3, "offset": 6}).json()
    assert (len(district["items"]), district["total"]) == (2, 8)
    assert "total" not in district["items"][0]
    assert small.get("/agencies/市卫健委/tasks", params={"limit": 1001}).status_code == 422
    assert small.get("/agencies/市卫健委/tasks", params={"role": "boss"}).status_code == 422


def test_agency_tasks_by_document_and_by_group(small: httpx.Client) -> None:
    # 江岸区人民政府 is named on nothing itself: its six tasks come through 各区人民政府 (003) and 各中心城区人民政府 (000)
    assert small.get("/agencies/江岸区人民政府/tasks", params={"via": "direct"}).json()["total"] == 0
    group = small.get("/agencies/江岸区人民政府/tasks", params={"via": "group", "limit": 1}).json()
    assert group["total"] == 6 and [t["via"] for t in group["items"]] == ["各中心城区人民政府"]
    one = small.get("/agencies/江岸区人民政府/tasks", params={"document": "003"}).json()
    assert one["total"] == 5 and {t["via"] for t in one["items"]} == {"各区人民政府"}
    assert small.get("/agencies/江岸区人民政府/tasks", params={"document": "003_test.txt", "via": "group"}).json()[
        "total"] == 5
    assert small.get("/agencies/市卫健委/tasks", params={"document": ""}).json()["total"] == 6  # empty: every document
    assert small.get("/agencies/市卫健委/tasks", params={"via": "both"}).status_code == 422


def test_agency_profile(small: httpx.Client) -> None:
    a = small.get("/agencies/武汉市卫生健康委员会").json()
    assert a["name"] == "市卫健委" and a["id"] == "ag-wjw"
    assert a["counts"] == {"lead": 5, "support": 1, "via_group": 0}
    assert a["document_count"] == 1
    assert small.get("/agencies/武汉市卫生健康委员会/documents").json()["items"] == [
        {"doc_id": "doc-003", "source": "003_test.txt", "title": "2023年政府工作报告目标任务责任分解方案", "lead": 5, "support": 1}]
    ja = small.get("/agencies/江岸区人民政府").json()
    assert sorted(ja["member_of"]) == ["各中心城区人民政府", "各区人民政府"]
    assert ja["counts"]["via_group"] == 6
    sections = small.get("/agencies/武汉市卫生健康委员会/sections").json()
    assert sections["total"] == 3
    assert [(x["section"], x["lead"], x["support"]) for x in sections["items"]] == [
        ("(十)民生", 4, 0), ("(十一)治理", 0, 1), ("民生实事", 1, 0)]  # in the order of the document
    assert small.get("/agencies/市卫健委/sections", params={"document": "000"}).json()["total"] == 0
    assert small.get("/agencies/市卫健委/sections", params={"limit": 1, "offset": 2}).json()["items"] == [
        {"doc_id": "doc-003", "section": "民生实事", "lead": 1, "support": 0}]
    assert "sections" not in a and "documents" not in a  # lists of their own: at 100x they made a 600 KB answer
    idle = small.get("/agencies/市档案馆").json()
    assert idle["counts"] == {"lead": 0, "support": 0, "via_group": 0} and idle["due_years"] == []
    assert idle["document_count"] == 0 and small.get("/agencies/市档案馆/documents").json()["total"] == 0
    assert small.get("/agencies/市档案馆/sections").json()["items"] == []
    group = small.get("/agencies/各区人民政府").json()
    assert sorted(group["members"]) == ["武昌区人民政府", "江岸区人民政府"]


def test_agency_list(small: httpx.Client) -> None:
    page = small.get("/agencies", params={"q": "卫健"}).json()
    assert [a["name"] for a in page["items"]] == ["市卫健委"]
    assert page["items"][0]["lead"] == 5 and page["items"][0]["support"] == 1
    assert small.get("/agencies").json()["total"] == 10


def test_task_detail(small: httpx.Client) -> None:
    t = small.get("/tasks/t-202").json()
    assert t["leads"] == ["市卫健委"] and t["supports"] == ["各区人民政府"]
    assert t["provenance"]["line_start"] == 111 and t["provenance"]["source"] == "003_test.txt"
    assert [c["id"] for c in t["rolled_up_from"]] == ["t-ja1"]
    ind = t["indicators"][0]
    assert ind["id"] == "ind-city"
    assert sorted(c["id"] for c in ind["rolled_up_from"]) == ["ind-ja", "ind-wc"]
    assert small.get("/tasks/t-ja1").json()["rolls_up_to"][0]["id"] == "t-202"
    assert small.get("/tasks/no-such-task").status_code == 404


def test_task_search(small: httpx.Client) -> None:
    assert ids(small.get("/tasks", params={"q": "婴幼儿"}).json()) == {"t-ja1", "t-wc1"}
    assert ids(small.get("/tasks", params={"q": "婴幼儿", "jurisdiction": "江岸区"}).json()) == {"t-ja1"}
    assert ids(small.get("/tasks", params={"section": "治理"}).json()) == {"t-237", "t-none"}
    assert small.get("/tasks", params={"source": "003"}).json()["total"] == 7
    assert ids(small.get("/tasks/unowned").json()) == {"t-none"}


def test_indicator_rollup(small: httpx.Client) -> None:
    body = small.get("/indicators/ind-city/rollup").json()
    assert body["indicator"]["id"] == "ind-city"
    assert sorted(c["indicator"]["id"] for c in body["children"]) == ["ind-ja", "ind-wc"]
    assert body["sum"] == pytest.approx(2.5) and body["unit"] == "万个"
    assert {c["task"]["jurisdiction"] for c in body["children"]} == {"江岸区", "武昌区"}
    leaf = small.get("/indicators/ind-ja/rollup").json()
    assert leaf["children"] == [] and leaf["sum"] is None
    assert small.get("/indicators/nope/rollup").status_code == 404


def test_workload(small: httpx.Client) -> None:
    page = small.get("/stats/workload").json()
    top = page["items"][0]
    assert (top["name"], top["lead"], top["support"], top["total"]) == ("市卫健委", 5, 1, 6)
    per_doc = small.get("/stats/workload", params={"document": "000"}).json()
    assert {(w["name"], w["lead"], w["support"]) for w in per_doc["items"]} == {
        ("市民政局", 1, 0), ("各中心城区人民政府", 0, 1), ("江岸区发改局", 1, 0)}


def test_network_and_paths(small: httpx.Client) -> None:
    net = small.get("/stats/network").json()
    names = {n["name"] for n in net["nodes"]}
    assert "市卫健委" in names and net["edges"] > 0
    assert any("市卫健委" in c for c in net["communities"])
    path = small.get("/paths", params={"from": "市财政局", "to": "市民政局"}).json()
    # 市财政局 —23— 市卫健委 —237— 市民政局 (or via 各区人民政府 on 23 and 237)
    assert path["connected"] and path["hops"] == 2
    assert [s["kind"] for s in path["steps"]] == ["agency", "task", "agency", "task", "agency"]
    assert path["steps"][0]["name"] == "市财政局" and path["steps"][-1]["name"] == "市民政局"
    none = small.get("/paths", params={"from": "市卫健委", "to": "市档案馆"}).json()
    assert none["connected"] is False and none["steps"] == []


def test_graph_endpoints(small: httpx.Client) -> None:
    g = small.get("/graph/agency/江岸区人民政府").json()
    nodes = {n["id"]: n for n in g["nodes"]}
    assert nodes["ag-ja"]["type"] == "Agency" and nodes["ag-gq"]["group"] == "group"
    assert {"source": "ag-ja", "target": "ag-gq", "type": "MEMBER_OF"} in g["links"]
    assert {"source": "ag-gq", "target": "t-202", "type": "SUPPORTS"} in g["links"]
    assert nodes["d-ja"]["type"] == "District" and {"source": "ag-ja", "target": "d-ja", "type": "IN_DISTRICT"} in g["links"]
    deep = small.get("/graph/agency/市卫健委", params={"depth": 2}).json()
    deep_ids = {n["id"] for n in deep["nodes"]}
    assert {"ag-wjw", "t-202", "ag-mzj", "ind-city"} <= deep_ids
    ends = {(l["source"], l["target"]) for l in deep["links"]}
    assert all(s in deep_ids and t in deep_ids for s, t in ends)
    t = small.get("/graph/task/t-202").json()
    types = {l["type"] for l in t["links"]}
    assert {"LEADS", "SUPPORTS", "HAS_INDICATOR", "ROLLS_UP_TO", "IN_DOCUMENT"} <= types
    assert {n["type"] for n in t["nodes"]} == {"Agency", "Task", "Indicator", "Document"}


def test_queries_endpoints(small: httpx.Client) -> None:
    listing = small.get("/queries").json()
    assert {"agency_tasks", "district_tasks", "workload"} <= {q["name"] for q in listing}
    r = small.post("/queries/agency_tasks", json={"params": {"name": "市卫健委", "role": "lead"}})
    assert r.status_code == 200
    body = r.json()
    assert "id" in body["columns"] and {row["id"] for row in body["rows"]} == {"t-202", "t-212", "t-214", "t-215", "t-m23"}
    r = small.get("/queries/workload.json", params={"limit": "1"})
    assert r.status_code == 200 and [row["name"] for row in r.json()["rows"]] == ["市卫健委"]
    bad = small.post("/queries/agency_tasks", json={"params": {"name": "市卫健委", "rol": "x"}})
    assert bad.status_code == 400 and "role" in bad.json()["detail"]
    assert small.post("/queries/agency_tasks", json={"params": {}}).status_code == 400
    unknown = small.post("/queries/agency_task", json={"params": {}})
    assert unknown.status_code == 404 and "agency_tasks" in unknown.json()["suggestions"]


WRITES = [
    "CREATE (:Agency {id: 'x', name: 'x'})",
    "MATCH (a:Agency {name: '市卫健委'}) SET a.name = 'x'",
    "MERGE (:Task {id: 'x'})",
    "MATCH (t:Task) DETACH DELETE t",
    "MATCH (t:Task) DELETE t",
    "MATCH (a:Agency) REMOVE a.aliases",
    "match (a:Agency) set a.x = 1",
    "CALL db.idx.fulltext.createNodeIndex('Task', 'text')",
    "MATCH (a:Agency) WITH a /* harmless? */ CREATE (a)-[:LEADS]->(:Task)",
    "CALL () { CREATE (:Agency {id: 'x', name: 'x'}) }",
    "MATCH (a:Agency) CALL (a) { SET a.name = 'x' } RETURN count(a) AS n",
    "CALL { MATCH (t:Task) DETACH DELETE t }",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "terminate transaction 'neo4j-transaction-1'",
    "STOP DATABASE neo4j",
    "LOAD CSV FROM 'file:///etc/hostname' AS row RETURN row",
    "CALL db.createLabel('X')",
]


@pytest.mark.parametrize("query", WRITES)
def test_cypher_refuses_writes(small: httpx.Client, query: str) -> None:
    before = small.get("/health").json()["counts"]
    r = small.post("/cypher", json={"query": query})
    assert r.status_code == 403, r.text
    assert r.json()["error"] == "forbidden"
    assert small.get("/health").json()["counts"] == before


def test_cypher_reads_with_row_limit(small: httpx.Client) -> None:
    r = small.post("/cypher", json={"query": "MATCH (t:Task) RETURN t.id AS id ORDER BY id"})
    body = r.json()
    assert r.status_code == 200 and body["columns"] == ["id"]
    assert len(body["rows"]) == 5 and body["truncated"] is True  # the small server's max_rows is 5
    r = small.post("/cypher", json={"query": "MATCH (a:Agency {name: $n}) RETURN a.id AS id", "params": {"n": "市卫健委"}})
    assert r.json()["rows"] == [{"id": "ag-wjw"}] and r.json()["truncated"] is False
    # a keyword inside a string is not a write
    r = small.post("/cypher", json={"query": "RETURN 'CREATE or DELETE' AS s"})
    assert r.status_code == 200 and r.json()["rows"] == [{"s": "CREATE or DELETE"}]
    r = small.post("/cypher", json={"query": "MATCH (n RETURN n"})
    assert r.status_code == 400 and r.json()["error"] == "query_error"


def test_cypher_time_limit(small: httpx.Client) -> None:
    # every row is built and tested: neither engine can count this from its statistics
    query = "MATCH (a), (b), (c), (d), (e), (f) WHERE a.id + b.id + c.id + d.id + e.id + f.id <> '' RETURN count(*) AS n"
    r = small.post("/cypher", json={"query": query})
    assert r.status_code == 408, r.text  # the small server's limit is 200 ms
    assert r.json()["error"] == "timeout"


def test_export(small: httpx.Client) -> None:
    r = small.get("/export.jsonl")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    import json

    records = [json.loads(line) for line in r.text.splitlines()]
    assert {rec["kind"] for rec in records} >= {"document", "task", "agency"}
    assert sum(rec["kind"] == "task" for rec in records) == 11


def test_documents(small: httpx.Client) -> None:
    page = small.get("/documents").json()
    assert {d["source"]: d["tasks"] for d in page["items"]} == {"000_test.txt": 4, "003_test.txt": 7}
    r = small.post("/documents", files={"file": ("x.txt", "1.测试。(责任单位:市卫健委)".encode())})
    assert r.status_code == 403 and "DUTYGRAPH_API_KEY" in r.json()["detail"]


def test_upload_needs_key(keyed_server) -> None:
    text = "测试任务清单\n\n一、测试\n1.建设测试中心。(牵头单位:市卫健委;责任单位:市民政局)\n".encode()
    with httpx.Client(base_url=keyed_server.url, timeout=60) as c:
        assert c.post("/documents", files={"file": ("t.txt", text)}).status_code == 403
        assert c.post("/documents", files={"file": ("t.txt", text)}, headers={"X-API-Key": "wrong"}).status_code == 403
        r = c.post("/documents", files={"file": ("t.txt", text)}, headers={"X-API-Key": API_KEY})
        assert r.status_code == 201, r.text
        assert c.get("/health").json()["counts"].get("Document") == 1
        assert c.get("/agencies/市卫健委/tasks", params={"role": "lead"}).json()["total"] >= 1


def test_errors_have_one_shape(small: httpx.Client) -> None:
    for r in (small.get("/nope"), small.get("/tasks/x"), small.post("/cypher", json={}),
              small.get("/agencies/市卫健委/tasks", params={"limit": 0})):
        assert set(r.json()) == {"error", "detail", "suggestions"}, r.text


def test_openapi_and_docs(small: httpx.Client) -> None:
    spec = small.get("/openapi.json").json()
    assert "/agencies/{name}/tasks" in spec["paths"] and "/cypher" in spec["paths"]
    page = small.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    # swagger-ui-py is a dependency: the docs load nothing from a CDN
    assert "/docs/assets/" in page.text and "cdn.jsdelivr" not in page.text
    assert small.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert small.get("/docs/assets/../app.py").status_code == 404


def test_cors_off_by_default(small: httpx.Client) -> None:
    r = small.get("/health", headers={"Origin": "http://example.org"})
    assert "access-control-allow-origin" not in r.headers



def test_cors_when_configured(cors_server) -> None:
    with httpx.Client(base_url=cors_server.url, timeout=30) as client:
        r = client.get("/health", headers={"Origin": "http://example.org"})
        assert r.headers["access-control-allow-origin"] == "http://example.org"
        r = client.get("/health", headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in r.headers
