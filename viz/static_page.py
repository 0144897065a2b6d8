"""A self-contained static HTML page of a node-link graph, drawn with pyvis, that works offline.

pyvis's own template pulls bootstrap (and, unless inlined, vis-network) from CDNs; we render
with our own template instead and inline the vis-network copy vendored from pyvis's wheel.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from pyvis.network import Network

from graph.ledger import AGENCY_TYPES

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
VIS_DIR = HERE / "static" / "vendor" / "vis-network"
TEMPLATE = "pyvis_offline.html"

NODE_STYLE: dict[str, tuple[str, str, str]] = {  # type → (Chinese label, colour, vis shape)
    "Agency": ("单位", "#2563eb", "box"),
    "Task": ("任务", "#f59e0b", "dot"),
    "Indicator": ("指标", "#16a34a", "diamond"),
    "Document": ("文件", "#64748b", "square"),
    "District": ("区", "#7c3aed", "triangle"),
}
EDGE_STYLE: dict[str, tuple[str, str, bool]] = {  # type → (Chinese label, colour, dashed)
    "LEADS": ("牵头", "#b42318", False),
    "SUPPORTS": ("配合", "#94a3b8", True),
    "HAS_INDICATOR": ("指标", "#16a34a", False),
    "ROLLS_UP_TO": ("汇总至", "#7c3aed", False),
    "MEMBER_OF": ("隶属", "#2563eb", True),
}
_TYPE_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)*\b")
FONT = "Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif"
_EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _short(text: str, n: int = 14) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def build_network(graph: dict[str, Any], *, title: str) -> Network:
    """A pyvis Network from our node-link JSON ({"nodes": [...], "links": [...]})."""
    net = Network(height="780px", width="100%", heading=title, bgcolor="#ffffff", cdn_resources="in_line")
    net.set_template_dir(str(TEMPLATES), TEMPLATE)
    for n in graph.get("nodes", []):
        label, colour, shape = NODE_STYLE.get(n.get("type", ""), ("", "#999999", "dot"))
        text = str(n.get("label") or n["id"])
        net.add_node(
            n["id"],
            label=_short(text) if n.get("type") == "Task" else text,
            title=_TYPE_CODE.sub(lambda m: AGENCY_TYPES.get(m[0], m[0]), n.get("title") or text),
            color=colour,
            shape=shape,
            size=9 if n.get("type") == "Task" else 12,
            font={"color": "#ffffff" if shape == "box" else "#1f2933", "face": FONT, "size": 13},
        )
    ids = {n["id"] for n in graph.get("nodes", [])}
    for link in graph.get("links", []):
        if link["source"] not in ids or link["target"] not in ids:
            continue
        label, colour, dashed = EDGE_STYLE.get(link.get("type", ""), (link.get("type", ""), "#cbd5e1", False))
        net.add_edge(link["source"], link["target"], title=label, color=colour, dashes=dashed,
                     width=2 if link.get("type") == "LEADS" else 1)
    big = len(ids) > 150
    net.set_options(json.dumps({
        "layout": {"improvedLayout": not big},
        "edges": {"smooth": False},
        "interaction": {"hover": True, "hideEdgesOnDrag": big},
        "physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 120 if big else 200}},
    }))
    return net


def _legend(graph: dict[str, Any]) -> str:
    present = {n.get("type") for n in graph.get("nodes", [])}
    items = [
        f'<span><i style="background:{colour}"></i>{html.escape(label)}</span>'
        for kind, (label, colour, _) in NODE_STYLE.items()
        if kind in present
    ]
    items += [
        f'<span><i style="background:{EDGE_STYLE[k][1]};height:3px"></i>{EDGE_STYLE[k][0]}关系</span>'
        for k in ("LEADS", "SUPPORTS")
    ]
    return "".join(items)


def render_page(*, graph: dict[str, Any], title: str) -> str:
    """The page's HTML text, with vis-network inlined and no reference to anything outside it."""
    page = build_network(graph, title=title).generate_html()
    n_nodes, n_links = len(graph.get("nodes", [])), len(graph.get("links", []))
    page = (
        page.replace("/*DG_VIS_CSS*/", (VIS_DIR / "vis-network.css").read_text(encoding="utf-8"))
        .replace("/*DG_VIS_JS*/", (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8"))
        .replace("<!--DG_LEGEND-->", _legend(graph))
        .replace("<!--DG_NOTE-->", f"共 {n_nodes} 个节点、{n_links} 条关系。拖动画布平移，滚轮缩放，悬停查看详情。")
    )
    assert not _EXTERNAL.search(page), "static page must not load anything from outside the file"
    return page


def write_page(*, graph: dict[str, Any], out: Path, title: str) -> Path:
    """Write a self-contained HTML page of `graph` (node-link JSON) to `out`; works offline."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_page(graph=graph, title=title), encoding="utf-8")
    return out
