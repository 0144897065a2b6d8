// name: indicator_rollup
// title: 指标汇总（上级目标与下级分解目标）
// description: 一个指标及汇入它的下级指标（ROLLS_UP_TO），附各自所属任务；下级目标单位一致且均有数值时给出合计。
// param: id: string — 指标 id，例：ind-0123456789abcdef
// example: {"id": "ind-0123456789abcdef"}
MATCH (i:Indicator {id: $id})
OPTIONAL MATCH (c:Indicator)-[r:ROLLS_UP_TO]->(i)
OPTIONAL MATCH (ct:Task)-[:HAS_INDICATOR]->(c)
WITH i, c, r, ct ORDER BY ct.source, ct.line_start, coalesce(c.pos, 0), c.id
WITH i, collect(CASE WHEN c IS NULL THEN null ELSE {
        indicator: c {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city},
        task: {id: ct.id, number: ct.number, text: ct.text, source: ct.source, doc_id: ct.doc_id,
               section: ct.section, jurisdiction: ct.jurisdiction, kind: ct.kind, title: ct.title},
        method: r.method, confidence: r.confidence} END) AS children
WITH i, children, [x IN children | x.indicator.unit] AS units, [x IN children | x.indicator.target] AS targets
WITH i, children, units, targets,
     size(children) > 0 AND all(u IN units WHERE u IS NOT NULL AND u = units[0])
       AND all(v IN targets WHERE v IS NOT NULL) AS summable
RETURN i {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city, .task_id} AS indicator,
       children,
       CASE WHEN summable THEN reduce(s = 0.0, v IN targets | s + v) ELSE null END AS sum,
       CASE WHEN summable THEN units[0] ELSE i.unit END AS unit
