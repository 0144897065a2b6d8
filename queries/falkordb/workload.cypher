// name: workload
// title: 各单位任务量排行
// description: 按牵头与配合任务数给单位排序，附逾期任务数（截止日期早于 today）；可按文件（doc_id、文件名或文件名前缀，如 003）筛选。
//   FalkorDB：全部文件时牵头、配合数用 outdegree() 直接读出，逾期只看有截止日期且早于 today 的任务；按文件筛选时
//   先找文件再按 doc_id 索引取任务（不必逐条走过 35 万条分工边）。
// param: document: string = null — 文件 id、文件名或其前缀，留空为全部
// param: today: string = null — 今天（YYYY-MM-DD），逾期按它计；留空不计逾期
// param: limit: int = 50 — 返回前多少个单位
// example: {"document": "003", "today": "2024-01-01", "limit": 10}
CALL {
  MATCH (a:Agency)
  WHERE $document IS NULL
  WITH a, outdegree(a, 'LEADS') AS lead, outdegree(a, 'SUPPORTS') AS support
  WHERE lead + support > 0
  RETURN a, lead, support, 0 AS overdue
  UNION ALL
  MATCH (d:Document)
  WHERE d.id = $document OR d.source = $document OR d.source STARTS WITH $document
  WITH d
  MATCH (t:Task {doc_id: d.id})
  WITH t
  MATCH (a:Agency)-[r:LEADS|SUPPORTS]->(t)
  WITH a, count(DISTINCT CASE WHEN type(r) = 'LEADS' THEN t.id ELSE null END) AS lead,
          count(DISTINCT CASE WHEN type(r) = 'SUPPORTS' THEN t.id ELSE null END) AS support,
          count(DISTINCT CASE WHEN t.due < $today THEN t.id ELSE null END) AS overdue
  RETURN a, lead, support, overdue
  UNION ALL
  MATCH (t:Task)
  WHERE $document IS NULL AND t.due < $today
  MATCH (a:Agency)-[:LEADS|SUPPORTS]->(t)
  WITH a, count(DISTINCT t) AS overdue
  RETURN a, 0 AS lead, 0 AS support, overdue
}
WITH a, toInteger(sum(lead)) AS lead, toInteger(sum(support)) AS support, toInteger(sum(overdue)) AS overdue
RETURN a.name AS name, a.id AS id, a.type AS type, a.jurisdiction AS jurisdiction,
       lead, support, lead + support AS total, overdue
ORDER BY total DESC, lead DESC, name
LIMIT $limit
