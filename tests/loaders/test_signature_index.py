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


def test_documents_sharing_a_template_are_found_as_by_comparing_every_pair():
    """Signatures sharing many common hashes (a template) and a few near-copies: the index, which leaves
    the commonest hashes uncounted, finds what comparing every pair finds."""
    import random

    rng = random.Random(7)
    template = rng.sample(range(1, 1 << 40), 200)
    idx, everyone = duplicates.SignatureIndex(), {}
    for n in range(60):
        own = rng.sample(range(1 << 40, 1 << 41), 256)
        sig = sorted(rng.sample(template, rng.randrange(40, 140)) + own)[: duplicates.K]
        idx.add(f"d{n}", sig)
        everyone[f"d{n}"] = sig
    for n in range(0, 60, 7):  # near-copies of some of them, and strangers
        base = everyone[f"d{n}"]
        for keep in (0.45, 0.55, 0.8):
            sig = sorted(rng.sample(base, int(keep * len(base))) + rng.sample(range(1 << 41, 1 << 42), 40))
            assert idx.find(sig) == duplicates.find_duplicate(sig, everyone)
