// name: agency_documents
// title: 单位在各文件中的任务数
// description: 一个单位在每份文件里牵头、配合的任务数（不含经由群组的），按文件名排列。
// param: name: string — 单位名称，例：市卫健委
// example: {"name": "市卫健委"}
MATCH (a:Agency)
WHERE a.name = $name OR $name IN coalesce(a.aliases, [])
WITH a ORDER BY a.name LIMIT 1
MATCH (a)-[r:LEADS|SUPPORTS]->(t:Task)
WHERE t.doc_id IS NOT NULL
WITH t.doc_id AS doc, count(CASE WHEN type(r) = 'LEADS' THEN 1 END) AS lead,
     count(CASE WHEN type(r) = 'SUPPORTS' THEN 1 END) AS support
OPTIONAL MATCH (d:Document {id: doc})
RETURN doc AS doc_id, d.source AS source, d.title AS title, lead, support
ORDER BY source, doc_id
