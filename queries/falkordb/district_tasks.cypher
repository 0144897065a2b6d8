// name: district_tasks
// title: 某区承担的全部任务
// description: 一个区的区政府及其区属单位承担的任务：直接点名的、经由“各区人民政府”“各新城区人民政府”
//   “各中心城区人民政府”等群组下达的（via 标明群组），以及该区的任务清单行（如公报附件2中的分区任务）。
//   FalkorDB：该区的单位经索引找出（按所属区、名称、所在区节点）只找一次；任务按文件名分组，组内排序只做到取够一页为止
//   （不必给两万多条任务全排序）。
// param: district: string — 区名，例：江岸区
// param: due_from: string = null — 截止日期不早于（YYYY-MM-DD），留空不限
// param: due_to: string = null — 截止日期不晚于（YYYY-MM-DD），留空不限
// param: offset: int = 0 — 跳过前多少条（分页）
// param: limit: int = 100000 — 最多返回多少条（分页）
// example: {"district": "江岸区"}
CALL {
  MATCH (u:Agency {jurisdiction: $district})
  RETURN u
  UNION
  MATCH (u:Agency)
  WHERE u.name = $district + '人民政府'
  RETURN u
  UNION
  MATCH (:District {name: $district})<-[:IN_DISTRICT]-(u:Agency)
  RETURN u
}
WITH collect(u) AS units
UNWIND units AS u
MATCH (u)-[:HOLDS]->(t:Task)
WITH collect(t) AS held
CALL {
  MATCH (t:Task {jurisdiction: $district})
  RETURN collect(t) AS listed
}
UNWIND held + listed AS t
WITH DISTINCT t
WHERE ($due_from IS NULL OR t.due >= $due_from) AND ($due_to IS NULL OR t.due <= $due_to)
WITH t.source AS source, collect(t) AS ts
WITH collect([source, ts]) AS groups, sum(size(ts)) AS total
UNWIND groups AS g
WITH total, g ORDER BY g[0]
CALL {
  WITH g
  UNWIND g[1] AS t
  RETURN t ORDER BY t.line_start, t.number, t.id
}
WITH t, total SKIP $offset LIMIT $limit
WITH collect([t, total]) AS page
CALL {
  MATCH (u:Agency {jurisdiction: $district})
  RETURN u
  UNION
  MATCH (u:Agency)
  WHERE u.name = $district + '人民政府'
  RETURN u
  UNION
  MATCH (:District {name: $district})<-[:IN_DISTRICT]-(u:Agency)
  RETURN u
}
WITH page, collect(u) AS units
UNWIND page AS p
WITH p[0] AS t, p[1] AS total, units
OPTIONAL MATCH (u:Agency)-[h:HOLDS]->(t)
WITH t, total, u, CASE WHEN u IN units THEN h END AS x
WITH t, total, collect(x.dl) AS dls, collect(x.ds) AS dss, collect(x.vl) AS vls, collect(x.vs) AS vss,
     collect(CASE WHEN x.dl OR x.ds THEN u.name END) AS names
WITH t, total, size(dls) > 0 AS held, true IN dls AS dl, true IN dss AS ds,
     reduce(v = null, n IN vls | CASE WHEN v IS NULL OR n < v THEN n ELSE v END) AS vl,
     reduce(v = null, n IN vss | CASE WHEN v IS NULL OR n < v THEN n ELSE v END) AS vs, names
WITH t, total, CASE WHEN NOT held THEN null WHEN dl THEN 'lead' WHEN ds THEN 'support' WHEN vl IS NOT NULL THEN 'lead'
             ELSE 'support' END AS role,
     CASE WHEN NOT held OR dl OR ds THEN null WHEN vl IS NOT NULL THEN vl ELSE vs END AS via,
     reduce(acc = [], n IN names | [y IN acc WHERE y < n] + [n] + [y IN acc WHERE y >= n]) AS unit_names
ORDER BY t.source, t.line_start, t.number, t.id
RETURN t.id AS id, t.number AS number, t.text AS text, t.source AS source, t.doc_id AS doc_id,
       t.section AS section, t.jurisdiction AS jurisdiction, t.kind AS kind, t.title AS title,
       t.line_start AS line_start, t.deadline AS deadline, t.due AS due, t.due_start AS due_start, t.due_kind AS due_kind,
       [lx IN reduce(lacc = [], lp IN [(l:Agency)-[lr:LEADS]->(t) | [[coalesce(lr.pos, 0), l.name], l.name]] | [ly IN lacc WHERE ly[0] < lp[0]] + [lp] + [ly IN lacc WHERE ly[0] >= lp[0]]) | lx[1]] AS leads,
       [sx IN reduce(sacc = [], sp IN [(s:Agency)-[sr:SUPPORTS]->(t) | [[coalesce(sr.pos, 0), s.name], s.name]] | [sy IN sacc WHERE sy[0] < sp[0]] + [sp] + [sy IN sacc WHERE sy[0] >= sp[0]]) | sx[1]] AS supports,
       role, via, unit_names AS units,
       [ix IN reduce(iacc = [], ip IN [(t)-[:HAS_INDICATOR]->(i:Indicator) | [[coalesce(i.pos, 0), i.id], i {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city}]] | [iy IN iacc WHERE iy[0] < ip[0]] + [ip] + [iy IN iacc WHERE iy[0] >= ip[0]]) | ix[1]] AS indicators,
       total
