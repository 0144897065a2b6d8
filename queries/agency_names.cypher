// name: agency_names
// title: 单位名称索引
// description: 每个单位的规范名、别名与文件中出现过的写法，供名称解析（别名、繁体、全角、全称）使用。
// example: {}
MATCH (a:Agency)
RETURN a.name AS name, a.id AS id, a.jurisdiction AS jurisdiction, a.type AS type,
       coalesce(a.aliases, []) AS aliases, coalesce(a.written, []) AS written
ORDER BY name
