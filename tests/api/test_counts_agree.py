"""A unit's header counts (agency_profile) agree with the lists its page shows (agency_tasks), for every
unit of the samples: 牵头 / 配合 count the tasks the unit holds itself, 经由单位组 the tasks it reaches only
through a group it belongs to (市财政局 leads 003 section 三 item 3 itself, so that one is not "via")."""

from __future__ import annotations

import httpx


def test_header_counts_match_the_lists_for_every_unit(api: httpx.Client) -> None:
    names = [a["name"] for a in api.get("/agencies", params={"limit": 1000}).json()["items"]]
    assert len(names) > 100
    wrong = []
    for name in names:
        profile = api.get(f"/agencies/{name}")
        assert profile.status_code == 200, (name, profile.text)
        counts = profile.json()["counts"]
        tasks = api.get(f"/agencies/{name}/tasks", params={"limit": 1000}).json()["items"]
        listed = {
            "lead": len({t["id"] for t in tasks if t["role"] == "lead" and not t["via"]}),
            "support": len({t["id"] for t in tasks if t["role"] == "support" and not t["via"]}),
            "via_group": len({t["id"] for t in tasks if t["via"]}),
        }
        if listed != counts:
            wrong.append((name, counts, listed))
    assert wrong == []
