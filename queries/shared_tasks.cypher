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
OPTIONAL MATCH (x)-[:MEMBER_OF]->(gx:Agency)
WITH collect(DISTINCT x) AS aunits, collect(DISTINCT gx) AS agroups
MATCH (y:Agency)
WHERE y.name = $b OR $b IN coalesce(y.aliases, [])
OPTIONAL MATCH (y)-[:MEMBER_OF]->(gy:Agency)
WITH aunits, agroups, collect(DISTINCT y) AS bunits, collect(DISTINCT gy) AS bgroups
UNWIND aunits + agroups AS h
MATCH (h)-[r:LEADS|SUPPORTS]->(t:Task)
WITH t, aunits, bunits, bgroups,
     collect({role: CASE type(r) WHEN 'LEADS' THEN 'lead' ELSE 'support' END,
              via: CASE WHEN h IN aunits THEN null ELSE h.name END}) AS ahits
WITH t, ahits, [(k:Agency)-[rb:LEADS|SUPPORTS]->(t) WHERE k IN bunits OR k IN bgroups |
                {role: CASE type(rb) WHEN 'LEADS' THEN 'lead' ELSE 'support' END,
                 via: CASE WHEN k IN bunits THEN null ELSE k.name END}] AS bhits
WHERE size(bhits) > 0
WITH t, ahits, bhits, [h IN ahits WHERE h.via IS NULL] AS adirect, [h IN bhits WHERE h.via IS NULL] AS bdirect
WITH t, ahits, bhits, adirect, bdirect,
     CASE WHEN any(h IN adirect WHERE h.role = 'lead') THEN 'lead' WHEN size(adirect) > 0 THEN 'support'
          WHEN any(h IN ahits WHERE h.role = 'lead') THEN 'lead' ELSE 'support' END AS role,
     CASE WHEN any(h IN bdirect WHERE h.role = 'lead') THEN 'lead' WHEN size(bdirect) > 0 THEN 'support'
          WHEN any(h IN bhits WHERE h.role = 'lead') THEN 'lead' ELSE 'support' END AS other_role
WITH t, role, other_role,
     CASE WHEN size(adirect) > 0 THEN null ELSE reduce(v = null, x IN ahits | CASE WHEN x.role = role AND (v IS NULL OR x.via < v) THEN x.via ELSE v END) END AS via,
     CASE WHEN size(bdirect) > 0 THEN null ELSE reduce(v = null, x IN bhits | CASE WHEN x.role = other_role AND (v IS NULL OR x.via < v) THEN x.via ELSE v END) END AS other_via
ORDER BY t.source, t.line_start, t.number, t.id
WITH collect(t) AS tasks, collect([role, via, other_role, other_via]) AS marks
WITH tasks, marks, size(tasks) AS total
UNWIND range($offset, CASE WHEN $offset + $limit < total THEN $offset + $limit ELSE total END - 1) AS pos
WITH tasks[pos] AS t, marks[pos] AS m, total
RETURN t.id AS id, t.number AS number, t.text AS text, t.source AS source, t.doc_id AS doc_id,
       t.section AS section, t.jurisdiction AS jurisdiction, t.kind AS kind, t.title AS title,
       t.line_start AS line_start, t.deadline AS deadline, t.due AS due, t.due_start AS due_start, t.due_kind AS due_kind,
       [lx IN reduce(lacc = [], lp IN [(l:Agency)-[lr:LEADS]->(t) | [[coalesce(lr.pos, 0), l.name], l.name]] | [ly IN lacc WHERE ly[0] < lp[0]] + [lp] + [ly IN lacc WHERE ly[0] >= lp[0]]) | lx[1]] AS leads,
       [sx IN reduce(sacc = [], sp IN [(s:Agency)-[sr:SUPPORTS]->(t) | [[coalesce(sr.pos, 0), s.name], s.name]] | [sy IN sacc WHERE sy[0] < sp[0]] + [sp] + [sy IN sacc WHERE sy[0] >= sp[0]]) | sx[1]] AS supports,
       m[0] AS role, m[1] AS via, m[2] AS other_role, m[3] AS other_via,
       [ix IN reduce(iacc = [], ip IN [(t)-[:HAS_INDICATOR]->(i:Indicator) | [[coalesce(i.pos, 0), i.id], i {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city}]] | [iy IN iacc WHERE iy[0] < ip[0]] + [ip] + [iy IN iacc WHERE iy[0] >= ip[0]]) | ix[1]] AS indicators,
       total
