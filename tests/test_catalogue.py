"""The query catalogue: header parsing, parameter derivation and validation, and the shipped files."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.catalogue import (
    Catalogue,
    CatalogueError,
    Param,
    ParameterError,
    UnknownQuery,
    coerce,
    named_parameters,
    parse_param,
    parse_query,
)
from graph.settings import Settings

QUERIES = Settings().dutygraph_queries


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MATCH (a {name: $name}) RETURN a.id", ["name"]),
        ("MATCH (a) WHERE a.x = $x AND a.y = $y OR a.x = $x RETURN 1", ["x", "y"]),
        ("RETURN '$notaparam' AS s, $real AS r", ["real"]),
        ('RETURN "a $b c" AS s', []),
        ("RETURN 1 // $commented\n, $after AS a", ["after"]),
        ("RETURN /* $block */ $z", ["z"]),
        ("MATCH (`$odd`) RETURN $p_1", ["p_1"]),
        ("RETURN 'it\\'s $no' AS s, $yes", ["yes"]),
        ("RETURN 1", []),
    ],
)
def test_named_parameters(text: str, expected: list[str]) -> None:
    assert named_parameters(text) == expected


@pytest.mark.parametrize(
    ("spec", "name", "type_", "required", "default", "choices"),
    [
        ("name: string — 单位名称（规范名），例：市卫健委", "name", "string", True, None, ()),
        ("role: string = any — lead | support | any", "role", "string", False, "any", ("lead", "support", "any")),
        ("limit: int = 50 — 返回前多少个", "limit", "int", False, 50, ()),
        ("document: string = null — 文件", "document", "string", False, None, ()),
        ("ratio: float = 0.5", "ratio", "float", False, 0.5, ()),
        ("include_rows: bool = false — 是否", "include_rows", "bool", False, False, ()),
        ("names: list — 规范名列表", "names", "list", True, None, ()),
        ("names: list = [\"a\", \"b\"]", "names", "list", False, ["a", "b"], ()),
        ("q: string", "q", "string", True, None, ()),
    ],
)
def test_parse_param(spec, name, type_, required, default, choices) -> None:
    p = parse_param(spec)
    assert (p.name, p.type, p.required, p.choices) == (name, type_, required, choices)
    if not required:
        assert p.default == default


@pytest.mark.parametrize(
    "spec",
    [
        "name string",  # no colon
        "n: date",  # unknown type
        "n: int = many",  # default not an int
        "role: string = all — lead | support | any",  # default outside the choices
    ],
)
def test_parse_param_rejects(spec: str) -> None:
    with pytest.raises(CatalogueError):
        parse_param(spec)


GOOD = """// name: demo
// title: 示例
// description: 第一行，
//   第二行。
// param: name: string — 单位
// param: role: string = any — lead | support | any
// example: {"name": "市卫健委"}
MATCH (a:Agency {name: $name}) WHERE $role = 'any' RETURN a.name AS name
"""


def test_parse_query_header() -> None:
    q = parse_query(GOOD)
    assert q.name == "demo"
    assert q.title == "示例"
    assert q.description == "第一行，第二行。"
    assert [p.name for p in q.params] == ["name", "role"]
    assert q.example == {"name": "市卫健委"}
    assert q.text.startswith("MATCH (a:Agency")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("// param: role: string = any — lead | support | any\n", ""), "未声明"),
        (GOOD.replace("WHERE $role = 'any' ", ""), "未在语句中使用"),
        (GOOD.replace('{"name": "市卫健委"}', '{"nam": 1}'), "example"),
        (GOOD.replace('{"name": "市卫健委"}', "{bad json"), "JSON"),
        ("// name: empty\n", "没有 Cypher"),
        (GOOD.replace("// param: name: string — 单位\n", "// param: name: string — 单位\n// param: name: int\n"), "重复"),
    ],
)
def test_parse_query_rejects(text: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse_query(text, path=Path("demo.cypher"))


@pytest.mark.parametrize(
    ("param", "raw", "expected"),
    [
        (Param("n", "int"), "12", 12),
        (Param("n", "int"), 3.0, 3),
        (Param("x", "float"), "2.5", 2.5),
        (Param("b", "bool"), "true", True),
        (Param("b", "bool"), "否", False),
        (Param("l", "list"), "市卫健委,市民政局", ["市卫健委", "市民政局"]),
        (Param("l", "list"), '["a"]', ["a"]),
        (Param("s", "string"), 7, "7"),
    ],
)
def test_coerce(param: Param, raw, expected) -> None:
    assert coerce(param, raw) == expected


@pytest.mark.parametrize(("param", "raw"), [(Param("n", "int"), "x"), (Param("n", "int"), 1.5), (Param("b", "bool"), "maybe"),
                                            (Param("s", "string"), {"a": 1}), (Param("n", "int"), True)])
def test_coerce_rejects(param: Param, raw) -> None:
    with pytest.raises(ValueError):
        coerce(param, raw)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load(QUERIES)


REQUIRED = {
    "agency_tasks", "agency_profile", "shared_tasks", "district_tasks", "task_detail", "indicator_rollup",
    "workload", "unowned_tasks", "agency_neighbours", "search_tasks", "list_agencies", "list_documents",
}


def test_shipped_queries_load(catalogue: Catalogue) -> None:
    names = {q.name for q in catalogue.queries()}
    assert REQUIRED <= names
    for q in catalogue.queries():
        assert q.title and q.description, q.name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in q.title), q.name
        catalogue.bind(q.name, q.example)  # every example is valid


def test_bind_validates(catalogue: Catalogue) -> None:
    with pytest.raises(ParameterError, match="可用参数: name, role"):
        catalogue.bind("agency_tasks", {"name": "市卫健委", "rol": "lead"})
    with pytest.raises(ParameterError, match="缺少必填参数 name"):
        catalogue.bind("agency_tasks", {})
    with pytest.raises(ParameterError, match="lead | support | any"):
        catalogue.bind("agency_tasks", {"name": "市卫健委", "role": "boss"})
    with pytest.raises(UnknownQuery) as e:
        catalogue.bind("agency_task", {})
    assert "agency_tasks" in e.value.suggestions
    _, bound = catalogue.bind("workload", {"limit": "5"})
    assert bound == {"document": None, "today": None, "limit": 5}


def test_variant_resolution(tmp_path: Path) -> None:
    (tmp_path / "neo4j").mkdir()
    (tmp_path / "q.cypher").write_text(GOOD.replace("demo", "q"), encoding="utf-8")
    (tmp_path / "neo4j" / "q.cypher").write_text(GOOD.replace("demo", "q").replace("RETURN a.name", "RETURN a.id"),
                                                 encoding="utf-8")
    cat = Catalogue.load(tmp_path)
    q = cat.get("q")
    assert "a.id" in q.text_for("neo4j") and "a.name" in q.text_for("falkordb")
    (tmp_path / "falkordb").mkdir()
    (tmp_path / "falkordb" / "orphan.cypher").write_text(GOOD.replace("demo", "orphan"), encoding="utf-8")
    with pytest.raises(CatalogueError, match="通用查询"):
        Catalogue.load(tmp_path)
