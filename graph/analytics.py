"""Network analytics with networkx, where Cypher is awkward.

Everything starts from assignment rows (the `assignment_edges` catalogue query: one row per
agency–task link) so it works the same on either engine:
- the co-assignment network: agencies joined by an edge weighted by how many tasks they share;
- degree and betweenness centrality, and communities (Louvain, seeded so results repeat);
- the shortest connection between two agencies through the tasks they carry (agency–task–agency…);
- a workload table (lead/support counts) for callers that already hold the rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import networkx as nx

Row = Mapping[str, Any]


def bipartite_graph(rows: Iterable[Row]) -> nx.Graph:
    """Agencies and tasks as nodes ("a:<name>", "t:<id>"), one edge per assignment with its role."""
    g = nx.Graph()
    for r in rows:
        a, t = f"a:{r['agency']}", f"t:{r['task']}"
        g.add_node(a, kind="agency", name=r["agency"], type=r.get("agency_type"))
        g.add_node(t, kind="task", id=r["task"], number=r.get("number"), source=r.get("source"))
        g.add_edge(a, t, role=r.get("role"))
    return g


def coassignment_graph(rows: Iterable[Row]) -> nx.Graph:
    """Agencies joined when named on the same task; weight = number of shared tasks."""
    by_task: dict[str, set[str]] = defaultdict(set)
    types: dict[str, Any] = {}
    for r in rows:
        by_task[r["task"]].add(r["agency"])
        types[r["agency"]] = r.get("agency_type")
    g = nx.Graph()
    for name, kind in types.items():
        g.add_node(name, type=kind)
    for agencies in by_task.values():
        for a, b in combinations(sorted(agencies), 2):
            w = g.edges[a, b]["weight"] + 1 if g.has_edge(a, b) else 1
            g.add_edge(a, b, weight=w)
    return g


@dataclass(frozen=True)
class NetworkSummary:
    nodes: list[dict[str, Any]]  # name, type, degree, weighted_degree, degree_centrality, betweenness, community
    communities: list[list[str]]  # largest first
    edges: int


def summarise(g: nx.Graph, *, top: int | None = None, seed: int = 1) -> NetworkSummary:
    """Centrality and communities of a co-assignment network, nodes ranked by betweenness."""
    if g.number_of_nodes() == 0:
        return NetworkSummary(nodes=[], communities=[], edges=0)
    degree = nx.degree_centrality(g)
    # Betweenness on a weighted graph treats weight as distance; stronger ties should be shorter.
    for _, _, d in g.edges(data=True):
        d["distance"] = 1.0 / d.get("weight", 1)
    k = None if g.number_of_nodes() <= 500 else 500
    between = nx.betweenness_centrality(g, weight="distance", k=k, seed=seed)
    comms = communities(g, seed=seed)
    member = {name: i for i, c in enumerate(comms) for name in c}
    nodes = [
        {
            "name": n,
            "type": g.nodes[n].get("type"),
            "degree": g.degree(n),
            "weighted_degree": g.degree(n, weight="weight"),
            "degree_centrality": round(degree[n], 6),
            "betweenness": round(between[n], 6),
            "community": member.get(n),
        }
        for n in g.nodes
    ]
    nodes.sort(key=lambda x: (-x["betweenness"], -x["weighted_degree"], x["name"]))
    return NetworkSummary(nodes=nodes[:top] if top else nodes, communities=comms, edges=g.number_of_edges())


def communities(g: nx.Graph, *, seed: int = 1) -> list[list[str]]:
    """Louvain communities (weighted), largest first, names sorted inside each."""
    if g.number_of_edges() == 0:
        return [[n] for n in sorted(g.nodes)]
    found = nx.community.louvain_communities(g, weight="weight", seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def shortest_connection(g: nx.Graph, a: str, b: str) -> list[dict[str, Any]] | None:
    """The shortest agency–task–agency… chain between two agencies in a bipartite graph, or None."""
    src, dst = f"a:{a}", f"a:{b}"
    if src not in g or dst not in g:
        return None
    try:
        path = nx.shortest_path(g, src, dst)
    except nx.NetworkXNoPath:
        return None
    steps: list[dict[str, Any]] = []
    for i, node in enumerate(path):
        data = g.nodes[node]
        step: dict[str, Any] = {"kind": data["kind"]}
        if data["kind"] == "agency":
            step.update(name=data["name"], type=data.get("type"))
        else:
            step.update(id=data["id"], number=data.get("number"), source=data.get("source"))
        if i > 0:  # the agency's role on the task this edge joins
            step["role"] = g.edges[path[i - 1], node].get("role")
        steps.append(step)
    return steps


def workload(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Lead and support counts per agency, most loaded first."""
    lead: Counter[str] = Counter()
    support: Counter[str] = Counter()
    types: dict[str, Any] = {}
    seen: set[tuple[str, str, str]] = set()
    for r in rows:
        key = (r["agency"], r["task"], r["role"])
        if key in seen:
            continue
        seen.add(key)
        types[r["agency"]] = r.get("agency_type")
        (lead if r["role"] == "lead" else support)[r["agency"]] += 1
    table = [
        {"name": n, "type": types[n], "lead": lead[n], "support": support[n], "total": lead[n] + support[n]}
        for n in types
    ]
    table.sort(key=lambda x: (-x["total"], -x["lead"], x["name"]))
    return table
