"""Loading never destroys what is loaded: a renamed copy (CLI and API), files of the same name, loading again."""

from __future__ import annotations

import shutil
import subprocess

import httpx
from faults import (
    CITY_LIST,
    DISTRICT_PLAN,
    DUTYGRAPH,
    SAMPLE_FILES,
    ApiProcess,
    cli_env,
    documents,
    export_text,
    parsed_tasks,
)

from graph.connect import open_store
from graph.settings import Settings
from loaders.pipeline import load_paths


def test_a_renamed_copy_is_marked_duplicate_and_the_original_stays(store, tmp_path):
    (first,) = load_paths(store=store, paths=[CITY_LIST])
    before = export_text(store)
    renamed = tmp_path / "renamed.txt"
    shutil.copyfile(CITY_LIST, renamed)

    (copy,) = load_paths(store=store, paths=[renamed])

    assert copy.status == "duplicate" and copy.doc_id != first.doc_id
    docs = documents(store)
    assert docs[CITY_LIST.name]["tasks"] == first.counts["tasks"] > 200
    assert docs[CITY_LIST.name]["duplicate_of"] is None
    assert docs["renamed.txt"]["duplicate_of"] == first.doc_id and docs["renamed.txt"]["tasks"] == 0
    # Everything the original put in the graph is still there; only the copy's Document line is new.
    after = export_text(store).splitlines()
    assert [line for line in after if '"renamed.txt"' not in line] == before.splitlines()
    (again,) = load_paths(store=store, paths=[renamed])
    assert again.status == "unchanged" and documents(store) == docs


def test_same_name_in_two_folders_is_refused_not_overwritten(store, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / "plan.txt", tmp_path / "b" / "plan.txt"
    shutil.copyfile(CITY_LIST, a)
    shutil.copyfile(DISTRICT_PLAN, b)

    first, second = load_paths(store=store, paths=[a, b])

    assert first.status == "loaded"
    assert second.status == "failed" and "同名" in second.error and str(b) in second.error
    docs = documents(store)
    assert list(docs) == ["plan.txt"] and docs["plan.txt"]["id"] == first.doc_id
    assert docs["plan.txt"]["tasks"] == first.counts["tasks"]


def test_a_later_file_of_the_same_name_replaces_the_earlier_and_says_so(store, tmp_path):
    plan = tmp_path / "plan.txt"
    shutil.copyfile(CITY_LIST, plan)
    load_paths(store=store, paths=[plan])
    shutil.copyfile(DISTRICT_PLAN, plan)
    (result,) = load_paths(store=store, paths=[plan])
    assert result.status == "loaded"
    assert any("替换了先前载入的同名文件" in w for w in result.warnings)
    assert documents(store)["plan.txt"]["tasks"] == result.counts["tasks"]


def test_loading_the_samples_again_leaves_the_export_byte_identical(store):
    """Each load_paths call is a new Loader, as each `dutygraph load` is a new process."""
    first = load_paths(store=store, paths=SAMPLE_FILES)
    assert {r.status for r in first} == {"loaded", "duplicate"}
    exported = export_text(store)
    for _ in range(2):
        again = load_paths(store=store, paths=SAMPLE_FILES)
        assert [r.status for r in again] == ["unchanged"] * len(SAMPLE_FILES)
        assert export_text(store) == exported


def test_cli_reload_byte_identical_and_empty_folder_refused(tmp_path):
    env = cli_env(tmp_path / "data")

    def run(*args):
        return subprocess.run([str(DUTYGRAPH), *args], env=env, capture_output=True, text=True, timeout=300,
                              check=False)

    folder = tmp_path / "samples"
    folder.mkdir()
    for f in SAMPLE_FILES[-3:]:
        shutil.copyfile(f, folder / f.name)
    assert run("load", str(folder)).returncode == 0
    first = run("export").stdout
    again = run("load", str(folder))
    assert again.returncode == 0 and again.stdout.count("未变") == 3
    assert run("export").stdout == first != ""

    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "notes.docx.bak").write_text("x")
    refused = run("load", str(empty))
    assert refused.returncode == 1 and "没有可载入的文件" in refused.stderr and str(empty) in refused.stderr


def test_a_renamed_copy_uploaded_over_the_api_is_a_duplicate_and_the_original_stays(tmp_path):
    """POST /documents of the city list under another name, on a real API process over the CLI's data."""
    data = tmp_path / "data"
    env = cli_env(data, DUTYGRAPH_API_KEY="copy-key")
    loaded = subprocess.run([str(DUTYGRAPH), "load", str(CITY_LIST)], env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert loaded.returncode == 0, loaded.stderr
    before = subprocess.run([str(DUTYGRAPH), "export"], env=env, capture_output=True, text=True, timeout=120,
                            check=True).stdout
    api = ApiProcess(env, tmp_path / "api.log")
    try:
        with httpx.Client(base_url=api.url, timeout=120, headers={"X-API-Key": "copy-key"}) as c:
            copy = c.post("/documents", files={"file": ("renamed.txt", CITY_LIST.read_bytes())})
            assert copy.status_code == 201, copy.text
            assert copy.json()["status"] == "duplicate"
            again = c.post("/documents", files={"file": ("renamed.txt", CITY_LIST.read_bytes())})
            assert again.status_code == 201 and again.json()["status"] == "unchanged", again.text
            listed = {d["source"]: d for d in c.get("/documents", params={"limit": 100}).json()["items"]}
    finally:
        api.stop()
    store = open_store(Settings(dutygraph_data=data, falkordb_url=None, neo4j_uri=None))
    try:
        docs = documents(store)
        after = export_text(store).splitlines()
    finally:
        store.close()
    original = docs[CITY_LIST.name]
    assert original["duplicate_of"] is None and original["tasks"] == parsed_tasks([CITY_LIST])[original["id"]] > 200
    assert docs["renamed.txt"]["duplicate_of"] == original["id"] and docs["renamed.txt"]["tasks"] == 0
    assert copy.json()["detail"]["doc_id"] == docs["renamed.txt"]["id"] != original["id"]
    assert set(listed) == {CITY_LIST.name, "renamed.txt"}
    # Everything the original put in the graph is as the CLI exported it; only the copy's Document is new.
    assert [line for line in after if '"renamed.txt"' not in line] == before.splitlines()
