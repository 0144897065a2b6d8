// name: unowned_tasks
// title: 无责任单位的任务
// description: 没有任何牵头或配合单位的任务（分区清单行由所在区承担，默认不计）；可按文件筛选。
//   FalkorDB 的 indegree() 直接读入边数（模式 NOT (t)<-[:LEADS|SUPPORTS]-() 在 FalkorDB 上逐条任务展开，100 倍语料约 4 秒）。
// param: document: string = null — 文件 id、文件名或其前缀，留空为全部
// param: include_rows: bool = false — 是否包括分区清单行（kind = district_row）
// param: offset: int = 0 — 跳过前多少条（分页）
// param: limit: int = 100000 — 最多返回多少条（分页）
// example: {"document": "001"}
MATCH (t:Task)
WHERE ($document IS NULL OR t.doc_id = $document OR t.source = $document OR t.source STARTS WITH $document)
  AND ($include_rows OR t.kind IS NULL OR t.kind <> 'district_row')
  AND indegree(t, 'LEADS') = 0 AND indegree(t, 'SUPPORTS') = 0
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
