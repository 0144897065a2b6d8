"""Finding a unit the way people type it, over the five samples.

The samples name 市卫健委 (武汉市卫生健康委员会), 市发改委 and, in 武昌区's plan (004), 武昌区卫健局 and
武昌区发改局: a short name offers the city's unit first, then the other jurisdiction's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from api.names import name_keys, query_stem


def found(api: httpx.Client, q: str) -> list[str]:
    r = api.get("/agencies", params={"q": q, "limit": 1000})
    assert r.status_code == 200, r.text
    return [a["name"] for a in r.json()["items"]]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("wjw", "市卫健委"),  # initials of 卫健委
        ("swjw", "市卫健委"),  # initials of the whole name
        ("weijianwei", "市卫健委"),  # full pinyin
        ("WeiJianWei", "市卫健委"),
        ("fgw", "市发改委"),
        ("fagaiwei", "市发改委"),
        ("卫健委", "市卫健委"),  # short name
        ("衛健委", "市卫健委"),  # Traditional
        ("武汉市卫生健康委员会", "市卫健委"),  # full official name
        ("市卫生健康委", "市卫健委"),  # alias
        ("发改委", "市发改委"),
    ],
)
def test_agency_search_finds_the_unit_first(api: httpx.Client, typed: str, first: str) -> None:
    names = found(api, typed)
    assert names and names[0] == first, names


def test_short_name_also_offers_other_jurisdictions(api: httpx.Client) -> None:
    assert found(api, "卫健委")[:2] == ["市卫健委", "武昌区卫健局"]
    assert found(api, "发改委")[:2] == ["市发改委", "武昌区发改局"]


def test_search_keeps_counts_and_finds_nothing_for_nonsense(api: httpx.Client) -> None:
    (wjw,) = [a for a in api.get("/agencies", params={"q": "wjw"}).json()["items"] if a["name"] == "市卫健委"]
    assert (wjw["lead"], wjw["support"]) == (15, 6)  # see tests/viz: LEAD_NUMBERS, SUPPORT_NUMBERS
    assert found(api, "xqzv") == []
    assert found(api, "火星探测局") == []


def test_name_lookups_suggest_for_pinyin_and_short_names(api: httpx.Client) -> None:
    for typed in ("wjw", "weijianwei", "卫健委"):
        r = api.get(f"/agencies/{typed}")
        assert r.status_code == 404
        assert r.json()["suggestions"][0] == "市卫健委", r.json()
    assert "武昌区卫健局" in api.get("/agencies/卫健委").json()["suggestions"]


def test_named_queries_resolve_names_or_suggest(api: httpx.Client) -> None:
    r = api.get("/queries/agency_tasks.json", params={"name": "卫健委"})
    assert r.status_code == 404 and r.json()["suggestions"][:2] == ["市卫健委", "武昌区卫健局"]
    full = api.get("/queries/agency_tasks.json", params={"name": "武汉市卫生健康委员会"})
    canonical = api.get("/queries/agency_tasks.json", params={"name": "市卫健委"})
    assert full.status_code == canonical.status_code == 200
    assert full.json()["rows"] == canonical.json()["rows"] and len(canonical.json()["rows"]) >= 21
    post = api.post("/queries/shared_tasks", json={"params": {"a": "市衛健委", "b": "wjw"}})
    assert post.status_code == 404 and "市卫健委" in post.json()["suggestions"]
    assert api.get("/queries/district_tasks.json", params={"district": "武昌"}).status_code == 200


@pytest.mark.parametrize(
    ("name", "jurisdiction", "core", "stem", "initials", "spelled"),
    [
        ("市卫健委", "武汉市", "卫健委", "卫健", "wjw", "weijianwei"),
        ("武昌区卫健局", "武昌区", "卫健局", "卫健", "wjj", "weijianju"),
        ("市发改委", "武汉市", "发改委", "发改", "fgw", "fagaiwei"),
        ("市政府办公厅", "武汉市", "政府办公厅", "政府办公", "zfbgt", "zhengfubangongting"),
        ("团市委", "武汉市", "团市委", "团市", "tsw", "tuanshiwei"),
    ],
)
def test_name_keys(name, jurisdiction, core, stem, initials, spelled) -> None:
    k = name_keys(name, jurisdiction, ())
    assert (k.core, k.stem) == (core, stem)
    assert initials in k.initials and spelled in k.spelled


@pytest.mark.parametrize(("typed", "stem"), [("卫健委", "卫健"), ("市发改委", "发改"), ("卫健", "卫健"), ("局", "局")])
def test_query_stem(typed: str, stem: str) -> None:
    assert query_stem(typed) == stem


def test_cli_query_suggests_instead_of_returning_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "DUTYGRAPH_DATA": str(tmp_path / "data"), "NO_COLOR": "1", "COLUMNS": "200"}
    cli = Path(sys.executable).with_name("dutygraph")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(cli), *args], env=env, capture_output=True, text=True, timeout=300, check=False)

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "003_0cb12dbbb4b3a502.txt"
    assert run("load", str(sample)).returncode == 0
    miss = run("query", "agency_tasks", "-p", "name=卫健委")
    assert miss.returncode == 1 and "市卫健委" in miss.stderr and "Traceback" not in miss.stderr
    hit = run("query", "agency_tasks", "-p", "name=武汉市卫生健康委员会", "--json")
    assert hit.returncode == 0 and "市卫健委" in hit.stdout
