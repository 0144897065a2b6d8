"""The API over the five samples. Every expected set below was read off data/samples by hand
(grep of the attribution lines in 003, the tab tables of 000 附件1/附件2), never from the code's output.

A task is named by (file prefix, number, the first characters of its text as printed).
"责任单位" alone (no 牵头单位) means the units named are co-leads.
"""

from __future__ import annotations

import httpx
import pytest

Key = tuple[str, str, str]

# 003 — lines with 牵头单位:市卫健委, or 责任单位:市卫健委 alone.
WJW_LEADS_003: set[Key] = {
    ("003", "202", "完善三孩生育政策配套措施"),
    ("003", "210", "推进公立医院高质量发展"),  # (责任单位:市卫健委)
    ("003", "211", "谋划推进长江新区医疗综合体项目"),
    ("003", "212", "加快区域医共体建设"),
    ("003", "213", "支持中医药传承创新发展"),
    ("003", "214", "深入实施“323”攻坚行动"),  # (责任单位:市卫健委)
    ("003", "215", "深化新时代爱国卫生运动"),
    ("003", "4", "建设武汉市托育综合服务中心"),  # 民生实事, (责任单位:市卫健委)
    ("003", "22", "为全市孕妇提供无创产前基因免费筛查"),
    ("003", "23", "在公共场所配置自动体外除颤仪"),
    ("003", "24", "新增急救站10个"),  # (责任单位:市卫健委)
}
# 003 section 三 items given to "市人民政府各部门" (every city department, so 市卫健委 through the group):
# 1, 2, 5, 6, 7 have 责任单位 alone (co-lead); 3 has 牵头单位:市财政局;责任单位:市人民政府各部门.
ALL_DEPTS_LEAD: set[Key] = {("003", "1", "全面贯彻习近平新时代"), ("003", "2", "牢记政府前面“人民”二字"),
                            ("003", "5", "践行全过程人民民主"), ("003", "6", "事不避难、义不逃责"),
                            ("003", "7", "以自我革命精神纵深推进")}
ALL_DEPTS_SUPPORT: set[Key] = {("003", "3", "坚持财力向利民倾斜")}
# 000 附件1 — rows whose 牵头单位 column names 市卫健委 (row 14: "市卫健委 市民政局").
WJW_LEADS_000: set[Key] = {
    ("000", "1", ""), ("000", "10", ""), ("000", "11", ""), ("000", "14", ""),
}
WJW_SUPPORTS: set[Key] = {
    ("003", "234", "强化安全生产"), ("003", "237", "坚持党建引领"),
    ("000", "3", ""), ("000", "9", ""), ("000", "15", ""), ("000", "25", ""),
}
# 市卫健委 and 市民政局 both named: 003 task 237; 000 附件1 rows 9 (both 责任), 14 (both 牵头), 15.
WJW_MZJ_SHARED: set[Key] = {("003", "237", "坚持党建引领"), ("000", "9", ""), ("000", "14", ""), ("000", "15", "")}
# 市卫健委 and 市财政局: 003 民生实事 23; 000 附件1 rows 1, 3, 10, 11, 14, 15.
WJW_CZJ_SHARED: set[Key] = {("003", "23", "在公共场所配置自动体外除颤仪"), ("000", "1", ""), ("000", "3", ""),
                            ("000", "10", ""), ("000", "11", ""), ("000", "14", ""), ("000", "15", "")}

# 000 附件1 rows that give 各区人民政府 a role (column 责任单位).
ANNEX1_ALL_DISTRICTS = {"1", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "21", "22", "23",
                        "24", "25"}
# 003 lines naming 各区人民政府 (grep -c: 77): the section 三 items and the 民生实事 numbers are listed apart.
GQ_003_MAIN = {"118", "132", "134", "142", "144", "147", "155", "165", "200", "201", "202", "203", "204", "212", "215",
               "216", "221", "223", "225", "228", "232", "234", "235", "236", "237", "241"}
GQ_003_SECTION3 = {"1", "2", "5", "6", "7"}
GQ_003_LIVELIHOOD = {"1", "2", "3", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18",
                     "19", "20", "21", "22", "23", "25", "27", "28", "33", "34", "35", "36", "37", "38", "42", "43",
                     "45", "46", "48", "53", "54", "56", "57", "58", "59", "60", "61", "67", "68"}


def key_of(item: dict) -> tuple[str, str]:
    return item["source"][:3], item["number"]


def matches(items: list[dict], expected: set[Key]) -> bool:
    """Each expected task found exactly once, and nothing else."""
    if len(items) != len(expected):
        return False
    left = list(items)
    for prefix, number, text in expected:
        hit = [i for i in left if key_of(i) == (prefix, number) and i["text"].startswith(text)]
        if len(hit) != 1:
            return False
        left.remove(hit[0])
    return not left


