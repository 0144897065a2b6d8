"""The `dutygraph` command. Exit codes: 0 success, 1 user error (one line), 2 internal error."""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from api.errors import ApiError
from graph.settings import Settings
from graph.store import DutyGraphError, GraphStore

app = typer.Typer(help="责任图谱：从任务分解文件构建“单位—任务—指标”知识图谱。", no_args_is_help=True, add_completion=False)
out = Console()
err = Console(stderr=True)


def handles_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """User errors become one red line and exit 1; anything unexpected exits 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except DutyGraphError as e:
            err.print(f"[red]错误：[/red]{e}", highlight=False)
            raise typer.Exit(1)
        except ApiError as e:
            hint = f"（您是不是要找：{'、'.join(e.suggestions)}）" if e.suggestions else ""
            err.print(f"[red]错误：[/red]{e.detail}{hint}", highlight=False)
            raise typer.Exit(1)
        except Exception as e:  # noqa: BLE001 — the last line of defence, reported as internal
            err.print(f"[red]内部错误：[/red]{type(e).__name__}: {e}", highlight=False)
            raise typer.Exit(2)

    return wrapper


@contextmanager
def opened_store(settings: Settings | None = None, *, write: bool = False) -> Iterator[GraphStore]:
    """The configured store; commands that write also get the schema ensured (only they may wait for the
    write lock: read-only commands never touch it)."""
    from graph.connect import open_store

    store = open_store(settings or Settings())
    try:
        if write:
            store.ensure_schema()
        yield store
    finally:
        store.close()


@app.command()
@handles_errors
def load(
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹")],
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="发文地区（如 立山区），文件中看不出时指定")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出每个文件的结果")] = False,
) -> None:
    """载入文件（每个文件整体成功或整体不变）。"""
    from loaders.formats import skipped_in
    from loaders.pipeline import expand_paths, load_paths

    files = expand_paths(paths)
    skipped = skipped_in(paths)
    with opened_store(write=True) as store, _progress() as progress:
        bar = progress.add_task("载入", total=len(files))
        results = load_paths(store=store, paths=files, on_progress=lambda r: progress.advance(bar),
                             jurisdiction=jurisdiction)
    failed = [r for r in results if r.status in ("failed", "unknown")]
    nothing = all(r.status in ("failed", "unknown") for r in results)
    if as_json:
        sys.stdout.write(json.dumps([dataclasses.asdict(r) for r in results], ensure_ascii=False, indent=2) + "\n")
        raise typer.Exit(1 if failed or nothing else 0)
    table = Table("文件", "状态", "编码", "任务", "指标", "牵头", "配合", "单位", "未识别", "无责任单位", "上卷")
    for r in results:
        c = r.counts
        table.add_row(r.source, LOAD_STATUS.get(r.status, r.status), r.encoding or "", *(str(c.get(k, "")) for k in (
            "tasks", "indicators", "leads", "supports", "agencies", "unresolved", "unowned", "rollups")))
    out.print(table)
    if skipped:
        out.print(f"跳过 {len(skipped)} 个文件：", highlight=False)
        for name, reason in skipped:
            out.print(f"  {name}：{reason}", highlight=False, markup=False)
    for r in results:
        for w in r.warnings:
            if "替换了" in w or "连接中断" in w:
                err.print(f"[yellow]注意：[/yellow]{w}", highlight=False)
    for r in failed:
        err.print(f"[red]{'结果未知' if r.status == 'unknown' else '错误'}：[/red]{r.error}", highlight=False)
    if nothing:
        err.print("[red]没有载入任何文件。[/red]" + ("" if files else "（未找到可载入的文件）"), highlight=False)
        raise typer.Exit(1)
    if failed:
        raise typer.Exit(1)


LOAD_STATUS = {
    "loaded": "[green]已载入[/green]",
    "duplicate": "[yellow]重复件[/yellow]",
    "unchanged": "未变（已在图谱中）",
    "failed": "[red]失败（图谱未改动）[/red]",
    "unknown": "[red]结果未知，请重新载入[/red]",
}


@app.command()
@handles_errors
def export(
    format: Annotated[str, typer.Option("--format", help="导出格式（jsonl）")] = "jsonl",
    out_file: Annotated[Path | None, typer.Option("--out", help="输出文件，缺省为标准输出")] = None,
) -> None:
    """导出整个图谱为 JSON Lines。"""
    from graph.export import export_jsonl

    if format != "jsonl":
        raise DutyGraphError(f"不支持的导出格式：{format}（仅支持 jsonl）")
    with opened_store() as store:
        lines = list(export_jsonl(store))
    text = "".join(line + "\n" for line in lines)
    if out_file:
        out_file.write_text(text, encoding="utf-8")
        err.print(f"已导出 {len(lines)} 行到 {out_file}")
    else:
        sys.stdout.write(text)


@app.command()
@handles_errors
def query(
    name: Annotated[str | None, typer.Argument(help="查询名称")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="参数 k=v，可重复")] = None,
    list_: Annotated[bool, typer.Option("--list", help="列出所有查询")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    """运行查询目录中的命名查询。"""
    from graph.catalogue import Catalogue

    settings = Settings()
    catalogue = Catalogue.load(settings.dutygraph_queries)
    if list_ or not name:
        table = Table("名称", "标题", "参数")
        for q in catalogue.queries():
            table.add_row(q.name, q.title, ", ".join(p.name for p in q.params))
        out.print(table)
        return
    from api.names import Names, load_resolver

    params = dict(_split_param(p) for p in param or [])
    query = catalogue.get(name)
    with opened_store(settings) as store:
        params = Names(store, catalogue, load_resolver()).resolve_params(query, params)
        rows = catalogue.run(store, name, params)
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(_rows_table(rows))
    err.print(f"{len(rows)} 行")


@app.command()
@handles_errors
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="工作进程数（共用同一图谱服务器）")] = 2,
) -> None:
    """启动 API 与界面；图谱为空时先载入示例文件。"""
    import uvicorn

    from api.app import create_app
    from graph import derived
    from loaders.pipeline import load_paths

    settings = Settings()
    with opened_store(settings, write=True) as store:
        if not store.counts().get("Document"):
            err.print(f"图谱为空，载入示例文件：{settings.dutygraph_samples}")
            for r in load_paths(store=store, paths=[settings.dutygraph_samples]):
                err.print(f"  {r.source}: {r.status} {r.counts.get('tasks', 0)} 项任务" + (f" {r.error}" if r.error else ""))
        derived.refresh(store)  # a graph loaded before the lookups' holdings existed gets them now
        err.print(f"[green]责任图谱已启动：[/green] http://{host}:{port}/ （API 文档：/docs）")
        if workers == 1:
            uvicorn.run(create_app(settings, store=store), host=host, port=port, log_level="info")
        else:  # each worker opens the store itself (from the same environment) on this process's server
            uvicorn.run("api.app:create_app", factory=True, workers=workers, host=host, port=port,
                        log_level="info")


@app.command()
@handles_errors
def stats(as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """各类节点与关系的数量。"""
    with opened_store() as store:
        counts = store.counts()
    if as_json:
        sys.stdout.write(json.dumps(counts, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("类型", "数量")
    for key, value in counts.items():
        table.add_row(key, str(value))
    out.print(table)


@app.command()
@handles_errors
def reset(yes: Annotated[bool, typer.Option("--yes", help="不再确认")] = False) -> None:
    """清空图谱。"""
    if not yes and not typer.confirm("确定清空整个图谱？"):
        raise typer.Exit(1)
    with opened_store(write=True) as store:
        store.clear()
    err.print("图谱已清空。")


@app.command()
@handles_errors
def report(as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False) -> None:
    """逐个文件的载入质量报告：任务、指标、牵头、配合、未识别单位、无责任单位任务、重复件、低置信上卷。"""
    from graph.report import document_report

    with opened_store() as store:
        rows = document_report(store)
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("文件", "发文地区（依据）", "任务", "指标", "牵头", "配合", "未识别单位", "无责任单位", "重复于",
                  "低置信上卷")
    for r in rows:
        table.add_row(
            r["source"], _place_cell(r), str(r["tasks"]), str(r["indicators"]), str(r["leads"]), str(r["supports"]),
            "、".join(r["unresolved"]) or "—", str(len(r["unowned"])), r["duplicate_of"] or "—",
            str(len(r["low_confidence_rollups"])),
        )
    out.print(table)
    for r in rows:
        if r.get("layouts"):
            out.print(f"  {r['source']} 识别的分工格式：{'、'.join(r['layouts'])}", highlight=False)
        if not r.get("jurisdiction"):
            out.print(f"  [yellow]{r['source']} 未识别发文地区：单位名称按原文保留（可用 --jurisdiction 指定）[/yellow]",
                      highlight=False)
        if r.get("kept_as_written"):
            out.print(f"  {r['source']} 按原文保留的名称：{'、'.join(r['kept_as_written'])}", highlight=False)
    for r in rows:
        for u in r["low_confidence_rollups"]:
            out.print(
                f"  {r['source']} 低置信上卷 {u['confidence']:.2f}（{u['method']}）："
                f"{u['child_jurisdiction'] or ''} {u['child_text'][:24]} → {u['parent_source']} {u['parent_text'][:24]}",
                highlight=False,
            )


_EVIDENCE = {"override": "用户指定", "issuer": "发文机关/落款", "header": "文头/印发行", "title": "标题",
             "addressee": "主送单位", "units": "单位前缀"}
_LEVEL = {"province": "省级", "city": "市级", "district": "区级", "county": "县级"}


def _place_cell(r: dict[str, Any]) -> str:
    name = r.get("jurisdiction") or "未识别"
    level = _LEVEL.get(r.get("jurisdiction_level") or "", "")
    evidence = _EVIDENCE.get(r.get("jurisdiction_evidence") or "", "")
    return f"{name}{f'·{level}' if level else ''}（{evidence or '无依据'}）"


@app.command()
@handles_errors
def viz(
    name: Annotated[str, typer.Argument(help="单位名称")],
    out_file: Annotated[Path, typer.Option("--out", help="输出 HTML 文件")],
    depth: Annotated[int, typer.Option(help="展开层数")] = 1,
) -> None:
    """把某单位的关系图写成可离线打开的单个 HTML 页面。"""
    from api.routes.graph import agency_graph
    from viz.static_page import write_page

    with opened_services() as services:
        graph = agency_graph(name, services, depth=depth)
    write_page(graph=graph, out=out_file, title=f"{name} · 责任图谱")
    err.print(f"已写出 {out_file}（{len(graph['nodes'])} 个节点）")


@app.command()
@handles_errors
def ledger(
    name: Annotated[str, typer.Argument(help="单位名称；与 --district 连用为区名，与 --document 连用为文件 id、文件名或其前缀")],
    out_file: Annotated[Path, typer.Option("--out", help="输出文件（.xlsx 或 .csv）")],
    district: Annotated[bool, typer.Option("--district", help="NAME 是区名")] = False,
    document: Annotated[bool, typer.Option("--document", help="NAME 是文件")] = False,
    format: Annotated[str | None, typer.Option("--format", help="xlsx 或 csv；缺省按 --out 的扩展名")] = None,
    sheets: Annotated[str, typer.Option("--sheets", help="document：每个文件一个工作表；all：一个工作表")] = "all",
    role: Annotated[str, typer.Option("--role", help="lead | support | any")] = "any",
    overdue: Annotated[bool, typer.Option("--overdue", help="只要逾期的任务")] = False,
    due_within: Annotated[int | None, typer.Option("--due-within", help="只要 N 天内到期的任务")] = None,
    year: Annotated[int | None, typer.Option("--year", help="只要截止日期在该年的任务")] = None,
    today: Annotated[str | None, typer.Option("--today", help="“今天”（YYYY-MM-DD），缺省为当天")] = None,
) -> None:
    """导出督办台账（Excel 或 CSV）：一个单位、一个区或一份文件的任务，进展情况与备注留空待填。"""
    from api.filters import DueFilter
    from api.routes import ledger as ledgers

    fmt = format or (out_file.suffix.lstrip(".").lower() or "xlsx")
    for value, allowed, what in ((fmt, ("xlsx", "csv"), "--format"), (sheets, ("document", "all"), "--sheets"),
                                 (role, ("lead", "support", "any"), "--role")):
        if value not in allowed:
            raise DutyGraphError(f"{what} 不支持“{value}”，可选：{' | '.join(allowed)}")
    if district and document:
        raise DutyGraphError("--district 与 --document 只能选一个")
    try:
        day = date.fromisoformat(today) if today else None
    except ValueError:
        raise DutyGraphError(f"--today 的日期格式应为 YYYY-MM-DD：{today}") from None
    due = DueFilter(due_within=due_within, overdue=overdue, year=year, today=day)
    with opened_services() as s:
        if document:
            title, tasks = ledgers.document_ledger_tasks(s, name, due)
        elif district:
            title, tasks = ledgers.district_ledger_tasks(s, name, role, due)  # type: ignore[arg-type]
        else:
            title, tasks = ledgers.agency_ledger_tasks(s, name, role, due)  # type: ignore[arg-type]
        data, _ = ledgers.ledger_file(s, name=title, tasks=tasks, fmt=fmt, sheets=sheets, due=due)  # type: ignore[arg-type]
    out_file.write_bytes(data)
    err.print(f"已写出 {out_file}（{title}，{len(tasks)} 项任务）")


@contextmanager
def opened_services() -> Iterator[Any]:
    """What the API's handlers get (store, catalogue, names), for commands that reuse them."""
    from api.deps import Services
    from api.names import Names, load_resolver
    from graph.catalogue import Catalogue

    settings = Settings()
    catalogue = Catalogue.load(settings.dutygraph_queries)
    with opened_store(settings) as store:
        resolver = load_resolver()
        yield Services(settings, store, catalogue, Names(store, catalogue, resolver), resolver, owns_store=False)


def _split_param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise DutyGraphError(f"参数格式应为 k=v：{text}")
    return key.strip(), value


def _rows_table(rows: list[dict[str, Any]]) -> Table:
    columns = list(rows[0]) if rows else []
    table = Table(*columns)
    for row in rows:
        table.add_row(*(_cell(row[c]) for c in columns))
    return table


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err)
