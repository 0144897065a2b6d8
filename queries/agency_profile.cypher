// name: agency_profile
// title: 单位概况
// description: 一个单位的基本信息与任务统计：按角色（牵头、配合、经由群组——不含本单位直接承担的任务）、按文件、按文件内章节（最外层标题）计数。
// param: name: string — 单位名称，例：市卫健委
// example: {"name": "市卫健委"}
MATCH (a:Agency)
WHERE a.name = $name OR $name IN coalesce(a.aliases, [])
WITH a ORDER BY a.name LIMIT 1
OPTIONAL MATCH (a)-[x:HOLDS]->()
WITH a, count(CASE WHEN x.dl OR x.ds THEN null ELSE x END) AS via_group
OPTIONAL MATCH (a)-[r:LEADS|SUPPORTS]->(t:Task)
WITH a, via_group, t.doc_id AS doc, coalesce(t.section[0], '') AS section, type(r) AS kind, t.line_start AS line
WITH a, via_group, doc, section, count(CASE WHEN kind = 'LEADS' THEN 1 END) AS lead,
     count(CASE WHEN kind = 'SUPPORTS' THEN 1 END) AS support, min(line) AS first_line
OPTIONAL MATCH (d:Document {id: doc})
WITH a, via_group, doc, d.source AS source, d.title AS title, section, lead, support
ORDER BY source, doc, first_line, section
WITH a, via_group,
     collect(CASE WHEN doc IS NULL THEN null ELSE {doc_id: doc, section: section, lead: lead, support: support} END) AS sections,
     collect(CASE WHEN doc IS NULL THEN null ELSE [doc, source, title, lead, support] END) AS rows,
     toInteger(sum(lead)) AS lead, toInteger(sum(support)) AS support
WITH a, via_group, sections, rows, lead, support,
     [i IN range(0, size(rows) - 1) WHERE i = 0 OR rows[i][0] <> rows[i - 1][0] | i] + [size(rows)] AS starts
RETURN a.id AS id, a.name AS name, a.jurisdiction AS jurisdiction, a.type AS type,
       coalesce(a.aliases, []) AS aliases, coalesce(a.written, []) AS written,
       reduce(acc = [], n IN [(m:Agency)-[:MEMBER_OF]->(a) | m.name] | [y IN acc WHERE y < n] + [n] + [y IN acc WHERE y >= n]) AS members,
       reduce(acc = [], n IN [(a)-[:MEMBER_OF]->(grp:Agency) | grp.name] | [y IN acc WHERE y < n] + [n] + [y IN acc WHERE y >= n]) AS member_of,
       {lead: lead, support: support, via_group: via_group} AS counts,
       [k IN range(0, size(starts) - 2) | {doc_id: rows[starts[k]][0], source: rows[starts[k]][1], title: rows[starts[k]][2],
        lead: reduce(n = 0, r IN rows[starts[k]..starts[k + 1]] | n + r[3]),
        support: reduce(n = 0, r IN rows[starts[k]..starts[k + 1]] | n + r[4])}] AS documents,
       sections
