// name: list_districts
// title: 区列表
// description: 全部区与功能区（District 节点），以及单位所属的区名。
// example: {}
MATCH (d:District)
RETURN d.name AS name, d.id AS id, d.kind AS kind, d.ring AS ring
ORDER BY name
