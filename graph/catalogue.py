"""The query catalogue: named, parameterised Cypher files in `queries/`, loaded at start-up.

Each file opens with `//` header lines (aiosql style) that become its documentation:

    // name: agency_tasks
    // title: 某单位的任务（牵头/配合）
    // description: …            (indented `//   …` lines continue the previous field)
    // param: name: string — 单位名称
    // param: role: string = any — lead | support | any
    // example: {"name": "市卫健委"}

The parameters a statement really uses are read from its text (`$name` tokens, outside strings and
comments, like datasette's `named_parameters`) and must match the header exactly. An engine-specific
variant may sit beside the shared file as `queries/<backend>/<name>.cypher`; it wins for that backend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.store import GraphStore, QueryError

PARAM_TYPES = ("string", "int", "float", "bool", "list")
BACKENDS = ("falkordb", "neo4j")
_MISSING = object()

_PARAM_RE = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>\w+)\s*(?:=\s*(?P<default>[^—]*?))?\s*(?:—\s*(?P<doc>.*))?$"
)
_CHOICES_RE = re.compile(r"^\s*([\w-]+(?:\s*\|\s*[\w-]+)+)\s*(?:[,，;；(（]|$)")
_STRING_OR_COMMENT = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.DOTALL)
_TOKEN = re.compile(r"\$([A-Za-z_]\w*)")


class CatalogueError(QueryError):
    """A query file is malformed, or a call names an unknown query or bad parameters."""

    def __init__(self, message: str, *, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


class UnknownQuery(CatalogueError):
    pass


class ParameterError(CatalogueError):
    pass


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"
    default: Any = _MISSING
    description: str = ""
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is _MISSING

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": None if self.required else self.default,
            "description": self.description,
            "choices": list(self.choices),
        }


@dataclass
class Query:
    name: str
    title: str
    description: str
    params: list[Param]
    example: dict[str, Any]
    text: str
    variants: dict[str, str] = field(default_factory=dict)  # backend -> text
    path: Path | None = None

    def text_for(self, backend: str) -> str:
        """The most specific wording: `<backend>/<name>.cypher` first, then the shared file."""
        return self.variants.get(backend, self.text)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "params": [p.as_dict() for p in self.params],
            "example": self.example,
            "backends": sorted(self.variants),
        }


def named_parameters(text: str) -> list[str]:
    """`$name` tokens in a Cypher statement, in order of first use, ignoring strings and comments."""
    bare = _STRING_OR_COMMENT.sub(" ", text)
    seen: dict[str, None] = {}
    for m in _TOKEN.finditer(bare):
        seen.setdefault(m.group(1), None)
    return list(seen)


def coerce(param: Param, value: Any) -> Any:
    """Turn a JSON value or a CLI string into the parameter's type; ValueError says why not."""
    if value is None:
        return None
    t = param.type
    if t == "string":
        if isinstance(value, (dict, list)):
            raise ValueError("应为字符串")
        return str(value)
    if t == "int":
        if isinstance(value, bool):
            raise ValueError("应为整数")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("应为整数")
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError("应为整数") from None
        if not -(2**63) <= number < 2**63:  # the engines would clamp it silently
            raise ValueError("整数超出 64 位范围（±2^63）")
        return number
    if t == "float":
        if isinstance(value, bool):
            raise ValueError("应为数值")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError("应为数值") from None
    if t == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "y", "是"):
            return True
        if text in ("false", "0", "no", "n", "否"):
            return False
        raise ValueError("应为 true 或 false")
    if t == "list":
        if isinstance(value, (list, tuple)):
            return list(value)
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    parsed = json.loads(text)
                except json.JSONDecodeError:
                    raise ValueError("应为 JSON 列表或以逗号分隔的文字") from None
                if isinstance(parsed, list):
                    return parsed
            return [x.strip() for x in re.split(r"[,，]", text) if x.strip()]
        raise ValueError("应为列表")
    raise ValueError(f"未知类型 {t}")


