// name: agency_profile
// title: 单位概况
// description: 一个单位的基本信息与任务统计：按角色（牵头、配合、经由群组——不含本单位直接承担的任务）计数、
//   涉及的文件数，以及其任务（含经由群组的）截止日期所在的年份。按文件、按章节的计数见 agency_documents、agency_sections。
// param: name: string — 单位名称，例：市卫健委
// example: {"name": "市卫健委"}
MATCH (a:Agency)
WHERE a.name = $name OR $name IN coalesce(a.aliases, [])
WITH a ORDER BY a.name LIMIT 1
OPTIONAL MATCH (a)-[x:HOLDS]->(held:Task)
WITH a, count(CASE WHEN x.dl OR x.ds THEN null ELSE x END) AS via_group, collect(DISTINCT substring(held.due, 0, 4)) AS years
OPTIONAL MATCH (a)-[r:LEADS|SUPPORTS]->(t:Task)
WITH a, via_group, years, count(CASE WHEN type(r) = 'LEADS' THEN 1 END) AS lead,
     count(CASE WHEN type(r) = 'SUPPORTS' THEN 1 END) AS support, count(DISTINCT t.doc_id) AS documents
RETURN a.id AS id, a.name AS name, a.jurisdiction AS jurisdiction, a.type AS type,
       coalesce(a.aliases, []) AS aliases, coalesce(a.written, []) AS written,
       reduce(acc = [], n IN [(m:Agency)-[:MEMBER_OF]->(a) | m.name] | [y IN acc WHERE y < n] + [n] + [y IN acc WHERE y >= n]) AS members,
       reduce(acc = [], n IN [(a)-[:MEMBER_OF]->(grp:Agency) | grp.name] | [y IN acc WHERE y < n] + [n] + [y IN acc WHERE y >= n]) AS member_of,
       {lead: lead, support: support, via_group: via_group} AS counts,
       documents AS document_count,
       reduce(acc = [], y IN years | [v IN acc WHERE v < y] + [y] + [v IN acc WHERE v >= y]) AS due_years
