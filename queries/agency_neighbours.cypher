// name: agency_neighbours
// title: 协同单位（共同承担任务的单位）
// description: 与某单位共同被列入同一任务的其他单位，权重为共同任务数。
// param: name: string — 单位名称，例：市卫健委
// param: limit: int = 20 — 返回前多少个
// example: {"name": "市卫健委", "limit": 10}
MATCH (a:Agency)
WHERE a.name = $name OR $name IN coalesce(a.aliases, [])
MATCH (a)-[:LEADS|SUPPORTS]->(t:Task)<-[:LEADS|SUPPORTS]-(b:Agency)
WHERE b <> a
WITH b, count(DISTINCT t) AS weight
RETURN b.name AS name, b.id AS id, b.type AS type, b.jurisdiction AS jurisdiction, weight
ORDER BY weight DESC, name
LIMIT $limit
