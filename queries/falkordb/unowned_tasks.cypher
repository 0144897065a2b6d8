// name: unowned_tasks
// title: 无责任单位的任务
// description: 没有任何牵头或配合单位的任务（分区清单行由所在区承担，默认不计）；可按文件筛选。
//   FalkorDB：每个文件的无单位任务在载入后记于文件节点（d.unowned_ids，graph/derived.py），按 id 索引取回；
//   计数已过时的文件当场用 indegree() 查（逐条任务查入边，100 倍语料约 0.5 秒）。
// param: document: string = null — 文件 id、文件名或其前缀，留空为全部
// param: include_rows: bool = false — 是否包括分区清单行（kind = district_row）
// param: offset: int = 0 — 跳过前多少条（分页）
// param: limit: int = 100000 — 最多返回多少条（分页）
// example: {"document": "001"}
MATCH (d:Document)
WHERE $document IS NULL OR d.id = $document OR d.source = $document OR d.source STARTS WITH $document
WITH d, d.unowned_ids IS NOT NULL AND d.counted_as_copy_of = coalesce(d.duplicate_of, '') AS counted
OPTIONAL MATCH (s:Task {doc_id: d.id})
WHERE NOT counted AND indegree(s, 'LEADS') = 0 AND indegree(s, 'SUPPORTS') = 0
WITH d, counted, collect(s.id) AS live
UNWIND CASE WHEN counted THEN d.unowned_ids ELSE live END AS tid
MATCH (t:Task {id: tid})
WHERE $include_rows OR t.kind IS NULL OR t.kind <> 'district_row'
WITH t ORDER BY t.source, t.line_start, t.number, t.id
WITH collect(t) AS tasks
WITH tasks, size(tasks) AS total
UNWIND range($offset, CASE WHEN $offset + $limit < total THEN $offset + $limit ELSE total END - 1) AS pos
WITH tasks[pos] AS t, total
RETURN t.id AS id, t.number AS number, t.text AS text, t.source AS source, t.doc_id AS doc_id,
       t.section AS section, t.jurisdiction AS jurisdiction, t.kind AS kind, t.title AS title,
       t.line_start AS line_start, t.deadline AS deadline, t.due AS due, t.due_start AS due_start, t.due_kind AS due_kind,
       [] AS leads, [] AS supports, null AS role, null AS via,
       [ix IN reduce(iacc = [], ip IN [(t)-[:HAS_INDICATOR]->(i:Indicator) | [[coalesce(i.pos, 0), i.id], i {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city}]] | [iy IN iacc WHERE iy[0] < ip[0]] + [ip] + [iy IN iacc WHERE iy[0] >= ip[0]]) | ix[1]] AS indicators,
       total
