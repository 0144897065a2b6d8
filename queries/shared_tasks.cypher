// name: shared_tasks
// title: 两个单位共同承担的任务
// description: 单位 a 与单位 b 都被列为牵头或配合单位（直接或经由所属群组）的任务。
//   role/via 描述单位 a 的角色，other_role/other_via 描述单位 b 的角色。
// param: a: string — 第一个单位，例：市卫健委
// param: b: string — 第二个单位，例：市民政局
// param: offset: int = 0 — 跳过前多少条（分页）
// param: limit: int = 100000 — 最多返回多少条（分页）
// example: {"a": "市卫健委", "b": "市民政局"}
MATCH (x:Agency)
WHERE x.name = $a OR $a IN coalesce(x.aliases, [])
WITH collect(x) AS xs
MATCH (y:Agency)
WHERE y.name = $b OR $b IN coalesce(y.aliases, [])
WITH xs, collect(y) AS ys
UNWIND xs AS x
MATCH (x)-[:HOLDS]->(t:Task)
WITH DISTINCT xs, ys, t
UNWIND ys AS y
MATCH (y)-[:HOLDS]->(t)
WITH xs, ys, collect(DISTINCT t) AS shared
UNWIND shared AS t
WITH xs, ys, t, size(shared) AS total ORDER BY t.source, t.line_start, t.number, t.id SKIP $offset LIMIT $limit
MATCH (x:Agency)-[hx:HOLDS]->(t)
WHERE x IN xs
WITH ys, t, total, collect(hx) AS ahs
MATCH (y:Agency)-[hy:HOLDS]->(t)
WHERE y IN ys
WITH t, total, ahs, collect(hy) AS bhs
WITH t, total, any(y IN ahs WHERE y.dl) AS adl, any(y IN ahs WHERE y.ds) AS ads,
     reduce(v = null, y IN ahs | CASE WHEN y.vl IS NOT NULL AND (v IS NULL OR y.vl < v) THEN y.vl ELSE v END) AS avl,
     reduce(v = null, y IN ahs | CASE WHEN y.vs IS NOT NULL AND (v IS NULL OR y.vs < v) THEN y.vs ELSE v END) AS avs,
     any(y IN bhs WHERE y.dl) AS bdl, any(y IN bhs WHERE y.ds) AS bds,
     reduce(v = null, y IN bhs | CASE WHEN y.vl IS NOT NULL AND (v IS NULL OR y.vl < v) THEN y.vl ELSE v END) AS bvl,
     reduce(v = null, y IN bhs | CASE WHEN y.vs IS NOT NULL AND (v IS NULL OR y.vs < v) THEN y.vs ELSE v END) AS bvs
WITH t, total, CASE WHEN adl THEN 'lead' WHEN ads THEN 'support' WHEN avl IS NOT NULL THEN 'lead' ELSE 'support' END AS role,
     CASE WHEN adl OR ads THEN null WHEN avl IS NOT NULL THEN avl ELSE avs END AS via,
     CASE WHEN bdl THEN 'lead' WHEN bds THEN 'support' WHEN bvl IS NOT NULL THEN 'lead' ELSE 'support' END AS other_role,
     CASE WHEN bdl OR bds THEN null WHEN bvl IS NOT NULL THEN bvl ELSE bvs END AS other_via
ORDER BY t.source, t.line_start, t.number, t.id
RETURN t.id AS id, t.number AS number, t.text AS text, t.source AS source, t.doc_id AS doc_id,
       t.section AS section, t.jurisdiction AS jurisdiction, t.kind AS kind, t.title AS title,
       t.line_start AS line_start, t.deadline AS deadline, t.due AS due, t.due_start AS due_start, t.due_kind AS due_kind,
       [lx IN reduce(lacc = [], lp IN [(l:Agency)-[lr:LEADS]->(t) | [[coalesce(lr.pos, 0), l.name], l.name]] | [ly IN lacc WHERE ly[0] < lp[0]] + [lp] + [ly IN lacc WHERE ly[0] >= lp[0]]) | lx[1]] AS leads,
       [sx IN reduce(sacc = [], sp IN [(s:Agency)-[sr:SUPPORTS]->(t) | [[coalesce(sr.pos, 0), s.name], s.name]] | [sy IN sacc WHERE sy[0] < sp[0]] + [sp] + [sy IN sacc WHERE sy[0] >= sp[0]]) | sx[1]] AS supports,
       role, via, other_role, other_via,
       [ix IN reduce(iacc = [], ip IN [(t)-[:HAS_INDICATOR]->(i:Indicator) | [[coalesce(i.pos, 0), i.id], i {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city}]] | [iy IN iacc WHERE iy[0] < ip[0]] + [ip] + [iy IN iacc WHERE iy[0] >= ip[0]]) | ix[1]] AS indicators,
       total