def parse_param(spec: str) -> Param:
    """`name: type [= default] [— description]` → Param; defaults are coerced to the type."""
    m = _PARAM_RE.match(spec.strip())
    if not m:
        raise CatalogueError(f"参数声明无法解析: {spec!r}（应为 `名称: 类型 [= 默认值] — 说明`）")
    ptype = m.group("type")
    if ptype not in PARAM_TYPES:
        raise CatalogueError(f"参数 {m.group('name')} 的类型 {ptype!r} 不受支持，可用: {', '.join(PARAM_TYPES)}")
    doc = (m.group("doc") or "").strip()
    choices: tuple[str, ...] = ()
    cm = _CHOICES_RE.match(doc)
    if cm and ptype == "string":
        choices = tuple(x.strip() for x in cm.group(1).split("|"))
    default: Any = _MISSING
    raw = m.group("default")
    if raw is not None:
        raw = raw.strip()
        if raw in ("null", "none", "None", ""):
            default = None
        else:
            probe = Param(m.group("name"), ptype)
            try:
                default = coerce(probe, json.loads(raw) if ptype == "list" else raw)
            except (ValueError, json.JSONDecodeError):
                raise CatalogueError(f"参数 {m.group('name')} 的默认值 {raw!r} 不是 {ptype}") from None
        if choices and default is not None and default not in choices:
            raise CatalogueError(f"参数 {m.group('name')} 的默认值 {raw!r} 不在可选值 {choices} 中")
    return Param(m.group("name"), ptype, default, doc, choices)


def parse_header(text: str) -> tuple[dict[str, Any], str]:
    """Split a query file into its header fields and its statement."""
    fields: dict[str, Any] = {"params": []}
    last: str | None = None
    body: list[str] = []
    lines = text.splitlines()
    i = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("//"):
            body = lines[i:]
            break
        content = stripped[2:]
        m = re.match(r"^\s?(name|title|description|param|example)\s*:\s*(.*)$", content)
        if m:
            key, value = m.group(1), m.group(2).strip()
            if key == "param":
                fields["params"].append(value)
            else:
                fields[key] = value
            last = key
        elif content.startswith((" ", "\t")) and content.strip() and last:
            extra = content.strip()
            if last == "param":
                fields["params"][-1] += " " + extra
            else:
                fields[last] = f"{fields[last]}{extra}" if _cjk_end(fields[last]) else f"{fields[last]} {extra}"
    else:
        body = []
    return fields, "\n".join(body).strip()


def _cjk_end(text: str) -> bool:
    return bool(text) and ord(text[-1]) > 0x2E80


def parse_query(text: str, *, path: Path | None = None) -> Query:
    """Build a Query from one file's text; CatalogueError names the file and what is wrong."""
    where = f"{path}: " if path else ""
    fields, statement = parse_header(text)
    try:
        name = fields.get("name") or (path.stem if path else "")
        if not name:
            raise CatalogueError("缺少 `// name:`")
        if not statement:
            raise CatalogueError("没有 Cypher 语句")
        params = [parse_param(p) for p in fields["params"]]
        declared = [p.name for p in params]
        if len(set(declared)) != len(declared):
            raise CatalogueError(f"参数重复声明: {declared}")
        used = named_parameters(statement)
        undeclared = [p for p in used if p not in declared]
        unused = [p for p in declared if p not in used]
        if undeclared:
            raise CatalogueError(f"语句使用了未声明的参数: {', '.join(undeclared)}")
        if unused:
            raise CatalogueError(f"声明的参数未在语句中使用: {', '.join(unused)}")
        example: dict[str, Any] = {}
        if fields.get("example"):
            try:
                example = json.loads(fields["example"])
            except json.JSONDecodeError as e:
                raise CatalogueError(f"example 不是合法 JSON: {e}") from None
            if not isinstance(example, dict):
                raise CatalogueError("example 应为 JSON 对象")
            bad = [k for k in example if k not in declared]
            if bad:
                raise CatalogueError(f"example 含未声明的参数: {', '.join(bad)}")
    except CatalogueError as e:
        raise CatalogueError(f"{where}{e}") from None
    return Query(
        name=name,
        title=fields.get("title", name),
        description=fields.get("description", ""),
        params=params,
        example=example,
        text=statement,
        path=path,
    )


