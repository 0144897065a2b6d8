// name: agency_sections
// title: 单位在各文件各章节的任务数
// description: 一个单位在每份文件的每个最外层章节里牵头、配合的任务数（不含经由群组的），按文件、章节在文件中的先后排列。
// param: name: string — 单位名称，例：市卫健委
// param: document: string = null — 文件 id、文件名或其前缀，留空为全部
// example: {"name": "市卫健委"}
MATCH (a:Agency)
WHERE a.name = $name OR $name IN coalesce(a.aliases, [])
WITH a ORDER BY a.name LIMIT 1
MATCH (a)-[r:LEADS|SUPPORTS]->(t:Task)
WHERE t.doc_id IS NOT NULL
  AND ($document IS NULL OR t.doc_id = $document OR t.source = $document OR t.source STARTS WITH $document)
WITH t.doc_id AS doc, t.source AS source, coalesce(t.section[0], '') AS section,
     count(CASE WHEN type(r) = 'LEADS' THEN 1 END) AS lead, count(CASE WHEN type(r) = 'SUPPORTS' THEN 1 END) AS support,
     min(t.line_start) AS first_line
RETURN doc AS doc_id, section, lead, support
ORDER BY source, doc_id, first_line, section
