"""A small hand-written graph in the schema, for API tests that must not wait for the loaders.

Modelled on data/samples/003 (tasks 202, 212, 215 and 民生实事 23) and 000 附件2 (a 江岸区 row), with a
city target and two district targets that roll up into it.
"""

from __future__ import annotations

from graph import derived
from graph.store import GraphStore

API_KEY = "test-key-123"  # the upload key of the keyed test server

DOC = {"id": "doc-003", "source": "003_test.txt", "title": "2023年政府工作报告目标任务责任分解方案"}
DOC2 = {"id": "doc-000", "source": "000_test.txt", "title": "民生保障提效公共服务提质实施方案"}

AGENCIES = [
    # id, name, jurisdiction, type, aliases
    ("ag-wjw", "市卫健委", "武汉市", "department", ["武汉市卫生健康委员会", "市卫生健康委"]),
    ("ag-mzj", "市民政局", "武汉市", "department", ["武汉市民政局"]),
    ("ag-czj", "市财政局", "武汉市", "department", []),
    ("ag-cgw", "市城管执法委", "武汉市", "department", []),
    ("ag-gq", "各区人民政府", "武汉市", "group", []),
    ("ag-gzx", "各中心城区人民政府", "武汉市", "group", []),
    ("ag-ja", "江岸区人民政府", "江岸区", "district_government", []),
    ("ag-jafgj", "江岸区发改局", "江岸区", "department", []),
    ("ag-wc", "武昌区人民政府", "武昌区", "district_government", []),
    ("ag-lonely", "市档案馆", "武汉市", "department", []),
]

TASKS = [
    # id, doc, number, text, section, jurisdiction, kind, line
    ("t-202", DOC, "202", "完善三孩生育政策配套措施，托位总数达到4万个。", ["(十)民生"], "武汉市", "task", 111),
    ("t-212", DOC, "212", "加快区域医共体建设。", ["(十)民生"], "武汉市", "task", 123),
    ("t-214", DOC, "214", "深入实施“323”攻坚行动。", ["(十)民生"], "武汉市", "task", 125),
    ("t-215", DOC, "215", "深化新时代爱国卫生运动。", ["(十)民生"], "武汉市", "task", 126),
    ("t-237", DOC, "237", "推进共同缔造活动试点拓面提质。", ["(十一)治理"], "武汉市", "task", 153),
    ("t-m23", DOC, "23", "在公共场所配置自动体外除颤仪(AED)800台。", ["民生实事"], "武汉市", "task", 202),
    ("t-c1", DOC2, "13", "各中心城区至少新建1所综合性养老中心。", ["附件1", "五、老有所养"], "武汉市", "task", 360),
    ("t-ja1", DOC2, "1", "完成婴幼儿照护机构建设任务。", ["附件2", "江岸区", "一、幼有所育"], "江岸区", "district_row", 470),
    ("t-wc1", DOC2, "1", "完成婴幼儿照护机构建设任务。", ["附件2", "武昌区", "一、幼有所育"], "武昌区", "district_row", 520),
    ("t-jafg", DOC2, "2", "区发改局推进项目谋划。", ["附件2", "江岸区"], "江岸区", "task", 480),
    ("t-none", DOC, "999", "无人认领的任务。", ["(十一)治理"], "武汉市", "task", 160),
]

EDGES = [
    ("ag-wjw", "LEADS", "t-202"), ("ag-gq", "SUPPORTS", "t-202"),
    ("ag-wjw", "LEADS", "t-212"), ("ag-gq", "SUPPORTS", "t-212"),
    ("ag-wjw", "LEADS", "t-214"),
    ("ag-wjw", "LEADS", "t-215"), ("ag-cgw", "SUPPORTS", "t-215"), ("ag-gq", "SUPPORTS", "t-215"),
    ("ag-mzj", "LEADS", "t-237"), ("ag-cgw", "SUPPORTS", "t-237"), ("ag-wjw", "SUPPORTS", "t-237"),
    ("ag-gq", "SUPPORTS", "t-237"),
    ("ag-wjw", "LEADS", "t-m23"), ("ag-czj", "SUPPORTS", "t-m23"), ("ag-gq", "SUPPORTS", "t-m23"),
    ("ag-mzj", "LEADS", "t-c1"), ("ag-gzx", "SUPPORTS", "t-c1"),
    ("ag-jafgj", "LEADS", "t-jafg"),
]

