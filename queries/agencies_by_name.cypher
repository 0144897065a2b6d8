// name: agencies_by_name
// title: 按名称取单位
// description: 按规范名批量取单位的 id、类型与所属区（供图谱页面组装节点）。
// param: names: list — 规范名列表，例：["市卫健委", "市民政局"]
// example: {"names": ["市卫健委", "市民政局"]}
MATCH (a:Agency)
WHERE a.name IN $names
RETURN a.id AS id, a.name AS name, a.type AS type, a.jurisdiction AS jurisdiction
ORDER BY name
