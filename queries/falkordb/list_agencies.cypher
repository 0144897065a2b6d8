// name: list_agencies
// title: 单位列表
// description: 全部单位（可按名称或别名中包含的文字筛选），附牵头与配合任务数。
//   FalkorDB 的 outdegree() 直接读出边数，不必逐条走过 40 万条分工边（LEADS/SUPPORTS 只指向任务）。
// param: q: string = null — 名称或别名包含的文字，例：卫健
// param: names: list = null — 只列这些规范名（界面搜索按拼音、简称找到的单位）
// example: {"q": "卫健"}
MATCH (a:Agency)
WHERE ($q IS NULL OR a.name CONTAINS $q OR any(x IN coalesce(a.aliases, []) WHERE x CONTAINS $q))
  AND ($names IS NULL OR a.name IN $names)
RETURN a.id AS id, a.name AS name, a.jurisdiction AS jurisdiction, a.type AS type,
       coalesce(a.aliases, []) AS aliases,
       outdegree(a, 'LEADS') AS lead,
       outdegree(a, 'SUPPORTS') AS support
ORDER BY name
