"""The index that finds a copy among loaded documents without comparing every pair."""

from __future__ import annotations

import pytest

from graph.settings import REPO_ROOT
from loaders import duplicates
from loaders.parse import parse_file

SAMPLES = REPO_ROOT / "data" / "samples"


@pytest.fixture(scope="module")
def sigs():
    return {p.name[:3]: duplicates.signature(parse_file(p).text) for p in sorted(SAMPLES.glob("*.txt"))}


@pytest.fixture
def index(sigs):
    idx = duplicates.SignatureIndex()
    for key in ("000", "001", "003"):
        idx.add(key, sigs[key])
    return idx


def test_the_traditional_copy_finds_its_original(index, sigs):
    found = index.find(sigs["002"])
    assert found is not None and found[0] == "001" and found[1] >= duplicates.THRESHOLD


def test_an_unrelated_document_finds_nothing(index, sigs):
    assert index.find(sigs["004"]) is None


def test_excluded_and_discarded_documents_are_not_found(index, sigs):
    assert index.find(sigs["002"], exclude={"001"}) is None
    index.discard("001")
    assert index.find(sigs["002"]) is None


def test_the_index_agrees_with_comparing_every_pair(sigs):
    idx = duplicates.SignatureIndex()
    for key, sig in sigs.items():
        if key != "002":
            idx.add(key, sig)
    everyone = {k: v for k, v in sigs.items() if k != "002"}
    assert idx.find(sigs["002"]) == duplicates.find_duplicate(sigs["002"], everyone)
