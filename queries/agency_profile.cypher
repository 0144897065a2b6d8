// name: agency_profile
// title: 单位概况
// description: 一个单位的基本信息与任务统计：按角色（牵头、配合、经由群组）、按文件、按章节（最外层标题）计数。
// param: name: string — 单位名称，例：市卫健委
// example: {"name": "市卫健委"}
MATCH (a:Agency)
WHERE a.name = $name OR $name IN coalesce(a.aliases, [])
WITH a ORDER BY a.name LIMIT 1
OPTIONAL MATCH (a)-[r:LEADS|SUPPORTS]->(t:Task)
WITH a, collect({doc: t.doc_id, source: t.source, section: coalesce(t.section[0], ''), kind: type(r)}) AS hits
WITH a, [h IN hits WHERE h.kind IS NOT NULL] AS hits
OPTIONAL MATCH (a)-[:MEMBER_OF]->(g:Agency)-[:LEADS|SUPPORTS]->(gt:Task)
WITH a, hits, count(DISTINCT gt) AS via_group
OPTIONAL MATCH (d:Document)
WITH a, hits, via_group, collect({id: d.id, source: d.source, title: d.title}) AS docs
RETURN a.id AS id, a.name AS name, a.jurisdiction AS jurisdiction, a.type AS type,
       coalesce(a.aliases, []) AS aliases, coalesce(a.written, []) AS written,
       [(m:Agency)-[:MEMBER_OF]->(a) | m.name] AS members,
       [(a)-[:MEMBER_OF]->(grp:Agency) | grp.name] AS member_of,
       {lead: size([h IN hits WHERE h.kind = 'LEADS']), support: size([h IN hits WHERE h.kind = 'SUPPORTS']),
        via_group: via_group} AS counts,
       [d IN docs WHERE any(h IN hits WHERE h.doc = d.id) |
          {doc_id: d.id, source: d.source, title: d.title,
           lead: size([h IN hits WHERE h.doc = d.id AND h.kind = 'LEADS']),
           support: size([h IN hits WHERE h.doc = d.id AND h.kind = 'SUPPORTS'])}] AS documents,
       [s IN reduce(acc = [], h IN hits | CASE WHEN h.section IN acc THEN acc ELSE acc + [h.section] END) |
          {section: s, lead: size([h IN hits WHERE h.section = s AND h.kind = 'LEADS']),
           support: size([h IN hits WHERE h.section = s AND h.kind = 'SUPPORTS'])}] AS sections
