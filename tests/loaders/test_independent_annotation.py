"""The loaders' leads and supports against an independent hand annotation of the samples.

The expected values live in tests/annotations/*.yaml, written by a reviewer from the documents themselves
(never from loader output). One case per annotated task, so a failure names the task; leads and supports are
compared as sets (who) and as ordered lists (the order the document prints them).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml

from graph.model import ParsedDocument, Task
from loaders.parse import parse_file

ROOT = Path(__file__).resolve().parents[2]
ANNOTATIONS = ROOT / "tests" / "annotations"

# Disagreements still open at the review deadline, keyed by case id; each was checked against the source text
# and reported in /work/brief/interface-notes.md ("Reviewer findings"). strict: a fix makes the case XPASS → fail,
# so the mark gets removed.
KNOWN_LOADER_ERRORS: dict[str, str] = {}


def _annotation(name: str) -> dict:
    return yaml.safe_load((ANNOTATIONS / name).read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    """NFKC and no whitespace, so "附件 1" contains "附件1" and full/half-width brackets compare equal."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@cache
def _parsed(source: str) -> ParsedDocument:
    return parse_file(ROOT / source)


def _path(task: Task) -> str:
    return _norm("/".join(task.section))


def _find(doc: ParsedDocument, section: str, number: str) -> Task:
    hits = [t for t in doc.tasks if _norm(section) in _path(t) and t.number == number]
    assert len(hits) == 1, (
        f"expected one task numbered {number} under a heading containing {section!r}, found {len(hits)}: "
        f"{[(t.number, t.section) for t in hits]}"
    )
    return hits[0]


def _assert_units(task: Task, leads: list[str], supports: list[str]) -> None:
    got_leads = [a.name for a in task.leads]
    got_supports = [a.name for a in task.supports]
    where = f"{task.provenance.source}:{task.provenance.line_start} {task.attribution!r}"
    assert set(got_leads) == set(leads), f"leads differ at {where}: got {got_leads}, annotated {leads}"
    assert set(got_supports) == set(supports), (
        f"supports differ at {where}: got {got_supports}, annotated {supports}"
    )
    assert got_leads == leads, f"lead order differs at {where}: got {got_leads}, printed {leads}"
    assert got_supports == supports, (
        f"support order differs at {where}: got {got_supports}, printed {supports}"
    )


def _assert_lines(task: Task, item: dict) -> None:
    """The task's provenance spans the annotated lines: from its first line to the line of its attribution."""
    got = (task.provenance.line_start, task.provenance.line_end)
    assert got == (item.get("line_start", item["line"]), item["line"]), f"lines {got}, annotated {item}"


def _source_line(source: str, line: int) -> str:
    return _source_lines(source)[line - 1]


@cache
def _source_lines(source: str) -> list[str]:
    return (ROOT / source).read_text(encoding="utf-8").split("\n")


def _assert_inline_text(task: Task, source: str, item: dict) -> None:
    """An inline attribution is kept as printed on its line, and the task text is the item without it."""
    printed = _source_line(source, item["line"])
    assert task.attribution and task.attribution in printed, (
        f"attribution {task.attribution!r} not on line {item['line']}"
    )
    text = _norm(task.text)
    assert not any(label in text for label in ("牵头单位:", "责任单位:", "牵头部门:", "责任部门:")), task.text
    assert not text.startswith(f"{item['number']}."), task.text


def _params(cases: list[dict], case_id) -> list:
    params = []
    for case in cases:
        cid = case_id(case)
        marks = []
        if cid in KNOWN_LOADER_ERRORS:
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_LOADER_ERRORS[cid])]
        params.append(pytest.param(case, id=cid, marks=marks))
    return params


GAZETTE = _annotation("000_annex1.yaml")
WUCHANG = _annotation("004_wuchang.yaml")
CITY = _annotation("003_city.yaml")


# --- 000 附件1: the city table ---------------------------------------------------------------------------


def _annex1_tasks() -> list[Task]:
    doc = _parsed(GAZETTE["source"])
    return [t for t in doc.tasks if _norm(GAZETTE["annex1"]["section"]) in _path(t)]


@pytest.mark.parametrize(
    "row", _params(GAZETTE["annex1"]["rows"], lambda r: f"000-附件1-row{int(r['number']):02d}")
)
def test_annex1_row(row: dict) -> None:
    hits = [t for t in _annex1_tasks() if t.number == row["number"]]
    assert len(hits) == 1, f"附件1 row {row['number']} found {len(hits)} times"
    task = hits[0]
    assert _norm(task.title) == _norm(row["title"])
    assert _norm(task.category) == _norm(row["category"]), (
        f"category {task.category!r}, annotated {row['category']}"
    )
    _assert_units(task, row["leads"], row["supports"])
    _assert_lines(task, row)


