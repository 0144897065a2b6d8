// name: agency_tasks
// title: 某单位的任务（牵头/配合）
// description: 一个单位牵头或配合的全部任务，含经由所属群组（如“各区人民政府”）下达的任务，
//   这类任务以 via 标明群组名。role 为该单位在任务中的角色；total 为分页前的总数。
//   via=direct 只列本单位直接承担的，via=group 只列经由群组的；document 只列一份文件的。
//   （一条 HOLDS 边就说明该单位是否直接承担；同名的几个单位才需看其余单位的边。）
//   FalkorDB：任务只找一遍，按文件名分组，组内排序只做到取够一页为止（不必把一万五千条任务全排序）。
// param: name: string — 单位名称（规范名或别名），例：市卫健委
// param: role: string = any — lead | support | any
// param: via: string = any — any | direct | group（direct：本单位直接承担的；group：只经由所属群组的）
// param: document: string = null — 文件 id、文件名或其前缀，留空为全部
// param: due_from: string = null — 截止日期不早于（YYYY-MM-DD），留空不限
// param: due_to: string = null — 截止日期不晚于（YYYY-MM-DD），留空不限
// param: offset: int = 0 — 跳过前多少条（分页）
// param: limit: int = 100000 — 最多返回多少条（分页）
// example: {"name": "市卫健委", "role": "lead"}
MATCH (a:Agency)
WHERE a.name = $name OR $name IN coalesce(a.aliases, [])
WITH collect(a) AS units
// via=group with several units of that name: the tasks one of them holds directly are not "through a group"
CALL {
  WITH units
  UNWIND CASE WHEN $via = 'group' AND size(units) > 1 THEN units ELSE [] END AS h
  MATCH (h)-[y:HOLDS]->(d:Task)
  WHERE CASE $role WHEN 'lead' THEN y.dl WHEN 'support' THEN y.ds ELSE y.dl OR y.ds END
  RETURN collect(DISTINCT d) AS directs
}
UNWIND units AS u
MATCH (u)-[x:HOLDS]->(t:Task)
WHERE ($role = 'any' OR ($role = 'lead' AND (x.dl OR x.vl IS NOT NULL)) OR ($role = 'support' AND (x.ds OR x.vs IS NOT NULL)))
  AND ($due_from IS NULL OR t.due >= $due_from) AND ($due_to IS NULL OR t.due <= $due_to)
  AND ($document IS NULL OR t.doc_id = $document OR t.source = $document OR t.source STARTS WITH $document)
  AND ($via = 'any' OR ($via = 'direct' AND CASE $role WHEN 'lead' THEN x.dl WHEN 'support' THEN x.ds ELSE x.dl OR x.ds END)
       OR ($via = 'group' AND NOT CASE $role WHEN 'lead' THEN x.dl WHEN 'support' THEN x.ds ELSE x.dl OR x.ds END AND NOT t IN directs))
// grouped by file name alone: DISTINCT over (units, t) hashes the list of units on every row (3x slower)
WITH t.source AS source, collect(DISTINCT t) AS ts
WITH collect([source, ts]) AS groups, sum(size(ts)) AS total
UNWIND groups AS g
WITH total, g ORDER BY g[0]
CALL {
  WITH g
  UNWIND g[1] AS t
  RETURN t ORDER BY t.line_start, t.number, t.id
}
WITH total, t SKIP $offset LIMIT $limit
MATCH (h:Agency)-[x:HOLDS]->(t)
WHERE h.name = $name OR $name IN coalesce(h.aliases, [])
WITH t, total, collect(x) AS xs
WITH t, total, any(y IN xs WHERE y.dl) AS dl, any(y IN xs WHERE y.ds) AS ds,
     reduce(v = null, y IN xs | CASE WHEN y.vl IS NOT NULL AND (v IS NULL OR y.vl < v) THEN y.vl ELSE v END) AS vl,
     reduce(v = null, y IN xs | CASE WHEN y.vs IS NOT NULL AND (v IS NULL OR y.vs < v) THEN y.vs ELSE v END) AS vs
WITH t, total, CASE WHEN $role = 'lead' OR ($role = 'any' AND (dl OR (NOT ds AND vl IS NOT NULL))) THEN 'lead' ELSE 'support' END AS role, dl, ds, vl, vs
WITH t, total, role, CASE WHEN (role = 'lead' AND dl) OR (role = 'support' AND ds) OR ($role = 'any' AND (dl OR ds)) THEN null
                          WHEN role = 'lead' THEN vl ELSE vs END AS via
ORDER BY t.source, t.line_start, t.number, t.id
RETURN t.id AS id, t.number AS number, t.text AS text, t.source AS source, t.doc_id AS doc_id,
       t.section AS section, t.jurisdiction AS jurisdiction, t.kind AS kind, t.title AS title,
       t.line_start AS line_start, t.deadline AS deadline, t.due AS due, t.due_start AS due_start, t.due_kind AS due_kind,
       [lx IN reduce(lacc = [], lp IN [(l:Agency)-[lr:LEADS]->(t) | [[coalesce(lr.pos, 0), l.name], l.name]] | [ly IN lacc WHERE ly[0] < lp[0]] + [lp] + [ly IN lacc WHERE ly[0] >= lp[0]]) | lx[1]] AS leads,
       [sx IN reduce(sacc = [], sp IN [(s:Agency)-[sr:SUPPORTS]->(t) | [[coalesce(sr.pos, 0), s.name], s.name]] | [sy IN sacc WHERE sy[0] < sp[0]] + [sp] + [sy IN sacc WHERE sy[0] >= sp[0]]) | sx[1]] AS supports,
       role, via,
       [ix IN reduce(iacc = [], ip IN [(t)-[:HAS_INDICATOR]->(i:Indicator) | [[coalesce(i.pos, 0), i.id], i {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city}]] | [iy IN iacc WHERE iy[0] < ip[0]] + [ip] + [iy IN iacc WHERE iy[0] >= ip[0]]) | ix[1]] AS indicators,
       total
