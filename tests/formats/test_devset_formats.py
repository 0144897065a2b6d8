"""Format parity on the development set: every document of tests/devset/docs converted at test time to
.docx (typed and automatic numbering), .pdf (LibreOffice, from the automatic .docx), .html (a GBK page for
the GBK documents) and, when it holds a table, .xlsx — each scored against its hand annotation exactly as
the .txt is (tests/devset/score.py). The issue asks for F1 within 0.02 of the .txt per format; we hold
0.01 overall, and no document may lose more than 0.05 against its own .txt (nor be refused where the .txt
loads) — a failure there is one reader mishandling one layout, which an average would hide.
"""

from __future__ import annotations

import devset_formats as formats
import pytest

from loaders.formats.office import soffice

PER_FORMAT = 0.01
PER_DOCUMENT = 0.05


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> formats.FormatScores:
    assert soffice(), "LibreOffice is needed to build the PDF fixtures: make test installs it"
    return formats.score_formats(formats.build(tmp_path_factory.mktemp("devset-formats")))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", formats.FORMATS[1:])
def test_format_scores_as_the_text(scores, fmt, capsys):
    if fmt == formats.FORMATS[1]:
        with capsys.disabled():
            print("\n" + scores.table())
    docs = scores.docs_with(fmt)
    assert len(docs) >= (10 if fmt in ("xlsx", "xls") else 70)
    got, txt = scores.overall(fmt), scores.overall("txt", docs)
    assert abs(got.f1 - txt.f1) <= PER_FORMAT, scores.table()
    worse = [(n, round(t, 3), round(f, 3)) for n, g, t, f in scores.differing() if g == fmt and f < t - PER_DOCUMENT]
    assert not worse, worse
    refused = {n: r[fmt] for n, r in scores.refused.items() if fmt in r and "txt" not in r}
    assert not refused, refused
