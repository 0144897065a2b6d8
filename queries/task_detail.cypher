// name: task_detail
// title: 任务详情
// description: 一项任务的全部信息：牵头与配合单位（含原文写法）、指标、上下级对应关系（ROLLS_UP_TO）与出处。
// param: id: string — 任务 id，例：t-0123456789abcdef
// example: {"id": "t-0123456789abcdef"}
MATCH (t:Task {id: $id})
RETURN t.id AS id, t.number AS number, t.text AS text, t.source AS source, t.doc_id AS doc_id,
       t.section AS section, t.jurisdiction AS jurisdiction, t.kind AS kind, t.title AS title,
       t.category AS category, t.attribution AS attribution, t.deadline AS deadline,
       {source: t.source, line_start: t.line_start, line_end: t.line_end, span: t.span} AS provenance,
       [(l:Agency)-[r:LEADS]->(t) | {id: l.id, name: l.name, type: l.type, written: r.written}] AS lead_agencies,
       [(s:Agency)-[r:SUPPORTS]->(t) | {id: s.id, name: s.name, type: s.type, written: r.written}] AS support_agencies,
       [(t)-[r:ROLLS_UP_TO]->(p:Task) | {id: p.id, number: p.number, text: p.text, source: p.source,
            jurisdiction: p.jurisdiction, method: r.method, confidence: r.confidence}] AS rolls_up_to,
       [(c:Task)-[r:ROLLS_UP_TO]->(t) | {id: c.id, number: c.number, text: c.text, source: c.source,
            jurisdiction: c.jurisdiction, method: r.method, confidence: r.confidence}] AS rolled_up_from,
       [(t)-[:HAS_INDICATOR]->(i:Indicator) | i {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city,
            rolls_up_to: [(i)-[r:ROLLS_UP_TO]->(p:Indicator) | {id: p.id, name: p.name, target: p.target, unit: p.unit,
                task_id: p.task_id, method: r.method, confidence: r.confidence}],
            rolled_up_from: [(c:Indicator)-[r:ROLLS_UP_TO]->(i) | {id: c.id, name: c.name, target: c.target, unit: c.unit,
                task_id: c.task_id, method: r.method, confidence: r.confidence}]}] AS indicators