class Catalogue:
    """Every named query, by name; validates parameters and runs queries through the read path."""

    def __init__(self, queries: Mapping[str, Query]):
        self._queries = dict(sorted(queries.items()))

    def queries(self) -> list[Query]:
        """Every query, sorted by name."""
        return list(self._queries.values())

    @classmethod
    def load(cls, folder: Path | str) -> Catalogue:
        folder = Path(folder)
        if not folder.is_dir():
            raise CatalogueError(f"查询目录不存在: {folder}")
        queries: dict[str, Query] = {}
        for path in sorted(folder.glob("*.cypher")):
            q = parse_query(path.read_text(encoding="utf-8"), path=path)
            if q.name in queries:
                raise CatalogueError(f"{path}: 查询名 {q.name} 与 {queries[q.name].path} 重复")
            queries[q.name] = q
        for backend in BACKENDS:
            for path in sorted((folder / backend).glob("*.cypher")):
                variant = parse_query(path.read_text(encoding="utf-8"), path=path)
                base = queries.get(variant.name)
                if base is None:
                    raise CatalogueError(f"{path}: 没有与之对应的通用查询 {variant.name}.cypher")
                if [p.name for p in variant.params] != [p.name for p in base.params]:
                    raise CatalogueError(f"{path}: 参数与 {base.path} 不一致")
                base.variants[backend] = variant.text
        return cls(queries)

    def __contains__(self, name: str) -> bool:
        return name in self._queries

    def __iter__(self):
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def get(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, list(self._queries), n=5, cutoff=0.5)
            raise UnknownQuery(
                f"没有名为 {name!r} 的查询。可用查询: {', '.join(self._queries)}", suggestions=close
            ) from None

    def bind(self, name: str, params: Mapping[str, Any] | None = None) -> tuple[Query, dict[str, Any]]:
        """Check `params` against the header: unknown or missing names and bad types are errors."""
        query = self.get(name)
        given = dict(params or {})
        allowed = [p.name for p in query.params]
        unknown = [k for k in given if k not in allowed]
        if unknown:
            raise ParameterError(
                f"查询 {name} 不接受参数 {', '.join(unknown)}；可用参数: {', '.join(allowed) or '（无）'}",
                suggestions=allowed,
            )
        bound: dict[str, Any] = {}
        for p in query.params:
            value = given.get(p.name, _MISSING)
            if value is _MISSING or (value is None and not p.required):
                if p.required:
                    raise ParameterError(f"查询 {name} 缺少必填参数 {p.name}（{p.type}）", suggestions=allowed)
                bound[p.name] = p.default
                continue
            try:
                value = coerce(p, value)
            except ValueError as e:
                raise ParameterError(f"参数 {p.name} 的值 {value!r} 无效: {e}") from None
            if value is None and p.required:
                raise ParameterError(f"查询 {name} 缺少必填参数 {p.name}（{p.type}）", suggestions=allowed)
            if p.choices and value not in p.choices:
                raise ParameterError(
                    f"参数 {p.name} 的值 {value!r} 无效；可选: {' | '.join(p.choices)}", suggestions=list(p.choices)
                )
            bound[p.name] = value
        return query, bound

    def run(
        self,
        store: GraphStore,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_ms: int | None = None,
    ) -> list[dict[str, Any]]:
        """Validate and run a named query read-only; rows as plain dicts."""
        query, bound = self.bind(name, params)
        return store.read(query.text_for(store.backend), bound, timeout_ms=timeout_ms)
