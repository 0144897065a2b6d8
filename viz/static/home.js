/* Home: search with suggestions, headline numbers, busiest agencies. */
"use strict";
(() => {
  const { h, api, enc, links } = DG;
  DG.header("home");
  const main = document.getElementById("main");

  const input = h("input", { id: "q", type: "search", autocomplete: "off",
    placeholder: "输入单位、任务内容或区名，例如：卫健委、托育、武昌区", "aria-label": "搜索" });
  const box = h("div", { class: "suggest hidden", id: "suggest", role: "listbox" });
  const results = h("div", { id: "results" });
  const numbers = h("div", { class: "numbers", id: "numbers" });
  const busiest = h("div", { class: "card", id: "busiest" }, h("p", { class: "muted" }, "正在加载…"));

  main.replaceChildren(
    h("section", { class: "hero" },
      h("h1", {}, "责任图谱"),
      h("p", { class: "muted" }, "谁牵头、谁配合、目标是多少——从任务分解文件中查找"),
      h("form", { class: "search", onsubmit: (e) => { e.preventDefault(); search(input.value.trim()); } },
        input, box)),
    results,
    numbers,
    h("h2", {}, "任务最多的单位"),
    busiest);

  DG.search.attach(input, box);

  /** Results: the units the query finds (short names, pinyin, full names) first, the best unit's tasks,
   *  then tasks whose text contains the query. */
  async function search(q) {
    if (!q) return;
    box.classList.add("hidden");
    const url = DG.ledger.withFilters(`/ui/?q=${enc(q)}`);  // the deadline filters stay on a new search
    if (location.pathname + location.search !== url) history.replaceState(null, "", url);
    results.replaceChildren(h("p", { class: "muted" }, "正在搜索…"));
    const [s, docs] = await Promise.all([DG.search.suggestions(q, { agencies: 20, tasks: 1 }), DG.documents()]);
    const best = s.agencies[0];
    const [unitTasks, tasks] = await Promise.all([
      best ? api(DG.ledger.withFilters(`/agencies/${enc(best.name)}/tasks?limit=1000`)).catch(() => null) : null,
      api(DG.ledger.withFilters(`/tasks?q=${enc(q)}&limit=1000`)).catch(() => ({ items: [], total: 0 })),
    ]);
    const unitItems = unitTasks ? unitTasks.items || [] : [];
    const direct = unitItems.filter((t) => !t.via);
    const years = DG.ledger.dueYears([...unitItems, ...(tasks.items || [])]);
    DG.fill(results, h("div", { class: "card", id: "search-results" },
      h("h2", {}, `“${q}”的搜索结果`),
      DG.ledger.filters(years),
      h("h3", { id: "units-heading" }, `单位（共 ${s.agencyTotal} 个）`),
      s.agencies.length ? unitTable(s.agencies) : h("p", { class: "muted" }, "没有匹配的单位。"),
      s.districts.length ? h("p", { id: "result-districts" }, "区：",
        ...s.districts.flatMap((d, i) => [i ? "、" : "", h("a", { href: links.district(d) }, d)])) : null,
      best && unitTasks ? h("div", { id: "unit-tasks" },
        h("h3", {}, h("a", { href: links.agency(best.name) }, best.name), `承担的任务（共 ${direct.length} 项`,
          unitItems.length > direct.length ? `，另经由所属单位组 ${unitItems.length - direct.length} 项` : "", "）"),
        DG.ledger.button(`/agencies/${enc(best.name)}/ledger`),
        unitItems.length ? byRole(unitItems, docs) : h("p", { class: "muted" }, "没有任务。")) : null,
      h("div", { id: "text-tasks" },
        h("h3", {}, `内容含“${q}”的任务（共 ${tasks.total ?? (tasks.items || []).length} 项）`),
        (tasks.items || []).length ? DG.ledger.button("/tasks/ledger", { q }) : null,
        (tasks.items || []).length ? DG.taskList(tasks.items, { docs, collapse: true })
          : h("p", { class: "muted" }, "没有找到内容相关的任务。"))));
    DG.mark("dg-search");
  }

  /** A unit's tasks as its page and its ledger order them: 牵头, 配合, then those reached through a group. */
  function byRole(items, docs) {
    const groups = [["lead", "牵头", (t) => !t.via && t.role === "lead"], ["support", "配合", (t) => !t.via && t.role !== "lead"],
      ["via", "经由所属单位组", (t) => Boolean(t.via)]];
    return groups.map(([key, label, keep]) => [key, label, items.filter(keep)]).filter(([, , xs]) => xs.length)
      .map(([key, label, xs]) => h("div", { class: "role-group", dataset: { role: key } },
        h("h4", {}, `${label}（${xs.length} 项）`), DG.taskList(xs, { docs, collapse: true })));
  }

  function unitTable(units) {
    return h("table", { id: "result-units" },
      h("thead", {}, h("tr", {}, h("th", {}, "单位"), h("th", {}, "类型"), h("th", {}, "辖区"),
        h("th", { class: "n" }, "牵头"), h("th", { class: "n" }, "配合"))),
      h("tbody", {}, units.map((a) => h("tr", {},
        h("td", {}, DG.agencyLink(a.name)), h("td", { class: "muted" }, DG.AGENCY_TYPES[a.type] || "—"),
        h("td", {}, a.jurisdiction || "—"), h("td", { class: "n" }, a.lead ?? 0), h("td", { class: "n" }, a.support ?? 0)))));
  }

  async function loadNumbers() {
    try {
      const health = await api("/health");
      const c = health.counts || {};
      numbers.replaceChildren(...[["Document", "文件"], ["Task", "任务"], ["Agency", "单位"], ["Indicator", "指标"]]
        .map(([k, label]) => h("div", { class: "num", dataset: { kind: k } }, h("b", {}, c[k] ?? 0), label)));
    } catch (e) {
      numbers.replaceChildren(h("p", { class: "error" }, "无法读取统计数字。"));
    }
  }

  async function loadBusiest() {
    try {
      const body = await api("/stats/workload?limit=15");
      busiest.after(h("p", { class: "small" }, h("a", { href: "/ui/workload", id: "all-workload" }, "查看全部单位的任务量 →")));
      const rows = (Array.isArray(body) ? body : body.items || []).slice(0, 15);
      const max = Math.max(1, ...rows.map((r) => r.total));
      busiest.replaceChildren(h("table", {},
        h("thead", {}, h("tr", {}, h("th", {}, "单位"), h("th", {}, "类型"), h("th", { class: "n" }, "牵头"),
          h("th", { class: "n" }, "配合"), h("th", { class: "n" }, "合计"), h("th", {}, ""))),
        h("tbody", {}, rows.map((r) => h("tr", {},
          h("td", {}, DG.agencyLink(r.name)),
          h("td", { class: "muted" }, DG.AGENCY_TYPES[r.type] || ""),
          h("td", { class: "n" }, r.lead), h("td", { class: "n" }, r.support), h("td", { class: "n" }, r.total),
          h("td", {}, h("span", { class: "bar", style: `width:${(120 * r.lead) / max}px` }),
            h("span", { class: "bar support", style: `width:${(120 * r.support) / max}px` })))))));
    } catch (e) {
      busiest.replaceChildren(h("p", { class: "error" }, "无法读取单位工作量。"));
    }
  }

  loadNumbers();
  loadBusiest();
  const q0 = new URLSearchParams(location.search).get("q");
  if (q0) { input.value = q0; search(q0); }
  input.focus();
})();
