// name: assignment_edges
// title: 全部分工关系
// description: 每一条“单位—任务”分工（牵头或配合），供协同网络分析（中心度、社群、最短联系）使用。
// param: document: string = null — 文件 id、文件名或其前缀，留空为全部
// example: {"document": "003"}
MATCH (a:Agency)-[r:LEADS|SUPPORTS]->(t:Task)
WHERE $document IS NULL OR t.doc_id = $document OR t.source = $document OR t.source STARTS WITH $document
RETURN a.name AS agency, a.type AS agency_type, t.id AS task, t.number AS number, t.source AS source,
       CASE type(r) WHEN 'LEADS' THEN 'lead' ELSE 'support' END AS role
ORDER BY agency, task, role
