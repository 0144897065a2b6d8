// name: list_documents
// title: 文件列表
// description: 已载入的全部文件，附载入质量：任务数、涉及单位数、未识别的单位名、提示、发文地区。
// example: {}
MATCH (d:Document)
OPTIONAL MATCH (t:Task {doc_id: d.id})
WITH d, count(t) AS tasks
OPTIONAL MATCH (a:Agency)-[:LEADS|SUPPORTS]->(u:Task {doc_id: d.id})
WITH d, tasks, collect(DISTINCT a) AS units
RETURN d.id AS id, d.source AS source, d.title AS title, d.issuer AS issuer, d.doc_number AS doc_number,
       d.date AS date, d.encoding AS encoding, d.traditional AS traditional, d.duplicate_of AS duplicate_of,
       tasks, size(units) AS units, [a IN units WHERE a.resolved = false | a.name] AS unresolved_names,
       d.jurisdiction AS jurisdiction, d.warnings AS warnings
ORDER BY source
