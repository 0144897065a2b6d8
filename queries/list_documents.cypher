// name: list_documents
// title: 文件列表
// description: 已载入的全部文件，附任务数。
// example: {}
MATCH (d:Document)
OPTIONAL MATCH (t:Task {doc_id: d.id})
WITH d, count(t) AS tasks
RETURN d.id AS id, d.source AS source, d.title AS title, d.issuer AS issuer, d.doc_number AS doc_number,
       d.date AS date, d.encoding AS encoding, d.traditional AS traditional, d.duplicate_of AS duplicate_of,
       tasks
ORDER BY source
