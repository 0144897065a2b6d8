"""The development set's figure, and proof that the scorer can fail.

`test_devset_floor` prints the score table (seen with -s, and in the report of a failure) and holds the
overall F1 at or above a ratchet: the figure main reached when the floor was last raised. Raise FLOOR when
the loader gets better; never lower it to make a change pass.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from devset.score import (
    DOCS,
    Report,
    annotation_paths,
    load_annotation,
    norm,
    parse,
    score,
    score_document,
    text_key,
)

FLOOR_F1 = 0.995  # main when the floor was last raised: 1.000 overall on 71 documents
FLOOR_DOCS = 71
MAX_REFUSED = 0  # documents main refuses although each holds attributed tasks (issue 9 wants 0)

# Batches written after the grammar's last landing and scored once before any change for them (see each folder's
# README.md): main's first-time figures were 0.791 (unseen, 21 documents), 0.932 (unseen2, 12) and 0.930 (unseen3, 8).
# The floors hold what the loader reaches on them now.
UNSEEN = DOCS.parent / "unseen"
UNSEEN2 = DOCS.parent / "unseen2"
UNSEEN3 = DOCS.parent / "unseen3"
BLIND = DOCS.parent / "blind"  # annotated by independent hands (h9x, h9x2), never from loader output
BLIND2 = DOCS.parent / "blind2"
BATCH_FLOORS = {UNSEEN: (0.995, 21), UNSEEN2: (0.995, 12), UNSEEN3: (0.995, 8)}  # folder: (F1 floor, documents)
# Independent hands: scored to a floor, not shape-checked (blind keeps a name wrapped across a cell by design).
BLIND_FLOORS = {BLIND: (0.96, 20), BLIND2: (0.98, 15)}


@pytest.fixture(scope="module")
def report() -> Report:
    return score()


def test_devset_floor(report: Report, capsys) -> None:
    with capsys.disabled():
        print("\n" + report.table())
    assert len(report.docs) >= FLOOR_DOCS
    assert report.overall.f1 >= FLOOR_F1, report.table()
    assert len(report.refused) <= MAX_REFUSED, [d.name for d in report.refused]


@pytest.mark.parametrize("folder", [*BATCH_FLOORS, *BLIND_FLOORS], ids=lambda p: p.name)
def test_unseen_batch_floor(folder: Path, capsys) -> None:
    batch = score(folder)
    with capsys.disabled():
        print("\n" + batch.table())
    floor, documents = {**BATCH_FLOORS, **BLIND_FLOORS}[folder]
    assert len(batch.docs) >= documents
    assert batch.overall.f1 >= floor, batch.table()
    assert not batch.refused, [d.name for d in batch.refused]


@pytest.mark.parametrize("folder", [DOCS, *BATCH_FLOORS], ids=lambda p: p.name)
def test_every_document_has_its_annotation(folder: Path) -> None:
    texts = {p.stem for p in folder.glob("*.txt")}
    annotated = {p.stem for p in annotation_paths(folder)}
    assert texts == annotated


ALL_ANNOTATIONS = [path for folder in (DOCS, *BATCH_FLOORS) for path in annotation_paths(folder)]


@pytest.mark.parametrize("path", ALL_ANNOTATIONS, ids=lambda p: p.stem)
def test_annotation_is_well_formed(path: Path) -> None:
    a = load_annotation(path)
    assert a["level"] in {"province", "city", "district", "county"}
    assert a["jurisdiction"] and a["conventions"]
    assert 5 <= len(a["tasks"]) <= 40
    for t in a["tasks"]:
        assert t["text"] and t.get("leads") is not None, t
        assert not set(t["leads"]) & set(t.get("supports") or []), t


def _perturbed(annotation: dict) -> dict:
    """Leads and supports swapped, and every task's first lead replaced by a unit no document names."""
    wrong = copy.deepcopy(annotation)
    for t in wrong["tasks"]:
        t["leads"], t["supports"] = list(t.get("supports") or []), ["市不存在局", *t["leads"][1:]]
    return wrong


def test_scorer_catches_wrong_annotations() -> None:
    """Scoring a parsed document against a deliberately wrong annotation must drop F1: the scorer can fail."""
    path = DOCS / "district_labels_donggang.yaml"
    annotation = load_annotation(path)
    parsed = parse(path.with_suffix(".txt"), annotation)
    right = score_document(path.with_suffix(".txt"), annotation, parsed)
    wrong = score_document(path.with_suffix(".txt"), _perturbed(annotation), parsed)
    assert right.counts.tp > 0
    assert wrong.counts.f1 < right.counts.f1 - 0.3, (right.counts, wrong.counts)
    assert any("missing support '市不存在局'" in e for e in wrong.errors)
    assert wrong.names.f1 > wrong.counts.f1  # swapped roles: the units are still mostly the right ones
    assert wrong.exact < right.exact or right.exact == 0


def test_scorer_counts_unaligned_tasks() -> None:
    """An annotated task that is not in the document is a false negative; nothing is aligned to it."""
    path = DOCS / "district_labels_donggang.yaml"
    annotation = load_annotation(path)
    parsed = parse(path.with_suffix(".txt"), annotation)
    ghost = copy.deepcopy(annotation)
    ghost["tasks"].append({"n": "99", "text": "不存在的任务", "leads": ["东港区发改局"], "supports": []})
    base = score_document(path.with_suffix(".txt"), annotation, parsed)
    s = score_document(path.with_suffix(".txt"), ghost, parsed)
    assert s.counts.fn == base.counts.fn + 1 and s.tasks_aligned == base.tasks_aligned


_SUFFIXES = (
    "县人民政府",
    "区人民政府",
    "市人民政府",
    "州人民政府",
    "人民政府",
    "管委会",
    "管理局",
    "街道办事处",
    "市政府",
    "政府",
)


def _core(name: str, place: str) -> str:
    """The part of a canonical name the document must print somewhere: without the issuing place, the level
    prefix and a shared suffix, so "东港区发改局" → "发改局" and "云溪区人民政府" → "云溪"."""
    core = name.removeprefix(place)
    if core != name:
        return core
    for suffix in _SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core.removesuffix(suffix)
            break
    return core.removeprefix("自治区").lstrip("市省区县州旗") or core


@pytest.mark.parametrize("path", ALL_ANNOTATIONS, ids=lambda p: p.stem)
def test_annotated_names_are_printed(path: Path) -> None:
    """Every annotated unit has its core printed in the document: catches typing slips in the annotation."""
    a = load_annotation(path)
    text = text_key(path.with_suffix(".txt").read_text(encoding="utf-8"))
    place = norm(a["jurisdiction"])
    for t in a["tasks"]:
        for name in [*t["leads"], *(t.get("supports") or [])]:
            assert text_key(_core(norm(name), place)) in text, (name, t["text"])


def test_command_prints_table_and_json(capsys) -> None:
    from devset.score import main

    assert main(["guizhou"]) == 0
    out = capsys.readouterr().out
    assert "province_division_guizhou" in out and "OVERALL" in out and "city_bracket_rule_baoji" not in out
    assert main(["--json", "guizhou"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["documents"]) == ["province_division_guizhou"]
    assert data["documents"]["province_division_guizhou"]["level"][0] == "province"
