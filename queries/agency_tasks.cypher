// name: agency_tasks
// title: 某单位的任务（牵头/配合）
// description: 一个单位牵头或配合的全部任务，含经由所属群组（如“各区人民政府”）下达的任务，
//   这类任务以 via 标明群组名。role 为该单位在任务中的角色；total 为分页前的总数。
// param: name: string — 单位名称（规范名或别名），例：市卫健委
// param: role: string = any — lead | support | any
// param: due_from: string = null — 截止日期不早于（YYYY-MM-DD），留空不限
// param: due_to: string = null — 截止日期不晚于（YYYY-MM-DD），留空不限
// param: offset: int = 0 — 跳过前多少条（分页）
// param: limit: int = 100000 — 最多返回多少条（分页）
// example: {"name": "市卫健委", "role": "lead"}
MATCH (a:Agency)
WHERE a.name = $name OR $name IN coalesce(a.aliases, [])
OPTIONAL MATCH (a)-[:MEMBER_OF]->(g:Agency)
WITH collect(DISTINCT a) AS units, collect(DISTINCT g) AS groups
UNWIND units + groups AS h
MATCH (h)-[r:LEADS|SUPPORTS]->(t:Task)
WITH t, collect({role: CASE type(r) WHEN 'LEADS' THEN 'lead' ELSE 'support' END,
                 via: CASE WHEN h IN units THEN null ELSE h.name END}) AS hits
WITH t, [x IN hits WHERE $role = 'any' OR x.role = $role] AS hits
WHERE size(hits) > 0 AND ($due_from IS NULL OR t.due >= $due_from) AND ($due_to IS NULL OR t.due <= $due_to)
WITH t, hits, [x IN hits WHERE x.via IS NULL] AS direct
WITH t, hits, direct,
     CASE WHEN any(x IN direct WHERE x.role = 'lead') THEN 'lead'
          WHEN size(direct) > 0 THEN 'support'
          WHEN any(x IN hits WHERE x.role = 'lead') THEN 'lead'
          ELSE 'support' END AS role
WITH t, role, CASE WHEN size(direct) > 0 THEN null ELSE reduce(v = null, x IN hits | CASE WHEN x.role = role AND (v IS NULL OR x.via < v) THEN x.via ELSE v END) END AS via
ORDER BY t.source, t.line_start, t.number, t.id
WITH collect(t) AS tasks, collect([role, via]) AS marks
WITH tasks, marks, size(tasks) AS total
UNWIND range($offset, CASE WHEN $offset + $limit < total THEN $offset + $limit ELSE total END - 1) AS pos
WITH tasks[pos] AS t, marks[pos][0] AS role, marks[pos][1] AS via, total
RETURN t.id AS id, t.number AS number, t.text AS text, t.source AS source, t.doc_id AS doc_id,
       t.section AS section, t.jurisdiction AS jurisdiction, t.kind AS kind, t.title AS title,
       t.line_start AS line_start, t.deadline AS deadline, t.due AS due, t.due_start AS due_start, t.due_kind AS due_kind,
       [lx IN reduce(lacc = [], lp IN [(l:Agency)-[lr:LEADS]->(t) | [[coalesce(lr.pos, 0), l.name], l.name]] | [ly IN lacc WHERE ly[0] < lp[0]] + [lp] + [ly IN lacc WHERE ly[0] >= lp[0]]) | lx[1]] AS leads,
       [sx IN reduce(sacc = [], sp IN [(s:Agency)-[sr:SUPPORTS]->(t) | [[coalesce(sr.pos, 0), s.name], s.name]] | [sy IN sacc WHERE sy[0] < sp[0]] + [sp] + [sy IN sacc WHERE sy[0] >= sp[0]]) | sx[1]] AS supports,
       role, via,
       [ix IN reduce(iacc = [], ip IN [(t)-[:HAS_INDICATOR]->(i:Indicator) | [[coalesce(i.pos, 0), i.id], i {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city}]] | [iy IN iacc WHERE iy[0] < ip[0]] + [ip] + [iy IN iacc WHERE iy[0] >= ip[0]]) | ix[1]] AS indicators,
       total
