// name: list_documents
// title: 文件列表
// description: 已载入的全部文件，附载入质量：任务数、涉及单位数、未识别的单位名、提示、发文地区。
//   这些计数在载入后计好存于文件节点（graph/derived.py）；计数已过时的文件（其所复制的文件被删除、
//   由它接替了任务）当场重数。
// example: {}
MATCH (d:Document)
WITH d, d.task_count IS NOT NULL AND d.counted_as_copy_of = coalesce(d.duplicate_of, '') AS counted
OPTIONAL MATCH (t:Task {doc_id: d.id})
WHERE NOT counted
WITH d, counted, count(t) AS tasks
OPTIONAL MATCH (a:Agency)-[:LEADS|SUPPORTS]->(u:Task {doc_id: d.id})
WHERE NOT counted
WITH d, counted, tasks, collect(DISTINCT a) AS units
RETURN d.id AS id, d.source AS source, d.title AS title, d.issuer AS issuer, d.doc_number AS doc_number,
       d.date AS date, d.encoding AS encoding, d.traditional AS traditional, d.duplicate_of AS duplicate_of,
       CASE WHEN counted THEN d.task_count ELSE tasks END AS tasks,
       CASE WHEN counted THEN d.unit_count ELSE size(units) END AS units,
       CASE WHEN counted THEN d.unresolved_names ELSE [a IN units WHERE a.resolved = false | a.name] END AS unresolved_names,
       d.jurisdiction AS jurisdiction, d.warnings AS warnings
ORDER BY source