INDICATORS = [
    # id, task, name, target, unit
    ("ind-city", "t-202", "托位总数", 4.0, "万个"),
    ("ind-ja", "t-ja1", "托位数", 1.5, "万个"),
    ("ind-wc", "t-wc1", "托位数", 1.0, "万个"),
    ("ind-lone", "t-212", "医共体数", None, "个"),
]


def write_small_graph(store: GraphStore) -> None:
    """Create the small graph in one write."""
    st: list[tuple[str, dict]] = []
    for d in (DOC, DOC2):
        st.append(("CREATE (:Document {id: $id, source: $source, title: $title})", d))
    st.append(("CREATE (:District {id: 'd-ja', name: '江岸区', kind: 'district', ring: '中心城区'})", {}))
    st.append(("CREATE (:District {id: 'd-wc', name: '武昌区', kind: 'district', ring: '中心城区'})", {}))
    for id_, name, jur, typ, aliases in AGENCIES:
        st.append((
            "CREATE (:Agency {id: $id, name: $name, jurisdiction: $j, type: $t, aliases: $al, written: [$name]})",
            {"id": id_, "name": name, "j": jur, "t": typ, "al": aliases},
        ))
    for id_, doc, number, text, section, jur, kind, line in TASKS:
        st.append((
            ("CREATE (:Task {id: $id, doc_id: $doc, source: $source, number: $number, text: $text, section: $section,"
            " jurisdiction: $j, kind: $kind, title: '', line_start: $line, line_end: $line, span: $text,"
            " attribution: ''})"),
            {"id": id_, "doc": doc["id"], "source": doc["source"], "number": number, "text": text,
             "section": section, "j": jur, "kind": kind, "line": line},
        ))
    for a, rel, t in EDGES:
        st.append((
            (f"MATCH (a:Agency {{id: $a}}), (t:Task {{id: $t}}) CREATE (a)-[:{rel} {{doc_id: t.doc_id, source: t.source,"
            " line_start: t.line_start, line_end: t.line_end, span: t.span, written: a.name, rule: 'test'}]->(t)"),
            {"a": a, "t": t},
        ))
    for member, group in (("ag-ja", "ag-gq"), ("ag-ja", "ag-gzx"), ("ag-wc", "ag-gq"), ("ag-wc", "ag-gzx")):
        st.append(("MATCH (a:Agency {id: $a}), (g:Agency {id: $g}) CREATE (a)-[:MEMBER_OF]->(g)", {"a": member, "g": group}))
    for agency, district in (("ag-ja", "d-ja"), ("ag-jafgj", "d-ja"), ("ag-wc", "d-wc")):
        st.append(("MATCH (a:Agency {id: $a}), (d:District {id: $d}) CREATE (a)-[:IN_DISTRICT]->(d)",
                   {"a": agency, "d": district}))
    for id_, task, name, target, unit in INDICATORS:
        st.append((
            ("MATCH (t:Task {id: $task}) CREATE (t)-[:HAS_INDICATOR]->(:Indicator {id: $id, task_id: $task,"
            " doc_id: t.doc_id, name: $name, target: $target, unit: $unit, comparator: '>=', year: 2023,"
            " text: $name, type: '预期性', set_by_city: false})"),
            {"id": id_, "task": task, "name": name, "target": target, "unit": unit},
        ))
    for child, parent in (("ind-ja", "ind-city"), ("ind-wc", "ind-city")):
        st.append((("MATCH (c:Indicator {id: $c}), (p:Indicator {id: $p}) CREATE (c)-[:ROLLS_UP_TO {method: 'test',"
                   " confidence: 0.9}]->(p)"), {"c": child, "p": parent}))
    st.append((("MATCH (c:Task {id: 't-ja1'}), (p:Task {id: 't-202'}) CREATE (c)-[:ROLLS_UP_TO {method: 'test',"
               " confidence: 0.8}]->(p)"), {}))
    store.write(st)
    derived.refresh(store)  # as the loaders do after writing
