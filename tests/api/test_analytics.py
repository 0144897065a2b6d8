"""networkx analytics on hand-written assignment rows (no store needed)."""

from __future__ import annotations

import pytest

from graph import analytics


def row(agency: str, task: str, role: str = "support", agency_type: str = "department") -> dict:
    return {"agency": agency, "task": task, "role": role, "agency_type": agency_type, "number": task, "source": "x"}


# Two clusters joined by one bridge: A–B–C share t1/t2; D–E share t4/t5; C and D meet on t3.
ROWS = [
    row("A", "t1", "lead"), row("B", "t1"), row("C", "t1"),
    row("A", "t2", "lead"), row("B", "t2"),
    row("C", "t3", "lead"), row("D", "t3"),
    row("D", "t4", "lead"), row("E", "t4"),
    row("D", "t5", "lead"), row("E", "t5"),
    row("F", "t6", "lead"),
]


@pytest.mark.parametrize(
    ("a", "b", "weight"),
    [("A", "B", 2), ("A", "C", 1), ("B", "C", 1), ("C", "D", 1), ("D", "E", 2)],
)
def test_coassignment_weights(a: str, b: str, weight: int) -> None:
    g = analytics.coassignment_graph(ROWS)
    assert g.edges[a, b]["weight"] == weight


def test_coassignment_has_lonely_agencies_and_no_other_edges() -> None:
    g = analytics.coassignment_graph(ROWS)
    assert set(g.nodes) == {"A", "B", "C", "D", "E", "F"}
    assert g.number_of_edges() == 5 and g.degree("F") == 0


def test_summary_ranks_the_bridge_first() -> None:
    summary = analytics.summarise(analytics.coassignment_graph(ROWS))
    assert [n["name"] for n in summary.nodes[:2]] == ["C", "D"]  # C and D sit on every cross-cluster path
    assert summary.edges == 5
    community = {n["name"]: n["community"] for n in summary.nodes}
    assert community["A"] == community["B"] and community["D"] == community["E"]
    assert community["A"] != community["E"]
    assert ["F"] in summary.communities


@pytest.mark.parametrize(
    ("a", "b", "chain"),
    [
        ("A", "B", ["A", "t1|t2", "B"]),
        ("A", "E", ["A", "t1", "C", "t3", "D", "t4|t5", "E"]),
        ("E", "C", ["E", "t4|t5", "D", "t3", "C"]),
    ],
)
def test_shortest_connection(a: str, b: str, chain: list[str]) -> None:
    steps = analytics.shortest_connection(analytics.bipartite_graph(ROWS), a, b)
    assert steps is not None and len(steps) == len(chain)
    for step, expected in zip(steps, chain, strict=True):
        got = step["name"] if step["kind"] == "agency" else step["id"]
        assert got in expected.split("|")
    assert steps[1]["role"] == next(r["role"] for r in ROWS if r["agency"] == a and r["task"] == steps[1]["id"])


@pytest.mark.parametrize(("a", "b"), [("A", "F"), ("A", "nobody")])
def test_no_connection(a: str, b: str) -> None:
    assert analytics.shortest_connection(analytics.bipartite_graph(ROWS), a, b) is None


def test_workload() -> None:
    table = analytics.workload(ROWS + [row("A", "t1", "lead")])  # a repeated row counts once
    assert table[0] == {"name": "D", "type": "department", "lead": 2, "support": 1, "total": 3}
    by_name = {r["name"]: (r["lead"], r["support"]) for r in table}
    assert by_name == {"A": (2, 0), "B": (0, 2), "C": (1, 1), "D": (2, 1), "E": (0, 2), "F": (1, 0)}


def test_empty_network() -> None:
    summary = analytics.summarise(analytics.coassignment_graph([]))
    assert summary.nodes == [] and summary.communities == [] and summary.edges == 0
