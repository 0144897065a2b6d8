// name: workload
// title: 各单位任务量排行
// description: 按牵头与配合任务数给单位排序，附逾期任务数（截止日期早于 today）；可按文件（doc_id、文件名或文件名前缀，如 003）筛选。
// param: document: string = null — 文件 id、文件名或其前缀，留空为全部
// param: today: string = null — 今天（YYYY-MM-DD），逾期按它计；留空不计逾期
// param: limit: int = 50 — 返回前多少个单位
// example: {"document": "003", "today": "2024-01-01", "limit": 10}
MATCH (a:Agency)-[r:LEADS|SUPPORTS]->(t:Task)
WHERE $document IS NULL OR t.doc_id = $document OR t.source = $document OR t.source STARTS WITH $document
WITH a, count(DISTINCT CASE WHEN type(r) = 'LEADS' THEN t.id ELSE null END) AS lead,
        count(DISTINCT CASE WHEN type(r) = 'SUPPORTS' THEN t.id ELSE null END) AS support,
        count(DISTINCT CASE WHEN t.due < $today THEN t.id ELSE null END) AS overdue
RETURN a.name AS name, a.id AS id, a.type AS type, a.jurisdiction AS jurisdiction,
       lead, support, lead + support AS total, overdue
ORDER BY total DESC, lead DESC, name
LIMIT $limit