def everything(client: httpx.Client, url: str, **params) -> list[dict]:
    r = client.get(url, params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def brief(items: list[dict]) -> list[tuple[str, str, str]]:
    return sorted((i["source"][:3], i["number"], i["text"][:12]) for i in items)


def test_wjw_leads_exactly(api: httpx.Client) -> None:
    items = everything(api, "/agencies/市卫健委/tasks", role="lead")
    assert matches(items, WJW_LEADS_003 | WJW_LEADS_000 | ALL_DEPTS_LEAD), brief(items)
    assert {i["role"] for i in items} == {"lead"}
    direct = [i for i in items if i["via"] is None]
    assert matches(direct, WJW_LEADS_003 | WJW_LEADS_000), brief(direct)
    assert {i["via"] for i in items if i not in direct} == {"市人民政府各部门"}


def test_wjw_tasks_by_document_and_by_group_on_the_server(api: httpx.Client) -> None:
    direct = everything(api, "/agencies/市卫健委/tasks", role="lead", via="direct")
    assert matches(direct, WJW_LEADS_003 | WJW_LEADS_000), brief(direct)
    group = everything(api, "/agencies/市卫健委/tasks", role="lead", via="group")
    assert matches(group, ALL_DEPTS_LEAD) and {i["via"] for i in group} == {"市人民政府各部门"}
    assert matches(everything(api, "/agencies/市卫健委/tasks", role="lead", via="direct", document="000"), WJW_LEADS_000)
    doc003 = everything(api, "/agencies/市卫健委/tasks", role="lead", document="003")
    assert matches(doc003, WJW_LEADS_003 | ALL_DEPTS_LEAD), brief(doc003)
    # 000 附件1 rows 1, 10, 11, 14 set "到2025年": the profile offers that year to filter by
    assert "2025" in api.get("/agencies/市卫健委").json()["due_years"]


def test_full_official_name_gives_the_same_tasks(api: httpx.Client) -> None:
    short = everything(api, "/agencies/市卫健委/tasks", role="lead")
    full = everything(api, "/agencies/武汉市卫生健康委员会/tasks", role="lead")
    assert [i["id"] for i in full] == [i["id"] for i in short]
    traditional = everything(api, "/agencies/武漢市衛生健康委員會/tasks", role="lead")
    assert [i["id"] for i in traditional] == [i["id"] for i in short]


def test_wjw_supports_exactly(api: httpx.Client) -> None:
    items = everything(api, "/agencies/市卫健委/tasks", role="support")
    assert matches(items, WJW_SUPPORTS | ALL_DEPTS_SUPPORT), brief(items)


# Both reach section 三 tasks 1–3, 5–7 through 市人民政府各部门, except that 市财政局 leads task 3 itself.
@pytest.mark.parametrize(
    ("other", "expected", "both_by_group"),
    [("市民政局", WJW_MZJ_SHARED, ALL_DEPTS_LEAD | ALL_DEPTS_SUPPORT), ("市财政局", WJW_CZJ_SHARED, ALL_DEPTS_LEAD)],
)
def test_shared_exactly(api: httpx.Client, other: str, expected: set[Key], both_by_group: set[Key]) -> None:
    items = everything(api, f"/agencies/市卫健委/shared/{other}")
    assert matches(items, expected | ALL_DEPTS_LEAD | ALL_DEPTS_SUPPORT), brief(items)
    grouped = [i for i in items if i["via"] and i["other_via"]]
    assert matches(grouped, both_by_group), brief(grouped)
    back = everything(api, f"/agencies/{other}/shared/市卫健委")
    assert {i["id"] for i in back} == {i["id"] for i in items}


def test_shared_roles(api: httpx.Client) -> None:
    items = everything(api, "/agencies/市卫健委/shared/市民政局")
    roles = {(i["source"][:3], i["number"]): (i["role"], i["other_role"]) for i in items}
    assert roles[("003", "237")] == ("support", "lead")
    assert roles[("000", "14")] == ("lead", "lead")
    assert roles[("000", "9")] == ("support", "support")
    assert roles[("000", "15")] == ("support", "lead")


def test_jiangan_government_gets_all_district_tasks_via_group(api: httpx.Client) -> None:
    items = everything(api, "/agencies/江岸区人民政府/tasks")
    via = {(i["source"][:3], i["number"], i["via"]) for i in items}
    assert ("000", "1", "各区人民政府") in via
    got_003 = {i["number"] for i in items if i["source"].startswith("003") and i["via"] == "各区人民政府"}
    assert got_003 == GQ_003_MAIN | GQ_003_SECTION3 | GQ_003_LIVELIHOOD
    assert len([i for i in items if i["source"].startswith("003") and i["via"] == "各区人民政府"]) == 77
    annex1 = {i["number"] for i in items if i["source"].startswith("000") and i["kind"] != "district_row"}
    assert annex1 == ANNEX1_ALL_DISTRICTS
    # 000 附件2, section 江岸区: rows 1–16, the district's own list (lead, not through a group).
    rows = [i for i in items if i["kind"] == "district_row"]
    assert sorted(int(i["number"]) for i in rows) == list(range(1, 17))
    assert {(i["role"], i["via"], i["jurisdiction"]) for i in rows} == {("lead", None, "江岸区")}
    # 民生实事 40 goes to 各中心城区人民政府, and 江岸 is a central district; 41 goes to 各新城区 only.
    central = [i for i in items if i["via"] == "各中心城区人民政府"]
    assert [(i["source"][:3], i["number"]) for i in central] == [("003", "40")]
    assert not any(i["via"] == "各新城区人民政府" for i in items)
    roles = {(i["source"][:3], i["number"], i["text"][:4]): i["role"] for i in items if i["via"]}
    assert roles[("003", "202", "完善三孩")] == "support"  # 牵头单位:市卫健委;责任单位:…各区人民政府
    assert roles[("003", "1", "全面贯彻")] == "lead"  # 责任单位:各区人民政府,市人民政府各部门 (alone: co-lead)
    assert len(items) == 77 + 1 + 18 + 16


def test_jiangan_district_tasks(api: httpx.Client) -> None:
    items = everything(api, "/districts/江岸区/tasks")
    rows = [i for i in items if i["kind"] == "district_row"]
    # 000 附件2, section 江岸区: rows 1–16.
    assert sorted(int(i["number"]) for i in rows) == list(range(1, 17))
    assert {i["jurisdiction"] for i in rows} == {"江岸区"}
    # 77 (003, 各区) + 1 (003 民生实事 40, 各中心城区) + 18 (000 附件1, 各区) + 16 (附件2 rows)
    assert len(items) == 112
    assert {i["id"] for i in everything(api, "/districts/江岸/tasks")} == {i["id"] for i in items}


def test_wuchang_district_tasks(api: httpx.Client) -> None:
    items = everything(api, "/districts/武昌区/tasks")
    # 003 task 137 is led by 武昌区人民政府 directly.
    (t137,) = [i for i in items if key_of(i) == ("003", "137") and i["text"].startswith("开展国家气候投融资试点")]
    assert t137["role"] == "lead" and t137["via"] is None
    # 004 is 武昌区's own plan: its first constraint indicator task is led by 区教育局 (武昌区教育局).
    assert any(i["source"].startswith("004") and i["text"].startswith("劳动年龄人口平均受教育年限") for i in items)
    assert not any(i["jurisdiction"] == "江岸区" for i in items)


def test_name_miss_suggests(api: httpx.Client) -> None:
    r = api.get("/agencies/市卫建委/tasks")
    assert r.status_code == 404
    assert "市卫健委" in r.json()["suggestions"]


def test_search_and_filters(api: httpx.Client) -> None:
    items = everything(api, "/tasks", q="急救站", source="003")
    assert {(i["number"], i["text"]) for i in items} == {("24", "新增急救站10个。")}
    traditional = everything(api, "/tasks", q="急救站", source="003_0cb12dbbb4b3a502.txt")
    assert traditional == items


def test_task_detail_provenance(api: httpx.Client) -> None:
    (item,) = [i for i in everything(api, "/agencies/市卫健委/tasks", role="lead")
               if i["source"].startswith("003") and i["number"] == "213"]
    detail = api.get(f"/tasks/{item['id']}").json()
    assert detail["provenance"]["line_start"] == 124  # line 124 of 003
    assert "支持中医药传承创新发展" in detail["provenance"]["span"]
    assert detail["leads"] == ["市卫健委"] and detail["supports"] == ["市发改委"]
    assert [a["written"] for a in detail["lead_agencies"]] == ["市卫健委"]


def test_workload_per_document(api: httpx.Client) -> None:
    items = everything(api, "/stats/workload", document="000")
    wjw = next(w for w in items if w["name"] == "市卫健委")
    assert (wjw["lead"], wjw["support"]) == (4, 4 - 0)  # 附件1 leads 1, 10, 11, 14; supports 3, 9, 15, 25
    totals = [w["total"] for w in items]
    assert totals == sorted(totals, reverse=True)


def test_every_catalogue_query_runs_on_samples(api: httpx.Client) -> None:
    listing = api.get("/queries").json()
    task_id = everything(api, "/agencies/市卫健委/tasks", role="lead")[0]["id"]
    for q in listing:
        params = dict(q["example"])
        if "id" in params:
            params["id"] = task_id
        r = api.post(f"/queries/{q['name']}", json={"params": params})
        assert r.status_code == 200, (q["name"], r.text)