def test_annex1_row_count() -> None:
    numbers = [t.number for t in _annex1_tasks()]
    assert len(numbers) == GAZETTE["annex1"]["count"], numbers
    assert numbers == [str(n) for n in range(1, GAZETTE["annex1"]["count"] + 1)]


# --- 000 附件2: one list per district or zone, owned by its government or 管委会 -----------------------------


@pytest.mark.parametrize(
    "district", _params(GAZETTE["annex2"]["lists"], lambda d: f"000-附件2-{d['heading']}")
)
def test_annex2_list(district: dict) -> None:
    doc = _parsed(GAZETTE["source"])
    annex = _norm(GAZETTE["annex2"]["section"])
    rows = [
        t
        for t in doc.tasks
        if annex in _path(t) and _norm(district["heading"]) in {_norm(s) for s in t.section}
    ]
    assert [t.number for t in rows] == [str(n) for n in range(1, district["rows"] + 1)]
    for t in rows:
        _assert_units(t, [district["owner"]], [])


def test_annex2_has_the_fifteen_lists_only() -> None:
    doc = _parsed(GAZETTE["source"])
    annex = _norm(GAZETTE["annex2"]["section"])
    rows = [t for t in doc.tasks if annex in _path(t)]
    assert len(rows) == sum(d["rows"] for d in GAZETTE["annex2"]["lists"])


# --- 004 武昌区 plan: indicator lists and 主要任务分工 --------------------------------------------------------


@pytest.mark.parametrize("item", _params(WUCHANG["items"], lambda i: f"004-{i['section']}-{i['number']}"))
def test_wuchang_item(item: dict) -> None:
    task = _find(_parsed(WUCHANG["source"]), item["section"], item["number"])
    _assert_units(task, item["leads"], item["supports"])
    _assert_lines(task, item)
    _assert_inline_text(task, WUCHANG["source"], item)


def test_wuchang_item_count() -> None:
    doc = _parsed(WUCHANG["source"])
    sections = {_norm(i["section"]) for i in WUCHANG["items"]}
    found = [t for t in doc.tasks if any(s in _path(t) for s in sections)]
    assert len(found) == len(WUCHANG["items"]), [(t.number, t.section[-1]) for t in found]


# --- 003 city task list: 40 tricky tasks, then all the others; the count of every part ----------------------------


@pytest.mark.parametrize(
    "item",
    _params(CITY["tasks"] + CITY["more_tasks"], lambda i: f"003-{i['section']}-{i['number']}"),
)
def test_city_task(item: dict) -> None:
    task = _find(_parsed(CITY["source"]), item["section"], item["number"])
    _assert_units(task, item["leads"], item["supports"])
    _assert_lines(task, item)
    _assert_inline_text(task, CITY["source"], item)


@pytest.mark.parametrize("part", CITY["parts"], ids=lambda p: f"003-{p['name']}")
def test_city_part_count(part: dict) -> None:
    doc = _parsed(CITY["source"])
    found = [t for t in doc.tasks if any(_norm(s) in _path(t) for s in part["sections"])]
    assert len(found) == part["tasks"]
    assert [t.number for t in found] == [str(n) for n in range(part["first"], part["last"] + 1)]


def test_city_total() -> None:
    assert len(_parsed(CITY["source"]).tasks) == CITY["total"]


# --- the units themselves: type, resolved, jurisdiction, branch ---------------------------------------------


def _unit_cases() -> list:
    cases = []
    for ann in (GAZETTE, CITY, WUCHANG):
        city_types = set(ann.get("city_units", []))
        for type_, names in ann["unit_types"].items():
            for name in names:
                jurisdiction = ann.get("jurisdiction") or ("武汉市" if type_ in city_types else None)
                cases.append(
                    {
                        "source": ann["source"],
                        "name": name,
                        "type": type_,
                        "jurisdiction": jurisdiction,
                        "branch_of": ann.get("branch_of", {}).get(name),
                    }
                )
    return _params(cases, lambda c: f"{Path(c['source']).name[:3]}-unit-{c['name']}")


@pytest.mark.parametrize("unit", _unit_cases())
def test_unit_resolution(unit: dict) -> None:
    doc = _parsed(unit["source"])
    seen = [a.agency for t in doc.tasks for a in t.assignments if a.agency.name == unit["name"]]
    assert seen, f"{unit['name']} is named by no task of {unit['source']}"
    for agency in seen:
        assert agency.resolved, f"{unit['name']} flagged unresolved"
        assert agency.type == unit["type"], f"{unit['name']}: type {agency.type}, annotated {unit['type']}"
        if unit["jurisdiction"]:
            assert agency.jurisdiction == unit["jurisdiction"], (
                f"{unit['name']}: jurisdiction {agency.jurisdiction}, annotated {unit['jurisdiction']}"
            )
        if unit["branch_of"]:
            assert agency.branch_of == unit["branch_of"]
