// name: search_tasks
// title: 搜索任务
// description: 按任务文字（或重点项目名）包含的关键词搜索，可选按文件、所属区/市、章节筛选。
//   FalkorDB：没有文字、区、章节、日期条件时（全部任务或按文件），文件按文件名排序，逐个文件按 doc_id 索引取任务、
//   文件内排序，取够一页即停（不必给 12 万条任务全排序）；总数取载入后记于文件节点的任务数（graph/derived.py），
//   已过时的当场数。有这些条件时与通用查询相同：筛选全部任务，再排序剩下的。
// param: q: string = null — 关键词，例：托育；留空为全部
// param: document: string = null — 文件 id、文件名或其前缀
// param: jurisdiction: string = null — 武汉市 或区名
// param: section: string = null — 章节标题包含的文字
// param: due_from: string = null — 截止日期不早于（YYYY-MM-DD），留空不限
// param: due_to: string = null — 截止日期不晚于（YYYY-MM-DD），留空不限
// param: offset: int = 0 — 跳过前多少条（分页）
// param: limit: int = 100000 — 最多返回多少条（分页）
// example: {"q": "托育", "document": "003"}
CALL {
  UNWIND CASE WHEN $q IS NULL AND $jurisdiction IS NULL AND $section IS NULL AND $due_from IS NULL AND $due_to IS NULL
              THEN [] ELSE [1] END AS filtered
  MATCH (t:Task)
  WHERE ($q IS NULL OR t.text CONTAINS $q OR coalesce(t.title, '') CONTAINS $q)
    AND ($document IS NULL OR t.doc_id = $document OR t.source = $document OR t.source STARTS WITH $document)
    AND ($jurisdiction IS NULL OR t.jurisdiction = $jurisdiction)
    AND ($section IS NULL OR any(s IN coalesce(t.section, []) WHERE s CONTAINS $section))
    AND ($due_from IS NULL OR t.due >= $due_from) AND ($due_to IS NULL OR t.due <= $due_to)
  WITH collect(t) AS tasks
  UNWIND tasks AS t
  WITH t, size(tasks) AS total ORDER BY t.source, t.line_start, t.number, t.id SKIP $offset LIMIT $limit
  RETURN t, total
  UNION ALL
  MATCH (d:Document)
  WHERE $q IS NULL AND $jurisdiction IS NULL AND $section IS NULL AND $due_from IS NULL AND $due_to IS NULL
    AND ($document IS NULL OR d.id = $document OR d.source = $document OR d.source STARTS WITH $document)
  WITH d, CASE WHEN d.task_count IS NOT NULL AND d.counted_as_copy_of = coalesce(d.duplicate_of, '')
               THEN d.task_count END AS counted
  OPTIONAL MATCH (s:Task {doc_id: d.id})
  WHERE counted IS NULL
  WITH d, counted, count(s) AS live
  WITH d, coalesce(counted, live) AS n
  WITH d.source AS source, collect(d.id) AS ids, sum(n) AS n
  WITH collect([source, ids]) AS groups, sum(n) AS total
  UNWIND groups AS g
  WITH g[1] AS ids, total ORDER BY g[0]
  CALL {
    WITH ids
    UNWIND ids AS id
    MATCH (t:Task {doc_id: id})
    RETURN t ORDER BY t.line_start, t.number, t.id
  }
  WITH t, total SKIP $offset LIMIT $limit
  RETURN t, total
}
WITH t, total
RETURN t.id AS id, t.number AS number, t.text AS text, t.source AS source, t.doc_id AS doc_id,
       t.section AS section, t.jurisdiction AS jurisdiction, t.kind AS kind, t.title AS title,
       t.line_start AS line_start, t.deadline AS deadline, t.due AS due, t.due_start AS due_start, t.due_kind AS due_kind,
       [lx IN reduce(lacc = [], lp IN [(l:Agency)-[lr:LEADS]->(t) | [[coalesce(lr.pos, 0), l.name], l.name]] | [ly IN lacc WHERE ly[0] < lp[0]] + [lp] + [ly IN lacc WHERE ly[0] >= lp[0]]) | lx[1]] AS leads,
       [sx IN reduce(sacc = [], sp IN [(s:Agency)-[sr:SUPPORTS]->(t) | [[coalesce(sr.pos, 0), s.name], s.name]] | [sy IN sacc WHERE sy[0] < sp[0]] + [sp] + [sy IN sacc WHERE sy[0] >= sp[0]]) | sx[1]] AS supports,
       null AS role, null AS via,
       [ix IN reduce(iacc = [], ip IN [(t)-[:HAS_INDICATOR]->(i:Indicator) | [[coalesce(i.pos, 0), i.id], i {.id, .name, .target, .unit, .comparator, .year, .type, .text, .set_by_city}]] | [iy IN iacc WHERE iy[0] < ip[0]] + [ip] + [iy IN iacc WHERE iy[0] >= ip[0]]) | ix[1]] AS indicators,
       total
