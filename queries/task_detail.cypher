// name: task_detail
// title: 任务详情
// description: 一项任务的全部信息：牵头与配合单位（含原文写法）、指标、上下级对应关系（ROLLS_UP_TO）与出处。
// param: id: string — 任务 id，例：t-0123456789abcdef
// example: {"id": "t-0123456789abcdef"}
MATCH (t:Task {id: $id})
OPTIONAL MATCH (t)-[:HAS_INDICATOR]->(i:Indicator)
WITH t, i,
     [ux IN reduce(uacc = [], up IN [(i)-[iu:ROLLS_UP_TO]->(ip:Indicator) | [[ip.doc_id, coalesce(ip.line_start, 0), ip.id], {id: ip.id, name: ip.name, target: ip.target, unit: ip.unit,
        task_id: ip.task_id, method: iu.method, confidence: iu.confidence}]] | [uy IN uacc WHERE uy[0] < up[0]] + [up] + [uy IN uacc WHERE uy[0] >= up[0]]) | ux[1]] AS up,
     [dx IN reduce(dacc = [], dp IN [(ic:Indicator)-[id_:ROLLS_UP_TO]->(i) | [[ic.doc_id, coalesce(ic.line_start, 0), ic.id], {id: ic.id, name: ic.name, target: ic.target, unit: ic.unit,
        task_id: ic.task_id, method: id_.method, confidence: id_.confidence}]] | [dy IN dacc WHERE dy[0] < dp[0]] + [dp] + [dy IN dacc WHERE dy[0] >= dp[0]]) | dx[1]] AS down
ORDER BY coalesce(i.pos, 0), i.id
WITH t, collect(CASE WHEN i IS NULL THEN null ELSE
       {id: i.id, name: i.name, target: i.target, unit: i.unit, comparator: i.comparator, year: i.year,
        type: i.type, text: i.text, set_by_city: i.set_by_city, rolls_up_to: up, rolled_up_from: down} END) AS indicators
RETURN t.id AS id, t.number AS number, t.text AS text, t.source AS source, t.doc_id AS doc_id,
       t.section AS section, t.jurisdiction AS jurisdiction, t.kind AS kind, t.title AS title,
       t.category AS category, t.attribution AS attribution, t.deadline AS deadline,
       t.due AS due, t.due_start AS due_start, t.due_kind AS due_kind,
       {source: t.source, line_start: t.line_start, line_end: t.line_end, span: t.span, location: t.location} AS provenance,
       [lx IN reduce(lacc = [], lp IN [(l:Agency)-[rl:LEADS]->(t) | [[coalesce(rl.pos, 0), l.name], {id: l.id, name: l.name, type: l.type, written: rl.written, location: rl.location}]] | [ly IN lacc WHERE ly[0] < lp[0]] + [lp] + [ly IN lacc WHERE ly[0] >= lp[0]]) | lx[1]] AS lead_agencies,
       [sx IN reduce(sacc = [], sp IN [(s:Agency)-[rs:SUPPORTS]->(t) | [[coalesce(rs.pos, 0), s.name], {id: s.id, name: s.name, type: s.type, written: rs.written, location: rs.location}]] | [sy IN sacc WHERE sy[0] < sp[0]] + [sp] + [sy IN sacc WHERE sy[0] >= sp[0]]) | sx[1]] AS support_agencies,
       [ux IN reduce(uacc = [], up IN [(t)-[ru:ROLLS_UP_TO]->(p:Task) | [[p.source, coalesce(p.line_start, 0), p.id], {id: p.id, number: p.number, text: p.text, source: p.source,
            jurisdiction: p.jurisdiction, method: ru.method, confidence: ru.confidence}]] | [uy IN uacc WHERE uy[0] < up[0]] + [up] + [uy IN uacc WHERE uy[0] >= up[0]]) | ux[1]] AS rolls_up_to,
       [dx IN reduce(dacc = [], dp IN [(c:Task)-[rd:ROLLS_UP_TO]->(t) | [[c.source, coalesce(c.line_start, 0), c.id], {id: c.id, number: c.number, text: c.text, source: c.source,
            jurisdiction: c.jurisdiction, method: rd.method, confidence: rd.confidence}]] | [dy IN dacc WHERE dy[0] < dp[0]] + [dp] + [dy IN dacc WHERE dy[0] >= dp[0]]) | dx[1]] AS rolled_up_from,
       indicators
